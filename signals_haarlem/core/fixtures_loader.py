"""Load Haarlem's fixtures (fixtures/*.json) into Signalen: departments, categories with their service
levels and departments, sources, and roles (Django groups with permissions).

Everything goes through the boundary (`signalen.get_model`), so it works on the standalone core and
inside upstream Signalen alike. Loading is idempotent: objects are found by their natural key (a
department's code, a category's parent slug and slug, a source's name, a group's name); a second run
changes nothing, a changed fixture updates what changed. Service levels are append-only: a new one is
added only when the category's newest differs from the fixture. Links between categories and
departments, and permissions of groups, are only ever added: removing them is an admin's decision.

With ``create_only=True`` existing objects are left as they are (what a container start wants when
admins may have changed things in the admin since).
"""
import fnmatch
import importlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from signals_haarlem import signalen

logger = logging.getLogger(__name__)

KINDS = ('departments', 'categories', 'sources', 'areas', 'roles', 'feedback')


def fixtures_dir():
    """Where the fixture files are: $HAARLEM_FIXTURES_DIR, settings.HAARLEM_FIXTURES_DIR, or the
    project's fixtures/ folder next to the package."""
    configured = os.environ.get('HAARLEM_FIXTURES_DIR') or getattr(settings, 'HAARLEM_FIXTURES_DIR', None)
    if configured:
        return Path(configured)
    import signals_haarlem
    return Path(signals_haarlem.__file__).resolve().parent.parent / 'fixtures'


def read_fixture(name, directory=None):
    path = Path(directory or fixtures_dir()) / name
    with open(path, encoding='utf-8') as fh:
        return json.load(fh)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self):
        text = f'{self.created} created, {self.updated} updated, {self.unchanged} unchanged'
        return text + (f', {self.removed} removed' if self.removed else '')


@dataclass
class Report:
    """What a load did, per kind of object, plus warnings (printed by the command)."""
    counts: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def count(self, kind, outcome):
        counts = self.counts.setdefault(kind, Counts())
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    def note(self, line):
        self.lines.append(line)

    def warn(self, line):
        logger.debug(line)
        self.warnings.append(line)

    @property
    def changed(self):
        return any(c.created or c.updated or c.removed for c in self.counts.values())


def _sync(obj, values, create_only):
    """Set `values` on `obj` where they differ; returns the names of the changed fields."""
    if create_only:
        return []
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return changed


def _upsert(report, kind, model, lookup, values, create_only, label):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count(kind, 'created')
        report.note(f'created {kind[:-1]} {label}')
        return obj
    changed = _sync(obj, values, create_only)
    if changed:
        report.count(kind, 'updated')
        report.note(f'updated {kind[:-1]} {label}: {", ".join(changed)}')
    else:
        report.count(kind, 'unchanged')
    return obj


# -- departments ----------------------------------------------------------------------------------

def load_departments(data, report, create_only=False):
    Department = signalen.get_model('Department')
    for item in data:
        values = {'name': item['name'], 'is_intern': item.get('is_intern', True),
                  'can_direct': item.get('can_direct', False)}
        _upsert(report, 'departments', Department, {'code': item['code']}, values, create_only, item['code'])


# -- categories -----------------------------------------------------------------------------------

def _category_values(item, is_sub):
    values = {'name': item['name'], 'public_name': item.get('public_name'),
              'is_public_accessible': bool(item.get('is_public_accessible', False)),
              'is_active': bool(item.get('is_active', True))}
    if is_sub or 'handling_message' in item:
        values['handling_message'] = item.get('handling_message')
    if is_sub or 'description' in item:
        values['description'] = item.get('description')
    return values


def _slo(category, sla, report, create_only, label):
    if not sla or sla.get('n_days') is None:
        return
    SLO = signalen.get_model('ServiceLevelObjective')
    n_days, calendar = int(sla['n_days']), bool(sla.get('use_calendar_days'))
    newest = SLO.objects.filter(category=category).order_by('-created_at', '-pk').first()
    if newest is not None and (create_only or (newest.n_days, newest.use_calendar_days) == (n_days, calendar)):
        report.count('service levels', 'unchanged')
        return
    SLO.objects.create(category=category, n_days=n_days, use_calendar_days=calendar)
    report.count('service levels', 'created')
    unit = 'calendar days' if calendar else 'working days'
    report.note(f'added service level {n_days} {unit} to {label}'
                + (f' (was {newest.n_days} {"calendar" if newest.use_calendar_days else "working"} days)'
                   if newest is not None else ''))


