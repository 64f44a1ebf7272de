import pytest
from django.test.utils import CaptureQueriesContext  # noqa: F401  (re-exported for tests)

from signals_haarlem import signalen, workdays


@pytest.fixture
def postgresql_only():
    """For tests of row locks between transactions: skipped unless the test database is PostgreSQL
    (scripts/with-postgres and the upstream stage run them there)."""
    from django.db import connection
    if connection.vendor != 'postgresql':
        pytest.skip('needs PostgreSQL (row locks); run through scripts/with-postgres')


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Closure days and triage rules may be rolled back with a test's transaction; start every test with a
    fresh working-day calendar and rule set (both are cached per process)."""
    from signals_haarlem.triage import engine
    workdays.clear_cache()
    engine.clear_cache()
    yield
    workdays.clear_cache()
    engine.clear_cache()


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


def bearer(user, **claims):
    """The Authorization header of a bearer token for `user` that this Signalen's API accepts."""
    return {'HTTP_AUTHORIZATION': f'Bearer {issue_token(user, **claims)}'}


def issue_token(user, **claims):
    """A JWT for `user`. Standalone: the core's own tokens. Inside upstream: RS256, signed with the test
    provider's key (config/settings/upstream_test.py), with the issuer, audience and e-mail claim that
    upstream's JWTAuthBackend checks; `claims` override them (e.g. exp in the past)."""
    if not signalen.UPSTREAM:
        from signals_haarlem.standalone.auth import issue_token as standalone_token
        return standalone_token(user, extra_claims=claims or None)
    import time

    import jwt
    from django.conf import settings
    now = int(time.time())
    payload = {'iss': settings.OIDC_OP_ISSUER, 'aud': settings.OIDC_TRUSTED_AUDIENCES[0], 'iat': now,
               'exp': now + 3600, 'sub': str(user.pk), 'email': user.email or user.username, **claims}
    return jwt.encode(payload, settings.TEST_JWT_PRIVATE_KEY, algorithm='RS256')


def admin_path(rest=''):
    """A path in the Django admin: /admin/... standalone, /signals/admin/... inside upstream."""
    from django.urls import reverse
    return reverse('admin:index') + rest


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient
    return APIClient()


@pytest.fixture
def admin_client_api(api_client, admin_user):
    api_client.credentials(**bearer(admin_user))
    return api_client


# -- Browser tests (werkplek pages) ---------------------------------------------------------------
# Headless Chromium through Selenium and Debian's chromedriver; .ci/run installs both.

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'


@pytest.fixture(scope='session')
def browser(live_server):
    # Needs the live server so that it quits first: Chromium's keep-alive connections then end while
    # the server still shares the test database connection with its request threads.
    import os
    import shutil
    import tempfile
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip('Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)')
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix='chromium-test-')
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
                 '--no-first-run', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--window-size=1280,900', f'--user-data-dir={profile}'):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(3)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope='session')
def axe():
    """The source of axe-core (the accessibility engine), which `make test` fetches from the npm registry
    into var/ (or AXE_JS names the file)."""
    import glob
    import os
    path = os.environ.get('AXE_JS') or next(iter(sorted(glob.glob('var/axe-core-*/axe.min.js'))), None)
    if not path or not os.path.exists(path):
        pytest.skip('axe-core is not there (make test fetches it with npm; or set AXE_JS)')
    with open(path, encoding='utf-8') as handle:
        return handle.read()


@pytest.fixture
def browser_login(browser, live_server, client):
    """Log `user` into the browser by session cookie; returns a function open(path)."""
    def login(user):
        client.force_login(user)
        cookie = client.cookies['sessionid']
        browser.get(live_server.url + '/werkplek/login/')
        browser.delete_all_cookies()
        browser.add_cookie({'name': 'sessionid', 'value': cookie.value, 'path': '/'})

        def open_page(path):
            browser.get(live_server.url + path)
            return browser
        return open_page
    return login


# -- The copy of each signal's current values (standalone core) stays right through every test ------

@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield  # the test itself; if it failed, that is the report
    if signalen.UPSTREAM:  # upstream keeps no copy
        return result
    if item.get_closest_marker('django_db') is not None or {'db', 'transactional_db'} & set(item.fixturenames):
        from signals_haarlem.standalone import current
        wrong = current.mismatches()
        assert not wrong, f'Signal.current_* differ from the current records (id, column, stored, expected): {wrong}'
    return result


# -- One test, two modes -----------------------------------------------------------------------------
# Every Haarlem test runs on the standalone core and inside upstream Signalen. A test that can only hold
# on one core says so, with the reason: @pytest.mark.standalone_only('why') / upstream_only('why').
# tests/standalone and tests/api test the standalone core itself and run in that mode only.

MODE = 'upstream' if signalen.UPSTREAM else 'standalone'
ONE_MODE = {'standalone_only': 'standalone', 'upstream_only': 'upstream'}
CORE_ONLY_DIRS = ('tests/standalone/', 'tests/api/')


def pytest_collection_modifyitems(config, items):
    for item in items:
        for name, mode in ONE_MODE.items():
            marker = item.get_closest_marker(name)
            if marker is None:
                continue
            reason = (marker.args[0] if marker.args else marker.kwargs.get('reason', '')).strip()
            if not reason:
                raise pytest.UsageError(f'{item.nodeid}: @pytest.mark.{name} needs a reason')
            if mode != MODE:
                item.add_marker(pytest.mark.skip(reason=f'{name}: {reason}'))


_mode_counts = {'both': 0, 'standalone': 0, 'upstream': 0, 'ran': 0}


def pytest_runtest_logreport(report):
    """Count the Haarlem tests by the modes they run in (on the xdist controller too: reports carry
    the markers' names in their keywords)."""
    if report.when != 'setup' or report.nodeid.startswith(CORE_ONLY_DIRS):
        return
    modes = [mode for name, mode in ONE_MODE.items() if name in report.keywords]
    _mode_counts[modes[0] if modes else 'both'] += 1
    if not report.skipped:
        _mode_counts['ran'] += 1


def pytest_terminal_summary(terminalreporter):
    counts = _mode_counts
    total = counts['both'] + counts['standalone'] + counts['upstream']
    if not total:
        return
    terminalreporter.write_line(
        f"Haarlem apps' tests in {MODE} mode: {counts['ran']} ran; of {total} collected, {counts['both']} run in "
        f"both modes ({100 * counts['both'] / total:.1f}%), {counts['standalone']} standalone only, "
        f"{counts['upstream']} upstream only (outside {' and '.join(d.rstrip('/') for d in CORE_ONLY_DIRS)})")
