"""`/private/departments/`: list, detail with category rights, PATCH and POST."""
import pytest

from signals_haarlem.standalone.models import CategoryDepartment, Department, SettingsLog
from tests.conftest import bearer
from tests.factories import CategoryFactory, DepartmentFactory, MainCategoryFactory, UserFactory

LIST = '/signals/v1/private/departments/'
BASE = 'http://testserver/signals/v1/'


def detail(department):
    return f'{LIST.rstrip("/")}/{department.pk}'


@pytest.fixture
def setup(db):
    afval = MainCategoryFactory(slug='afval', name='Afval')
    een = DepartmentFactory(code='EEN', name='Team Eenvoudig')
    spl = DepartmentFactory(code='SPL', name='Spaarnelanden', is_intern=False)
    container = CategoryFactory(parent=afval, slug='container-vol', name='Container is vol', departments=[een])
    glas = CategoryFactory(parent=afval, slug='glas', name='Glas', departments=[spl])
    oud = CategoryFactory(parent=afval, slug='oud', name='Oud', departments=[een], is_active=False)
    return {'afval': afval, 'een': een, 'spl': spl, 'container': container, 'glas': glas, 'oud': oud}


def test_list_shape(admin_client_api, setup):
    data = admin_client_api.get(LIST).json()
    assert data['count'] == 2
    een = [d for d in data['results'] if d['code'] == 'EEN'][0]
    assert set(een) == {'_links', '_display', 'id', 'name', 'code', 'is_intern', 'category_names', 'can_direct'}
    assert een['category_names'] == ['Container is vol']  # inactive categories left out
    assert een['_links']['self']['href'] == f'{BASE}private/departments/{setup["een"].pk}'
    assert een['_display'] == 'EEN (Team Eenvoudig)'


def test_detail_categories_link_to_the_public_category_url(admin_client_api, setup):
    data = admin_client_api.get(detail(setup['een'])).json()
    assert set(data) == {'_links', '_display', 'id', 'name', 'code', 'is_intern', 'categories', 'can_direct'}
    assert len(data['categories']) == 1
    item = data['categories'][0]
    assert set(item) == {'id', 'category', 'is_responsible', 'can_view'}
    assert item['is_responsible'] is True and item['can_view'] is True
    category = item['category']
    assert category['_links']['self']['href'] == f'{BASE}public/terms/categories/afval/sub_categories/container-vol'
    assert category['id'] == setup['container'].pk
    assert category['departments'] == [{'code': 'EEN', 'name': 'Team Eenvoudig', 'is_intern': True}]
    assert {'name', 'slug', 'is_active', 'handling_message', 'description', 'handling', '_display'} <= set(category)


def test_patch_categories_replaces_the_rights(admin_client_api, setup, admin_user):
    een, container, glas = setup['een'], setup['container'], setup['glas']
    response = admin_client_api.patch(detail(een), {'categories': [
        {'category_id': glas.pk, 'is_responsible': False, 'can_view': True},
        {'category_id': setup['afval'].pk, 'is_responsible': True, 'can_view': True},
    ]}, format='json')
    assert response.status_code == 200, response.json()
    rights = {(cd.category.slug, cd.is_responsible, cd.can_view) for cd in een.categorydepartment_set.all()}
    assert rights == {('glas', False, True), ('afval', True, True)}
    assert not CategoryDepartment.objects.filter(department=een, category=container).exists()
    main = [c for c in response.json()['categories'] if c['category']['slug'] == 'afval'][0]
    assert main['category']['_links']['self']['href'] == f'{BASE}public/terms/categories/afval'
    log = SettingsLog.objects.get(kind='department', object_pk=een.pk)
    assert log.who == admin_user.email and 'categories' in log.data


def test_patch_fields(admin_client_api, setup):
    response = admin_client_api.patch(detail(setup['spl']), {'name': 'Spaarnelanden NV', 'can_direct': True},
                                      format='json')
    assert response.status_code == 200
    assert response.json()['name'] == 'Spaarnelanden NV'
    assert response.json()['can_direct'] is True
    assert response.json()['code'] == 'SPL'


