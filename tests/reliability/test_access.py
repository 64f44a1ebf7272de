"""Who may call what, generated from the URL configuration.

Every URL pattern the standalone deployment serves (the Signalen API, the Haarlem APIs, the werkplek
pages and the partners' link pages) is found by walking `get_resolver().url_patterns`, turned into a
concrete URL (path parameters filled from objects made here), and called:

- without a token or session: only the patterns ruled PUBLIC (and the partner link pages with a
  valid link) answer with anything but 401/403 (a werkplek page sends to the login page);
- with a token and session of an active user without rights: 403/404 for everything that is not
  PUBLIC or LOGGED_IN ("any staff");
- with a token and session of a user in the role the rule names (the roles of fixtures/roles.json):
  not 401/403.

ACCESS maps every pattern (its name, or its route when it has none) to its rule; a new endpoint
without a rule fails `test_every_url_pattern_has_an_access_rule`. Left out on purpose, with reasons:
SKIPPED_PREFIXES.

And nothing leaks: a complaint's subject, its complainant's address and a partner's API token appear
in no answer to anyone outside the complaint roles (anonymous, no rights, and every role without
complaint rights), and a partner (its API token or its link) never sees the reporter's contact details.
"""
import re
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from signals_haarlem import signalen
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

# Deliberately not walked:
SKIPPED_PREFIXES = {
    'admin/': "Django's admin: its own login and permission checks (staff only), tested by Django itself",
    'oauth/': "django-oauth-toolkit's OIDC provider endpoints (authorize, token, userinfo, JWKS): the login "
              'protocol itself, public by nature; tested in tests/api/test_auth_oidc.py',
}

# Markers that must not leak.
COMPLAINT_SUBJECT = 'Lektest: de buschauffeur reed mijn fiets omver'
COMPLAINANT_EMAIL = 'lektest.klager@example.com'
COMPLAINANT_ADDRESS = 'Lektestlaan 99'
REPORTER_EMAIL = 'lektest.melder@example.com'
REPORTER_PHONE = '0699887766'
SIGNAL_TEXT = 'Lektest: de container bij de molen puilt uit'

# The patterns about one signal: only for those who may see it in Signalen.
SIGNAL_PATTERNS = {'triage_api:signal', 'triage_api:retriage', 'triage_api:release', 'triage_api:agreed-date',
                   'triage_pages:signal', 'triage_pages:retriage', 'triage_pages:release', 'triage_pages:agreed_date'}


@dataclass(frozen=True)
class Rule:
    kind: str  # 'public', 'logged_in', 'role', 'partner_token', 'partner_link'
    role: str = ''
    note: str = ''


PUBLIC = Rule('public')
LOGGED_IN = Rule('logged_in')  # any active staff member (the frontend's /me, the werkplek's home)
PARTNER_TOKEN = Rule('partner_token')  # a partner's API token, nothing else
PARTNER_LINK = Rule('partner_link')  # the signed link in the partner's mail is the key (no login)


def role(name, note=''):
    return Rule('role', name, note)


KCC = 'KCC-medewerker'
HANDLER = 'Behandelaar'
LEAD = 'Teamleider'
MONITORING = 'Monitoring'
COORDINATOR = 'Klachtcoördinator'
COMPLAINT_HANDLER = 'Klachtbehandelaar'
ADMIN = 'Beheerder'
ROLES = (KCC, HANDLER, LEAD, MONITORING, COORDINATOR, COMPLAINT_HANDLER, ADMIN)
COMPLAINT_ROLES = (COORDINATOR, COMPLAINT_HANDLER)

LOGIN_FLOW = Rule('login_flow')  # the werkplek's login and logout: anyone; a redirect is their answer


def _same(rule, *keys):
    return {key: rule for key in keys}


def _with_alt(rule, *keys):
    """The settings routes answer with and without the trailing slash (the '-alt' names)."""
    return {k: rule for key in keys for k in (key, f'{key}-alt')}


