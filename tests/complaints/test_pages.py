"""Werkplek pages: roles, steps with errors on the page, exports; and in a real browser."""
import pytest
from django.urls import reverse

from signals_haarlem.complaints import services, workflow
from signals_haarlem.complaints.models import Complaint



def url(name, *args):
    return reverse(f'complaints_pages:{name}', args=args)


def test_without_a_complaint_role_no_page_shows_contents(client, make_complaint, outsider):
    complaint = make_complaint()
    services.transition(complaint, workflow.ACKNOWLEDGED)
    letter = complaint.letters.get()
    client.force_login(outsider)
    for path in (url('mine'), url('intake'), url('overview'), url('detail', complaint.pk), url('letter', letter.pk),
                 url('register'), url('register-export', 'csv'), url('reports'), url('report-pdf', 'jaarverslag')):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert complaint.complainant_name.encode() not in response.content
        assert complaint.subject.encode() not in response.content
    response = client.post(url('action', complaint.pk, 'notitie'), {'text': 'x'})
    assert response.status_code in (403, 404)
    home = client.get(reverse('werkplek:home')).content.decode()
    assert 'Klachten' not in home and 'klachten' not in home


def test_login_required(client, make_complaint):
    complaint = make_complaint()
    response = client.get(url('detail', complaint.pk))
    assert response.status_code == 302 and '/werkplek/login/' in response['Location']


def test_handler_sees_own_complaints_only(client, make_complaint, coordinator, handler, other_handler):
    mine, theirs = make_complaint(subject='Mijn klacht'), make_complaint(subject='Andermans klacht')
    services.assign(mine, handler, coordinator)
    services.assign(theirs, other_handler, coordinator)
    client.force_login(handler)
    page = client.get(url('mine')).content.decode()
    assert 'Mijn klacht' in page and 'Andermans klacht' not in page
    assert client.get(url('detail', theirs.pk)).status_code == 404
    assert client.get(url('overview')).status_code == 403


def test_coordinator_overview_shows_running_terms(client, make_complaint, coordinator):
    complaint = make_complaint()
    client.force_login(coordinator)
    page = client.get(url('overview')).content.decode()
    assert complaint.reference in page and '14-04-2025' in page and 'verlopen' in page


def test_refused_step_shows_the_reason_and_changes_nothing(client, make_complaint, coordinator, employee):
    complaint = make_complaint(employee=employee)
    client.force_login(coordinator)
    response = client.post(url('action', complaint.pk, 'toewijzen'), {'handler': employee.pk})
    assert response.status_code == 400
    assert 'Awb 9:7' in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.handler is None


def test_step_from_the_page(client, make_complaint, coordinator, handler):
    complaint = make_complaint()
    client.force_login(coordinator)
    response = client.post(url('action', complaint.pk, 'toewijzen'), {'handler': handler.pk})
    assert response.status_code == 302
    response = client.post(url('action', complaint.pk, f'naar-{workflow.ACKNOWLEDGED}'),
                           {f'{workflow.ACKNOWLEDGED}-reason': 'Per brief ontvangen'})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.handler, complaint.state) == (handler, workflow.ACKNOWLEDGED)
    page = client.get(url('detail', complaint.pk)).content.decode()
    assert 'Ontvangstbevestiging' in page and 'Per brief ontvangen' in page


def test_intake_page(client, coordinator):
    client.force_login(coordinator)
    response = client.post(url('intake'), {
        'channel': 'telefoon', 'form': 'mondeling', 'classification': 'gedragsklacht', 'received_on': '2025-03-03',
        'complainant_kind': 'persoon', 'complainant_name': 'Ali Yilmaz', 'subject': 'Niet teruggebeld',
        'conduct_description': 'Ik zou worden teruggebeld maar dat gebeurde niet.', 'concerns_self': 'on'})
    assert response.status_code == 302, response.content.decode()[:3000]
    complaint = Complaint.objects.get()
    assert not complaint.is_formal and complaint.form == 'mondeling'
    response = client.post(url('intake'), {'channel': 'brief', 'form': 'schriftelijk', 'received_on': '2025-03-03',
                                           'complainant_kind': 'persoon', 'subject': 'x', 'conduct_description': 'y',
                                           'classification': 'gedragsklacht', 'concerns_self': 'on'})
    assert response.status_code == 400 and 'Awb 9:4' in response.content.decode()
    assert Complaint.objects.count() == 1


def test_letter_pdf(client, make_complaint, coordinator):
    complaint = make_complaint()
    services.transition(complaint, workflow.ACKNOWLEDGED, coordinator)
    client.force_login(coordinator)
    response = client.get(url('letter', complaint.letters.get().pk))
    assert response.status_code == 200 and b''.join(response.streaming_content).startswith(b'%PDF-')


