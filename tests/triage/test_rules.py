"""Each rule kind: its parameters are validated on save, and it matches (with a reason in words) or not."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from signals_haarlem import signalen
from signals_haarlem.triage import engine, rules, services
from signals_haarlem.triage.models import Rule
from tests.factories import GROTE_MARKT, STATION, CategoryFactory, make_signal

pytestmark = pytest.mark.django_db

# About 30 m and 80 m north of the Grote Markt.
NEAR_30M = (GROTE_MARKT[0], GROTE_MARKT[1] + 0.00027)
NEAR_80M = (GROTE_MARKT[0], GROTE_MARKT[1] + 0.00072)


def rule(lanes, kind, params, lane='complex', order=10, name=None):
    obj = Rule(name=name or f'Regel {kind}', kind=kind, params=params, lane=lanes[lane], order=order)
    obj.full_clean()
    obj.save()
    engine.clear_cache()
    return obj


def decide(signal):
    return services.decide(signal)


# -- validation -----------------------------------------------------------------------------------

@pytest.mark.parametrize('kind, params, field', [
    ('type', {'types': ['XYZ']}, 'types'),
    ('type', {}, 'types'),
    ('priority', {'priorities': []}, 'priorities'),
    ('keywords', {'keywords': ['a']}, 'keywords'),
    ('keywords', {'keywords': ['ok'], 'match': 'some'}, 'match'),
    ('area', {'geometry': {'type': 'Point', 'coordinates': [4.6, 52.3]}}, 'geometry'),
    ('area', {'geometry': {'type': 'Polygon', 'coordinates': [[[4.6, 52.3], [4.7, 52.3], [4.7, 52.4]]]}}, 'geometry'),
    ('area', {}, 'non_field_errors'),
    ('area', {'area': 'bestaat-niet'}, 'area'),
    ('repeat_spot', {'radius_m': 0}, 'radius_m'),
    ('repeat_spot', {'min_count': 1}, 'min_count'),
    ('repeat_spot', {'days': 'dertig'}, 'days'),
    ('repeat_reporter', {'days': 30}, 'non_field_errors'),
    ('parent_child', {'role': 'grandparent'}, 'role'),
    ('category', {'categories': []}, 'categories'),
    ('category', {'categories': ['bestaat/niet']}, 'categories'),
    ('type', {'types': ['COM'], 'typo': 1}, 'typo'),
])
def test_invalid_params_are_refused_on_save(lanes, kind, params, field):
    obj = Rule(name='x', kind=kind, params=params, lane=lanes['complex'])
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    assert 'params' in exc.value.message_dict
    assert any(m.startswith(f'{field}:') or field == 'non_field_errors' for m in exc.value.message_dict['params'])
    with pytest.raises(rules.ParamsError) as exc2:
        rules.get_kind(kind).validate(params)
    assert field in exc2.value.errors


def test_unknown_kind_is_refused(lanes):
    with pytest.raises(ValidationError) as exc:
        Rule(name='x', kind='astrologie', params={}, lane=lanes['complex']).full_clean()
    assert 'kind' in exc.value.message_dict


def test_valid_params_get_defaults(lanes):
    obj = rule(lanes, 'repeat_spot', {'min_count': 4})
    assert obj.params == {'categories': [], 'min_count': 4, 'radius_m': 50, 'days': 30, 'same_category': True,
                          'open_only': True}


# -- the kinds ------------------------------------------------------------------------------------

def test_category_rule(lanes, container_vol, boom):
    rule(lanes, 'category', {'categories': ['afval']}, lane='maatwerk')
    assert decide(make_signal(container_vol)).lane.code == 'maatwerk'
    assert decide(make_signal(boom)).lane.code == 'complex'  # not in the set: its own default lane
    outcome = decide(make_signal(container_vol))
    assert outcome.reason == 'Regel "Regel category": Categorie Container is vol valt onder deze regel'


def test_category_rule_by_sub_category_path(lanes, container_vol, afval):
    other = CategoryFactory(slug='grofvuil', name='Grofvuil', parent=afval)
    rule(lanes, 'category', {'categories': ['afval/container-is-vol']})
    assert decide(make_signal(container_vol)).lane.code == 'complex'
    assert decide(make_signal(other)).basis == 'fallback'


def test_type_rule_complaint_goes_to_maatwerk(lanes, container_vol):
    rule(lanes, 'type', {'types': ['COM']}, lane='maatwerk')
    outcome = decide(make_signal(container_vol, type_code='COM'))
    assert outcome.lane.code == 'maatwerk' and outcome.basis == 'rule'
    assert 'Type is Klacht' in outcome.reason
    assert decide(make_signal(container_vol, type_code='SIG')).lane.code == 'eenvoudig'


def test_priority_rule(lanes, container_vol):
    rule(lanes, 'priority', {'priorities': ['high']})
    assert 'Urgentie is Hoog' in decide(make_signal(container_vol, priority='high')).reason
    assert decide(make_signal(container_vol, priority='normal')).lane.code == 'eenvoudig'


@pytest.mark.parametrize('text, params, matches', [
    ('Dit is GEVAARLIJK voor kinderen', {'keywords': ['gevaarlijk']}, True),
    ('Levensgevaarlijke situatie', {'keywords': ['gevaarlijk']}, False),  # whole words by default
    ('Levensgevaarlijke situatie', {'keywords': ['gevaarlijk'], 'whole_words': False}, True),
    ('Mijn kinderen spelen hier', {'keywords': ['kind*']}, True),
    ('De café-eigenaar', {'keywords': ['cafe']}, True),  # accents do not count
    ('Gevaarlijk', {'keywords': ['gevaarlijk', 'kinderen'], 'match': 'all'}, False),
    ('Gevaarlijk voor kinderen', {'keywords': ['gevaarlijk', 'kinderen'], 'match': 'all'}, True),
    ('Er liggen kinderen spelen', {'keywords': ['kinderen spelen']}, True),
])
def test_keywords_rule(lanes, container_vol, text, params, matches):
    rule(lanes, 'keywords', params)
    outcome = decide(make_signal(container_vol, text=text))
    assert (outcome.lane.code == 'complex') is matches
    if matches:
        assert 'Tekst bevat' in outcome.reason


def test_keywords_reason_names_the_words_found(lanes, container_vol):
    rule(lanes, 'keywords', {'keywords': ['gevaarlijk', 'onveilig', 'kinderen']}, name='Gevaar')
    outcome = decide(make_signal(container_vol, text='Onveilig en gevaarlijk'))
    assert outcome.reason == 'Regel "Gevaar": Tekst bevat "gevaarlijk", "onveilig"'


SQUARE = {'type': 'Polygon', 'coordinates': [[[4.630, 52.378], [4.640, 52.378], [4.640, 52.384], [4.630, 52.384],
                                               [4.630, 52.378]]]}


def test_area_rule_with_polygon(lanes, container_vol):
    rule(lanes, 'area', {'geometry': SQUARE, 'name': 'Centrum'})
    inside = decide(make_signal(container_vol, point=GROTE_MARKT))
    assert inside.lane.code == 'complex' and 'Locatie ligt in gebied Centrum' in inside.reason
    assert decide(make_signal(container_vol, point=STATION)).lane.code == 'eenvoudig'


def test_area_rule_with_named_area_and_hole(lanes, container_vol):
    from signals_haarlem.triage.models import Area
    hole = [[4.636, 52.381], [4.6375, 52.381], [4.6375, 52.3815], [4.636, 52.3815], [4.636, 52.381]]
    Area.objects.create(code='centrum', name='Centrum',
                        geometry={'type': 'Polygon', 'coordinates': [SQUARE['coordinates'][0], hole]})
    rule(lanes, 'area', {'area': 'centrum'})
    assert decide(make_signal(container_vol, point=GROTE_MARKT)).lane.code == 'eenvoudig'  # in the hole
    assert decide(make_signal(container_vol, point=(4.632, 52.379))).lane.code == 'complex'


def test_repeat_spot_rule(lanes, container_vol, boom):
    rule(lanes, 'repeat_spot', {'min_count': 4, 'radius_m': 50, 'days': 30}, name='Herhaling')
    make_signal(container_vol, point=GROTE_MARKT)
    make_signal(container_vol, point=NEAR_30M)
    make_signal(container_vol, point=NEAR_80M)  # too far
    make_signal(boom, point=GROTE_MARKT)  # other category
    make_signal(container_vol, point=GROTE_MARKT, created_at=timezone.now() - timedelta(days=40))  # too old
    make_signal(container_vol, point=GROTE_MARKT, state='o')  # closed
    third = make_signal(container_vol, point=GROTE_MARKT)
    assert decide(third).lane.code == 'eenvoudig'  # 3 open within 50 m in 30 days
    fourth = make_signal(container_vol, point=NEAR_30M)
    outcome = decide(fourth)
    assert outcome.lane.code == 'complex'
    assert outcome.reason == 'Regel "Herhaling": 4 meldingen van dezelfde categorie binnen 50 m in 30 dagen'


def test_repeat_spot_any_category_and_closed(lanes, container_vol, boom):
    rule(lanes, 'repeat_spot', {'min_count': 3, 'radius_m': 100, 'same_category': False, 'open_only': False})
    make_signal(boom, point=NEAR_80M)
    make_signal(container_vol, point=GROTE_MARKT, state='o')
    outcome = decide(make_signal(container_vol, point=GROTE_MARKT))
    assert outcome.lane.code == 'complex' and '3 meldingen binnen 100 m in 30 dagen' in outcome.reason


def test_nearby_signals_uses_indexes(container_vol):
    """The repeat-spot lookup reads the signals' (lat, lon, created_at) index of their current point: one
    table, no scan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    if connection.vendor != 'sqlite':
        pytest.skip('plan checked on SQLite; PostgreSQL is measured by the benchmark')
    signal = make_signal(container_vol)
    make_signal(container_vol, point=NEAR_30M)
    with CaptureQueriesContext(connection) as ctx:
        assert len(signalen.nearby_signals(signal, 50, 30)) == 1
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            cursor.execute('EXPLAIN QUERY PLAN ' + query['sql'])
            plans.append(' | '.join(str(row[-1]) for row in cursor.fetchall()))
    assert len(plans) == 1, plans
    assert plans[0] == 'SEARCH signals_signal USING INDEX signals_signal_point_idx (current_lat>? AND current_lat<?)', \
        plans


