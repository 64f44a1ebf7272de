"""Areas for the area rules and the queues' area filter: importing them from a GeoJSON file, and what
follows any change (the rule set's cache, the area of every open signal).

Admins get the wijken or buurten of Haarlem as GeoJSON in WGS84 (for instance from PDOK's CBS
"Wijk- en buurtkaart" with srsName EPSG:4326) and import them with `manage.py import_areas`, rather
than pasting twenty polygons into the admin one by one.
"""
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from signals_haarlem import signalen

from . import engine
from .geo import GeometryError, Shape
from .models import Area

logger = logging.getLogger(__name__)

NAME_MAX = Area._meta.get_field('name').max_length
CODE_MAX = Area._meta.get_field('code').max_length


def areas_changed():
    """After areas were added, changed or removed: the rule set reloads them, and once the change is
    committed a task recomputes the area of every open signal."""
    engine.clear_cache()

    def refresh():
        from .tasks import refresh_areas
        try:
            refresh_areas.delay()
        except Exception:  # a broker outage; the next area change or triage fixes it
            logger.exception('Could not queue the refresh of areas')
    transaction.on_commit(refresh)


@dataclass
class ImportResult:
    created: list = field(default_factory=list)  # codes
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    skipped: int = 0  # features that did not match `where`


def _features(data):
    if isinstance(data, dict) and data.get('type') == 'FeatureCollection' and isinstance(data.get('features'), list):
        return data['features']
    if isinstance(data, dict) and data.get('type') == 'Feature':
        return [data]
    raise ValidationError({'bestand': ['Geef een GeoJSON FeatureCollection (of één Feature).']})


def _crs_error(data):
    """GeoJSON is WGS84 lon/lat; an old-style `crs` member naming another system (e.g. the Dutch
    EPSG:28992, Rijksdriehoek, common in municipal files) is refused with a hint."""
    name = str(((data.get('crs') or {}).get('properties') or {}).get('name', '')) if isinstance(data, dict) else ''
    if name and not any(tag in name.upper() for tag in ('4326', 'CRS84')):
        return {'crs': [f'Het bestand gebruikt coördinatenstelsel {name}; gebruik WGS84 (EPSG:4326), '
                        'bijvoorbeeld door bij PDOK srsName=EPSG:4326 te vragen.']}
    return {}


#: Names of the area types an import may fill in Signalen's own areas.
AREA_TYPES = {'wijk': 'Wijk', 'buurt': 'Buurt', 'stadsdeel': 'Stadsdeel'}


def import_areas(data, code_property, name_property, where=None, dry_run=False, area_type='wijk'):
    """Create or update an Area per feature of a GeoJSON FeatureCollection: its code from the feature's
    `code_property` (as a slug), its name from `name_property`, its polygon from the geometry. `where`
    ({property: value}) keeps only matching features. The same areas go into Signalen's own areas of
    type `area_type` (its list filter; upstream also fills a report's area from them). All or nothing:
    any bad feature raises a ValidationError naming it ('features[3]') and nothing is written. Returns an
    ImportResult."""
    errors = _crs_error(data)
    features = _features(data)
    where = where or {}
    rows, skipped = {}, 0
    for index, feature in enumerate(features):
        key = f'features[{index}]'
        properties = (feature.get('properties') or {}) if isinstance(feature, dict) else {}
        if any(str(properties.get(prop, '')) != str(value) for prop, value in where.items()):
            skipped += 1
            continue
        problems = []
        code = slugify(str(properties.get(code_property) or ''))[:CODE_MAX]
        name = ' '.join(str(properties.get(name_property) or '').split())
        if not code:
            problems.append(f'Eigenschap "{code_property}" ontbreekt of is leeg.')
        if not name:
            problems.append(f'Eigenschap "{name_property}" ontbreekt of is leeg.')
        elif len(name) > NAME_MAX:
            problems.append(f'De naam is langer dan {NAME_MAX} tekens.')
        try:
            Shape(feature.get('geometry') if isinstance(feature, dict) else None)
        except GeometryError as exc:
            problems.append(str(exc))
        if code and code in rows:
            problems.append(f'Code "{code}" komt al voor in {rows[code][0]}.')
        if problems:
            errors[key] = problems
        else:
            rows[code] = (key, name, feature['geometry'])
    if not rows and not errors:
        errors['features'] = ['Geen enkel gebied gevonden' + (' dat aan het filter voldoet.' if where else '.')]
    if errors:
        raise ValidationError(errors)

    result = ImportResult(skipped=skipped)
    existing = {area.code: area for area in Area.objects.filter(code__in=rows)}
    new, changed = [], []
    for code, (_, name, geometry) in rows.items():
        area = existing.get(code)
        if area is None:
            new.append(Area(code=code, name=name, geometry=geometry))
            result.created.append(code)
        elif (area.name, area.geometry) != (name, geometry):
            area.name, area.geometry, area.updated_at = name, geometry, timezone.now()
            changed.append(area)
            result.updated.append(code)
        else:
            result.unchanged.append(code)
    if dry_run:
        return result
    with transaction.atomic():
        if new or changed:
            Area.objects.bulk_create(new)
            Area.objects.bulk_update(changed, ['name', 'geometry', 'updated_at'])
            areas_changed()  # once for the whole import (bulk writes send no post_save)
        for code, (_, name, geometry) in rows.items():
            signalen.save_area(area_type, AREA_TYPES.get(area_type, area_type.capitalize()), code, name, geometry)
    return result
