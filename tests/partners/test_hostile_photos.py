"""Hostile uploads on the partners' answer (their link page and their API): a script named .jpg, a PDF, a
file over 20 MB are refused with nothing stored; file names with path tricks (../, backslashes, very long
names) cannot leave the media folder. (The Signalen API's own uploads: tests/api/test_hostile_input.py.)"""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

PNG = b'\x89PNG\r\n\x1a\n' + b'\x00\x00\x00\rIHDR' + b'\x00' * 64
SCRIPT = b'#!/bin/sh\nrm -rf / --no-preserve-root\n<script>alert(1)</script>\n'
MB = 1024 * 1024


def upload(name, content, content_type='image/png'):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def forward(django_capture_on_commit_callbacks):
    from signals_haarlem.partners import services
    from tests.factories import CategoryFactory, make_signal
    from tests.partners.conftest import make_partner
    asbest = CategoryFactory(slug='asbest-accu', name='Asbest / accu', parent__slug='afval', parent__name='Afval')
    partner = make_partner(main_slug='afval', response_days=3, resolution_days=10)
    signal = make_signal(asbest)
    with django_capture_on_commit_callbacks(execute=True):
        return services.forward_signal(signal, partner, 'Graag opruimen.')


def partner_answer(client_kind, forward, photos, client):
    """Answer `forward` with `photos` through the link page or the partner API; returns the response."""
    from signals_haarlem.partners import links
    from signals_haarlem.partners.models import PartnerToken
    if client_kind == 'link':
        return client.post(f'/partner/opdracht/{links.forward_token(forward)}/',
                           {'text': 'Opgeruimd.', 'resolved': 'ja', 'photos': photos})
    _, token = PartnerToken.issue(forward.partner, 'test')
    return client.post(f'/signals/v1/haarlem/partners/partner/forwards/{forward.uuid}/answer/',
                       {'text': 'Opgeruimd.', 'resolved': 'true', 'photos': photos},
                       HTTP_AUTHORIZATION=f'Token {token}')


def answer_rows():
    from signals_haarlem.partners.models import ForwardAnswer, ForwardPhoto
    return ForwardAnswer.objects.count(), ForwardPhoto.objects.count()


@pytest.mark.parametrize('via', ['link', 'api'])
@pytest.mark.parametrize('name,content,what', [
    ('script.jpg', SCRIPT, 'a script named .jpg'),
    ('rapport.pdf', b'%PDF-1.4\n' + b'0' * 64, 'a PDF (photos only)'),
    ('groot.png', PNG + b'\0' * (21 * MB), 'over 20 MB'),
], ids=['script-as-jpg', 'pdf', '21-mb'])
def test_partner_answer_photos_refuse_what_is_not_a_photo(client, forward, via, name, content, what):
    before = answer_rows()
    response = partner_answer(via, forward, [upload(name, content)], client)
    assert response.status_code == 400, (what, response.status_code)
    assert answer_rows() == before
    forward.refresh_from_db()
    assert forward.status == 'open'  # the partner can try again


@pytest.mark.parametrize('via', ['link', 'api'])
def test_partner_answer_photo_names_cannot_leave_the_media_folder(client, forward, via):
    from signals_haarlem.partners.models import ForwardPhoto
    photos = [upload(name, PNG) for name in ('../../etc/passwd.png', '..\\..\\evil.png', 'a' * 300 + '.png')]
    response = partner_answer(via, forward, photos, client)
    assert response.status_code in (200, 201, 302), response.content[:300]
    media = Path(settings.MEDIA_ROOT).resolve()
    stored = list(ForwardPhoto.objects.filter(answer__forward=forward))
    assert len(stored) == 3
    for photo in stored:
        path = Path(photo.file.path).resolve()
        assert path.is_relative_to(media) and '..' not in photo.file.name and '\\' not in photo.file.name
        assert path.read_bytes() == PNG
