"""A small, controlled data set for the monitoring figures: signals over 14 months in three lanes, two
main categories and two stadsdelen, with responses and resolutions on time and late, re-triages,
reopen requests, complaints (some about signals) and forwards to partners.

Signals are made with tests.factories.make_signal and triaged with the triage services; the status
moments the figures read are recorded with triage's record_status at chosen moments."""
import random
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from signals_haarlem import signalen
from signals_haarlem.triage import engine
from signals_haarlem.workdays import TIME_ZONE
from tests.factories import CategoryFactory, DepartmentFactory, MainCategoryFactory, UserFactory, make_signal

STADSDELEN = (('centrum', 'Centrum'), ('noord', 'Noord'))


@pytest.fixture(autouse=True)
def _fresh_ruleset():
    engine.clear_cache()
    yield
    engine.clear_cache()


@pytest.fixture
def lanes(db):
    from signals_haarlem.triage import fixtures
    from signals_haarlem.triage.models import Lane
    fixtures.load_lanes()
    return {lane.code: lane for lane in Lane.objects.all()}


@pytest.fixture
def stadsdelen(db):
    from signals_haarlem.core.fixtures_loader import read_fixture
    [stadsdeel] = [item for item in read_fixture('areas.json') if item['code'] == 'stadsdeel']
    polygons = {area['code']: area['geometry'] for area in stadsdeel['areas']}
    for code, name in STADSDELEN:
        signalen.save_area('stadsdeel', 'Stadsdeel', code, name, polygons[code])
    return dict(STADSDELEN)


@pytest.fixture
def categories(lanes):
    """afval/container-vol (eenvoudig), afval/asbest (complex), groen/boom (maatwerk)."""
    from signals_haarlem.triage.models import CategoryLane
    afval = MainCategoryFactory(slug='afval', name='Afval')
    groen = MainCategoryFactory(slug='groen', name='Groen')
    cats = {
        'container': CategoryFactory(slug='container-vol', name='Container is vol', parent=afval, n_days=3),
        'asbest': CategoryFactory(slug='asbest', name='Asbest', parent=afval, n_days=10),
        'boom': CategoryFactory(slug='boom', name='Boom', parent=groen, n_days=10),
    }
    for key, lane in (('container', 'eenvoudig'), ('asbest', 'complex'), ('boom', 'maatwerk')):
        CategoryLane.objects.create(category=cats[key], lane=lanes[lane])
    cats['afval'], cats['groen'] = afval, groen
    return cats


@pytest.fixture
def monitor(db):
    return UserFactory(username='monitor@haarlem.nl', first_name='Mona',
                       permissions=['haarlem_monitoring.view_dashboard'])


@pytest.fixture
def stranger(db):
    return UserFactory(username='kcc@haarlem.nl', permissions=['haarlem_triage.view_decision'])


def local(day, hour=10, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=TIME_ZONE)


def _set_state(signal, state, at):
    """Move the signal to `state` through Signalen (a Status record) and record the moment for triage."""
    from signals_haarlem.triage import services as triage
    status = signalen.set_status(signal, state, 'Tekst bij status')
    signalen.get_model('Status').objects.filter(pk=status.pk).update(created_at=at)
    triage.record_status(signal, state, at=at)
    return status


def build(categories, stadsdelen, n=70, seed=5):
    """The data set. Returns a dict with the made objects (for the tests' own counts)."""
    from signals_haarlem.triage import services as triage
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    subs = [categories['container'], categories['asbest'], categories['boom']]
    signals = []
    # Fixed cases at week and day boundaries (local midnight), plus random ones over 14 months.
    monday = today - timedelta(days=today.weekday() + 14)
    moments = [local(monday, 0, 30), local(monday - timedelta(days=1), 23, 30), local(monday, 0, 0)]
    moments += [now - timedelta(days=rng.uniform(0, 430), hours=rng.uniform(0, 23)) for _ in range(n)]
    for i, created in enumerate(moments):
        category = subs[i % 3] if i < 6 else rng.choice(subs)
        signal = make_signal(category, created_at=created, text=f'Melding {i}')
        code, name = stadsdelen and rng.choice(list(stadsdelen.items())) or ('', '')
        signalen.get_model('Location').objects.filter(pk=signal.location_id).update(
            **signalen.stadsdeel_fields(code, name))
        triage.triage_signal(signal.pk, 'create')
        age = (now - created).days
        roll = rng.random()
        if age > 1 and roll < 0.85:
            responded = created + timedelta(days=rng.choice([0.2, 0.5, 2, 5, 9]))
            if responded < now:
                _set_state(signal, 'b', responded)
                if roll < 0.7:
                    resolved = responded + timedelta(days=rng.choice([0.5, 3, 8, 20, 40]))
                    if resolved < now:
                        _set_state(signal, 'o', resolved)
                        if rng.random() < 0.7:  # the closing mail asked for feedback; some answer
                            answered = rng.random() < 0.6
                            signalen.get_model('Feedback').objects.create(
                                _signal=signal, created_at=resolved,
                                submitted_at=resolved + timedelta(days=1) if answered else None,
                                is_satisfied=(rng.random() < 0.65) if answered else None,
                                text_list=['Reden'] if answered else None)
                        if rng.random() < 0.2:
                            _set_state(signal, 'reopen requested', resolved + timedelta(days=1))
                            if rng.random() < 0.5:
                                _set_state(signal, 'reopened', resolved + timedelta(days=2))
        elif age > 1 and roll < 0.9:
            _set_state(signal, 'a', created + timedelta(hours=3))
        if rng.random() < 0.15:
            target = rng.choice([lane for lane in ('eenvoudig', 'complex', 'maatwerk')])
            triage.retriage(signal.pk, target, 'Andere baan nodig', user='teamleider@haarlem.nl')
        signals.append(signal)
    return {'signals': signals, 'now': now, 'today': today}