ACCESS = {
    # -- the Signalen API: public side (the resident's frontend; documented as public upstream)
    **_same(PUBLIC, 'signals-health', 'signals-v1-public-categories', 'signals-v1-public-category',
            'signals-v1-public-sub-categories', 'signals-v1-public-sub-category', 'signals-v1-public-signals',
            'signals-v1-public-geography', 'signals-v1-public-signal', 'signals-v1-public-signal-attachments',
            'signals-v1-public-feedback-form', 'signals-v1-public-feedback-standard-answers',
            'signals-v1-public-reporter-verify-email',
            'schema', 'swagger-ui'),
    **_with_alt(PUBLIC, 'public-questions', 'category-prediction'),
    # signal photos and category icons from the local media folder (random names; never letters or
    # partner photos: those have their own views that check rights)
    '^media/(?P<path>.+)$': PUBLIC,
    # -- the Signalen API: staff side
    **_same(role(KCC), 'signals-v1-private-signals', 'signals-v1-private-geography', 'signals-v1-private-signal',
            'signals-v1-private-signal-history', 'signals-v1-private-signal-attachments',
            'signals-v1-private-signal-attachment', 'signals-v1-private-signal-children',
            'signals-v1-private-signal-context', 'signals-v1-private-signal-context-reporter',
            'signals-v1-private-signal-context-near-geography', 'signals-v1-private-signal-reporters',
            'signals-v1-private-signal-reporter-cancel', 'signals-v1-private-signal-email-preview',
            'signals-v1-private-signal-pdf', 'signals-v1-private-search'),
    **_same(role(LEAD), 'signals-v1-private-csv', 'signals-v1-private-report-open',
            'signals-v1-private-report-reopen-requested'),
    **_with_alt(LOGGED_IN, 'private-me', 'private-me-filters', 'private-me-filter-detail'),
    **_with_alt(role(HANDLER), 'private-categories', 'private-category-detail', 'private-category-history',
                'private-sub-category-status-message-templates', 'private-category-status-message-templates',
                'private-departments', 'private-department-detail', 'private-sources', 'private-source-detail',
                'private-users', 'private-user-detail', 'private-user-history', 'private-autocomplete-usernames',
                'private-roles', 'private-role-detail', 'private-permissions', 'private-permission-detail',
                'private-areas'),
    **_with_alt(role(ADMIN), 'private-category-icon'),
    # -- triage
    **_same(role(HANDLER), 'triage_api:lane-list', 'triage_api:lane-detail', 'triage_api:rule-list',
            'triage_api:rule-kinds', 'triage_api:rule-detail', 'triage_api:area-list', 'triage_api:area-detail',
            'triage_api:category-list', 'triage_api:category-detail', 'triage_api:signal', 'triage_api:queues',
            'triage_api:queue', 'triage_api:status', 'triage_pages:overview', 'triage_pages:queue',
            'triage_pages:signal', 'triage_pages:rules'),
    **_same(role(LEAD), 'triage_api:rule-dry-run', 'triage_api:retriage', 'triage_api:release',
            'triage_api:agreed-date', 'triage_pages:retriage', 'triage_pages:release', 'triage_pages:agreed_date'),
    # -- complaints: the complaint roles only
    **_same(role(COORDINATOR), 'complaints_api:norms', 'complaints_api:causes', 'complaints_api:terms',
            'complaints_api:register', 'complaints_api:publication', 'complaints_api:annual-report',
            'complaints_api:learning-report', 'complaints_api:letter-pdf', 'complaints_api:ombudsman-update',
            'complaints_api:measure-list', 'complaints_api:measure-detail', 'complaints_api:complaint-list',
            'complaints_api:complaint-detail', 'complaints_api:complaint-advice-committee',
            'complaints_api:complaint-assign', 'complaints_api:complaint-copy-sent', 'complaints_api:complaint-events',
            'complaints_api:complaint-extend', 'complaints_api:complaint-learning',
            'complaints_api:complaint-measures', 'complaints_api:complaint-notes', 'complaints_api:complaint-ombudsman',
            'complaints_api:complaint-postpone', 'complaints_api:complaint-transition',
            'complaints_pages:mine', 'complaints_pages:intake', 'complaints_pages:overview', 'complaints_pages:detail',
            'complaints_pages:action', 'complaints_pages:measure', 'complaints_pages:letter',
            'complaints_pages:register', 'complaints_pages:register-export', 'complaints_pages:reports',
            'complaints_pages:report-pdf'),
    # -- partners: staff
    **_same(role(HANDLER), 'partners_api:partner-list', 'partners_api:partner-overview', 'partners_api:partner-detail',
            'partners_api:forward-list', 'partners_api:forward-detail', 'partners_api:forward-withdraw',
            'partners_api:figures-list', 'partners_api:figures-detail', 'partners_api:review-list',
            'partners_api:review-detail', 'partners_api:review-pdf', 'partners_api:action-list',
            'partners_api:action-detail', 'partners_pages:overview', 'partners_pages:partner',
            'partners_pages:forward-create', 'partners_pages:forward', 'partners_pages:forward-withdraw',
            'partners_pages:photo', 'partners_pages:review', 'partners_pages:review-pdf'),
    **_same(role(COORDINATOR), 'partners_api:figures-upload', 'partners_api:review-dossier',
            'partners_api:review-record', 'partners_api:action-status', 'partners_pages:figures-upload',
            'partners_pages:review-dossier', 'partners_pages:review-record', 'partners_pages:action-create',
            'partners_pages:action-status'),
    **_same(role(ADMIN), 'partners_api:partner-tokens', 'partners_api:partner-revoke-token'),
    # -- partners: the partner itself (its API token; its link from the mail)
    **_same(PARTNER_TOKEN, 'partners_api:partner-forwards', 'partners_api:partner-forward',
            'partners_api:partner-forward-answer', 'partners_api:partner-figures'),
    **_same(PARTNER_LINK, 'partner_pages:forward', 'partner_pages:figures'),
    # -- monitoring
    **_same(role(MONITORING), 'monitoring_api:dashboard', 'monitoring_api:figures', 'monitoring_api:figure',
            'monitoring_pages:dashboard', 'monitoring_pages:export_all', 'monitoring_pages:export_csv',
            'monitoring_pages:export_xlsx'),
    # -- the werkplek itself
    'werkplek:home': LOGGED_IN,
    'werkplek:search': LOGGED_IN,  # everyone searches; the results keep to the user's rights (checked below)
    **_same(LOGIN_FLOW, 'werkplek:login', 'werkplek:oidc_login', 'werkplek:oidc_callback', 'werkplek:logout'),
}

