"""A complaint that starts as a Signalen signal of type COM is linked and visible from both sides."""
from django.urls import reverse

from signals_haarlem import signalen
from signals_haarlem.complaints import services, workflow
from signals_haarlem.complaints.models import Complaint
from tests.factories import make_signal


def notes_of(signal):
    return [line.description for line in signalen.history(signal) if line.what == 'CREATE_NOTE']


def test_signal_of_type_com_becomes_a_linked_complaint(run_on_commit, category, coordinator, handler, client):
    signal = run_on_commit(make_signal, category=category, type_code='COM', text='De medewerker aan de telefoon '
                           'was onbeleefd toen ik belde over mijn container.',
                           reporter={'email': 'klager@example.com', 'phone': '0612345678'})
    complaint = Complaint.objects.get(signal=signal)
    assert complaint.channel == 'signalen' and complaint.complainant_email == 'klager@example.com'
    assert complaint.conduct_description.startswith('De medewerker aan de telefoon')
    # Signalen side: the step is in the signal's history (without the complaint's contents)
    notes = notes_of(signal)
    assert any(complaint.reference in n and 'klachtprocedure' in n for n in notes)
    # the complaint's steps follow in the history
    run_on_commit(services.assign, complaint, handler, coordinator)
    run_on_commit(services.transition, complaint, workflow.ACKNOWLEDGED, coordinator)
    assert any(f'Klacht {complaint.reference}: ontvangst bevestigd' in n for n in notes_of(signal))
    # complaint side: the page shows the signal
    client.force_login(handler)
    page = client.get(reverse('complaints_pages:detail', args=[complaint.pk])).content.decode()
    assert f'SIG-{signal.pk}' in page and f'/manage/incident/{signal.pk}' in page


def test_changing_the_type_to_com_registers_once(run_on_commit, category, complaint_fixtures):
    signal = run_on_commit(make_signal, category=category, type_code='SIG')
    assert not Complaint.objects.filter(signal=signal).exists()
    run_on_commit(signalen.set_type, signal, 'COM')
    run_on_commit(signalen.set_type, signal, 'SIG')
    run_on_commit(signalen.set_type, signal, 'COM')
    complaint = Complaint.objects.get(signal=signal)
    assert complaint.events.filter(kind='signal').count() == 1  # told about the type change away from COM
    assert Complaint.objects.count() == 1


def test_api_shows_the_signal(run_on_commit, category, coordinator, api_client):
    from tests.conftest import bearer
    signal = run_on_commit(make_signal, category=category, type_code='COM')
    complaint = Complaint.objects.get(signal=signal)
    api_client.credentials(**bearer(coordinator))
    body = api_client.get(f'/signals/v1/haarlem/complaints/{complaint.pk}/').json()
    assert body['signal']['id'] == signal.pk and body['signal']['type'] == 'COM'


def test_anonymous_signal_complaint_is_informal(run_on_commit, category, complaint_fixtures):
    signal = run_on_commit(make_signal, category=category, type_code='COM', reporter={'email': '', 'phone': ''})
    complaint = Complaint.objects.get(signal=signal)
    assert complaint.is_anonymous and not complaint.is_formal


def close_complaint(run_on_commit, complaint, coordinator):
    run_on_commit(services.transition, complaint, workflow.NOT_A_COMPLAINT, coordinator,
                  data={'classification': 'melding', 'explanation': 'Dit is een melding over afval.'})
    run_on_commit(services.transition, complaint, workflow.CLOSED, coordinator)


def test_closing_the_complaint_closes_its_signal(run_on_commit, category, coordinator):
    """The backoffice should not keep showing a complaint signal as open once the complaint is closed;
    Signalen's own closing mail is not asked for (the complainant got the complaint's letters)."""
    signal = run_on_commit(make_signal, category=category, type_code='COM')
    complaint = Complaint.objects.get(signal=signal)
    close_complaint(run_on_commit, complaint, coordinator)
    signal.refresh_from_db()
    assert signal.status.state == 'o'
    assert signal.status.text == f'Klacht {complaint.reference}: gesloten.' and not signal.status.send_email
    assert signal.status.user == coordinator.email


def test_a_signal_closed_already_gets_a_note(run_on_commit, category, coordinator):
    signal = run_on_commit(make_signal, category=category, type_code='COM')
    complaint = Complaint.objects.get(signal=signal)
    run_on_commit(signalen.set_status, signal, 'a', 'Dubbele melding')
    close_complaint(run_on_commit, complaint, coordinator)
    signal.refresh_from_db()
    assert signal.status.state == 'a'  # left as the backoffice set it
    assert f'Klacht {complaint.reference}: gesloten.' in notes_of(signal)
