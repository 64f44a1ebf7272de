"""The boundary's contract: a receiver connected through signals_haarlem.signalen sees every hook
with the documented kwargs, sent after commit; a failing receiver loses nothing."""
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from signals_haarlem import signalen
from tests.factories import CategoryFactory, DepartmentFactory, UserFactory, make_signal

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
    Signal = signalen.get_model('Signal')
    category = CategoryFactory()
    other = CategoryFactory(parent=category.parent)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        signal = make_signal(category)
        actions = Signal.actions
        actions.update_location({'geometrie': {'type': 'Point', 'coordinates': [4.63, 52.38]}}, signal)
        signalen.set_status(signal, 'b', 'Opgepakt')
        actions.update_category_assignment({'category': other}, signal)
        actions.update_reporter({'email': 'nieuw@example.com'}, signal)
        actions.update_priority({'priority': 'high'}, signal)
        signalen.add_note(signal, 'notitie')
        signalen.set_type(signal, 'COM')
        actions.update_user_assignment({'user': user}, signal)
        signalen.set_routing_departments(signal, [DepartmentFactory()])
        actions.add_attachment(SimpleUploadedFile('foto.png', PNG, content_type='image/png'), signal)
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
    assert 'ontvanger stuk' in caplog.text


def test_boundary_actions_and_readers():
    signal = make_signal(CategoryFactory(), reporter={'email': 'a@example.com', 'phone': '06'})
    assert signalen.UPSTREAM is False
    assert signalen.point_of(signal) == (4.6368, 52.3812)
    assert signalen.reporter_contact(signal) == ('a@example.com', '06')
    assert signalen.type_code(signal) == 'SIG'
    assert signalen.current_state(signal) == 'm'
    signalen.set_type(signal, 'COM', user=UserFactory(username='kcc@haarlem.nl'))
    assert signalen.type_code(signal) == 'COM'
    assert signal.history.filter(what='UPDATE_TYPE_ASSIGNMENT', who='kcc@haarlem.nl').exists()


def test_no_haarlem_app_imports_signalen_directly():
    """Haarlem apps reach Signalen only through signals_haarlem/signalen.py."""
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parent.parent / 'signals_haarlem'
    pattern = re.compile(r'^\s*(from|import)\s+(signals\.apps|signals_haarlem\.standalone)', re.M)
    offenders = []
    for path in root.rglob('*.py'):
        rel = path.relative_to(root).as_posix()
        if rel == 'signalen.py' or rel.startswith('standalone/'):
            continue
        if pattern.search(path.read_text()):
            offenders.append(rel)
    assert offenders == []
