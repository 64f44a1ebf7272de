"""The register (Awb 9:12a) and its exports, the annual report, the learning report and the
anonymised publication of judgements. Figures are computed in the database (services' queries)."""
import csv
import io
from datetime import date

from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone

from signals_haarlem import charts, workdays
from signals_haarlem.downloads import xlsx_row

from . import anonymise, services, workflow
from .models import Complaint, ImprovementMeasure, Norm, OmbudsmanCase, TermChange

QUARTERS = ('K1', 'K2', 'K3', 'K4')


def _yes_no(value):
    return {True: 'ja', False: 'nee'}.get(value, '')


# -- the register --------------------------------------------------------------------------------

REGISTER_COLUMNS = [
    ('klachtnummer', 'Klachtnummer'), ('ontvangen', 'Ontvangen op'), ('kanaal', 'Kanaal'), ('vorm', 'Vorm'),
    ('formeel', 'Formele procedure'), ('classificatie', 'Classificatie'), ('afdeling', 'Afdeling'),
    ('status', 'Status'), ('uitkomst', 'Uitkomst'), ('normen', 'Geschonden normen'), ('oorzaak', 'Oorzaak'),
    ('adviescommissie', 'Adviescommissie'), ('verdaagd_weken', 'Verdaagd (weken)'),
    ('uiterste_datum', 'Uiterste datum'), ('afgehandeld', 'Afgehandeld op'), ('op_tijd', 'Op tijd'),
    ('doorlooptijd_dagen', 'Doorlooptijd (dagen)'),
]


def register_rows(year):
    """One dict per written complaint received in `year` (no personal details)."""
    rows = []
    for c in services.register_queryset(year=year):
        rows.append({
            'klachtnummer': c.reference, 'ontvangen': c.received_on, 'kanaal': c.get_channel_display(),
            'vorm': c.get_form_display(), 'formeel': _yes_no(c.is_formal),
            'classificatie': c.get_classification_display(),
            'afdeling': c.department_concerned.name if c.department_concerned_id else '',
            'status': c.state_label, 'uitkomst': workflow.OUTCOME_LABELS.get(c.outcome, 'Nog in behandeling'),
            'normen': ', '.join(str(n.number) for n in c.norms.all()),
            'oorzaak': c.cause.name if c.cause_id else '', 'adviescommissie': _yes_no(c.advice_committee),
            'verdaagd_weken': c.extension_weeks or '', 'uiterste_datum': c.term_last_day or '',
            'afgehandeld': c.decided_on or '', 'op_tijd': _yes_no(c.on_time),
            'doorlooptijd_dagen': (c.decided_on - c.received_on).days if c.decided_on else '',
        })
    return rows


def register_csv(year):
    out = io.StringIO()
    out.write('\ufeff')  # so spreadsheet programs read UTF-8
    writer = csv.writer(out, delimiter=';')
    writer.writerow([label for _, label in REGISTER_COLUMNS])
    for row in register_rows(year):
        writer.writerow([row[key].isoformat() if isinstance(row[key], date) else row[key]
                         for key, _ in REGISTER_COLUMNS])
    return out.getvalue().encode('utf-8')


