"""End to end inside upstream Signalen, over HTTP: upstream's URL conf, views and Signal.actions, with the
Haarlem apps installed, on a live server; bearer tokens signed by a provider on loopback whose JWKS
upstream's own JWTAuthBackend fetches, as it fetches the municipality's provider's.

A resident's report through upstream's public API gets its triage decision, is routed to the lane's
team (upstream's department mail goes out, its history shows the routing and the triage note); a staff
member's PATCH of status and category makes a new decision; type COM makes a linked complaint; every
Haarlem API list answers 200 to a superuser and 401 without a token; every werkplek page answers 200
after a login at the werkplek's login page."""
import re
import time

import pytest
import requests
from django.core import mail
from django.core.management import call_command
from django.urls import URLPattern, URLResolver

from signals_haarlem import signalen
from tests.factories import UserFactory
from tests.oidc_provider import FakeProvider

pytestmark = [pytest.mark.upstream_only("upstream Signalen's own API, authentication and mail, over HTTP"),
              pytest.mark.slow]

AUDIENCE = 'signals-haarlem'
ADMIN = 'beheerder@haarlem.nl'
TEAM_MEMBER = 'lid.eenvoudig@haarlem.nl'


@pytest.fixture
def provider(settings):
    fake = FakeProvider()
    settings.OIDC_OP_JWKS_ENDPOINT = f'{fake.url}/jwks'
    settings.OIDC_RP_IDP_SIGN_KEY = None  # the keys come from the provider's JWKS endpoint
    settings.OIDC_OP_ISSUER = fake.url
    settings.OIDC_TRUSTED_AUDIENCES = [AUDIENCE]
    yield fake
    fake.stop()


def token(provider, email, **claims):
    now = int(time.time())
    return provider.sign({'iss': provider.url, 'aud': AUDIENCE, 'sub': email, 'email': email, 'iat': now,
                          'exp': now + 600, **claims})


@pytest.fixture
def haarlem(transactional_db):
    """Haarlem's fixtures (categories, teams, lanes, rules, roles) loaded into upstream, its cache table
    made (as upstream's initialize.sh does; public creates are throttled through it), a superuser and a
    member of Team Eenvoudig who wants upstream's mail when a signal is routed to the team."""
    from signals_haarlem.core import fixtures_loader
    call_command('createcachetable', verbosity=0)
    fixtures_loader.load_all()
    admin = UserFactory(username=ADMIN, email=ADMIN, is_staff=True, is_superuser=True)
    admin.set_password('geheim-wachtwoord-1')
    admin.save()
    member = UserFactory(username=TEAM_MEMBER, email=TEAM_MEMBER,
                         departments=[signalen.get_model('Department').objects.get(code='EEN')])
    member.profile.notification_on_department_assignment = True
    member.profile.save()
    return admin


def haarlem_patterns(prefix):
    """(route, name) of the Haarlem URL patterns under `prefix` without path parameters."""
    from config.urls_haarlem import urlpatterns

    def walk(patterns, route=''):
        for entry in patterns:
            here = route + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, here)
            elif isinstance(entry, URLPattern) and '<' not in here and '(?P' not in here:
                yield here.replace('^', '').replace('$', '').replace('\\', ''), entry.name
    return [(route, name) for route, name in walk(urlpatterns) if route.startswith(prefix)]