# Query strings that make an answer show data (the leak checks look at it).
QUERIES = {'werkplek:search': 'q=Lektest', 'signals-v1-private-search': 'q=Lektest',
           'complaints_api:complaint-list': 'search=Lektest'}


# -- discovering the patterns -------------------------------------------------------------------

@dataclass
class Pattern:
    key: str  # the ACCESS key: 'namespace:name', or the route for a pattern without a name
    route: str
    name: str | None
    params: tuple
    callback: object


def walk(patterns=None, prefix='', namespace=''):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            route = prefix + str(entry.pattern)
            if any(route.startswith(p) for p in SKIPPED_PREFIXES):
                continue
            ns = namespace
            if entry.namespace:
                ns = f'{namespace}:{entry.namespace}' if namespace else entry.namespace
            yield from walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f'{namespace}:{entry.name}' if namespace and entry.name else entry.name
            params = tuple(re.findall(r'\(\?P<(\w+)>', route) + re.findall(r'<(?:\w+:)?(\w+)>', route))
            yield Pattern(name or route, route, name, params, entry.callback)


def discovered():
    """The URL patterns to check. Inside upstream Signalen: the Haarlem ones (upstream's own endpoints
    are upstream's to guard)."""
    if signalen.UPSTREAM:
        from config.urls_haarlem import urlpatterns
        return list(walk(urlpatterns))
    return list(walk())


# -- the world: roles, users, objects to fill the paths, markers --------------------------------

class World:
    """Everything the checks need: the roles of fixtures/roles.json with a user each, a user without
    rights, demo data from the seeders (triage, complaints, partners), and objects with markers."""


