import datetime

import pytest
from django.contrib.auth.models import Group

from signals_haarlem.complaints import fixtures, services, workflow
from tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def complaint_fixtures(db):
    fixtures.load()


def make_user(username, *roles, first_name='', last_name=''):
    user = UserFactory(username=username, first_name=first_name, last_name=last_name)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def coordinator(complaint_fixtures):
    return make_user('coordinator@haarlem.nl', 'Klachtcoördinator', first_name='Carla', last_name='Coördinator')


@pytest.fixture
def handler(complaint_fixtures):
    return make_user('behandelaar@haarlem.nl', 'Klachtbehandelaar', first_name='Hans', last_name='Handelaar')


@pytest.fixture
def other_handler(complaint_fixtures):
    return make_user('behandelaar2@haarlem.nl', 'Klachtbehandelaar', first_name='Bea', last_name='Tweede')


@pytest.fixture
def employee(complaint_fixtures):
    """A staff member who is also a complaint handler, and is complained about."""
    return make_user('jan.jansen@haarlem.nl', 'Klachtbehandelaar', first_name='Jan', last_name='Jansen')


@pytest.fixture
def outsider(db):
    return UserFactory(username='kcc@haarlem.nl')


@pytest.fixture
def department(db):
    return DepartmentFactory(code='SPL', name='Spaarnelanden', is_intern=False)


def intake_data(**overrides):
    data = {
        'channel': 'brief', 'form': 'schriftelijk', 'received_on': datetime.date(2025, 3, 3),
        'complainant_name': 'Petra de Vries', 'complainant_address': 'Zijlweg 12', 'complainant_postcode': '2013 DE',
        'complainant_city': 'Haarlem', 'complainant_email': 'petra@example.com',
        'subject': 'Onvriendelijk behandeld aan de balie',
        'conduct_description': 'De medewerker aan de balie was onbeleefd en luisterde niet.',
        'conduct_date': datetime.date(2025, 2, 27),
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_complaint(complaint_fixtures):
    def make(user=None, **overrides):
        if 'received_on' in overrides and 'conduct_date' not in overrides:
            overrides['conduct_date'] = overrides['received_on'] - datetime.timedelta(days=4)
        return services.register_complaint(intake_data(**overrides), user=user,
                                           now=_aware(overrides.get('received_on', datetime.date(2025, 3, 3))))
    return make


def _aware(day):
    from django.utils import timezone
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def at(day, hour=10):
    """An aware moment on `day` (for the `now` argument of services)."""
    from django.utils import timezone
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def move(complaint, path, user, now=None, **data_by_state):
    """Walk `complaint` along `path` (state codes), with data per state."""
    for state in path:
        services.transition(complaint, state, user, data=data_by_state.get(state, DEFAULT_DATA.get(state)), now=now)
    return complaint


DEFAULT_DATA = {
    workflow.INFORMAL: {'approach': 'Gebeld met klager om de klacht te bespreken.'},
    workflow.RESOLVED: {'confirmed_by': 'Petra de Vries', 'confirmed_on': '2025-03-05', 'how': 'telefoon'},
    workflow.NOT_HANDLED: {'ground': 'b', 'explanation': 'De gedraging was in 2023.'},
    workflow.NOT_A_COMPLAINT: {'classification': 'melding', 'explanation': 'Dit is een melding over afval.'},
    workflow.HEARING_INVITED: {'planned_at': '2030-03-20T10:00:00', 'location': 'Stadhuis, Grote Markt 2'},
    workflow.HEARING_HELD: {'held_on': '2025-03-20', 'report': 'Klager en beklaagde zijn gehoord.'},
    workflow.HEARING_WAIVED: {'ground': 'b', 'explanation': 'Klager wil niet gehoord worden.'},
    workflow.CONCLUDED: {'findings': 'De medewerker heeft onvoldoende geluisterd.', 'judgement': 'gegrond',
                         'norms': [3, 7], 'cause': 'bejegening', 'conclusions': 'Excuses aangeboden.'},
    workflow.CLOSED: {'note': 'Klager is tevreden over de afhandeling.'},
}