def build_complaints(signals, seed=6):
    from signals_haarlem.complaints import fixtures
    from signals_haarlem.complaints.models import Complaint, Norm
    fixtures.load()
    rng = random.Random(seed)
    today = timezone.localdate()
    norms = list(Norm.objects.order_by('number'))
    outcomes = ['', 'opgelost', 'gegrond', 'deels_gegrond', 'ongegrond', 'niet_behandeld', 'geen_klacht']
    made = []
    for i in range(40):
        received = today - timedelta(days=rng.randint(0, 420))
        outcome = rng.choice(outcomes)
        term = received + timedelta(weeks=6) if rng.random() < 0.85 else None
        decided = received + timedelta(days=rng.randint(3, 70)) if outcome else None
        if decided and decided > today:
            decided = today
        complaint = Complaint.objects.create(
            reference=f'KL-T-{i:04d}', channel='email', form='schriftelijk', received_on=received,
            subject='Klacht', conduct_description='Gedrag', outcome=outcome, decided_on=decided,
            term_last_day=term, state='afgehandeld' if outcome else 'in_behandeling',
            signal=signals[i] if i % 2 == 0 else None)
        complaint.norms.set(rng.sample(norms, rng.randint(0, 3)))
        made.append(complaint)
    return made


def build_forwards(signals, seed=7):
    from signals_haarlem.partners.models import Forward, ForwardAnswer, Partner
    rng = random.Random(seed)
    now = timezone.now()
    partners = []
    for code, name in (('SPL', 'Spaarnelanden NV'), ('SRO', 'SRO Kennemerland')):
        department = DepartmentFactory(code=code, name=name, is_intern=False)
        partners.append(Partner.objects.create(name=name, code=code, department=department,
                                               email=f'opdrachten@{code.lower()}.example'))
    made = []
    for i, signal in enumerate(signals[:36]):
        forwarded = signal.created_at + timedelta(hours=2)
        if forwarded > now:
            continue
        status = rng.choice([Forward.OPEN, Forward.ANSWERED, Forward.ANSWERED, Forward.EXPIRED, Forward.WITHDRAWN])
        due = forwarded + timedelta(days=rng.choice([1, 4, 30, 400]))
        forward = Forward.objects.create(partner=partners[i % 2], signal=signal, instruction='Graag oppakken',
                                         status=status, forwarded_at=forwarded, response_due=due,
                                         resolution_due=due + timedelta(days=7), link_expires_at=due)
        if status == Forward.ANSWERED:
            on_time = rng.random() < 0.6
            ForwardAnswer.objects.create(forward=forward, text='Gedaan', resolved=True, answered_by='Piet',
                                         via=ForwardAnswer.VIA_LINK, workdays_taken=2, response_on_time=on_time,
                                         resolution_on_time=on_time and rng.random() < 0.8)
        made.append(forward)
    return made


@pytest.fixture
def dataset(categories, stadsdelen):
    data = build(categories, stadsdelen)
    data['complaints'] = build_complaints(data['signals'])
    data['forwards'] = build_forwards(data['signals'])
    data['categories'] = categories
    return data


def in_period(moment, start, end):
    day = moment.astimezone(TIME_ZONE).date() if isinstance(moment, datetime) else moment
    return start <= day <= end


def last_year(today=None):
    today = today or timezone.localdate()
    return today.replace(year=today.year - 1) + timedelta(days=1) if not (today.month == 2 and today.day == 29) \
        else date(today.year - 1, 3, 1), today