def _category_departments(category, items, departments, report, create_only, label):
    """The category's departments as the fixture lists them (links to others are removed, unless only
    creating: upstream's migrations give its standard categories Amsterdam's departments)."""
    CategoryDepartment = signalen.get_model('CategoryDepartment')
    if items is not None and not create_only:
        listed = [departments[item['code']].pk for item in items if item['code'] in departments]
        others = CategoryDepartment.objects.filter(category=category).exclude(department_id__in=listed)
        for link in others.select_related('department'):
            report.note(f'removed department {link.department.code} from {label}')
            report.count('category departments', 'removed')
        others.delete()
    for item in items or []:
        department = departments.get(item['code'])
        if department is None:
            report.warn(f'category {label}: unknown department {item["code"]!r} skipped '
                        '(load departments.json first)')
            continue
        values = {'is_responsible': bool(item.get('is_responsible', False)),
                  'can_view': bool(item.get('can_view', True))}
        _upsert(report, 'category departments', CategoryDepartment,
                {'category': category, 'department': department}, values, create_only,
                f'{label} -> {item["code"]}')


def _category(report, parent, slug, values, create_only, label):
    Category = signalen.get_model('Category')
    category = _upsert(report, 'categories', Category, {'parent': parent, 'slug': slug}, values, create_only, label)
    if category.slug != slug:
        # Upstream's Category makes its slug from the name when it is created (django-extensions'
        # AutoSlugField); the fixture's slug is the one the frontend, the triage mapping and the
        # partners refer to, so it is set afterwards.
        Category.objects.filter(pk=category.pk).update(slug=slug)
        category.slug = slug
    return category


def load_categories(data, report, create_only=False):
    departments = {d.code: d for d in signalen.get_model('Department').objects.all()}
    for main in data:
        parent = _category(report, None, main['slug'], _category_values(main, is_sub=False), create_only,
                           main['slug'])
        for sub in main.get('sub_categories', []):
            label = f'{main["slug"]}/{sub["slug"]}'
            category = _category(report, parent, sub['slug'], _category_values(sub, is_sub=True), create_only,
                                 label)
            _slo(category, sub.get('sla'), report, create_only, label)
            _category_departments(category, sub.get('departments'), departments, report, create_only, label)


# -- sources --------------------------------------------------------------------------------------

def load_sources(data, report, create_only=False):
    Source = signalen.get_model('Source')
    for item in data:
        values = {'description': item.get('description', ''), 'order': item.get('order', 0),
                  'is_active': item.get('is_active', True), 'is_public': item.get('is_public', False),
                  'can_be_selected': item.get('can_be_selected', True)}
        _upsert(report, 'sources', Source, {'name': item['name']}, values, create_only, repr(item['name']))


# -- feedback (KTO) -------------------------------------------------------------------------------

def load_feedback_answers(data, report, create_only=False):
    """The standard answers of the reporter's feedback form (kept by their text; an admin edits them)."""
    StandardAnswer = signalen.get_model('StandardAnswer')
    for item in data:
        values = {'is_satisfied': item['is_satisfied'], 'order': item.get('order', 0),
                  'reopens_when_unhappy': item.get('reopens_when_unhappy', False),
                  'open_answer': item.get('open_answer', False), 'is_visible': item.get('is_visible', True)}
        _upsert(report, 'feedback answers', StandardAnswer, {'text': item['text']}, values, create_only,
                repr(item['text']))


# -- areas ----------------------------------------------------------------------------------------

