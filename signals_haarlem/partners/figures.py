"""A partner's own complaint-handling figures per quarter: validation, delivery and CSV import.

Every delivery is checked completely before anything is stored; a CSV file is stored entirely or
not at all, and its errors are reported per line (line 1 is the header). A newer delivery for the
same partner and quarter supersedes the earlier one (which stays, as history).

CSV columns (comma or semicolon separated, UTF-8, header required):
    partner, periode, ontvangen, afgehandeld, tijdig_afgehandeld, gegrond, deels_gegrond,
    ongegrond, geen_oordeel, informeel_opgelost, themas, toelichting
`partner` is the partner's code (SPL) or name; `periode` a quarter such as 2025-K1; `themas` is
optional, e.g. "Afvalinzameling:12|Bejegening:3".
"""
import csv
import io
from collections.abc import Mapping
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from signals_haarlem import workdays

from . import links, periods
from .models import FigureReport, FiguresRequest, Partner, PartnerLog

# (csv column, model field, Dutch label, required)
NUMBER_FIELDS = (
    ('ontvangen', 'received', 'ontvangen', True),
    ('afgehandeld', 'handled', 'afgehandeld', True),
    ('tijdig_afgehandeld', 'handled_on_time', 'tijdig afgehandeld', True),
    ('gegrond', 'founded', 'gegrond', False),
    ('deels_gegrond', 'partly_founded', 'deels gegrond', False),
    ('ongegrond', 'unfounded', 'ongegrond', False),
    ('geen_oordeel', 'no_judgement', 'geen oordeel', False),
    ('informeel_opgelost', 'resolved_informally', 'informeel opgelost', False),
)
REQUIRED_COLUMNS = ('partner', 'periode') + tuple(c for c, _, _, required in NUMBER_FIELDS if required)
ALL_COLUMNS = ('partner', 'periode') + tuple(c for c, _, _, _ in NUMBER_FIELDS) + ('themas', 'toelichting')
MAX_VALUE = 1_000_000
MAX_ROWS = 1000
MAX_CSV_BYTES = 1024 * 1024


class FiguresRejected(Exception):
    """A delivery that was refused; `lines` is a list of {'regel': n, 'fouten': {field: [..]}}."""

    def __init__(self, lines):
        super().__init__(f'{len(lines)} regel(s) met fouten')
        self.lines = lines


def _partner_lookup(value, only_partner=None):
    value = (value or '').strip()
    if not value:
        return None, 'Vul de partner in (code of naam).'
    partner = Partner.objects.filter(Q(code__iexact=value) | Q(name__iexact=value)).first()
    if partner is None:
        return None, f'Onbekende partner "{value}".'
    if only_partner is not None and partner.pk != only_partner.pk:
        return None, 'U kunt alleen cijfers van uw eigen organisatie aanleveren.'
    if not partner.is_active:
        return None, f'{partner.name} is niet actief als partner.'
    return partner, None


def parse_themes(value):
    """'Afval:12|Bejegening:3' (or a list of dicts) -> [{'theme': 'Afval', 'count': 12}, ...]."""
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, str):
                items.append({'theme': item.strip()[:100], 'count': None})
            elif isinstance(item, dict) and str(item.get('theme', '')).strip():
                count = item.get('count')
                if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
                    raise ValueError(f'Het aantal bij thema "{item["theme"]}" is geen geheel getal van 0 of meer.')
                items.append({'theme': str(item['theme']).strip()[:100], 'count': count})
            else:
                raise ValueError('Een thema is een tekst of {"theme": ..., "count": ...}.')
        return items[:20]
    items = []
    for part in str(value or '').split('|'):
        part = part.strip()
        if not part:
            continue
        theme, _, count = part.partition(':')
        count = count.strip()
        if count and not (count.isascii() and count.isdigit()):
            raise ValueError(f'Het aantal bij thema "{theme.strip()}" is geen geheel getal van 0 of meer.')
        items.append({'theme': theme.strip()[:100], 'count': int(count) if count else None})
    return items[:20]


def _number(raw, label, required):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValueError(f'Vul het aantal {label} in.')
        return 0
    if isinstance(raw, bool):
        raise ValueError(f'"{raw}" is geen geheel getal.')
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f'"{text}" is geen geheel getal.')
    if value < 0:
        raise ValueError(f'Het aantal {label} mag niet negatief zijn.')
    if value > MAX_VALUE:
        raise ValueError(f'Het aantal {label} is onwaarschijnlijk groot.')
    return value


