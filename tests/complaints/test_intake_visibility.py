"""Who reads a signal of type Klacht (COM) in Signalen. Its text is the complaint and its reporter the
complainant, and complaint data is for the complaint roles (DESIGN). So once the signal is a complaint it
sits in the complaint category (overig/klacht), whose departments are the complaint coordination and Team
Maatwerk (the triage's lane for a complaint: personal contact with the person). It is seen by:

- the KCC (sees all categories: takes complaints in and answers the complainant) and the complaint
  coordinator and handlers (see all categories);
- Team Maatwerk (the complaint category's department and the triage's routing);
and not by the team whose category it was reported in (who may be the one complained about), nor by Team
Monitoring (which sees every other category through the categories it is listed at, no longer through
"see all categories"). Asserted on Signalen's own API (upstream's inside upstream) and Haarlem's."""
import pytest

from signals_haarlem import signalen
from signals_haarlem.complaints.models import Complaint
from signals_haarlem.core import fixtures_loader
from tests.conftest import bearer
from tests.factories import UserFactory, make_signal

pytestmark = pytest.mark.django_db

COMPLAINT_TEXT = 'De medewerker van de vuilniswagen schold mij uit toen ik vroeg de container te legen.'
COMPLAINANT = 'klager@example.com'

#: who: (department code, role); what they may read of a COM signal
PEOPLE = {
    'kcc': ('KCC', 'KCC-medewerker'),
    'coordinator': ('KLA', 'Klachtcoördinator'),
    'complaint handler': ('KLA', 'Klachtbehandelaar'),
    'maatwerk': ('MTW', 'Behandelaar'),
    'eenvoudig': ('EEN', 'Behandelaar'),
    'eenvoudig lead': ('EEN', 'Teamleider'),
    'monitoring': ('MON', 'Monitoring'),
}
SEES_THE_COMPLAINT = {'kcc', 'coordinator', 'complaint handler', 'maatwerk'}


@pytest.fixture
def world(run_on_commit):
    from django.contrib.auth.models import Group
    fixtures_loader.load_all()
    Department = signalen.get_model('Department')
    people = {}
    for name, (code, role) in PEOPLE.items():
        user = UserFactory(username=f'{name.replace(" ", ".")}@haarlem.nl',
                           departments=[Department.objects.get(code=code)])
        user.groups.add(Group.objects.get(name=role))
        people[name] = user
    container = signalen.find_category('afval/container-is-vol')  # Team Eenvoudig's category
    com = run_on_commit(make_signal, container, text=COMPLAINT_TEXT, reporter={'email': COMPLAINANT},
                        type_code='COM')
    report = run_on_commit(make_signal, container, text='De container is vol.')
    return people, com, report


def _read(api_client, user, signal):
    return api_client.get(f'/signals/v1/private/signals/{signal.pk}', **bearer(user))


def test_a_com_signal_becomes_a_complaint_in_the_complaint_category(world):
    _, com, _ = world
    complaint = Complaint.objects.get(signal_id=com.pk)
    com.refresh_from_db()
    assert signalen.category_of(com).slug == 'klacht' and signalen.category_of(com).parent.slug == 'overig'
    lines = [f'{line.action} {line.description}' for line in signalen.history(com)]
    assert any(f'Klacht {complaint.reference}: de melding staat nu in de categorie Klacht' in line
               for line in lines), lines
    event = complaint.events.filter(kind='signal').get()
    assert event.data == {'category_before': 'afval/container-is-vol', 'category': 'overig/klacht'}
    # the triage puts it with Team Maatwerk, which Signalen routes it to
    assert [d.code for d in signalen.routing_departments(com)] == ['MTW']


def test_only_the_kcc_complaint_roles_and_maatwerk_read_a_com_signal(world, api_client):
    people, com, report = world
    for name, user in people.items():
        response = _read(api_client, user, com)
        if name in SEES_THE_COMPLAINT:
            assert response.status_code == 200, name
            assert COMPLAINT_TEXT in response.content.decode(), name
        else:
            assert response.status_code in (403, 404), name  # (upstream answers 403, the core 404)
            assert COMPLAINT_TEXT not in response.content.decode(), name
        listed = api_client.get('/signals/v1/private/signals/', {'type': 'COM'}, **bearer(user))
        assert listed.status_code == 200, name
        assert (COMPLAINT_TEXT in listed.content.decode()) == (name in SEES_THE_COMPLAINT), name
        # Haarlem's own views follow Signalen's visibility (the triage's view of the signal)
        if user.has_perm('haarlem_triage.view_decision'):
            triage = api_client.get(f'/signals/v1/haarlem/triage/signals/{com.pk}/', **bearer(user))
            assert triage.status_code == (200 if name in SEES_THE_COMPLAINT else 404), name


def test_the_other_teams_and_monitoring_still_read_ordinary_reports(world, api_client):
    people, _, report = world
    for name in ('eenvoudig', 'eenvoudig lead', 'monitoring', 'kcc'):
        response = _read(api_client, people[name], report)
        assert response.status_code == 200 and 'De container is vol.' in response.content.decode(), name


def test_the_complainants_address_only_for_who_may_see_contact_details(world, api_client):
    people, com, _ = world
    for name in ('kcc', 'maatwerk'):
        assert COMPLAINANT in _read(api_client, people[name], com).content.decode(), name
