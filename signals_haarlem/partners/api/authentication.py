"""API access for partners: `Authorization: Token hpt_...` with a PartnerToken.

Only the partner endpoints list this class, so a partner token opens nothing else; the principal
it yields is not a Django user and holds no permissions.
"""
from django.utils import timezone
from rest_framework import authentication, exceptions

from ..models import PartnerToken


class PartnerPrincipal:
    """The authenticated partner (request.user on the partner endpoints)."""
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, token):
        self.token = token
        self.partner = token.partner

    @property
    def pk(self):
        return None

    def has_perm(self, perm, obj=None):
        return False

    def has_perms(self, perms, obj=None):
        return False

    def __str__(self):
        return f'{self.partner.name} (token {self.token.key_id})'


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    keywords = ('token', 'bearer')

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode('latin-1').lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed('Ongeldige Authorization-header.')
        try:
            parsed = PartnerToken.parse(header[1].decode('ascii'))
        except UnicodeDecodeError:
            parsed = None
        if parsed is None:
            if header[0].decode('latin-1').lower() == 'bearer':
                return None  # a staff JWT: not for these endpoints (the permission check answers 401/403)
            raise exceptions.AuthenticationFailed('Ongeldig token.')
        key_id, secret = parsed
        token = PartnerToken.objects.select_related('partner').filter(key_id=key_id).first()
        if token is None or not token.matches(secret):
            raise exceptions.AuthenticationFailed('Ongeldig token.')
        if not token.is_valid:
            raise exceptions.AuthenticationFailed('Dit token is ingetrokken of verlopen.')
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
            PartnerToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return PartnerPrincipal(token), token

    def authenticate_header(self, request):
        return 'Token realm="haarlem-partners"'


try:  # describe the scheme in the OpenAPI schema (drf-spectacular is not there inside upstream)
    from drf_spectacular.extensions import OpenApiAuthenticationExtension
except ImportError:  # pragma: no cover
    pass
else:
    class PartnerTokenScheme(OpenApiAuthenticationExtension):
        target_class = 'signals_haarlem.partners.api.authentication.PartnerTokenAuthentication'
        name = 'partnerToken'

        def get_security_definition(self, auto_schema):
            return {'type': 'apiKey', 'in': 'header', 'name': 'Authorization',
                    'description': 'API-token van een partner: "Token hpt_..." (alleen eigen doorzettingen).'}