def test_register_and_reports_pages(client, make_complaint, coordinator):
    make_complaint()
    client.force_login(coordinator)
    page = client.get(url('register') + '?jaar=2025').content.decode()
    assert 'KL-2025-0001' in page and 'Petra' not in page
    assert client.get(url('register-export', 'xlsx') + '?jaar=2025').status_code == 200
    assert 'Petra' not in client.get(url('register-export', 'publicatie') + '?jaar=2025').content.decode()
    page = client.get(url('reports') + '?jaar=2025').content.decode()
    assert '<svg' in page and 'Jaarverslag klachten 2025' in page
    page = client.get(url('reports') + '?jaar=2025&rapport=leren').content.decode()
    assert 'Leerrapportage' in page
    response = client.get(url('report-pdf', 'jaarverslag') + '?jaar=2025')
    assert response.status_code == 200 and response.content.startswith(b'%PDF-')


# -- in a real browser -----------------------------------------------------------------------------

def submit(page, button):
    from tests.browser import click_and_wait
    click_and_wait(page, button)

@pytest.mark.browser
def test_intake_assign_and_acknowledge_in_browser(browser_login, coordinator, handler):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    page = browser_login(coordinator)(url('intake'))
    assert page.find_element(By.TAG_NAME, 'h1').text == 'Klacht registreren'
    Select(page.find_element(By.ID, 'id_channel')).select_by_value('brief')
    Select(page.find_element(By.ID, 'id_form')).select_by_value('schriftelijk')
    for field, value in (('complainant_name', 'Fatima El Amrani'), ('complainant_address', 'Schoterweg 4'),
                         ('complainant_email', 'fatima@example.com'), ('subject', 'Onheus bejegend'),
                         ('conduct_description', 'De handhaver sprak mij onheus aan.')):
        page.find_element(By.ID, f'id_{field}').send_keys(value)
    submit(page, page.find_element(By.CSS_SELECTOR, 'form.form button[type=submit]'))
    assert 'Klacht KL-' in page.find_element(By.TAG_NAME, 'h1').text
    assert page.find_element(By.ID, 'state').text == 'Ontvangst bevestigd'
    # assign
    page.find_element(By.CSS_SELECTOR, '#toewijzen summary').click()
    Select(page.find_element(By.ID, 'id_handler')).select_by_value(str(handler.pk))
    submit(page, page.find_element(By.CSS_SELECTOR, '#toewijzen button[type=submit]'))
    assert 'Hans Handelaar' in page.find_element(By.ID, 'handler').text
    assert 'Ontvangstbevestiging' in page.find_element(By.ID, 'brieven').find_element(By.XPATH, '..').text
    # the overview lists its term
    page.get(page.current_url.split('/werkplek/')[0] + url('overview'))
    assert 'Lopende termijnen' in page.page_source and 'Fatima' not in page.find_element(By.TAG_NAME, 'table').text


@pytest.mark.browser
def test_refused_conclusion_shows_error_in_browser(browser_login, make_complaint, coordinator, handler):
    from selenium.webdriver.common.by import By
    complaint = make_complaint()
    services.assign(complaint, handler, coordinator)
    services.transition(complaint, workflow.ACKNOWLEDGED, coordinator)
    page = browser_login(handler)(url('detail', complaint.pk))
    page.find_element(By.CSS_SELECTOR, f'#stap-{workflow.IN_TREATMENT} summary').click()
    submit(page, page.find_element(By.CSS_SELECTOR, f'#stap-{workflow.IN_TREATMENT} button[type=submit]'))
    assert page.find_element(By.ID, 'state').text == 'In behandeling'
    # concluding without hearing is refused with the reason shown
    blocked = page.find_element(By.ID, f'stap-{workflow.CONCLUDED}')
    blocked.find_element(By.TAG_NAME, 'summary').click()
    assert 'Awb 9:10' in blocked.text


@pytest.mark.browser
def test_outsider_sees_no_complaints_in_browser(browser_login, make_complaint, outsider):
    from selenium.webdriver.common.by import By
    complaint = make_complaint()
    page = browser_login(outsider)('/werkplek/')
    assert 'Klacht' not in page.find_element(By.TAG_NAME, 'header').text
    page = browser_login(outsider)(url('detail', complaint.pk))
    assert complaint.subject not in page.page_source


def test_pages_are_dutch_whatever_the_browser_asks(client, make_complaint, coordinator):
    complaint = make_complaint()
    client.force_login(coordinator)
    page = client.get(url('detail', complaint.pk), HTTP_ACCEPT_LANGUAGE='en').content.decode()
    assert 'maandag 14 april 2025' in page
