"""Files through django-storages on S3: against moto's S3 server on loopback (a real HTTP server
speaking the S3 protocol), attachments are uploaded, read back and served by a signed URL."""
import socket
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from signals_haarlem import signalen
from tests.factories import CategoryFactory, make_signal

pytestmark = pytest.mark.django_db

PNG = b'\x89PNG\r\n\x1a\n' + bytes(range(256)) * 8


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def s3_server():
    pytest.importorskip('moto.server')
    from moto.server import ThreadedMotoServer
    port = _free_port()
    server = ThreadedMotoServer(ip_address='127.0.0.1', port=port, verbose=False)
    server.start()
    yield f'http://127.0.0.1:{port}'
    server.stop()


@pytest.fixture
def s3_storage(s3_server, monkeypatch):
    import boto3
    monkeypatch.setenv('AWS_ACCESS_KEY_ID', 'testing')
    monkeypatch.setenv('AWS_SECRET_ACCESS_KEY', 'testing')
    boto3.client('s3', endpoint_url=s3_server, region_name='eu-west-1').create_bucket(
        Bucket='haarlem-test', CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
    options = {'bucket_name': 'haarlem-test', 'endpoint_url': s3_server, 'region_name': 'eu-west-1',
               'access_key': 'testing', 'secret_key': 'testing', 'querystring_auth': True,
               'querystring_expire': 600, 'file_overwrite': False}
    with override_settings(STORAGES={
            'default': {'BACKEND': 'storages.backends.s3.S3Storage', 'OPTIONS': options},
            'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}):
        yield boto3.client('s3', endpoint_url=s3_server, region_name='eu-west-1')


def test_attachment_upload_read_back_and_signed_url(s3_storage):
    signal = make_signal(CategoryFactory())
    attachment = signalen.get_model('Signal').actions.add_attachment(
        SimpleUploadedFile('../../etc/foto melding.png', PNG, content_type='text/plain'), signal,
        created_by='kcc@haarlem.nl')

    # stored in the bucket under a safe name (no path tricks), typed by content, not by the claimed type
    assert attachment.file.name.startswith('attachments/') and '..' not in attachment.file.name
    assert attachment.mimetype == 'image/png' and attachment.is_image
    stored = s3_storage.get_object(Bucket='haarlem-test', Key=attachment.file.name)['Body'].read()
    assert stored == PNG

    # read back through the storage
    attachment.refresh_from_db()
    with attachment.file.open('rb') as handle:
        assert handle.read() == PNG

    # a signed URL works for a plain HTTP client, and without the signature access is refused
    url = attachment.file.url
    assert 'Signature=' in url or 'X-Amz-Signature=' in url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == PNG
    unsigned = url.split('?')[0]
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(unsigned, timeout=10)
    assert exc.value.code == 403
