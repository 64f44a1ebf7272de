"""Sources, areas, the public questions and CORS on the private API."""
import pytest

from signals_haarlem.standalone.models import Area, AreaType, CategoryQuestion, Question, Source
from tests.conftest import bearer
from tests.factories import CategoryFactory, MainCategoryFactory, UserFactory

SOURCES = '/signals/v1/private/sources/'
AREAS = '/signals/v1/private/areas/'
QUESTIONS = '/signals/v1/public/questions/'


@pytest.fixture
def sources(db):
    Source.objects.create(name='Telefoon', description='Telefonisch gemeld', order=1)
    Source.objects.create(name='online', is_public=True, order=0)
    Source.objects.create(name='Fax', is_active=False, order=2)


def test_sources_active_only(admin_client_api, sources):
    data = admin_client_api.get(SOURCES, {'is_active': 'true'}).json()
    assert [s['name'] for s in data['results']] == ['online', 'Telefoon']
    telefoon = data['results'][1]
    assert {'id', 'name', 'description', 'can_be_selected', 'is_active', 'is_public', '_links'} <= set(telefoon)
    assert telefoon['description'] == 'Telefonisch gemeld'
    assert admin_client_api.get(SOURCES).json()['count'] == 3
    assert admin_client_api.get(SOURCES, {'is_active': 'jazeker'}).status_code == 400


def test_sources_need_staff(api_client, sources):
    assert api_client.get(SOURCES).status_code == 401
    assert api_client.get(SOURCES, **bearer(UserFactory())).status_code == 403
    assert api_client.get(SOURCES, **bearer(UserFactory(permissions=['signals.sia_read']))).status_code == 200


def test_areas_by_type_code(admin_client_api, db):
    wijk = AreaType.objects.create(code='wijk', name='Wijk')
    stadsdeel = AreaType.objects.create(code='stadsdeel', name='Stadsdeel')
    Area.objects.create(area_type=wijk, code='vijfhoek', name='Vijfhoek')
    Area.objects.create(area_type=wijk, code='bloemenbuurt', name='Bloemenbuurt')
    Area.objects.create(area_type=stadsdeel, code='centrum', name='Centrum')
    data = admin_client_api.get(AREAS, {'type_code': 'wijk', 'page_size': 1000}).json()
    assert data['count'] == 2
    assert [(a['code'], a['name']) for a in data['results']] == [('bloemenbuurt', 'Bloemenbuurt'),
                                                                  ('vijfhoek', 'Vijfhoek')]
    assert data['results'][0]['type'] == {'code': 'wijk', 'name': 'Wijk'}
    assert admin_client_api.get(AREAS).json()['count'] == 3


@pytest.fixture
def questions(db):
    afval = MainCategoryFactory(slug='afval')
    container = CategoryFactory(parent=afval, slug='container-vol')
    welke = Question.objects.create(key='welke-container', field_type='radio_input', required=True,
                                    meta={'label': 'Welke container?', 'values': {'rest': 'Rest', 'glas': 'Glas'}})
    nummer = Question.objects.create(key='containernummer', field_type='text_input', meta={'label': 'Nummer'})
    Question.objects.create(key='los', field_type='plain_text')
    CategoryQuestion.objects.create(category=container, question=nummer, order=2)
    CategoryQuestion.objects.create(category=container, question=welke, order=1)
    CategoryQuestion.objects.create(category=afval, question=nummer, order=1)


def test_questions_of_a_sub_category_in_order(api_client, questions):
    data = api_client.get(QUESTIONS, {'main_slug': 'afval', 'sub_slug': 'container-vol'}).json()
    assert [q['key'] for q in data['results']] == ['welke-container', 'containernummer']
    assert data['results'][0] == {'key': 'welke-container', 'field_type': 'radio_input', 'required': True,
                                  'meta': {'label': 'Welke container?', 'values': {'rest': 'Rest', 'glas': 'Glas'}}}


def test_questions_of_a_main_category(api_client, questions):
    data = api_client.get(QUESTIONS, {'main_slug': 'afval'}).json()
    assert [q['key'] for q in data['results']] == ['containernummer']


def test_questions_none_configured_is_an_empty_list(api_client, db):
    data = api_client.get(QUESTIONS, {'main_slug': 'afval', 'sub_slug': 'grofvuil'}).json()
    assert data['count'] == 0 and data['results'] == []


def test_questions_sub_slug_needs_main_slug(api_client, questions):
    response = api_client.get(QUESTIONS, {'sub_slug': 'container-vol'})
    assert response.status_code == 400
    assert 'main_slug' in response.json()


# -- CORS ---------------------------------------------------------------------------------------------

def test_preflight_from_an_allowed_origin_gets_cors_headers(client, settings, db):
    origin = settings.CORS_ALLOWED_ORIGINS[0]
    response = client.options('/signals/v1/private/categories/', HTTP_ORIGIN=origin,
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD='GET',
                              HTTP_ACCESS_CONTROL_REQUEST_HEADERS='authorization, content-type, accept')
    assert response.status_code == 200
    assert response['Access-Control-Allow-Origin'] == origin
    allowed_headers = response['Access-Control-Allow-Headers'].lower()
    assert 'authorization' in allowed_headers and 'content-type' in allowed_headers
    assert 'PATCH' in response['Access-Control-Allow-Methods']


def test_actual_request_from_an_allowed_origin_exposes_the_total_count(admin_client_api, settings):
    origin = settings.CORS_ALLOWED_ORIGINS[0]
    response = admin_client_api.get('/signals/v1/private/departments/', HTTP_ORIGIN=origin)
    assert response['Access-Control-Allow-Origin'] == origin
    assert 'X-Total-Count' in response['Access-Control-Expose-Headers']


def test_preflight_from_another_origin_gets_no_cors_headers(client, db):
    response = client.options('/signals/v1/private/categories/', HTTP_ORIGIN='https://evil.example',
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD='GET')
    assert 'Access-Control-Allow-Origin' not in response
