import pytest

from signals_haarlem.triage import engine
from tests.factories import CategoryFactory, DepartmentFactory, MainCategoryFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_ruleset():
    """The compiled rule set is cached per process; a rolled-back test must not leave it behind."""
    engine.clear_cache()
    yield
    engine.clear_cache()


@pytest.fixture
def lanes(db):
    """The three lanes with their teams and the default service formulas (as the fixtures load them)."""
    from signals_haarlem.triage import fixtures
    fixtures.load_lanes()
    from signals_haarlem.triage.models import Lane
    return {lane.code: lane for lane in Lane.objects.all()}


@pytest.fixture
def afval(db):
    return MainCategoryFactory(slug='afval', name='Afval')


@pytest.fixture
def container_vol(afval, lanes):
    from signals_haarlem.triage.models import CategoryLane
    category = CategoryFactory(slug='container-is-vol', name='Container is vol', parent=afval, n_days=3)
    CategoryLane.objects.create(category=category, lane=lanes['eenvoudig'])
    return category


@pytest.fixture
def boom(lanes):
    from signals_haarlem.triage.models import CategoryLane
    main = MainCategoryFactory(slug='openbaar-groen-en-water', name='Openbaar groen en water')
    category = CategoryFactory(slug='boom', name='Boom', parent=main, n_days=10)
    CategoryLane.objects.create(category=category, lane=lanes['complex'])
    return category


@pytest.fixture
def teamleider(lanes):
    """Leads the three lane teams (member of their departments), so their queues are hers to see."""
    return UserFactory(username='teamleider@haarlem.nl', first_name='Tessa',
                       departments=[lane.department for lane in lanes.values() if lane.department_id],
                       permissions=['signals.sia_read', 'haarlem_triage.view_decision', 'haarlem_triage.retriage',
                                    'haarlem_triage.set_agreed_date', 'haarlem_triage.view_lane',
                                    'haarlem_triage.view_rule', 'haarlem_triage.dryrun_rule'])


@pytest.fixture
def behandelaar(lanes):
    """A member of Team Eenvoudig (the eenvoudig lane's team)."""
    return UserFactory(username='behandelaar@haarlem.nl', departments=[lanes['eenvoudig'].department],
                       permissions=['signals.sia_read', 'haarlem_triage.view_decision'])


@pytest.fixture
def departments(db):
    return {code: DepartmentFactory(code=code, name=name) for code, name in
            (('EEN', 'Team Eenvoudig'), ('CPX', 'Team Complex'), ('MTW', 'Team Maatwerk'))}
