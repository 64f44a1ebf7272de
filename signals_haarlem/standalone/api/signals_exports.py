"""Exports of signals for the backoffice: the PDF of one signal, the CSV of the filtered list and the
counts per category of the "Signalering" page."""
import csv

from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.template import Context, Template
from django.utils import timezone, translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .. import workflow
from ..models import Category, CategoryDepartment, History, Signal
from . import signals_schema as sc
from .signals_access import can_view_contact_details
from .signals_filters import _datetime, filter_signals, order_signals
from .signals_views import PrivateView, require

# -- PDF ------------------------------------------------------------------------------------------

PDF_TEMPLATE = Template('''<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{{ signal.id_display }}</title>
<style>
 @page { size: A4; margin: 18mm 16mm; @bottom-right { content: "Pagina " counter(page) " van " counter(pages); font-size: 8pt; } }
 body { font-family: sans-serif; font-size: 10pt; color: #111; }
 h1 { font-size: 16pt; margin: 0 0 4mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; }
 table { width: 100%; border-collapse: collapse; } th, td { text-align: left; vertical-align: top; padding: 1mm 2mm 1mm 0; }
 th { width: 45mm; font-weight: bold; } .small { font-size: 8pt; color: #555; }
</style></head><body>
<h1>Melding {{ signal.id_display }}</h1>
<p class="small">Afgedrukt op {{ now|date:"j F Y H:i" }} door {{ user }}</p>
<h2>Melding</h2>
<table>
 <tr><th>Omschrijving</th><td>{{ signal.text|linebreaksbr }}</td></tr>
 {% if signal.text_extra %}<tr><th>Aanvullende informatie</th><td>{{ signal.text_extra|linebreaksbr }}</td></tr>{% endif %}
 <tr><th>Overlast</th><td>{{ signal.incident_date_start|date:"j F Y H:i" }}{% if signal.incident_date_end %} tot {{ signal.incident_date_end|date:"j F Y H:i" }}{% endif %}</td></tr>
 <tr><th>Gemeld op</th><td>{{ signal.created_at|date:"j F Y H:i" }}</td></tr>
 <tr><th>Status</th><td>{{ state_display }}{% if signal.status.text %}: {{ signal.status.text }}{% endif %}</td></tr>
 <tr><th>Categorie</th><td>{{ category }}</td></tr>
 {% if deadline %}<tr><th>Afhandeltermijn</th><td>{{ deadline|date:"j F Y" }}</td></tr>{% endif %}
 <tr><th>Urgentie</th><td>{{ priority }}</td></tr>
 <tr><th>Type</th><td>{{ type }}</td></tr>
 <tr><th>Bron</th><td>{{ signal.source }}</td></tr>
 <tr><th>Locatie</th><td>{% if location.address_text %}{{ location.address_text }}<br>{% endif %}{{ location.lat|floatformat:6 }}, {{ location.lon|floatformat:6 }}{% if location.stadsdeel %}<br>Stadsdeel: {{ location.stadsdeel }}{% endif %}</td></tr>
</table>
{% if answers %}<h2>Aanvullende vragen</h2><table>
 {% for a in answers %}<tr><th>{{ a.label }}</th><td>{{ a.answer }}</td></tr>{% endfor %}
</table>{% endif %}
<h2>Melder</h2>
{% if show_contact %}<table>
 <tr><th>E-mail</th><td>{{ reporter.email|default:"-" }}</td></tr>
 <tr><th>Telefoon</th><td>{{ reporter.phone|default:"-" }}</td></tr>
 <tr><th>Gegevens delen toegestaan</th><td>{{ reporter.sharing_allowed|yesno:"ja,nee" }}</td></tr>
</table>{% else %}<p>Contactgegevens zijn niet zichtbaar met uw rechten.</p>{% endif %}
{% if notes %}<h2>Notities</h2><table>
 {% for n in notes %}<tr><th>{{ n.created_at|date:"j-n-Y H:i" }}<br><span class="small">{{ n.created_by|default:"Signalen systeem" }}</span></th><td>{{ n.text|linebreaksbr }}</td></tr>{% endfor %}
</table>{% endif %}
<h2>Historie</h2><table>
 {% for h in history %}<tr><th>{{ h.when|date:"j-n-Y H:i" }}<br><span class="small">{{ h.who|default:"Signalen systeem" }}</span></th><td>{{ h.action }}{% if h.description %}<br>{{ h.description|linebreaksbr }}{% endif %}</td></tr>{% endfor %}
</table>
</body></html>''')


