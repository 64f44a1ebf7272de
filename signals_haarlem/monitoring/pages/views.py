"""The monitoring dashboard in the werkplek: filters, headline numbers and every figure as a chart
with its table beside it, plus CSV and XLSX exports of each figure (and of all of them at once)."""
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from signals_haarlem import charts
from signals_haarlem.downloads import CSV, XLSX, file_response
from signals_haarlem.werkplek.mixins import WerkplekPage

from .. import exports, presentation, services

PERMISSION = 'haarlem_monitoring.view_dashboard'
BY_SLUG = {slug: key for key, slug in services.SLUGS.items()}

#: Sections of the dashboard: (id, heading, figure keys).
SECTIONS = (
    ('meldingen', 'Meldingen en triage', ('signals_per_week', 'on_time_by_lane', 'on_time_by_team', 'retriage_rate',
                                          'reopen_requests', 'satisfaction', 'open_by_age')),
    ('klachten', 'Klachten', ('complaints_per_month', 'complaints_by_outcome', 'complaints_by_norm')),
    ('partners', 'Partners', ('partner_on_time',)),
)


def _filters(request):
    """(filters, errors): the filters from the query string, or the defaults and the field errors."""
    try:
        return services.parse_filters(request.GET, names=services.PAGE_NAMES), {}
    except ValidationError as exc:
        return None, exc.message_dict


def _query(request):
    """The filter part of the query string, for export links."""
    keep = {name: request.GET[name] for name in services.PAGE_NAMES.values() if request.GET.get(name)}
    from django.http import QueryDict
    query = QueryDict(mutable=True)
    query.update(keep)
    return query.urlencode()


class MonitoringPage(WerkplekPage):
    permission_required = PERMISSION


class DashboardView(MonitoringPage, TemplateView):
    template_name = 'monitoring/dashboard.html'

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters, errors = _filters(self.request)
        query = _query(self.request)
        suffix = f'?{query}' if query else ''
        values = {name: self.request.GET.get(name, '') for name in services.PAGE_NAMES.values()}
        if filters is not None:
            values.update(van=filters.start.isoformat(), tot=filters.end.isoformat())
        labels = {'van': 'Van', 'tot': 'Tot en met', 'baan': 'Baan', 'categorie': 'Categorie', 'gebied': 'Stadsdeel'}
        context.update(
            errors=errors,
            error_list=[(field, labels.get(field, field), messages) for field, messages in errors.items()],
            values=values, lanes=services.lanes(), categories=services.category_choices(),
            areas=services.area_choices(), filters=filters, export_all=reverse('monitoring_pages:export_all') + suffix,
            default_filters=services.Filters.default())
        if filters is None:
            return context
        figures = services.dashboard(filters)
        sections = []
        for section_id, heading, keys in SECTIONS:
            items = []
            for key in keys:
                figure = figures[key]
                columns, rows = presentation.table(figure)
                slug = services.SLUGS[key]
                items.append({
                    'figure': figure, 'slug': slug, 'chart': presentation.chart(figure), 'columns': columns,
                    'rows': rows,
                    'csv': reverse('monitoring_pages:export_csv', args=[slug]) + suffix,
                    'xlsx': reverse('monitoring_pages:export_xlsx', args=[slug]) + suffix,
                })
            sections.append({'id': section_id, 'heading': heading, 'items': items})
        summary = services.summary(figures)
        context.update(sections=sections, summary=summary, tiles=[
            ('Meldingen in de periode', charts.format_number(summary.get('signals'))),
            ('Afgehandeld binnen de norm', charts.format_percent(summary.get('on_time_share'))),
            ('Nu open', charts.format_number(summary.get('open'))),
            ('Nu open en te laat', charts.format_number(summary.get('open_late'))),
            ('Verzoeken tot heropenen', charts.format_number(summary.get('reopen_requests'))),
            ('Heropend', charts.format_number(summary.get('reopened'))),
            ('Melders tevreden (KTO)', charts.format_percent(summary.get('satisfied_share'))),
            ('Klachten ontvangen', charts.format_number(summary.get('complaints'))),
        ], generated_at=timezone.localtime())
        return context


def _bad_filters(errors):
    text = 'Ongeldige filters: ' + '; '.join(f'{field}: {" ".join(messages)}' for field, messages in errors.items())
    return HttpResponse(text, status=400, content_type='text/plain; charset=utf-8')




class ExportView(MonitoringPage, View):
    def get(self, request, slug, ext):
        key = BY_SLUG.get(slug)
        if key is None:
            raise Http404('Dit figuur bestaat niet.')
        filters, errors = _filters(request)
        if filters is None:
            return _bad_filters(errors)
        figure = services.figure(key, filters)
        name = exports.filename(key, filters, ext)
        if ext == 'csv':
            return file_response(exports.figure_csv(figure), name, CSV)
        return file_response(exports.figure_xlsx(figure, filters), name, XLSX)


class ExportAllView(MonitoringPage, View):
    def get(self, request):
        filters, errors = _filters(request)
        if filters is None:
            return _bad_filters(errors)
        figures = list(services.dashboard(filters).values())
        name = f'monitoring-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.xlsx'
        return file_response(exports.figures_xlsx(figures, filters), name, XLSX)