def build_world(capture_on_commit):
    import datetime

    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from signals_haarlem import signalen
    from signals_haarlem.complaints import services as complaints
    from signals_haarlem.complaints.models import ImprovementMeasure, Letter
    from signals_haarlem.core import fixtures_loader, seed
    from signals_haarlem.monitoring import services as monitoring
    from signals_haarlem.partners import links
    from signals_haarlem.partners import services as partners
    from signals_haarlem.partners.models import (
        FigureReport, FiguresRequest, ForwardPhoto, Partner, PartnerToken, Review, ReviewAction,
    )
    from signals_haarlem.triage.models import Area as TriageArea
    from signals_haarlem.triage.models import CategoryLane, Lane, Rule
    from tests.complaints.conftest import intake_data
    from tests.factories import DepartmentFactory, UserFactory, make_signal

    w = World()
    fixtures_loader.load_all()
    with capture_on_commit(execute=True):
        seed.run(60, seed=11, fast=False)
    w.users = {}
    for name in ROLES:
        user = UserFactory(username=re.sub(r'[^a-z]+', '-', name.lower()) + '@haarlem.nl')
        user.groups.add(Group.objects.get(name=name))
        w.users[name] = user
    w.nobody = UserFactory(username='zonder.rechten@haarlem.nl')

    # Markers: a complaint (complaint roles only), a signal with the reporter's contact details forwarded to
    # a partner (the partner never sees them), and a partner's API token (shown once, when issued).
    w.complaint = complaints.register_complaint(intake_data(
        subject=COMPLAINT_SUBJECT, complainant_email=COMPLAINANT_EMAIL, complainant_address=COMPLAINANT_ADDRESS),
        user=w.users[COORDINATOR])
    w.partner = Partner.objects.filter(is_active=True, categories__isnull=False).order_by('pk').first()
    main = w.partner.categories.order_by('pk').first()
    sub = main.children.filter(is_active=True).order_by('pk').first() or main
    Signal = signalen.get_model('Signal')
    with capture_on_commit(execute=True):
        w.signal = make_signal(sub, text=SIGNAL_TEXT, reporter={'email': REPORTER_EMAIL, 'phone': REPORTER_PHONE})
        w.forward = partners.forward_signal(w.signal, w.partner, 'Graag de container legen.', user=w.users[HANDLER])
        w.attachment = Signal.actions.add_attachment(
            SimpleUploadedFile('foto.png', b'\x89PNG\r\n\x1a\n' + b'\0' * 64), w.signal)
    w.forward_token = links.forward_token(w.forward)
    # The handler and the team lead work in a department that sees the signal in Signalen; a member of
    # another department with the same roles does not (and must not reach it through Haarlem's views).
    sees = signalen.get_model('CategoryDepartment').objects.filter(category=sub, can_view=True).first().department
    for name in (HANDLER, LEAD):
        w.users[name].profile.departments.add(sees)
    w.elsewhere = UserFactory(username='andere.afdeling@haarlem.nl',
                              departments=[DepartmentFactory(code='ELD', name='Elders')])
    w.elsewhere.groups.add(Group.objects.get(name=HANDLER), Group.objects.get(name=LEAD))
    figures_request, _ = FiguresRequest.objects.get_or_create(
        partner=w.partner, period_start=datetime.date(2026, 7, 1),
        defaults={'link_expires_at': timezone.now() + datetime.timedelta(days=30)})
    w.figures_token = links.figures_token(figures_request)
    w.api_token_obj, w.api_token = PartnerToken.issue(w.partner, 'lektest')

    first = lambda qs: qs.order_by('pk').values_list('pk', flat=True).first()  # noqa: E731
    lane = Lane.objects.order_by('order', 'code').first()
    area = TriageArea.objects.order_by('pk').first()
    figure = next(iter(monitoring.FIGURES))
    from signals_haarlem.monitoring.pages.views import BY_SLUG
    export_slug = next(iter(BY_SLUG))
    w.params = {
        'triage_api:lane-detail': {'code': lane.code},
        'triage_api:rule-detail': {'pk': first(Rule.objects)},
        'triage_api:area-detail': {'code': area.code if area else 'centrum'},
        'triage_api:category-detail': {'pk': first(CategoryLane.objects) or 1},
        'triage_api:queue': {'code': lane.code},
        'triage_pages:queue': {'code': lane.code},
        'complaints_api:letter-pdf': {'pk': first(Letter.objects.filter(complaint=w.complaint))
                                      or first(Letter.objects)},
        'complaints_api:measure-detail': {'pk': first(ImprovementMeasure.objects) or 1},
        'complaints_pages:measure': {'pk': first(ImprovementMeasure.objects) or 1},
        'complaints_pages:letter': {'pk': first(Letter.objects.filter(complaint=w.complaint)) or first(Letter.objects)},
        'complaints_pages:action': {'pk': w.complaint.pk, 'name': 'notitie'},
        'complaints_pages:register-export': {'kind': 'csv'},
        'complaints_pages:report-pdf': {'kind': 'jaarverslag'},
        'partners_api:partner-forward': {'uuid': w.forward.uuid},
        'partners_api:partner-forward-answer': {'uuid': w.forward.uuid},
        'partners_api:partner-detail': {'pk': w.partner.pk},
        'partners_api:partner-tokens': {'pk': w.partner.pk},
        'partners_api:partner-revoke-token': {'pk': w.partner.pk, 'token_id': w.api_token_obj.pk},
        'partners_api:forward-detail': {'pk': w.forward.pk},
        'partners_api:forward-withdraw': {'pk': w.forward.pk},
        'partners_api:figures-detail': {'pk': first(FigureReport.objects) or 1},
        'partners_api:review-detail': {'pk': first(Review.objects) or 1},
        'partners_api:review-dossier': {'pk': first(Review.objects) or 1},
        'partners_api:review-pdf': {'pk': first(Review.objects) or 1},
        'partners_api:review-record': {'pk': first(Review.objects) or 1},
        'partners_api:action-detail': {'pk': first(ReviewAction.objects) or 1},
        'partners_api:action-status': {'pk': first(ReviewAction.objects) or 1},
        'partners_pages:partner': {'pk': w.partner.pk},
        'partners_pages:forward-create': {'pk': w.signal.pk},
        'partners_pages:figures-upload': {'pk': w.partner.pk},
        'partners_pages:forward': {'pk': w.forward.pk},
        'partners_pages:forward-withdraw': {'pk': w.forward.pk},
        'partners_pages:photo': {'pk': first(ForwardPhoto.objects) or 1},
        'partners_pages:review': {'pk': first(Review.objects) or 1},
        'partners_pages:review-pdf': {'pk': first(Review.objects) or 1},
        'partners_pages:review-dossier': {'pk': first(Review.objects) or 1},
        'partners_pages:review-record': {'pk': first(Review.objects) or 1},
        'partners_pages:action-create': {'pk': first(Review.objects) or 1},
        'partners_pages:action-status': {'pk': first(ReviewAction.objects) or 1},
        'monitoring_api:figure': {'key': figure},
        'monitoring_pages:export_csv': {'slug': export_slug},
        'monitoring_pages:export_xlsx': {'slug': export_slug},
        'partner_pages:forward': {'token': w.forward_token},
        'partner_pages:figures': {'token': w.figures_token},
    }
    if not signalen.UPSTREAM:
        w.params.update(_standalone_params(w, main, sub, first))
    # Everything else about a signal or a complaint: the forwarded signal and the marked complaint.
    w.default_pk = {'signals-v1-private': w.signal.pk, 'triage_api': w.signal.pk, 'triage_pages': w.signal.pk,
                    'complaints': w.complaint.pk}
    return w


