"""The boundary's contract, function by function, on the Signalen it runs on (this file runs on the
standalone core and inside upstream Signalen): a receiver connected through signals_haarlem.signalen
sees every hook with the documented kwargs, sent after commit, and a failing receiver loses nothing;
each action changes the signal as Signalen's backoffice shows it; each reader gives what the Haarlem
apps rely on. `make test` measures that together the two runs of this file execute every line of
signals_haarlem/signalen.py (scripts/boundary-coverage)."""
import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.utils import timezone

from signals_haarlem import signalen
from tests.factories import (GROTE_MARKT, STATION, CategoryFactory, DepartmentFactory, UserFactory, address,
                             make_signal, refuse_contact)

pytestmark = pytest.mark.django_db

DOCUMENTED = {
    'create_initial': set(),
    'add_attachment': {'attachment'},
    'update_location': {'location', 'prev_location'},
    'update_status': {'status', 'prev_status'},
    'update_category_assignment': {'category_assignment', 'prev_category_assignment'},
    'update_reporter': {'reporter', 'prev_reporter'},
    'update_priority': {'priority', 'prev_priority'},
    'create_note': {'note'},
    'update_type': {'type', 'prev_type'},
    'update_user_assignment': {'user_assignment', 'prev_user_assignment'},
    'update_signal_departments': {'signal_departments', 'prev_signal_departments'},
}
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64
SQUARE = {'type': 'Polygon', 'coordinates': [[[4.630, 52.378], [4.640, 52.378], [4.640, 52.384], [4.630, 52.384],
                                              [4.630, 52.378]]]}


def fresh(signal):
    return signalen.with_current_records().get(pk=signal.pk)


# -- hooks ------------------------------------------------------------------------------------------

@pytest.fixture
def received():
    seen = []

    def make(name):
        def receiver(sender, signal_obj, **kwargs):
            seen.append((name, signal_obj.pk, set(kwargs) - {'signal'}))
        return receiver

    receivers = {name: make(name) for name in DOCUMENTED}
    for name, receiver in receivers.items():
        getattr(signalen.hooks, name).connect(receiver, dispatch_uid=f'test-boundary-{name}')
    yield seen
    for name in receivers:
        getattr(signalen.hooks, name).disconnect(dispatch_uid=f'test-boundary-{name}')


def test_every_hook_with_documented_kwargs(received, django_capture_on_commit_callbacks):
    category = CategoryFactory()
    other = CategoryFactory(parent=category.parent)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        signal = make_signal(category)
        signalen.set_location(signal, 4.63, 52.38)
        signalen.set_status(signal, 'b', 'Opgepakt')
        signalen.set_category(signal, other)
        signalen.set_reporter(signal, 'nieuw@example.com', '0611111111')
        signalen.set_priority(signal, 'high')
        signalen.add_note(signal, 'notitie')
        signalen.set_type(signal, 'COM')
        signalen.actions().update_multiple({'user_assignment': {'user': {'email': user.email}}}, signal)
        signalen.set_routing_departments(signal, [DepartmentFactory()])
        signalen.add_attachment(signal, SimpleUploadedFile('foto.png', PNG, content_type='image/png'))
    by_name = {name: kwargs for name, pk, kwargs in received if pk == signal.pk}
    assert set(by_name) == set(DOCUMENTED)
    for name, kwargs in DOCUMENTED.items():
        assert by_name[name] == kwargs, name


