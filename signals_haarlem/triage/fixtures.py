"""Haarlem's triage fixtures: the three lanes with their teams and service formulas, a default lane for
every Haarlem category, a starter rule set and the message templates.

`load()` is called by `manage.py load_haarlem_fixtures`. It is idempotent and only ever creates what is
missing: lanes, mappings, rules and templates that exist (perhaps changed by an admin) stay as they are.
Run it again after new categories arrive and they get their default lane.
"""
import fnmatch
import logging

from signals_haarlem import signalen

from . import engine
from . import rules as rule_kinds
from .models import Area, CategoryLane, Lane, MessageTemplate, Rule

logger = logging.getLogger(__name__)

TEAMS = {'EEN': 'Team Eenvoudig', 'CPX': 'Team Complex', 'MTW': 'Team Maatwerk'}

LANES = [
    dict(code='eenvoudig', name='Eenvoudig', order=1, team='EEN', response_days=None, plan_days=None,
         resolution_days=5, resolution_basis=Lane.BASIS_CATEGORY, warn_days=1, extension_days=5,
         description='Eén discipline, een standaardklus: zwerfafval, een volle container, een kapotte lamp, '
                     'een losse stoeptegel.',
         staff_text='KCC handelt af waar het kan, in één keer goed. Anders binnen de norm van de categorie '
                    '(3 tot 5 werkdagen).'),
    dict(code='complex', name='Complex', order=2, team='CPX', response_days=3, plan_days=10,
         resolution_days=20, resolution_basis=Lane.BASIS_LONGEST, warn_days=2, extension_days=10,
         description='Meer disciplines of onderzoek nodig: herhaalde meldingen op één plek, bomen, water, '
                     'hoofdmeldingen met deelmeldingen.',
         staff_text='Neem binnen 3 werkdagen contact op met de melder, maak binnen 10 werkdagen een plan '
                    '(status Ingepland) en handel af binnen de norm van de categorie of 20 werkdagen.'),
    dict(code='maatwerk', name='Maatwerk', order=3, team='MTW', response_days=1, plan_days=None,
         resolution_days=10, resolution_basis=Lane.BASIS_AGREED, warn_days=1, extension_days=5,
         description='Een mens, geen klus: herhaalde onvrede (verzoek tot heropenen, een klacht bij de melding), '
                     'een kwetsbare melder, veel meldingen van één melder, gevoelige zaken.',
         staff_text='Neem binnen 1 werkdag persoonlijk contact op met de melder en spreek een afhandeldatum af '
                    '(leg die vast bij de melding).'),
]

# Default lane per main category; sub categories follow it unless a pattern below says otherwise.
MAIN_LANES = {
    'afval': 'eenvoudig',
    'civiele-constructies': 'complex',
    'ondermijning': 'complex',
    'openbaar-groen-en-water': 'eenvoudig',
    'overig': 'eenvoudig',
    'overlast-bedrijven-en-horeca': 'complex',
    'overlast-in-de-openbare-ruimte': 'eenvoudig',
    'overlast-op-het-water': 'complex',
    'overlast-van-dieren': 'eenvoudig',
    'overlast-van-en-door-personen-of-groepen': 'complex',
    'schoon': 'eenvoudig',
    'wegen-verkeer-straatmeubilair': 'eenvoudig',
    'wonen': 'complex',
}

