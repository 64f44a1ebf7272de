"""Load Haarlem's departments, categories (with service levels and departments), sources and roles,
then every Haarlem app's own fixtures (`<app>/fixtures.py: load()`). Idempotent."""
from django.core.management.base import BaseCommand

from signals_haarlem.core import fixtures_loader


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument('--only', nargs='+', choices=fixtures_loader.KINDS, metavar='KIND',
                            help=f'load only these kinds ({", ".join(fixtures_loader.KINDS)})')
        parser.add_argument('--create-only', action='store_true',
                            help='create what is missing, leave existing objects unchanged')
        parser.add_argument('--no-apps', action='store_true', help="skip the Haarlem apps' own fixtures")
        parser.add_argument('--fixtures-dir', help='folder with the JSON files (default: the project fixtures/)')

    def handle(self, *args, **options):
        verbosity = options['verbosity']
        report = fixtures_loader.load_all(
            kinds=options['only'] or fixtures_loader.KINDS, create_only=options['create_only'],
            directory=options['fixtures_dir'], apps=not options['no_apps'])
        if verbosity >= 1:
            for line in report.lines:
                # A first load creates hundreds of categories: list those only at -v 2.
                bulky = line.startswith(('created categor', 'added service level')) and '(was ' not in line
                if verbosity >= 2 or not bulky:
                    self.stdout.write(f'  {line}')
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f'  warning: {warning}'))
        for kind, counts in report.counts.items():
            self.stdout.write(f'{kind}: {counts}')
        self.stdout.write(self.style.SUCCESS('Haarlem fixtures loaded' + ('' if report.changed else ' (no changes)')))
