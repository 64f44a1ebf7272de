"""Every transition of the complaint workflow, allowed and refused, and the legal guards on them."""
import pytest
from django.core.exceptions import ValidationError

from signals_haarlem.complaints import services, workflow
from signals_haarlem.complaints.models import ComplaintEvent, Letter

from .conftest import move

W = workflow
PATHS = {
    W.RECEIVED: [],
    W.ACKNOWLEDGED: [W.ACKNOWLEDGED],
    W.INFORMAL: [W.ACKNOWLEDGED, W.INFORMAL],
    W.RESOLVED: [W.ACKNOWLEDGED, W.RESOLVED],
    W.NOT_HANDLED: [W.NOT_HANDLED],
    W.NOT_A_COMPLAINT: [W.NOT_A_COMPLAINT],
    W.IN_TREATMENT: [W.ACKNOWLEDGED, W.IN_TREATMENT],
    W.HEARING_INVITED: [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_INVITED],
    W.HEARING_HELD: [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_INVITED, W.HEARING_HELD],
    W.HEARING_WAIVED: [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_WAIVED],
    W.CONCLUDED: [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_WAIVED, W.CONCLUDED],
    W.CLOSED: [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_WAIVED, W.CONCLUDED, W.CLOSED],
}
# Moves the table allows but the law refuses for a written (formal) complaint, and why.
FORMAL_REFUSED = {
    (W.RECEIVED, W.INFORMAL): 'to', (W.RECEIVED, W.IN_TREATMENT): 'to', (W.RECEIVED, W.RESOLVED): 'to',
    (W.IN_TREATMENT, W.CONCLUDED): 'to',
}
ALL_PAIRS = [(a, b) for a in W.STATES for b in W.STATES]


def test_every_state_has_a_path():
    assert set(PATHS) == set(W.STATES)


@pytest.fixture
def formal(make_complaint, coordinator, handler, employee):
    complaint = make_complaint(employee=employee)
    services.assign(complaint, handler, coordinator)
    services.record_copy_sent(complaint, coordinator, sent_on='2025-03-04', how='e-mail')
    services.set_learning(complaint, cause='bejegening', user=handler)
    return complaint


@pytest.mark.parametrize('frm,to', ALL_PAIRS, ids=[f'{a}->{b}' for a, b in ALL_PAIRS])
def test_transition(formal, handler, frm, to):
    move(formal, PATHS[frm], handler)
    assert formal.state == frm
    events = ComplaintEvent.objects.filter(complaint=formal, kind='transition').count()
    from .conftest import DEFAULT_DATA
    data = DEFAULT_DATA.get(to)
    if to in W.TRANSITIONS[frm] and (frm, to) not in FORMAL_REFUSED:
        services.transition(formal, to, handler, reason='test', data=data)
        formal.refresh_from_db()
        assert formal.state == to
        event = ComplaintEvent.objects.filter(complaint=formal, kind='transition').last()
        assert (event.from_state, event.to_state, event.created_by, event.reason) == (frm, to, handler, 'test')
    else:
        with pytest.raises(ValidationError) as info:
            services.transition(formal, to, handler, data=data)
        assert 'to' in info.value.message_dict
        formal.refresh_from_db()
        assert formal.state == frm
        assert ComplaintEvent.objects.filter(complaint=formal, kind='transition').count() == events


def test_refused_move_names_the_states(formal, handler):
    with pytest.raises(ValidationError) as info:
        services.transition(formal, W.CONCLUDED, handler, data={'findings': 'x', 'judgement': 'gegrond'})
    assert 'Van "Ontvangen" naar "Afgehandeld" is niet toegestaan' in info.value.message_dict['to'][0]


def test_unknown_state_refused(formal, handler):
    with pytest.raises(ValidationError):
        services.transition(formal, 'weg', handler)


@pytest.mark.parametrize('to', [W.INFORMAL, W.IN_TREATMENT, W.RESOLVED])
def test_written_complaint_needs_acknowledgement_first(formal, handler, to):
    from .conftest import DEFAULT_DATA
    with pytest.raises(ValidationError) as info:
        services.transition(formal, to, handler, data=DEFAULT_DATA.get(to))
    assert 'Awb 9:6' in info.value.message_dict['to'][0]


def test_acknowledgement_writes_the_letter(formal, handler):
    services.transition(formal, W.ACKNOWLEDGED, handler)
    letter = Letter.objects.get(complaint=formal, kind='acknowledgement')
    assert letter.recipient_email == 'petra@example.com'
    assert formal.reference in letter.html and 'Petra de Vries' in letter.html
    # the 9:11 term (6 weeks from 3 March 2025) is in the letter
    assert '14 april 2025' in letter.text


def test_formal_complaint_is_heard_before_conclusion(formal, handler):
    move(formal, [W.ACKNOWLEDGED, W.IN_TREATMENT], handler)
    with pytest.raises(ValidationError) as info:
        services.transition(formal, W.CONCLUDED, handler, data={'findings': 'x', 'judgement': 'ongegrond'})
    assert 'Awb 9:10' in info.value.message_dict['to'][0]