def test_post_creates_a_department(admin_client_api, setup):
    response = admin_client_api.post(LIST, {'code': 'mtw', 'name': 'Team Maatwerk', 'is_intern': True,
                                            'can_direct': True,
                                            'categories': [{'category_id': setup['glas'].pk, 'is_responsible': True,
                                                            'can_view': True}]}, format='json')
    assert response.status_code == 201, response.json()
    department = Department.objects.get(code='MTW')
    assert department.name == 'Team Maatwerk'
    assert response.json()['categories'][0]['category']['slug'] == 'glas'
    assert admin_client_api.get(detail(department)).status_code == 200


@pytest.mark.parametrize('body, field', [
    ({'code': 'TOOLONG', 'name': 'X'}, 'code'),
    ({'code': 'EEN', 'name': 'Dubbel'}, 'code'),
    ({'code': '', 'name': 'X'}, 'code'),
    ({'code': 'NEW', 'name': ''}, 'name'),
    ({'name': 'Zonder code'}, 'code'),
    ({'code': 'NEW', 'name': 'X', 'categories': [{'category_id': 999999}]}, 'categories'),
    ({'code': 'NEW', 'name': 'X', 'categories': [{'category_id': 'abc'}]}, 'categories'),
    ({'code': 'NEW', 'name': 'X', 'categories': 'glas'}, 'categories'),
    ({'code': 'NEW', 'name': 'X', 'is_intern': 'soms'}, 'is_intern'),
])
def test_bad_post_is_400_and_creates_nothing(admin_client_api, setup, body, field):
    response = admin_client_api.post(LIST, body, format='json')
    assert response.status_code == 400
    assert field in response.json()
    assert Department.objects.count() == 2
    assert not SettingsLog.objects.exists()


def test_duplicate_category_in_patch_changes_nothing(admin_client_api, setup):
    een, glas = setup['een'], setup['glas']
    before = list(een.categorydepartment_set.values_list('category_id', 'is_responsible', 'can_view'))
    response = admin_client_api.patch(detail(een), {'name': 'Nieuwe naam', 'categories': [
        {'category_id': glas.pk}, {'category_id': glas.pk, 'is_responsible': True}]}, format='json')
    assert response.status_code == 400
    assert 'categories' in response.json()
    een.refresh_from_db()
    assert een.name == 'Team Eenvoudig'
    assert list(een.categorydepartment_set.values_list('category_id', 'is_responsible', 'can_view')) == before


def test_permissions(api_client, setup):
    staff = UserFactory(is_staff=True)
    changer = UserFactory(permissions=['signals.sia_read', 'signals.change_department'])
    assert api_client.get(LIST).status_code == 401
    assert api_client.get(LIST, **bearer(staff)).status_code == 200
    assert api_client.patch(detail(setup['een']), {'name': 'X'}, format='json', **bearer(staff)).status_code == 403
    assert api_client.post(LIST, {'code': 'ABC', 'name': 'X'}, format='json', **bearer(changer)).status_code == 403
    assert api_client.patch(detail(setup['een']), {'name': 'X'}, format='json',
                            **bearer(changer)).status_code == 200


@pytest.mark.parametrize('entry', [{}, {'is_responsible': True}, {'can_view': False}])
def test_a_category_entry_without_its_category_is_a_400(admin_client_api, setup, entry):
    een = setup['een']
    before = list(een.categorydepartment_set.values_list('category_id', 'is_responsible', 'can_view'))
    response = admin_client_api.patch(detail(een), {'name': 'Nieuwe naam', 'categories': [entry]}, format='json')
    assert response.status_code == 400 and 'categories' in response.json(), response.content
    een.refresh_from_db()
    assert een.name == 'Team Eenvoudig'
    assert list(een.categorydepartment_set.values_list('category_id', 'is_responsible', 'can_view')) == before