def test_repeat_reporter_rule_by_email_and_phone(lanes, container_vol):
    rule(lanes, 'repeat_reporter', {'min_count': 3, 'days': 30}, lane='maatwerk')
    reporter = {'email': 'veel@example.com', 'phone': ''}
    make_signal(container_vol, reporter=reporter)
    make_signal(container_vol, reporter={'email': '', 'phone': '0611111111'})
    assert decide(make_signal(container_vol, reporter=reporter)).lane.code == 'eenvoudig'  # 2 by this e-mail
    outcome = decide(make_signal(container_vol, reporter={'email': 'veel@example.com', 'phone': '0611111111'}))
    assert outcome.lane.code == 'maatwerk'
    assert 'Dezelfde melder deed 4 meldingen in 30 dagen' in outcome.reason
    # An anonymous reporter is never a repeat reporter.
    for _ in range(3):
        make_signal(container_vol, reporter={'email': '', 'phone': ''})
    assert decide(make_signal(container_vol, reporter={'email': '', 'phone': ''})).lane.code == 'eenvoudig'


def test_repeat_reporter_rule_reopen_request(lanes, container_vol):
    rule(lanes, 'repeat_reporter', {'reopen_request': True}, lane='maatwerk')
    signal = make_signal(container_vol, state='o')
    assert decide(signal).lane.code == 'eenvoudig'
    signalen.set_status(signal, 'reopen requested', 'Melder is niet tevreden')
    outcome = decide(signal)
    assert outcome.lane.code == 'maatwerk' and 'heropenen' in outcome.reason


