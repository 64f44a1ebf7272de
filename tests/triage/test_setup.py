"""Fixtures (lanes, mapping of Haarlem's categories, starter rules), the demo seed, the retriage_open
command, the admin's rule dry-run, and the geometry helpers."""
from io import StringIO

import pytest
from django.core.management import call_command

from signals_haarlem import signalen
from signals_haarlem.triage import engine, fixtures, geo, seed, services
from signals_haarlem.triage.models import CategoryLane, Decision, Lane, MessageTemplate, Rule, SignalLane
from tests.conftest import admin_path
from tests.factories import GROTE_MARKT, CategoryFactory, DepartmentFactory, MainCategoryFactory, make_signal

pytestmark = pytest.mark.django_db


# -- fixtures -------------------------------------------------------------------------------------

@pytest.fixture
def haarlem_categories(db):
    """A few of Haarlem's categories, as fixtures/categories.json names them."""
    made = {}
    for main, subs in (('afval', ['container-is-vol', 'asbest-accu', 'grofvuil']),
                       ('openbaar-groen-en-water', ['boom', 'boom-afval', 'drijfvuil', 'maaien-snoeien']),
                       ('wegen-verkeer-straatmeubilair', ['lantaarnpaal-straatverlichting', 'put-riool-kapot']),
                       ('civiele-constructies', ['bruggen']),
                       ('schoon', ['drijfvuil-bevaarbaar-water']),
                       ('iets-nieuws', ['onbekend'])):
        parent = MainCategoryFactory(slug=main, name=main.replace('-', ' ').capitalize())
        made[main] = parent
        for sub in subs:
            made[f'{main}/{sub}'] = CategoryFactory(slug=sub, name=sub, parent=parent)
    return made


def test_load_creates_lanes_mapping_rules_templates_and_is_idempotent(haarlem_categories):
    DepartmentFactory(code='CPX', name='Team Complex (bestaand)')
    result = fixtures.load()
    assert result['lanes created'] == 3 and result['rules created'] == len(fixtures.RULES)
    assert 'rules skipped' not in result
    lanes = {lane.code: lane for lane in Lane.objects.select_related('department')}
    assert {code: lane.department.code for code, lane in lanes.items()} == \
        {'eenvoudig': 'EEN', 'complex': 'CPX', 'maatwerk': 'MTW'}
    assert lanes['complex'].department.name == 'Team Complex (bestaand)'  # an existing department is kept
    assert (lanes['complex'].response_days, lanes['complex'].plan_days, lanes['complex'].resolution_days) == (3, 10, 20)
    assert lanes['maatwerk'].response_days == 1 and lanes['maatwerk'].resolution_basis == Lane.BASIS_AGREED

    mapping = {f'{c.category.parent.slug}/{c.category.slug}' if c.category.parent_id else c.category.slug: c.lane.code
               for c in CategoryLane.objects.select_related('category__parent', 'lane')}
    assert mapping['afval/container-is-vol'] == 'eenvoudig'
    assert mapping['afval/asbest-accu'] == 'complex'
    assert mapping['openbaar-groen-en-water/boom'] == 'complex'
    assert mapping['openbaar-groen-en-water/boom-afval'] == 'eenvoudig'
    assert mapping['openbaar-groen-en-water/drijfvuil'] == 'eenvoudig'
    assert mapping['openbaar-groen-en-water/maaien-snoeien'] == 'eenvoudig'
    assert mapping['wegen-verkeer-straatmeubilair/put-riool-kapot'] == 'complex'
    assert mapping['civiele-constructies/bruggen'] == 'complex'
    assert mapping['schoon/drijfvuil-bevaarbaar-water'] == 'eenvoudig'
    assert 'iets-nieuws/onbekend' not in mapping and 'iets-nieuws' not in mapping  # left to the fallback
    assert MessageTemplate.objects.count() == 2

    # A second run changes nothing, also not what an admin changed in between.
    lanes['complex'].response_days = 2
    lanes['complex'].save()
    counts = (Lane.objects.count(), CategoryLane.objects.count(), Rule.objects.count(), Decision.objects.count())
    again = fixtures.load()
    assert again['lanes created'] == again['category lanes created'] == again['rules created'] == 0
    assert (Lane.objects.count(), CategoryLane.objects.count(), Rule.objects.count(),
            Decision.objects.count()) == counts
    assert Lane.objects.get(code='complex').response_days == 2


def test_every_haarlem_category_gets_a_lane():
    """The mapping covers the whole Haarlem tree in fixtures/categories.json."""
    import json
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / 'fixtures' / 'categories.json'
    if not path.exists():
        pytest.skip('fixtures/categories.json is not there')
    tree = json.loads(path.read_text())
    missing = [f'{main["slug"]}/{sub["slug"]}' for main in tree for sub in main.get('sub_categories', [])
               if fixtures.lane_for(main['slug'], sub['slug']) is None]
    assert missing == []
    lanes = {fixtures.lane_for(main['slug'], sub['slug']): sub['slug'] for main in tree
             for sub in main.get('sub_categories', []) if sub['slug'] != 'klacht'}
    assert set(lanes) == {'eenvoudig', 'complex'}  # maatwerk is about people, which the rules find...
    assert fixtures.lane_for('overig', 'klacht') == 'maatwerk'  # ...and a complaint, once it is one


