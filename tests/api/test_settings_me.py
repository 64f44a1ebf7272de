"""`/private/me/` (example 13) and `/private/me/filters/`."""
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

from tests.conftest import bearer
from tests.factories import DepartmentFactory, UserFactory

EXAMPLES = Path(__file__).resolve().parents[2].parent / 'shared' / 'signalen-contract' / 'examples'
ME = '/signals/v1/private/me/'
FILTERS = '/signals/v1/private/me/filters/'


def json_type(value):
    return {dict: 'object', list: 'array', str: 'string', bool: 'boolean', int: 'number', float: 'number',
            type(None): 'null'}[type(value)]


def assert_same_shape(ours, theirs, path='$'):
    """The same keys at every level and the same JSON types (null matches anything)."""
    if theirs is None or ours is None:
        return
    assert json_type(ours) == json_type(theirs), f'{path}: {json_type(ours)} != {json_type(theirs)}'
    if isinstance(theirs, dict):
        assert set(ours) == set(theirs), f'{path}: keys differ: {set(ours) ^ set(theirs)}'
        for key in theirs:
            assert_same_shape(ours[key], theirs[key], f'{path}.{key}')
    elif isinstance(theirs, list) and theirs and ours:
        for item in ours:
            assert_same_shape(item, theirs[0], f'{path}[]')


@pytest.fixture
def example_me():
    return json.loads((EXAMPLES / '13_private_me.response.json').read_text())


def test_me_has_the_shape_of_example_13(admin_client_api, admin_user, example_me):
    response = admin_client_api.get(ME)
    assert response.status_code == 200
    data = response.json()
    assert_same_shape(data, example_me)
    assert data['_links']['self']['href'] == f'http://testserver/signals/v1/private/users/{admin_user.pk}'
    assert data['_links']['curies'] == {'name': 'sia', 'href': 'http://testserver/signals/v1/relations'}
    assert data['is_superuser'] is True


def test_me_lists_roles_permissions_and_department_names(api_client, db):
    role = Group.objects.create(name='Behandelaar')
    role.permissions.add(Permission.objects.get(codename='sia_read'), Permission.objects.get(codename='sia_write'))
    user = UserFactory(username='behandelaar@haarlem.nl',
                       departments=[DepartmentFactory(code='EEN', name='Team Eenvoudig'),
                                    DepartmentFactory(code='CPX', name='Team Complex')])
    user.groups.add(role)
    user.user_permissions.add(Permission.objects.get(codename='change_category'))
    api_client.credentials(**bearer(user))

    data = api_client.get(ME).json()

    assert data['username'] == 'behandelaar@haarlem.nl'
    assert [r['name'] for r in data['roles']] == ['Behandelaar']
    assert sorted(p['codename'] for p in data['roles'][0]['permissions']) == ['sia_read', 'sia_write']
    assert [p['codename'] for p in data['permissions']] == ['change_category']
    assert data['profile']['departments'] == ['Team Complex', 'Team Eenvoudig']
    assert data['is_superuser'] is False
    role_permission = data['roles'][0]['permissions'][0]
    assert set(role_permission) == {'_links', '_display', 'id', 'name', 'codename'}


def test_me_without_profile_still_answers(api_client, db):
    from django.contrib.auth import get_user_model
    user = get_user_model().objects.create(username='zonder@haarlem.nl', email='zonder@haarlem.nl')
    api_client.credentials(**bearer(user))
    data = api_client.get(ME).json()
    assert data['profile']['departments'] == []
    assert data['profile']['notification_on_user_assignment'] is False


def test_me_needs_a_token(api_client, db):
    assert api_client.get(ME).status_code == 401


def test_me_is_read_only(admin_client_api):
    assert admin_client_api.patch(ME, {'first_name': 'X'}, format='json').status_code == 405


def test_me_answers_without_trailing_slash_too(admin_client_api):
    assert admin_client_api.get(ME.rstrip('/')).status_code == 200


# -- stored filters ---------------------------------------------------------------------------------

OPTIONS = {'status': ['m', 'i'], 'maincategory_slug': ['afval'], 'priority': 'high', 'area_code': ['centrum'],
           'area_type_code': 'wijk', 'routing_department_code': ['EEN'], 'assigned_user_email': 'null'}


@pytest.fixture
def user_client(api_client, db):
    user = UserFactory(username='filteraar@haarlem.nl', is_staff=True)
    api_client.credentials(**bearer(user))
    api_client.user = user
    return api_client


def test_filter_crud_as_the_frontend_does_it(user_client):
    created = user_client.post(FILTERS, {'name': 'Mijn afval', 'refresh': True, 'show_on_overview': True,
                                         'options': OPTIONS}, format='json')
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body['name'] == 'Mijn afval' and body['refresh'] is True and body['options'] == OPTIONS
    assert body['_links']['self']['href'] == f'http://testserver/signals/v1/private/me/filters/{body["id"]}'

    listed = user_client.get(FILTERS).json()
    assert listed['count'] == 1
    item = listed['results'][0]
    assert {'id', 'name', 'refresh', 'show_on_overview', 'options'} <= set(item)

    detail = f'{FILTERS}{body["id"]}'
    patched = user_client.patch(detail, {'name': 'Afval centrum', 'refresh': False, 'show_on_overview': False,
                                         'options': {'status': ['o']}}, format='json')
    assert patched.status_code == 200
    assert patched.json()['options'] == {'status': ['o']}
    assert patched.json()['refresh'] is False

    assert user_client.patch(detail, {'name': 'Alleen naam'}, format='json').json()['options'] == {'status': ['o']}

    assert user_client.delete(detail).status_code == 204
    assert user_client.get(FILTERS).json()['count'] == 0


def test_filters_of_other_users_are_invisible(user_client, db):
    from signals_haarlem.standalone.models import StoredSignalFilter
    other = UserFactory(username='ander@haarlem.nl')
    theirs = StoredSignalFilter.objects.create(created_by=other, name='Van een ander', options={})
    assert user_client.get(FILTERS).json()['count'] == 0
    assert user_client.get(f'{FILTERS}{theirs.pk}').status_code == 404
    assert user_client.delete(f'{FILTERS}{theirs.pk}').status_code == 404
    assert StoredSignalFilter.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize('body, field', [
    ({'name': 'Zonder opties'}, 'options'),
    ({'name': '', 'options': {}}, 'name'),
    ({'options': {}}, 'name'),
    ({'name': 'x', 'options': ['status']}, 'options'),
    ({'name': 'x', 'options': {'onbekend_filter': 'a'}}, 'options'),
    ({'name': 'x', 'options': {'status': {'nested': 'object'}}}, 'options'),
    ({'name': 'x', 'options': {'status': [['m']]}}, 'options'),
    ({'name': 'x', 'options': {}, 'refresh': 'misschien'}, 'refresh'),
])
def test_bad_filters_are_refused_and_nothing_is_saved(user_client, body, field):
    from signals_haarlem.standalone.models import StoredSignalFilter
    response = user_client.post(FILTERS, body, format='json')
    assert response.status_code == 400
    assert field in response.json()
    assert not StoredSignalFilter.objects.exists()


def test_filters_need_a_token(api_client, db):
    assert api_client.get(FILTERS).status_code == 401
    assert api_client.post(FILTERS, {'name': 'x', 'options': {}}, format='json').status_code == 401
