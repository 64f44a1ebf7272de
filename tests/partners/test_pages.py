"""Werkplek pages: overview, partner detail, forward, review dossier (and PDF), permissions."""
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from signals_haarlem import signalen
from signals_haarlem.partners import periods, reviews, services
from signals_haarlem.partners.models import FigureReport, Forward, ReviewAction
from tests.factories import UserFactory, make_signal

from .conftest import REPORTER_EMAIL, REPORTER_PHONE, png

pytestmark = pytest.mark.django_db

ALL = ['haarlem_partners.view_partner', 'haarlem_partners.view_forward', 'haarlem_partners.add_forward',
       'haarlem_partners.withdraw_forward', 'haarlem_partners.view_review', 'haarlem_partners.change_review',
       'haarlem_partners.record_review', 'haarlem_partners.add_reviewaction',
       'haarlem_partners.change_reviewaction', 'haarlem_partners.add_figurereport']


@pytest.fixture
def holder(db):
    """The partner's account holder, who forwards signals and sees them all in Signalen."""
    return UserFactory(username='acc@haarlem.nl', permissions=[*ALL, 'signals.sia_read',
                                                               'signals.sia_can_view_all_categories'])


def test_pages_need_login_and_permission(client, partner):
    assert client.get('/werkplek/partners/').status_code == 302
    client.force_login(UserFactory(username='kcc@haarlem.nl'))
    assert client.get('/werkplek/partners/').status_code == 403
    assert client.get(f'/werkplek/partners/{partner.pk}/').status_code == 403


def test_overview_row_per_partner(client, holder, partner, other_partner, signal, afval_category):
    late = services.forward_signal(signal, partner, 'Legen', send=False)
    Forward.objects.filter(pk=late.pk).update(response_due=timezone.now() - timedelta(hours=1))
    answered = services.forward_signal(make_signal(afval_category), partner, 'Ook', send=False)
    services.answer_forward(answered, 'Gedaan')
    review, _ = reviews.plan_review(partner, periods.parse('2025-K1'))
    reviews.add_action(review, 'Oud', 'Piet', date(2020, 1, 1))
    client.force_login(holder)
    html = client.get('/werkplek/partners/').content.decode()
    assert 'Spaarnelanden NV' in html and 'SRO Kennemerland' in html
    row = html.split('data-partner="SPL"')[1].split('</tr>')[0]
    assert '50%' in row and '(van 2)' in row  # 1 on time of 2 measured (1 answered, 1 open past its norm)
    assert '1 over de norm' in row
    assert '<td class="late-actions"><span class="late">1</span></td>' in row
    assert review.planned_date.strftime('%Y') in row


def test_partner_detail_and_forward_form(client, holder, partner, signal):
    client.force_login(holder)
    page = client.get(f'/werkplek/partners/{partner.pk}/')
    assert page.status_code == 200 and 'Melding doorzetten naar Spaarnelanden NV' in page.content.decode()
    bad = client.post(f'/werkplek/partners/{partner.pk}/doorzetten/', {'signal': 'SIG-99999', 'instruction': 'x'})
    assert bad.status_code == 400 and 'Onbekend meldingnummer' in bad.content.decode()
    ok = client.post(f'/werkplek/partners/{partner.pk}/doorzetten/', {'signal': signalen.id_display(signal),
                                                                      'instruction': 'Graag legen'}, follow=True)
    assert ok.status_code == 200
    forward = Forward.objects.get()
    html = ok.content.decode()
    assert f'{signalen.id_display(signal)}: doorgezet naar Spaarnelanden NV' in html
    assert REPORTER_EMAIL not in html and REPORTER_PHONE not in html
    withdraw = client.post(f'/werkplek/partners/doorzettingen/{forward.pk}/intrekken/', {'reason': 'Dubbel'},
                           follow=True)
    assert 'ingetrokken' in withdraw.content.decode()
    forward.refresh_from_db()
    assert forward.status == 'withdrawn'