def test_a_report_through_upstream_is_triaged_routed_and_mailed_and_staff_changes_retriage(
        live_server, provider, haarlem):
    from signals_haarlem.complaints.models import Complaint
    from signals_haarlem.triage.models import Decision
    api = f'{live_server.url}/signals/v1'
    staff = {'Authorization': f'Bearer {token(provider, ADMIN)}'}
    mail.outbox.clear()

    # A resident reports through upstream's public API.
    response = requests.post(f'{api}/public/signals/', json={
        'text': 'De container op de Grote Markt is al dagen vol.',
        'location': {'geometrie': {'type': 'Point', 'coordinates': [4.6368, 52.3812]}},
        'category': {'sub_category': f'{api}/public/terms/categories/afval/sub_categories/container-is-vol'},
        'reporter': {'email': 'bewoner@example.com'},
        'incident_date_start': '2026-11-30T10:00:00+01:00'}, timeout=30)
    assert response.status_code == 201, response.text
    signal_id = response.json()['id']

    [decision] = Decision.objects.filter(signal_id=signal_id)
    assert decision.lane.code == 'eenvoudig' and decision.trigger == 'create'
    assert [d.code for d in signalen.routing_departments(signal_id)] == ['EEN']
    # upstream's own mail to the team member who asked for it (its receiver needs the previous routing)
    assert any(message.to == [TEAM_MEMBER] for message in mail.outbox), [m.to for m in mail.outbox]
    history = requests.get(f'{api}/private/signals/{signal_id}/history', headers=staff, timeout=30)
    assert history.status_code == 200
    actions = [(line['action'], line.get('description') or '') for line in history.json()]
    assert any(action.startswith('Routering') and 'EEN' in action for action, _ in actions), actions
    assert any(description.startswith('Triage: baan Eenvoudig (Team Eenvoudig)') for _, description in actions)

    # Staff change status and category in upstream's backoffice API: a new decision in another lane.
    response = requests.patch(f'{api}/private/signals/{signal_id}', headers=staff, timeout=30, json={
        'status': {'state': 'b', 'text': 'We gaan ermee aan de slag.'},
        'category': {'sub_category': f'{api}/public/terms/categories/afval/sub_categories/asbest-accu',
                     'text': 'Er ligt ook asbest'}})
    assert response.status_code == 200, response.text
    latest = Decision.objects.filter(signal_id=signal_id).first()
    assert (latest.lane.code, latest.trigger) == ('complex', 'category')
    assert [d.code for d in signalen.routing_departments(signal_id)] == ['CPX']

    # Type COM: the complaint procedure starts, linked to the signal.
    response = requests.patch(f'{api}/private/signals/{signal_id}', headers=staff, timeout=30,
                              json={'type': {'code': 'COM'}})
    assert response.status_code == 200, response.text
    assert Complaint.objects.filter(signal_id=signal_id).exists()

    # A bad token is refused as on upstream's own endpoints.
    refused = requests.get(f'{api}/haarlem/triage/signals/{signal_id}/', timeout=30,
                           headers={'Authorization': f'Bearer {token(provider, ADMIN, aud="iemand-anders")}'})
    assert refused.status_code in (401, 403)


def test_every_haarlem_api_list_answers_a_superuser_and_refuses_no_token(live_server, provider, haarlem):
    staff = {'Authorization': f'Bearer {token(provider, ADMIN)}'}
    lists = [(route, name) for route, name in haarlem_patterns('signals/v1/haarlem/')
             if not route.startswith('signals/v1/haarlem/partners/partner/')]  # a partner's own token API
    assert len(lists) >= 20, lists
    answered = []
    for route, name in lists:
        url = f'{live_server.url}/{route}'
        assert requests.get(url, timeout=30).status_code == 401, route
        response = requests.get(url, headers=staff, timeout=30)
        if response.status_code == 405:  # an action to POST to, not a list
            continue
        assert response.status_code == 200, (route, response.status_code, response.text[:300])
        answered.append(name)
    assert {'lane-list', 'complaint-list', 'partner-list', 'dashboard'} <= set(answered), answered


def test_every_werkplek_page_after_a_login_at_the_werkplek(live_server, haarlem):
    session = requests.Session()
    first = session.get(f'{live_server.url}/werkplek/', timeout=30)
    assert first.url.startswith(f'{live_server.url}/werkplek/login/')  # not upstream's /accounts/login/
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.text).group(1)
    response = session.post(f'{live_server.url}/werkplek/login/', timeout=30, data={
        'csrfmiddlewaretoken': csrf, 'username': ADMIN, 'password': 'geheim-wachtwoord-1', 'next': '/werkplek/'})
    assert response.status_code == 200 and response.url == f'{live_server.url}/werkplek/'
    pages = [route for route, _ in haarlem_patterns('werkplek/')
             if not route.startswith(('werkplek/login', 'werkplek/logout'))]
    assert len(pages) >= 10, pages
    for route in pages:
        response = session.get(f'{live_server.url}/{route}', timeout=60)
        assert response.status_code == 200, (route, response.status_code, response.text[:300])


def test_the_readme_steps_run_inside_upstream(transactional_db, settings, tmp_path):
    """README, "Running inside upstream Signalen", step 2: upstream's initialisation (its cache table, its
    static files, with the werkplek's) and Haarlem's fixtures, idempotent; the settings keep upstream's
    OpenTelemetry middleware and hand beat Haarlem's periodic tasks."""
    from io import StringIO

    from django.conf import settings as django_settings
    settings.STATIC_ROOT = str(tmp_path / 'static')
    call_command('createcachetable', verbosity=0)
    call_command('collectstatic', '--noinput', verbosity=0)
    assert (tmp_path / 'static' / 'werkplek').is_dir() and (tmp_path / 'static' / 'admin').is_dir()
    call_command('load_haarlem_fixtures', stdout=StringIO(), stderr=StringIO())
    again = StringIO()
    call_command('load_haarlem_fixtures', stdout=again, stderr=StringIO())
    assert '(no changes)' in again.getvalue()
    assert ('centrum', 'Centrum') in signalen.areas_of_type('stadsdeel')
    assert 'opentelemetry.instrumentation.django.middleware.otel_middleware._DjangoMiddleware' in \
        django_settings.MIDDLEWARE
    assert {'haarlem-triage-reconcile', 'complaints-warn-deadlines'} <= set(django_settings.CELERY_BEAT_SCHEDULE)