def test_rules_wait_for_their_categories(db):
    # Without the categories the scoped rule names (upstream's migrations have them: rename those away),
    # the rule cannot be validated.
    Category = signalen.get_model('Category')
    for category in Category.objects.filter(parent=None, slug__in=(
            'wegen-verkeer-straatmeubilair', 'civiele-constructies', 'openbaar-groen-en-water')):
        Category.objects.filter(pk=category.pk).update(slug=f'elders-{category.pk}')
    result = fixtures.load()
    assert 'Gevaarlijke situatie' in result['rules skipped']
    assert not Rule.objects.filter(name='Gevaarlijke situatie').exists()
    for main in ('wegen-verkeer-straatmeubilair', 'civiele-constructies', 'openbaar-groen-en-water'):
        MainCategoryFactory(slug=main)
    assert fixtures.load()['rules created'] == 1


def test_starter_rules_decide_sensibly(haarlem_categories):
    fixtures.load()
    engine.clear_cache()
    numbers = iter(range(1000))

    def signal(category, **kwargs):  # each from another reporter, unless said otherwise
        n = next(numbers)
        kwargs.setdefault('reporter', {'email': f'bewoner{n}@example.com', 'phone': f'06{n:08d}'})
        kwargs.setdefault('point', (4.60 + n * 0.002, 52.37))  # far apart
        return make_signal(category, **kwargs)

    container = haarlem_categories['afval/container-is-vol']
    assert services.decide(signal(container, type_code='COM')).lane.code == 'maatwerk'
    assert services.decide(signal(container, text='Ik zit in een rolstoel en kan er niet langs')).lane.code \
        == 'maatwerk'
    lamp = haarlem_categories['wegen-verkeer-straatmeubilair/lantaarnpaal-straatverlichting']
    assert services.decide(signal(lamp, text='Levensgevaarlijk, de paal hangt scheef')).lane.code == 'complex'
    assert services.decide(signal(container, text='Gevaarlijk veel afval')).lane.code == 'eenvoudig'
    for _ in range(3):
        signal(container, point=GROTE_MARKT)
    outcome = services.decide(signal(container, point=GROTE_MARKT))
    assert outcome.lane.code == 'complex'
    assert '4 meldingen van dezelfde categorie binnen 50 m in 30 dagen' in outcome.reason
    frequent = {'email': 'veel@example.com', 'phone': ''}
    for _ in range(4):
        signal(lamp, reporter=frequent)
    outcome = services.decide(signal(lamp, reporter=frequent))
    assert outcome.lane.code == 'maatwerk' and 'Dezelfde melder deed 5 meldingen in 30 dagen' in outcome.reason


# -- demo seed ------------------------------------------------------------------------------------

def test_seed_makes_the_same_decisions_as_the_live_triage(haarlem_categories):
    fixtures.load()
    engine.clear_cache()
    container = haarlem_categories['afval/container-is-vol']
    signals = [make_signal(container, point=GROTE_MARKT) for _ in range(5)]
    signals += [make_signal(haarlem_categories['openbaar-groen-en-water/boom'], type_code='COM'),
                make_signal(haarlem_categories['iets-nieuws/onbekend'], state='b'),
                make_signal(container, state='o')]
    parent = signals[-1]
    make_signal(container, parent=parent)  # not seeded here, but makes `parent` a parent
    expected = {s.pk: services.decide(s) for s in signals}
    out = StringIO()
    made = seed.seed_demo(signals, __import__('random').Random(1), out)
    assert made >= len(signals) and 'triage:' in out.getvalue()
    for signal in signals:
        state = SignalLane.objects.select_related('decision').get(pk=signal.pk)
        first = Decision.objects.filter(signal_id=signal.pk, trigger='seed').get()
        assert (first.lane_id, first.rule_id, first.reason) == \
            (expected[signal.pk].lane.pk, getattr(expected[signal.pk].rule, 'pk', None), expected[signal.pk].reason)
        assert state.decision.created_at >= first.created_at
    assert SignalLane.objects.get(pk=signals[6].pk).responded_at is not None
    assert not SignalLane.objects.get(pk=signals[7].pk).is_open
    assert seed.seed_demo(signals, None, None) == 0  # signals with a decision are left alone


def test_seed_without_lanes_says_so(db):
    out = StringIO()
    assert seed.seed_demo([make_signal(CategoryFactory())], None, out) == 0
    assert 'no lanes' in out.getvalue()


# -- retriage_open --------------------------------------------------------------------------------

