"""SLA tracking: late and nearly late deadlines are marked once, teams get one mail, reporters hear of a
new expected date (editable template), everything is recorded in the history."""
from datetime import datetime, timedelta

import pytest
from django.core import mail

from signals_haarlem import signalen, workdays
from signals_haarlem.triage import engine, services, sla, tasks
from signals_haarlem.triage.models import MessageTemplate, Rule, SignalLane, SlaEvent
from tests.factories import UserFactory, make_signal, refuse_contact

pytestmark = pytest.mark.django_db
TZ = workdays.TIME_ZONE


def at(*args):
    return datetime(*args, tzinfo=TZ)


def notes(signal):
    return [line.description for line in signalen.history(signal) if line.what == 'CREATE_NOTE']


@pytest.fixture
def complex_signal(boom):
    """Reported Monday 2 June 2025 in lane complex: response by Thu 5 June, plan by Tue 17 June, resolution
    (20 working days, Whit Monday off) by Tue 1 July."""
    signal = make_signal(boom, created_at=at(2025, 6, 2, 9, 0), reporter={'email': 'melder@example.com', 'phone': ''})
    services.triage_signal(signal)
    return signal


def test_on_time_nothing_happens(complex_signal):
    summary = sla.check_deadlines(now=at(2025, 6, 5, 16, 0))
    assert summary.as_dict() == {'response_late': 0, 'plan_late': 0, 'resolution_nearly_late': 0,
                                 'resolution_late': 0, 'reporter_informed': 0, 'mails_to_teams': 0, 'failed': 0}
    assert not SlaEvent.objects.exists() and not mail.outbox


def test_response_late_marked_once_team_mailed_once(lanes, complex_signal):
    lanes['complex'].notification_email = 'team-complex@haarlem.nl'
    lanes['complex'].save()
    summary = sla.check_deadlines(now=at(2025, 6, 6, 8, 0))
    assert summary.response_late == 1 and summary.mails_to_teams == 1
    [event] = SlaEvent.objects.all()
    assert event.kind == 'response_late' and event.due == at(2025, 6, 6, 0, 0)
    assert notes(complex_signal)[-1] == 'Triage: reactietermijn verstreken (uiterlijk 05-06-2025, baan Complex).'
    [message] = mail.outbox
    assert message.to == ['team-complex@haarlem.nl']
    assert message.subject == '1 melding in baan Complex (bijna) te laat'
    assert f'SIG-{complex_signal.pk} (Boom): reactie te laat, uiterlijk 05-06-2025' in message.body
    assert f'/werkplek/triage/melding/{complex_signal.pk}/' in message.body

    # The next run: still late, but the team heard it already.
    again = sla.check_deadlines(now=at(2025, 6, 6, 9, 0))
    assert again.response_late == 0 and again.mails_to_teams == 0
    assert SlaEvent.objects.count() == 1 and len(mail.outbox) == 1


def test_response_in_time_is_not_late(complex_signal, run_on_commit):
    run_on_commit(signalen.set_status, complex_signal, 'b', 'Contact gehad')
    assert sla.check_deadlines(now=at(2025, 6, 6, 8, 0)).response_late == 0


def test_team_members_get_the_mail_without_a_team_address(lanes, complex_signal):
    UserFactory(username='a@haarlem.nl', departments=[lanes['complex'].department])
    UserFactory(username='b@haarlem.nl', departments=[lanes['complex'].department])
    UserFactory(username='c@haarlem.nl', departments=[lanes['eenvoudig'].department])
    UserFactory(username='d@haarlem.nl', departments=[lanes['complex'].department], is_active=False)
    sla.check_deadlines(now=at(2025, 6, 6, 8, 0))
    assert mail.outbox[0].to == ['a@haarlem.nl', 'b@haarlem.nl']


def test_plan_late(complex_signal, run_on_commit):
    run_on_commit(signalen.set_status, complex_signal, 'b', 'Contact gehad')
    summary = sla.check_deadlines(now=at(2025, 6, 18, 8, 0))
    assert summary.plan_late == 1 and summary.response_late == 0
    run_on_commit(signalen.set_status, complex_signal, 'ingepland', 'Plan gemaakt')
    assert SignalLane.objects.get(pk=complex_signal.pk).due_kind == 'resolution'


def test_resolution_nearly_late_informs_the_reporter_with_a_new_date(complex_signal, run_on_commit):
    run_on_commit(signalen.set_status, complex_signal, 'ingepland', 'Plan gemaakt')
    # Lane complex warns 2 working days ahead: on Monday 30 June the term (last day Tue 1 July) is nearly over.
    summary = sla.check_deadlines(now=at(2025, 6, 30, 8, 0))
    assert summary.resolution_nearly_late == 1 and summary.reporter_informed == 1
    reporter_mail = [m for m in mail.outbox if m.to == ['melder@example.com']]
    [message] = reporter_mail
    assert message.subject == f'Uw melding SIG-{complex_signal.pk}: het duurt langer'
    assert 'uiterlijk 1 juli 2025 af te handelen' in message.body
    # The new expected date: 10 working days (lane complex) after Tue 1 July.
    assert 'uiterlijk 15 juli 2025 af te handelen' in message.body
    event = SlaEvent.objects.get(kind='reporter_informed')
    assert event.expected_at.isoformat() == '2025-07-15' and message.body.strip() in event.text
    assert SignalLane.objects.get(pk=complex_signal.pk).expected_at == event.expected_at
    assert any('melder per e-mail geïnformeerd' in n and '15-07-2025' in n for n in notes(complex_signal))

    # Late a few days later: marked, but the reporter is not mailed a second time.
    later = sla.check_deadlines(now=at(2025, 7, 2, 8, 0))
    assert later.resolution_late == 1 and later.reporter_informed == 0
    assert len([m for m in mail.outbox if m.to == ['melder@example.com']]) == 1