def test_hearing_waiver_needs_a_legal_ground(formal, handler):
    move(formal, [W.ACKNOWLEDGED, W.IN_TREATMENT], handler)
    with pytest.raises(ValidationError) as info:
        services.transition(formal, W.HEARING_WAIVED, handler, data={'ground': 'x', 'explanation': 'geen zin'})
    assert 'ground' in info.value.message_dict


@pytest.mark.parametrize('planned_at', ['9999-12-31T10:00', '0001-01-01T10:00'])
def test_hearing_date_must_be_a_real_one(formal, handler, planned_at):
    move(formal, [W.ACKNOWLEDGED, W.IN_TREATMENT], handler)
    with pytest.raises(ValidationError) as info:
        services.transition(formal, W.HEARING_INVITED, handler, data={'planned_at': planned_at, 'location': 'Stadhuis'})
    assert info.value.message_dict['planned_at'] == ['Geef een datum tussen 1900 en 2199.']


def test_hearing_held_needs_a_report(formal, handler):
    move(formal, [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_INVITED], handler)
    with pytest.raises(ValidationError) as info:
        services.transition(formal, W.HEARING_HELD, handler, data={'held_on': '2025-03-20'})
    assert 'report' in info.value.message_dict


def test_hearing_invitation_goes_to_both_parties(formal, handler, employee):
    move(formal, [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_INVITED], handler)
    invitations = Letter.objects.filter(complaint=formal, kind='hearing_invitation')
    assert {(l.recipient_role, l.recipient_email) for l in invitations} == {
        ('klager', 'petra@example.com'), ('beklaagde', 'jan.jansen@haarlem.nl')}


def test_conclusion_requires_copy_to_person_complained_about(make_complaint, coordinator, handler, employee):
    complaint = make_complaint(employee=employee)
    services.assign(complaint, handler, coordinator)
    move(complaint, [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_WAIVED], handler)
    with pytest.raises(ValidationError) as info:
        services.transition(complaint, W.CONCLUDED, handler, data={'findings': 'x', 'judgement': 'ongegrond'})
    assert 'Awb 9:9' in info.value.message_dict['copy_sent_on'][0]
    services.record_copy_sent(complaint, handler, sent_on='2025-03-04')
    copy = Letter.objects.get(complaint=complaint, kind='copy')
    assert copy.recipient_role == 'beklaagde' and complaint.conduct_description in copy.text
    services.transition(complaint, W.CONCLUDED, handler, data={'findings': 'x', 'judgement': 'ongegrond'})
    assert complaint.state == W.CONCLUDED


def test_conclusion_upheld_needs_norms_and_cause(formal, handler):
    move(formal, [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_WAIVED], handler)
    services.set_learning(formal, cause='', user=handler)
    with pytest.raises(ValidationError) as info:
        services.transition(formal, W.CONCLUDED, handler, data={'findings': 'x', 'judgement': 'gegrond'})
    assert {'norms', 'cause'} <= set(info.value.message_dict)


def test_conclusion_letter_with_judgement_measures_and_ombudsman(formal, handler):
    move(formal, [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_WAIVED], handler)
    services.transition(formal, W.CONCLUDED, handler, data={
        'findings': 'De medewerker luisterde niet.', 'judgement': 'deels_gegrond', 'norms': [3], 'cause': 'bejegening',
        'conclusions': 'Wij bieden excuses aan.',
        'measures': [{'description': 'Training gesprekstechniek baliemedewerkers', 'due_date': '2031-06-01',
                      'owner_name': 'Teamleider Publiekszaken'}]})
    formal.refresh_from_db()
    assert (formal.outcome, formal.judgement) == ('deels_gegrond', 'deels_gegrond')
    assert formal.decided_on is not None
    assert [n.number for n in formal.norms.all()] == [3]
    letter = Letter.objects.get(complaint=formal, kind='conclusion')
    assert 'deels gegrond' in letter.text and 'Training gesprekstechniek' in letter.text
    assert 'Nationale ombudsman' in letter.text and 'één jaar' in letter.text
    assert formal.measures.get().owner_name == 'Teamleider Publiekszaken'


def test_ombudsman_referral_cannot_be_removed_by_editing_the_template(formal, handler):
    from signals_haarlem.complaints.models import LetterTemplate
    LetterTemplate.objects.filter(kind='conclusion').update(body='{{ aanhef }}, uw klacht is {{ oordeel }}.')
    move(formal, [W.ACKNOWLEDGED, W.IN_TREATMENT, W.HEARING_WAIVED, W.CONCLUDED], handler)
    letter = Letter.objects.get(complaint=formal, kind='conclusion')
    assert 'uw klacht is gegrond' in letter.text and 'Nationale ombudsman' in letter.html


