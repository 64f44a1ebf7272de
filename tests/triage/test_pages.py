"""Werkplek pages: login and permissions, the queue with overdue marked in words, the triage history
with the re-triage form (a reason is required), and the rule dry-run."""
from datetime import timedelta

import pytest
from django.utils import timezone

from signals_haarlem.triage import services
from signals_haarlem.triage.models import Decision, Rule, SignalLane
from tests.factories import UserFactory, make_signal

pytestmark = pytest.mark.django_db


def triaged(category, **kwargs):
    signal = make_signal(category, **kwargs)
    services.triage_signal(signal)
    return signal


def test_pages_need_login(client, lanes):
    for path in ('/werkplek/triage/', '/werkplek/triage/baan/eenvoudig/', '/werkplek/triage/regels/'):
        response = client.get(path)
        assert response.status_code == 302 and '/werkplek/login/' in response['Location']


def test_pages_need_the_permission(client, container_vol):
    signal = triaged(container_vol)
    client.force_login(UserFactory(username='geen@haarlem.nl'))
    for path in ('/werkplek/triage/', '/werkplek/triage/baan/eenvoudig/', f'/werkplek/triage/melding/{signal.pk}/'):
        assert client.get(path).status_code == 403
    response = client.post(f'/werkplek/triage/melding/{signal.pk}/herindelen/', {'lane': 'complex', 'reason': 'x'})
    assert response.status_code == 403


def test_nav_item_only_for_those_with_the_permission(client, behandelaar, lanes):
    client.force_login(behandelaar)
    home = client.get('/werkplek/').content.decode()
    assert 'href="/werkplek/triage/"' in home
    client.force_login(UserFactory(username='geen@haarlem.nl'))
    assert 'href="/werkplek/triage/"' not in client.get('/werkplek/').content.decode()


def test_overview_counts(client, behandelaar, container_vol):
    triaged(container_vol, created_at=timezone.now() - timedelta(days=20))
    client.force_login(behandelaar)
    page = client.get('/werkplek/triage/').content.decode()
    assert '<caption>Banen met hun servicenormen en openstaande meldingen</caption>' in page
    assert '1 te laat' in page and 'aria-current="page">Overzicht' in page


def test_queue_marks_overdue_in_words(client, behandelaar, container_vol):
    late = triaged(container_vol, created_at=timezone.now() - timedelta(days=20))
    fresh = triaged(container_vol)
    client.force_login(behandelaar)
    response = client.get('/werkplek/triage/baan/eenvoudig/')
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(f'SIG-{late.pk}') < page.index(f'SIG-{fresh.pk}')
    assert 'werkdagen te laat' in page and 'Op tijd' in page
    assert 'aria-current="page">Wachtrij Eenvoudig' in page
    assert '<caption>Openstaande meldingen in baan Eenvoudig' in page
    assert '<label for="id_categorie">Categorie</label>' in page

    filtered = client.get('/werkplek/triage/baan/eenvoudig/?te_laat=on').content.decode()
    assert f'SIG-{late.pk}' in filtered and f'SIG-{fresh.pk}' not in filtered
    assert 'Alle filters wissen' in filtered
    by_category = client.get('/werkplek/triage/baan/eenvoudig/?categorie=afval/container-is-vol').content.decode()
    assert '2 openstaande meldingen' in by_category
    assert client.get('/werkplek/triage/baan/nergens/').status_code == 404


def test_queue_pages(client, behandelaar, container_vol, monkeypatch):
    from signals_haarlem.triage.pages import views
    monkeypatch.setattr(views, 'PAGE_SIZE', 2)
    for _ in range(3):
        triaged(container_vol)
    client.force_login(behandelaar)
    first = client.get('/werkplek/triage/baan/eenvoudig/?te_laat=&binnen=').content.decode()
    assert 'Pagina 1 van 2' in first and 'pagina=2' in first
    second = client.get('/werkplek/triage/baan/eenvoudig/?pagina=2').content.decode()
    assert 'Vorige pagina' in second


