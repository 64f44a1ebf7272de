"""Hardening of what people open: a Content-Security-Policy on the werkplek, the partner's page and the
admin, no caching of pages and API answers with personal data, the built-in secret refused outside
this machine, secure cookies outside DEBUG, Swagger UI served from the package, an administrator who
cannot switch their own account off, bounds on what an anonymous report may carry, and no NUL
character in a query."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_pages_have_a_content_security_policy_and_are_not_cached(client):
    user = UserFactory(username='kcc@haarlem.nl', is_staff=True, is_superuser=True)
    client.force_login(user)
    for path in ('/werkplek/', '/werkplek/klachten/', '/werkplek/triage/'):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response['Content-Security-Policy']
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert 'no-store' in response['Cache-Control']
    anonymous = client.__class__().get('/werkplek/login/')
    assert 'Content-Security-Policy' in anonymous and 'no-store' in anonymous['Cache-Control']


def test_api_answers_with_personal_data_are_not_cached(api_client):
    admin = UserFactory(username='admin@haarlem.nl', is_staff=True, is_superuser=True)
    response = api_client.get('/signals/v1/haarlem/complaints/', **bearer(admin))
    assert response.status_code == 200 and 'no-store' in response['Cache-Control']


def test_a_nul_character_in_a_query_or_path_is_a_400_not_a_database_error(api_client, client):
    """PostgreSQL cannot compare text with NUL in it: found by schemathesis as 500s on filters."""
    admin = UserFactory(username='admin@haarlem.nl', is_staff=True, is_superuser=True)
    response = api_client.get('/signals/v1/haarlem/triage/queues/eenvoudig/', {'area': 'a\x00b', 'page': '1'},
                              **bearer(admin))
    assert response.status_code == 400 and response.json() == {'area': ['Mag geen NUL-teken (\\x00) bevatten.']}
    response = api_client.get('/signals/v1/haarlem/triage/lanes/a%00b/', **bearer(admin))
    assert response.status_code == 400 and 'path' in response.json()
    client.force_login(admin)
    page = client.get('/werkplek/triage/', {'categorie': '\x00'})
    assert page.status_code == 400 and 'NUL-teken' in page.content.decode()
    assert client.get('/werkplek/triage/', {'categorie': 'afval'}).status_code == 200


@pytest.mark.standalone_only("the standalone deployment's admin (inside upstream its admin is upstream's)")
def test_the_admin_has_the_policy_too(client):
    client.force_login(UserFactory(username='beheer@haarlem.nl', is_staff=True, is_superuser=True))
    response = client.get('/admin/')
    assert response.status_code == 200 and "script-src 'self'" in response['Content-Security-Policy']


def _settings_start(env):
    """Import the standalone settings in a fresh process with this environment; (returncode, stderr)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(('SECRET_KEY', 'ALLOWED_HOSTS', 'DEBUG'))}
    full.update(env, DJANGO_SETTINGS_MODULE='config.settings.standalone', VAR_DIR=str(ROOT / 'var' / 'test-settings'))
    result = subprocess.run([sys.executable, '-c', 'import django; django.setup(); from django.conf import settings; '
                             'print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)'],
                            cwd=ROOT, env=full, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


@pytest.mark.standalone_only("the standalone deployment's settings")
def test_the_built_in_secret_is_refused_for_other_hosts_and_cookies_are_secure():
    code, output = _settings_start({'ALLOWED_HOSTS': 'meldingen.haarlem.nl'})
    assert code != 0 and 'SECRET_KEY' in output
    code, output = _settings_start({'ALLOWED_HOSTS': 'meldingen.haarlem.nl', 'SECRET_KEY': 'x' * 50})
    assert code == 0 and output.split()[:2] == ['True', 'True']  # secure cookies outside DEBUG
    code, output = _settings_start({})  # `make run`: this machine only
    assert code == 0
    code, output = _settings_start({'DEBUG': 'true'})
    assert code == 0 and output.split()[:2] == ['False', 'False']


@pytest.mark.standalone_only("the standalone deployment's Swagger UI")
def test_swagger_ui_comes_from_the_package(client):
    html = client.get('/signals/swagger/').content.decode()
    assert 'cdn.jsdelivr.net' not in html and 'unpkg.com' not in html
    assert '/static/drf_spectacular_sidecar/swagger-ui-dist/' in html


@pytest.mark.standalone_only("the standalone core's users API and admin")
def test_an_administrator_cannot_switch_their_own_account_off(api_client, client):
    admin = UserFactory(username='beheer@haarlem.nl', is_staff=True, is_superuser=True)
    other = UserFactory(username='ander@haarlem.nl')
    api_client.credentials(**bearer(admin))
    response = api_client.patch(f'/signals/v1/private/users/{admin.pk}', {'is_active': False}, format='json')
    assert response.status_code == 400 and 'is_active' in response.json()
    assert api_client.patch(f'/signals/v1/private/users/{other.pk}', {'is_active': False},
                            format='json').status_code == 200
    client.force_login(admin)
    page = client.post(f'/admin/auth/user/{admin.pk}/change/', {
        'username': admin.username, 'is_staff': 'on', 'is_superuser': 'on', 'date_joined_0': '2026-01-01',
        'date_joined_1': '10:00:00'})
    assert page.status_code == 200 and 'eigen account niet op inactief' in page.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


@pytest.mark.standalone_only("the standalone core's public API")
def test_an_anonymous_report_carries_a_bounded_number_of_answers(api_client):
    from tests.api.test_signals_support import public_body
    body = public_body()
    body['extra_properties'] = [{'id': f'vraag{n}', 'label': 'Vraag', 'answer': 'ja'} for n in range(5000)]
    response = api_client.post('/signals/v1/public/signals/', body, format='json')
    assert response.status_code == 400 and 'extra_properties' in response.json()
    body['extra_properties'] = [{'id': 'vraag', 'label': 'Vraag', 'answer': 'x' * 70000}]
    response = api_client.post('/signals/v1/public/signals/', body, format='json')
    assert response.status_code == 400 and 'extra_properties' in response.json()
