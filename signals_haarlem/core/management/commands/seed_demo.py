"""Seed N realistic demo signals in Haarlem, spread over the last months.

    manage.py seed_demo 400                    # through Signal.actions (hooks fire), the default up to 2000
    manage.py seed_demo 100000 --fast          # bulk inserts, the default above 2000 (standalone core only)
    manage.py seed_demo 400 --seed 7 --months 6
    manage.py seed_demo 400 --if-empty         # only when there are no signals yet (make run)
"""
import sys
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from signals_haarlem import signalen
from signals_haarlem.core import seed


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument('n', type=int, help='number of signals')
        parser.add_argument('--seed', type=int, default=0, help='random seed (same seed, same data)')
        parser.add_argument('--months', type=int, default=12, help='spread the signals over this many months')
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument('--fast', dest='fast', action='store_true', default=None,
                          help=f'bulk inserts (default above {seed.ACTIONS_MAX_DEFAULT})')
        mode.add_argument('--through-actions', dest='fast', action='store_false',
                          help=f'through Signal.actions, hooks fire (default up to {seed.ACTIONS_MAX_DEFAULT})')
        parser.add_argument('--batch-size', type=int, help='signals per batch (default 1000 fast, 100 actions)')
        parser.add_argument('--now', help='pretend it is this moment (ISO 8601), for reproducible data')
        parser.add_argument('--if-empty', action='store_true', help='do nothing if there are signals already')
        parser.add_argument('--send-mail', action='store_true',
                            help='let the mail to reporters go out (off: the addresses are made up)')
        parser.add_argument('--no-apps', action='store_true',
                            help="core rows only: skip the Haarlem apps' seed_demo (triage, complaints, ...)")
        parser.add_argument('--no-progress', action='store_true', help='no progress bar')

    def handle(self, *args, **options):
        n = options['n']
        if n < 0:
            raise CommandError('N must be 0 or more.')
        Signal = signalen.get_model('Signal')
        if options['if_empty'] and Signal.objects.exists():
            self.stdout.write(f'There are signals already ({Signal.objects.count()}); no demo data added.')
            return
        now = None
        if options['now']:
            try:
                now = datetime.fromisoformat(options['now'])
            except ValueError:
                raise CommandError(f'--now: not an ISO 8601 moment: {options["now"]!r}')
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        fast = n > seed.ACTIONS_MAX_DEFAULT if options['fast'] is None else options['fast']
        bar = None
        if not options['no_progress'] and options['verbosity'] > 0:
            from tqdm import tqdm
            bar = tqdm(total=n, unit='signal', desc='seed_demo (' + ('bulk' if fast else 'actions') + ')',
                       file=sys.stderr, dynamic_ncols=True)
        started = time.monotonic()
        try:
            written = seed.run(n, seed=options['seed'], months=options['months'], fast=fast, now=now,
                               batch_size=options['batch_size'], stdout=self.stdout,
                               progress=bar.update if bar else None, send_mail=options['send_mail'],
                               apps=[] if options['no_apps'] else None)
        except seed.SeedError as exc:
            raise CommandError(str(exc))
        finally:
            if bar:
                bar.close()
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f'{written} demo signals written in {seconds:.1f} s ({"bulk" if fast else "through Signal.actions"}, '
            f'seed {options["seed"]}).'))
