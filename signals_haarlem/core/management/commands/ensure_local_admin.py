"""Create (if missing) the local superuser admin@haarlem.local and print its login."""
import os

from django.core.management.base import BaseCommand

from signals_haarlem.core import local_admin


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument('--port', default=os.environ.get('PORT', '8000'),
                            help='port the server listens on, for the printed URLs (default: $PORT or 8000)')

    def handle(self, *args, **options):
        result = local_admin.ensure_local_admin()
        base = f'http://127.0.0.1:{options["port"]}'
        self.stdout.write(self.style.SUCCESS('Local admin ' + ('created' if result.created else 'exists')))
        self.stdout.write(f'  admin:     {base}/admin/')
        self.stdout.write(f'  werkplek:  {base}/werkplek/')
        self.stdout.write(f'  username:  {result.username}')
        if result.password:
            self.stdout.write(f'  password:  {result.password}   (from {result.password_source})')
        else:
            self.stdout.write('  password:  unchanged, not known here (reset it with `manage.py changepassword '
                              f'{result.username}` to reset it)')
