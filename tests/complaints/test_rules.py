"""Awb 9:7 (a handler not involved), 9:11 (terms, extension, consent) and 9:8 (the 4-week letter)."""
import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from signals_haarlem.complaints import services, workflow
from signals_haarlem.complaints.models import DeadlineWarning, Letter, TermChange

from .conftest import at, move

D = datetime.date


# -- 9:7 -------------------------------------------------------------------------------------------

def test_assigning_the_person_complained_about_is_refused(make_complaint, coordinator, employee):
    complaint = make_complaint(employee=employee)
    with pytest.raises(ValidationError) as info:
        services.assign(complaint, employee, coordinator)
    assert 'Awb 9:7' in info.value.message_dict['handler'][0]
    complaint.refresh_from_db()
    assert complaint.handler is None
    assert not complaint.events.filter(kind='assign').exists()


def test_assigning_the_person_named_in_the_complaint_is_refused(make_complaint, coordinator, employee):
    complaint = make_complaint(employee_name='jan jansen')
    with pytest.raises(ValidationError):
        services.assign(complaint, employee, coordinator)


def test_complaint_about_an_alderman_is_exempt_from_9_7(make_complaint, coordinator, employee):
    complaint = make_complaint(employee=employee, about_governing_body='wethouder')
    services.assign(complaint, employee, coordinator)
    assert complaint.handler == employee


def test_naming_the_handler_as_person_complained_about_later_is_refused(make_complaint, coordinator, handler):
    complaint = make_complaint()
    services.assign(complaint, handler, coordinator)
    with pytest.raises(ValidationError) as info:
        services.update_details(complaint, {'employee': handler}, coordinator)
    assert 'handler' in info.value.message_dict
    complaint.refresh_from_db()
    assert complaint.employee is None


def test_only_a_complaint_handler_can_be_assigned(make_complaint, coordinator, outsider):
    complaint = make_complaint()
    with pytest.raises(ValidationError) as info:
        services.assign(complaint, outsider, coordinator)
    assert 'klachtbehandelaar' in info.value.message_dict['handler'][0]


def test_another_handler_may_take_it(make_complaint, coordinator, employee, other_handler):
    complaint = make_complaint(employee=employee)
    services.assign(complaint, other_handler, coordinator)
    assert complaint.handler == other_handler
    assert complaint.events.get(kind='assign').data['to'] == other_handler.pk


# -- 9:11 terms ------------------------------------------------------------------------------------

@pytest.mark.parametrize('received,last_day', [
    (D(2025, 3, 3), D(2025, 4, 14)),     # plain: six weeks, a Monday
    (D(2025, 3, 1), D(2025, 4, 14)),     # ends on Saturday 12 April: moves to Monday
    (D(2025, 3, 2), D(2025, 4, 14)),     # ends on Sunday 13 April: moves to Monday
    (D(2025, 3, 10), D(2025, 4, 22)),    # ends on Easter Monday
    (D(2025, 2, 28), D(2025, 4, 11)),    # Friday: no move
    (D(2025, 3, 7), D(2025, 4, 22)),     # ends on Good Friday 18 April -> Sat, Sun, Easter Monday -> Tuesday
    (D(2025, 4, 17), D(2025, 5, 30)),    # ends on Ascension Day
    (D(2026, 3, 24), D(2026, 5, 6)),     # 5 May 2026 (not a lustrum year) still counts
    (D(2025, 11, 13), D(2025, 12, 29)),  # Christmas, Boxing Day, weekend
])
def test_six_week_term_moves_past_weekends_and_public_holidays(make_complaint, received, last_day):
    complaint = make_complaint(received_on=received)
    assert complaint.term_last_day == last_day


def test_term_is_ten_weeks_with_an_advice_committee(make_complaint, coordinator):
    complaint = make_complaint(advice_committee=True)
    assert complaint.term_last_day == D(2025, 5, 12)
    other = make_complaint()
    services.set_advice_committee(other, True, 'Klacht over een wethouder: adviescommissie', coordinator)
    assert other.term_last_day == D(2025, 5, 12)
    assert other.term_changes.get().kind == TermChange.COMMITTEE


def test_closure_day_moves_the_term(make_complaint):
    from signals_haarlem.core.models import ClosureDay
    ClosureDay.objects.create(date=D(2025, 4, 14), reason='Verhuizing stadhuis')
    complaint = make_complaint()
    assert complaint.term_last_day == D(2025, 4, 15)


