"""`/private/users/`, `/private/roles/`, `/private/permissions/` and the username autocomplete."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from signals_haarlem.standalone.models import Profile, SettingsLog
from tests.conftest import bearer
from tests.factories import DepartmentFactory, UserFactory

User = get_user_model()
USERS = '/signals/v1/private/users/'
ROLES = '/signals/v1/private/roles/'
PERMISSIONS = '/signals/v1/private/permissions/'
AUTOCOMPLETE = '/signals/v1/private/autocomplete/usernames/'


@pytest.fixture
def people(db):
    een = DepartmentFactory(code='EEN', name='Team Eenvoudig')
    cpx = DepartmentFactory(code='CPX', name='Team Complex')
    behandelaar = Group.objects.create(name='Behandelaar')
    behandelaar.permissions.add(Permission.objects.get(codename='sia_read'))
    anna = UserFactory(username='anna@haarlem.nl', departments=[een])
    anna.groups.add(behandelaar)
    bram = UserFactory(username='bram@haarlem.nl', departments=[cpx])
    cees = UserFactory(username='cees@haarlem.nl', departments=[een], is_active=False)
    return {'een': een, 'cpx': cpx, 'behandelaar': behandelaar, 'anna': anna, 'bram': bram, 'cees': cees}


def usernames(response):
    return [u['username'] for u in response.json()['results']]


def test_list_shape(admin_client_api, people):
    data = admin_client_api.get(USERS, {'page': 1, 'page_size': 50}).json()
    anna = [u for u in data['results'] if u['username'] == 'anna@haarlem.nl'][0]
    assert set(anna) == {'_links', '_display', 'id', 'username', 'is_active', 'roles', 'profile'}
    assert anna['roles'] == ['Behandelaar']
    assert anna['profile']['departments'] == ['Team Eenvoudig']
    assert {'note', 'departments', 'created_at', 'updated_at'} <= set(anna['profile'])
    assert data['count'] == 4


@pytest.mark.parametrize('params, expected', [
    ({'profile_department_code': 'EEN'}, ['anna@haarlem.nl', 'cees@haarlem.nl']),
    ({'profile_department_code': ['EEN', 'CPX'], 'is_active': 'true'}, ['anna@haarlem.nl', 'bram@haarlem.nl']),
    ({'role': 'Behandelaar'}, ['anna@haarlem.nl']),
    ({'is_active': 'false'}, ['cees@haarlem.nl']),
    ({'username': 'BRA'}, ['bram@haarlem.nl']),
    ({'ordering': '-username', 'profile_department_code': 'EEN'}, ['cees@haarlem.nl', 'anna@haarlem.nl']),
])
def test_list_filters(admin_client_api, people, params, expected):
    assert usernames(admin_client_api.get(USERS, params)) == expected


@pytest.mark.parametrize('params, field', [({'is_active': 'misschien'}, 'is_active'), ({'ordering': 'password'},
                                                                                        'ordering')])
def test_bad_list_filters_are_400(admin_client_api, people, params, field):
    response = admin_client_api.get(USERS, params)
    assert response.status_code == 400
    assert field in response.json()


def test_create_user_with_roles_and_profile(admin_client_api, people, admin_user):
    response = admin_client_api.post(USERS, {
        'username': 'nieuw@haarlem.nl', 'first_name': 'Nieuwe', 'last_name': 'Collega', 'is_active': True,
        'role_ids': [people['behandelaar'].pk],
        'profile': {'department_ids': [people['cpx'].pk], 'note': 'Start 1 maart',
                    'notification_on_user_assignment': True},
    }, format='json')
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data['username'] == data['email'] == 'nieuw@haarlem.nl'
    assert [r['name'] for r in data['roles']] == ['Behandelaar']
    assert data['profile']['departments'] == ['Team Complex']
    assert data['profile']['note'] == 'Start 1 maart'
    assert data['profile']['notification_on_user_assignment'] is True
    user = User.objects.get(username='nieuw@haarlem.nl')
    assert not user.has_usable_password()  # logs in through the OIDC provider
    history = admin_client_api.get(f'{USERS}{user.pk}/history').json()
    assert history[0]['what'] == 'CREATE_USER'
    assert history[0]['who'] == admin_user.email
    assert set(history[0]) == {'identifier', 'when', 'what', 'action', 'description', 'who', '_user'}


@pytest.mark.parametrize('body, field', [
    ({'username': 'geen-email'}, 'username'),
    ({'username': 'ANNA@haarlem.nl'}, 'username'),
    ({}, 'username'),
    ({'username': 'x@haarlem.nl', 'role_ids': [999999]}, 'role_ids'),
    ({'username': 'x@haarlem.nl', 'profile': {'department_ids': [999999]}}, 'profile'),
    ({'username': 'x@haarlem.nl', 'profile': 'EEN'}, 'profile'),
    ({'username': 'x@haarlem.nl', 'is_active': 'soms'}, 'is_active'),
])
def test_bad_user_post_is_400_and_creates_nothing(admin_client_api, people, body, field):
    before = User.objects.count()
    response = admin_client_api.post(USERS, body, format='json')
    assert response.status_code == 400
    assert field in response.json()
    assert User.objects.count() == before
    assert not SettingsLog.objects.exists()


def test_patch_user_roles_departments_and_status(admin_client_api, people):
    anna = people['anna']
    url = f'{USERS.rstrip("/")}/{anna.pk}'
    response = admin_client_api.patch(url, {
        'username': 'poging-tot-hernoemen@haarlem.nl', 'is_active': False, 'role_ids': [],
        'profile': {'department_ids': [people['een'].pk, people['cpx'].pk]}}, format='json')
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data['username'] == 'anna@haarlem.nl'  # write once
    assert data['is_active'] is False
    assert data['roles'] == []
    assert data['profile']['departments'] == ['Team Complex', 'Team Eenvoudig']
    history = admin_client_api.get(f'{url}/history').json()
    assert 'Status wijziging:\n Inactief' in history[0]['action']
    assert 'Rol wijziging:\n -' in history[0]['action']


def test_get_user_detail_has_the_me_shape(admin_client_api, people):
    data = admin_client_api.get(f'{USERS}{people["anna"].pk}').json()
    assert set(data) == {'_links', '_display', 'id', 'username', 'email', 'first_name', 'last_name', 'is_active',
                         'is_staff', 'is_superuser', 'roles', 'permissions', 'profile'}


def test_user_permissions(api_client, people):
    staff = UserFactory(is_staff=True)
    manager = UserFactory(permissions=['signals.sia_read', 'auth.add_user', 'auth.change_user'])
    assert api_client.get(USERS).status_code == 401
    assert api_client.get(USERS, **bearer(staff)).status_code == 200
    assert api_client.post(USERS, {'username': 'x@haarlem.nl'}, format='json', **bearer(staff)).status_code == 403
    assert api_client.patch(f'{USERS}{people["bram"].pk}', {'is_active': False}, format='json',
                            **bearer(staff)).status_code == 403
    assert api_client.post(USERS, {'username': 'x@haarlem.nl'}, format='json', **bearer(manager)).status_code == 201
    assert Profile.objects.filter(user__username='x@haarlem.nl').exists()


# -- roles and permissions --------------------------------------------------------------------------

def test_roles_list_and_permissions_list(admin_client_api, people):
    roles = admin_client_api.get(ROLES).json()
    assert roles['count'] == 1
    role = roles['results'][0]
    assert set(role) == {'_links', '_display', 'id', 'name', 'permissions'}
    assert [p['codename'] for p in role['permissions']] == ['sia_read']
    assert set(role['permissions'][0]) == {'_links', '_display', 'id', 'name', 'codename'}

    permissions = admin_client_api.get(PERMISSIONS, {'page_size': 1000}).json()['results']
    codenames = {p['codename'] for p in permissions}
    assert {'sia_read', 'sia_write', 'sia_can_view_all_categories', 'change_category', 'change_department',
            'change_user', 'change_group', 'sia_statusmessagetemplate_write'} <= codenames
    assert 'change_session' not in codenames and 'add_logentry' not in codenames
    assert set(permissions[0]) == {'_links', '_display', 'id', 'name', 'codename'}


def test_create_and_patch_a_role(admin_client_api, people):
    read, write = Permission.objects.get(codename='sia_read'), Permission.objects.get(codename='sia_write')
    response = admin_client_api.post(ROLES, {'name': 'Regisseur', 'permission_ids': [read.pk, write.pk]},
                                     format='json')
    assert response.status_code == 201, response.json()
    role_id = response.json()['id']
    assert sorted(p['codename'] for p in response.json()['permissions']) == ['sia_read', 'sia_write']
    response = admin_client_api.patch(f'{ROLES.rstrip("/")}/{role_id}',
                                      {'id': role_id, 'name': 'Regie', 'permission_ids': [read.pk]}, format='json')
    assert response.status_code == 200
    assert response.json()['name'] == 'Regie'
    assert [p['codename'] for p in response.json()['permissions']] == ['sia_read']


@pytest.mark.parametrize('body, field', [
    ({'name': 'Behandelaar'}, 'name'),
    ({'name': ''}, 'name'),
    ({'name': 'X', 'permission_ids': [999999]}, 'permission_ids'),
    ({'name': 'X', 'permission_ids': 'sia_read'}, 'permission_ids'),
])
def test_bad_role_is_refused(admin_client_api, people, body, field):
    response = admin_client_api.post(ROLES, body, format='json')
    assert response.status_code == 400
    assert field in response.json()
    assert Group.objects.count() == 1


def test_a_role_cannot_hold_permissions_outside_signalen(admin_client_api, people):
    response = admin_client_api.post(ROLES, {'name': 'X', 'permission_ids': [
        Permission.objects.get(codename='add_session').pk]}, format='json')
    assert response.status_code == 400


def test_roles_need_group_permissions(api_client, people):
    staff = UserFactory(is_staff=True)
    assert api_client.get(ROLES, **bearer(staff)).status_code == 200
    assert api_client.post(ROLES, {'name': 'X'}, format='json', **bearer(staff)).status_code == 403
    assert api_client.patch(f'{ROLES}{people["behandelaar"].pk}', {'name': 'X'}, format='json',
                            **bearer(staff)).status_code == 403


# -- autocomplete ----------------------------------------------------------------------------------

def test_username_autocomplete(admin_client_api, people):
    response = admin_client_api.get(AUTOCOMPLETE, {'profile_department_code': 'EEN', 'is_active': 'true',
                                                   'page_size': 1000})
    assert response.status_code == 200
    assert response.json()['results'] == [{'username': 'anna@haarlem.nl'}]


def test_autocomplete_needs_staff(api_client, people):
    assert api_client.get(AUTOCOMPLETE).status_code == 401
    assert api_client.get(AUTOCOMPLETE, **bearer(UserFactory())).status_code == 403