def _standalone_params(w, main, sub, first):
    """Path parameters of the standalone core's Signalen API."""
    from django.contrib.auth.models import Group, Permission

    from signals_haarlem.standalone.models import Source, StoredSignalFilter
    return {
        'signals-v1-public-category': {'slug': main.slug},
        'signals-v1-public-sub-categories': {'slug': main.slug},
        'signals-v1-public-sub-category': {'slug': main.slug, 'sub_slug': sub.slug},
        'signals-v1-public-signal': {'uuid': w.signal.signal_id},
        'signals-v1-public-signal-attachments': {'uuid': w.signal.signal_id},
        'signals-v1-public-feedback-form': {'token': signalen.get_model('Feedback').objects.create(
            _signal=w.signal).token},
        'signals-v1-private-signal-attachment': {'pk': w.signal.pk, 'attachment_pk': w.attachment.pk},
        'signals-v1-private-signal-reporter-cancel': {'pk': w.signal.pk, 'reporter_pk': w.signal.reporter_id},
        'private-me-filter-detail': {'pk': StoredSignalFilter.objects.create(
            created_by=w.users[HANDLER], name='Mijn filter', options={'status': ['m']}).pk},
        'private-category-detail': {'pk': sub.pk},
        'private-category-history': {'pk': sub.pk},
        'private-category-icon': {'pk': main.pk},
        'private-sub-category-status-message-templates': {'slug': main.slug, 'sub_slug': sub.slug},
        'private-category-status-message-templates': {'slug': main.slug},
        'private-department-detail': {'pk': first(signalen.get_model('Department').objects)},
        'private-source-detail': {'pk': first(Source.objects)},
        'private-user-detail': {'pk': w.nobody.pk},
        'private-user-history': {'pk': w.nobody.pk},
        'private-role-detail': {'pk': Group.objects.get(name=HANDLER).pk},
        'private-permission-detail': {'pk': first(Permission.objects)},
    }


