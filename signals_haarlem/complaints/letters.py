"""Letters: rendered from the admin's templates, stored as HTML at once, then (after commit) rendered
to PDF with weasyprint, stored through the default storage and mailed where an address is known.

The HTML is the letter as sent; the PDF is made from it (again, if it was ever lost), so a later
change of a template never changes a letter that went out.
"""
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from . import workflow
from .models import Letter, LetterTemplate

logger = logging.getLogger(__name__)

DEFAULT_REFERRAL = (
    'Bent u het niet eens met de manier waarop wij uw klacht hebben behandeld? Dan kunt u zich binnen één jaar '
    'na de datum van deze brief wenden tot de Nationale ombudsman. Dat kan via www.nationaleombudsman.nl of '
    'telefonisch via 0800 - 33 55 555 (gratis). Stuur een kopie van deze brief mee.'
)

# A plain engine: admin template text gets only the filters and tags of Django's builtins, no loaders.
_engine = Engine(autoescape=False)


def _config(key, default):
    return getattr(settings, 'HAARLEM', {}).get(key, default)


def referral_text():
    """The ombudsman referral of Awb 9:12 lid 2 (which ombudsman, within what period)."""
    return _config('COMPLAINTS_OMBUDSMAN_REFERRAL', DEFAULT_REFERRAL)


def nl_date(value):
    if not value:
        return ''
    with translation.override('nl'):
        return formats.date_format(value, 'j F Y')


def nl_datetime(value):
    if not value:
        return ''
    with translation.override('nl'):
        return formats.date_format(timezone.localtime(value), 'j F Y \\o\\m H:i \\u\\u\\r')


def _name(user):
    if user is None:
        return ''
    return user.get_full_name() or user.email or user.get_username()


def recipients(complaint, role):
    """(role, name, address, email) of the letter's addressee, or None if there is nobody to write to."""
    if role == Letter.PERSON:
        if complaint.about_governing_body:
            return (Letter.PERSON, complaint.get_about_governing_body_display(), 'Postbus 511, 2003 PB Haarlem', '')
        if complaint.employee_id:
            return (Letter.PERSON, _name(complaint.employee), '', complaint.employee.email or '')
        if complaint.employee_name:
            return (Letter.PERSON, complaint.employee_name, '', '')
        return None
    if complaint.is_anonymous:
        return None
    if complaint.representative_name:
        return (Letter.REPRESENTATIVE, complaint.representative_name, complaint.representative_address,
                complaint.representative_email)
    address = ', '.join(p for p in (complaint.complainant_address,
                                     ' '.join(p for p in (complaint.complainant_postcode, complaint.complainant_city) if p))
                        if p)
    name = complaint.complainant_name
    if complaint.complainant_organisation:
        name = f'{complaint.complainant_organisation}' + (f', t.a.v. {name}' if name else '')
    if not (name or address or complaint.complainant_email):
        return None
    return (Letter.COMPLAINANT, name, address, complaint.complainant_email)


def context_for(complaint, extra=None):
    """The fields a letter template may use (plain text; see LetterTemplate's docs)."""
    measures = [m.description for m in complaint.measures.all()] if complaint.pk else []
    ctx = {
        'klachtnummer': complaint.reference,
        'datum_ontvangst': nl_date(complaint.received_on),
        'datum_brief': nl_date(timezone.localdate()),
        'naam_klager': complaint.complainant_name or complaint.complainant_organisation,
        'onderwerp': complaint.subject,
        'gedraging': complaint.conduct_description,
        'datum_gedraging': nl_date(complaint.conduct_date),
        'afdeling': complaint.department_concerned.name if complaint.department_concerned_id else '',
        'beklaagde': complaint.person_complained_about,
        'behandelaar': _name(complaint.handler),
        'termijn': nl_date(complaint.term_last_day),
        'termijn_weken': 10 if complaint.advice_committee else 6,
        'verdaging_weken': complaint.extension_weeks,
        'hoorzitting': nl_datetime(complaint.hearing_planned_at),
        'hoorzitting_plaats': complaint.hearing_location,
        'grond': dict(workflow.NOT_HANDLED_GROUNDS).get(complaint.not_handled_ground, ''),
        'toelichting': complaint.outcome_explanation,
        'bevindingen': complaint.findings,
        'oordeel': complaint.get_judgement_display().lower() if complaint.judgement else '',
        'conclusies': complaint.conclusions,
        'maatregelen': measures,
        'doorgezonden_aan': complaint.forward_to,
        'classificatie': complaint.get_classification_display(),
        'ombudsman': referral_text(),
    }
    ctx.update(extra or {})
    return ctx


