"""Feedback from the reporter (KTO): the links in the closing mail, the public form the Signalen frontend
fills out once, reopening on an unhappy answer, the history line, the mail to an unhappy reporter, and
what staff see of it (the list's feedback filter, the reporter context)."""
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from signals_haarlem.standalone import feedback as service
from signals_haarlem.standalone.models import Feedback, History, StandardAnswer, StandardAnswerTopic
from tests.api.test_signals_support import LIST, amsterdam, detail_url  # noqa: F401  (fixtures)
from tests.factories import make_signal

pytestmark = pytest.mark.django_db

FORMS = '/signals/v1/public/feedback/forms/'
ANSWERS = '/signals/v1/public/feedback/standard_answers/'


@pytest.fixture
def answers(db):
    call_command('load_haarlem_fixtures', verbosity=0)
    return {a.text: a for a in StandardAnswer.objects.all()}


def closed(admin_client_api, capture, signal, send_email=True):
    """Close the signal through the API, as staff do; returns the feedback request the mail made."""
    with capture(execute=True):
        response = admin_client_api.patch(detail_url(signal), {'status': {
            'state': 'o', 'text': 'Het afval is opgehaald.', 'send_email': send_email}}, format='json')
    assert response.status_code == 200
    return Feedback.objects.filter(_signal=signal).order_by('-created_at').first()


@pytest.fixture
def asked(admin_client_api, amsterdam, django_capture_on_commit_callbacks, answers):
    signal = make_signal(amsterdam.asbest, reporter={'email': 'bewoner@example.com'})
    return signal, closed(admin_client_api, django_capture_on_commit_callbacks, signal)


def test_closing_mail_carries_the_two_links_and_the_form_opens(api_client, asked, mailoutbox, settings):
    signal, request = asked
    body = mailoutbox[-1].body
    links = re.findall(r'https?://\S+/kto/(ja|nee)/(\S+)', body)
    assert [kind for kind, _ in links] == ['ja', 'nee'] and {token for _, token in links} == {request.token}
    assert 'Ja, ik ben tevreden' in body
    # the frontend's first call: the form is open and names the signal
    assert api_client.get(f'{FORMS}{request.token}').json() == {'signal_id': str(signal.signal_id)}
    assert api_client.get(f'{FORMS}{request.token}/').status_code == 200


def test_no_request_without_a_mail(admin_client_api, amsterdam, django_capture_on_commit_callbacks, mailoutbox):
    signal = make_signal(amsterdam.asbest, reporter={'email': 'bewoner@example.com'})
    assert closed(admin_client_api, django_capture_on_commit_callbacks, signal, send_email=False) is None
    quiet = make_signal(amsterdam.asbest, reporter={'email': 'stil@example.com', 'allows_contact': False})
    assert closed(admin_client_api, django_capture_on_commit_callbacks, quiet) is None  # no mail, no link
    assert mailoutbox == []


def test_the_preview_makes_no_request(admin_client_api, amsterdam):
    signal = make_signal(amsterdam.asbest, reporter={'email': 'bewoner@example.com'})
    response = admin_client_api.post(f'{LIST}{signal.pk}/email/preview', {'status': 'o', 'text': 'Klaar'},
                                     format='json')
    assert response.status_code == 200 and '/kto/ja/voorbeeld' in response.json()['html']
    assert not Feedback.objects.exists()


def test_standard_answers_in_order_with_their_topic(api_client, answers):
    StandardAnswer.objects.filter(text='Ik werd niet goed op de hoogte gehouden.').update(is_visible=False)
    topic = StandardAnswerTopic.objects.create(name='snelheid', description='Over de snelheid', order=1)
    StandardAnswer.objects.filter(text='Mijn melding is snel opgepakt.').update(topic=topic)
    body = api_client.get(ANSWERS).json()
    texts = [r['text'] for r in body['results']]
    assert body['count'] == len(answers) - 1 and 'Ik werd niet goed op de hoogte gehouden.' not in texts
    # without a topic first, then by order (the fixtures' satisfied and unhappy answers interleave)
    assert texts[:2] == ['Het probleem is niet opgelost.', 'De afhandeling past niet bij wat ik heb gemeld.']
    assert body['results'][-1] == {'is_satisfied': True, 'text': 'Mijn melding is snel opgepakt.',
                                   'topic': 'Over de snelheid', 'open_answer': False}


def test_a_happy_answer_is_recorded_once(api_client, asked, mailoutbox):
    signal, request = asked
    sent = len(mailoutbox)
    response = api_client.put(f'{FORMS}{request.token}', {
        'is_satisfied': True, 'allows_contact': False, 'text': 'Het probleem is goed opgelost.',
        'text_list': ['Mijn melding is snel opgepakt.', 'Het probleem is goed opgelost.'],
        'text_extra': 'Dank!', 'text_area': 'wat de frontend ook meestuurt'}, format='json')
    assert response.status_code == 200 and response.json() == {'signal_id': str(signal.signal_id)}
    request.refresh_from_db()
    assert request.is_satisfied is True and request.submitted_at is not None and request.text is None
    assert request.text_list == ['Mijn melding is snel opgepakt.', 'Het probleem is goed opgelost.']
    line = History.objects.get(_signal=signal, what='RECEIVE_FEEDBACK')
    assert line.description.startswith('Ja, de melder is tevreden\nWaarom: Mijn melding is snel opgepakt.')
    assert 'Toelichting: Dank!' in line.description
    signal.refresh_from_db()
    assert signal.status.state == 'o' and len(mailoutbox) == sent  # nothing reopened, nobody mailed
    # the second time: 410 "filled out", as the frontend expects, and nothing changes
    again = api_client.put(f'{FORMS}{request.token}', {'is_satisfied': False, 'text': 'toch niet'}, format='json')
    assert again.status_code == 410 and again.json() == {'detail': 'filled out'}
    assert api_client.get(f'{FORMS}{request.token}').json() == {'detail': 'filled out'}
    assert History.objects.filter(_signal=signal, what='RECEIVE_FEEDBACK').count() == 1


