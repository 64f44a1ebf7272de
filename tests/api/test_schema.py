"""The OpenAPI schema (drf-spectacular): it generates cleanly for the Signalen API, it is a valid
OpenAPI document, it is served with Swagger UI, and every operation in it survives schemathesis
without a server error."""
import json

import pytest


def generate():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    messages = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    return json.loads(OpenApiJsonRenderer().render(schema)), messages


@pytest.fixture(scope='module')
def generated():
    return generate()


HAARLEM_APPS = ('triage', 'complaints', 'partners', 'monitoring', 'core', 'werkplek')


def _from_haarlem_apps(message):
    return any(f'signals_haarlem/{app}/' in message for app in HAARLEM_APPS) or '/signals/v1/haarlem/' in message


def _from_settings_api(message):
    return ('standalone/api/settings_' in message or 'standalone/auth.py' in message
            or any(f'{p}' in message for p in SETTINGS_PATHS))


SETTINGS_PATHS = ('/signals/v1/private/me', '/signals/v1/private/categories', '/signals/v1/private/departments',
                  '/signals/v1/private/sources', '/signals/v1/private/users', '/signals/v1/private/roles',
                  '/signals/v1/private/permissions', '/signals/v1/private/autocomplete',
                  '/signals/v1/private/areas', '/signals/v1/private/terms', '/signals/v1/public/questions',
                  '/signals/category/prediction')


def test_schema_of_the_settings_api_has_no_warnings_or_errors(generated):
    _, messages = generated
    ours = [m for m in messages if _from_settings_api(m)]
    assert ours == [], '\n'.join(ours)


def test_schema_of_the_whole_signalen_api_has_no_warnings_or_errors(generated):
    """Everything the standalone core serves (settings and signals endpoints), not the Haarlem apps."""
    _, messages = generated
    ours = [m for m in messages if not _from_haarlem_apps(m)]
    assert ours == [], '\n'.join(ours)


def test_schema_is_a_valid_openapi_document(generated):
    from openapi_spec_validator import validate
    schema, _ = generated
    validate(schema)
    assert schema['openapi'].startswith('3.')
    assert schema['components']['securitySchemes']['bearerAuth'] == {
        'type': 'http', 'scheme': 'bearer', 'bearerFormat': 'JWT',
        'description': 'Authorization: Bearer <JWT> van de OIDC-provider.'}


def test_every_settings_route_is_in_the_schema(generated):
    schema, _ = generated
    expected = {
        '/signals/v1/private/me/', '/signals/v1/private/me/filters/', '/signals/v1/private/me/filters/{id}',
        '/signals/v1/private/categories/', '/signals/v1/private/categories/{id}',
        '/signals/v1/private/categories/{id}/history', '/signals/v1/private/categories/{id}/icon',
        '/signals/v1/private/departments/', '/signals/v1/private/departments/{id}',
        '/signals/v1/private/sources/', '/signals/v1/private/users/', '/signals/v1/private/users/{id}',
        '/signals/v1/private/users/{id}/history', '/signals/v1/private/roles/', '/signals/v1/private/roles/{id}',
        '/signals/v1/private/permissions/', '/signals/v1/private/autocomplete/usernames/',
        '/signals/v1/private/areas/', '/signals/v1/public/questions/', '/signals/category/prediction',
        '/signals/v1/private/terms/categories/{slug}/sub_categories/{sub_slug}/status-message-templates',
    }
    assert expected <= set(schema['paths'])
    # the alternative spellings (with/without the trailing slash) answer but are not listed twice
    assert '/signals/v1/private/categories/{id}/' not in schema['paths']
    assert '/signals/v1/private/me' not in schema['paths']


def test_private_operations_declare_bearer_auth(generated):
    schema, _ = generated
    operation = schema['paths']['/signals/v1/private/categories/{id}']['patch']
    assert {'bearerAuth': []} in operation['security']


def test_schema_and_swagger_are_served(client, db):
    response = client.get('/signals/schema/', HTTP_ACCEPT='application/vnd.oai.openapi+json')
    assert response.status_code == 200
    assert '/signals/v1/private/me/' in json.loads(response.content)['paths']
    assert client.get('/signals/swagger/').status_code == 200


# -- schemathesis over every operation ------------------------------------------------------------------

schemathesis = pytest.importorskip('schemathesis')

SUPERUSER_PK = 987654321  # far from the small ids the generator likes, so no PATCH disables our own login