def _render_body(template_text, ctx):
    return _engine.from_string(template_text).render(Context(ctx, autoescape=False)).strip()


def build(complaint, kind, role=Letter.COMPLAINANT, extra=None, user=None, at=None):
    """A new, unsaved Letter of `kind` to `role` (None if there is nobody to write to)."""
    addressee = recipients(complaint, role)
    if addressee is None:
        return None
    role, name, address, email = addressee
    template = LetterTemplate.objects.filter(kind=kind, is_active=True).first()
    if template is None:
        from .fixtures import default_template
        template = default_template(kind)
    ctx = context_for(complaint, {'aan': name, 'aanhef': f'Geachte {name}' if name else 'Geachte heer/mevrouw',
                                  **(extra or {})})
    if at is not None:
        ctx['datum_brief'] = nl_date(at)
    body = _render_body(template.body, ctx)
    subject = _render_body(template.subject, ctx)
    referral = referral_text() if kind in LetterTemplate.WITH_REFERRAL else ''
    html = render_to_string('complaints/letters/letter.html', {
        # the body's text escaped once, its paragraphs and line breaks as HTML (the template must not
        # escape that again: residents would read "<p>" in their letter)
        'subject': subject, 'body_html': mark_safe(linebreaks(body, autoescape=True)), 'referral': referral,
        'reference': complaint.reference,
        'date': ctx['datum_brief'], 'recipient_name': name, 'recipient_address': address,
        'signature': _config('COMPLAINTS_LETTER_SIGNATURE', 'Klachtencoördinatie, gemeente Haarlem'),
    })
    text = body + (f'\n\n{referral}' if referral else '')
    return Letter(complaint=complaint, kind=kind, recipient_role=role, recipient_name=name,
                  recipient_address=address, recipient_email=email or '', subject=subject, html=html, text=text,
                  created_by=user if getattr(user, 'pk', None) else None, created_at=at or timezone.now())


def render_pdf(html):
    import weasyprint
    return weasyprint.HTML(string=html, base_url=None).write_pdf()


def ensure_pdf(letter):
    """The letter's PDF, rendered and stored once (again if the stored file went missing)."""
    if letter.file:
        try:
            if letter.file.storage.exists(letter.file.name):
                return letter.file
        except Exception:  # a storage that cannot tell: render again
            logger.warning('Could not check the PDF of letter %s', letter.pk, exc_info=True)
    content = render_pdf(letter.html)
    name = f'{letter.complaint.reference}-{letter.kind}-{letter.pk}.pdf'
    letter.file.save(name, ContentFile(content), save=False)
    Letter.objects.filter(pk=letter.pk).update(file=letter.file.name)
    return letter.file


def deliver(letter):
    """Render the PDF and mail the letter if an e-mail address is known (once)."""
    ensure_pdf(letter)
    if not letter.recipient_email or letter.mailed_at:
        return False
    message = EmailMessage(subject=f'{letter.subject} ({letter.complaint.reference})', body=letter.text,
                           to=[letter.recipient_email])
    letter.file.open('rb')
    try:
        message.attach(f'{letter.complaint.reference}-{letter.kind}.pdf', letter.file.read(), 'application/pdf')
    finally:
        letter.file.close()
    try:
        message.send()
    except Exception as exc:
        logger.exception('Mailing letter %s failed', letter.pk)
        Letter.objects.filter(pk=letter.pk).update(mail_error=str(exc)[:500])
        raise
    Letter.objects.filter(pk=letter.pk).update(mailed_at=timezone.now(), mail_error='')
    return True
