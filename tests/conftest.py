import pytest
from django.test.utils import CaptureQueriesContext  # noqa: F401  (re-exported for tests)

from signals_haarlem import workdays


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Closure days may be rolled back with a test's transaction; start every test with a fresh calendar."""
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Execute on_commit callbacks (hooks are sent on commit) inside the test transaction."""
    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)
    return run


@pytest.fixture
def category(db):
    from tests.factories import CategoryFactory, DepartmentFactory
    return CategoryFactory(slug='container-vol', name='Container is vol', parent__slug='afval', parent__name='Afval',
                           departments=[DepartmentFactory(code='EEN', name='Team Eenvoudig')])


@pytest.fixture
def admin_user(db):
    from tests.factories import UserFactory
    return UserFactory(username='admin@haarlem.nl', is_staff=True, is_superuser=True)


def bearer(user):
    from signals_haarlem.standalone.auth import issue_token
    return {'HTTP_AUTHORIZATION': f'Bearer {issue_token(user)}'}


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient
    return APIClient()


@pytest.fixture
def admin_client_api(api_client, admin_user):
    api_client.credentials(**bearer(admin_user))
    return api_client