# (main slug pattern, sub slug pattern, lane): first match wins.
SUB_LANES = [
    ('overig', 'klacht', 'maatwerk'),  # (type Klacht: the complaint category, see complaints/intake.py)
    ('afval', 'asbest-accu', 'complex'),
    ('afval', 'handhaving-op-afval', 'complex'),
    ('openbaar-groen-en-water', 'boom-afval', 'eenvoudig'),
    ('openbaar-groen-en-water', 'boom*', 'complex'),
    ('openbaar-groen-en-water', 'eikenprocessierups', 'complex'),
    ('openbaar-groen-en-water', 'japanse-duizendknoop', 'complex'),
    ('openbaar-groen-en-water', 'oever-kade-steiger', 'complex'),
    ('openbaar-groen-en-water', 'overig-groen-en-water', 'complex'),
    ('overlast-in-de-openbare-ruimte', 'lozing-dumping-bodemverontreiniging', 'complex'),
    ('overlast-in-de-openbare-ruimte', 'bouw-sloopoverlast', 'complex'),
    ('overlast-in-de-openbare-ruimte', 'stank-geluidsoverlast', 'complex'),
    ('overlast-van-dieren', 'ratten*', 'complex'),
    ('wegen-verkeer-straatmeubilair', 'brug', 'complex'),
    ('wegen-verkeer-straatmeubilair', 'put-rio*', 'complex'),
    ('wegen-verkeer-straatmeubilair', 'verkeerssituaties', 'complex'),
    ('wegen-verkeer-straatmeubilair', 'verkeersoverlast*', 'complex'),
    ('wegen-verkeer-straatmeubilair', 'verlichting-netstoring', 'complex'),
    ('wegen-verkeer-straatmeubilair', 'verdeelkasten-bekabeling', 'complex'),
    ('wegen-verkeer-straatmeubilair', 'camerasystemen', 'complex'),
    ('wegen-verkeer-straatmeubilair', 'omleiding*', 'complex'),
    ('wegen-verkeer-straatmeubilair', 'tijdelijke-verkeersmaatregelen', 'complex'),
    ('*', '*water*', 'complex'),
]
# Water that is only floating litter is a cleaning job.
SIMPLE_WATER = ('drijfvuil*',)

RULES = [
    dict(order=10, name='Klacht bij de melding', lane='maatwerk', kind='type', params={'types': ['COM']},
         description='Een klacht is onvrede over de gemeente zelf: persoonlijk contact door Team Maatwerk.'),
    dict(order=15, name='Klacht ingediend over de melding', lane='maatwerk', kind='complaint',
         params={'include_type': False},
         description='Iemand diende een klacht in over (de afhandeling van) deze melding: persoonlijk contact.'),
    dict(order=20, name='Verzoek tot heropenen', lane='maatwerk', kind='repeat_reporter',
         params={'reopen_request': True},
         description='De melder is niet tevreden over de afhandeling en vroeg om heropenen.'),
    dict(order=30, name='Veelmelder', lane='maatwerk', kind='repeat_reporter', params={'min_count': 5, 'days': 30},
         description='Veel meldingen van één melder vragen om een persoonlijke aanpak.'),
    dict(order=40, name='Kwetsbare melder', lane='maatwerk', kind='keywords',
         params={'keywords': ['rolstoel', 'rollator', 'scootmobiel', 'slechtziend', 'blind', 'dementie',
                              'mantelzorg*', 'hulpbehoevend', 'kinderwagen']},
         description='Woorden die wijzen op een melder die extra zorg nodig heeft.'),
    dict(order=50, name='Hoofdmelding met deelmeldingen', lane='complex', kind='parent_child',
         params={'role': 'parent', 'min_children': 1},
         description='Een gesplitste melding vraagt om regie over meer disciplines.'),
    dict(order=60, name='Herhaalde meldingen op één plek', lane='complex', kind='repeat_spot',
         params={'min_count': 4, 'radius_m': 50, 'days': 30},
         description='Blijft hetzelfde probleem op één plek terugkomen, dan is onderzoek nodig.'),
    dict(order=70, name='Gevaarlijke situatie', lane='complex', kind='keywords',
         params={'keywords': ['gevaarlijk', 'levensgevaarlijk', 'onveilig', 'kinderen spelen'],
                 'categories': ['wegen-verkeer-straatmeubilair', 'civiele-constructies', 'openbaar-groen-en-water']},
         description='Een onveilige situatie in de openbare ruimte vraagt om onderzoek ter plekke.'),
]


