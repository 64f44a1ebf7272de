"""Hostile input: what a careless or malicious client may send, and what must never follow from it (a
5xx, a half-written signal, a file outside the media folder, a login with a forged token).

- generated public create bodies (hypothesis): 201, or 400 with field errors and nothing written;
- uploads on the public and private attachment endpoints: a PNG named .pdf, a script named .jpg, a file
  over 20 MB, and file names with path tricks (../, backslashes, NUL bytes, very long names) (the
  partners' answer photos: tests/partners/test_hostile_photos.py);
- bearer tokens for another audience, signed with another key, unsigned, or expired: 401.

schemathesis over the whole OpenAPI schema (Signalen and Haarlem endpoints) is in tests/standalone/test_schemathesis.py.
"""
import json
import time
from pathlib import Path

import jwt
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from signals_haarlem import signalen
from tests.api.test_signals_support import amsterdam, counts, public_body  # noqa: F401  (fixtures)
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

PUBLIC = '/signals/v1/public/signals/'
PRIVATE = '/signals/v1/private/signals/'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00\x00\x00\rIHDR' + b'\x00' * 64
SCRIPT = b'#!/bin/sh\nrm -rf / --no-preserve-root\n<script>alert(1)</script>\n'
MB = 1024 * 1024


# -- generated public create bodies -------------------------------------------------------------

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=60))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)
hostile_text = st.one_of(st.text(max_size=200), st.just(''), st.just('\x00' * 10), st.just('é' * 5000),
                         st.just('<script>alert(1)</script>'), st.just("'; DROP TABLE signals_signal; --"))
coordinates = st.one_of(
    st.tuples(st.floats(-180, 180), st.floats(-90, 90)).map(list),
    st.lists(json_scalars, max_size=3),
    st.just([4.6368, 52.3812]), st.just([1e308, -1e308]), st.just([]))
CATEGORY = '/signals/v1/public/terms/categories/afval/sub_categories/asbest-accu'

field_values = {
    'text': st.one_of(hostile_text, json_values),
    'location': st.one_of(
        st.fixed_dictionaries({'geometrie': st.fixed_dictionaries({'type': st.sampled_from(['Point', 'Polygon', 'x']),
                                                                  'coordinates': coordinates})}),
        json_values),
    'category': st.one_of(st.fixed_dictionaries({'sub_category': st.one_of(
        st.just(CATEGORY), st.just(CATEGORY + '/../../../etc/passwd'), st.text(max_size=80),
        st.just('http://evil.example/signals/v1/public/terms/categories/afval/sub_categories/asbest-accu'))}),
        json_values),
    'reporter': st.one_of(st.fixed_dictionaries({}, optional={
        'email': st.one_of(st.emails(), hostile_text), 'phone': hostile_text,
        'sharing_allowed': json_scalars, 'allows_contact': json_scalars}), json_values),
    'incident_date_start': st.one_of(st.datetimes().map(lambda d: d.isoformat()), hostile_text, json_scalars),
    'incident_date_end': st.one_of(st.datetimes().map(lambda d: d.isoformat()), json_scalars),
    'extra_properties': json_values,
    'source': st.one_of(hostile_text, json_scalars),
    'signal_id': json_scalars,
}


@st.composite
def create_bodies(draw):
    """A valid body with some fields replaced by hostile values, some removed, some added."""
    body = public_body(category_path=CATEGORY)
    for name in draw(st.sets(st.sampled_from(sorted(field_values)), max_size=4)):
        body[name] = draw(field_values[name])
    for name in draw(st.sets(st.sampled_from(sorted(body)), max_size=2)):
        body.pop(name, None)
    if draw(st.booleans()):
        body[draw(st.text(min_size=1, max_size=10))] = draw(json_values)
    return body


