"""Register, annual report (PDF), learning report, publication export; on seeded demo data."""
import csv
import io
import random
from collections import Counter

import pytest
from django.utils import timezone

from signals_haarlem.complaints import reports, seed, services, workflow
from signals_haarlem.complaints.models import Complaint, ComplaintEvent
from tests.factories import make_signal


@pytest.fixture
def seeded(complaint_fixtures, run_on_commit, category):
    signals = [run_on_commit(make_signal, category=category, type_code='COM' if i % 3 == 0 else 'SIG',
                             created_at=timezone.now() - timezone.timedelta(days=i * 9)) for i in range(12)]
    run_on_commit(seed.seed_demo, signals, random.Random(5), None, standalone=70)
    return signals


def test_seed_spreads_over_states_outcomes_and_channels(seeded):
    qs = Complaint.objects.all()
    assert qs.count() >= 70
    states = set(qs.values_list('state', flat=True))
    assert {workflow.CLOSED, workflow.CONCLUDED, workflow.IN_TREATMENT} <= states or len(states) >= 6
    outcomes = set(qs.values_list('outcome', flat=True))
    assert {'opgelost', 'gegrond', 'ongegrond', 'deels_gegrond', 'geen_klacht'} <= outcomes
    assert qs.filter(signal__isnull=False).count() == 4  # every COM signal has its complaint
    assert qs.filter(form='mondeling').exists() and qs.filter(norms__isnull=False).exists()
    # every seeded transition is allowed by the workflow table
    for event in ComplaintEvent.objects.filter(kind='transition'):
        assert event.to_state in workflow.TRANSITIONS[event.from_state], (event.from_state, event.to_state)


def test_annual_report_totals_match_the_register_export(seeded):
    year = timezone.localdate().year
    for y in (year - 1, year):
        report = reports.annual_report(y)
        rows = list(csv.reader(io.StringIO(reports.register_csv(y).decode('utf-8-sig')), delimiter=';'))
        header, body = rows[0], rows[1:]
        assert report['total'] == len(body) == services.register_queryset(year=y).count()
        exported = Counter(row[header.index('Uitkomst')] for row in body)
        assert {label: n for label, n in report['by_outcome'] if n} == dict(exported)
        assert sum(n for _, n in report['by_outcome']) == report['total']
        on_time = Counter(row[header.index('Op tijd')] for row in body)
        assert (report['timeliness']['on_time'], report['timeliness']['late']) == (on_time['ja'], on_time['nee'])
        assert sum(n for _, n in report['by_department']) == report['total']
        assert sum(n for _, n in report['quarters']) == report['total']


def test_annual_report_renders_to_pdf_with_charts(seeded):
    year = timezone.localdate().year
    html = reports.render_annual_report_html(year, for_pdf=True)
    report = reports.annual_report(year)
    assert f'<strong id="total-register">{report["total"]}</strong>' in html
    assert '<svg' in html and 'Geschonden normen' in html
    pdf = reports.annual_report_pdf(year)
    assert pdf.startswith(b'%PDF-') and len(pdf) > 5000


def test_register_xlsx_has_the_same_rows(seeded):
    from openpyxl import load_workbook
    year = timezone.localdate().year
    wb = load_workbook(io.BytesIO(reports.register_xlsx(year)))
    ws = wb.active
    assert ws.max_row - 1 == reports.annual_report(year)['total']
    assert ws.cell(1, 1).value == 'Klachtnummer'


def test_register_export_holds_no_personal_details(seeded):
    year = timezone.localdate().year
    text = reports.register_csv(year).decode('utf-8-sig')
    for c in Complaint.objects.filter(received_on__year=year).exclude(complainant_name=''):
        assert c.complainant_name not in text
        assert c.complainant_email not in text


def test_learning_report(seeded):
    year = timezone.localdate().year
    r = reports.learning_report(year)
    assert r['total'] == sum(r['quarter_totals'])
    assert r['by_norm'] and r['by_department']
    assert all(m.late for m in r['late_measures'])
    pdf = reports.learning_report_pdf(year)
    assert pdf.startswith(b'%PDF-')


def test_monitoring_counts_are_computed_in_the_database(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        by_month = services.counts_by_period(period='month')
    assert sum(n for _, n in by_month) == Complaint.objects.count()
    with django_assert_max_num_queries(1):
        outcomes = services.counts_by_outcome()
    assert sum(outcomes.values()) == Complaint.objects.count()
    with django_assert_max_num_queries(1):
        services.counts_by_norm()


def test_seed_is_repeatable_per_batch(seeded, run_on_commit):
    before = Complaint.objects.filter(signal__isnull=False).count()
    run_on_commit(seed.seed_demo, seeded, random.Random(6), None, standalone=0)
    assert Complaint.objects.filter(signal__isnull=False).count() == before


def test_contact_within_five_working_days(make_complaint, coordinator):
    from .conftest import at
    import datetime
    quick = make_complaint()  # received Monday 3 March 2025
    services.transition(quick, workflow.ACKNOWLEDGED, coordinator, now=at(datetime.date(2025, 3, 10)))  # 5 wd
    slow = make_complaint()
    services.transition(slow, workflow.ACKNOWLEDGED, coordinator, now=at(datetime.date(2025, 3, 11)))  # 6 wd
    make_complaint()  # no step yet: not counted
    assert reports.annual_report(2025)['contact'] == {'total': 2, 'within': 1, 'pct': 50}
