"""The monitoring API under /signals/v1/haarlem/monitoring/: the same figures as the dashboard."""
from datetime import timedelta

import pytest
from django.utils import timezone

from signals_haarlem.monitoring import services
from signals_haarlem.monitoring.services import Filters
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

BASE = '/signals/v1/haarlem/monitoring/'


def test_permission_required(api_client, stranger, monitor, admin_user):
    assert api_client.get(BASE + 'dashboard/').status_code == 401
    response = api_client.get(BASE + 'dashboard/', **bearer(stranger))
    assert response.status_code == 403
    assert 'monitoringcijfers' in response.json()['detail']
    assert api_client.get(BASE + 'figures/hertriage/', **bearer(stranger)).status_code == 403
    for user in (monitor, admin_user):
        assert api_client.get(BASE + 'figures/', **bearer(user)).status_code == 200


def test_dashboard_returns_every_figure_for_the_filters(api_client, monitor, dataset):
    response = api_client.get(BASE + 'dashboard/', **bearer(monitor))
    assert response.status_code == 200
    data = response.json()
    filters = Filters.default()
    assert data['filters'] == {'from': filters.start.isoformat(), 'to': filters.end.isoformat(), 'lane': None,
                               'category': None, 'area': None}
    assert list(data['figures']) == list(services.FIGURES)
    figures = services.dashboard(filters)
    for key, figure in figures.items():
        got = data['figures'][key]
        assert got['title'] == figure.title
        assert [c['key'] for c in got['columns']] == [c.key for c in figure.columns]
        assert len(got['rows']) == len(figure.rows)
    weekly = data['figures']['signals_per_week']['rows']
    assert sum(row['total'] for row in weekly) == data['summary']['signals'] == services.summary(figures)['signals']
    assert weekly[0]['week'] == figures['signals_per_week'].rows[0]['week'].isoformat()
    lanes = data['figures']['on_time_by_lane']['rows']
    assert [(r['name'], r['res_on_time'], r['res_measured']) for r in lanes] == \
        [(r['name'], r['res_on_time'], r['res_measured']) for r in figures['on_time_by_lane'].rows]


def test_one_figure_with_filters(api_client, monitor, dataset, lanes):
    today = timezone.localdate()
    start = today - timedelta(days=120)
    response = api_client.get(BASE + 'figures/open_by_age/', {'lane': 'maatwerk', 'category': 'groen'},
                              **bearer(monitor))
    assert response.status_code == 200
    data = response.json()
    filters = Filters(start=Filters.default().start, end=today, lane=lanes['maatwerk'],
                      category=dataset['categories']['groen'])
    assert data['key'] == 'open_by_age' and data['filters']['lane'] == 'maatwerk'
    assert data['filters']['category'] == 'groen'
    assert data['rows'] == services.open_by_age(filters).as_dict()['rows']
    response = api_client.get(BASE + 'figures/complaints_by_outcome/',
                              {'from': start.isoformat(), 'area': 'centrum'}, **bearer(monitor))
    expected = services.complaints_by_outcome(Filters(start=start, end=today, area='centrum', area_name='Centrum'))
    assert response.json()['rows'] == expected.as_dict()['rows']
    assert response.json()['notes']  # explains that complaints without a matching signal drop out


def test_bad_filters_give_field_errors(api_client, monitor, lanes):
    response = api_client.get(BASE + 'dashboard/', {'from': 'gisteren', 'lane': 'snel', 'category': 'nee'},
                              **bearer(monitor))
    assert response.status_code == 400
    errors = response.json()
    assert errors['from'] == ['Geef een datum als jjjj-mm-dd.']
    assert errors['lane'] == ['Onbekende baan.'] and errors['category'] == ['Onbekende categorie.']
    assert api_client.get(BASE + 'figures/onbekend/', **bearer(monitor)).status_code == 404


def test_figure_list(api_client, monitor):
    data = api_client.get(BASE + 'figures/', **bearer(monitor)).json()
    assert [item['key'] for item in data['results']] == list(services.FIGURES)
    assert data['results'][0]['url'].endswith(BASE + 'figures/signals_per_week/')
