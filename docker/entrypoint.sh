#!/bin/sh
# Prepare the database, then run the container's command (gunicorn, a Celery worker or beat).
#
#   DJANGO_MIGRATE=1            migrate and load the Haarlem fixtures first (the backend; 0 for workers)
#   FIXTURES_CREATE_ONLY=1      load_haarlem_fixtures --create-only: keep what admins changed since
#   LOAD_FIXTURES=0             skip load_haarlem_fixtures
#   LOCAL_OIDC=1                make sure the embedded OIDC provider knows the frontend's client
#   ENSURE_LOCAL_ADMIN=1        create admin@haarlem.local (password: $LOCAL_ADMIN_PASSWORD) and print it
#   SEED_DEMO=<n>               add n demo signals when there are none yet
set -eu

if [ "${DJANGO_MIGRATE:-1}" = "1" ]; then
    python manage.py migrate --noinput
    if [ "${LOAD_FIXTURES:-1}" = "1" ]; then
        if [ "${FIXTURES_CREATE_ONLY:-0}" = "1" ]; then
            python manage.py load_haarlem_fixtures --create-only
        else
            python manage.py load_haarlem_fixtures
        fi
    fi
    if [ "${LOCAL_OIDC:-0}" = "1" ]; then
        python manage.py ensure_local_oidc_client
    fi
    if [ "${ENSURE_LOCAL_ADMIN:-0}" = "1" ]; then
        python manage.py ensure_local_admin --port "${PUBLISHED_PORT:-8000}"
    fi
    if [ -n "${SEED_DEMO:-}" ] && [ "${SEED_DEMO}" != "0" ]; then
        python manage.py seed_demo "${SEED_DEMO}" --if-empty --no-progress
    fi
fi

exec "$@"