def test_resolved_records_evidence_of_satisfaction(formal, handler):
    services.transition(formal, W.ACKNOWLEDGED, handler)
    with pytest.raises(ValidationError) as info:
        services.transition(formal, W.RESOLVED, handler, data={'confirmed_by': 'Petra de Vries'})
    assert {'confirmed_on', 'how'} <= set(info.value.message_dict)
    with pytest.raises(ValidationError) as info:
        services.transition(formal, W.RESOLVED, handler,
                            data={'confirmed_by': 'Petra', 'confirmed_on': '2999-01-01', 'how': 'telefoon'})
    assert 'confirmed_on' in info.value.message_dict
    services.transition(formal, W.RESOLVED, handler,
                        data={'confirmed_by': 'Petra de Vries', 'confirmed_on': '2025-03-06', 'how': 'email'})
    formal.refresh_from_db()
    assert (formal.resolved_confirmed_by, str(formal.resolved_confirmed_on), formal.resolved_how, formal.outcome) == \
        ('Petra de Vries', '2025-03-06', 'email', 'opgelost')


def test_closing_requires_a_cause(make_complaint, coordinator, handler):
    complaint = make_complaint()
    services.assign(complaint, handler, coordinator)
    move(complaint, [W.ACKNOWLEDGED, W.RESOLVED], handler)
    with pytest.raises(ValidationError) as info:
        services.transition(complaint, W.CLOSED, handler)
    assert 'cause' in info.value.message_dict
    services.set_learning(complaint, cause='communicatie', user=handler)
    services.transition(complaint, W.CLOSED, handler)
    assert complaint.state == W.CLOSED


# -- oral and anonymous complaints: registered, outside the formal regime --------------------------

@pytest.fixture
def oral(make_complaint, coordinator, handler):
    complaint = make_complaint(channel='telefoon', form='mondeling', complainant_address='', complainant_postcode='',
                               complainant_city='')
    services.assign(complaint, handler, coordinator)
    return complaint


def test_oral_complaint_is_informal_and_has_no_term(oral):
    assert not oral.is_formal and oral.term_last_day is None


@pytest.mark.parametrize('to', [W.ACKNOWLEDGED, W.NOT_HANDLED])
def test_oral_complaint_refuses_formal_steps(oral, handler, to):
    from .conftest import DEFAULT_DATA
    with pytest.raises(ValidationError) as info:
        services.transition(oral, to, handler, data=DEFAULT_DATA.get(to))
    assert 'to' in info.value.message_dict


def test_oral_complaint_can_be_resolved_or_concluded_directly(oral, handler):
    move(oral, [W.IN_TREATMENT, W.CONCLUDED], handler)
    assert oral.state == W.CONCLUDED and oral.outcome == 'gegrond'
    # no letters for an oral complaint without a letter address... but the e-mail is known
    assert oral.is_on_time is None


def test_anonymous_complaint_registered_without_letters(make_complaint, coordinator, handler):
    complaint = make_complaint(is_anonymous=True, complainant_name='', complainant_address='', complainant_postcode='',
                               complainant_city='', complainant_email='')
    assert not complaint.is_formal
    services.assign(complaint, handler, coordinator)
    move(complaint, [W.INFORMAL, W.RESOLVED], handler,
         **{W.RESOLVED: {'confirmed_by': 'Anonieme klager via telefoon', 'confirmed_on': '2025-03-04', 'how': 'telefoon',
                         'send_letter': True}})
    assert complaint.state == W.RESOLVED
    assert not Letter.objects.filter(complaint=complaint).exists()


def test_anonymous_complaint_cannot_hold_personal_data(make_complaint):
    with pytest.raises(ValidationError) as info:
        make_complaint(is_anonymous=True)
    assert 'is_anonymous' in info.value.message_dict


# -- classification (not a complaint; 2:3 forwarding) ----------------------------------------------

def test_forwarding_to_another_body_needs_the_body_and_tells_the_sender(make_complaint, coordinator):
    complaint = make_complaint()
    with pytest.raises(ValidationError) as info:
        services.transition(complaint, W.NOT_A_COMPLAINT, coordinator,
                            data={'classification': 'ander_orgaan', 'explanation': 'Gaat over de provincie.'})
    assert 'forward_to' in info.value.message_dict
    services.transition(complaint, W.NOT_A_COMPLAINT, coordinator,
                        data={'classification': 'ander_orgaan', 'forward_to': 'Provincie Noord-Holland',
                              'explanation': 'Het gaat om een provinciale weg.'})
    complaint.refresh_from_db()
    assert (complaint.classification, complaint.outcome, complaint.is_formal) == ('ander_orgaan', 'geen_klacht', False)
    letter = Letter.objects.get(complaint=complaint, kind='forwarded')
    assert 'Provincie Noord-Holland' in letter.text and '2:3' in letter.text


def test_not_a_complaint_needs_another_classification(make_complaint, coordinator):
    complaint = make_complaint()
    with pytest.raises(ValidationError) as info:
        services.transition(complaint, W.NOT_A_COMPLAINT, coordinator,
                            data={'classification': 'gedragsklacht', 'explanation': 'x'})
    assert 'classification' in info.value.message_dict


def test_events_are_append_only(formal, handler):
    services.transition(formal, W.ACKNOWLEDGED, handler)
    event = ComplaintEvent.objects.filter(complaint=formal).last()
    event.reason = 'anders'
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    letter = Letter.objects.filter(complaint=formal).first()
    with pytest.raises(ValidationError):
        letter.delete()
