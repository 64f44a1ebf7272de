"""Mail to the reporter: the confirmation on creation, the status mail with send_email, templates an
admin edits, and a failing mail that breaks nothing."""
import pytest

from signals_haarlem.standalone import mail
from signals_haarlem.standalone.models import MailTemplate, Note, Signal
from tests.api.test_signals_support import (  # noqa: F401  (fixtures)
    LIST, amsterdam, create_public, detail_url, private_body, public_body,
)
from tests.factories import make_signal

pytestmark = pytest.mark.django_db

CREATED = 'Automatische e-mail bij registratie van de melding is verzonden aan de melder.'


def test_confirmation_with_handling_message(api_client, amsterdam, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signal = create_public(api_client, public_body(reporter={'email': 'bewoner@example.com'},
                                                       text='Kapotte accu & olie'))
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ['bewoner@example.com']
    assert signal.id_display in message.subject
    assert 'We laten u binnen 3 werkdagen weten' in message.body
    assert 'Kapotte accu & olie' in message.body  # plain text: not HTML-escaped
    html = message.alternatives[0][0]
    assert 'Kapotte accu &amp; olie' in html and message.alternatives[0][1] == 'text/html'
    assert list(Note.objects.filter(_signal=signal).values_list('text', 'created_by')) == [(CREATED, None)]


def test_no_confirmation_without_email(api_client, amsterdam, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signal = create_public(api_client)
    assert mailoutbox == []
    assert not Note.objects.filter(_signal=signal).exists()


def test_hook_delivered_twice_sends_once(amsterdam, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signal = make_signal(amsterdam.asbest, reporter={'email': 'a@example.com'})
    assert mail.send_created_mail(signal.pk) is False
    assert len(mailoutbox) == 1


def test_status_mail_only_with_send_email(admin_client_api, amsterdam, mailoutbox, django_capture_on_commit_callbacks):
    signal = make_signal(amsterdam.asbest, reporter={'email': 'bewoner@example.com'})
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_api.patch(detail_url(signal), {'status': {'state': 'b', 'text': 'Stil', 'send_email': False}},
                               format='json')
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.patch(detail_url(signal), {'status': {
            'state': 'o', 'text': 'Het afval is opgehaald.', 'send_email': True}}, format='json')
    assert response.status_code == 200
    assert len(mailoutbox) == 1
    assert 'afgehandeld' in mailoutbox[0].subject and 'Het afval is opgehaald.' in mailoutbox[0].body
    assert Note.objects.filter(_signal=signal, text__startswith='Automatische e-mail bij status "Afgehandeld"').exists()


def test_status_mail_to_email_override(admin_client_api, amsterdam, mailoutbox, django_capture_on_commit_callbacks):
    signal = make_signal(amsterdam.asbest, reporter={})
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_api.patch(detail_url(signal), {'status': {
            'state': 'b', 'text': 'Zie hieronder', 'send_email': True, 'email_override': 'ander@example.com'}},
            format='json')
    assert [m.to for m in mailoutbox] == [['ander@example.com']]


def test_no_status_mail_when_reporter_declined_contact(amsterdam, mailoutbox, django_capture_on_commit_callbacks):
    signal = make_signal(amsterdam.asbest, reporter={'email': 'a@example.com', 'allows_contact': False})
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Signal.actions.update_status({'state': 'b', 'text': 'x', 'send_email': True}, signal)
    assert mailoutbox == []


def test_admin_edited_templates_are_used(amsterdam, mailoutbox, django_capture_on_commit_callbacks):
    MailTemplate.objects.create(key='signal_created', subject='Ontvangen: {{ signal_id }}',
                                body='Dank! {{ category }}: {{ handling_message }}')
    MailTemplate.objects.create(key='status_changed', subject='Nieuws over {{ signal_id }}',
                                body='Status {{ status_display }}. {{ status_text }}')
    with django_capture_on_commit_callbacks(execute=True):
        signal = make_signal(amsterdam.asbest, reporter={'email': 'a@example.com'})
    with django_capture_on_commit_callbacks(execute=True):
        Signal.actions.update_status({'state': 'b', 'text': 'We zijn bezig.', 'send_email': True}, signal)
    created, status = mailoutbox
    assert created.subject == f'Ontvangen: {signal.id_display}'
    assert created.body.startswith('Dank! Asbest / accu: We laten u binnen 3 werkdagen')
    assert (status.subject, status.body.strip()) == (f'Nieuws over {signal.id_display}',
                                                     'Status In behandeling. We zijn bezig.')


def test_state_specific_template_wins(amsterdam):
    MailTemplate.objects.create(key='status_changed:b', subject='In behandeling', body='Specifiek')
    MailTemplate.objects.create(key='status_changed', subject='Algemeen', body='Algemeen')
    signal = make_signal(amsterdam.asbest)
    assert mail.preview(signal, 'b', 'x')[0] == 'In behandeling'
    assert mail.preview(signal, 'i', 'x')[0] == 'Algemeen'


def test_a_failing_mail_is_logged_and_breaks_nothing(api_client, amsterdam, mailoutbox, monkeypatch, caplog,
                                                     django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError('SMTP weg')

    monkeypatch.setattr(mail, '_send', broken)
    with django_capture_on_commit_callbacks(execute=True):
        signal = create_public(api_client, public_body(reporter={'email': 'a@example.com'}))
    assert Signal.objects.filter(pk=signal.pk).exists()
    assert not Note.objects.filter(_signal=signal).exists()  # no "mail sent" note when nothing was sent
    assert 'Confirmation mail for signal' in caplog.text


def test_private_create_answer_contains_the_mail_note(admin_client_api, amsterdam, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    # In production the hooks run when the request's transaction commits, before the answer is built
    # (see the contract test for example 10); inside a test transaction they run afterwards.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.post(LIST, private_body(), format='json')
    assert response.status_code == 201
    assert [n['text'] for n in admin_client_api.get(detail_url(response.json()['id'])).json()['notes']] == [CREATED]


def test_admin_edits_mail_templates(client, admin_user):
    client.force_login(admin_user)
    response = client.post('/admin/signals/mailtemplate/add/', {
        'key': 'status_changed:o', 'subject': 'Klaar: {{ signal_id }}', 'body': 'Afgehandeld.', 'is_active': 'on'})
    assert response.status_code == 302, response.content[:500]
    assert MailTemplate.objects.get(key='status_changed:o').subject == 'Klaar: {{ signal_id }}'
    assert client.get('/admin/signals/mailtemplate/').status_code == 200
