"""The werkplek dashboard page and its exports (server side; the browser test is in test_browser.py)."""
import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from signals_haarlem.monitoring import services
from signals_haarlem.monitoring.services import Filters

pytestmark = pytest.mark.django_db

URL = '/werkplek/monitoring/'


def test_login_and_permission_required(client, stranger):
    response = client.get(URL)
    assert response.status_code == 302 and '/werkplek/login/' in response['Location']
    client.force_login(stranger)
    assert client.get(URL).status_code == 403
    assert client.get(URL + 'export/meldingen-per-week.csv').status_code == 403
    assert 'Monitoring' not in client.get('/werkplek/').content.decode()


def test_roles_monitoring_and_teamleider_see_the_dashboard(client, db):
    from django.contrib.auth.models import Group

    from signals_haarlem.core import fixtures_loader
    from tests.factories import UserFactory
    fixtures_loader.load_all(kinds=('roles',), apps=False)
    for role in ('Monitoring', 'Teamleider'):
        user = UserFactory(username=f'{role.lower()}@haarlem.nl')
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        assert client.get(URL).status_code == 200, role
        assert f'href="{URL}"' in client.get('/werkplek/').content.decode()


def test_page_shows_every_figure_with_chart_table_and_exports(client, monitor, dataset):
    client.force_login(monitor)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    filters = Filters.default()
    figures = services.dashboard(filters)
    for key, figure in figures.items():
        slug = services.SLUGS[key]
        assert f'data-figure="{key}"' in html
        assert f'<caption id="{slug}-tabel">' in html
        assert f'href="{URL}export/{slug}.csv"' in html and f'href="{URL}export/{slug}.xlsx"' in html
    assert html.count('<svg') == len(figures)
    assert html.count('role="img"') == len(figures)
    assert 'scope="col"' in html and 'scope="row"' in html
    total = services.summary(figures)['signals']
    assert f'<strong>{total}</strong> Meldingen in de periode' in html
    assert filters.describe() in html


def test_filters_change_the_figures_and_keep_the_choice(client, monitor, dataset, lanes):
    client.force_login(monitor)
    today = timezone.localdate()
    start = today - timedelta(days=90)
    response = client.get(URL, {'van': start.isoformat(), 'tot': today.isoformat(), 'baan': 'complex',
                                'categorie': 'afval', 'gebied': 'noord'})
    html = response.content.decode()
    filters = Filters(start=start, end=today, lane=lanes['complex'], category=dataset['categories']['afval'],
                      area='noord', area_name='Noord')
    total = services.summary(services.dashboard(filters, keys=['signals_per_week']))['signals']
    assert f'<strong>{total}</strong> Meldingen in de periode' in html
    assert '<option value="complex" selected>' in html and '<option value="afval" selected>' in html
    assert '<option value="noord" selected>' in html
    assert f'export/meldingen-per-week.csv?van={start.isoformat()}' in html


def test_bad_filters_are_explained_not_a_server_error(client, monitor, lanes):
    client.force_login(monitor)
    response = client.get(URL, {'van': '2025-05-01', 'tot': '2025-04-01', 'baan': 'snel'})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'De einddatum ligt vóór de begindatum.' in html and 'Onbekende baan.' in html
    assert '<a href="#f-baan">Baan: Onbekende baan.</a>' in html and 'aria-describedby="e-baan"' in html
    assert 'role="alert"' in html and '<svg' not in html
    response = client.get(URL + 'export/hertriage.csv', {'baan': 'snel'})
    assert response.status_code == 400 and 'Onbekende baan.' in response.content.decode()
    assert client.get(URL + 'export/bestaat-niet.csv').status_code == 404


def test_csv_export_has_the_table(client, monitor, dataset):
    client.force_login(monitor)
    response = client.get(URL + 'export/op-tijd-per-baan.csv')
    assert response.status_code == 200
    assert response['Content-Type'].startswith('text/csv')
    assert 'attachment; filename="monitoring-op-tijd-per-baan-' in response['Content-Disposition']
    text = response.content.decode('utf-8-sig')
    rows = list(csv.reader(io.StringIO(text), delimiter=';'))
    figure = services.on_time_by_lane(Filters.default())
    assert rows[0] == [c.label for c in figure.columns]
    assert [r[0] for r in rows[1:]] == [r['name'] for r in figure.rows]
    measured = rows[0].index('Afhandeling meetbaar')
    assert [int(r[measured]) for r in rows[1:]] == [r['res_measured'] for r in figure.rows]
    share = rows[0].index('Afhandeling op tijd (%)')
    first = figure.rows[0]
    assert rows[1][share] == ('' if first['res_share'] is None else f'{first["res_share"] * 100:.1f}'.replace('.', ','))


def test_xlsx_exports(client, monitor, dataset):
    client.force_login(monitor)
    response = client.get(URL + 'export/meldingen-per-week.xlsx')
    assert response.status_code == 200
    assert response['Content-Type'] == 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    figure = services.signals_per_week(Filters.default())
    assert [c.value for c in ws[1]] == [c.label for c in figure.columns]
    assert ws.max_row == len(figure.rows) + 1
    total_col = [c.label for c in figure.columns].index('Totaal')
    assert sum(row[total_col].value for row in ws.iter_rows(min_row=2)) == sum(r['total'] for r in figure.rows)
    assert ws.cell(row=2, column=2).number_format == 'DD-MM-YYYY'
    assert wb.sheetnames[-1] == 'Toelichting'

    # a lane named with a control character (older data; the settings refuse one now) does not break it
    from signals_haarlem.triage.models import Lane
    Lane.objects.filter(code='complex').update(name='Com\x01plex\x1b')  # (no NUL: PostgreSQL cannot hold it)
    response = client.get(URL + 'export/alles.xlsx')
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == len(services.FIGURES) + 1
    assert 'Complex' in [c.value for c in wb['Op tijd per baan']['A']]
    shares = wb['Op tijd per baan']
    header = [c.value for c in shares[1]]
    assert shares.cell(row=2, column=header.index('Afhandeling op tijd (%)') + 1).number_format == '0.0%'
