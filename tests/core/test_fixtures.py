"""load_haarlem_fixtures: Haarlem's categories, service levels, departments, sources and roles."""
import copy
import importlib.util
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from signals_haarlem import signalen
from signals_haarlem.core import fixtures_loader
from tests.core import fakeapp

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / 'fixtures'
Category = signalen.get_model('Category')
SLO = signalen.get_model('ServiceLevelObjective')
CategoryDepartment = signalen.get_model('CategoryDepartment')
Department = signalen.get_model('Department')
Source = signalen.get_model('Source')


def categories_json():
    return json.loads((FIXTURES / 'categories.json').read_text(encoding='utf-8'))


def row_counts():
    return {
        'categories': Category.objects.count(), 'slos': SLO.objects.count(),
        'category_departments': CategoryDepartment.objects.count(), 'departments': Department.objects.count(),
        'sources': Source.objects.count(), 'groups': Group.objects.count(),
        'group_permissions': Group.permissions.through.objects.count(),
        'areas': signalen.get_model('Area').objects.count(),
        'area_types': signalen.get_model('AreaType').objects.count(),
    }


@pytest.fixture
def loaded():
    return fixtures_loader.load_all(apps=False)


def test_loads_the_standard_tree_with_service_levels_and_departments(loaded):
    data = categories_json()
    assert (len(data), sum(len(main['sub_categories']) for main in data)) == (13, 156)
    if not signalen.UPSTREAM:  # upstream keeps the categories its own migrations made, next to Haarlem's
        assert Category.objects.filter(parent=None).count() == 13
        assert Category.objects.filter(parent__isnull=False).count() == 156
    service_levels = signalen.service_level_objectives()
    for main in data:
        assert Category.objects.get(parent=None, slug=main['slug']).name == main['name']
        for sub in main['sub_categories']:
            category = Category.objects.get(parent__slug=main['slug'], slug=sub['slug'])
            assert category.name == sub['name']
            assert category.handling_message == sub['handling_message']
            assert category.is_public_accessible == sub['is_public_accessible']
            if sub['sla']['n_days'] is None:
                assert not SLO.objects.filter(category=category).exists() or signalen.UPSTREAM
            else:
                assert service_levels[category.pk] == (sub['sla']['n_days'], sub['sla']['use_calendar_days'])
            links = CategoryDepartment.objects.filter(category=category).select_related('department')
            assert {(link.department.code, link.is_responsible) for link in links} == {
                (d['code'], d['is_responsible']) for d in sub['departments']}
            assert sum(link.is_responsible for link in links) == 1
    assert Category.objects.get(parent__slug='overig', slug='overig').is_active


def test_monitoring_sees_every_category_but_the_complaints(loaded):
    """Team Monitoring reads signals through the categories it is listed at (its role no longer sees all
    categories): every one but Klacht, whose departments are the complaint coordination and Maatwerk."""
    links = CategoryDepartment.objects.filter(department__code='MON')
    subs = Category.objects.filter(parent__isnull=False, parent__slug__in=[m['slug'] for m in categories_json()])
    assert set(links.filter(can_view=True, is_responsible=False).values_list('category_id', flat=True)) == set(
        subs.exclude(parent__slug='overig', slug='klacht').values_list('pk', flat=True))
    klacht = Category.objects.get(parent__slug='overig', slug='klacht')
    assert {(link.department.code, link.is_responsible, link.can_view) for link in
            CategoryDepartment.objects.filter(category=klacht).select_related('department')} == {
        ('KLA', True, True), ('MTW', False, True)}
    monitoring = set(Group.objects.get(name='Monitoring').permissions.values_list('codename', flat=True))
    assert 'sia_can_view_all_categories' not in monitoring and 'sia_read' in monitoring


def test_the_migration_takes_see_all_from_an_existing_monitoring_role(loaded):
    import importlib

    from django.apps import apps
    migration = importlib.import_module(
        'signals_haarlem.complaints.migrations.0003_monitoring_role_without_view_all')
    monitoring = Group.objects.get(name='Monitoring')
    migration.backwards(apps, None)  # as an installation before it had the role
    assert monitoring.permissions.filter(codename='sia_can_view_all_categories').exists()
    migration.forwards(apps, None)
    assert not monitoring.permissions.filter(codename='sia_can_view_all_categories').exists()
    assert Group.objects.get(name='Klachtcoördinator').permissions.filter(
        codename='sia_can_view_all_categories').exists()