def validate(data, partner=None, only_partner=None, today=None):
    """Cleaned field values for a FigureReport, or ValidationError with Dutch field errors.

    `data` has the CSV column names as keys ('periode', 'ontvangen', ...); `partner` may be given
    (form, token) instead of data['partner'].
    """
    if not isinstance(data, Mapping):
        raise ValidationError({'non_field_errors': ['Lever de cijfers aan als één object met velden '
                                                    '(partner, periode, ontvangen, ...).']})
    today = today or timezone.localdate()
    errors = {}
    cleaned = {}
    if partner is None:
        partner, message = _partner_lookup(data.get('partner'), only_partner)
        if message:
            errors['partner'] = [message]
    cleaned['partner'] = partner
    try:
        period = periods.parse(data.get('periode'), months=periods.QUARTER)
        if period.end >= today:
            raise periods.PeriodError(f'Het {period.label} is nog niet voorbij; lever cijfers aan na afloop.')
        if period.end < today - timedelta(days=5 * 366):
            raise periods.PeriodError(f'Het {period.label} ligt te ver terug.')
        cleaned['period_start'] = period.start
    except periods.PeriodError as exc:
        errors['periode'] = [str(exc)]
    for column, field, label, required in NUMBER_FIELDS:
        try:
            cleaned[field] = _number(data.get(column), label, required)
        except ValueError as exc:
            errors[column] = [str(exc)]
    try:
        cleaned['themes'] = parse_themes(data.get('themas'))
    except ValueError as exc:
        errors['themas'] = [str(exc)]
    cleaned['remarks'] = str(data.get('toelichting') or '').strip()[:2000]
    if not errors:
        if cleaned['handled_on_time'] > cleaned['handled']:
            errors['tijdig_afgehandeld'] = ['Er kunnen niet meer klachten tijdig afgehandeld zijn dan er '
                                            'afgehandeld zijn.']
        outcomes = sum(cleaned[f] for f in ('founded', 'partly_founded', 'unfounded', 'no_judgement'))
        if outcomes > cleaned['handled']:
            errors['gegrond'] = [f'De uitkomsten ({outcomes}) tellen op tot meer dan het aantal afgehandelde '
                                 f'klachten ({cleaned["handled"]}).']
        themed = sum(t['count'] or 0 for t in cleaned['themes'])
        if themed > cleaned['received'] + cleaned['handled']:
            errors['themas'] = ["De aantallen bij de thema's zijn groter dan het aantal klachten."]
    if errors:
        raise ValidationError(errors)
    return cleaned


def deliver(data, delivered_by, via, partner=None, only_partner=None, today=None):
    """Store one delivery (form or API). Returns the FigureReport; ValidationError changes nothing."""
    cleaned = validate(data, partner=partner, only_partner=only_partner, today=today)
    with transaction.atomic():
        report = FigureReport.objects.create(delivered_by=str(delivered_by)[:254], via=via, **cleaned)
        _log_delivery(report)
    return report


def _log_delivery(report):
    PartnerLog.objects.create(partner=report.partner, kind=PartnerLog.FIGURES_DELIVERED, who=report.delivered_by,
                              detail=f'{report.period.code} via {report.get_via_display()}')


def read_csv(uploaded):
    """The rows of an uploaded CSV as (line number, dict); FiguresRejected for a malformed file."""
    raw = uploaded.read(MAX_CSV_BYTES + 1) if hasattr(uploaded, 'read') else uploaded
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > MAX_CSV_BYTES:
        raise FiguresRejected([{'regel': 0, 'fouten': {'bestand': ['Het bestand is groter dan 1 MB.']}}])
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError:
        raise FiguresRejected([{'regel': 0, 'fouten': {'bestand': ['Het bestand is geen UTF-8-tekst (CSV).']}}])
    if '\x00' in text:
        raise FiguresRejected([{'regel': 0, 'fouten': {'bestand': ['Het bestand is geen CSV-bestand.']}}])
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise FiguresRejected([{'regel': 1, 'fouten': {'bestand': ['Het bestand is leeg of de kopregel ontbreekt.']}}])
    delimiter = ';' if lines[0].count(';') > lines[0].count(',') else ','
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        unknown = [h for h in header if h and h not in ALL_COLUMNS]
        duplicate = sorted({h for h in header if header.count(h) > 1})
        problems = []
        if missing:
            problems.append(f'Kolom(men) ontbreken: {", ".join(missing)}.')
        if unknown:
            problems.append(f'Onbekende kolom(men): {", ".join(unknown)}.')
        if duplicate:
            problems.append(f'Dubbele kolom(men): {", ".join(duplicate)}.')
        if problems:
            raise FiguresRejected([{'regel': 1, 'fouten': {'kopregel': problems}}])
        rows, errors = [], []
        for values in reader:
            number = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                errors.append({'regel': number, 'fouten': {'regel': [
                    f'{len(values)} velden in plaats van {len(header)}.']}})
                continue
            rows.append((number, dict(zip(header, values))))
            if len(rows) > MAX_ROWS:
                raise FiguresRejected([{'regel': number, 'fouten': {'bestand': [f'Meer dan {MAX_ROWS} regels.']}}])
    except csv.Error as exc:
        raise FiguresRejected([{'regel': reader.line_num, 'fouten': {'regel': [f'Onleesbare CSV: {exc}.']}}])
    if errors:
        raise FiguresRejected(errors)
    if not rows:
        raise FiguresRejected([{'regel': 2, 'fouten': {'bestand': ['Het bestand bevat geen cijfers.']}}])
    return rows


