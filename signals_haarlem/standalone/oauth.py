"""What the embedded OIDC provider (django-oauth-toolkit) serves and allows.

Only the endpoints the Signalen frontend's login needs: authorize (its implicit flow), token (the code
flow, for a client an admin sets up), and the OIDC documents (discovery, JWKS, userinfo, logout).
Not served: registering or editing applications (any logged-in user could register one and harvest
tokens through its redirect), dynamic client registration, the device flow, token introspection.
Applications are an admin's business, in the Django admin. The password and client-credentials
grants are refused whatever an application says: they would give API tokens without the login page
(and without an external provider's MFA).
"""
from django.urls import include
from oauth2_provider import urls as provider_urls
from oauth2_provider.oauth2_validators import OAuth2Validator

#: The grants the token endpoint serves (the implicit flow does not come by it).
ALLOWED_GRANTS = frozenset({'authorization_code', 'refresh_token'})
SERVED = ('authorize', 'token')


class Validator(OAuth2Validator):
    """django-oauth-toolkit's validator, refusing every grant outside ALLOWED_GRANTS."""

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type not in ALLOWED_GRANTS:
            return False
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)


urlpatterns = [pattern for pattern in provider_urls.base_urlpatterns if pattern.name in SERVED] \
    + provider_urls.oidc_urlpatterns


def urls():
    """For the URL conf: path('oauth/', standalone.oauth.urls())."""
    return include((urlpatterns, 'oauth2_provider'), namespace='oauth2_provider')

