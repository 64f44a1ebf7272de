"""The local administrator of a development or demo install (``manage.py ensure_local_admin``).

Creates, if missing, the superuser admin@haarlem.local with a Signalen profile in department KCC.
Its password comes from $LOCAL_ADMIN_PASSWORD, else from VAR_DIR/local-admin-password (generated
once, readable by the owner only), so that `make run` can print the same login every time.
(The frontend's OIDC client is the standalone core's `ensure_local_oidc_client`.)
"""
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from signals_haarlem import signalen

USERNAME = 'admin@haarlem.local'
PASSWORD_FILE = 'local-admin-password'
DEPARTMENT = 'KCC'


@dataclass
class Result:
    username: str
    password: str | None  # None: unknown (user existed, password not managed here)
    created: bool
    password_source: str


def var_dir():
    return Path(getattr(settings, 'VAR_DIR', None) or os.environ.get('VAR_DIR') or Path.cwd() / 'var')


def _stored_password(path):
    try:
        value = path.read_text(encoding='utf-8').strip()
    except FileNotFoundError:
        return None
    return value or None


def _new_password(path):
    password = secrets.token_urlsafe(15)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w', encoding='utf-8') as fh:
        fh.write(password + '\n')
    return password


def _department():
    Department = signalen.get_model('Department')
    department = Department.objects.filter(code=DEPARTMENT).first()
    if department is None:  # fixtures not loaded yet: create just this one, as departments.json has it
        department = Department.objects.create(code=DEPARTMENT, name='Klantcontactcentrum', is_intern=True,
                                               can_direct=False)
    return department


def ensure_profile(user):
    Profile = signalen.get_model('Profile')
    profile, _ = Profile.objects.get_or_create(user=user)
    department = _department()
    if not profile.departments.filter(pk=department.pk).exists():
        profile.departments.add(department)
    return profile


@transaction.atomic
def ensure_local_admin(username=USERNAME):
    User = get_user_model()
    env_password = os.environ.get('LOCAL_ADMIN_PASSWORD') or None
    path = var_dir() / PASSWORD_FILE
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        if env_password:
            password, source = env_password, 'LOCAL_ADMIN_PASSWORD'
        else:
            password = _stored_password(path) or _new_password(path)
            source = str(path)
        user = User.objects.create_superuser(username=username, email=username, password=password)
    else:
        # An existing user keeps its password; report the one we know of, if it still works.
        password, source = None, 'unchanged'
        for candidate, candidate_source in ((env_password, 'LOCAL_ADMIN_PASSWORD'),
                                            (_stored_password(path), str(path))):
            if candidate and user.check_password(candidate):
                password, source = candidate, candidate_source
                break
    ensure_profile(user)
    return Result(username=username, password=password, created=created, password_source=source)

