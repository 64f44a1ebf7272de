# signals-haarlem backend (standalone deployment): gunicorn serving config.wsgi on port 8000.
#   docker build -t signals-haarlem .
#   docker compose up          (the full stack: see docker-compose.yml)
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.standalone \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media \
    HAARLEM_FIXTURES_DIR=/app/fixtures

# Libraries weasyprint renders PDFs with (Pango, HarfBuzz, fonts), and MIME data for uploads.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
        fonts-dejavu-core shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 signals \
    && useradd --system --uid 10001 --gid signals --home-dir /app --shell /usr/sbin/nologin signals

WORKDIR /app
COPY setup.cfg pyproject.toml README.md manage.py ./
COPY constraints/ constraints/
COPY config/ config/
COPY signals_haarlem/ signals_haarlem/
RUN pip install -c constraints/standalone.txt '.[standalone]'

COPY fixtures/ fixtures/
COPY docker/entrypoint.sh /usr/local/bin/entrypoint.sh

# Static files are collected into the image (served by whitenoise); media goes to a volume.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0 \
    && rm -f /app/var/oidc.key /app/var/db.sqlite3 \
    && mkdir -p /app/var/media \
    && chown -R signals:signals /app/var \
    && chmod 0755 /usr/local/bin/entrypoint.sh

USER signals
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/signals/', timeout=4).status == 200 else 1)"

ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--access-logfile", "-"]