def params_for(w, pattern):
    key = pattern.key.removesuffix('-alt')
    kwargs = dict(w.params.get(key, {}))
    for name in dict.fromkeys(pattern.params):
        if name in kwargs:
            continue
        if name == 'format':
            kwargs['format'] = 'json'
        elif name == 'pk':
            prefix = next((p for p in w.default_pk if key.startswith(p)), None)
            assert prefix, f'{pattern.key}: no object for its pk (add it to World.params)'
            kwargs['pk'] = w.default_pk[prefix]
        elif name == 'path':
            kwargs['path'] = 'attachments/bestaat-niet.png'
        else:
            raise AssertionError(f'{pattern.key}: no value for the path parameter {name!r} (add it to World.params)')
    return kwargs


def url_for(w, pattern):
    kwargs = params_for(w, pattern)
    if pattern.name is None:  # the local media folder
        return '/media/' + kwargs['path']
    url = reverse(pattern.name, kwargs=kwargs)
    query = QUERIES.get(pattern.key)
    return f'{url}?{query}' if query else url


# -- calling ------------------------------------------------------------------------------------

def client(user=None, authorization=None):
    from django.test import Client
    c = Client(raise_request_exception=False)
    if user is not None:
        c.force_login(user)
        c.defaults.update(bearer(user))
    if authorization:
        c.defaults['HTTP_AUTHORIZATION'] = authorization
    return c


def call(c, url):
    """GET, or the first writing method the view allows (an empty JSON body) where GET is not allowed;
    in a savepoint that is rolled back and with the client's cookies kept, so that one call (a logout,
    a withdrawal, a revoked token) changes nothing for the next."""
    cookies = {name: morsel.value for name, morsel in c.cookies.items()}
    with transaction.atomic():
        response = c.get(url, HTTP_ACCEPT='application/json')
        if response.status_code == 405:
            allowed = [m.strip().upper() for m in response.get('Allow', 'POST').split(',')]
            method = next((m for m in ('POST', 'PUT', 'PATCH', 'DELETE') if m in allowed), 'POST')
            response = getattr(c, method.lower())(url, '{}', content_type='application/json',
                                                  HTTP_ACCEPT='application/json')
        body_text = body(response)
        transaction.set_rollback(True)
    for name, value in cookies.items():
        c.cookies[name] = value
    response.body_text = body_text
    return response


def denied(response):
    """401/403, or a werkplek page sending to the login page."""
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and '/werkplek/login/' in response.get('Location', '')


def body(response):
    if getattr(response, 'streaming', False):
        return b''.join(response.streaming_content).decode('utf-8', 'replace')
    return response.content.decode('utf-8', 'replace')


# -- the tests ----------------------------------------------------------------------------------

def test_every_url_pattern_has_an_access_rule():
    """A new endpoint (or a renamed one) needs a line in ACCESS; a rule for a gone endpoint is removed."""
    found = {pattern.key for pattern in discovered()}
    assert found - set(ACCESS) == set(), f'URL patterns without an access rule: {sorted(found - set(ACCESS))}'
    if not signalen.UPSTREAM:  # (inside upstream only the Haarlem patterns are walked)
        assert set(ACCESS) - found == set(), f'rules for patterns that do not exist: {sorted(set(ACCESS) - found)}'


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    return build_world(django_capture_on_commit_callbacks)


def identities(w):
    """(name, client, complaint rights) of everyone who calls: nobody, a user without rights, a partner
    (its API token), and each role."""
    yield 'anonymous', client(), False
    yield 'no rights', client(w.nobody), False
    yield 'partner token', client(authorization=f'Token {w.api_token}'), False
    yield 'other department', client(w.elsewhere), False
    for name, user in w.users.items():
        yield name, client(user), name in COMPLAINT_ROLES