def test_signal_page_shows_history_and_forms_by_permission(client, behandelaar, teamleider, lanes, container_vol):
    signal = triaged(container_vol)
    services.retriage(signal, lanes['eenvoudig'], 'Onderzoek nodig', 'tl@haarlem.nl')  # stays with her team
    client.force_login(behandelaar)
    page = client.get(f'/werkplek/triage/melding/{signal.pk}/').content.decode()
    assert 'Triagegeschiedenis' in page and 'Onderzoek nodig' in page and 'Standaardbaan van categorie' in page
    assert 'handmatig gekozen' in page
    assert 'Baan wijzigen' not in page  # no permission to re-triage
    client.force_login(teamleider)
    page = client.get(f'/werkplek/triage/melding/{signal.pk}/').content.decode()
    assert 'id="herindelen"' in page and 'id="loslaten"' in page
    assert 'id="afspraak"' not in page  # only in a lane whose resolution date is agreed
    assert client.get('/werkplek/triage/melding/999999/').status_code == 404


def test_retriage_form(client, teamleider, container_vol):
    signal = triaged(container_vol)
    client.force_login(teamleider)
    response = client.post(f'/werkplek/triage/melding/{signal.pk}/herindelen/', {'lane': 'complex', 'reason': ''})
    assert response.status_code == 400
    assert 'Dit veld is vereist.' in response.content.decode()
    assert Decision.objects.filter(signal_id=signal.pk).count() == 1

    response = client.post(f'/werkplek/triage/melding/{signal.pk}/herindelen/',
                           {'lane': 'complex', 'reason': 'Meerdere disciplines'}, follow=True)
    page = response.content.decode()
    assert 'De melding is in de nieuwe baan geplaatst' in page
    state = SignalLane.objects.get(pk=signal.pk)
    assert state.lane.code == 'complex' and state.is_manual
    assert Decision.objects.filter(signal_id=signal.pk).first().created_by == 'teamleider@haarlem.nl'

    response = client.post(f'/werkplek/triage/melding/{signal.pk}/loslaten/', {'reason': 'Vergissing'}, follow=True)
    assert 'losgelaten' in response.content.decode()
    assert SignalLane.objects.get(pk=signal.pk).lane.code == 'eenvoudig'


def test_agreed_date_form(client, teamleider, lanes, container_vol):
    signal = triaged(container_vol)
    services.retriage(signal, lanes['maatwerk'], 'Kwetsbaar', 'tl@haarlem.nl')
    client.force_login(teamleider)
    assert 'id="afspraak"' in client.get(f'/werkplek/triage/melding/{signal.pk}/').content.decode()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(f'/werkplek/triage/melding/{signal.pk}/afspraak/', {'date': past, 'reason': 'x'})
    assert response.status_code == 400 and 'Kies een datum vanaf vandaag.' in response.content.decode()
    day = timezone.localdate() + timedelta(days=8)
    response = client.post(f'/werkplek/triage/melding/{signal.pk}/afspraak/',
                           {'date': day.isoformat(), 'reason': 'Gebeld'}, follow=True)
    assert 'afgesproken met de melder' in response.content.decode()


def test_rules_page_and_dry_run(client, teamleider, lanes, container_vol):
    rule = Rule.objects.create(name='Klacht', kind='type', params={'types': ['COM']}, lane=lanes['maatwerk'])
    complaint = triaged(container_vol, type_code='COM')
    triaged(container_vol)
    client.force_login(teamleider)
    page = client.get('/werkplek/triage/regels/').content.decode()
    assert 'Klacht' in page and 'Type: Klacht' in page and 'Proefdraaien' in page

    # Without the complaint rule, the complaint would move back to eenvoudig.
    response = client.post('/werkplek/triage/regels/', {'limit': 50})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'zouden er 1 van baan wisselen' in page and f'SIG-{complaint.pk}' in page

    # A new rule in the proposal, with bad parameters: field errors, nothing saved.
    response = client.post('/werkplek/triage/regels/', {'limit': 50, 'rules': [rule.pk], 'new_kind': 'repeat_spot',
                                                        'new_lane': 'complex', 'new_params': '{"min_count": 1}'})
    assert response.status_code == 400 and 'min_count' in response.content.decode()
    response = client.post('/werkplek/triage/regels/', {'limit': 50, 'rules': [rule.pk], 'new_kind': 'keywords',
                                                        'new_lane': 'complex', 'new_order': 1,
                                                        'new_params': '{"keywords": ["afval"]}'})
    assert 'zouden er 2 van baan wisselen' in response.content.decode()
    assert Rule.objects.count() == 1


