"""The public (citizen) side: categories, reporting, validation, public status, photo upload, map."""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from signals_haarlem.standalone.models import Attachment, Signal
from tests.api.test_signals_support import (  # noqa: F401  (fixtures)
    AMSTERDAM, amsterdam, counts, create_public, public_body,
)

pytestmark = pytest.mark.django_db

PUBLIC = '/signals/v1/public/signals/'
CATEGORIES = '/signals/v1/public/terms/categories/'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64
PDF = b'%PDF-1.4\n' + b'0' * 64


def png(name='foto.png', content=PNG, content_type='image/png'):
    return SimpleUploadedFile(name, content, content_type=content_type)


# -- categories -----------------------------------------------------------------------------------

def test_category_detail_sub_categories_and_sub_detail(api_client, amsterdam):
    main = api_client.get(f'{CATEGORIES}afval')
    assert main.status_code == 200
    assert main.json()['slug'] == 'afval'
    assert {s['slug'] for s in main.json()['sub_categories']} == {'asbest-accu', 'bedrijfsafval', 'oud'}

    subs = api_client.get(f'{CATEGORIES}afval/sub_categories/')
    assert subs.status_code == 200 and subs.json()['count'] == 3

    sub = api_client.get(f'{CATEGORIES}afval/sub_categories/asbest-accu')
    assert sub.status_code == 200
    data = sub.json()
    assert data['_links']['self']['href'] == f'http://testserver{CATEGORIES}afval/sub_categories/asbest-accu'
    assert data['name'] == 'Asbest / accu' and data['slug'] == 'asbest-accu'
    assert data['handling_message'].startswith('We laten u binnen 3 werkdagen')
    assert data['is_public_accessible'] is True
    # The same object has the same link wherever it appears (the frontend keys categories by it).
    assert data['_links']['self']['href'] == api_client.get(f'{CATEGORIES}afval/sub_categories/asbest-accu/').json()[
        '_links']['self']['href']


@pytest.mark.parametrize('path', ['nope', 'afval/sub_categories/nope', 'nope/sub_categories/asbest-accu',
                                  'nope/sub_categories/'])
def test_unknown_categories_are_404(api_client, amsterdam, path):
    assert api_client.get(f'{CATEGORIES}{path}').status_code == 404


def test_links_use_the_request_host(api_client, amsterdam):
    response = api_client.get(f'{CATEGORIES}afval', HTTP_HOST='meldingen.haarlem.nl')
    assert response.json()['_links']['self']['href'] == 'http://meldingen.haarlem.nl/signals/v1/public/terms/categories/afval'


# -- reporting ------------------------------------------------------------------------------------

def test_create_accepts_an_absolute_category_url(api_client, amsterdam):
    url = 'https://meldingen.haarlem.nl/signals/v1/public/terms/categories/afval/sub_categories/asbest-accu'
    signal = create_public(api_client, public_body(category_path=url))
    assert signal.category_assignment.category == amsterdam.asbest
    assert signal.source == 'online'
    assert signal.status.state == 'm'
    assert signal.category_assignment.deadline is not None


def test_create_stores_reporter_and_answers(api_client, amsterdam):
    body = public_body(reporter={'email': 'bewoner@example.com', 'phone': '+31 6 1234 5678', 'sharing_allowed': True,
                                 'allows_contact': False},
                       extra_properties=[{'id': 'waar', 'label': 'Waar?', 'answer': 'Bij de boom'}])
    signal = create_public(api_client, body)
    assert (signal.reporter.email, signal.reporter.phone) == ('bewoner@example.com', '+31 6 1234 5678')
    assert signal.reporter.sharing_allowed is True and signal.reporter.allows_contact is False
    assert signal.extra_properties == [{'id': 'waar', 'label': 'Waar?', 'answer': 'Bij de boom'}]


def _bad(**changes):
    body = public_body()
    for key, value in changes.items():
        if value is KeyError:
            body.pop(key)
        else:
            body[key] = value
    return body


