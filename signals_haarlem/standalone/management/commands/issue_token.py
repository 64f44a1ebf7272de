"""Print a bearer token for a user: `manage.py issue_token [EMAIL]` (default: the local admin).

    curl -H "Authorization: Bearer $(python manage.py issue_token)" http://127.0.0.1:8000/signals/v1/private/me/

The token is signed as this deployment accepts it: with the HS256 secret when one is configured,
else with the embedded OIDC provider's RSA key.
"""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from signals_haarlem.standalone.auth import issue_token

LOCAL_ADMIN = 'admin@haarlem.local'


class Command(BaseCommand):
    help = 'Print a bearer token (JWT) for the user with this e-mail address (default: the local admin).'

    def add_arguments(self, parser):
        parser.add_argument('email', nargs='?', default=LOCAL_ADMIN, help=f'e-mail or username (default {LOCAL_ADMIN})')
        parser.add_argument('--lifetime', type=int, default=8 * 3600, help='seconds the token is valid (default 8 h)')

    def handle(self, *args, email, lifetime, **options):
        if lifetime <= 0:
            raise CommandError('--lifetime must be positive.')
        User = get_user_model()
        user = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).order_by('pk').first()
        if user is None:
            hint = ' (run `manage.py ensure_local_admin` first)' if email == LOCAL_ADMIN else ''
            raise CommandError(f'No user with e-mail or username {email}{hint}.')
        if not user.is_active:
            raise CommandError(f'User {email} is not active; its token would be refused.')
        if getattr(settings, 'SIGNALS_AUTH', {}).get('JWKS_URL'):
            self.stderr.write('Note: SIGNALS_AUTH["JWKS_URL"] is set, so the API only accepts tokens of that '
                              'provider; this token is signed with the local key.')
        try:
            token = issue_token(user, lifetime_seconds=lifetime)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc))
        self.stdout.write(token)
