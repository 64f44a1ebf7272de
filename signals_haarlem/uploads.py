"""Checking uploaded files by their content, not by their name or the type the client claims.

Used for signal attachments, partner answers and category icons. Pure functions over bytes.
"""
import os

from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename

# (mimetype, is_image, predicate on the first bytes)
_SIGNATURES = (
    ('image/jpeg', True, lambda b: b[:3] == b'\xff\xd8\xff'),
    ('image/png', True, lambda b: b[:8] == b'\x89PNG\r\n\x1a\n'),
    ('image/gif', True, lambda b: b[:6] in (b'GIF87a', b'GIF89a')),
    ('image/webp', True, lambda b: b[:4] == b'RIFF' and b[8:12] == b'WEBP'),
    ('image/heic', True, lambda b: b[4:8] == b'ftyp' and b[8:12] in (b'heic', b'heix', b'mif1', b'msf1', b'hevc')),
    ('image/bmp', True, lambda b: b[:2] == b'BM' and len(b) > 14),
    ('application/pdf', False, lambda b: b[:5] == b'%PDF-'),
)
IMAGE_TYPES = frozenset(m for m, is_image, _ in _SIGNATURES if is_image)
DEFAULT_ALLOWED = frozenset(m for m, _, _ in _SIGNATURES)


def sniff(head: bytes):
    """The (mimetype, is_image) the first bytes of a file show, or (None, False)."""
    for mimetype, is_image, matches in _SIGNATURES:
        if matches(head):
            return mimetype, is_image
    return None, False


def safe_filename(name: str, default='bijlage') -> str:
    """Only the last path component of a client-given name, stripped of anything unsafe."""
    base = os.path.basename((name or '').replace('\\', '/')).lstrip('.')
    return (get_valid_filename(base) if base else '')[-100:] or default


EXTENSIONS = {'image/jpeg': ('.jpg', '.jpeg', '.jpe', '.jfif'), 'image/png': ('.png',), 'image/gif': ('.gif',),
              'image/webp': ('.webp',), 'image/heic': ('.heic', '.heif'), 'image/bmp': ('.bmp',),
              'application/pdf': ('.pdf',)}


def name_for_content(name: str, mimetype: str) -> str:
    """`name` with an extension that matches the content (a PNG sent as "rapport.pdf" is kept as
    "rapport.png"), so that the file is served with the type it has."""
    extensions = EXTENSIONS.get(mimetype)
    if not extensions or name.lower().endswith(extensions):
        return name
    stem, ext = os.path.splitext(name)
    return (stem if ext else name) + extensions[0]


def check_upload(uploaded, max_bytes, allowed=DEFAULT_ALLOWED, field='file'):
    """Validate an uploaded file by size and content. Returns (mimetype, is_image).

    Raises ValidationError({field: [...]}) with a Dutch message a resident understands.
    """
    size = getattr(uploaded, 'size', None)
    if size is None or size == 0:
        raise ValidationError({field: ['Het bestand is leeg.']})
    if size > max_bytes:
        raise ValidationError({field: [f'Het bestand is te groot (maximaal {max_bytes // (1024 * 1024)} MB).']})
    pos = uploaded.tell() if hasattr(uploaded, 'tell') else 0
    uploaded.seek(0)
    head = uploaded.read(32)
    uploaded.seek(pos)
    mimetype, is_image = sniff(head)
    if mimetype is None or mimetype not in allowed:
        kinds = ', '.join(sorted(m.split('/')[1].upper() for m in allowed))
        raise ValidationError({field: [f'Dit bestandstype is niet toegestaan. Toegestaan: {kinds}.']})
    return mimetype, is_image