def test_one_extension_of_at_most_four_weeks_with_letters_to_both(make_complaint, coordinator, handler, employee):
    complaint = make_complaint(employee=employee)
    services.assign(complaint, handler, coordinator)
    with pytest.raises(ValidationError) as info:
        services.extend_term(complaint, 5, 'Onderzoek duurt langer', handler, now=at(D(2025, 4, 1)))
    assert 'ten hoogste 4 weken' in info.value.message_dict['weeks'][0]
    with pytest.raises(ValidationError) as info:
        services.extend_term(complaint, 4, '', handler, now=at(D(2025, 4, 1)))
    assert 'reason' in info.value.message_dict

    services.extend_term(complaint, 4, 'Het onderzoek bij de buitendienst duurt langer.', handler,
                         now=at(D(2025, 4, 1)))
    assert (complaint.term_last_day, complaint.extension_weeks) == (D(2025, 5, 12), 4)
    letters = Letter.objects.filter(complaint=complaint, kind='extension')
    assert {l.recipient_role for l in letters} == {Letter.COMPLAINANT, Letter.PERSON}
    assert all('12 mei 2025' in l.text and 'buitendienst' in l.text for l in letters)

    with pytest.raises(ValidationError) as info:
        services.extend_term(complaint, 1, 'Nog meer tijd nodig', handler, now=at(D(2025, 5, 1)))
    assert 'schriftelijke instemming' in info.value.message_dict['weeks'][0]
    assert complaint.term_changes.filter(kind=TermChange.EXTENSION).count() == 1


def test_extension_after_the_term_ended_is_refused(make_complaint, handler):
    complaint = make_complaint()
    with pytest.raises(ValidationError) as info:
        services.extend_term(complaint, 2, 'Te laat bedacht', handler, now=at(D(2025, 4, 15)))
    assert 'verstreken' in info.value.message_dict['weeks'][0]
    services.extend_term(complaint, 2, 'Op de laatste dag', handler, now=at(D(2025, 4, 14)))
    assert complaint.term_last_day == D(2025, 4, 28)


def test_extension_term_moves_past_holidays(make_complaint, handler):
    complaint = make_complaint(received_on=D(2025, 3, 17))  # 6 weeks: 28 April; +2 weeks: 12 May
    assert complaint.term_last_day == D(2025, 4, 28)
    complaint2 = make_complaint(received_on=D(2025, 3, 31))  # 6 weeks: 12 May; +1 week = 19 May
    services.extend_term(complaint2, 1, 'Vakantie beklaagde', handler, now=at(D(2025, 5, 1)))
    assert complaint2.term_last_day == D(2025, 5, 19)
    complaint3 = make_complaint(received_on=D(2025, 3, 10))  # 6 weeks: Easter Monday -> 22 April; +2: 5 May -> 6 May
    services.extend_term(complaint3, 2, 'Drukte', handler, now=at(D(2025, 4, 20)))
    assert complaint3.term_last_day == D(2025, 5, 6)


def test_further_delay_only_with_written_consent(make_complaint, handler):
    complaint = make_complaint()
    services.extend_term(complaint, 4, 'Onderzoek', handler, now=at(D(2025, 4, 1)))
    with pytest.raises(ValidationError) as info:
        services.postpone_with_consent(complaint, '2025-06-02', '2025-05-06', 'telefoon', 'Klager akkoord', handler,
                                       now=at(D(2025, 5, 6)))
    assert 'schriftelijk' in info.value.message_dict['consent_how'][0]
    with pytest.raises(ValidationError) as info:
        services.postpone_with_consent(complaint, '2025-05-09', '2025-05-06', 'email', 'Klager akkoord', handler,
                                       now=at(D(2025, 5, 6)))
    assert 'until' in info.value.message_dict
    services.postpone_with_consent(complaint, '2025-05-31', '2025-05-06', 'email',
                                   'Klager stemt per e-mail in met uitstel tot na het gesprek.', handler,
                                   now=at(D(2025, 5, 6)))
    # 31 May 2025 is a Saturday: the agreed term ends on the next working day
    assert complaint.term_last_day == D(2025, 6, 2)
    change = complaint.term_changes.get(kind=TermChange.CONSENT)
    assert (change.consent_received_on, change.consent_how) == (D(2025, 5, 6), 'email')


def test_oral_complaint_has_no_term_to_extend(make_complaint, handler):
    complaint = make_complaint(channel='telefoon', form='mondeling')
    with pytest.raises(ValidationError) as info:
        services.extend_term(complaint, 2, 'x', handler)
    assert 'term' in info.value.message_dict


def test_timeliness_of_a_decision(make_complaint, coordinator, handler):
    complaint = make_complaint()
    services.assign(complaint, handler, coordinator)
    move(complaint, [workflow.ACKNOWLEDGED], handler, now=at(D(2025, 3, 4)))
    move(complaint, [workflow.RESOLVED], handler, now=at(D(2025, 4, 15)))
    complaint.refresh_from_db()
    assert complaint.decided_on == D(2025, 4, 15) and complaint.is_on_time is False
    row = services.with_timeliness(type(complaint).objects.filter(pk=complaint.pk)).get()
    assert (row.on_time, row.is_late) == (False, True)