def test_no_message_to_a_reporter_who_cannot_be_contacted(boom, run_on_commit):
    anonymous = make_signal(boom, created_at=at(2025, 6, 2, 9, 0), reporter={'email': '', 'phone': '0612345678'})
    refused = refuse_contact(make_signal(boom, created_at=at(2025, 6, 2, 9, 0),
                                         reporter={'email': 'geen@example.com', 'phone': ''}))
    for signal in (anonymous, refused):
        services.triage_signal(signal)
    summary = sla.check_deadlines(now=at(2025, 7, 2, 8, 0))
    assert summary.resolution_late == 2 and summary.reporter_informed == 0
    assert not [m for m in mail.outbox if 'melding SIG' in m.subject and 'duurt langer' in m.subject]


def test_the_reporter_message_template_is_editable(complex_signal):
    MessageTemplate.objects.create(key=MessageTemplate.REPORTER_DELAY, subject='Vertraging {{ melding }}',
                                   body='Nieuwe datum: {{ nieuwe_datum }} ({{ categorie }}, {{ baan }}).')
    sla.check_deadlines(now=at(2025, 7, 2, 8, 0))
    [message] = [m for m in mail.outbox if m.to == ['melder@example.com']]
    assert message.subject == f'Vertraging SIG-{complex_signal.pk}'
    assert message.body == 'Nieuwe datum: 15 juli 2025 (Boom, Complex).\n'


def test_template_syntax_is_checked_on_save():
    from django.core.exceptions import ValidationError
    template = MessageTemplate(key=MessageTemplate.REPORTER_DELAY, subject='x', body='{% if %}')
    with pytest.raises(ValidationError) as exc:
        template.full_clean()
    assert 'body' in exc.value.message_dict


def test_resolved_or_closed_signals_are_not_late(complex_signal, run_on_commit):
    run_on_commit(signalen.set_status, complex_signal, 'o', 'Opgelost')
    summary = sla.check_deadlines(now=at(2025, 8, 1, 8, 0))
    assert summary.as_dict()['resolution_late'] == 0 and summary.response_late == 0


def test_a_new_decision_gets_its_own_marks(lanes, complex_signal):
    sla.check_deadlines(now=at(2025, 6, 6, 8, 0))
    Rule.objects.create(name='Alles maatwerk', kind='category', params={'categories': ['openbaar-groen-en-water']},
                        lane=lanes['maatwerk'])
    engine.clear_cache()
    services.triage_signal(complex_signal, 'category')
    # Maatwerk's clock starts at the re-triage (now), so its response deadline is in the future.
    summary = sla.check_deadlines(now=datetime.now(TZ) + timedelta(days=10))
    assert summary.response_late == 1
    assert SlaEvent.objects.filter(kind='response_late').count() == 2


def test_the_task_runs_and_reports(complex_signal, monkeypatch):
    result = tasks.check_deadlines()
    assert result['response_late'] == 1 and result['failed'] == 0


def test_a_failing_signal_does_not_stop_the_run(boom, monkeypatch):
    signals = [make_signal(boom, created_at=at(2025, 6, 2, 9, 0)) for _ in range(2)]
    for signal in signals:
        services.triage_signal(signal)
    real = signalen.add_note

    def flaky(signal, text, user=None):
        if signal.pk == signals[0].pk:
            raise signalen.ConcurrentUpdate('bezet')
        return real(signal, text, user)
    monkeypatch.setattr(signalen, 'add_note', flaky)
    summary = sla.check_deadlines(now=at(2025, 6, 6, 8, 0))
    assert summary.response_late == 1 and summary.failed == 1
    assert not SlaEvent.objects.filter(signal_id=signals[0].pk).exists()  # retried in the next run
    monkeypatch.undo()
    assert sla.check_deadlines(now=at(2025, 6, 6, 9, 0)).response_late == 1


def test_a_new_decision_with_the_same_deadline_is_not_news(lanes, complex_signal):
    lanes['complex'].notification_email = 'team-complex@haarlem.nl'
    lanes['complex'].save()
    sla.check_deadlines(now=at(2025, 6, 6, 8, 0))
    # A same-lane decision for another reason (here: a new rule) keeps the deadlines.
    Rule.objects.create(name='Bomen', kind='category', params={'categories': ['openbaar-groen-en-water']},
                        lane=lanes['complex'])
    engine.clear_cache()
    decision = services.triage_signal(complex_signal, 'priority')
    assert decision is not None and decision.lane.code == 'complex'
    summary = sla.check_deadlines(now=at(2025, 6, 6, 9, 0))
    assert summary.response_late == 0 and summary.mails_to_teams == 0 and len(mail.outbox) == 1


def test_reporter_mail_failure_is_retried_next_run(complex_signal, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError('SMTP weg')
    monkeypatch.setattr(sla, 'send_mail', broken)
    summary = sla.check_deadlines(now=at(2025, 7, 2, 8, 0))
    assert summary.failed == 1 and summary.reporter_informed == 0
    assert not SlaEvent.objects.filter(kind__in=['resolution_late', 'reporter_informed']).exists()
    monkeypatch.undo()
    summary = sla.check_deadlines(now=at(2025, 7, 2, 9, 0))
    assert summary.resolution_late == 1 and summary.reporter_informed == 1