BAD_BODIES = {
    'no text': (_bad(text=KeyError), 'text'),
    'empty text': (_bad(text=''), 'text'),
    'text too long': (_bad(text='x' * 3001), 'text'),
    'no location': (_bad(location=KeyError), 'location'),
    'no geometrie': (_bad(location={}), 'location'),
    'not a point': (_bad(location={'geometrie': {'type': 'LineString', 'coordinates': [[4, 52], [5, 53]]}}), 'location'),
    'point as text': (_bad(location={'geometrie': {'type': 'Point', 'coordinates': ['a', 'b']}}), 'location'),
    'outside bounding box': (_bad(location={'geometrie': {'type': 'Point', 'coordinates': [2.35, 48.85]}}), 'location'),
    'lat and lon swapped': (_bad(location={'geometrie': {'type': 'Point', 'coordinates': [52.37, 4.9]}}), 'location'),
    'no category': (_bad(category=KeyError), 'category'),
    'unknown category': (_bad(category={'sub_category': '/signals/v1/public/terms/categories/afval/sub_categories/x'}),
                         'category'),
    'main category': (_bad(category={'sub_category': '/signals/v1/public/terms/categories/afval'}), 'category'),
    'inactive category': (_bad(category={'sub_category': '/signals/v1/public/terms/categories/afval/sub_categories/oud'}),
                          'category'),
    'garbage category': (_bad(category={'sub_category': 'http://example.com/x'}), 'category'),
    'no reporter': (_bad(reporter=KeyError), 'reporter'),
    'bad email': (_bad(reporter={'email': 'geen-email'}), 'reporter'),
    'bad phone': (_bad(reporter={'phone': 'bel me maar'}), 'reporter'),
    'no incident date': (_bad(incident_date_start=KeyError), 'incident_date_start'),
    'bad incident date': (_bad(incident_date_start='gisteren'), 'incident_date_start'),
    'end before start': (_bad(incident_date_end='2020-01-01T00:00:00+01:00'), 'incident_date_end'),
    # year 1 in Amsterdam is before year 1 in UTC: found by the generated bodies, once a 500
    'incident date year 1': (_bad(incident_date_start='0001-01-01T00:00:00'), 'incident_date_start'),
    'incident date year 9999': (_bad(incident_date_start='9999-12-31T23:59:59+01:00'), 'incident_date_start'),
    'incident end year 1': (_bad(incident_date_end='0001-01-01T00:00:00Z'), 'incident_date_end'),
    'extra key': (_bad(priority={'priority': 'high'}), 'non_field_errors'),
    'unknown source': (_bad(source='Telefoon'), 'source'),
    'bad answers': (_bad(extra_properties={'a': 1}), 'extra_properties'),
}


@pytest.mark.parametrize('name', BAD_BODIES)
def test_bad_reports_are_refused_with_field_errors_and_write_nothing(api_client, amsterdam, name):
    body, field = BAD_BODIES[name]
    before = counts()
    response = api_client.post(PUBLIC, body, format='json')
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert counts() == before


def test_extra_keys_are_named(api_client, amsterdam):
    response = api_client.post(PUBLIC, _bad(foo=1, bar=2), format='json')
    assert response.status_code == 400
    assert response.json() == {'non_field_errors': ['Extra properties present: bar, foo']}


@pytest.mark.parametrize('payload', ['[]', '"tekst"', '{"text": ', 'null'])
def test_malformed_bodies_are_400(api_client, amsterdam, payload):
    before = counts()
    response = api_client.post(PUBLIC, payload, content_type='application/json')
    assert response.status_code == 400
    assert counts() == before


def test_public_status_and_unknown_uuid(api_client, amsterdam):
    signal = create_public(api_client)
    assert api_client.get(f'{PUBLIC}{signal.signal_id}').json()['status']['state'] == 'OPEN'
    Signal.actions.update_status({'state': 'o', 'text': 'Klaar'}, signal)
    assert api_client.get(f'{PUBLIC}{signal.signal_id}').json()['status'] == {'state': 'CLOSED',
                                                                             'state_display': 'Gesloten'}
    assert api_client.get(f'{PUBLIC}00000000-0000-0000-0000-000000000000').status_code == 404
    assert api_client.get(f'{PUBLIC}niet-een-uuid').status_code == 404