def test_hooks_wait_for_commit(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_signal(CategoryFactory())
    assert received == []  # nothing sent while the transaction is open
    for callback in callbacks:
        callback()
    assert [name for name, _, _ in received] == ['create_initial']


def test_failing_receiver_is_logged_and_loses_nothing(django_capture_on_commit_callbacks, caplog):
    def broken(sender, signal_obj, **kwargs):
        raise RuntimeError('ontvanger stuk')

    signalen.hooks.create_initial.connect(broken, dispatch_uid='test-broken')
    try:
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            signal = make_signal(CategoryFactory())
    finally:
        signalen.hooks.create_initial.disconnect(dispatch_uid='test-broken')
    assert signalen.get_model('Signal').objects.filter(pk=signal.pk).exists()
    if not signalen.UPSTREAM:  # upstream's send_robust keeps the error to itself (the result list)
        assert 'ontvanger stuk' in caplog.text


# -- models, constants, workflow --------------------------------------------------------------------

def test_mode_models_and_constants(settings):
    assert signalen.UPSTREAM is ('signals.apps.signals' in settings.INSTALLED_APPS)
    assert signalen.get_model('Signal')._meta.app_label == 'signals'
    assert signalen.get_model('Profile')._meta.app_label == ('users' if signalen.UPSTREAM else 'signals')
    assert signalen.get_model('Feedback')._meta.app_label == ('feedback' if signalen.UPSTREAM else 'signals')
    assert signalen.get_model('Signal')._meta.get_field(signalen.UUID_FIELD).get_internal_type() == 'UUIDField'
    assert 'b' in signalen.TRANSITIONS['m'] and 'o' in signalen.TRANSITIONS['b']
    assert signalen.CLOSED_STATES == {'o', 'a', 's'}
    assert dict(signalen.workflow.STATUS_CHOICES)['m'] == 'Gemeld'
    assert signalen.actions() is signalen.get_model('Signal').actions


def test_api_authentication_classes():
    classes = signalen.api_authentication_classes()
    assert len(classes) == 1
    if signalen.UPSTREAM:
        from signals.auth.backend import JWTAuthBackend
        assert issubclass(classes[0], JWTAuthBackend)
        assert classes is not signalen.api_authentication_classes() and \
            classes[0] is signalen.api_authentication_classes()[0]  # made once
    else:
        assert classes[0].__module__ == 'signals_haarlem.standalone.auth'


def test_api_authentication_without_a_token_is_anonymous_and_always_ok_is_kept(settings, rf):
    """Upstream's class fails on a request without a token (a TypeError, a 500 on its own endpoints);
    Haarlem's views get an anonymous request instead, which they answer with 401."""
    authentication = signalen.api_authentication_classes()[0]()
    from rest_framework.request import Request
    assert authentication.authenticate(Request(rf.get('/'))) is None
    if signalen.UPSTREAM:  # upstream's test mode: any request is its TEST_LOGIN user
        admin = UserFactory(username=settings.TEST_LOGIN, email=settings.TEST_LOGIN)
        settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'ALWAYS_OK': True}
        assert authentication.authenticate(Request(rf.get('/'))) == (admin, '')


def test_concurrent_update_is_recognised():
    assert signalen.is_concurrent_update(signalen.ConcurrentUpdate('bezet'))
    assert not signalen.is_concurrent_update(OperationalError('server closed the connection'))
    assert not signalen.is_concurrent_update(ValueError('anders'))

    class LockNotAvailable(Exception):
        pgcode = '55P03'
    refused = OperationalError('could not obtain lock on row')
    refused.__cause__ = LockNotAvailable()
    assert signalen.is_concurrent_update(refused)  # PostgreSQL's NOWAIT refusal, as upstream lets it through


# -- actions ----------------------------------------------------------------------------------------

def test_set_status_add_note_set_type_and_history():
    user = UserFactory(username='kcc@haarlem.nl')
    signal = make_signal(CategoryFactory())
    status = signalen.set_status(signal, 'b', 'In behandeling genomen', user=user)
    assert status.state == 'b' and signalen.current_state(signal) == 'b'
    signalen.add_note(signal, 'Gebeld met de melder', user=user)
    signalen.set_type(signal, 'COM', user='teamleider@haarlem.nl')
    assert signalen.type_code(signal) == 'COM' and signalen.type_code(fresh(signal)) == 'COM'
    lines = signalen.history(signal)
    assert [line.when for line in lines] == sorted(line.when for line in lines)  # oldest first
    notes = [line for line in lines if line.what == 'CREATE_NOTE']
    assert [(n.action, n.description, n.who) for n in notes] == [
        ('Notitie toegevoegd:', 'Gebeld met de melder', 'kcc@haarlem.nl')]
    if not signalen.UPSTREAM:  # upstream writes the other lines from its hooks, after commit
        assert {'UPDATE_STATUS', 'UPDATE_TYPE_ASSIGNMENT'} <= {line.what for line in lines}