def _answers(extra_properties):
    answers = []
    for item in extra_properties if isinstance(extra_properties, list) else []:
        if not isinstance(item, dict):
            continue
        answer = item.get('answer')
        if isinstance(answer, dict):
            answer = answer.get('label') or answer.get('value') or ''
        elif isinstance(answer, list):
            answer = ', '.join(str(a.get('label', a) if isinstance(a, dict) else a) for a in answer)
        answers.append({'label': item.get('label') or item.get('id'), 'answer': answer})
    return answers


def render_pdf(signal, user):
    from weasyprint import HTML

    assignment = signal.category_assignment
    category = assignment.category if assignment else None
    context = {
        'signal': signal, 'now': timezone.now(), 'user': getattr(user, 'email', '') or getattr(user, 'username', ''),
        'state_display': workflow.label(signal.status.state) if signal.status else '',
        'category': f'{category.parent.name} - {category.name}' if category and category.parent_id else
        (category.name if category else ''),
        'deadline': assignment.deadline if assignment else None,
        'priority': signal.priority.get_priority_display() if signal.priority else '',
        'type': signal.type_assignment.get_name_display() if signal.type_assignment else '',
        'location': signal.location, 'reporter': signal.reporter,
        'show_contact': can_view_contact_details(user),
        'answers': _answers(signal.extra_properties),
        'notes': list(signal.notes.order_by('-created_at', '-pk')),
        'history': list(History.objects.filter(_signal=signal).order_by('-when', '-pk')[:200]),
    }
    with translation.override('nl'):
        html = PDF_TEMPLATE.render(Context(context))
    return HTML(string=html).write_pdf()


@extend_schema(tags=['private: signals'], parameters=[sc.PK],
               responses={(200, 'application/pdf'): OpenApiTypes.BINARY, 404: sc.NOT_FOUND})
class SignalPdf(PrivateView):
    """`GET /private/signals/{id}/pdf`: a PDF of the signal (reporter details only with the right)."""

    def get(self, request, pk):
        signal = self.get_signal(pk, Signal.objects.select_related(
            'status', 'category_assignment__category__parent', 'location', 'reporter', 'priority',
            'type_assignment'))
        pdf = render_pdf(signal, request.user)
        return HttpResponse(pdf, content_type='application/pdf',
                            headers={'Content-Disposition': f'attachment; filename="{signal.id_display}.pdf"'})


# -- CSV ------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    ('id', 'id'), ('signal_id', 'signal_id'), ('created_at', 'created_at'), ('updated_at', 'updated_at'),
    ('status', 'status__state'), ('main_category', 'category_assignment__category__parent__slug'),
    ('sub_category', 'category_assignment__category__slug'), ('text', 'text'), ('text_extra', 'text_extra'),
    ('address', 'location__address_text'), ('postcode', 'location__postcode'), ('stadsdeel', 'location__stadsdeel'),
    ('area_code', 'location__area_code'), ('lon', 'location__lon'), ('lat', 'location__lat'),
    ('priority', 'priority__priority'), ('type', 'type_assignment__name'), ('source', 'source'),
    ('incident_date_start', 'incident_date_start'), ('incident_date_end', 'incident_date_end'),
    ('deadline', 'category_assignment__deadline'), ('deadline_factor_3', 'category_assignment__deadline_factor_3'),
    ('parent_id', 'parent_id'), ('assigned_user_email', 'user_assignment__user__email'),
)
CONTACT_COLUMNS = (('reporter_email', 'reporter__email'), ('reporter_phone', 'reporter__phone'))


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    if value is None:
        return ''
    if hasattr(value, 'tzinfo') and value.tzinfo is not None:
        return timezone.localtime(value).isoformat()
    text = str(value)
    # Keep spreadsheet programs from running a cell as a formula (CSV injection).
    return "'" + text if text[:1] in ('=', '+', '-', '@', '\t', '\r') and not _is_number(text) else text


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