def test_departments_sources_and_roles(loaded):
    haarlem = {item['code'] for item in json.loads((FIXTURES / 'departments.json').read_text(encoding='utf-8'))}
    departments = Department.objects.filter(code__in=haarlem)  # (upstream keeps the ones its migrations made)
    assert set(departments.filter(is_intern=True).values_list('code', flat=True)) == {
        'KCC', 'EEN', 'CPX', 'MTW', 'MON', 'KLA'}
    assert set(departments.filter(is_intern=False).values_list('code', flat=True)) == {
        'SPL', 'SRO', 'CCS', 'SPW', 'HEF', 'DCK'}
    assert set(departments.filter(can_direct=True).values_list('code', flat=True)) == {'EEN', 'CPX', 'MTW'}
    assert signalen.UPSTREAM or departments.count() == Department.objects.count()
    online = Source.objects.get(name='online')
    assert online.is_public and online.is_active
    private = Source.objects.filter(is_public=False)
    assert {'Telefoon', 'E-mail', 'Balie', 'Brief', 'Webcare', 'Interne melding', 'Spaarnelanden'} == set(
        private.values_list('name', flat=True))
    assert all(s.is_active and s.can_be_selected for s in private)
    assert set(Group.objects.values_list('name', flat=True)) >= {
        'KCC-medewerker', 'Behandelaar', 'Teamleider', 'Monitoring', 'Klachtcoördinator', 'Klachtbehandelaar',
        'Beheerder'}
    kcc = set(Group.objects.get(name='KCC-medewerker').permissions.values_list('codename', flat=True))
    assert {'sia_read', 'sia_signal_create_initial', 'sia_can_view_contact_details'} <= kcc
    assert 'sia_signal_export' not in kcc
    assert Group.objects.get(name='Beheerder').permissions.filter(codename='change_category').exists()


def test_areas_for_the_district_filter(loaded):
    assert set(signalen.areas_of_type('stadsdeel')) == {
        ('centrum', 'Centrum'), ('noord', 'Noord'), ('oost', 'Oost'), ('zuid-west', 'Zuid-West'),
        ('schalkwijk', 'Schalkwijk')}
    assert len(signalen.areas_of_type('wijk')) >= 20


def test_second_run_changes_nothing(loaded):
    before = row_counts()
    report = fixtures_loader.load_all(apps=False)
    assert row_counts() == before
    assert not report.changed
    assert report.counts['categories'].unchanged == 169


def test_command_is_idempotent_and_says_so():
    out = StringIO()
    call_command('load_haarlem_fixtures', '--no-apps', stdout=out, stderr=StringIO())
    # all new on the standalone core; inside upstream some of them exist already (its standard tree)
    created, updated, unchanged = map(int, re.search(
        r'categories: (\d+) created, (\d+) updated, (\d+) unchanged', out.getvalue()).groups())
    assert created + updated + unchanged == 169 and (created == 169 or signalen.UPSTREAM)
    before = row_counts()
    out = StringIO()
    call_command('load_haarlem_fixtures', '--no-apps', stdout=out, stderr=StringIO())
    assert row_counts() == before
    assert '(no changes)' in out.getvalue()


def test_changed_service_level_adds_a_record_and_changed_text_updates(loaded):
    data = copy.deepcopy(categories_json())
    sub = next(s for s in data[0]['sub_categories'] if s['slug'] == 'container-is-vol')
    sub['sla'] = {'n_days': 2, 'use_calendar_days': False}
    sub['handling_message'] = 'We legen de container binnen 2 werkdagen.'
    report = fixtures_loader.Report()
    fixtures_loader.load_categories(data, report)
    category = Category.objects.get(parent__slug='afval', slug='container-is-vol')
    assert [(s.n_days, s.use_calendar_days) for s in SLO.objects.filter(category=category)
            .order_by('created_at', 'pk')] == [(3, False), (2, False)]
    assert signalen.service_level_objectives()[category.pk] == (2, False)
    assert category.handling_message == 'We legen de container binnen 2 werkdagen.'
    assert report.counts['service levels'].created == 1
    assert report.counts['categories'].updated == 1
    # ...and loading the same again adds nothing.
    again = fixtures_loader.Report()
    fixtures_loader.load_categories(data, again)
    assert SLO.objects.filter(category=category).count() == 2 and not again.changed


