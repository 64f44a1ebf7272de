"""Local media (the embedded default): signal photos are served, complaint letters are not."""
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

pytestmark = pytest.mark.django_db


@pytest.mark.standalone_only("the standalone deployment serves its own media folder (config/urls.py); upstream's "
                              "media are served by its web server")
def test_attachments_served_letters_not(client):
    photo = default_storage.save('attachments/2026/11/28/abc123-foto.png', ContentFile(b'\x89PNG\r\n\x1a\nxx'))
    letter = default_storage.save('complaints/letters/2026/brief.pdf', ContentFile(b'%PDF-1.4 geheim'))
    try:
        response = client.get(f'/media/{photo}')
        assert response.status_code == 200
        assert b''.join(response.streaming_content).startswith(b'\x89PNG')
        assert client.get(f'/media/{letter}').status_code == 404
        assert client.get('/media/attachments/../complaints/letters/2026/brief.pdf').status_code == 404
    finally:
        default_storage.delete(photo)
        default_storage.delete(letter)
