"""Partner complaint figures: validated, stored whole or not at all, with line-level errors."""
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from signals_haarlem.partners import figures, links, periods
from signals_haarlem.partners.models import FigureReport, FiguresRequest, PartnerLog, PartnerToken
from tests.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = '/signals/v1/haarlem/partners/'
HEADER = 'partner,periode,ontvangen,afgehandeld,tijdig_afgehandeld,gegrond,deels_gegrond,ongegrond,geen_oordeel,' \
         'informeel_opgelost,themas,toelichting'


def last_quarter():
    return periods.period_of(timezone.localdate()).previous()


def csv_file(*lines, header=HEADER, name='cijfers.csv'):
    return SimpleUploadedFile(name, ('\n'.join((header,) + lines) + '\n').encode(), content_type='text/csv')


def good_line(code='SPL', period=None, received=40):
    period = period or last_quarter()
    return f'{code},{period.code},{received},35,30,10,5,15,5,3,Afvalinzameling:20|Bejegening:5,Rustig kwartaal'


def errors_by_line(exc):
    return {line['regel']: line['fouten'] for line in exc.lines}


def test_valid_csv_stored_with_period_and_who(partner, other_partner):
    reports = figures.import_csv(csv_file(good_line(), good_line('SRO')), 'beheer@haarlem.nl')
    assert len(reports) == 2
    report = FigureReport.objects.get(partner=partner)
    assert report.period_start == last_quarter().start and report.via == 'csv'
    assert report.delivered_by == 'beheer@haarlem.nl'
    assert (report.received, report.handled, report.handled_on_time, report.founded) == (40, 35, 30, 10)
    assert report.themes == [{'theme': 'Afvalinzameling', 'count': 20}, {'theme': 'Bejegening', 'count': 5}]
    assert PartnerLog.objects.filter(kind='figures_delivered').count() == 2


def test_semicolon_csv_from_excel_accepted(partner):
    line = good_line().replace(',', ';')
    figures.import_csv(csv_file(line, header=HEADER.replace(',', ';')), 'x')
    assert FigureReport.objects.count() == 1


def test_invalid_rows_refused_per_line_and_nothing_stored(partner, other_partner):
    future = periods.period_of(timezone.localdate())  # not over yet
    lines = (
        good_line(),                                              # line 2: fine
        good_line(period=future),                                 # line 3: period not over
        'SPL,2024-K5,1,1,1,0,0,0,0,0,,',                          # line 4: no such quarter
        'SPL,2024-H1,1,1,1,0,0,0,0,0,,',                          # line 5: not a quarter
        good_line().replace(',40,35,', ',-4,35,'),                # line 6: negative
        good_line('XYZ'),                                         # line 7: unknown partner
        good_line().replace(',40,35,30,', ',40,35,36,'),          # line 8: more on time than handled
        'SPL,2024-K1,veel,1,1,0,0,0,0,0,,',                       # line 9: not a number
        good_line(),                                              # line 10: duplicate of line 2
    )
    with pytest.raises(figures.FiguresRejected) as exc:
        figures.import_csv(csv_file(*lines), 'x')
    found = errors_by_line(exc.value)
    assert set(found) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert 'nog niet voorbij' in found[3]['periode'][0]
    assert 'geen geldige periode' in found[4]['periode'][0]
    assert 'geen kwartaal' in found[5]['periode'][0]
    assert 'negatief' in found[6]['ontvangen'][0]
    assert 'Onbekende partner "XYZ"' in found[7]['partner'][0]
    assert 'tijdig_afgehandeld' in found[8]
    assert 'geen geheel getal' in found[9]['ontvangen'][0]
    assert 'regel 2' in found[10]['periode'][0]
    assert not FigureReport.objects.exists() and not PartnerLog.objects.exists()


@pytest.mark.parametrize('content,line,field', [
    (b'', 1, 'bestand'),
    (b'\xff\xfe\x00b\x00i\x00n', 0, 'bestand'),
    (b'partner,periode\nSPL,2024-K1\n', 1, 'kopregel'),                      # columns missing
    ((HEADER + ',geheim\n').encode(), 1, 'kopregel'),                         # unknown column
    ((HEADER + '\nSPL,2024-K1,1,1\n').encode(), 2, 'regel'),                 # too few fields
    ((HEADER + '\n"SPL,2024-K1,1,1,1,0,0,0,0,0,,\n').encode(), 2, 'regel'),  # unclosed quote
    ((HEADER + '\n').encode(), 2, 'bestand'),                                 # no data
])
def test_malformed_csv_refused_with_line_and_nothing_stored(partner, content, line, field):
    with pytest.raises(figures.FiguresRejected) as exc:
        figures.import_csv(SimpleUploadedFile('c.csv', content), 'x')
    found = errors_by_line(exc.value)
    assert line in found and field in found[line], found
    assert not FigureReport.objects.exists()


def test_csv_upload_api_refusal_is_400_with_lines(api_client, partner):
    user = UserFactory(username='acc@haarlem.nl', permissions=['haarlem_partners.add_figurereport'])
    api_client.credentials(**bearer(user))
    response = api_client.post(f'{BASE}figures/upload/', {'file': csv_file(good_line(), good_line('NOPE'))},
                               format='multipart')
    assert response.status_code == 400
    assert response.json()['regels'] == [{'regel': 3, 'fouten': {'partner': ['Onbekende partner "NOPE".']}}]
    assert not FigureReport.objects.exists()
    ok = api_client.post(f'{BASE}figures/upload/', {'file': csv_file(good_line())}, format='multipart')
    assert ok.status_code == 201 and ok.json()[0]['period'] == last_quarter().code