def test_history_lines_from_the_hooks(run_on_commit):
    signal = run_on_commit(make_signal, CategoryFactory())
    run_on_commit(signalen.set_status, signal, 'b', 'Opgepakt', user='kcc@haarlem.nl')
    run_on_commit(signalen.set_type, signal, 'REQ', user='kcc@haarlem.nl')
    lines = {line.what: line for line in signalen.history(signal)}
    assert lines['UPDATE_STATUS'].action == 'Status gewijzigd naar: In behandeling'
    assert lines['UPDATE_TYPE_ASSIGNMENT'].action.startswith('Type gewijzigd naar: ')
    assert signalen.history(signal.pk) == signalen.history(signal)


def test_an_action_on_a_stale_object_undoes_nothing(run_on_commit):
    """Upstream's update_priority, update_type and update_reporter save the whole signal they are given:
    the boundary hands them the row as it is, and leaves the caller's object up to date."""
    category, other = CategoryFactory(), CategoryFactory()
    signal = run_on_commit(make_signal, category)
    stale = signalen.get_model('Signal').objects.get(pk=signal.pk)
    signalen.set_status(signal, 'b', 'Opgepakt')
    signalen.set_category(signal, other)
    signalen.set_priority(stale, 'high')
    signalen.set_type(stale, 'REQ')
    signalen.set_reporter(stale, 'nieuw@example.com', '0622222222')
    now = fresh(signal)
    assert (signalen.current_state(now), signalen.category_of(now), signalen.priority_of(now),
            signalen.type_code(now), signalen.reporter_contact(now)) == (
        'b', other, 'high', 'REQ', ('nieuw@example.com', '0622222222'))
    assert signalen.priority_of(stale) == 'high' and signalen.current_state(stale) == 'b'


def test_set_category_location_reporter_priority():
    category, other = CategoryFactory(), CategoryFactory()
    signal = make_signal(category, point=GROTE_MARKT)
    assert signalen.set_category(signal, other).category == other
    assert signalen.category_of(signal) == other and signalen.main_category_of(signal) == other.parent
    signalen.set_location(signal, *STATION, address_text='Stationsplein 1 Haarlem')
    assert signalen.point_of(fresh(signal)) == pytest.approx(STATION)
    signalen.set_reporter(signal, 'ander@example.com', '0633333333')
    assert signalen.reporter_contact(fresh(signal)) == ('ander@example.com', '0633333333')
    signalen.set_priority(signal, 'low')
    assert signalen.priority_of(fresh(signal)) == 'low'


def test_routing_departments(run_on_commit):
    een, cpx = DepartmentFactory(code='EEN', name='Team Eenvoudig'), DepartmentFactory(code='CPX', name='Team Complex')
    signal = run_on_commit(make_signal, CategoryFactory())
    assert signalen.routing_departments(signal) == []
    relation = run_on_commit(signalen.set_routing_departments, signal, [een, cpx.pk], user='kcc@haarlem.nl')
    assert sorted(relation.departments.values_list('code', flat=True)) == ['CPX', 'EEN']
    run_on_commit(signalen.set_routing_departments, signal, [cpx])
    assert signalen.routing_departments(signal) == [cpx] and signalen.routing_departments(signal.pk) == [cpx]
    # (upstream names the departments by code, the standalone core by name)
    assert any(line.what == 'UPDATE_ROUTING_ASSIGNMENT' and ('CPX' in line.action or 'Team Complex' in line.action)
               and 'EEN' not in line.action and 'Eenvoudig' not in line.action
               for line in signalen.history(signal)[-1:])
    Signal = signalen.get_model('Signal')
    unrouted = make_signal(CategoryFactory())
    rows = signalen.with_routing_department(Signal.objects.filter(pk__in=[signal.pk, unrouted.pk]))
    assert sorted(rows.values_list('pk', 'routing_department'), key=str) == sorted(
        [(signal.pk, cpx.pk), (unrouted.pk, None)], key=str)
    from signals_haarlem.triage import fixtures
    from signals_haarlem.triage.models import SignalLane
    from signals_haarlem.triage.services import triage_signal
    fixtures.load_lanes()
    triage_signal(signal)
    lanes = signalen.with_routing_department(SignalLane.objects.filter(signal=signal), 'signal__', name='team')
    assert list(lanes.values_list('team', flat=True)) == [d.pk for d in signalen.routing_departments(signal)]


