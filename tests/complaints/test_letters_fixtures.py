"""Letters (PDF through the default storage, mail), fixtures, measures, ombudsman, the partner query."""
import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from signals_haarlem.complaints import fixtures, services, workflow
from signals_haarlem.complaints.models import (Cause, ImprovementMeasure, Letter, LetterTemplate, MeasureEvent, Norm)
from tests.conftest import admin_path
from tests.factories import DepartmentFactory



def test_letter_is_rendered_stored_and_mailed_after_commit(make_complaint, coordinator, django_capture_on_commit_callbacks):
    complaint = make_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(complaint, workflow.ACKNOWLEDGED, coordinator)
    letter = Letter.objects.get(complaint=complaint)
    assert letter.file.name.endswith('.pdf') and default_storage.exists(letter.file.name)
    with default_storage.open(letter.file.name) as f:
        assert f.read(5) == b'%PDF-'
    assert letter.mailed_at is not None
    message = mail.outbox[-1]
    assert message.to == ['petra@example.com'] and complaint.reference in message.subject
    assert message.attachments[0][2] == 'application/pdf'
    # delivering again does not mail again
    from signals_haarlem.complaints import letters
    assert letters.deliver(Letter.objects.get(pk=letter.pk)) is False
    assert len(mail.outbox) == 1


def test_letter_to_representative(make_complaint, coordinator):
    complaint = make_complaint(representative_name='Mr. K. Advocaat', representative_email='advocaat@example.com',
                               representative_address='Postbus 1, 2000 AA Haarlem')
    services.transition(complaint, workflow.ACKNOWLEDGED, coordinator)
    letter = complaint.letters.get()
    assert (letter.recipient_role, letter.recipient_email) == ('gemachtigde', 'advocaat@example.com')


def test_edited_template_is_used_and_old_letters_keep_their_text(make_complaint, coordinator):
    first = make_complaint()
    services.transition(first, workflow.ACKNOWLEDGED, coordinator)
    LetterTemplate.objects.filter(kind='acknowledgement').update(body='Nieuwe tekst voor {{ klachtnummer }}.')
    second = make_complaint()
    services.transition(second, workflow.ACKNOWLEDGED, coordinator)
    assert second.letters.get().text.startswith(f'Nieuwe tekst voor {second.reference}.')
    assert 'Nieuwe tekst' not in first.letters.get().text


def test_template_text_cannot_inject_markup(make_complaint, coordinator):
    LetterTemplate.objects.filter(kind='acknowledgement').update(body='<script>alert(1)</script> {{ naam_klager }}')
    complaint = make_complaint(complainant_name='<b>Piet</b>')
    services.transition(complaint, workflow.ACKNOWLEDGED, coordinator)
    html = complaint.letters.get().html
    assert '<script>' not in html and '<b>Piet</b>' not in html and '&lt;b&gt;Piet' in html


def test_fixtures_are_idempotent_and_keep_admin_edits(db):
    fixtures.load()
    counts = (Norm.objects.count(), Cause.objects.count(), LetterTemplate.objects.count())
    assert counts == (22, len(fixtures.CAUSES), len(fixtures.TEMPLATES))
    assert sorted(set(Norm.objects.values_list('group', flat=True))) == ['A', 'B', 'C', 'D']
    LetterTemplate.objects.filter(kind='conclusion').update(subject='Eigen onderwerp')
    fixtures.load()
    assert (Norm.objects.count(), Cause.objects.count(), LetterTemplate.objects.count()) == counts
    assert LetterTemplate.objects.get(kind='conclusion').subject == 'Eigen onderwerp'
    from django.contrib.auth.models import Group
    perms = set(Group.objects.get(name='Klachtcoördinator').permissions.values_list('codename', flat=True))
    assert {'coordinate_complaints', 'handle_complaint', 'view_complaint_register'} <= perms
    handler_perms = set(Group.objects.get(name='Klachtbehandelaar').permissions.values_list('codename', flat=True))
    assert 'coordinate_complaints' not in handler_perms