def test_public_endpoints_ignore_a_bad_bearer_token(api_client, amsterdam):
    api_client.credentials(HTTP_AUTHORIZATION='Bearer rommel')
    assert api_client.get(CATEGORIES).status_code == 200
    assert api_client.post(PUBLIC, public_body(), format='json').status_code == 201


def test_create_is_throttled(api_client, amsterdam, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, 'DEFAULT_THROTTLE_RATES': {'public_create': '2/minute'}}
    try:
        assert api_client.post(PUBLIC, public_body(), format='json').status_code == 201
        assert api_client.post(PUBLIC, public_body(), format='json').status_code == 201
        before = counts()
        assert api_client.post(PUBLIC, public_body(), format='json').status_code == 429
        assert counts() == before
        assert api_client.get(CATEGORIES).status_code == 200  # reading is never throttled
    finally:
        cache.clear()


@pytest.mark.parametrize('proxies', [0, 1])
def test_the_throttle_counts_the_client_not_what_it_writes_in_x_forwarded_for(api_client, amsterdam, settings,
                                                                              proxies):
    """A client that writes its own X-Forwarded-For is still itself (directly: REMOTE_ADDR; behind one
    trusted proxy: the address that proxy saw, the last one in the header)."""
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, 'NUM_PROXIES': proxies,
                               'DEFAULT_THROTTLE_RATES': {'public_create': '2/minute'}}
    try:
        for n in range(3):
            forwarded = f'10.0.0.{n}, 192.0.2.7' if proxies else f'10.0.0.{n}'
            status = api_client.post(PUBLIC, public_body(), format='json', HTTP_X_FORWARDED_FOR=forwarded).status_code
            assert status == (201 if n < 2 else 429), (n, status)
        if proxies:  # another client behind the same proxy has its own count
            assert api_client.post(PUBLIC, public_body(), format='json',
                                   HTTP_X_FORWARDED_FOR='10.0.0.9, 192.0.2.8').status_code == 201
    finally:
        cache.clear()


def test_the_throttle_counts_in_a_cache_every_worker_shares(api_client, amsterdam, settings):
    """gunicorn's workers are separate processes: the counts live in the database cache (or Redis)."""
    from django.core.cache import caches
    from django.db import connection
    assert caches['default'].__class__.__name__ in ('DatabaseCache', 'RedisCache')
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, 'DEFAULT_THROTTLE_RATES': {'public_create': '5/minute'}}
    try:
        assert api_client.post(PUBLIC, public_body(), format='json').status_code == 201
        with connection.cursor() as cursor:
            cursor.execute('SELECT cache_key FROM haarlem_cache')
            assert any('throttle_public_create' in key for (key,) in cursor.fetchall())
    finally:
        cache.clear()


# -- photo upload ---------------------------------------------------------------------------------

def test_resident_uploads_a_photo_to_a_fresh_signal(api_client, amsterdam):
    signal = create_public(api_client)
    response = api_client.post(f'{PUBLIC}{signal.signal_id}/attachments/', {'signal_id': str(signal.signal_id),
                                                                             'file': png()}, format='multipart')
    assert response.status_code == 201, response.content
    body = response.json()
    assert body['is_image'] is True
    assert set(body) == {'_display', '_links', 'location', 'is_image', 'created_at'}
    attachment = Attachment.objects.get(_signal=signal)
    assert attachment.public is True and attachment.mimetype == 'image/png'


@pytest.mark.parametrize('upload,reason', [
    (png('foto.png', PDF, 'image/png'), 'a PDF named .png'),
    (png('script.png', b'<script>alert(1)</script>', 'image/png'), 'text named .png'),
    (png('leeg.png', b'', 'image/png'), 'an empty file'),
])
def test_uploads_are_checked_by_content(api_client, amsterdam, upload, reason):
    signal = create_public(api_client)
    before = counts()
    response = api_client.post(f'{PUBLIC}{signal.signal_id}/attachments/', {'file': upload}, format='multipart')
    assert response.status_code == 400, reason
    assert 'file' in response.json()
    assert counts() == before