def load_areas(data, report, create_only=False):
    """Area types (stadsdeel, wijk) and their areas, for Signalen's list filter and the area of a
    report's location; upstream Signalen takes an area only with its polygon (the fixtures carry
    approximate ones, see fixtures/tools/build_areas.py; real ones come with `import_areas`)."""
    for item in data:
        for area in item.get('areas', []):
            key = f'{item["code"]}/{area["code"]}'
            try:
                with transaction.atomic():
                    if create_only and _area_exists(item['code'], area['code']):
                        outcome = 'unchanged'
                    else:
                        outcome = signalen.save_area(item['code'], item['name'], area['code'], area['name'],
                                                     area.get('geometry'), item.get('description', ''))
            except ValueError as exc:
                report.warn(f'area {key} skipped: {exc}')
                continue
            report.count('areas', outcome)
            if outcome != 'unchanged':
                report.note(f'{outcome} area {key}')


def _area_exists(type_code, code):
    return any(found == code for found, _ in signalen.areas_of_type(type_code))


# -- roles ----------------------------------------------------------------------------------------

def resolve_permissions(specs, report=None, role=''):
    """Permissions for specs like 'signals.sia_read' or 'haarlem_triage.view_*' (fnmatch patterns).

    A spec matching no permission yet (its app is still being built, or not installed) is reported
    as a warning, not an error: loading again later picks it up."""
    from django.contrib.auth.models import Permission
    index = {f'{p.content_type.app_label}.{p.codename}': p
             for p in Permission.objects.select_related('content_type')}
    found = {}
    for spec in specs:
        if any(ch in spec for ch in '*?['):
            matches = [perm for key, perm in index.items() if fnmatch.fnmatchcase(key, spec)]
        else:
            matches = [index[spec]] if spec in index else []
        if not matches and report is not None:
            report.warn(f'role {role}: no permission matches {spec!r} (yet); skipped')
        for perm in matches:
            found[perm.pk] = perm
    return list(found.values())


def load_roles(data, report, create_only=False):
    from django.contrib.auth.models import Group
    for item in data:
        group, created = Group.objects.get_or_create(name=item['name'])
        wanted = resolve_permissions(item.get('permissions', []), report, item['name'])
        have = set(group.permissions.values_list('pk', flat=True))
        missing = [p for p in wanted if p.pk not in have]
        if created:
            report.count('roles', 'created')
            report.note(f'created role {item["name"]!r}')
        if missing and not (create_only and not created):
            group.permissions.add(*missing)
            if not created:
                report.count('roles', 'updated')
                report.note(f'updated role {item["name"]!r}: +{len(missing)} permissions')
        elif not created:
            report.count('roles', 'unchanged')


# -- all together ---------------------------------------------------------------------------------

LOADERS = {
    'departments': ('departments.json', load_departments),
    'categories': ('categories.json', load_categories),
    'sources': ('sources.json', load_sources),
    'areas': ('areas.json', load_areas),
    'feedback': ('feedback_answers.json', load_feedback_answers),
    'roles': ('roles.json', load_roles),
}


def load_app_fixtures(report, apps=None):
    """Call `load()` in `<app>.fixtures` for every Haarlem app that has one (lanes, partners, ...)."""
    for app in apps if apps is not None else getattr(settings, 'HAARLEM_APPS', []):
        module_name = f'{app}.fixtures'
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        load = getattr(module, 'load', None)
        if load is None:
            continue
        with transaction.atomic():
            result = load()
        report.note(f'{module_name}.load(): {_describe(result)}')


def _describe(result):
    if result is None:
        return 'done'
    if isinstance(result, str):
        return result
    if isinstance(result, dict):
        return ', '.join(f'{k}: {v}' for k, v in result.items()) or 'nothing to do'
    if isinstance(result, (list, tuple)):
        return '; '.join(str(x) for x in result) or 'nothing to do'
    return str(result)


def load_all(kinds=KINDS, create_only=False, directory=None, apps=True):
    """Load the given kinds (in dependency order), then the apps' own fixtures; returns a Report."""
    report = Report()
    for kind in KINDS:
        if kind not in kinds:
            continue
        filename, loader = LOADERS[kind]
        data = read_fixture(filename, directory)
        with transaction.atomic():
            loader(data, report, create_only=create_only)
    if apps:
        load_app_fixtures(report)
    return report