def test_json_delivery_api(api_client, partner):
    user = UserFactory(username='acc@haarlem.nl', permissions=['haarlem_partners.add_figurereport'])
    api_client.credentials(**bearer(user))
    body = {'partner': 'SPL', 'periode': last_quarter().code, 'ontvangen': 3, 'afgehandeld': 2,
            'tijdig_afgehandeld': 2, 'gegrond': -1}
    bad = api_client.post(f'{BASE}figures/', body, format='json')
    assert bad.status_code == 400 and 'negatief' in bad.json()['gegrond'][0]
    for not_one_object in ([body, body], [None, None], 'SPL'):  # field errors, not a server error
        wrong = api_client.post(f'{BASE}figures/', not_one_object, format='json')
        assert wrong.status_code == 400 and 'één object' in wrong.json()['non_field_errors'][0]
    superscript = api_client.post(f'{BASE}figures/', {**body, 'gegrond': 1, 'themas': 'Parkeren:³'}, format='json')
    assert superscript.status_code == 400 and 'geen geheel getal' in superscript.json()['themas'][0]
    assert not FigureReport.objects.exists()
    ok = api_client.post(f'{BASE}figures/', {**body, 'gegrond': 1, 'themas': [{'theme': 'Parkeren', 'count': 1}]},
                         format='json')
    assert ok.status_code == 201 and ok.json()['via'] == 'api'


def test_partner_token_csv_only_own_lines(api_client, partner, other_partner):
    _, token = PartnerToken.issue(partner, 'x')
    response = api_client.post(f'{BASE}partner/figures/', {'file': csv_file(good_line(), good_line('SRO'))},
                               format='multipart', HTTP_AUTHORIZATION=f'Token {token}')
    assert response.status_code == 400
    assert response.json()['regels'][0]['regel'] == 3
    assert not FigureReport.objects.exists()


def test_newer_delivery_supersedes_but_history_stays(partner):
    figures.import_csv(csv_file(good_line(received=40)), 'eerste')
    figures.import_csv(csv_file(good_line(received=41)), 'tweede')
    current = figures.current_reports([partner.pk])[(partner.pk, last_quarter().start)]
    assert current.received == 41 and current.delivered_by == 'tweede'
    assert FigureReport.objects.count() == 2


def test_figures_form_on_partner_page(client, partner):
    [request] = figures.request_figures()
    url = reverse('partner_pages:figures', args=[links.figures_token(request)])
    page = client.get(url)
    assert page.status_code == 200 and last_quarter().label in page.content.decode()
    bad = client.post(url, {'ontvangen': '-1', 'afgehandeld': '2', 'tijdig_afgehandeld': '1', 'delivered_by': 'Karin'})
    assert bad.status_code == 400 and 'negatief' in bad.content.decode()
    assert not FigureReport.objects.exists()
    ok = client.post(url, {'ontvangen': '12', 'afgehandeld': '10', 'tijdig_afgehandeld': '9', 'gegrond': '4',
                           'themas': 'Afval:8', 'delivered_by': 'Karin', 'periode': '2020-K1'})
    assert ok.status_code == 200 and 'zijn opgeslagen' in ok.content.decode()
    report = FigureReport.objects.get()
    assert report.period_start == last_quarter().start  # the link's quarter, whatever the form says
    assert report.via == 'form' and report.delivered_by == 'Karin (Spaarnelanden NV)'
    # A forward link's salt does not open the figures page.
    forged = links.sign(links.SALT_FORWARD, request.pk, request.nonce)
    assert client.get(reverse('partner_pages:figures', args=[forged])).status_code == 403


def test_request_and_chase_missing_figures(partner, other_partner, django_capture_on_commit_callbacks):
    from django.core import mail
    with django_capture_on_commit_callbacks(execute=True):
        made = figures.request_figures()
        assert figures.request_figures() == []  # once per quarter
    assert {r.partner.code for r in made} == {'SPL', 'SRO'}
    assert any('klachten@spaarnelanden.example' in m.to for m in mail.outbox)
    figures.import_csv(csv_file(good_line('SRO')), 'x')  # SRO delivers
    now = timezone.now() + timedelta(days=16)
    with django_capture_on_commit_callbacks(execute=True):
        chased = figures.chase_missing_figures(now=now)
    assert [r.partner.code for r in chased] == ['SPL']
    assert figures.chase_missing_figures(now=now + timedelta(hours=2)) == []
    assert FiguresRequest.objects.get(partner=partner).reminders_sent == 1
    assert mail.outbox[-1].subject.startswith('Herinnering')


def test_period_codes():
    assert periods.parse('2025-K2').start == date(2025, 4, 1)
    assert periods.parse('2025-q4').end == date(2025, 12, 31)
    assert periods.parse('2025-H2', months=6).start == date(2025, 7, 1)
    assert periods.parse('2025').months == 12
    assert periods.period_of(date(2025, 5, 17)).previous().code == '2025-K1'
    assert periods.period_of(date(2025, 1, 3), 6).previous().code == '2024-H2'
    assert [q.code for q in periods.parse('2025-H1').quarters()] == ['2025-K1', '2025-K2']
    for bad in ('2025-K0', '2025-K5', '2025-H3', 'K1-2025', ''):
        with pytest.raises(periods.PeriodError):
            periods.parse(bad)
