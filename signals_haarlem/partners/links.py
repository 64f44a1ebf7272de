"""Signed, expiring, single-purpose links for partners (no login).

A link token is `TimestampSigner(salt=<purpose>).sign_object({'id': ..., 'n': nonce})`. The salt
makes a token for one purpose (answering a forward, delivering figures) useless for another; the
nonce is stored on the record and cleared or changed when the link must stop working (answered,
withdrawn, expired), so a used or revoked link is refused even before its time runs out. The
stored expiry (`link_expires_at`) is authoritative; the signer's max_age is a second lock.
"""
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

SALT_FORWARD = 'signals_haarlem.partners.forward-answer'
SALT_FIGURES = 'signals_haarlem.partners.figures-delivery'

#: As Signalen's forward to external: the link is valid for 14 days.
FORWARD_LINK_DAYS = 14
FIGURES_LINK_DAYS = 42


def forward_link_days():
    return int(getattr(settings, 'HAARLEM_PARTNERS', {}).get('LINK_DAYS', FORWARD_LINK_DAYS))


class LinkRefused(Exception):
    """A link that cannot be used; `status` is the HTTP status (403 tampered, 410 gone)."""

    def __init__(self, status, title, message):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


TAMPERED = ('Deze link is ongeldig',
            'De link is niet compleet of is gewijzigd. Gebruik de link uit de e-mail van de gemeente Haarlem, '
            'of neem contact op met uw contactpersoon bij de gemeente.')
EXPIRED = ('Deze link is verlopen',
           'De termijn om via deze link te reageren is voorbij. Neem contact op met uw contactpersoon bij de '
           'gemeente Haarlem als u nog wilt reageren.')


def _signer(salt):
    return signing.TimestampSigner(salt=salt)


def sign(salt, pk, nonce):
    return _signer(salt).sign_object({'id': pk, 'n': nonce}, compress=False)


def unsign(salt, token, max_days):
    """The (id, nonce) in a token; LinkRefused if it is tampered with or too old."""
    try:
        data = _signer(salt).unsign_object(token, max_age=timedelta(days=max_days))
    except signing.SignatureExpired:
        raise LinkRefused(410, *EXPIRED)
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused(403, *TAMPERED)
    if not isinstance(data, dict) or not isinstance(data.get('id'), int) or not isinstance(data.get('n'), str):
        raise LinkRefused(403, *TAMPERED)
    return data['id'], data['n']


def base_url():
    return getattr(settings, 'HAARLEM', {}).get('BACKEND_URL', 'http://127.0.0.1:8000').rstrip('/')


def forward_token(forward):
    return sign(SALT_FORWARD, forward.pk, forward.nonce)


def forward_url(forward):
    return base_url() + reverse('partner_pages:forward', args=[forward_token(forward)])


def figures_token(request):
    return sign(SALT_FIGURES, request.pk, request.nonce)


def figures_url(request):
    return base_url() + reverse('partner_pages:figures', args=[figures_token(request)])


def resolve_forward(token, for_update=False):
    """The open Forward a link token stands for, or LinkRefused with a clear Dutch reason."""
    from .models import Forward
    # The signer's own limit is generous (a renewed link keeps its token's age); the stored expiry rules.
    pk, nonce = unsign(SALT_FORWARD, token, max_days=forward_link_days() * 4)
    qs = Forward.objects.select_related('partner', 'signal', 'complaint')
    if for_update:
        # Lock the forward only: PostgreSQL refuses FOR UPDATE on the nullable joined rows.
        qs = qs.select_for_update(of=('self',))
    forward = qs.filter(pk=pk).first()
    if forward is None:
        raise LinkRefused(403, *TAMPERED)
    if forward.status == Forward.ANSWERED:
        raise LinkRefused(410, 'Deze opdracht is al beantwoord',
                          f'Uw reactie is ontvangen op {timezone.localtime(forward.answered_at):%d-%m-%Y om %H:%M}. '
                          'Een opdracht kan één keer beantwoord worden.')
    if forward.status == Forward.WITHDRAWN:
        raise LinkRefused(410, 'Deze opdracht is ingetrokken',
                          'De gemeente Haarlem heeft deze opdracht ingetrokken. U hoeft niets meer te doen.')
    if forward.status == Forward.EXPIRED or forward.link_expires_at <= timezone.now():
        raise LinkRefused(410, *EXPIRED)
    if not forward.nonce or forward.nonce != nonce:
        raise LinkRefused(403, *TAMPERED)
    return forward


def resolve_figures_request(token):
    from .models import FiguresRequest
    pk, nonce = unsign(SALT_FIGURES, token, max_days=FIGURES_LINK_DAYS * 4)
    request = FiguresRequest.objects.select_related('partner').filter(pk=pk).first()
    if request is None or not request.nonce or request.nonce != nonce:
        raise LinkRefused(403, *TAMPERED)
    if request.link_expires_at <= timezone.now() or not request.partner.is_active:
        raise LinkRefused(410, *EXPIRED)
    return request