def test_upload_size_is_limited(api_client, amsterdam, settings):
    settings.SIGNALS_MAX_UPLOAD_BYTES = 100
    signal = create_public(api_client)
    response = api_client.post(f'{PUBLIC}{signal.signal_id}/attachments/', {'file': png(content=PNG + b'0' * 200)},
                               format='multipart')
    assert response.status_code == 400 and 'file' in response.json()
    assert not Attachment.objects.exists()


def test_no_upload_without_file_or_after_handling(api_client, amsterdam):
    signal = create_public(api_client)
    assert api_client.post(f'{PUBLIC}{signal.signal_id}/attachments/', {}, format='multipart').status_code == 400
    Signal.actions.update_status({'state': 'b', 'text': 'Opgepakt'}, signal)
    response = api_client.post(f'{PUBLIC}{signal.signal_id}/attachments/', {'file': png()}, format='multipart')
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_no_upload_to_an_old_signal(api_client, amsterdam):
    signal = create_public(api_client)
    Signal.objects.filter(pk=signal.pk).update(created_at=timezone.now() - timedelta(days=3))
    response = api_client.post(f'{PUBLIC}{signal.signal_id}/attachments/', {'file': png()}, format='multipart')
    assert response.status_code == 400


def test_upload_when_asked_to_react(api_client, amsterdam):
    signal = create_public(api_client, public_body(reporter={'email': 'a@example.com'}))
    Signal.objects.filter(pk=signal.pk).update(created_at=timezone.now() - timedelta(days=30))
    Signal.actions.update_status({'state': 'reaction requested', 'text': 'Heeft u een foto?'}, signal)
    response = api_client.post(f'{PUBLIC}{signal.signal_id}/attachments/', {'file': png()}, format='multipart')
    assert response.status_code == 201


# -- map ------------------------------------------------------------------------------------------

def test_public_geography_shows_open_public_signals_without_personal_data(api_client, amsterdam):
    create_public(api_client, public_body(
        category_path='/signals/v1/public/terms/categories/wegen-verkeer-straatmeubilair/sub_categories/'
                      'put-riolering-verstopt', reporter={'email': 'geheim@example.com'}))
    closed = create_public(api_client, public_body(
        category_path='/signals/v1/public/terms/categories/wegen-verkeer-straatmeubilair/sub_categories/'
                      'put-riolering-verstopt'))
    Signal.actions.update_status({'state': 'o', 'text': 'Klaar'}, closed)
    amsterdam.asbest.is_public_accessible = False
    amsterdam.asbest.save()
    create_public(api_client)  # asbest: not shown publicly
    response = api_client.get('/signals/v1/public/signals/geography')
    assert response.status_code == 200
    body = response.json()
    assert body['type'] == 'FeatureCollection'
    assert len(body['features']) == 1 and response['X-Total-Count'] == '1'
    feature = body['features'][0]
    assert feature['geometry'] == {'type': 'Point', 'coordinates': list(AMSTERDAM)}
    assert feature['properties']['category'] == {'name': 'Put / riolering verstopt'}
    assert 'geheim' not in response.content.decode()
    assert set(feature['properties']) == {'category', 'created_at'}
    inside = api_client.get('/signals/v1/public/signals/geography', {'bbox': '4.8,52.3,5.0,52.4'}).json()
    outside = api_client.get('/signals/v1/public/signals/geography', {'bbox': '4.5,52.3,4.6,52.4'}).json()
    assert len(inside['features']) == 1 and outside['features'] == []
    assert api_client.get('/signals/v1/public/signals/geography', {'bbox': 'x'}).status_code == 400
    # a page far past the end is empty (not a database error); words are field errors
    far = api_client.get('/signals/v1/public/signals/geography', {'geopage': str(2 ** 60)})
    assert far.status_code == 200 and far.json()['features'] == [] and far['X-Total-Count'] == '1'
    wrong = api_client.get('/signals/v1/public/signals/geography', {'geopage': 'twee', 'page_size': 'veel'})
    assert wrong.status_code == 400
    assert wrong.json() == {'geopage': ['Geef een geheel getal.'], 'page_size': ['Geef een geheel getal.']}
    head = api_client.head('/signals/v1/public/signals/geography')
    assert head.status_code == 200 and head['X-Total-Count'] == '1'