def test_add_attachment_records_who():
    signal = make_signal(CategoryFactory())
    attachment = signalen.add_attachment(signal, SimpleUploadedFile('foto.png', PNG, content_type='image/png'),
                                         user=UserFactory(username='kcc@haarlem.nl'))
    assert attachment.created_by == 'kcc@haarlem.nl' and attachment._signal_id == signal.pk
    anonymous = signalen.add_attachment(signal, SimpleUploadedFile('foto2.png', PNG, content_type='image/png'))
    assert anonymous.created_by is None


def test_backdate_history():
    signal = make_signal(CategoryFactory())
    note = signalen.add_note(signal, 'eerder')
    then = timezone.now() - timedelta(days=30)
    signalen.backdate_history(signal, then, note)
    assert [line.when for line in signalen.history(signal) if line.what == 'CREATE_NOTE'] == [then]
    older = then - timedelta(days=1)
    signalen.backdate_history(signal, older)
    assert {line.when for line in signalen.history(signal)} == {older}


def test_refresh_current_values_is_harmless():
    signal = make_signal(CategoryFactory())
    signalen.refresh_current_values([signal.pk])
    assert signalen.snapshot(signalen.snapshot_queryset().get(pk=signal.pk)).state == 'm'


# -- readers ----------------------------------------------------------------------------------------

def test_readers_of_the_current_records(settings):
    category = CategoryFactory()
    signal = make_signal(category, reporter={'email': 'a@example.com', 'phone': '06'}, type_code='REQ',
                         priority='high', address=address('Grote Markt', 2, '2011 RD'))
    signal = fresh(signal)
    assert signalen.point_of(signal) == pytest.approx(GROTE_MARKT)
    assert signalen.reporter_contact(signal) == ('a@example.com', '06')
    assert (signalen.type_code(signal), signalen.priority_of(signal), signalen.current_state(signal)) == (
        'REQ', 'high', 'm')
    assert signalen.category_of(signal) == category and signalen.main_category_of(signal) == category.parent
    assert signalen.address_text(signal).startswith('Grote Markt 2')
    assert signalen.id_display(signal) == signalen.id_display(signal.pk) == f'SIG-{signal.pk}'
    if signalen.UPSTREAM:
        settings.SIGNAL_ID_DISPLAY_PREFIX = 'HLM-'
        assert signalen.id_display(signal) == f'HLM-{signal.pk}'
    snap = signalen.snapshot(signalen.snapshot_queryset(fields=('text',)).get(pk=signal.pk))
    assert snap == signalen.Snapshot('m', category.pk, 'high', 'REQ', pytest.approx(GROTE_MARKT))
    assert signalen.points_of([signal, signal.pk]) == {signal.pk: pytest.approx(GROTE_MARKT)}