def register_xlsx(year):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    wb = Workbook()
    ws = wb.active
    ws.title = f'Klachtenregister {year}'
    ws.append([label for _, label in REGISTER_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in register_rows(year):
        ws.append(xlsx_row([row[key] for key, _ in REGISTER_COLUMNS]))
    for column, (key, _) in zip(ws.columns, REGISTER_COLUMNS):
        if key in ('ontvangen', 'uiterste_datum', 'afgehandeld'):
            for cell in list(column)[1:]:
                cell.number_format = 'DD-MM-YYYY'
        ws.column_dimensions[column[0].column_letter].width = 18
    ws.freeze_panes = 'A2'
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- the annual report ---------------------------------------------------------------------------

def _quarter_counts(qs):
    counts = [0, 0, 0, 0]
    for start, n in services.counts_by_period(qs, 'quarter'):
        counts[(start.month - 1) // 3] += n
    return counts


def annual_report(year):
    """The figures of the annual report on complaints (register of written complaints, plus the oral
    and anonymous ones registered for learning)."""
    year = int(year)
    register = services.register_queryset(year=year)
    base = register.order_by()
    total = base.count()
    outcomes = services.counts_by_outcome(base)
    by_outcome = [(workflow.OUTCOME_LABELS.get(k, 'Nog in behandeling'), outcomes.get(k, 0))
                  for k in [k for k, _ in workflow.OUTCOMES] + ['']]
    timely = base.aggregate(
        n_decided=Count('pk', filter=Q(decided_on__isnull=False, term_last_day__isnull=False)),
        n_on_time=Count('pk', filter=Q(on_time=True)), n_late=Count('pk', filter=Q(on_time=False)),
        n_running=Count('pk', filter=Q(state__in=workflow.RUNNING)),
        n_running_late=Count('pk', filter=Q(state__in=workflow.RUNNING, is_late=True)))
    timely = {key[2:]: value for key, value in timely.items()}
    timely['pct_on_time'] = round(100 * timely['on_time'] / timely['decided']) if timely['decided'] else None
    durations = [(d - r).days for r, d in base.filter(decided_on__isnull=False).values_list('received_on', 'decided_on')]
    all_year = Complaint.objects.filter(received_on__year=year)
    upheld = base.filter(outcome__in=workflow.UPHELD)
    by_channel = [(dict(Complaint.CHANNELS)[row['channel']], row['n'])
                  for row in base.values('channel').annotate(n=Count('pk')).order_by('-n', 'channel')]
    handling = [
        ('Informeel naar tevredenheid opgelost (9:5)', outcomes.get('opgelost', 0)),
        ('Formeel afgehandeld met een oordeel (9:12)', sum(outcomes.get(k, 0) for k, _ in workflow.JUDGEMENTS)),
        ('Niet in behandeling genomen (9:8)', outcomes.get('niet_behandeld', 0)),
        ('Geen klacht (doorgestuurd of anders opgepakt)', outcomes.get('geen_klacht', 0)),
        ('Nog in behandeling', outcomes.get('', 0)),
    ]
    measures = ImprovementMeasure.objects.filter(created_at__year=year)
    # The ombudsman's norm: contact (a first step after receipt) within 5 working days.
    firsts = base.filter(is_formal=True).annotate(
        first_step=Min('events__created_at', filter=Q(events__kind='transition'))).values_list('received_on', 'first_step')
    contact = {'total': 0, 'within': 0}
    for received_on, first_step in firsts:
        if first_step is None:
            continue
        contact['total'] += 1
        contact['within'] += workdays.workdays_between(received_on, timezone.localtime(first_step).date()) <= 5
    contact['pct'] = round(100 * contact['within'] / contact['total']) if contact['total'] else None
    report = {
        'year': year, 'generated_at': timezone.now(), 'total': total,
        'formal': base.filter(is_formal=True).count(),
        'written_informal': base.filter(is_formal=False).count(),
        'oral': all_year.filter(form=Complaint.ORAL).count(),
        'anonymous': all_year.filter(is_anonymous=True).count(),
        'by_outcome': by_outcome, 'by_channel': by_channel, 'handling': handling,
        'by_department': [(f'{name}' + (f' ({code})' if code else ''), n)
                          for code, name, n in services.counts_by_department(base)],
        'by_norm': [(f'{number}. {name}', n) for number, name, n in services.counts_by_norm(upheld)],
        'by_cause': services.counts_by_cause(base.exclude(outcome__in=('', 'geen_klacht'))),
        'timeliness': timely, 'contact': contact,
        'avg_days': round(sum(durations) / len(durations), 1) if durations else None,
        'extensions': TermChange.objects.filter(complaint__in=base.values('pk'), kind=TermChange.EXTENSION).count(),
        'consents': TermChange.objects.filter(complaint__in=base.values('pk'), kind=TermChange.CONSENT).count(),
        'hearings_held': base.filter(hearing_held_on__isnull=False).count(),
        'hearings_waived': base.exclude(hearing_waived_ground='').count(),
        'ombudsman': OmbudsmanCase.objects.filter(complaint__received_on__year=year).count(),
        'quarters': list(zip(QUARTERS, _quarter_counts(base))),
        'measures_total': measures.count(),
        'measures_done': measures.filter(status=ImprovementMeasure.DONE).count(),
        'measures_open': measures.exclude(status__in=ImprovementMeasure.FINISHED).count(),
    }
    report['charts'] = {
        'outcome': charts.bar_chart([(l, n) for l, n in by_outcome if n], f'Uitkomst van klachten {year}'),
        'department': charts.bar_chart(report['by_department'][:12], f'Klachten per afdeling {year}'),
        'norm': charts.bar_chart(report['by_norm'][:12], f'Geschonden normen (gegronde klachten) {year}'),
        'handling': charts.bar_chart([(l, n) for l, n in handling if n], f'Informeel en formeel {year}'),
        'timeliness': charts.bar_chart([('Op tijd', timely['on_time']), ('Te laat', timely['late']),
                                        ('Nog lopend, termijn verstreken', timely['running_late'])],
                                       f'Tijdigheid {year}'),
        'quarters': charts.column_chart(list(QUARTERS), [('Ontvangen klachten', _quarter_counts(base))],
                                        f'Klachten per kwartaal {year}'),
    }
    return report


def render_annual_report_html(year, for_pdf=False):
    return render_to_string('complaints/reports/annual.html', {'r': annual_report(year), 'for_pdf': for_pdf})


def annual_report_pdf(year):
    from .letters import render_pdf
    return render_pdf(render_annual_report_html(year, for_pdf=True))


# -- the learning report -------------------------------------------------------------------------

def learning_report(year, today=None):
    year = int(year)
    today = today or timezone.localdate()
    qs = Complaint.objects.filter(received_on__year=year).exclude(outcome='geen_klacht').order_by()
    quarter_totals = _quarter_counts(qs)
    departments = {}
    for row in qs.values('department_concerned__name', 'received_on__quarter').annotate(n=Count('pk')):
        name = row['department_concerned__name'] or 'Onbekend'
        departments.setdefault(name, [0, 0, 0, 0])[row['received_on__quarter'] - 1] += row['n']
    norms = {}
    for row in (Norm.objects.filter(complaints__in=qs.values('pk'))
                .values('number', 'name', 'complaints__received_on__quarter').annotate(n=Count('complaints'))):
        key = f"{row['number']}. {row['name']}"
        norms.setdefault(key, [0, 0, 0, 0])[row['complaints__received_on__quarter'] - 1] += row['n']
    by_norm_sorted = sorted(norms.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    by_dept_sorted = sorted(departments.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    open_measures = list(services.open_measures(today))
    measures_year = ImprovementMeasure.objects.filter(created_at__year=year)
    return {
        'year': year, 'generated_at': timezone.now(), 'quarters': QUARTERS, 'quarter_totals': quarter_totals,
        'total': sum(quarter_totals),
        'upheld_quarters': _quarter_counts(qs.filter(outcome__in=workflow.UPHELD)),
        'informal_quarters': _quarter_counts(qs.filter(outcome='opgelost')),
        'by_department': by_dept_sorted, 'by_norm': by_norm_sorted,
        'by_cause': services.counts_by_cause(qs.exclude(cause__isnull=True)),
        'open_measures': open_measures, 'late_measures': [m for m in open_measures if m.late],
        'measures_done': measures_year.filter(status=ImprovementMeasure.DONE).count(),
        'measures_total': measures_year.count(),
        'charts': {
            'trend': charts.column_chart(list(QUARTERS), [
                ('Alle klachten', quarter_totals),
                ('(Deels) gegrond', _quarter_counts(qs.filter(outcome__in=workflow.UPHELD))),
                ('Informeel opgelost', _quarter_counts(qs.filter(outcome='opgelost')))],
                f'Klachten per kwartaal {year}'),
            'norms': charts.column_chart(list(QUARTERS), by_norm_sorted[:4], f'Meest geschonden normen per kwartaal {year}'),
            'departments': charts.column_chart(list(QUARTERS), by_dept_sorted[:4], f'Afdelingen met de meeste klachten per kwartaal {year}'),
            'causes': charts.bar_chart(services.counts_by_cause(qs.exclude(cause__isnull=True))[:10], f'Oorzaken {year}'),
        },
    }


def learning_report_pdf(year):
    from .letters import render_pdf
    html = render_to_string('complaints/reports/learning.html', {'r': learning_report(year), 'for_pdf': True})
    return render_pdf(html)


# -- active publication of judgements ------------------------------------------------------------

PUBLICATION_COLUMNS = [('klachtnummer', 'Klachtnummer'), ('afgehandeld', 'Afgehandeld op'), ('afdeling', 'Afdeling'),
                       ('onderwerp', 'Onderwerp'), ('klacht', 'Klacht'), ('bevindingen', 'Bevindingen'),
                       ('oordeel', 'Oordeel'), ('conclusies', 'Conclusies'), ('normen', 'Geschonden normen'),
                       ('maatregelen', 'Maatregelen')]


def publication_rows(year):
    """Concluded complaints (with a judgement) decided in `year`, personal details removed."""
    staff = anonymise.staff_names()
    qs = (Complaint.objects.filter(decided_on__year=int(year), judgement__in=[k for k, _ in workflow.JUDGEMENTS])
          .select_related('department_concerned', 'employee', 'handler').prefetch_related('norms', 'measures')
          .order_by('decided_on', 'reference'))
    rows = []
    for c in qs:
        clean = anonymise.for_complaint(c, staff)
        rows.append({
            'klachtnummer': c.reference, 'afgehandeld': c.decided_on.isoformat(),
            'afdeling': c.department_concerned.name if c.department_concerned_id else '',
            'onderwerp': clean(c.subject), 'klacht': clean(c.conduct_description), 'bevindingen': clean(c.findings),
            'oordeel': c.get_judgement_display(), 'conclusies': clean(c.conclusions),
            'normen': '; '.join(f'{n.number}. {n.name}' for n in c.norms.all()),
            'maatregelen': '; '.join(clean(m.description) for m in c.measures.all()),
        })
    return rows


def publication_csv(year):
    out = io.StringIO()
    out.write('\ufeff')
    writer = csv.writer(out, delimiter=';')
    writer.writerow([label for _, label in PUBLICATION_COLUMNS])
    for row in publication_rows(year):
        writer.writerow([row[key] for key, _ in PUBLICATION_COLUMNS])
    return out.getvalue().encode('utf-8')
