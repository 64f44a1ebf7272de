"""Every werkplek page, and the partner's link pages, meet WCAG 2.1 AA as axe-core checks it in Chromium:
staff use these pages all day, some with a screen reader or a magnifier, and Dutch public bodies must
meet the standard (Besluit digitale toegankelijkheid overheid)."""
import pytest
from django.core.management import call_command
from django.urls import reverse
from selenium.webdriver.common.by import By

from tests.browser import accessibility_violations, click_and_wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    """Fixtures and a small seeded municipality: signals with triage decisions, complaints, partners."""
    from signals_haarlem.core import seed
    call_command('load_haarlem_fixtures', verbosity=0)
    seed.run(60, seed=3, fast=False)


def pages():
    """(path, who) for every HTML page a user opens directly (not the downloads and PDFs); ids from the
    seeded data."""
    from signals_haarlem import signalen
    from signals_haarlem.complaints.models import Complaint
    from signals_haarlem.partners import links
    from signals_haarlem.partners.models import FiguresRequest, Forward, Partner, Review
    from signals_haarlem.triage.models import Lane

    signal = signalen.get_model('Signal').objects.order_by('pk').first()
    lane = Lane.objects.order_by('order').first()
    complaint = Complaint.objects.order_by('pk').first()
    partner = Partner.objects.order_by('pk').first()
    review = Review.objects.order_by('pk').first()
    forward = Forward.objects.filter(answer__isnull=True).order_by('pk').first() or Forward.objects.first()
    result = [
        (reverse('werkplek:login'), None),
        (reverse('werkplek:home'), 'admin'),
        (reverse('werkplek:search') + '?q=container', 'admin'),
        (reverse('triage_pages:overview'), 'admin'),
        (reverse('triage_pages:queue', args=[lane.code]), 'admin'),
        (reverse('triage_pages:signal', args=[signal.pk]), 'admin'),
        (reverse('triage_pages:rules'), 'admin'),
        (reverse('complaints_pages:mine'), 'admin'),
        (reverse('complaints_pages:intake'), 'admin'),
        (reverse('complaints_pages:overview'), 'admin'),
        (reverse('complaints_pages:detail', args=[complaint.pk]), 'admin'),
        (reverse('complaints_pages:register'), 'admin'),
        (reverse('complaints_pages:reports'), 'admin'),
        (reverse('partners_pages:overview'), 'admin'),
        (reverse('partners_pages:partner', args=[partner.pk]), 'admin'),
        (reverse('partners_pages:review', args=[review.pk]), 'admin'),
        (reverse('monitoring_pages:dashboard'), 'admin'),
        (reverse('partner_pages:forward', args=[links.forward_token(forward)]), None),
    ]
    figures = FiguresRequest.objects.order_by('pk').first()
    if figures is not None:
        result.append((reverse('partner_pages:figures', args=[links.figures_token(figures)]), None))
    return result


def test_every_page_meets_wcag_21_aa(demo, browser, browser_login, live_server, admin_user, axe):
    open_as_admin = browser_login(admin_user)
    failures = []
    for path, who in pages():
        if who == 'admin':
            open_as_admin(path)
        else:
            browser.delete_all_cookies()
            browser.get(live_server.url + path)
            open_as_admin = browser_login(admin_user)  # log in again for the next page
        for violation in accessibility_violations(browser, axe):
            failures.append(f'{path}: {violation["id"]} ({violation["impact"]}): {violation["help"]}\n    '
                            + '\n    '.join(violation['nodes']))
    # Forms sent back with errors: the messages must be reachable and tied to their fields too.
    for path, form in ((reverse('complaints_pages:intake'), 'form.form'),
                       (reverse('triage_pages:signal', args=[first_signal_pk()]), '#herindelen')):
        open_as_admin(path)
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f'{form} button[type="submit"]'))
        assert browser.find_elements(By.CSS_SELECTOR, '[role="alert"], .errorlist'), path  # errors shown
        for violation in accessibility_violations(browser, axe):
            failures.append(f'{path} (with errors): {violation["id"]} ({violation["impact"]}): {violation["help"]}')
    assert not failures, 'WCAG 2.1 AA violations:\n' + '\n'.join(failures)


def first_signal_pk():
    from signals_haarlem import signalen
    return signalen.get_model('Signal').objects.order_by('pk').values_list('pk', flat=True).first()