def test_readers_of_a_signal_without_records():
    signal = make_signal(CategoryFactory())
    Signal = signalen.get_model('Signal')
    Signal.objects.filter(pk=signal.pk).update(location=None, reporter=None, priority=None, type_assignment=None,
                                               category_assignment=None)
    signalen.refresh_current_values([signal.pk])
    bare = Signal.objects.get(pk=signal.pk)
    assert signalen.point_of(bare) is None and signalen.reporter_contact(bare) == ('', '')
    assert signalen.type_code(bare) == 'SIG' and signalen.priority_of(bare) == 'normal'
    assert signalen.category_of(bare) is None and signalen.main_category_of(bare) is None
    assert signalen.address_text(bare) == '' and signalen.area_labels(bare) == []
    assert signalen.reporter_allows_contact(bare) is False
    assert signalen.nearby_signals(bare, 100, 30) == []
    located, neighbour = make_signal(CategoryFactory()), make_signal(CategoryFactory())
    Signal.objects.filter(pk=located.pk).update(category_assignment=None)
    signalen.refresh_current_values([located.pk])
    located = fresh(located)
    assert signalen.nearby_signals(located, 100, 30) == []  # no category to compare with
    assert signalen.nearby_signals(located, 100, 30, same_category=False) == [neighbour.pk]


def test_datetimes_read_with_plain_sql_are_aware():
    from datetime import datetime, timezone as dt_timezone
    assert signalen._from_db_datetime('2026-01-02 10:00:00') == datetime(2026, 1, 2, 10, 0, tzinfo=dt_timezone.utc)
    assert signalen._from_db_datetime(None) is None


def test_point_and_stadsdeel_fields():
    point = signalen.point(4.6368, 52.3812)
    if signalen.UPSTREAM:
        assert (point.x, point.y, point.srid) == (4.6368, 52.3812, 4326)
    else:
        assert point == {'type': 'Point', 'coordinates': [4.6368, 52.3812]}
    fields = signalen.stadsdeel_fields('centrum', 'Centrum')
    assert fields['area_type_code'] == 'stadsdeel' and fields['area_code'] == 'centrum'
    signal = make_signal(CategoryFactory())
    signalen.get_model('Location').objects.filter(pk=signal.location_id).update(**fields)
    assert signalen.area_labels(fresh(signal)) in (['centrum', 'Centrum'], ['centrum', 'Centrum', 'Centrum'])
    if signalen.UPSTREAM:  # upstream's own stadsdeel column holds Amsterdam's one-letter codes
        signalen.get_model('Location').objects.filter(pk=signal.location_id).update(stadsdeel='A')
        assert signalen.area_labels(fresh(signal))[-1] == 'Centrum'


def test_reporter_allows_contact():
    signal = make_signal(CategoryFactory(), reporter={'email': 'a@example.com', 'phone': ''})
    assert signalen.reporter_allows_contact(fresh(signal)) is True
    refuse_contact(signal)
    assert signalen.reporter_allows_contact(fresh(signal)) is False


def test_feedback_of():
    signal = make_signal(CategoryFactory())
    Feedback = signalen.get_model('Feedback')
    Feedback.objects.create(_signal=signal)
    Feedback.objects.create(_signal=signal, submitted_at=timezone.now(), is_satisfied=False,
                            text_list=['Het duurde te lang'], text_extra='Drie weken')
    answers = signalen.feedback_of(signal)
    assert len(answers) == 2
    answered = next(a for a in answers if a.answered_at)
    assert (answered.is_satisfied, answered.reasons, answered.remark) == (False, ['Het duurde te lang'], 'Drie weken')
    assert next(a for a in answers if not a.answered_at).reasons == []


def test_categories_as_rows(django_assert_max_num_queries):
    sub = CategoryFactory(slug='container-vol', name='Container vol', parent__slug='afval', parent__name='Afval')
    with django_assert_max_num_queries(1):
        found = signalen.categories()
    info = found[sub.pk]
    assert (info.id, info.path, info.name, info.parent.name, info.is_active) == (
        sub.pk, 'afval/container-vol', 'Container vol', 'Afval', True)
    assert found[sub.parent_id].path == 'afval' and 'afval/container-vol' in repr(info)


