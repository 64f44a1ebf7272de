"""Forward, answer, expiry and reminder: the job's life and its record against the norms."""
import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from signals_haarlem import signalen, workdays
from signals_haarlem.partners import links, receivers, services
from signals_haarlem.partners.models import Forward, ForwardAnswer, ForwardEvent, ForwardPhoto

from .conftest import REPORTER_EMAIL, REPORTER_PHONE, png

pytestmark = pytest.mark.django_db


def history_actions(signal):
    return [(line.action, line.description) for line in signalen.history(signal)]


def test_forward_sets_status_records_event_and_mails_a_link(partner, signal, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        forward = services.forward_signal(signal, partner, 'Graag legen vandaag.', user=staff)
    signal.refresh_from_db()
    assert signal.status.state == 'forward to external'
    assert 'Doorgezet naar Spaarnelanden NV' in signal.status.text
    assert forward.signal_status_id == signal.status.pk
    assert forward.response_due == workdays.deadline(forward.forwarded_at, 3)
    assert forward.resolution_due == workdays.deadline(forward.forwarded_at, 10)
    assert forward.link_expires_at == forward.forwarded_at + timedelta(days=14)
    event = forward.events.get()
    assert (event.kind, event.who, event.norm_days, event.workdays_elapsed) == ('forwarded', staff.email, 3, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ['planning@spaarnelanden.example']
    # the mail's link opens this forward (its token is signed with the time, so it is read, not rebuilt)
    base = links.base_url() + reverse('partner_pages:forward', args=['TOKEN']).replace('TOKEN/', '')
    [token] = re.findall(re.escape(base) + r'([^/\s]+)/', message.body)
    assert links.resolve_forward(token) == forward
    assert REPORTER_EMAIL not in message.body and REPORTER_PHONE not in message.body
    # No second forward is made by the receiver for our own status change.
    assert Forward.objects.count() == 1


def test_forward_refused_without_instruction_changes_nothing(partner, signal):
    with pytest.raises(ValidationError) as exc:
        services.forward_signal(signal, partner, '   ')
    assert 'instruction' in exc.value.message_dict
    signal.refresh_from_db()
    assert signal.status.state == 'm'
    assert not Forward.objects.exists()


def test_forward_of_closed_signal_refused(partner, signal):
    signalen.set_status(signal, 'o', 'Opgelost')
    with pytest.raises(ValidationError) as exc:
        services.forward_signal(signal, partner, 'Doe iets')
    assert 'signal' in exc.value.message_dict
    assert not Forward.objects.exists()


def test_new_forward_replaces_open_one_and_kills_its_link(partner, other_partner, signal):
    first = services.forward_signal(signal, partner, 'Eerste')
    token = links.forward_token(first)
    second = services.forward_signal(signal, other_partner, 'Toch SRO')
    first.refresh_from_db()
    assert first.status == Forward.WITHDRAWN and first.nonce == ''
    assert second.status == Forward.OPEN
    with pytest.raises(links.LinkRefused) as exc:
        links.resolve_forward(token)
    assert exc.value.status == 410


def test_answer_moves_signal_to_closure_requested_and_records_timing(partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    later = forward.forwarded_at + timedelta(days=1)
    answer = services.answer_forward(forward, 'Container geleegd.', [png()], resolved=True, answered_by='Piet',
                                     now=later)
    forward.refresh_from_db()
    signal.refresh_from_db()
    assert forward.status == Forward.ANSWERED and forward.nonce == '' and forward.answered_at == later
    assert signal.status.state == 'closure requested'
    assert 'Container geleegd.' in signal.status.text
    assert answer.workdays_taken == workdays.workdays_between(forward.forwarded_at, later)
    assert answer.response_on_time is True and answer.resolution_on_time is True
    photo = ForwardPhoto.objects.get()
    assert photo.mimetype == 'image/png' and photo.file.name.startswith('partners/answers/')
    assert signal.attachments.count() == 1  # the photo is on the signal for the backoffice too
    event = forward.events.get(kind=ForwardEvent.ANSWERED)
    assert event.on_time is True and event.norm_days == 3


def test_late_answer_is_recorded_as_late(partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    late = forward.response_due + timedelta(hours=1)
    answer = services.answer_forward(forward, 'Gedaan', resolved=False, now=late)
    assert answer.response_on_time is False and answer.resolution_on_time is None
    assert forward.events.get(kind='answered').on_time is False


def test_answer_only_once(partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    services.answer_forward(forward, 'Gedaan')
    with pytest.raises(ValidationError):
        services.answer_forward(forward, 'Nog een keer')
    assert ForwardAnswer.objects.count() == 1


def test_answer_with_bad_photo_stores_nothing(partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    fake = png('foto.png', b'MZ\x90\x00 not an image at all')
    with pytest.raises(ValidationError) as exc:
        services.answer_forward(forward, 'Gedaan', [png(), fake])
    assert 'photos' in exc.value.message_dict
    forward.refresh_from_db()
    signal.refresh_from_db()
    assert forward.status == Forward.OPEN
    assert not ForwardAnswer.objects.exists() and not ForwardPhoto.objects.exists()
    assert signal.status.state == 'forward to external'


def test_failure_halfway_leaves_no_records_and_no_files(partner, signal, monkeypatch):
    from django.core.files.storage import default_storage
    forward = services.forward_signal(signal, partner, 'Legen graag')
    saved = []
    original = default_storage.save

    def spy(name, content, *args, **kwargs):
        result = original(name, content, *args, **kwargs)
        saved.append(result)
        return result
    monkeypatch.setattr(default_storage, 'save', spy)

    def boom(*args, **kwargs):
        raise RuntimeError('storage of the signal attachment failed')
    monkeypatch.setattr(signalen, 'add_attachment', boom)
    with pytest.raises(RuntimeError):
        services.answer_forward(forward, 'Gedaan', [png()])
    forward.refresh_from_db()
    signal.refresh_from_db()
    assert forward.status == Forward.OPEN and forward.nonce
    assert not ForwardAnswer.objects.exists() and not ForwardPhoto.objects.exists()
    assert signal.status.state == 'forward to external'
    assert saved and not any(default_storage.exists(name) for name in saved)


def test_too_many_photos_refused(partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    with pytest.raises(ValidationError) as exc:
        services.answer_forward(forward, 'Gedaan', [png() for _ in range(services.MAX_PHOTOS + 1)])
    assert 'photos' in exc.value.message_dict


def test_expiry_closes_forward_kills_link_and_notes_signal(partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    token = links.forward_token(forward)
    assert services.expire_forwards(now=forward.link_expires_at - timedelta(seconds=1)) == 0
    assert services.expire_forwards(now=forward.link_expires_at) == 1
    forward.refresh_from_db()
    assert forward.status == Forward.EXPIRED and forward.nonce == ''
    event = forward.events.get(kind=ForwardEvent.EXPIRED)
    assert event.on_time is False and event.workdays_elapsed == workdays.workdays_between(
        forward.forwarded_at, forward.link_expires_at)
    assert any('niet gereageerd' in (d or '') for _, d in history_actions(signal))
    with pytest.raises(links.LinkRefused) as exc:
        links.resolve_forward(token)
    assert exc.value.status == 410
    assert services.expire_forwards(now=forward.link_expires_at + timedelta(days=1)) == 0  # once


def test_reminder_after_norm_then_every_two_workdays_at_most_three(partner, signal,
                                                                    django_capture_on_commit_callbacks):
    forward = services.forward_signal(signal, partner, 'Legen graag', send=False)
    assert services.remind_open_forwards(now=forward.response_due - timedelta(minutes=1)) == 0
    first = forward.response_due + timedelta(hours=9)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_open_forwards(now=first) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith('Herinnering')
    assert links.forward_url(forward) in mail.outbox[0].body  # the same link still works
    assert services.remind_open_forwards(now=first + timedelta(hours=1)) == 0  # not again the same day
    forward.refresh_from_db()
    event = forward.events.get(kind=ForwardEvent.REMINDED)
    assert event.on_time is False and event.norm_days == 3 and event.workdays_elapsed >= 3
    moment = first
    for _ in range(5):
        moment = moment + timedelta(days=3)
        services.remind_open_forwards(now=min(moment, forward.link_expires_at - timedelta(hours=1)))
    forward.refresh_from_db()
    assert forward.reminders_sent == services.max_reminders()
    assert any('Herinnering 1' in (d or '') for _, d in history_actions(signal))


def test_no_reminder_for_answered_forward(partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag', send=False)
    services.answer_forward(forward, 'Gedaan')
    assert services.remind_open_forwards(now=forward.response_due + timedelta(days=1)) == 0


def test_closing_the_signal_withdraws_the_forward(partner, signal, run_on_commit):
    forward = services.forward_signal(signal, partner, 'Legen graag', send=False)
    run_on_commit(signalen.set_status, signal, 'o', 'Zelf opgelost')
    forward.refresh_from_db()
    assert forward.status == Forward.WITHDRAWN and forward.nonce == ''


def test_backoffice_forward_to_external_becomes_partner_forward(partner, signal, run_on_commit, settings):
    """A status `forward to external` set in the Signalen backoffice (not by this app). On by default on
    the standalone core; inside upstream, upstream mails its own external link unless this is switched on."""
    assert receivers.handle_backoffice_forwards() is not signalen.UPSTREAM
    settings.HAARLEM_PARTNERS = {'HANDLE_BACKOFFICE_FORWARDS': True}
    run_on_commit(signalen.set_status, signal, 'forward to external', 'Graag oppakken', user='kcc@haarlem.nl')
    forward = Forward.objects.get()
    assert forward.partner == partner and forward.via == Forward.VIA_BACKOFFICE
    assert forward.instruction == 'Graag oppakken' and forward.signal_status_id == signal.status.pk
    assert len([m for m in mail.outbox if m.to == ['planning@spaarnelanden.example']]) == 1


def test_redact_removes_reporter_contact_in_any_spelling():
    text = ('Bel mij op 06-12 34 56 78 of +31 6 12345678, mail jan.melder@example.com. '
            'Ook 023-5115115 of iemand@anders.nl')
    result = services.redact(text, 'Jan.Melder@example.com', '0612345678')
    for leak in ('12 34 56 78', '12345678', 'jan.melder', '5115115', 'iemand@anders.nl'):
        assert leak not in result
    assert 'Bel mij op' in result


def test_forward_time_recorded_in_events_uses_working_days(partner, signal):
    # Forwarded on a Friday afternoon: Monday is the first working day.
    friday = timezone.make_aware(datetime(2025, 3, 7, 15, 0))
    forward = services.forward_signal(signal, partner, 'Legen', now=friday, send=False)
    assert forward.response_due == workdays.deadline(friday, 3)
    answer = services.answer_forward(forward, 'Gedaan', now=friday + timedelta(days=3))  # Monday
    assert answer.workdays_taken == 1 and answer.response_on_time
