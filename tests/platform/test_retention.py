"""Data protection: after the retention period the contact details of reporters (Signalen) and of
complainants (complaints app) are gone, and every figure and the complaints register stay the same."""
import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils import timezone

from signals_haarlem import beat, signalen
from signals_haarlem.complaints import fixtures as complaint_fixtures
from signals_haarlem.complaints import reports, services, workflow
from signals_haarlem.complaints.models import Complaint
from signals_haarlem.core import retention, tasks
from tests.factories import CategoryFactory, UserFactory, make_signal

pytestmark = pytest.mark.django_db

Reporter = signalen.get_model('Reporter')
Signal = signalen.get_model('Signal')
Status = signalen.get_model('Status')

DAYS = 30


@pytest.fixture(autouse=True)
def short_retention(settings):
    settings.HAARLEM = {**settings.HAARLEM, 'RETENTION_DAYS': DAYS}


def _closed_days_ago(signal, days, state='o'):
    signalen.set_status(signal, state, 'Afgehandeld.')
    Status.objects.filter(pk=signal.status_id).update(created_at=timezone.now() - datetime.timedelta(days=days))


def _contacts(signal):
    return sorted(Reporter.objects.filter(_signal=signal).values_list('email', 'phone', 'email_anonymized',
                                                                          'phone_anonymized'))


def test_reporters_of_signals_closed_before_the_period_are_anonymised_once():
    category = CategoryFactory()
    old = make_signal(category, reporter={'email': 'oud@example.com', 'phone': '0611111111'})
    signalen.set_reporter(old, 'nieuw@example.com', '0622222222')
    _closed_days_ago(old, DAYS + 1)
    cancelled = make_signal(category, reporter={'email': 'weg@example.com', 'phone': ''})
    _closed_days_ago(cancelled, DAYS + 5, state='a')
    recent = make_signal(category, reporter={'email': 'recent@example.com', 'phone': '0633333333'})
    _closed_days_ago(recent, DAYS - 1)
    still_open = make_signal(category, reporter={'email': 'open@example.com', 'phone': ''},
                             created_at=timezone.now() - datetime.timedelta(days=400))
    signals = (old, cancelled, recent, still_open)
    history_before = {s.pk: signalen.history(s) for s in signals}

    assert tasks.anonymise_reporters() == 2

    # every reporter record of the old signals, the earlier one too, is blank and marked
    assert _contacts(old) == [('', '', True, True), ('', '', True, True)]
    assert _contacts(cancelled) == [('', '', True, True)]
    assert _contacts(recent) == [('recent@example.com', '0633333333', False, False)]
    assert _contacts(still_open) == [('open@example.com', '', False, False)]
    assert signalen.reporter_contact(Signal.objects.get(pk=old.pk)) == ('', '')
    # one history line per anonymised signal, shown as a system change in the backoffice's history
    added = {s.pk: signalen.history(s)[len(history_before[s.pk]):] for s in signals}
    assert {pk: len(lines) for pk, lines in added.items()} == {old.pk: 1, cancelled.pk: 1, recent.pk: 0,
                                                                still_open.pk: 0}
    for line in added[old.pk] + added[cancelled.pk]:
        assert signalen.ANONYMISED_ACTION in f'{line.action} {line.description}'
        assert line.who is None

    # running again changes nothing
    assert tasks.anonymise_reporters() == 0
    assert {s.pk: len(signalen.history(s)) for s in signals} == {
        pk: len(history_before[pk]) + len(lines) for pk, lines in added.items()}


def test_a_reporter_added_after_closing_is_anonymised_on_the_next_run():
    signal = make_signal(reporter={'email': 'a@example.com', 'phone': ''})
    _closed_days_ago(signal, DAYS + 1)
    assert retention.anonymise_reporters() == 1
    signalen.set_reporter(signal, 'b@example.com', '')
    assert retention.anonymise_reporters() == 1
    assert [row[0] for row in _contacts(signal)] == ['', '']


def test_the_anonymisation_is_one_update_per_batch(django_assert_max_num_queries):
    category = CategoryFactory()
    for n in range(6):
        _closed_days_ago(make_signal(category), DAYS + 1)
    # select the signals, then per batch: one UPDATE, then one read of the current reporters and one INSERT
    # of history lines (inside upstream: one INSERT of notes and one of their history-log lines), plus
    # savepoint statements
    with django_assert_max_num_queries(1 + 3 * 5):
        assert signalen.anonymise_reporters(timezone.now() - datetime.timedelta(days=DAYS), batch_size=2) == 6


def test_retention_task_is_in_the_daily_beat_schedule():
    entry = beat.collect(settings.HAARLEM_APPS)['core-anonymise-reporters']
    assert entry['task'] == 'signals_haarlem.core.tasks.anonymise_reporters'
    assert entry['schedule'].hour == {3} and entry['schedule'].minute == {0}


