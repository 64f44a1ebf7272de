"""The container files, checked by reading them: no Docker engine runs where the tests run, so the
images are not built here. What the stack relies on is asserted: services, health checks, ports on
loopback only, no secrets but clearly local defaults, a slim non-root image serving gunicorn."""
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def compose():
    return yaml.safe_load((ROOT / 'docker-compose.yml').read_text(encoding='utf-8'))


@pytest.fixture(scope='module')
def dockerfile():
    text = (ROOT / 'Dockerfile').read_text(encoding='utf-8')
    # Join continuation lines, drop comments: one instruction per line.
    text = re.sub(r'\\\n\s*', ' ', text)
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith('#')]


def instructions(lines, name):
    return [line[len(name):].strip() for line in lines if line.upper().startswith(name + ' ')]


def test_dockerfile_is_a_slim_python_312_non_root_gunicorn_image(dockerfile):
    assert instructions(dockerfile, 'FROM') == ['python:3.12-slim']
    users = instructions(dockerfile, 'USER')
    assert users and users[-1] not in ('root', '0')
    runs = ' '.join(instructions(dockerfile, 'RUN'))
    assert "pip install -c constraints/standalone.txt '.[standalone]'" in runs
    assert 'collectstatic' in runs
    assert 'useradd' in runs
    for library in ('libpango-1.0-0', 'libpangoft2-1.0-0', 'libharfbuzz0b'):
        assert library in runs, f'weasyprint needs {library}'
    cmd = json.loads(instructions(dockerfile, 'CMD')[-1])
    assert cmd[:2] == ['gunicorn', 'config.wsgi'] and '0.0.0.0:8000' in cmd
    assert instructions(dockerfile, 'EXPOSE') == ['8000']
    healthcheck = instructions(dockerfile, 'HEALTHCHECK')
    assert healthcheck and '/signals/' in healthcheck[0]
    assert json.loads(instructions(dockerfile, 'ENTRYPOINT')[-1]) == ['/usr/local/bin/entrypoint.sh']
    # The user is switched after everything that needs root, and no key is baked into the image.
    assert max(i for i, line in enumerate(dockerfile) if line.startswith(('RUN', 'COPY'))) < max(
        i for i, line in enumerate(dockerfile) if line.startswith('USER'))
    assert 'rm -f /app/var/oidc.key' in runs


def test_dockerfile_copies_what_the_app_needs_and_dockerignore_keeps_the_rest_out(dockerfile):
    copied = ' '.join(instructions(dockerfile, 'COPY'))
    for path in ('setup.cfg', 'pyproject.toml', 'README.md', 'manage.py', 'constraints/', 'config/',
                 'signals_haarlem/', 'fixtures/', 'docker/entrypoint.sh'):
        assert path in copied
    ignored = [line.strip() for line in (ROOT / '.dockerignore').read_text(encoding='utf-8').splitlines()
               if line.strip() and not line.startswith('#')]
    for path in ('.git', '.venv', 'var', 'tests'):
        assert path in ignored
    for needed in ('fixtures', 'docker', 'signals_haarlem', 'config', 'README.md'):
        assert needed not in ignored


def test_entrypoint_migrates_loads_fixtures_then_runs_the_command():
    script = (ROOT / 'docker' / 'entrypoint.sh').read_text(encoding='utf-8')
    assert script.startswith('#!/bin/sh') and 'set -eu' in script
    migrate = script.index('manage.py migrate --noinput')
    fixtures = script.index('manage.py load_haarlem_fixtures')
    assert migrate < fixtures < script.index('exec "$@"')
    assert (ROOT / 'docker' / 'entrypoint.sh').stat().st_mode & 0o111


def test_compose_has_the_full_stack(compose):
    services = compose['services']
    assert set(services) >= {'db', 'redis', 'backend', 'worker', 'beat', 'frontend'}
    assert services['db']['image'].startswith('postgres:15')
    assert services['redis']['image'].startswith('redis:')
    assert services['frontend']['image'] in ('signalen/frontend:latest', 'amsterdam/signals-frontend:latest')
    for name in ('backend', 'worker', 'beat'):
        assert services[name]['build'] == '.'
    assert services['worker']['command'][:4] == ['celery', '-A', 'config.celery', 'worker']
    beat = services['beat']['command']
    assert beat[:4] == ['celery', '-A', 'config.celery', 'beat']
    assert 'django_celery_beat.schedulers:DatabaseScheduler' in beat
    # Only the backend migrates; the workers wait for it to be healthy.
    assert services['backend']['environment']['DJANGO_MIGRATE'] == '1'
    for name in ('worker', 'beat'):
        assert services[name]['environment']['DJANGO_MIGRATE'] == '0'
        assert services[name]['depends_on']['backend']['condition'] == 'service_healthy'
    for dependency in ('db', 'redis'):
        assert services['backend']['depends_on'][dependency]['condition'] == 'service_healthy'


def test_every_service_has_a_healthcheck(compose):
    for name, service in compose['services'].items():
        check = service.get('healthcheck')
        assert check and check.get('test') and not check.get('disable'), name
    assert '/signals/' in ' '.join(compose['services']['backend']['healthcheck']['test'])


def test_backend_environment(compose):
    env = compose['services']['backend']['environment']
    assert env['DATABASE_URL'].startswith('postgres://') and '@db:5432/' in env['DATABASE_URL']
    assert env['CELERY_BROKER_URL'] == 'redis://redis:6379/0'
    for key in ('OIDC_JWKS_URL', 'OIDC_ISSUER', 'OIDC_AUDIENCE', 'FRONTEND_URL', 'SECRET_KEY'):
        assert key in env
    assert env['DEBUG'] == 'false'


def test_ports_are_bound_to_loopback(compose):
    published = [(name, port) for name, service in compose['services'].items() for port in service.get('ports', [])]
    assert {name for name, _ in published} >= {'backend', 'frontend'}
    for name, port in published:
        assert str(port).startswith('127.0.0.1:'), (name, port)


def test_no_secrets_but_clearly_local_defaults(compose):
    secret_words = re.compile(r'(PASSWORD|SECRET|TOKEN|_KEY)$')
    for name, service in compose['services'].items():
        env = service.get('environment') or {}
        for key, value in env.items():
            value = str(value)
            if secret_words.search(key) and value:
                # Either taken from the environment, or a default that says it is local only.
                match = re.fullmatch(r'\$\{[A-Z_]+:-(.*)\}', value)
                assert match, (name, key, value)
                default = match.group(1)
                assert default == '' or 'local' in default or 'lokaal' in default, (name, key, default)
        url = str(env.get('DATABASE_URL', ''))
        if url:
            assert re.search(r':\$\{POSTGRES_PASSWORD:-local[^}]*\}@', url), url


def test_frontend_is_configured_for_this_backend(compose):
    mounts = compose['services']['frontend']['volumes']
    source = next(m.split(':')[0] for m in mounts if m.split(':')[1] == '/app.json')
    config = json.loads((ROOT / source).read_text(encoding='utf-8'))
    assert config['apiBaseUrl'] == 'http://localhost:8000'
    assert config['oidc']['authEndpoint'] == 'http://localhost:8000/oauth/authorize/'
    assert config['oidc']['clientId'] == 'signals'
    backend = compose['services']['backend']['environment']
    assert 'http://localhost:3001' in backend['CORS_ALLOWED_ORIGINS']
    assert 'http://localhost:3001/manage/incidents' in backend['OIDC_REDIRECT_URIS'].split()
    assert backend['OIDC_CLIENT_ID'] == config['oidc']['clientId']
