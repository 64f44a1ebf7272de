"""Faults inside one process: the broker down, a receiver that raises, the database gone. A resident's
report is never lost and never half-written; what a failed part missed, the reconcile task repairs; a
database that does not answer gives a 503 with a Dutch message and Retry-After, never a 500.

The database restarted under load and two staff changing one signal over HTTP are in
test_faults_postgres.py (a real PostgreSQL cluster and gunicorn).
"""
import logging
import socket

import pytest
from django.core import mail
from django.db import InterfaceError, OperationalError, connection

from signals_haarlem import signalen
from signals_haarlem.triage.models import Decision
from tests.api.test_signals_support import amsterdam, counts, public_body  # noqa: F401  (fixtures)
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

PUBLIC = '/signals/v1/public/signals/'
LIST = '/signals/v1/private/signals/'
DB_MESSAGE = 'De database is tijdelijk niet bereikbaar. Probeer het over enkele ogenblikken opnieuw.'


def closed_port():
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def lanes(db):
    from signals_haarlem.triage import fixtures
    fixtures.load_lanes()


@pytest.fixture
def broker_down():
    """Celery as in production (not eager) with its broker on a closed loopback port. (The app reads
    Django's settings with the CELERY_ namespace: its keys are the namespaced ones.)"""
    from config.celery import app
    keys = ('CELERY_TASK_ALWAYS_EAGER', 'CELERY_BROKER_URL')
    saved = {key: app.conf.get(key) for key in keys}
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=f'redis://127.0.0.1:{closed_port()}/0')
    assert app.conf.task_always_eager is False
    yield app
    app.conf.update(saved)
    app._pool = None


def history_of(signal_id):
    return [line.what for line in signalen.history(signal_id)]


def test_public_create_answers_201_with_the_broker_down_and_reconcile_triages_afterwards(
        api_client, amsterdam, lanes, broker_down, django_capture_on_commit_callbacks, caplog):
    body = public_body(reporter={'email': 'bewoner@example.com'})
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(PUBLIC, body, format='json')
    assert response.status_code == 201, response.content
    signal = signalen.get_model('Signal').objects.get(signal_id=response.json()['signal_id'])
    # the signal and its history are saved, with everything a signal has
    assert signal.status.state == 'm' and signal.location_id and signal.category_assignment_id
    assert {'UPDATE_STATUS', 'UPDATE_CATEGORY_ASSIGNMENT', 'UPDATE_LOCATION'} <= set(history_of(signal.pk))
    # the triage task could not be queued: logged, no decision yet
    assert not Decision.objects.filter(signal_id=signal.pk).exists()
    assert 'Could not queue the triage of signal' in caplog.text
    # the confirmation mail could not be queued either: it went out in-process instead of being lost
    assert [m.to for m in mail.outbox] == [['bewoner@example.com']]

    # The periodic reconcile task (run by beat once the broker is back) fills the gap, once.
    from signals_haarlem.triage import tasks
    assert tasks.reconcile.run(grace_seconds=0)['triaged'] == 1
    assert Decision.objects.filter(signal_id=signal.pk, trigger='reconcile').count() == 1
    assert tasks.reconcile.run(grace_seconds=0)['triaged'] == 0


def test_a_receiver_that_raises_does_not_stop_the_signal_and_reconcile_repairs(
        api_client, amsterdam, lanes, django_capture_on_commit_callbacks, caplog):
    """A receiver of create_initial that raises (here: the triage receiver itself) is logged by the
    hook's send_robust; the signal and its history are saved; the next reconcile triages it."""
    from signals_haarlem.triage import receivers

    def broken(sender, signal_obj, **kwargs):
        raise RuntimeError('ontvanger kapot')
    hook = signalen.hooks.create_initial
    hook.disconnect(dispatch_uid='haarlem_triage.create_initial')
    hook.connect(broken, dispatch_uid='haarlem_triage.create_initial')
    try:
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(PUBLIC, public_body(), format='json')
    finally:
        hook.disconnect(dispatch_uid='haarlem_triage.create_initial')
        hook.connect(receivers.on_create_initial, dispatch_uid='haarlem_triage.create_initial')
    assert response.status_code == 201, response.content
    signal_id = response.json()['id']
    assert signalen.get_model('Signal').objects.filter(pk=signal_id).exists()
    assert 'UPDATE_STATUS' in history_of(signal_id)
    assert 'ontvanger kapot' in caplog.text and 'failed' in caplog.text
    assert not Decision.objects.filter(signal_id=signal_id).exists()

    from signals_haarlem.triage import tasks
    assert tasks.reconcile.run(grace_seconds=0)['triaged'] == 1
    assert Decision.objects.filter(signal_id=signal_id).count() == 1


# -- the database gone ------------------------------------------------------------------------------

def database_gone(exception_class):
    def fail(execute, sql, params, many, context):
        raise exception_class('server closed the connection unexpectedly')
    return connection.execute_wrapper(fail)


@pytest.mark.parametrize('exception_class', [OperationalError, InterfaceError])
def test_public_create_with_the_database_gone_answers_503_in_dutch(api_client, amsterdam, exception_class):
    before = counts()
    with database_gone(exception_class):
        response = api_client.post(PUBLIC, public_body(), format='json')
    assert response.status_code == 503
    assert response.json() == {'detail': DB_MESSAGE}
    assert response['Retry-After'] == '5'
    assert counts() == before


def test_private_list_with_the_database_gone_answers_503(api_client, admin_user):
    api_client.credentials(**bearer(admin_user))
    with database_gone(OperationalError):  # already while looking up the token's user
        response = api_client.get(LIST)
    assert response.status_code == 503 and response.json() == {'detail': DB_MESSAGE}
    assert response['Retry-After'] == '5'


def test_haarlem_api_with_the_database_gone_answers_503(api_client, admin_user):
    api_client.credentials(**bearer(admin_user))
    with database_gone(OperationalError):
        response = api_client.get('/signals/v1/haarlem/triage/queues/')
    assert response.status_code == 503 and response['Retry-After'] == '5'


def test_health_check_answers_503_with_the_database_gone(client):
    with database_gone(OperationalError):
        response = client.get('/signals/')
    assert response.status_code == 503


def test_werkplek_page_with_the_database_gone_answers_503_with_the_middleware(client, admin_user, settings):
    """Pages are not DRF views: the standalone core's middleware maps the error (it must be listed in
    MIDDLEWARE; without it Django answers 500)."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, 'signals_haarlem.standalone.middleware.DatabaseUnavailableMiddleware']
    client.force_login(admin_user)
    with database_gone(OperationalError):
        response = client.get('/werkplek/triage/')
    assert response.status_code == 503
    assert response['Retry-After'] == '5'
    assert DB_MESSAGE in response.content.decode()