# -- reporters and complainants together; the figures stay ---------------------------------------

@pytest.fixture
def coordinator(db):
    complaint_fixtures.load()
    user = UserFactory(username='coordinator@haarlem.nl')
    user.groups.add(Group.objects.get(name='Klachtcoördinator'))
    return user


def _figures(year):
    return {
        'signals': Signal.objects.count(),
        'by_state': dict(Signal.objects.values_list('status__state').annotate(n=Count('pk')).order_by()),
        'by_category': dict(Signal.objects.values_list('category_assignment__category__slug')
                            .annotate(n=Count('pk')).order_by()),
        'reporters': Reporter.objects.count(),
        'complaints': Complaint.objects.count(),
        'by_outcome': services.counts_by_outcome(),
        'register_csv': reports.register_csv(year),
        'register_rows': reports.register_rows(year),
        # the report's figures (its charts draw the same figures; their element ids differ per drawing)
        'annual': {k: v for k, v in reports.annual_report(year).items() if k not in ('generated_at', 'charts')},
    }


def test_reporters_and_complainants_both_lose_their_contact_details_and_the_figures_stay(
        coordinator, run_on_commit):
    category = CategoryFactory()
    complaint_signal = run_on_commit(make_signal, category, type_code='COM', text='Klacht over de vuilnisman',
                                     reporter={'email': 'klager@example.com', 'phone': '0644444444'})
    complaint = Complaint.objects.get(signal=complaint_signal)
    assert (complaint.complainant_email, complaint.complainant_phone) == ('klager@example.com', '0644444444')
    letter_complaint = services.register_complaint({
        'channel': 'brief', 'form': 'schriftelijk', 'received_on': timezone.localdate(),
        'complainant_name': 'Petra de Vries', 'complainant_address': 'Zijlweg 12', 'complainant_postcode': '2013 DE',
        'complainant_city': 'Haarlem', 'complainant_email': 'petra@example.com',
        'subject': 'Onvriendelijk behandeld', 'conduct_description': 'De medewerker luisterde niet.',
        'conduct_date': timezone.localdate()}, user=coordinator)
    for c in (complaint, letter_complaint):
        services.transition(c, workflow.NOT_A_COMPLAINT, coordinator,
                            data={'classification': 'vraag', 'explanation': 'Een vraag.'})
        services.transition(c, workflow.CLOSED, coordinator)
    _closed_days_ago(complaint_signal, DAYS + 1)
    kept_signal = make_signal(category, reporter={'email': 'blijft@example.com', 'phone': ''})
    year = timezone.localdate().year
    before = _figures(year)

    later = timezone.now() + datetime.timedelta(days=DAYS + 1)
    assert retention.anonymise_reporters(now=later) == 1
    assert services.remove_expired_contact_details(now=later) == 2

    complaint.refresh_from_db()
    letter_complaint.refresh_from_db()
    assert _contacts(complaint_signal) == [('', '', True, True)]
    assert (complaint.complainant_email, complaint.complainant_phone) == ('', '')
    assert (letter_complaint.complainant_email, letter_complaint.complainant_address,
            letter_complaint.complainant_postcode) == ('', '', '')
    assert not letter_complaint.letters.exclude(recipient_email='', recipient_address='').exists()
    assert _contacts(kept_signal) == [('blijft@example.com', '', False, False)]
    # no e-mail address of a reporter or complainant is left in these tables
    for model, fields in ((Reporter, ('email',)), (Complaint, ('complainant_email', 'representative_email'))):
        for field in fields:
            assert not model.objects.filter(**{f'{field}__in': ['klager@example.com', 'petra@example.com']}).exists()
    # the figures, the register and its export are unchanged
    assert _figures(year) == before


def test_corrected_contact_details_do_not_survive_in_complaint_history(coordinator):
    from signals_haarlem.complaints.models import ComplaintEvent
    c = services.register_complaint({
        'channel': 'brief', 'form': 'schriftelijk', 'received_on': timezone.localdate(),
        'complainant_name': 'Petra de Vries', 'complainant_address': 'Zijlweg 12', 'complainant_postcode': '2013 DE',
        'complainant_city': 'Haarlem', 'complainant_email': 'petra@example.com',
        'subject': 'Onvriendelijk behandeld', 'conduct_description': 'De medewerker luisterde niet.',
        'conduct_date': timezone.localdate()}, user=coordinator)
    services.update_details(c, {'complainant_email': 'petra.devries@example.com'}, user=coordinator)
    services.transition(c, workflow.NOT_A_COMPLAINT, coordinator,
                        data={'classification': 'vraag', 'explanation': 'Een vraag.'})
    services.transition(c, workflow.CLOSED, coordinator)
    services.remove_expired_contact_details(now=timezone.now() + datetime.timedelta(days=DAYS + 1))
    assert 'petra' not in str(list(ComplaintEvent.objects.filter(complaint=c).values_list('data', flat=True)))
