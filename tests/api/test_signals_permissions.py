"""Who sees and changes which signals: departments and their categories, sia_read/sia_write, the
right to see all categories, masked contact details, and 401 without a valid token."""
import pytest

from signals_haarlem.standalone.models import CategoryDepartment
from tests.api.test_signals_support import (  # noqa: F401  (fixtures)
    ALL_WRITE, LIST, amsterdam, client_for, counts, detail_url, private_body, staff,
)
from tests.factories import DepartmentFactory, make_signal

pytestmark = pytest.mark.django_db

SUB = 'http://testserver/signals/v1/public/terms/categories/afval/sub_categories/bedrijfsafval'


@pytest.fixture
def setup(amsterdam):
    """THO is responsible for asbest-accu, STW for put-riolering-verstopt; a THO user and a STW user."""
    asbest = make_signal(amsterdam.asbest, reporter={'email': 'melder@example.com', 'phone': '0612345678'})
    put = make_signal(amsterdam.put)
    tho_user = staff([amsterdam.tho], username='tho@haarlem.nl')
    stw_user = staff([amsterdam.stw], username='stw@haarlem.nl')
    return {'asbest': asbest, 'put': put, 'tho': client_for(tho_user), 'stw': client_for(stw_user),
            'tho_user': tho_user, 'amsterdam': amsterdam}


def test_a_user_sees_only_signals_of_their_departments(setup):
    assert [r['id'] for r in setup['tho'].get(LIST).json()['results']] == [setup['asbest'].pk]
    assert [r['id'] for r in setup['stw'].get(LIST).json()['results']] == [setup['put'].pk]


def test_a_signal_routed_to_a_department_is_visible_to_it(setup):
    """As upstream Signalen: routing (e.g. the triage's lane team) lets the department see the signal."""
    from signals_haarlem import signalen
    put = setup['put']
    assert setup['tho'].get(f'{LIST}{put.pk}').status_code == 404
    signalen.set_routing_departments(put, [setup['amsterdam'].tho])
    assert {r['id'] for r in setup['tho'].get(LIST).json()['results']} == {setup['asbest'].pk, put.pk}
    assert setup['tho'].get(f'{LIST}{put.pk}').status_code == 200
    assert [r['id'] for r in setup['stw'].get(LIST).json()['results']] == [put.pk]  # still its category's


def test_another_departments_signal_is_404_everywhere(setup):
    client, pk = setup['stw'], setup['asbest'].pk
    for suffix in ('', '/history', '/attachments', '/children/', '/context', '/pdf'):
        assert client.get(f'{LIST}{pk}{suffix}').status_code == 404, suffix
    assert client.post(f'{LIST}{pk}/email/preview', {'status': 'b'}, format='json').status_code == 404


def test_another_departments_signal_cannot_be_changed(setup):
    before = counts()
    response = setup['stw'].patch(detail_url(setup['asbest']), {'priority': {'priority': 'high'},
                                                                'notes': [{'text': 'x'}]}, format='json')
    assert response.status_code == 404
    assert counts() == before
    assert setup['tho'].patch(detail_url(setup['asbest']), {'priority': {'priority': 'high'}},
                              format='json').status_code == 200


def test_can_view_without_responsibility_counts(setup):
    CategoryDepartment.objects.create(category=setup['amsterdam'].put, department=setup['amsterdam'].tho,
                                      is_responsible=False, can_view=True)
    assert {r['id'] for r in setup['tho'].get(LIST).json()['results']} == {setup['asbest'].pk, setup['put'].pk}


def test_neither_responsible_nor_viewing_hides(setup):
    link = CategoryDepartment.objects.get(category=setup['amsterdam'].asbest, department=setup['amsterdam'].tho)
    link.is_responsible = link.can_view = False
    link.save()
    assert setup['tho'].get(LIST).json()['count'] == 0


def test_view_all_categories_permission(setup):
    user = staff([], (*ALL_WRITE, 'signals.sia_can_view_all_categories'))
    assert client_for(user).get(LIST).json()['count'] == 2


def test_user_without_departments_sees_nothing(setup):
    assert client_for(staff([])).get(LIST).json()['count'] == 0