def test_measure_tracked_to_done(make_complaint, handler):
    complaint = make_complaint()
    with pytest.raises(ValidationError) as info:
        services.add_measure(complaint, '', '2020-01-01', user=handler)
    assert {'description', 'due_date', 'owner'} <= set(info.value.message_dict)
    measure = services.add_measure(complaint, 'Werkinstructie terugbellen', datetime.date.today() + datetime.timedelta(1),
                                   owner_name='Teamleider KCC', user=handler)
    assert not measure.is_late
    with pytest.raises(ValidationError):
        services.set_measure_status(measure, ImprovementMeasure.CANCELLED, '', handler)
    services.set_measure_status(measure, ImprovementMeasure.IN_PROGRESS, 'Gestart', handler)
    services.set_measure_status(measure, ImprovementMeasure.DONE, 'Klaar', handler)
    measure.refresh_from_db()
    assert measure.status == 'gereed' and measure.done_on == datetime.date.today()
    assert list(MeasureEvent.objects.filter(measure=measure).values_list('to_status', flat=True)) == \
        ['open', 'in_uitvoering', 'gereed']
    late = services.add_measure(complaint, 'Oude maatregel', datetime.date.today(), owner_name='X', user=handler)
    ImprovementMeasure.objects.filter(pk=late.pk).update(due_date=datetime.date(2020, 1, 1))
    assert [m.late for m in services.open_measures()] == [True]


def test_ombudsman_follow_up_after_handling(make_complaint, coordinator):
    complaint = make_complaint()
    with pytest.raises(ValidationError):
        services.register_ombudsman_case(complaint, '2025-06-01', user=coordinator)
    services.transition(complaint, workflow.NOT_HANDLED, coordinator, data={'ground': 'c', 'explanation': 'Bezwaar.'})
    case = services.register_ombudsman_case(complaint, '2025-06-01', reference='2025.01234', user=coordinator)
    services.update_ombudsman_case(case, 'afgesloten', 'Ombudsman: behoorlijk', '2025-09-01', coordinator)
    assert complaint.events.filter(kind='ombudsman').count() == 2
    with pytest.raises(ValidationError):
        services.update_ombudsman_case(case, 'afgesloten', '', None, coordinator)


def test_complaints_for_a_partner_department(make_complaint, coordinator):
    spl = DepartmentFactory(code='SPL', name='Spaarnelanden', is_intern=False)
    een = DepartmentFactory(code='EEN', name='Team Eenvoudig')
    on_time = make_complaint(department_concerned=spl)
    services.transition(on_time, workflow.NOT_A_COMPLAINT, coordinator,
                        data={'classification': 'melding', 'explanation': 'x'})
    running = make_complaint(department_concerned=spl)
    make_complaint(department_concerned=een)
    make_complaint(department_concerned=spl, received_on=datetime.date(2024, 5, 1))
    rows = list(services.complaints_for_department(spl, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)))
    assert [r.pk for r in rows] == [on_time.pk, running.pk]
    assert rows[0].outcome == 'geen_klacht' and rows[1].is_late is True
    summary = services.department_summary(spl, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert (summary['total'], summary['running'], summary['late']) == (2, 1, 1)


def test_admin_pages_load(admin_client, make_complaint, coordinator):
    complaint = make_complaint()
    services.transition(complaint, workflow.ACKNOWLEDGED, coordinator)
    for path in (admin_path('haarlem_complaints/complaint/'),
                 admin_path(f'haarlem_complaints/complaint/{complaint.pk}/change/'),
                 admin_path('haarlem_complaints/lettertemplate/'), admin_path('haarlem_complaints/norm/'),
                 admin_path(f'haarlem_complaints/lettertemplate/{LetterTemplate.objects.first().pk}/change/')):
        assert admin_client.get(path).status_code == 200, path


def test_contact_details_removed_after_the_retention_period(make_complaint, coordinator, settings):
    from django.utils import timezone
    settings.HAARLEM = {**settings.HAARLEM, 'RETENTION_DAYS': 30}
    complaint = make_complaint()
    services.transition(complaint, workflow.NOT_A_COMPLAINT, coordinator,
                        data={'classification': 'vraag', 'explanation': 'Vraag.'})
    services.transition(complaint, workflow.CLOSED, coordinator)
    kept = make_complaint()
    assert services.remove_expired_contact_details(now=timezone.now() + datetime.timedelta(days=29)) == 0
    assert services.remove_expired_contact_details(now=timezone.now() + datetime.timedelta(days=31)) == 1
    complaint.refresh_from_db()
    assert (complaint.complainant_email, complaint.complainant_address, complaint.complainant_name) == \
        ('', '', 'Petra de Vries')
    assert complaint.letters.get().recipient_email == ''
    kept.refresh_from_db()
    assert kept.complainant_email == 'petra@example.com'
    assert services.remove_expired_contact_details(now=timezone.now() + datetime.timedelta(days=60)) == 0