# -- 9:8 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize('decided,on_time', [(D(2025, 12, 29), True), (D(2025, 12, 30), False)])
def test_not_handled_letter_within_four_weeks(make_complaint, coordinator, decided, on_time):
    complaint = make_complaint(received_on=D(2025, 11, 27), conduct_date=D(2024, 6, 1))
    # 4 weeks: Christmas Day; Boxing Day and the weekend follow: the letter is due on Monday 29 December
    assert services.not_handled_letter_due(complaint) == D(2025, 12, 29)
    services.transition(complaint, workflow.NOT_HANDLED, coordinator, now=at(decided),
                        data={'ground': 'b', 'explanation': 'De gedraging was in juni 2024, meer dan een jaar geleden.'})
    letter = Letter.objects.get(complaint=complaint, kind='not_handled')
    assert 'Gedraging langer dan een jaar geleden' in letter.text and 'juni 2024' in letter.text
    assert 'Nationale ombudsman' in letter.text
    event = complaint.events.get(kind='transition', to_state=workflow.NOT_HANDLED)
    assert event.data['letter_due'] == '2025-12-29' and event.data['on_time'] is on_time


def test_not_handled_needs_a_legal_ground(make_complaint, coordinator):
    complaint = make_complaint()
    with pytest.raises(ValidationError) as info:
        services.transition(complaint, workflow.NOT_HANDLED, coordinator,
                            data={'ground': 'g', 'explanation': 'Geen zin in'})
    assert 'ground' in info.value.message_dict


def test_lid_2_ground(make_complaint, coordinator):
    complaint = make_complaint()
    services.transition(complaint, workflow.NOT_HANDLED, coordinator,
                        data={'ground': 'lid2', 'explanation': 'Een vertraging van één minuut.'})
    assert complaint.not_handled_ground == 'lid2' and complaint.outcome == 'niet_behandeld'


# -- intake (9:4) ----------------------------------------------------------------------------------

def test_written_complaint_needs_name_and_address(make_complaint):
    with pytest.raises(ValidationError) as info:
        make_complaint(complainant_name='', complainant_address='', complainant_email='')
    assert {'complainant_name', 'complainant_address'} <= set(info.value.message_dict)


def test_complaint_numbers_per_year(make_complaint):
    a = make_complaint()
    b = make_complaint()
    c = make_complaint(received_on=D(2024, 12, 30))
    assert (a.reference, b.reference, c.reference) == ('KL-2025-0001', 'KL-2025-0002', 'KL-2024-0001')


def test_conduct_towards_someone_else_is_outside_the_formal_procedure(make_complaint):
    complaint = make_complaint(concerns_self=False)
    assert not complaint.is_formal and complaint.term_last_day is None


# -- deadline warnings -----------------------------------------------------------------------------

def test_warnings_before_and_after_the_term_are_sent_once(make_complaint, coordinator, handler, monkeypatch):
    from signals_haarlem.complaints import tasks
    complaint = make_complaint()  # term ends 14 April 2025
    services.assign(complaint, handler, coordinator)
    monkeypatch.setattr(services, '_today', lambda now=None: D(2025, 4, 1))
    assert tasks.warn_deadlines() == 0
    monkeypatch.setattr(services, '_today', lambda now=None: D(2025, 4, 8))
    assert tasks.warn_deadlines() == 1
    assert set(mail.outbox[0].to) == {'coordinator@haarlem.nl', 'behandelaar@haarlem.nl'}
    assert 'verloopt op 14-04-2025' in mail.outbox[0].subject
    assert complaint.conduct_description not in mail.outbox[0].body  # no contents in warnings
    assert tasks.warn_deadlines() == 0
    monkeypatch.setattr(services, '_today', lambda now=None: D(2025, 4, 15))
    assert tasks.warn_deadlines() == 1 and 'verlopen' in mail.outbox[1].subject
    assert tasks.warn_deadlines() == 0
    assert list(DeadlineWarning.objects.values_list('kind', flat=True)) == ['bijna', 'verlopen']
    assert complaint.events.filter(kind='warning').count() == 2


def test_a_decided_complaint_gets_no_warning(make_complaint, coordinator, monkeypatch):
    from signals_haarlem.complaints import tasks
    complaint = make_complaint()
    services.transition(complaint, workflow.NOT_A_COMPLAINT, coordinator,
                        data={'classification': 'vraag', 'explanation': 'Een vraag over parkeren.'})
    monkeypatch.setattr(services, '_today', lambda now=None: D(2025, 4, 15))
    assert tasks.warn_deadlines() == 0


def test_beat_schedule_is_collected():
    from django.conf import settings
    assert settings.CELERY_BEAT_SCHEDULE['complaints-warn-deadlines']['task'] == 'signals_haarlem.complaints.tasks.warn_deadlines'


def test_running_terms_soonest_first(make_complaint, coordinator):
    late = make_complaint(received_on=D(2025, 1, 6))
    soon = make_complaint(received_on=D(2025, 3, 3))
    done = make_complaint(received_on=D(2025, 1, 2))
    services.transition(done, workflow.NOT_HANDLED, coordinator, data={'ground': 'a', 'explanation': 'Al behandeld.'})
    rows = list(services.running_terms(today=D(2025, 3, 1)))
    assert [r.pk for r in rows] == [late.pk, soon.pk]
    assert [r.is_late for r in rows] == [True, False]