def test_access_follows_the_rules_and_nothing_leaks(world):
    failures = []
    bodies = {}  # (identity, key) -> (status, text), for the leak checks
    patterns = discovered()
    clients = {name: (c, complaint_rights) for name, c, complaint_rights in identities(world)}
    for pattern in patterns:
        rule = ACCESS[pattern.key]
        url = url_for(world, pattern)
        answers = {}
        for name, (c, _) in clients.items():
            response = call(c, url)
            answers[name] = response
            bodies[name, pattern.key] = (response.status_code, response.body_text)
            if response.status_code >= 500:
                failures.append(f'{pattern.key} {url}: {name} got {response.status_code}')
        anonymous, nobody = answers['anonymous'], answers['no rights']
        if rule.kind == 'public':
            for name in ('anonymous', 'no rights', 'partner token'):
                if denied(answers[name]):
                    failures.append(f'{pattern.key} {url}: public, but {name} got {answers[name].status_code}')
            continue
        if rule.kind == 'login_flow':
            if anonymous.status_code in (401, 403):
                failures.append(f'{pattern.key} {url}: the login must be reachable, got {anonymous.status_code}')
            continue
        if rule.kind == 'partner_link':
            if anonymous.status_code != 200:
                failures.append(f'{pattern.key} {url}: the partner\'s link answered {anonymous.status_code}')
            tampered = call(client(), url.rstrip('/')[:-4] + 'AAAA/')
            if tampered.status_code not in (403, 404, 410):
                failures.append(f'{pattern.key}: a tampered link answered {tampered.status_code}')
            continue
        if not denied(anonymous):
            failures.append(f'{pattern.key} {url}: anonymous got {anonymous.status_code}')
        if rule.kind == 'partner_token':
            if answers['partner token'].status_code in (401, 403):
                failures.append(f'{pattern.key} {url}: the partner\'s token got {answers["partner token"].status_code}')
            for name in ('no rights', *ROLES):  # staff tokens are not partner tokens
                if answers[name].status_code not in (401, 403):
                    failures.append(f'{pattern.key} {url}: staff ({name}) got {answers[name].status_code}')
            continue
        if answers['partner token'].status_code not in (401, 403) and not denied(answers['partner token']):
            failures.append(f'{pattern.key} {url}: a partner token got {answers["partner token"].status_code}')
        if rule.kind == 'logged_in':
            if nobody.status_code in (401, 403) or denied(nobody):
                failures.append(f'{pattern.key} {url}: any staff member, but no rights got {nobody.status_code}')
            continue
        assert rule.kind == 'role', rule
        if nobody.status_code not in (403, 404):
            failures.append(f'{pattern.key} {url}: a user without rights got {nobody.status_code}')
        right = answers[rule.role]
        if right.status_code in (401, 403) or denied(right):
            failures.append(f'{pattern.key} {url}: {rule.role} got {right.status_code}')
        if pattern.key in SIGNAL_PATTERNS:  # about one signal: as visible as in Signalen's own API
            if right.status_code == 404:
                failures.append(f'{pattern.key} {url}: {rule.role}, whose department sees the signal, got 404')
            elsewhere = answers['other department']
            if elsewhere.status_code not in (403, 404) or SIGNAL_TEXT in elsewhere.body_text:
                failures.append(f'{pattern.key} {url}: a member of another department got {elsewhere.status_code}')

    # Nothing leaks: complaint data only to the complaint roles, the partner's API token to nobody, and
    # the reporter's contact details never to the partner.
    complaint_markers = (COMPLAINT_SUBJECT, COMPLAINANT_EMAIL, COMPLAINANT_ADDRESS)
    for (name, key), (status, text) in bodies.items():
        if world.api_token in text:
            failures.append(f'{key}: the partner API token shown to {name}')
        if not clients[name][1]:
            for marker in complaint_markers:
                if marker in text:
                    failures.append(f'{key}: complaint data ({marker!r}) shown to {name} ({status})')
        if name == 'partner token' or (key.startswith('partner_pages:') and status == 200):
            for marker in (REPORTER_EMAIL, REPORTER_PHONE):
                if marker in text:
                    failures.append(f'{key}: the reporter\'s {marker!r} shown to the partner ({name})')
    # ... and the markers are there for whom they are meant (so the checks above can fail).
    assert COMPLAINT_SUBJECT in bodies[COORDINATOR, 'complaints_api:complaint-detail'][1]
    assert COMPLAINT_SUBJECT in bodies[COORDINATOR, 'complaints_pages:detail'][1]
    if not signalen.UPSTREAM:  # (the standalone core's Signalen API is walked there)
        assert REPORTER_EMAIL in bodies[KCC, 'signals-v1-private-signal'][1]
    assert 'Graag de container legen.' in bodies['anonymous', 'partner_pages:forward'][1]
    assert SIGNAL_TEXT in bodies[LEAD, 'triage_pages:signal'][1]
    assert {key for key in SIGNAL_PATTERNS if ('other department', key) not in bodies} == set()  # all walked
    assert str(world.forward.uuid) in bodies['partner token', 'partners_api:partner-forwards'][1]

    assert failures == [], '\n'.join(failures)