@pytest.mark.parametrize('reason,reopens', [
    ('Het probleem is niet opgelost.', True),  # a standard answer marked so
    ('Het duurde te lang voordat mijn melding werd opgepakt.', False),  # one that is not
    ('De container staat er nog steeds, vol.', True),  # the reporter's own words
])
def test_an_unhappy_answer_may_ask_to_reopen(api_client, asked, reason, reopens, mailoutbox,
                                            django_capture_on_commit_callbacks):
    signal, request = asked
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.put(f'{FORMS}{request.token}', {'is_satisfied': False, 'text_list': [reason]},
                                  format='json')
    assert response.status_code == 200
    signal.refresh_from_db()
    assert signal.status.state == ('reopen requested' if reopens else 'o')
    assert signal.current_state == signal.status.state
    # the unhappy reporter (who allows contact) hears that the reaction arrived
    assert len(mailoutbox) == sent + 1 and 'reactie ontvangen' in mailoutbox[-1].subject
    assert reason in mailoutbox[-1].body


def test_staff_reopened_it_already_then_no_request(api_client, asked):
    from signals_haarlem import signalen
    signal, request = asked
    signalen.set_status(signal, 'reopened', 'Melder belde: nog niet opgelost')
    api_client.put(f'{FORMS}{request.token}', {'is_satisfied': False, 'text': 'Het probleem is niet opgelost.'},
                   format='json')
    signal.refresh_from_db()
    assert signal.status.state == 'reopened'


def test_bad_answers_are_400_and_change_nothing(api_client, asked):
    signal, request = asked
    for body in ({'text': 'geen oordeel'}, {'is_satisfied': True}, {'is_satisfied': True, 'text': '  '},
                 {'is_satisfied': 'misschien', 'text': 'x'}, {'is_satisfied': True, 'text_list': 'geen lijst'},
                 {'is_satisfied': True, 'text': 'x' * 1001}, {'is_satisfied': True, 'text_list': ['x'] * 21}):
        response = api_client.put(f'{FORMS}{request.token}', body, format='json')
        assert response.status_code == 400 and response.json(), body
    request.refresh_from_db()
    assert request.submitted_at is None and not History.objects.filter(what='RECEIVE_FEEDBACK').exists()


def test_unknown_and_expired_forms(api_client, asked, settings):
    _, request = asked
    assert api_client.get(f'{FORMS}geen-bestaand-token').status_code == 404
    assert api_client.put(f'{FORMS}geen-bestaand-token', {'is_satisfied': True, 'text': 'x'},
                          format='json').status_code == 404
    Feedback.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(days=15))
    assert api_client.get(f'{FORMS}{request.token}').json() == {'detail': 'too late'}
    late = api_client.put(f'{FORMS}{request.token}', {'is_satisfied': True, 'text': 'x'}, format='json')
    assert late.status_code == 410 and late.json() == {'detail': 'too late'}
    settings.FEEDBACK_EXPECTED_WITHIN_N_DAYS = 30
    assert api_client.get(f'{FORMS}{request.token}').status_code == 200


def test_staff_filter_and_context_by_the_latest_feedback(admin_client_api, amsterdam, answers,
                                                         django_capture_on_commit_callbacks):
    reporter = {'email': 'vaste.melder@example.com'}
    happy, unhappy, silent, never = (make_signal(amsterdam.asbest, reporter=reporter) for _ in range(4))
    for signal in (happy, unhappy, silent):
        closed(admin_client_api, django_capture_on_commit_callbacks, signal)
    service.submit(Feedback.objects.get(_signal=happy).token, True, ['Het probleem is goed opgelost.'])
    service.submit(Feedback.objects.get(_signal=unhappy).token, False, ['Ik werd niet goed op de hoogte gehouden.'])

    def ids(kind):
        return {r['id'] for r in admin_client_api.get(LIST, {'feedback': kind}).json()['results']}
    assert (ids('satisfied'), ids('not_satisfied'), ids('not_received')) == ({happy.pk}, {unhappy.pk}, {silent.pk})
    assert admin_client_api.get(LIST, {'feedback': 'tevreden'}).status_code == 400

    # a newer request (closed again) is what counts: the happy one is now waiting for an answer
    service.request(happy)
    assert ids('satisfied') == set() and ids('not_received') == {silent.pk, happy.pk}

    context = admin_client_api.get(f'{LIST}{never.pk}/context').json()['reporter']
    assert (context['positive_count'], context['negative_count']) == (0, 1)
    rows = admin_client_api.get(f'{LIST}{never.pk}/context/reporter').json()['results']
    by_id = {r['id']: r['feedback'] for r in rows}
    assert by_id[unhappy.pk]['is_satisfied'] is False and by_id[never.pk] is None and by_id[happy.pk] is None