def test_parent_child_rule(lanes, container_vol):
    rule(lanes, 'parent_child', {'role': 'parent', 'min_children': 2}, name='Hoofdmelding')
    rule(lanes, 'parent_child', {'role': 'child'}, lane='maatwerk', order=20, name='Deelmelding')
    parent = make_signal(container_vol)
    make_signal(container_vol, parent=parent)
    assert decide(parent).lane.code == 'eenvoudig'  # one child, two needed
    child = make_signal(container_vol, parent=parent)
    outcome = decide(parent)
    assert outcome.lane.code == 'complex' and 'Hoofdmelding met 2 deelmeldingen' in outcome.reason
    child_outcome = decide(child)
    assert child_outcome.lane.code == 'maatwerk' and f'Deelmelding van SIG-{parent.pk}' in child_outcome.reason


def test_scope_limits_a_rule_to_categories(lanes, container_vol, boom):
    rule(lanes, 'keywords', {'keywords': ['gevaarlijk'], 'categories': ['openbaar-groen-en-water']})
    assert decide(make_signal(boom, text='gevaarlijk')).lane.code == 'complex'
    assert decide(make_signal(container_vol, text='gevaarlijk')).lane.code == 'eenvoudig'


def test_first_matching_rule_wins_and_inactive_rules_do_not_count(lanes, container_vol):
    rule(lanes, 'type', {'types': ['COM']}, lane='maatwerk', order=20, name='Klacht')
    first = rule(lanes, 'keywords', {'keywords': ['boom']}, lane='complex', order=10, name='Boom')
    signal = make_signal(container_vol, type_code='COM', text='Een boom')
    assert decide(signal).rule == first
    first.is_active = False
    first.save()
    assert decide(signal).rule.name == 'Klacht'