def test_search_geography_csv_and_reports_respect_departments(setup):
    user = staff([setup['amsterdam'].stw], (*ALL_WRITE, 'signals.sia_signal_export'))
    client = client_for(user)
    assert client.get('/signals/v1/private/search', {'q': f'SIG-{setup["asbest"].pk}'}).json()['count'] == 0
    features = client.get('/signals/v1/private/signals/geography').json()['features']
    assert [f['properties']['id'] for f in features] == [setup['put'].pk]
    csv_text = b''.join(client.get('/signals/v1/private/csv').streaming_content).decode()
    assert len(csv_text.strip().splitlines()) == 2  # header + the STW signal
    assert client.get('/signals/v1/private/reports/signals/open').json()['total_signal_count'] == 1


def test_reading_needs_sia_read(setup):
    client = client_for(staff([setup['amsterdam'].tho], ()))
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(setup['asbest'])).status_code == 403


def test_changing_needs_sia_write(setup):
    client = client_for(staff([setup['amsterdam'].tho], ('signals.sia_read',)))
    assert client.get(detail_url(setup['asbest'])).status_code == 200
    before = counts()
    assert client.patch(detail_url(setup['asbest']), {'priority': {'priority': 'high'}},
                        format='json').status_code == 403
    assert client.post(LIST, private_body(), format='json').status_code == 403
    assert counts() == before


def test_creating_needs_create_initial(setup):
    client = client_for(staff([setup['amsterdam'].tho], ('signals.sia_read', 'signals.sia_write')))
    before = counts()
    assert client.post(LIST, private_body(), format='json').status_code == 403
    assert counts() == before


def test_contact_details_are_masked_without_the_permission(setup):
    row = setup['tho'].get(LIST).json()['results'][0]
    assert (row['reporter']['email'], row['reporter']['phone']) == ('*****', '*****')
    detail = setup['tho'].get(detail_url(setup['asbest'])).json()
    assert (detail['reporter']['email'], detail['reporter']['phone']) == ('*****', '*****')
    user = staff([setup['amsterdam'].tho], (*ALL_WRITE, 'signals.sia_can_view_contact_details'))
    detail = client_for(user).get(detail_url(setup['asbest'])).json()
    assert (detail['reporter']['email'], detail['reporter']['phone']) == ('melder@example.com', '0612345678')


def test_superuser_sees_contact_details(admin_client_api, setup):
    assert admin_client_api.get(detail_url(setup['asbest'])).json()['reporter']['email'] == 'melder@example.com'


def test_category_change_moves_a_signal_out_of_sight(setup):
    client = setup['tho']
    response = client.patch(detail_url(setup['asbest']), {'category': {'sub_category': SUB}}, format='json')
    assert response.status_code == 200  # the answer to the change itself is still given
    assert client.get(detail_url(setup['asbest'])).status_code == 404


@pytest.mark.parametrize('header', [None, 'Bearer', 'Bearer rommel', 'Bearer a.b.c', 'Basic YWJjOmRlZg==',
                                    'Bearer eyJhbGciOiJub25lIn0.eyJlbWFpbCI6ImFAYi5ubCJ9.'])
def test_without_a_valid_token_is_401(api_client, setup, header):
    if header:
        api_client.credentials(HTTP_AUTHORIZATION=header)
    for path in (LIST, detail_url(setup['asbest']), '/signals/v1/private/search?q=x', '/signals/v1/private/csv'):
        assert api_client.get(path).status_code == 401, (header, path)


def test_inactive_user_is_401(setup):
    user = setup['tho_user']
    client = client_for(user)
    user.is_active = False
    user.save()
    assert client.get(LIST).status_code == 401


def test_csv_needs_export_permission(setup):
    assert setup['tho'].get('/signals/v1/private/csv').status_code == 403


def test_other_department_children_are_marked_not_viewable(admin_client_api, setup):
    from tests.api.test_signals_filters import child_of
    parent = setup['asbest']
    child_of(parent, setup['amsterdam'].put)
    children = setup['tho'].get(f'{LIST}{parent.pk}/children/').json()['results']
    assert [c['can_view_signal'] for c in children] == [False]
    assert [c['can_view_signal'] for c in admin_client_api.get(f'{LIST}{parent.pk}/children/').json()['results']] == [
        True]


def test_unrelated_department_does_not_leak(setup):
    DepartmentFactory(code='XYZ')
    assert setup['stw'].get(LIST, {'routing_department_code': 'XYZ'}).json()['count'] == 0