def test_dry_run_needs_its_permission(client, lanes):
    user = UserFactory(username='kijker@haarlem.nl', permissions=['haarlem_triage.view_decision',
                                                                  'haarlem_triage.view_rule'])
    client.force_login(user)
    assert 'id="proefdraaien"' not in client.get('/werkplek/triage/regels/').content.decode()
    assert client.post('/werkplek/triage/regels/', {'limit': 5}).status_code == 403


def test_signal_page_shows_last_days_not_exclusive_ends(client, behandelaar, container_vol):
    """Reported Friday 6 June 2025 (Whit Monday follows): the last day of the 3-day norm is Thursday 12 June."""
    from datetime import datetime

    from signals_haarlem.workdays import TIME_ZONE
    signal = triaged(container_vol, created_at=datetime(2025, 6, 6, 16, 30, tzinfo=TIME_ZONE))
    client.force_login(behandelaar)
    page = client.get(f'/werkplek/triage/melding/{signal.pk}/').content.decode()
    assert 'donderdag 12 juni 2025' in page and '<td>12-06-2025</td>' in page
    assert '13-06-2025' not in page


def test_queue_page_queries_do_not_grow_with_the_rows(client, behandelaar, container_vol, afval):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CategoryFactory
    triaged(container_vol)
    client.force_login(behandelaar)
    client.get('/werkplek/triage/baan/eenvoudig/')
    with CaptureQueriesContext(connection) as small:
        client.get('/werkplek/triage/baan/eenvoudig/')
    for _ in range(10):
        triaged(CategoryFactory(parent=afval))
    with CaptureQueriesContext(connection) as large:
        page = client.get('/werkplek/triage/baan/eenvoudig/').content.decode()
    assert '11 openstaande meldingen' in page
    assert len(large.captured_queries) == len(small.captured_queries)


def test_signal_page_shows_the_reporters_feedback(client, behandelaar, container_vol):
    """Team Maatwerk sees why a reporter was unhappy, next to the triage (what the KTO form gave)."""
    from datetime import timedelta

    from django.utils import timezone

    from signals_haarlem import signalen
    signal = triaged(container_vol)
    Feedback = signalen.get_model('Feedback')
    Feedback.objects.create(_signal=signal, created_at=timezone.now() - timedelta(days=9),
                            submitted_at=timezone.now() - timedelta(days=8), is_satisfied=False,
                            text_list=['Het probleem is niet opgelost.'], text_extra='Container staat er nog')
    client.force_login(behandelaar)
    page = client.get(f'/werkplek/triage/melding/{signal.pk}/').content.decode()
    assert 'Oordeel van de melder' in page and 'Niet tevreden' in page
    assert 'Het probleem is niet opgelost.' in page and 'Toelichting: Container staat er nog' in page
    Feedback.objects.create(_signal=signal)  # asked again (closed again), no answer yet
    page = client.get(f'/werkplek/triage/melding/{signal.pk}/').content.decode()
    assert 'nog geen antwoord' in page and page.index('nog geen antwoord') < page.index('Niet tevreden')
    other = triaged(container_vol)
    assert 'Oordeel van de melder' not in client.get(f'/werkplek/triage/melding/{other.pk}/').content.decode()
