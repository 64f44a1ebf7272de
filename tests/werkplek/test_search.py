"""The search box in the werkplek shell: signals the user may see, and complaints for complaint roles."""
import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from signals_haarlem.complaints import fixtures as complaint_fixtures
from signals_haarlem.complaints import services as complaint_services
from tests.factories import CategoryFactory, DepartmentFactory, UserFactory, address, make_signal

pytestmark = pytest.mark.django_db

SEARCH = '/werkplek/zoeken/'


@pytest.fixture
def setup(settings):
    settings.ELASTICSEARCH_URL = ''
    complaint_fixtures.load()
    een, cpx = DepartmentFactory(code='EEN', name='Team Eenvoudig'), DepartmentFactory(code='CPX', name='Team Complex')
    mine = make_signal(CategoryFactory(name='Container is vol', departments=[een]), text='Container bij de vijver',
                       address=address('Zijlweg', 12))
    theirs = make_signal(CategoryFactory(name='Boom ziek', departments=[cpx]), text='Boom bij de vijver')
    complaint = complaint_services.register_complaint({
        'channel': 'brief', 'form': 'schriftelijk', 'received_on': datetime.date(2025, 3, 3),
        'complainant_name': 'Petra de Vries', 'complainant_email': 'petra@example.com',
        'complainant_address': 'Zijlweg 12', 'complainant_postcode': '2013 DE', 'complainant_city': 'Haarlem',
        'subject': 'Onbeleefd bij de vijver', 'conduct_description': 'De medewerker was onbeleefd.',
        'conduct_date': datetime.date(2025, 2, 27)})
    staff = UserFactory(username='een@haarlem.nl', departments=[een], permissions=['signals.sia_read'])
    coordinator = UserFactory(username='coordinator@haarlem.nl', departments=[een], permissions=['signals.sia_read'])
    coordinator.groups.add(Group.objects.get(name='Klachtcoördinator'))
    return {'mine': mine, 'theirs': theirs, 'complaint': complaint, 'staff': staff, 'coordinator': coordinator}


def test_search_needs_login(client):
    response = client.get(SEARCH, {'q': 'vijver'})
    assert response.status_code == 302 and response['Location'].startswith('/werkplek/login/')


def test_shell_has_the_search_box(client, setup):
    client.force_login(setup['staff'])
    html = client.get(reverse('werkplek:home')).content.decode()
    assert f'action="{SEARCH}"' in html and 'role="search"' in html


def test_staff_find_their_signals_but_no_complaints(client, setup):
    client.force_login(setup['staff'])
    response = client.get(SEARCH, {'q': 'vijver'})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'SIG-{setup["mine"].pk}' in html and f'SIG-{setup["theirs"].pk}' not in html
    assert 'complaints-heading' not in html and setup['complaint'].reference not in html
    assert 'value="vijver"' in html  # the box keeps the search text


def test_complaint_roles_also_find_complaints(client, setup):
    client.force_login(setup['coordinator'])
    html = client.get(SEARCH, {'q': 'vijver'}).content.decode()
    assert f'SIG-{setup["mine"].pk}' in html
    assert setup['complaint'].reference in html
    assert reverse('complaints_pages:detail', args=[setup['complaint'].pk]) in html
    assert 'petra' not in html.lower()  # no complainant details in the result list


def test_empty_search_shows_only_the_box(client, setup):
    client.force_login(setup['coordinator'])
    html = client.get(SEARCH).content.decode()
    assert 'Meldingen' not in html and 'name="q"' in html


@pytest.mark.browser
def test_search_box_in_browser(browser_login, setup):
    page = browser_login(setup['coordinator'])('/werkplek/')
    box = page.find_element('id', 'werkplek-q')
    box.send_keys('vijver')
    box.submit()
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(page, 10).until(lambda b: '/werkplek/zoeken/' in b.current_url)
    text = page.find_element('tag name', 'main').text
    assert f'SIG-{setup["mine"].pk}' in text and setup['complaint'].reference in text
