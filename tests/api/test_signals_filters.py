"""Every filter and ordering of the private signal list (FRONTEND-ENDPOINTS.md), bad filter values, and
a constant number of queries whatever the page size."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signals_haarlem.standalone import current
from signals_haarlem.standalone.models import CategoryAssignment, Signal
from tests.api.test_signals_support import LIST, amsterdam  # noqa: F401  (fixtures)
from tests.factories import UserFactory, address, make_signal

pytestmark = pytest.mark.django_db


def ids(client, params=None, path=LIST):
    response = client.get(path, params or {})
    assert response.status_code == 200, response.content
    return [row['id'] for row in response.json()['results']]


def idset(client, params=None):
    return set(ids(client, params))


def relocate(signal, **fields):
    Signal.actions.update_location({'geometrie': signal.location.geometrie, **fields}, signal)


def child_of(parent, category):
    return Signal.actions.split([{
        'signal_data': {'text': 'deel', 'incident_date_start': parent.incident_date_start},
        'location_data': {'geometrie': parent.location.geometrie},
        'category_assignment_data': {'category': category}, 'reporter_data': {}}], parent)[0]


def test_status(admin_client_api, amsterdam):
    a, b = make_signal(amsterdam.asbest), make_signal(amsterdam.asbest, state='b')
    assert idset(admin_client_api, {'status': 'b'}) == {b.pk}
    assert idset(admin_client_api, {'status': ['m', 'b']}) == {a.pk, b.pk}


def test_stadsdeel_area_and_buurt(admin_client_api, amsterdam):
    a, b, c = (make_signal(amsterdam.asbest) for _ in range(3))
    relocate(a, stadsdeel='Centrum', area_type_code='wijk', area_code='W1', buurt_code='B01')
    relocate(b, stadsdeel='Noord', area_type_code='wijk', area_code='W2', buurt_code='B02')
    assert idset(admin_client_api, {'stadsdeel': 'Centrum'}) == {a.pk}
    assert idset(admin_client_api, {'stadsdeel': ['Centrum', 'Noord']}) == {a.pk, b.pk}
    assert idset(admin_client_api, {'area_code': 'W2', 'area_type_code': 'wijk'}) == {b.pk}
    assert idset(admin_client_api, {'area_code': 'W2', 'area_type_code': 'buurt'}) == set()
    assert idset(admin_client_api, {'buurt_code': 'B01'}) == {a.pk}
    assert c.pk not in idset(admin_client_api, {'area_code': ['W1', 'W2']})


def test_priority_and_type(admin_client_api, amsterdam):
    high = make_signal(amsterdam.asbest, priority='high')
    low_req = make_signal(amsterdam.asbest, priority='low', type_code='REQ')
    assert idset(admin_client_api, {'priority': 'high'}) == {high.pk}
    assert idset(admin_client_api, {'priority': ['high', 'low']}) == {high.pk, low_req.pk}
    assert idset(admin_client_api, {'type': 'REQ'}) == {low_req.pk}
    assert idset(admin_client_api, {'type': ['SIG', 'REQ']}) == {high.pk, low_req.pk}


def test_contact_details(admin_client_api, amsterdam):
    email = make_signal(amsterdam.asbest, reporter={'email': 'a@example.com'})
    phone = make_signal(amsterdam.asbest, reporter={'phone': '0612345678'})
    none = make_signal(amsterdam.asbest, reporter={})
    assert idset(admin_client_api, {'contact_details': 'email'}) == {email.pk}
    assert idset(admin_client_api, {'contact_details': 'phone'}) == {phone.pk}
    assert idset(admin_client_api, {'contact_details': 'none'}) == {none.pk}
    assert idset(admin_client_api, {'contact_details': ['email', 'none']}) == {email.pk, none.pk}


def test_kind(admin_client_api, amsterdam):
    single, parent = make_signal(amsterdam.asbest), make_signal(amsterdam.asbest)
    child = child_of(parent, amsterdam.put)
    assert idset(admin_client_api, {'kind': 'signal'}) == {single.pk}
    assert idset(admin_client_api, {'kind': 'parent_signal'}) == {parent.pk}
    assert idset(admin_client_api, {'kind': 'child_signal'}) == {child.pk}
    assert idset(admin_client_api, {'kind': 'exclude_parent_signal'}) == {single.pk, child.pk}
    assert idset(admin_client_api, {'kind': ['signal', 'child_signal']}) == {single.pk, child.pk}


def test_source(admin_client_api, amsterdam):
    online, phone = make_signal(amsterdam.asbest), make_signal(amsterdam.asbest, source='Telefoon')
    assert idset(admin_client_api, {'source': 'Telefoon'}) == {phone.pk}
    assert idset(admin_client_api, {'source': ['Telefoon', 'online']}) == {online.pk, phone.pk}


def test_main_and_sub_category_slugs(admin_client_api, amsterdam):
    asbest, bedrijf, put = (make_signal(c) for c in (amsterdam.asbest, amsterdam.bedrijfsafval, amsterdam.put))
    assert idset(admin_client_api, {'maincategory_slug': 'afval'}) == {asbest.pk, bedrijf.pk}
    assert idset(admin_client_api, {'category_slug': 'put-riolering-verstopt'}) == {put.pk}
    # main and sub categories together: either matches
    assert idset(admin_client_api, {'maincategory_slug': 'wegen-verkeer-straatmeubilair',
                                    'category_slug': 'asbest-accu'}) == {asbest.pk, put.pk}
    assert idset(admin_client_api, {'category_id': amsterdam.bedrijfsafval.pk}) == {bedrijf.pk}


def test_directing_department(admin_client_api, amsterdam):
    with_asc, without = make_signal(amsterdam.asbest), make_signal(amsterdam.asbest)
    for parent in (with_asc, without):
        child_of(parent, amsterdam.put)
    Signal.actions.update_signal_departments({'relation_type': 'directing', 'departments': [{'id': amsterdam.asc.pk}]},
                                             with_asc)
    make_signal(amsterdam.asbest)  # not a parent: never matches
    assert idset(admin_client_api, {'directing_department': 'ASC'}) == {with_asc.pk}
    assert idset(admin_client_api, {'directing_department': 'null'}) == {without.pk}
    assert idset(admin_client_api, {'directing_department': ['ASC', 'null']}) == {with_asc.pk, without.pk}


def test_routing_department_code(admin_client_api, amsterdam):
    routed, other = make_signal(amsterdam.asbest), make_signal(amsterdam.asbest)
    Signal.actions.update_routing_departments({'departments': [{'id': amsterdam.stw.pk}]}, routed)
    Signal.actions.update_routing_departments({'departments': [{'id': amsterdam.asc.pk}]}, other)
    assert idset(admin_client_api, {'routing_department_code': 'STW'}) == {routed.pk}
    assert idset(admin_client_api, {'routing_department_code': ['STW', 'ASC']}) == {routed.pk, other.pk}


def test_has_changed_children(admin_client_api, amsterdam):
    changed, unchanged = make_signal(amsterdam.asbest), make_signal(amsterdam.asbest)
    changed_child = child_of(changed, amsterdam.put)
    unchanged_child = child_of(unchanged, amsterdam.put)
    Signal.objects.filter(pk=unchanged_child.pk).update(updated_at=timezone.now() - timedelta(days=1))
    Signal.objects.filter(pk=changed.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    Signal.objects.filter(pk=changed_child.pk).update(updated_at=timezone.now())
    make_signal(amsterdam.asbest)
    assert idset(admin_client_api, {'has_changed_children': 'true'}) == {changed.pk}
    assert idset(admin_client_api, {'has_changed_children': 'false'}) == {unchanged.pk}
    assert idset(admin_client_api, {'has_changed_children': ['true', 'false']}) == {changed.pk, unchanged.pk}


def test_feedback(admin_client_api, amsterdam):
    make_signal(amsterdam.asbest)
    # A signal never asked for feedback is in none of the three (the rest: tests/api/test_feedback.py).
    for kind in ('satisfied', 'not_satisfied', 'not_received'):
        assert idset(admin_client_api, {'feedback': kind}) == set(), kind


def test_punctuality(admin_client_api, amsterdam):
    now = timezone.now()
    on_time, late, very_late, closed = (make_signal(amsterdam.asbest) for _ in range(4))
    for signal, deadline, factor_3 in ((on_time, now + timedelta(days=2), now + timedelta(days=8)),
                                       (late, now - timedelta(days=1), now + timedelta(days=5)),
                                       (very_late, now - timedelta(days=10), now - timedelta(days=1)),
                                       (closed, now - timedelta(days=10), now - timedelta(days=1))):
        CategoryAssignment.objects.filter(pk=signal.category_assignment_id).update(
            deadline=deadline, deadline_factor_3=factor_3)
    current.refresh_signals()  # the deadlines were set around Signal.save(): copy them onto the rows
    Signal.actions.update_status({'state': 'o', 'text': 'Klaar'}, closed)
    assert idset(admin_client_api, {'punctuality': 'on_time'}) == {on_time.pk}
    assert idset(admin_client_api, {'punctuality': 'late'}) == {late.pk, very_late.pk}
    assert idset(admin_client_api, {'punctuality': 'late_factor_3'}) == {very_late.pk}


def test_note_keyword_and_address_text(admin_client_api, amsterdam):
    noted = make_signal(amsterdam.asbest, address=address('Grote Markt', 2, '2011RD'))
    Signal.actions.create_note({'text': 'Container staat bij de KERK'}, noted)
    Signal.actions.create_note({'text': 'Nog een kerk-notitie'}, noted)
    other = make_signal(amsterdam.asbest, address=address('Zijlweg', 1))
    assert ids(admin_client_api, {'note_keyword': 'kerk'}) == [noted.pk]  # once, though two notes match
    assert idset(admin_client_api, {'address_text': 'zijlweg'}) == {other.pk}


def test_created_after_and_before(admin_client_api, amsterdam):
    old = make_signal(amsterdam.asbest, created_at=timezone.now() - timedelta(days=10))
    new = make_signal(amsterdam.asbest)
    day = (timezone.localtime() - timedelta(days=5)).strftime('%Y-%m-%dT%H:%M:%S')
    assert idset(admin_client_api, {'created_after': day}) == {new.pk}
    assert idset(admin_client_api, {'created_before': day}) == {old.pk}
    assert idset(admin_client_api, {'updated_after': day}) == {old.pk, new.pk}
    for far in ('0001-01-01', '0001-01-01T00:00:00', '9999-12-31T23:59:59'):
        response = admin_client_api.get(LIST, {'created_after': far})
        assert response.status_code == 400 and response.json() == {
            'created_after': ['Geef een datum tussen 1900 en 2199.']}, far


def test_assigned_user_email(admin_client_api, amsterdam):
    user = UserFactory(username='behandelaar@haarlem.nl')
    assigned, unassigned, unassigned_again = (make_signal(amsterdam.asbest) for _ in range(3))
    Signal.actions.update_user_assignment({'user': user}, assigned)
    Signal.actions.update_user_assignment({'user': user}, unassigned_again)
    Signal.actions.update_user_assignment({'user': None}, unassigned_again)
    assert idset(admin_client_api, {'assigned_user_email': 'Behandelaar@haarlem.nl'}) == {assigned.pk}
    assert idset(admin_client_api, {'assigned_user_email': 'null'}) == {unassigned.pk, unassigned_again.pk}


def test_id_and_reporter_email(admin_client_api, amsterdam):
    a = make_signal(amsterdam.asbest, reporter={'email': 'x@example.com'})
    b = make_signal(amsterdam.asbest)
    assert idset(admin_client_api, {'id': b.pk}) == {b.pk}
    assert idset(admin_client_api, {'reporter_email': 'X@example.com'}) == {a.pk}


@pytest.mark.parametrize('params', [
    {'status': 'weg'}, {'priority': 'urgent'}, {'type': 'XYZ'}, {'contact_details': 'fax'}, {'kind': 'alles'},
    {'has_changed_children': 'misschien'}, {'feedback': 'blij'}, {'punctuality': 'vroeg'},
    {'created_after': 'gisteren'}, {'created_before': '2024-13-45T99:00:00'}, {'id': 'abc'}, {'category_id': 'x'},
    {'id': str(10 ** 30)}, {'incident_date': '31-12-2024'},
])
def test_bad_filter_values_are_400(admin_client_api, amsterdam, params):
    response = admin_client_api.get(LIST, params)
    assert response.status_code == 400, response.content
    assert set(params) <= set(response.json())


def test_bad_page_is_404_not_500(admin_client_api, amsterdam):
    make_signal(amsterdam.asbest)
    assert admin_client_api.get(LIST, {'page': 'x'}).status_code == 404
    assert admin_client_api.get(LIST, {'page': 99}).status_code == 404
    assert admin_client_api.get(LIST, {'page_size': 'x'}).status_code == 200


# -- ordering -------------------------------------------------------------------------------------

@pytest.fixture
def ordered(amsterdam):
    user_a, user_b = UserFactory(username='a@haarlem.nl'), UserFactory(username='b@haarlem.nl')
    now = timezone.now()
    specs = [  # (category, priority, state, address, postcode, stadsdeel, area_name, user, age in days)
        (amsterdam.asbest, 'low', 'b', 'Aweg 1', '1000AA', 'Centrum', 'Zuid', user_b, 3),
        (amsterdam.put, 'high', 'm', 'Cweg 1', '3000CC', 'West', 'Noord', user_a, 1),
        (amsterdam.bedrijfsafval, 'normal', 'i', 'Bweg 1', '2000BB', 'Oost', 'Midden', None, 2),
    ]
    signals = []
    for category, priority, state, address_text, postcode, stadsdeel, area, user, age in specs:
        signal = make_signal(category, priority=priority, state=state, created_at=now - timedelta(days=age))
        Signal.actions.update_location({'geometrie': signal.location.geometrie, 'address_text': address_text,
                                        'postcode': postcode, 'stadsdeel': stadsdeel, 'area_name': area}, signal)
        if user:
            Signal.actions.update_user_assignment({'user': user}, signal)
        signals.append(signal)
    return signals


ORDERINGS = {
    # value: the expected order as indexes into `ordered`
    'id': [0, 1, 2], 'created_at': [0, 2, 1], 'priority': [1, 0, 2], 'status': [0, 2, 1],
    'sub_category': [0, 2, 1], 'address': [0, 2, 1], 'postcode': [0, 2, 1], 'stadsdeel': [0, 2, 1],
    'area_name': [2, 1, 0], 'updated_at': [0, 1, 2],
}


@pytest.mark.parametrize('value', sorted(ORDERINGS))
def test_ordering(admin_client_api, ordered, value):
    expected = [ordered[i].pk for i in ORDERINGS[value]]
    assert ids(admin_client_api, {'ordering': value}) == expected
    assert ids(admin_client_api, {'ordering': f'-{value}'}) == expected[::-1]


def test_ordering_by_assigned_user_email(admin_client_api, ordered):
    result = ids(admin_client_api, {'ordering': 'assigned_user_email'})
    assert result.index(ordered[1].pk) < result.index(ordered[0].pk)  # a@ before b@
    result = ids(admin_client_api, {'ordering': '-assigned_user_email'})
    assert result.index(ordered[0].pk) < result.index(ordered[1].pk)


def test_default_ordering_is_newest_first_and_unknown_ordering_is_ignored(admin_client_api, ordered):
    newest_first = [ordered[i].pk for i in (1, 2, 0)]
    assert ids(admin_client_api) == newest_first
    assert ids(admin_client_api, {'ordering': 'wachtwoord'}) == newest_first


# -- query count ----------------------------------------------------------------------------------

def _queries(client, page_size):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, {'page_size': page_size})
    assert response.status_code == 200 and len(response.json()['results']) == page_size
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_page(admin_client_api, amsterdam):
    user = UserFactory(username='behandelaar@haarlem.nl')
    categories = [amsterdam.asbest, amsterdam.bedrijfsafval, amsterdam.put, amsterdam.overig]
    parent = None
    for i in range(52):
        signal = make_signal(categories[i % 4], parent=parent if i % 10 == 5 else None)
        parent = parent or signal
        Signal.actions.create_note({'text': f'notitie {i}'}, signal)
        Signal.actions.update_user_assignment({'user': user}, signal)
        Signal.actions.update_routing_departments({'departments': [{'id': amsterdam.stw.pk}]}, signal)
    assert _queries(admin_client_api, 1) == _queries(admin_client_api, 50)


def test_detail_query_count_does_not_grow_with_notes_and_children(admin_client_api, amsterdam):
    signal = make_signal(amsterdam.asbest)
    with CaptureQueriesContext(connection) as before:
        admin_client_api.get(f'{LIST}{signal.pk}')
    for i in range(10):
        Signal.actions.create_note({'text': f'notitie {i}'}, signal)
    child_of(signal, amsterdam.put)
    child_of(signal, amsterdam.put)
    with CaptureQueriesContext(connection) as after:
        admin_client_api.get(f'{LIST}{signal.pk}')
    assert len(after.captured_queries) == len(before.captured_queries)