def test_create_only_keeps_what_admins_changed(loaded):
    category = Category.objects.get(parent__slug='afval', slug='grofvuil')
    Category.objects.filter(pk=category.pk).update(handling_message='Aangepast door beheer')
    fixtures_loader.load_all(apps=False, create_only=True)
    category.refresh_from_db()
    assert category.handling_message == 'Aangepast door beheer'
    fixtures_loader.load_all(apps=False)
    category.refresh_from_db()
    assert category.handling_message != 'Aangepast door beheer'


def test_missing_permission_is_a_warning_and_is_added_once_it_exists(loaded):
    roles = [{'name': 'Klachtbehandelaar', 'permissions': ['signals.sia_read', 'haarlem_test.view_later']}]
    report = fixtures_loader.Report()
    fixtures_loader.load_roles(roles, report)
    assert any('haarlem_test.view_later' in w for w in report.warnings)
    group = Group.objects.get(name='Klachtbehandelaar')
    assert not group.permissions.filter(codename='view_later').exists()
    content_type = ContentType.objects.create(app_label='haarlem_test', model='later')
    Permission.objects.create(content_type=content_type, codename='view_later', name='Can view later')
    report = fixtures_loader.Report()
    fixtures_loader.load_roles(roles, report)
    assert group.permissions.filter(codename='view_later').exists()
    assert report.counts['roles'].updated == 1 and not report.warnings


def test_apps_fixtures_are_loaded(settings):
    settings.HAARLEM_APPS = ['tests.core.fakeapp', 'signals_haarlem.core']
    fakeapp.CALLS.clear()
    out = StringIO()
    call_command('load_haarlem_fixtures', '--only', 'departments', stdout=out, stderr=StringIO())
    assert fakeapp.CALLS == [('load',)]
    assert 'tests.core.fakeapp.fixtures.load(): lanes: 3' in out.getvalue()


# -- the fixture files themselves --------------------------------------------------------------------

def _build_tool():
    spec = importlib.util.spec_from_file_location('build_categories', FIXTURES / 'tools' / 'build_categories.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_categories_json_is_what_the_tool_builds_from_the_standard_tree():
    assert _build_tool().main(['--check']) == 0


def test_tree_is_signalens_standard_tree():
    """Signalen's standard tree, plus only the sub categories Haarlem adds (Overig > Klacht)."""
    tool = _build_tool()
    standard = json.loads(tool.SOURCE.read_text(encoding='utf-8'))
    added = {(main, item['slug']) for main, item in tool.HAARLEM_SUBS}
    assert added == {('overig', 'klacht')}
    ours = categories_json()
    assert [(m['slug'], [(s['slug'], s['name'], s['sla']) for s in m['sub_categories']
                         if (m['slug'], s['slug']) not in added]) for m in ours] == [
        (m['slug'], [(s['slug'], s['name'], s['sla']) for s in m['sub_categories']]) for m in standard]


def test_handling_messages_are_honest():
    tool = _build_tool()
    for main in categories_json():
        for sub in main['sub_categories']:
            message = sub['handling_message']
            assert not re.search(r'amsterdam|corona|vaarseizoen|Bekijk in welke', message, re.I), sub['slug']
            for mention in re.findall(r'gemeente\b.{0,8}', message):
                assert mention.startswith('gemeente Haarlem'), (sub['slug'], message)
            if sub['sla']['n_days'] is not None and 'binnen' in message and sub['slug'] != 'wonen-ondermijning':
                assert f'binnen {tool.term(sub["sla"])}' in message, (sub['slug'], message)
            responsible = sub['departments'][0]['code']
            if responsible == 'SPL':
                assert 'Spaarnelanden voert dit werk uit in opdracht van de gemeente Haarlem.' in message
            assert 'via e-mail op de hoogte' not in message or 'e-mailadres' in message


def test_public_map_shows_no_reports_about_people_or_homes():
    public = {(m['slug'], s['slug']) for m in categories_json() for s in m['sub_categories']
              if s['is_public_accessible']}
    for main in ('overlast-van-en-door-personen-of-groepen', 'wonen', 'ondermijning', 'overlast-bedrijven-en-horeca'):
        assert not any(m == main for m, _ in public)
    assert ('afval', 'container-is-vol') in public
    assert ('wegen-verkeer-straatmeubilair', 'lantaarnpaal-straatverlichting') in public
