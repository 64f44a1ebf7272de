"""The pages in a real browser: the account holder's overview, dossier and actions; the partner's page."""
import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By

from signals_haarlem import signalen
from signals_haarlem.partners import links, periods, reviews, services
from signals_haarlem.partners.models import ForwardAnswer, ReviewAction
from tests.browser import click_and_wait, wait
from tests.factories import UserFactory

from .conftest import PNG, REPORTER_EMAIL, REPORTER_PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def heading(driver, text):
    """Wait until the page's h1 contains `text` (after a click the old page may still be there)."""
    wait(driver).until(lambda d: text in d.find_element(By.TAG_NAME, 'h1').text)
    return driver.find_element(By.TAG_NAME, 'h1').text


def test_account_holder_overview_to_dossier_and_action(browser_login, partner, signal):
    services.forward_signal(signal, partner, 'Graag legen', send=False)
    review, _ = reviews.plan_review(partner, periods.parse('2025-K1'))
    user = UserFactory(username='acc@haarlem.nl', permissions=[
        'haarlem_partners.view_partner', 'haarlem_partners.view_review', 'haarlem_partners.add_reviewaction',
        'haarlem_partners.change_reviewaction', 'haarlem_partners.view_forward'])
    page = browser_login(user)('/werkplek/partners/')
    assert page.find_element(By.TAG_NAME, 'h1').text == 'Partners'
    nav = page.find_element(By.CSS_SELECTOR, 'nav[aria-label="Hoofdmenu"]').text
    assert 'Partners' in nav
    row = page.find_element(By.CSS_SELECTOR, 'tr[data-partner="SPL"]')
    assert row.find_element(By.CSS_SELECTOR, '.open-forwards').text.startswith('1')
    click_and_wait(page, row.find_element(By.LINK_TEXT, 'Spaarnelanden NV'))
    assert 'Spaarnelanden NV' in heading(page, 'Spaarnelanden NV')
    assert signalen.id_display(signal) in page.find_element(By.ID, 'open-doorzettingen').find_element(By.XPATH, '..').text
    click_and_wait(page, page.find_element(By.LINK_TEXT, '1e kwartaal 2025'))
    heading(page, 'Periodiek overleg')
    assert 'Dossier 1e kwartaal 2025' in page.find_element(By.ID, 'dossier-titel').text
    page.find_element(By.ID, 'id_description').send_keys('Foto na afloop meesturen')
    page.find_element(By.ID, 'id_owner').send_keys('Piet')
    page.execute_script("document.getElementById('id_due_date').value = '2025-06-30'")
    click_and_wait(page, page.find_element(By.XPATH, '//button[text()="Afspraak toevoegen"]'))
    assert 'De afspraak is toegevoegd.' in page.find_element(By.CSS_SELECTOR, '.messages').text
    action = ReviewAction.objects.get()
    row = page.find_element(By.CSS_SELECTOR, f'tr[data-action="{action.pk}"]')
    row.find_element(By.CSS_SELECTOR, f'#status-{action.pk} option[value="done"]').click()
    click_and_wait(page, row.find_element(By.TAG_NAME, 'button'))
    assert 'status van de afspraak is bijgewerkt' in page.page_source
    assert page.find_element(By.CSS_SELECTOR, f'tr[data-action="{action.pk}"] .status').text == 'Gereed'
    action.refresh_from_db()
    assert action.status == 'done'


def test_partner_answers_on_its_page(browser, live_server, partner, signal, tmp_path):
    forward = services.forward_signal(signal, partner, 'Graag legen', send=False)
    browser.delete_all_cookies()
    browser.get(live_server.url + reverse('partner_pages:forward', args=[links.forward_token(forward)]))
    assert f'Opdracht {signalen.id_display(signal)}' in browser.find_element(By.TAG_NAME, 'h1').text
    source = browser.page_source
    assert REPORTER_EMAIL not in source and REPORTER_PHONE not in source
    click_and_wait(browser, browser.find_element(By.XPATH, '//button[text()="Reactie versturen"]'))  # empty: errors
    assert 'Beschrijf wat u heeft gedaan.' in browser.find_element(By.ID, 'fouten').text
    assert not ForwardAnswer.objects.exists()
    photo = tmp_path / 'container.png'
    photo.write_bytes(PNG)
    browser.find_element(By.CSS_SELECTOR, 'input[name="resolved"][value="ja"]').click()
    browser.find_element(By.ID, 'id_text').send_keys('Container geleegd.')
    browser.find_element(By.ID, 'id_photos').send_keys(str(photo))
    browser.find_element(By.ID, 'id_answered_by').send_keys('Piet')
    click_and_wait(browser, browser.find_element(By.XPATH, '//button[text()="Reactie versturen"]'))
    assert 'uw reactie is ontvangen' in heading(browser, 'ontvangen')
    answer = ForwardAnswer.objects.get()
    assert answer.photos.count() == 1 and answer.answered_by == 'Piet'
    browser.get(live_server.url + reverse('partner_pages:forward', args=[links.forward_token(forward)]))
    assert 'al beantwoord' in heading(browser, 'al beantwoord')