def import_csv(uploaded, delivered_by, via=FigureReport.VIA_CSV, only_partner=None, today=None):
    """Store every row of a CSV, or nothing: FiguresRejected lists every line's errors."""
    rows = read_csv(uploaded)
    errors, cleaned_rows, seen = [], [], {}
    for number, data in rows:
        try:
            cleaned = validate(data, only_partner=only_partner, today=today)
        except ValidationError as exc:
            errors.append({'regel': number, 'fouten': exc.message_dict})
            continue
        key = (cleaned['partner'].pk, cleaned['period_start'])
        if key in seen:
            errors.append({'regel': number, 'fouten': {'periode': [
                f'{cleaned["partner"].code} {periods.period_of(cleaned["period_start"]).code} staat al op regel '
                f'{seen[key]}.']}})
            continue
        seen[key] = number
        cleaned_rows.append(cleaned)
    if errors:
        raise FiguresRejected(errors)
    with transaction.atomic():
        reports = []
        for cleaned in cleaned_rows:
            report = FigureReport.objects.create(delivered_by=str(delivered_by)[:254], via=via, **cleaned)
            _log_delivery(report)
            reports.append(report)
    return reports


def current_reports(partner_ids=None, starts=None):
    """{(partner_id, period_start): newest FigureReport}."""
    qs = FigureReport.objects.all()
    if partner_ids is not None:
        qs = qs.filter(partner_id__in=partner_ids)
    if starts is not None:
        qs = qs.filter(period_start__in=starts)
    result = {}
    for report in qs.order_by('delivered_at', 'pk'):
        result[(report.partner_id, report.period_start)] = report
    return result


# --- asking for figures ------------------------------------------------------------------

FIRST_REMINDER_WORKDAYS = 10
REMINDER_EVERY_WORKDAYS = 5
MAX_REMINDERS = 3


def _send_request_mail(request, reminder=False):
    partner = request.partner
    recipients = partner.contacts_for('cijfers')
    if not recipients:
        return False
    context = {'partner': partner, 'period': request.period, 'request': request,
               'url': links.figures_url(request), 'reminder': reminder}
    subject = f'{"Herinnering: " if reminder else ""}Klachtcijfers {request.period.label} – gemeente Haarlem'
    with translation.override('nl'):
        body = render_to_string('partners/mail/figures_request.txt', context)
    send_mail(subject, body, None, recipients)
    return True


def request_figures(today=None):
    """Ask every active partner for the figures of the quarter that just ended (once per quarter)."""
    today = today or timezone.localdate()
    quarter = periods.period_of(today).previous()
    reports = current_reports(starts=[quarter.start])
    made = []
    for partner in Partner.objects.filter(is_active=True):
        if (partner.pk, quarter.start) in reports:
            continue
        request, created = FiguresRequest.objects.get_or_create(
            partner=partner, period_start=quarter.start,
            defaults={'link_expires_at': timezone.now() + timedelta(days=links.FIGURES_LINK_DAYS)})
        if created:
            PartnerLog.objects.create(partner=partner, kind=PartnerLog.FIGURES_REQUESTED, detail=quarter.code)
            transaction.on_commit(lambda r=request: _send_request_mail(r))
            made.append(request)
    return made


def chase_missing_figures(today=None, now=None):
    """Remind partners whose requested figures have not come in."""
    now = now or timezone.now()
    reports = current_reports()
    chased = []
    for request in FiguresRequest.objects.select_related('partner').filter(partner__is_active=True,
                                                                           reminders_sent__lt=MAX_REMINDERS):
        if (request.partner_id, request.period_start) in reports:
            continue
        last = request.last_reminded_at or request.requested_at
        wait = REMINDER_EVERY_WORKDAYS if request.last_reminded_at else FIRST_REMINDER_WORKDAYS
        if workdays.workdays_between(last, now) < wait:
            continue
        request.reminders_sent += 1
        request.last_reminded_at = now
        if request.link_expires_at <= now + timedelta(days=7):
            request.link_expires_at = now + timedelta(days=links.FIGURES_LINK_DAYS)
        request.save(update_fields=['reminders_sent', 'last_reminded_at', 'link_expires_at'])
        PartnerLog.objects.create(partner=request.partner, kind=PartnerLog.FIGURES_REMINDED,
                                  detail=f'{request.period.code}: herinnering {request.reminders_sent}')
        transaction.on_commit(lambda r=request: _send_request_mail(r, reminder=True))
        chased.append(request)
    return chased


def missing_quarters(partner, period, reports=None):
    """The quarters of `period` (already ended) for which the partner delivered no figures."""
    today = timezone.localdate()
    reports = reports if reports is not None else current_reports([partner.pk], [q.start for q in period.quarters()])
    return [q for q in period.quarters() if q.end < today and (partner.pk, q.start) not in reports]
