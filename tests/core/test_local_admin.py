"""ensure_local_admin: one local superuser with a KCC profile and a stable, printed login."""
import stat
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from signals_haarlem import signalen

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    monkeypatch.delenv('LOCAL_ADMIN_PASSWORD', raising=False)
    settings.VAR_DIR = tmp_path
    return tmp_path


def run(*args):
    out = StringIO()
    call_command('ensure_local_admin', *args, stdout=out)
    return out.getvalue()


def test_creates_the_admin_once_with_a_stored_password(var_dir):
    first = run('--port', '8123')
    password_file = var_dir / 'local-admin-password'
    password = password_file.read_text().strip()
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert 'http://127.0.0.1:8123/admin/' in first and 'http://127.0.0.1:8123/werkplek/' in first
    assert 'admin@haarlem.local' in first and password in first
    second = run('--port', '8123')
    User = get_user_model()
    assert User.objects.filter(username='admin@haarlem.local').count() == 1
    user = User.objects.get(username='admin@haarlem.local')
    assert user.is_superuser and user.is_staff and user.is_active and user.email == 'admin@haarlem.local'
    assert user.check_password(password)
    assert password in second and 'exists' in second
    assert password_file.read_text().strip() == password
    assert [d.code for d in signalen.user_departments(user)] == ['KCC']


def test_password_from_the_environment(var_dir, monkeypatch):
    monkeypatch.setenv('LOCAL_ADMIN_PASSWORD', 'lokaal-wachtwoord-123')
    output = run()
    user = get_user_model().objects.get(username='admin@haarlem.local')
    assert user.check_password('lokaal-wachtwoord-123')
    assert 'lokaal-wachtwoord-123' in output and 'LOCAL_ADMIN_PASSWORD' in output
    assert not (var_dir / 'local-admin-password').exists()


def test_an_existing_admin_keeps_its_password(var_dir):
    run()
    user = get_user_model().objects.get(username='admin@haarlem.local')
    user.set_password('zelf-gekozen-wachtwoord')
    user.save()
    output = run()
    user.refresh_from_db()
    assert user.check_password('zelf-gekozen-wachtwoord')
    assert 'unchanged' in output