def test_rule_to_inactive_lane_is_skipped(lanes, container_vol):
    rule(lanes, 'type', {'types': ['COM']}, lane='maatwerk')
    lanes['maatwerk'].is_active = False
    lanes['maatwerk'].save()
    assert decide(make_signal(container_vol, type_code='COM')).lane.code == 'eenvoudig'


def test_a_new_kind_can_be_registered(lanes, container_vol):
    from rest_framework import serializers

    class SourceKind(rules.RuleKind):
        code = 'test_source'
        label = 'Bron'

        class Params(rules.BaseParams):
            sources = serializers.ListField(child=serializers.CharField(), min_length=1)

        def match(self, facts, compiled):
            return f'Bron is {facts.signal.source}' if facts.signal.source in compiled['sources'] else None

    rules.register(SourceKind)
    try:
        rule(lanes, 'test_source', {'sources': ['Telefoon']})
        assert decide(make_signal(container_vol, source='Telefoon')).reason.endswith('Bron is Telefoon')
        assert decide(make_signal(container_vol, source='online')).lane.code == 'eenvoudig'
    finally:
        rules._registry.pop('test_source')


def test_widest_lookup_filtered_in_python_equals_the_direct_queries(lanes, container_vol, boom):
    """With several repeat-spot and repeat-reporter rules, a decision fetches the widest lookup once;
    each rule's answer is the same as its own query would give."""
    from signals_haarlem.triage.facts import SignalFacts
    now = timezone.now()
    reporter = {'email': 'buur@example.com', 'phone': ''}
    for days_ago, point, category, state in ((1, GROTE_MARKT, container_vol, None), (5, NEAR_30M, container_vol, 'o'),
                                             (12, NEAR_30M, boom, None), (20, NEAR_80M, container_vol, None),
                                             (45, GROTE_MARKT, container_vol, None), (2, NEAR_80M, boom, 'o')):
        make_signal(category, point=point, created_at=now - timedelta(days=days_ago), state=state, reporter=reporter)
    signal = make_signal(container_vol, point=GROTE_MARKT, reporter=reporter)
    rule(lanes, 'repeat_spot', {'min_count': 9, 'radius_m': 100, 'days': 60, 'same_category': False,
                                'open_only': False})
    rule(lanes, 'repeat_reporter', {'min_count': 20, 'days': 60}, order=20)
    ruleset = engine.current()
    assert ruleset.hints == {'nearby': (100, 60, True, True), 'reporter': 60}
    facts = ruleset.facts(services.load_signal(signal))
    for metres, days, same, open_only in ((50, 30, True, True), (100, 60, False, False), (30, 10, False, True),
                                          (90, 21, True, False), (100, 60, True, True)):
        assert facts.nearby(metres, days, same, open_only) == \
            signalen.nearby_signals(signal, metres, days, same_category=same, open_only=open_only), \
            (metres, days, same, open_only)
    for days in (3, 15, 30, 60):
        assert sorted(facts.same_reporter(days)) == signalen.same_reporter_signals(signal, days), days
    assert len(facts.same_reporter(60)) == 6 and len(facts.same_reporter(30)) == 5  # 45 days ago: only within 60
    plain = SignalFacts(services.load_signal(signal))  # no hints: one query per lookup
    assert plain.nearby(100, 60, False, False) == facts.nearby(100, 60, False, False)


def test_states_and_children_in_one_query(container_vol):
    parent = make_signal(container_vol, state='o')
    for _ in range(2):
        make_signal(container_vol, parent=parent)
    assert signalen.states_and_children(parent, {'reopen requested'}) == (False, 2)
    signalen.set_status(parent, 'reopen requested', 'Niet tevreden')
    assert signalen.states_and_children(parent, {'reopen requested', 'reopened'}) == (True, 2)
    assert signalen.had_state(parent, {'o'}) and signalen.child_count(parent) == 2