def load_departments():
    Department = signalen.get_model('Department')
    created = 0
    departments = {}
    for code, name in TEAMS.items():
        department = Department.objects.filter(code=code).first()
        if department is None:
            department = Department.objects.create(code=code, name=name, is_intern=True, can_direct=True)
            created += 1
        departments[code] = department
    return departments, created


def load_lanes():
    departments, _ = load_departments()
    created = 0
    for spec in LANES:
        spec = dict(spec)
        team = spec.pop('team')
        _, was_created = Lane.objects.get_or_create(code=spec['code'],
                                                    defaults={**spec, 'department': departments[team]})
        created += was_created
    return created


def lane_for(main_slug, sub_slug=None):
    """The default lane code of a category by its slugs (None for an unknown main category)."""
    if sub_slug is None:
        return MAIN_LANES.get(main_slug)
    if any(fnmatch.fnmatch(sub_slug, pattern) for pattern in SIMPLE_WATER):
        return MAIN_LANES.get(main_slug)
    for main_pattern, sub_pattern, lane in SUB_LANES:
        if fnmatch.fnmatch(main_slug, main_pattern) and fnmatch.fnmatch(sub_slug, sub_pattern):
            return lane
    return MAIN_LANES.get(main_slug)


def load_mapping():
    """A CategoryLane for each category without one; unknown main categories are left to the fallback."""
    Category = signalen.get_model('Category')
    lanes = {lane.code: lane for lane in Lane.objects.all()}
    mapped = set(CategoryLane.objects.values_list('category_id', flat=True))
    rows = []
    for category in Category.objects.select_related('parent').exclude(pk__in=mapped):
        code = lane_for(category.parent.slug, category.slug) if category.parent_id else lane_for(category.slug)
        if code in lanes:
            rows.append(CategoryLane(category=category, lane=lanes[code], updated_by='fixtures'))
    CategoryLane.objects.bulk_create(rows)
    return len(rows)


def load_rules():
    lanes = {lane.code: lane for lane in Lane.objects.all()}
    existing = set(Rule.objects.values_list('name', flat=True))
    created, skipped = 0, []
    for spec in RULES:
        if spec['name'] in existing:
            continue
        kind = rule_kinds.get_kind(spec['kind'])
        try:
            params = kind.validate(spec['params'])
        except rule_kinds.ParamsError as exc:  # e.g. the categories are not loaded yet
            skipped.append(f'{spec["name"]} ({"; ".join(exc.flat())})')
            continue
        Rule.objects.create(name=spec['name'], description=spec['description'], kind=spec['kind'], params=params,
                            lane=lanes[spec['lane']], order=spec['order'], updated_by='fixtures')
        created += 1
    return created, skipped


def load_templates():
    from .sla import DEFAULT_TEMPLATES
    created = 0
    for key, (subject, body) in DEFAULT_TEMPLATES.items():
        created += MessageTemplate.objects.get_or_create(key=key, defaults={'subject': subject, 'body': body})[1]
    return created


def load_areas():
    """The wijken of fixtures/areas.json (approximate polygons) for the area rules and the queues' area
    filter, while there are no areas yet: once the municipality imported its own (`import_areas`),
    those stay."""
    from signals_haarlem.core.fixtures_loader import read_fixture
    if Area.objects.exists():
        return 0
    wijken = next((item['areas'] for item in read_fixture('areas.json') if item['code'] == 'wijk'), [])
    created = Area.objects.bulk_create([Area(code=area['code'].lower(), name=area['name'], geometry=area['geometry'])
                                        for area in wijken if area.get('geometry')])
    if created:
        from .areas import areas_changed
        areas_changed()
    return len(created)


def load():
    _, departments = load_departments()
    lanes = load_lanes()
    mappings = load_mapping()
    rules, skipped = load_rules()
    templates = load_templates()
    areas = load_areas()
    engine.clear_cache()
    result = {'teams created': departments, 'lanes created': lanes, 'category lanes created': mappings,
              'rules created': rules, 'templates created': templates, 'areas created': areas}
    if skipped:
        result['rules skipped'] = '; '.join(skipped)
    return result
