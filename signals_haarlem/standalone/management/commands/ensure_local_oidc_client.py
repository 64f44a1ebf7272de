"""Create or update the embedded OIDC provider's client for the Signalen frontend (implicit flow).

client_id from $OIDC_CLIENT_ID (default `signals`); redirect URIs from $OIDC_REDIRECT_URIS (spaces
or commas), default: `<origin>/manage/incidents` (where the frontend receives its token) and
`<origin>` for $FRONTEND_URL and the local frontend ports 3000 and 3001. Running it twice changes
nothing. The frontend is then configured with
    oidc.authEndpoint = <backend>/oauth/authorize/, oidc.clientId = signals, oidc.responseType = token
"""
import os
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LOCAL_ORIGINS = ('http://127.0.0.1:3001', 'http://localhost:3001', 'http://127.0.0.1:3000', 'http://localhost:3000')


def redirect_uris():
    configured = os.environ.get('OIDC_REDIRECT_URIS', '').strip()
    if configured:
        return [u for u in re.split(r'[\s,]+', configured) if u]
    frontend = (getattr(settings, 'HAARLEM', {}) or {}).get('FRONTEND_URL') or ''
    uris = []
    for origin in (frontend, *LOCAL_ORIGINS):
        origin = origin.rstrip('/')
        for uri in (f'{origin}/manage/incidents', origin):
            if origin and uri not in uris:
                uris.append(uri)
    return uris


def ensure_client(client_id=None, uris=None):
    """(application, created, changed)"""
    from oauth2_provider.models import get_application_model
    Application = get_application_model()
    client_id = client_id or os.environ.get('OIDC_CLIENT_ID') or 'signals'
    uris = ' '.join(uris or redirect_uris())
    wanted = {
        'name': 'Signalen frontend', 'client_type': Application.CLIENT_PUBLIC,
        'authorization_grant_type': Application.GRANT_IMPLICIT, 'redirect_uris': uris, 'skip_authorization': True,
    }
    fields = {f.name for f in Application._meta.get_fields()}
    if 'algorithm' in fields:
        wanted['algorithm'] = Application.RS256_ALGORITHM
    if 'post_logout_redirect_uris' in fields:
        wanted['post_logout_redirect_uris'] = uris
    if 'allowed_origins' in fields:
        wanted['allowed_origins'] = ' '.join(sorted({re.match(r'^[a-z]+://[^/]+', u).group(0)
                                                     for u in uris.split() if re.match(r'^[a-z]+://[^/]+', u)}))
    app = Application.objects.filter(client_id=client_id).first()
    if app is None:
        return Application.objects.create(client_id=client_id, **wanted), True, True
    changed = [k for k, v in wanted.items() if k != 'name' and getattr(app, k) != v]
    for key in changed:
        setattr(app, key, wanted[key])
    if changed:
        app.save()
    return app, False, bool(changed)


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args, **options):
        if 'oauth2_provider' not in settings.INSTALLED_APPS:
            raise CommandError('django-oauth-toolkit is not installed (the embedded provider is standalone only).')
        app, created, changed = ensure_client()
        state = 'created' if created else ('updated' if changed else 'unchanged')
        self.stdout.write(self.style.SUCCESS(f'OIDC client {app.client_id!r} {state} (implicit, RS256)'))
        for uri in app.redirect_uris.split():
            self.stdout.write(f'  redirect: {uri}')
