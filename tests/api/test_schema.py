"""The OpenAPI schema (drf-spectacular): it generates cleanly for the Signalen API, it is a valid
OpenAPI document and it is served with Swagger UI. schemathesis runs over it against a live server in
tests/standalone/test_schemathesis.py."""
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