def test_forward_detail_shows_answer_photo(client, holder, partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen', send=False)
    services.answer_forward(forward, 'Geleegd', [png()])
    client.force_login(holder)
    html = client.get(f'/werkplek/partners/doorzettingen/{forward.pk}/').content.decode()
    assert 'Geleegd' in html and 'binnen de norm' in html
    photo = forward.answer.photos.get()
    response = client.get(f'/werkplek/partners/fotos/{photo.pk}/')
    assert response.status_code == 200 and response['Content-Type'] == 'image/png'
    client.force_login(UserFactory(username='x@haarlem.nl', permissions=['haarlem_partners.view_partner']))
    assert client.get(f'/werkplek/partners/fotos/{photo.pk}/').status_code == 403


def test_csv_upload_page_shows_line_errors(client, holder, partner):
    client.force_login(holder)
    quarter = periods.period_of(timezone.localdate()).previous()
    content = ('partner,periode,ontvangen,afgehandeld,tijdig_afgehandeld\n'
               f'SPL,{quarter.code},10,8,7\nSPL,{quarter.code},-1,8,7\n').encode()
    response = client.post(f'/werkplek/partners/{partner.pk}/cijfers/',
                           {'file': SimpleUploadedFile('c.csv', content)})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'Regel 3' in html and 'negatief' in html and 'Niets opgeslagen' in html
    assert not FigureReport.objects.exists()


def test_review_page_record_actions_and_pdf(client, holder, partner):
    review, _ = reviews.plan_review(partner, periods.parse('2025-K1'))
    client.force_login(holder)
    page = client.get(f'/werkplek/partners/overleg/{review.pk}/')
    assert page.status_code == 200
    html = page.content.decode()
    assert 'Dossier 1e kwartaal 2025' in html and 'voorlopig' in html
    assert client.post(f'/werkplek/partners/overleg/{review.pk}/dossier/').status_code == 302
    bad = client.post(f'/werkplek/partners/overleg/{review.pk}/afspraak/', {'description': '', 'owner': ''})
    assert bad.status_code == 400 and 'Beschrijf de afspraak.' in bad.content.decode()
    client.post(f'/werkplek/partners/overleg/{review.pk}/afspraak/', {
        'description': 'Foto na afloop', 'owner': 'Piet', 'owner_side': 'partner', 'due_date': '2025-06-01'})
    action = ReviewAction.objects.get()
    client.post(f'/werkplek/partners/afspraken/{action.pk}/status/', {'status': 'done'})
    action.refresh_from_db()
    assert action.status == 'done'
    too_early = client.post(f'/werkplek/partners/overleg/{review.pk}/verslag/', {
        'held_on': (timezone.localdate() + timedelta(days=3)).isoformat(), 'meeting_record': 'x'})
    assert too_early.status_code == 400
    client.post(f'/werkplek/partners/overleg/{review.pk}/verslag/', {
        'held_on': '2025-04-22', 'meeting_record': 'Goed overleg', 'attendees': 'Anna'})
    review.refresh_from_db()
    assert review.status == 'held'
    pdf = client.get(f'/werkplek/partners/overleg/{review.pk}/pdf/')
    assert pdf.status_code == 200 and pdf['Content-Type'] == 'application/pdf' and pdf.content.startswith(b'%PDF')


def test_review_page_needs_view_review(client, partner):
    review, _ = reviews.plan_review(partner, periods.parse('2025-K1'))
    client.force_login(UserFactory(username='y@haarlem.nl', permissions=['haarlem_partners.view_partner']))
    assert client.get(f'/werkplek/partners/overleg/{review.pk}/').status_code == 403
    assert client.get(f'/werkplek/partners/overleg/{review.pk}/pdf/').status_code == 403


def test_partner_without_account_holder_renders(client, holder, other_partner):
    client.force_login(holder)
    response = client.get(f'/werkplek/partners/{other_partner.pk}/')
    assert response.status_code == 200 and 'niet toegewezen' in response.content.decode()


def test_pages_in_dutch_whatever_the_browser_asks(client, holder, partner, signal):
    review, _ = reviews.plan_review(partner, periods.parse('2025-K1'), planned_date=date(2025, 5, 19))
    client.force_login(holder)
    html = client.get('/werkplek/partners/', HTTP_ACCEPT_LANGUAGE='en-US,en').content.decode()
    assert '19 mei 2025' in html and 'May' not in html
    forward = services.forward_signal(signal, partner, 'Legen', send=False)
    from signals_haarlem.partners import links
    page = client.get(f'/partner/opdracht/{links.forward_token(forward)}/', HTTP_ACCEPT_LANGUAGE='en')
    months = ('januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober',
              'november', 'december')
    assert any(f' {m} ' in page.content.decode() for m in months)