@pytest.fixture
def api_schema(db):
    from django.core.wsgi import get_wsgi_application
    schema = schemathesis.openapi.from_wsgi('/signals/schema/', get_wsgi_application(),
                                            headers={'Accept': 'application/json'})
    known = _seed()

    @schema.hook
    def map_path_parameters(context, path_parameters):
        """Half of the generated ids are replaced by the id of an existing object of that kind,
        so PATCH and GET reach real objects too (the rest exercise 404s)."""
        segments = context.operation.path.strip('/').split('/')
        for name, value in list((path_parameters or {}).items()):
            if isinstance(value, int) and value % 2 == 0:
                index = segments.index('{%s}' % name) if '{%s}' % name in segments else -1
                kind = segments[index - 1] if index > 0 else None
                if kind in known:
                    path_parameters[name] = known[kind]
        return path_parameters

    return schema


def _seed():
    """A little of everything, so the generated requests meet real data."""
    from django.contrib.auth.models import Group, Permission

    from signals_haarlem.standalone.models import (
        Area, AreaType, CategoryQuestion, Question, Source, StatusMessageTemplate, StoredSignalFilter,
    )
    from tests.factories import CategoryFactory, DepartmentFactory, MainCategoryFactory, UserFactory, make_signal
    afval = MainCategoryFactory(slug='afval', name='Afval')
    department = DepartmentFactory(code='EEN', name='Team Eenvoudig')
    sub = CategoryFactory(parent=afval, slug='container-vol', name='Container is vol', departments=[department])
    CategoryFactory(parent=MainCategoryFactory(slug='overig', name='Overig'), slug='overig', name='Overig')
    source = Source.objects.create(name='Telefoon')
    Source.objects.create(name='online', is_public=True)
    role = Group.objects.create(name='Behandelaar')
    role.permissions.add(Permission.objects.get(codename='sia_read'))
    user = UserFactory(username='behandelaar@haarlem.nl', departments=[department])
    user.groups.add(role)
    area_type = AreaType.objects.create(code='wijk', name='Wijk')
    Area.objects.create(area_type=area_type, code='centrum', name='Centrum')
    question = Question.objects.create(key='nummer', field_type='text_input', meta={'label': 'Nummer'})
    CategoryQuestion.objects.create(category=sub, question=question)
    StatusMessageTemplate.objects.create(category=sub, state='o', title='Klaar', text='De container is geleegd.')
    superuser = UserFactory(id=SUPERUSER_PK, username='schemathesis@haarlem.nl', is_staff=True, is_superuser=True)
    stored = StoredSignalFilter.objects.create(created_by=superuser, name='Mijn filter', options={'status': ['m']})
    signal = make_signal(category=sub)
    return {'categories': sub.pk, 'departments': department.pk, 'sources': source.pk, 'users': user.pk,
            'roles': role.pk, 'permissions': Permission.objects.get(codename='sia_read').pk, 'filters': stored.pk,
            'signals': signal.pk, 'attachments': 1, 'children': signal.pk}


POSITIVE_EXAMPLES = 6
NEGATIVE_EXAMPLES = 4


@pytest.mark.slow
def test_no_operation_answers_with_a_server_error(api_schema):
    """Every operation of the schema (none excluded, so also ones added later), with valid and with
    invalid generated input, as a superuser with a bearer token: never a 5xx."""
    from django.contrib.auth import get_user_model
    from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings
    from hypothesis.errors import HypothesisException
    from schemathesis import GenerationMode

    from signals_haarlem.standalone.auth import issue_token
    headers = {'Authorization': f'Bearer {issue_token(get_user_model().objects.get(pk=SUPERUSER_PK))}'}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    server_errors, not_generated, calls = [], [], []

    for operation in operations:
        for mode, examples in ((GenerationMode.POSITIVE, POSITIVE_EXAMPLES),
                               (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)):
            @hypothesis_settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                                 suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                try:
                    response = case.call(headers=headers)
                except Exception as exc:  # the app raised instead of answering
                    server_errors.append(f'{operation.label} ({mode.value}): {exc!r}\n{case.as_curl_command()}')
                    return
                calls.append(operation.label)
                if response.status_code >= 500:
                    server_errors.append(f'{operation.label} ({mode.value}): {response.status_code}\n'
                                         f'{case.as_curl_command()}\n{response.text[:500]}')
            try:
                run()
            except HypothesisException as exc:  # e.g. no invalid input exists for this operation
                not_generated.append(f'{operation.label} ({mode.value}): {exc.__class__.__name__}')

    assert server_errors == [], '\n\n'.join(server_errors)
    untested = {op.label for op in operations} - set(calls)
    assert untested == set(), f'operations never called: {sorted(untested)}; not generated: {not_generated}'