def test_retriage_open_dry_run_and_for_real(lanes, container_vol, boom):
    moved = [make_signal(container_vol, text='gevaarlijk') for _ in range(2)]
    kept = make_signal(container_vol)
    manual = make_signal(container_vol, text='gevaarlijk')
    closed = make_signal(container_vol, text='gevaarlijk', state='o')
    untriaged = make_signal(boom)
    for signal in (*moved, kept, manual, closed):
        services.triage_signal(signal)
    services.retriage(manual, lanes['eenvoudig'], 'Bewust eenvoudig', 'tl@haarlem.nl')
    Rule.objects.create(name='Gevaar', kind='keywords', params={'keywords': ['gevaarlijk']}, lane=lanes['complex'])

    out, err = StringIO(), StringIO()
    call_command('retriage_open', '--dry-run', stdout=out, stderr=err)
    text = out.getvalue()
    assert 'Eenvoudig        Complex                 2' in text
    assert 'geen baan        Complex                 1' in text
    assert 'Open meldingen: 5; zou verschuiven: 3; blijft: 1; handmatige baan (blijft staan): 1.' in text
    assert 'Proef: er is niets gewijzigd.' in text
    assert '100%' in err.getvalue()  # the progress bar
    assert SignalLane.objects.get(pk=moved[0].pk).lane.code == 'eenvoudig'
    assert not SignalLane.objects.filter(pk=untriaged.pk).exists()

    out = StringIO()
    call_command('retriage_open', '--no-progress', stdout=out, stderr=StringIO())
    assert 'verschoven: 3' in out.getvalue()
    for signal in moved:
        latest = Decision.objects.filter(signal_id=signal.pk).first()
        assert latest.lane.code == 'complex' and latest.trigger == 'retriage_open'
    assert SignalLane.objects.get(pk=untriaged.pk).lane.code == 'complex'
    assert SignalLane.objects.get(pk=manual.pk).lane.code == 'eenvoudig'
    assert SignalLane.objects.get(pk=closed.pk).lane.code == 'eenvoudig'  # closed signals are left alone
    out = StringIO()
    call_command('retriage_open', '--no-progress', stdout=out, stderr=StringIO())
    assert '(geen verschuivingen)' in out.getvalue()


# -- admin ----------------------------------------------------------------------------------------

def test_admin_rule_dry_run_saves_nothing(admin_client, lanes, container_vol):
    complaint = make_signal(container_vol, type_code='COM')
    services.triage_signal(complaint)
    data = {'name': 'Klacht', 'description': '', 'kind': 'type', 'params': '{"types": ["COM"]}',
            'lane': lanes['maatwerk'].pk,
            'order': 10, 'is_active': 'on', '_dryrun': 'Proefdraaien', '_dryrun_limit': '50'}
    response = admin_client.post(admin_path('haarlem_triage/rule/add/'), data)
    page = response.content.decode()
    assert response.status_code == 200 and 'Proefdraaien: uitkomst (niets opgeslagen)' in page
    assert f'SIG-{complaint.pk}' in page and '<strong>1</strong> van baan wisselen' in page
    assert not Rule.objects.exists()

    bad = {**data, 'params': '{"types": ["XYZ"]}'}
    page = admin_client.post(admin_path('haarlem_triage/rule/add/'), bad).content.decode()
    assert 'types:' in page and not Rule.objects.exists()

    del data['_dryrun']
    response = admin_client.post(admin_path('haarlem_triage/rule/add/'), data)
    assert response.status_code == 302 and Rule.objects.get().params == {'categories': [], 'types': ['COM']}


def test_admin_pages_render(admin_client, lanes, container_vol):
    services.triage_signal(make_signal(container_vol))
    for path in ('lane', 'categorylane', 'rule', 'decision', 'slaevent', 'messagetemplate', 'area'):
        assert admin_client.get(admin_path(f'haarlem_triage/{path}/')).status_code == 200, path
    assert admin_client.get(admin_path('haarlem_triage/rule/add/')).status_code == 200
    decision = Decision.objects.get()
    assert admin_client.get(admin_path(f'haarlem_triage/decision/{decision.pk}/change/')).status_code == 200
    assert admin_client.get(admin_path('haarlem_triage/decision/add/')).status_code == 403


# -- geometry -------------------------------------------------------------------------------------

def test_point_in_multipolygon_and_distances():
    square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    other = [[20, 20], [30, 20], [30, 30], [20, 30], [20, 20]]
    shape = geo.Shape({'type': 'MultiPolygon', 'coordinates': [[square], [other]]})
    assert shape.contains(5, 5) and shape.contains(25, 25) and not shape.contains(15, 15)
    assert geo.Shape({'type': 'Feature', 'geometry': {'type': 'Polygon', 'coordinates': [square]}}).contains(1, 1)
    assert 110_000 < geo.haversine_m(4.6, 52.0, 4.6, 53.0) < 112_000
    assert abs(signalen._metres_between(4.6368, 52.3812, 4.6368, 52.38147) - 30) < 1
    for bad in ({'type': 'Polygon', 'coordinates': [[[0, 0], [1, 1], [0, 0]]]},
                {'type': 'Polygon', 'coordinates': [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
                {'type': 'Polygon', 'coordinates': [[[0, 0], [200, 0], [1, 1], [0, 0]]]},
                {'type': 'LineString', 'coordinates': [[0, 0], [1, 1]]}, 'tekst', None):
        with pytest.raises(geo.GeometryError):
            geo.Shape(bad)