def test_find_category_by_id_main_or_path():
    sub = CategoryFactory(slug='container-vol', name='Container vol', parent__slug='afval', parent__name='Afval')
    assert signalen.find_category(str(sub.pk)) == sub and signalen.find_category(f' {sub.pk} ') == sub
    assert signalen.find_category('afval/container-vol') == sub
    assert signalen.find_category('afval') == sub.parent
    # what a person may type that is no category: no error, no query past the database's integers
    for value in ('', None, 'container-vol', 'afval/nee', '³', '9' * 30, '-1', '0'):
        assert signalen.find_category(value) is None, value


def test_with_current_records_and_field_paths(django_assert_num_queries):
    signal = make_signal(CategoryFactory())
    # One query; inside upstream each Category object loaded reads its service levels (history tracking).
    with django_assert_num_queries(3 if signalen.UPSTREAM else 1):
        loaded = signalen.with_current_records().get(pk=signal.pk)
        assert (signalen.current_state(loaded), signalen.type_code(loaded), signalen.priority_of(loaded)) == (
            'm', 'SIG', 'normal')
        assert signalen.reporter_contact(loaded)[0].startswith('melder')
    assert signalen.has_field_path('category_assignment__category__name')
    assert not signalen.has_field_path('no_such_field') and not signalen.has_field_path('text__nothing__more')
    assert signalen.with_current_records(signalen.get_model('Signal').objects.filter(pk=0)).count() == 0


def test_status_history_and_earlier_states():
    signal = make_signal(CategoryFactory())
    signalen.set_status(signal, 'b', 'Opgepakt')
    signalen.set_status(signal, 'o', 'Klaar')
    history = signalen.status_history([signal])[signal.pk]
    assert [state for state, _ in history] == ['m', 'b', 'o']
    assert signalen.had_state(signal, {'b'}) and not signalen.had_state(signal, {'reopen requested'})
    child = make_signal(CategoryFactory(), parent=signal)
    assert signalen.child_count(signal) == 1 and signalen.child_count(child) == 0
    assert signalen.states_and_children(signal, {'o'}) == (True, 1)


def test_service_level_objectives_newest_wins():
    category = CategoryFactory(n_days=3)
    signalen.get_model('ServiceLevelObjective').objects.create(category=category, n_days=5, use_calendar_days=True)
    assert signalen.service_level_objectives()[category.pk] == (5, True)


def test_users_and_departments():
    een = DepartmentFactory(code='EEN', name='Team Eenvoudig')
    member = UserFactory(username='lid@haarlem.nl', departments=[een])
    UserFactory(username='weg@haarlem.nl', departments=[een], is_active=False)
    assert signalen.user_departments(member) == [een]
    assert signalen.department_users(een) == [member]
    assert signalen.user_departments(type('Anonymous', (), {})()) == []


def test_nearby_and_same_reporter_signals():
    category = CategoryFactory()
    signal = make_signal(category, point=GROTE_MARKT, reporter={'email': 'Vaak@Example.com', 'phone': '0612'})
    close = make_signal(category, point=(4.6369, 52.3812), reporter={'email': 'vaak@example.com', 'phone': ''})
    other_category = make_signal(CategoryFactory(), point=GROTE_MARKT)
    closed = make_signal(category, point=GROTE_MARKT, state='o')
    make_signal(category, point=STATION, reporter={'email': '', 'phone': '0612'})
    assert signalen.nearby_signals(signal, 30, 30) == [close.pk]
    assert set(signalen.nearby_signals(signal, 30, 30, same_category=False, open_only=False)) == {
        close.pk, other_category.pk, closed.pk}
    [row] = signalen.nearby_signals(signal, 30, 30, details=True)
    assert row.id == close.pk and 0 < row.metres < 10 and row.category_id == category.pk and row.state == 'm'
    assert len(signalen.same_reporter_signals(signal, 30)) == 2  # the e-mail address (any case), the phone
    assert [pk for pk, _ in signalen.same_reporter_signals(signal, 30, details=True)][0] == close.pk
    assert signalen.same_reporter_signals(make_signal(category, reporter={'email': '', 'phone': ''}), 30) == []


