"""Import areas (wijken, buurten, stadsdelen) from a GeoJSON file in WGS84, for the area rules and the
queues' area filter, and as Signalen's own areas of that type (--type). Existing areas with the same
code are updated; all or nothing.

    manage.py import_areas wijken.geojson --code wijkcode --name wijknaam --where gemeentenaam=Haarlem
"""
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from signals_haarlem.triage import areas


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument('file', help='GeoJSON FeatureCollection (WGS84 lon/lat)')
        parser.add_argument('--code', required=True, help='the feature property with the area code')
        parser.add_argument('--name', required=True, help='the feature property with the area name')
        parser.add_argument('--where', action='append', default=[], metavar='PROPERTY=VALUE',
                            help='only features with this property value (repeatable)')
        parser.add_argument('--type', default='wijk', dest='area_type', choices=sorted(areas.AREA_TYPES),
                            help="the area type in Signalen's own areas (default: wijk)")
        parser.add_argument('--dry-run', action='store_true', help='check and report; write nothing')

    def handle(self, *args, **options):
        where = {}
        for item in options['where']:
            prop, sep, value = item.partition('=')
            if not sep or not prop:
                raise CommandError(f'--where verwacht EIGENSCHAP=WAARDE, niet "{item}".')
            where[prop] = value
        try:
            with open(options['file'], encoding='utf-8') as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f'Kan {options["file"]} niet lezen als JSON: {exc}') from None
        try:
            result = areas.import_areas(data, options['code'], options['name'], where=where,
                                        dry_run=options['dry_run'], area_type=options['area_type'])
        except ValidationError as exc:
            lines = [f'  {key}: {" ".join(messages)}' for key, messages in exc.message_dict.items()]
            raise CommandError('Niets ingelezen:\n' + '\n'.join(lines)) from None
        prefix = 'Proef, niets opgeslagen. ' if options['dry_run'] else ''
        self.stdout.write(f'{prefix}Nieuw: {len(result.created)}; bijgewerkt: {len(result.updated)}; '
                          f'ongewijzigd: {len(result.unchanged)}; overgeslagen (filter): {result.skipped}.')
        for label, codes in (('nieuw', result.created), ('bijgewerkt', result.updated)):
            if codes:
                self.stdout.write(f'{label}: {", ".join(codes)}')