def test_generated_public_create_bodies_give_201_or_400_with_field_errors_and_nothing_written(api_client, amsterdam):
    outcomes = {201: 0, 400: 0}

    @hypothesis_settings(max_examples=150, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))
    @given(body=create_bodies(), top_level=st.sampled_from(['object', 'object', 'object', 'list', 'garbage']))
    def check(body, top_level):
        before = counts()
        if top_level == 'list':
            payload = json.dumps([body])
        elif top_level == 'garbage':
            payload = json.dumps(body)[: len(json.dumps(body)) // 2]  # cut off: not JSON at all
        else:
            payload = json.dumps(body)
        response = api_client.post(PUBLIC, payload, content_type='application/json')
        assert response.status_code in (201, 400), (response.status_code, payload[:500], response.content[:500])
        outcomes[response.status_code] += 1
        if response.status_code == 400:
            errors = response.json()
            assert isinstance(errors, dict) and errors, errors
            assert counts() == before, payload[:500]
        else:
            signal = signalen.get_model('Signal').objects.get(pk=response.json()['id'])
            assert signal.status_id and signal.location_id and signal.category_assignment_id
    check()
    assert outcomes[201] > 0 and outcomes[400] > 0, outcomes  # both paths were exercised


# -- uploads ------------------------------------------------------------------------------------

def upload(name, content, content_type='image/png'):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def fresh_signal(api_client, amsterdam):
    response = api_client.post(PUBLIC, public_body(category_path=CATEGORY), format='json')
    assert response.status_code == 201
    return signalen.get_model('Signal').objects.get(pk=response.json()['id'])


@pytest.fixture
def staff_client(admin_user):
    from rest_framework.test import APIClient
    client = APIClient()
    client.credentials(**bearer(admin_user))
    return client


def attachment_endpoints(api_client, staff_client, signal):
    return {'public': (api_client, f'{PUBLIC}{signal.signal_id}/attachments/'),
            'private': (staff_client, f'{PRIVATE}{signal.pk}/attachments/')}


REFUSED = [
    ('script.jpg', SCRIPT, 'image/jpeg', 'a shell script named .jpg'),
    ('pagina.png', b'<html><body onload="alert(1)"></body></html>', 'image/png', 'HTML named .png'),
    ('beeld.svg', b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'image/svg+xml', 'SVG (scripts)'),
    ('leeg.png', b'', 'image/png', 'an empty file'),
]


@pytest.mark.parametrize('where', ['public', 'private'])
@pytest.mark.parametrize('name,content,content_type,what', REFUSED, ids=[r[3] for r in REFUSED])
def test_attachments_refuse_what_is_not_what_it_says(api_client, staff_client, fresh_signal, where, name, content,
                                                     content_type, what):
    client, url = attachment_endpoints(api_client, staff_client, fresh_signal)[where]
    before = counts()
    response = client.post(url, {'file': upload(name, content, content_type)}, format='multipart')
    assert response.status_code == 400, (what, response.content)
    assert 'file' in response.json()
    assert counts() == before


@pytest.mark.parametrize('where', ['public', 'private'])
def test_a_png_named_pdf_is_stored_and_served_as_the_image_it_is(api_client, staff_client, fresh_signal, where,
                                                                 client):
    """The content decides, not the name: stored as .png, so that the backoffice's <img> gets image/png
    (with nosniff, a PNG served as application/pdf would not show)."""
    api, url = attachment_endpoints(api_client, staff_client, fresh_signal)[where]
    response = api.post(url, {'file': upload('rapport.pdf', PNG, 'application/pdf')}, format='multipart')
    assert response.status_code == 201, response.content
    attachment = signalen.get_model('Attachment').objects.get(_signal=fresh_signal)
    assert (attachment.mimetype, attachment.is_image) == ('image/png', True)
    assert attachment.file.name.endswith('-rapport.png')
    served = client.get('/media/' + attachment.file.name)
    assert served.status_code == 200 and served['Content-Type'] == 'image/png'


@pytest.mark.parametrize('where', ['public', 'private'])
def test_a_file_over_20_mb_is_refused(api_client, staff_client, fresh_signal, where):
    client, url = attachment_endpoints(api_client, staff_client, fresh_signal)[where]
    assert settings.SIGNALS_MAX_UPLOAD_BYTES == 20 * MB
    before = counts()
    response = client.post(url, {'file': upload('groot.png', PNG + b'\0' * (21 * MB))}, format='multipart')
    assert response.status_code == 400
    assert 'te groot' in json.dumps(response.json())
    assert counts() == before


PATH_TRICKS = ['../../etc/passwd.png', '..\\..\\windows\\system32\\evil.png', '/etc/cron.d/job.png',
               'foto\x00.php.png', 'a' * 300 + '.png', '....//....//x.png', '.htaccess.png', ' .png']


@pytest.mark.parametrize('where', ['public', 'private'])
def test_file_names_cannot_leave_the_media_folder(api_client, staff_client, fresh_signal, where):
    client, url = attachment_endpoints(api_client, staff_client, fresh_signal)[where]
    media = Path(settings.MEDIA_ROOT).resolve()
    Attachment = signalen.get_model('Attachment')
    for name in PATH_TRICKS:
        response = client.post(url, {'file': upload(name, PNG)}, format='multipart')
        assert response.status_code in (201, 400), (name, response.status_code, response.content[:300])
        if response.status_code == 201:
            attachment = Attachment.objects.filter(_signal=fresh_signal).order_by('-pk').first()
            stored = Path(attachment.file.path).resolve()
            assert stored.is_relative_to(media / 'attachments'), (name, stored)
            assert '..' not in attachment.file.name and '\\' not in attachment.file.name
            assert '\x00' not in attachment.file.name and len(attachment.file.name) <= 255
            assert stored.read_bytes() == PNG


# -- tokens -------------------------------------------------------------------------------------

def claims(user, **extra):
    """A token's claims as this deployment's own tokens carry them (its audience and issuer)."""
    from signals_haarlem.standalone import oidc
    now = int(time.time())
    return {'email': user.email, 'sub': user.username, 'iat': now, 'exp': now + 600, 'aud': oidc.local_audience(),
            'iss': oidc.local_issuer(), **extra}


def rsa_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def status_with(api_client, token):
    return api_client.get(PRIVATE, HTTP_AUTHORIZATION=f'Bearer {token}').status_code


@pytest.fixture
def audience(settings):
    settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'AUDIENCE': 'signalen-haarlem'}
    return 'signalen-haarlem'


