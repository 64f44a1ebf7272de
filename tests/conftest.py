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
    if item.get_closest_marker('django_db') is not None or {'db', 'transactional_db'} & set(item.fixturenames):
        from signals_haarlem.standalone import current
        wrong = current.mismatches()
        assert not wrong, f'Signal.current_* differ from the current records (id, column, stored, expected): {wrong}'
    return result
