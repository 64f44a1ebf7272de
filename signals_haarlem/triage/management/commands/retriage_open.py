"""Triage every open signal again with the current lanes, mapping and rules (after a rule change).

Signals whose lane staff chose by hand keep it. With --dry-run nothing is written and the table shows
how many signals would move between which lanes.
"""
from django.core.management.base import BaseCommand

from signals_haarlem.triage import services
from signals_haarlem.triage.models import Lane


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument('--dry-run', action='store_true', help='only show what would move; write nothing')
        parser.add_argument('--batch-size', type=int, default=500, help='signals per batch (default 500)')
        parser.add_argument('--no-progress', action='store_true', help='no progress bar')

    def handle(self, *args, **options):
        from tqdm import tqdm
        total = len(services.open_signal_ids())
        dry_run = options['dry_run']
        with tqdm(total=total, file=self.stderr, unit=' meldingen', disable=options['no_progress'] or not total,
                  desc='Proef' if dry_run else 'Opnieuw triëren', dynamic_ncols=True) as bar:
            result = services.retriage_open(dry_run=dry_run, batch_size=options['batch_size'], progress=bar.update)
        rows = result.move_rows(Lane.objects.all())
        verb = 'zou verschuiven' if dry_run else 'verschoven'
        self.stdout.write(f'\n{"Van":<16} {"Naar":<16} {"Aantal":>8}')
        self.stdout.write(f'{"-" * 16} {"-" * 16} {"-" * 8}')
        for before, after, n in rows:
            self.stdout.write(f'{before:<16} {after:<16} {n:>8}')
        if not rows:
            self.stdout.write('(geen verschuivingen)')
        self.stdout.write('')
        self.stdout.write(f'Open meldingen: {result.total}; {verb}: {len(result.changes)}; blijft: {result.unchanged}; '
                          f'handmatige baan (blijft staan): {result.manual}.')
        if result.hits.get('mislukt'):
            self.stderr.write(self.style.WARNING(f'Mislukt: {result.hits["mislukt"]} (zie het log); probeer opnieuw.'))
        if dry_run:
            self.stdout.write(self.style.NOTICE('Proef: er is niets gewijzigd.'))
        else:
            self.stdout.write(self.style.SUCCESS('Klaar.'))
