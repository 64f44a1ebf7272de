"""The queue page and the re-triage form in a real browser (headless Chromium)."""
from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from signals_haarlem.triage import services
from signals_haarlem.triage.models import Decision, SignalLane
from tests.browser import click_and_wait
from tests.factories import address, make_signal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def triaged(category, **kwargs):
    signal = make_signal(category, **kwargs)
    services.triage_signal(signal)
    return signal


def row_of(browser, signal):
    return browser.find_element(By.CSS_SELECTOR, f'tr[data-signal="{signal.pk}"]')


def test_queue_page(browser_login, teamleider, container_vol):
    late = triaged(container_vol, created_at=timezone.now() - timedelta(days=20), address=address('Grote Markt', 2))
    fresh = triaged(container_vol, address=address('Zijlstraat', 5))
    browser = browser_login(teamleider)('/werkplek/triage/baan/eenvoudig/')

    assert browser.find_element(By.TAG_NAME, 'h1').text.startswith('Wachtrij Eenvoudig')
    assert browser.find_element(By.CSS_SELECTOR, 'nav.subnav a[aria-current="page"]').text == 'Wachtrij Eenvoudig'
    rows = browser.find_elements(By.CSS_SELECTOR, 'table.queue tbody tr')
    assert [r.get_attribute('data-signal') for r in rows] == [str(late.pk), str(fresh.pk)]  # earliest due first
    late_row = row_of(browser, late)
    assert 'te laat' in late_row.text.lower()  # marked in words, not only in colour
    assert 'Grote Markt 2' in late_row.text and 'Container is vol' in late_row.text
    assert 'Op tijd' in row_of(browser, fresh).text

    # Filter on overdue signals through the form, by its label.
    label = browser.find_element(By.CSS_SELECTOR, 'label[for="id_te_laat"]')
    assert label.text == 'Alleen te laat'
    label.click()
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, 'form.filters button[type="submit"]'))
    rows = browser.find_elements(By.CSS_SELECTOR, 'table.queue tbody tr')
    assert [r.get_attribute('data-signal') for r in rows] == [str(late.pk)]
    assert '1 openstaande melding (gefilterd)' in browser.find_element(By.ID, 'aantal').text

    # From the queue to the signal's triage.
    click_and_wait(browser, row_of(browser, late).find_element(By.LINK_TEXT, f'SIG-{late.pk}'))
    assert browser.find_element(By.TAG_NAME, 'h1').text == f'Triage van melding SIG-{late.pk}'


def test_retriage_form(browser_login, teamleider, container_vol):
    signal = triaged(container_vol)
    browser = browser_login(teamleider)(f'/werkplek/triage/melding/{signal.pk}/')
    form = browser.find_element(By.ID, 'herindelen')

    # Without a reason: the page says what is missing and nothing changes.
    Select(form.find_element(By.ID, 'id_lane')).select_by_visible_text('Maatwerk')
    click_and_wait(browser, form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'))
    error = browser.find_element(By.ID, 'id_reason_error')
    assert 'vereist' in error.text and error.get_attribute('role') == 'alert'
    assert Decision.objects.filter(signal_id=signal.pk).count() == 1

    form = browser.find_element(By.ID, 'herindelen')
    Select(form.find_element(By.ID, 'id_lane')).select_by_visible_text('Maatwerk')
    reason = form.find_element(By.ID, 'id_reason')
    assert browser.find_element(By.CSS_SELECTOR, 'label[for="id_reason"]').text.startswith('Reden')
    reason.send_keys('Melder is slechtziend; persoonlijk contact nodig')
    click_and_wait(browser, form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'))

    assert 'nieuwe baan geplaatst' in browser.find_element(By.CSS_SELECTOR, '.messages').text
    assert 'Maatwerk' in browser.find_element(By.CSS_SELECTOR, '.lane-now').text
    assert 'handmatig gekozen' in browser.find_element(By.CSS_SELECTOR, '.lane-now').text
    first_row = browser.find_element(By.CSS_SELECTOR, 'table.history tbody tr')
    assert 'Melder is slechtziend' in first_row.text and 'teamleider@haarlem.nl' in first_row.text
    state = SignalLane.objects.get(pk=signal.pk)
    assert state.lane.code == 'maatwerk' and state.is_manual