def test_a_token_for_another_audience_is_refused(api_client, admin_user, audience):
    secret = settings.SIGNALS_AUTH['HS256_SECRET']
    good = jwt.encode(claims(admin_user, aud=audience), secret, algorithm='HS256')
    assert status_with(api_client, good) == 200  # the control: the right audience gets in
    for aud in ('signalen-amsterdam', ['andere-app'], ''):
        assert status_with(api_client, jwt.encode(claims(admin_user, aud=aud), secret, algorithm='HS256')) == 401
    no_aud = {key: value for key, value in claims(admin_user).items() if key != 'aud'}
    assert status_with(api_client, jwt.encode(no_aud, secret, algorithm='HS256')) == 401


def test_a_token_signed_with_another_key_is_refused(api_client, admin_user):
    assert status_with(api_client, jwt.encode(claims(admin_user), settings.SIGNALS_AUTH['HS256_SECRET'],
                                              algorithm='HS256')) == 200  # the control
    assert status_with(api_client, jwt.encode(claims(admin_user), 'een-ander-geheim-van-genoeg-lengte',
                                              algorithm='HS256')) == 401
    assert status_with(api_client, jwt.encode(claims(admin_user), rsa_key(), algorithm='RS256')) == 401


def test_unsigned_expired_and_malformed_tokens_are_refused(api_client, admin_user):
    secret = settings.SIGNALS_AUTH['HS256_SECRET']
    unsigned = jwt.encode(claims(admin_user), None, algorithm='none')
    expired = jwt.encode(claims(admin_user, exp=int(time.time()) - 3600), secret, algorithm='HS256')
    no_exp = jwt.encode({k: v for k, v in claims(admin_user).items() if k != 'exp'}, secret, algorithm='HS256')
    header, payload, signature = jwt.encode(claims(admin_user), secret, algorithm='HS256').split('.')
    import base64
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims(admin_user, email='iemand.anders@haarlem.nl'))
                                              .encode()).rstrip(b'=').decode()
    for token in (unsigned, expired, no_exp, f'{header}.{forged_payload}.{signature}', 'abc', 'a.b.c', 'é' * 10):
        assert status_with(api_client, token) == 401, token


@pytest.mark.parametrize('body', ['[' * 100000, '{"a":' * 50000 + '1' + '}' * 50000],
                         ids=['open-brackets', 'nested-objects'])
def test_a_deeply_nested_body_is_a_400_not_a_500(api_client, admin_user, body):
    """The JSON decoder gives up with a RecursionError: a 400, anonymously and for staff."""
    response = api_client.post(PUBLIC, body, content_type='application/json')
    assert response.status_code == 400 and 'detail' in response.json()
    api_client.credentials(**bearer(admin_user))
    response = api_client.patch(f'{PRIVATE}1', body, content_type='application/json')
    assert response.status_code in (400, 404)