def test_areas():
    geometry = {'type': 'MultiPolygon', 'coordinates': [SQUARE['coordinates']]}
    assert signalen.save_area('wijk', 'Wijk', 'c01', 'Binnenstad', SQUARE) == 'created'
    assert signalen.save_area('wijk', 'Wijk', 'c01', 'Binnenstad', geometry) == 'unchanged'
    assert signalen.save_area('wijk', 'Wijk', 'c01', 'Binnenstad Haarlem', geometry) == 'updated'
    assert ('c01', 'Binnenstad Haarlem') in signalen.areas_of_type('wijk')
    if signalen.UPSTREAM:  # upstream keeps areas with their polygon only, as a PostGIS MultiPolygon
        with pytest.raises(ValueError, match='polygon'):
            signalen.save_area('wijk', 'Wijk', 'c02', 'Zonder', None)
        Area = signalen.get_model('Area')
        area = Area.objects.get(_type__code='wijk', code='c01')
        assert area.geometry.geom_type == 'MultiPolygon' and area.geometry.valid
        touching = {'type': 'MultiPolygon', 'coordinates': [
            [[[4.60, 52.30], [4.61, 52.30], [4.61, 52.31], [4.60, 52.31], [4.60, 52.30]]],
            [[[4.61, 52.30], [4.62, 52.30], [4.62, 52.31], [4.61, 52.31], [4.61, 52.30]]]]}
        signalen.save_area('wijk', 'Wijk', 'c03', 'Twee helften', touching)
        assert Area.objects.get(code='c03').geometry.valid  # the shared edge dissolved
        bow_tie = {'type': 'Polygon', 'coordinates': [[[4.60, 52.30], [4.61, 52.31], [4.61, 52.30], [4.60, 52.31],
                                                       [4.60, 52.30]]]}
        signalen.save_area('wijk', 'Wijk', 'c04', 'Strik', bow_tie)
        assert Area.objects.get(code='c04').geometry.valid  # repaired
    else:
        assert signalen.save_area('wijk', 'Wijk', 'c02', 'Zonder', None) == 'created'


def test_visible_signals_and_sees_all():
    een = DepartmentFactory(code='EEN', name='Team Eenvoudig')
    mine, theirs = CategoryFactory(departments=[een]), CategoryFactory(departments=[DepartmentFactory()])
    a, b = make_signal(mine), make_signal(theirs)
    member = UserFactory(username='lid@haarlem.nl', departments=[een], permissions=['signals.sia_read'])
    assert set(signalen.visible_signals(member).values_list('pk', flat=True)) == {a.pk}
    assert not signalen.sees_all_signals(member)
    everything = UserFactory(username='alles@haarlem.nl', permissions=['signals.sia_read',
                                                                       'signals.sia_can_view_all_categories'])
    assert signalen.sees_all_signals(everything)
    assert {a.pk, b.pk} <= set(signalen.visible_signals(everything).values_list('pk', flat=True))
    without = UserFactory(username='niets@haarlem.nl')
    assert not signalen.visible_signals(without).exists() and not signalen.sees_all_signals(without)
    from django.contrib.auth.models import AnonymousUser
    assert not signalen.sees_all_signals(AnonymousUser()) and not signalen.visible_signals(None).exists()
    assert Permission.objects.filter(codename='sia_read', content_type__app_label='signals').exists()


def test_anonymise_reporters_writes_a_history_line():
    signal = make_signal(CategoryFactory(), reporter={'email': 'a@example.com', 'phone': '06'})
    signalen.set_status(signal, 'o', 'Klaar')
    signalen.get_model('Status').objects.filter(pk=signal.status_id).update(
        created_at=timezone.now() - timedelta(days=10))
    assert signalen.anonymise_reporters(timezone.now() - timedelta(days=5)) == 1
    assert signalen.reporter_contact(fresh(signal)) == ('', '')
    [line] = [line for line in signalen.history(signal) if signalen.ANONYMISED_ACTION in
              f'{line.action} {line.description}']
    assert line.who is None
    assert signalen.anonymise_reporters(timezone.now() - timedelta(days=5)) == 0