@extend_schema(tags=['private: signals'], parameters=[sc.ORDERING_PARAM, *sc.FILTERS],
               responses={(200, 'text/csv'): OpenApiTypes.BINARY, 400: sc.BAD, 403: sc.obj('Geen recht')})
class SignalCsv(PrivateView):
    """`GET /private/csv`: the filtered list as CSV (needs `sia_signal_export`)."""

    def get(self, request):
        require(request, 'sia_signal_export')
        columns = CSV_COLUMNS + (CONTACT_COLUMNS if can_view_contact_details(request.user) else ())
        qs = order_signals(filter_signals(self.visible(), request.query_params), request.query_params)
        rows = qs.values_list(*[field for _, field in columns])
        writer = csv.writer(_Echo())

        def lines():
            yield '\ufeff' + writer.writerow([name for name, _ in columns])
            for row in rows.iterator(chunk_size=2000):
                yield writer.writerow([_cell(v) for v in row])

        stamp = timezone.localtime().strftime('%Y%m%d-%H%M')
        return StreamingHttpResponse(lines(), content_type='text/csv; charset=utf-8',
                                     headers={'Content-Disposition': f'attachment; filename="meldingen-{stamp}.csv"'})


# -- reports (Signalering) ------------------------------------------------------------------------

def _per_category(qs):
    counts = list(qs.values('current_category_id').annotate(n=Count('id')).order_by('-n'))
    ids = [row['current_category_id'] for row in counts if row['current_category_id']]
    categories = Category.objects.in_bulk(ids)
    departments = {}
    for link in CategoryDepartment.objects.filter(category_id__in=ids, is_responsible=True).select_related(
            'department').order_by('department__name'):
        departments.setdefault(link.category_id, []).append(link.department.code)
    results = []
    for row in counts:
        category = categories.get(row['current_category_id'])
        if category is None:
            continue
        results.append({'category': {'name': category.name, 'departments': departments.get(category.pk, [])},
                        'signal_count': row['n']})
    results.sort(key=lambda r: (-r['signal_count'], r['category']['name']))
    return Response({'total_signal_count': sum(r['signal_count'] for r in results), 'results': results})


def _period(request, field, qs):
    errors = {}
    start = _datetime(request.query_params, 'start', errors)
    end = _datetime(request.query_params, 'end', errors)
    if errors:
        raise ValidationError(errors)
    if start:
        qs = qs.filter(**{f'{field}__gte': start})
    if end:
        qs = qs.filter(**{f'{field}__lte': end})
    return qs


@extend_schema(tags=['private: reports'], parameters=sc.PERIOD,
               responses={200: sc.obj('total_signal_count, results'), 400: sc.BAD})
class ReportOpenSignals(PrivateView):
    """`GET /private/reports/signals/open[?start=&end=]`: open signals per category (created in the period)."""

    def get(self, request):
        qs = self.visible().exclude(current_state__in=sorted(workflow.CLOSED_STATES))
        return _per_category(_period(request, 'created_at', qs))


@extend_schema(tags=['private: reports'], parameters=sc.PERIOD,
               responses={200: sc.obj('total_signal_count, results'), 400: sc.BAD})
class ReportReopenRequested(PrivateView):
    """`GET /private/reports/signals/reopen-requested[?start=&end=]`: signals waiting in "reopen requested"
    per category (the state was reached in the period)."""

    def get(self, request):
        qs = self.visible().filter(current_state=workflow.VERZOEK_TOT_HEROPENEN)
        return _per_category(_period(request, 'status__created_at', qs))
