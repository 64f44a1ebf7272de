"""`manage.py reindex [--only signals|complaints] [--batch-size N] [--recreate]`: rebuild the search index.

Creates the indices with their analyzers and mappings if missing (`--recreate`: deletes them first,
needed after an analyzer change), then sends every signal and complaint in bulk batches, with a
progress bar. Needs ELASTICSEARCH_URL.
"""
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from signals_haarlem import signalen
from signals_haarlem.search import elastic
from signals_haarlem.search.documents import ComplaintDocument, SignalDocument


def batches(ids, size):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


class Command(BaseCommand):
    help = 'Bouw de zoekindex (Elasticsearch) opnieuw op voor meldingen en klachten.'

    def add_arguments(self, parser):
        parser.add_argument('--only', choices=('signals', 'complaints'), help='Alleen meldingen of alleen klachten.')
        parser.add_argument('--batch-size', type=int, default=500)
        parser.add_argument('--recreate', action='store_true', help='Verwijder de index eerst (na een wijziging '
                                                                    'van de analyzers).')
        parser.add_argument('--no-progress', action='store_true', help='Geen voortgangsbalk.')

    def handle(self, *args, only=None, batch_size=500, recreate=False, no_progress=False, **options):
        if not elastic.enabled():
            raise CommandError('ELASTICSEARCH_URL is niet ingesteld: er is geen zoekindex om op te bouwen.')
        if batch_size < 1:
            raise CommandError('--batch-size moet minstens 1 zijn.')
        kinds = []
        if only in (None, 'signals'):
            ids = list(signalen.get_model('Signal').objects.order_by('pk').values_list('pk', flat=True))
            kinds.append(('meldingen', SignalDocument, ids, elastic.signal_actions))
        if only in (None, 'complaints') and apps.is_installed('signals_haarlem.complaints'):
            from signals_haarlem.complaints.models import Complaint
            ids = list(Complaint.objects.order_by('pk').values_list('pk', flat=True))
            kinds.append(('klachten', ComplaintDocument, ids, elastic.complaint_actions))
        for label, document, ids, actions in kinds:
            elastic.ensure_index(document, recreate=recreate)
            done = failed = 0
            with tqdm(total=len(ids), desc=label, unit=' doc', file=self.stderr._out,
                      disable=no_progress) as bar:
                for batch in batches(ids, batch_size):
                    ok, errors = elastic.send(actions(batch), chunk_size=batch_size)
                    done += ok
                    failed += errors if isinstance(errors, int) else len(errors)
                    bar.update(len(batch))
            index = document._index._name
            self.stdout.write(f'{label}: {done} geïndexeerd in {index}' + (f', {failed} mislukt' if failed else ''))
            if failed:
                raise CommandError(f'{failed} {label} konden niet geïndexeerd worden.')
        self.stdout.write('Klaar.')
