"""Celery for real: a Redis broker (Debian's redis-server on loopback, no persistence), a worker
process and beat with django-celery-beat's DatabaseScheduler, all on a temporary SQLite database.

A signal created in another process (broker configured, so not eager) sends its hook, the triage
receiver queues its task on Redis, the worker runs it, and the decision lands in the database. Beat
writes the merged BEAT_SCHEDULE of every app into its database table.

Skipped, with a message, only where redis-server is not installed (.ci/run installs it)."""
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.standalone_only(
    "a worker and beat of the standalone deployment on a database of their own; inside upstream the same "
    "tasks run in every other test (eagerly, as upstream's test settings have it) and test_beat checks "
    "upstream's Celery app hands beat the schedule")]

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = '/usr/bin/redis-server'
VENV_BIN = Path(sys.executable).parent
DEADLINE_SECONDS = 60


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _wait(condition, what, seconds=DEADLINE_SECONDS, logs=()):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.25)
    tails = '\n'.join(f'--- {p.name} ---\n{p.read_text(errors="replace")[-3000:]}' for p in logs if p.exists())
    pytest.fail(f'Timed out after {seconds}s waiting for {what}\n{tails}')


def _stop(process):
    if process is None or process.poll() is not None:
        return
    process.terminate()  # by PID: only the processes this test started
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _manage(env, *args, timeout=300):
    result = subprocess.run([sys.executable, 'manage.py', *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f'manage.py {" ".join(args)} failed:\n{result.stdout}\n{result.stderr}'
    return result.stdout


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    """Redis on a free loopback port and a migrated SQLite file; yields the environment for processes."""
    if not (os.path.exists(REDIS_SERVER) or shutil.which('redis-server')):
        pytest.skip('redis-server is not installed (apt-get install redis-server); the Celery integration '
                    'test needs a real Redis broker')
    server = REDIS_SERVER if os.path.exists(REDIS_SERVER) else shutil.which('redis-server')
    tmp = tmp_path_factory.mktemp('celery-redis')
    port = _free_port()
    redis_log = tmp / 'redis.log'
    redis = None
    try:
        with open(redis_log, 'w') as log:
            redis = subprocess.Popen([server, '--bind', '127.0.0.1', '--port', str(port), '--save', '',
                                      '--appendonly', 'no', '--dir', str(tmp), '--protected-mode', 'yes'],
                                     stdout=log, stderr=subprocess.STDOUT)

        def redis_up():
            try:
                with socket.create_connection(('127.0.0.1', port), timeout=1) as s:
                    s.sendall(b'PING\r\n')
                    return s.recv(16).startswith(b'+PONG')
            except OSError:
                return False
        _wait(redis_up, 'redis-server to answer PING', 20, [redis_log])
        env = {**os.environ, 'DJANGO_SETTINGS_MODULE': 'config.settings.standalone', 'VAR_DIR': str(tmp / 'var'),
               'DATABASE_URL': f'sqlite:///{tmp / "db.sqlite3"}', 'CELERY_BROKER_URL': f'redis://127.0.0.1:{port}/0',
               'ELASTICSEARCH_URL': '', 'EMAIL_BACKEND': 'django.core.mail.backends.locmem.EmailBackend',
               'LOG_LEVEL': 'WARNING', 'PYTHONPATH': str(ROOT)}
        env.pop('CELERY_TASK_ALWAYS_EAGER', None)
        env.pop('TEST_DATABASE_URL', None)
        _manage(env, 'migrate', '--noinput', '-v', '0')
        yield {'env': env, 'tmp': tmp, 'db': tmp / 'db.sqlite3', 'redis_log': redis_log}
    finally:
        _stop(redis)


def _celery(stack, name, *args):
    log = stack['tmp'] / f'{name}.log'
    with open(log, 'w') as handle:
        process = subprocess.Popen([str(VENV_BIN / 'celery'), '-A', 'config.celery', *args, '--loglevel', 'INFO'],
                                   cwd=ROOT, env=stack['env'], stdout=handle, stderr=subprocess.STDOUT)
    return process, log


def _query(db, sql, params=()):
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # locked for a moment, or the table not there yet
        return []


def test_a_signal_is_triaged_by_a_worker_through_redis(stack):
    worker = None
    try:
        worker, worker_log = _celery(stack, 'worker', 'worker', '--pool', 'solo', '--concurrency', '1',
                                     '--without-gossip', '--without-mingle', '--without-heartbeat', '-n', 'test@%h')
        _wait(lambda: 'ready.' in worker_log.read_text(errors='replace'), 'the worker to be ready', logs=[worker_log])

        # Another process creates a signal, with the broker configured (not eager): its hook's receiver
        # only queues the triage task on Redis.
        out = _manage(stack['env'], 'shell', '-c', (
            'from django.conf import settings\n'
            'assert not settings.CELERY_TASK_ALWAYS_EAGER, "tasks must go through the broker"\n'
            'from signals_haarlem.triage import fixtures\n'
            'fixtures.load_lanes()\n'
            'from tests.factories import CategoryFactory, make_signal\n'
            'signal = make_signal(CategoryFactory(), text="Container puilt uit")\n'
            'print("SIGNAL", signal.pk)\n'))
        signal_id = int(out.split('SIGNAL')[-1].split()[0])

        rows = _wait(lambda: _query(stack['db'], 'SELECT d.id, l.code FROM haarlem_triage_decision d JOIN '
                                                 'haarlem_triage_lane l ON l.id = d.lane_id WHERE d.signal_id = ?',
                                    (signal_id,)),
                     f'the triage decision of signal {signal_id}', logs=[worker_log, stack['redis_log']])
        assert [code for _, code in rows] == ['eenvoudig']  # the fallback lane for an unmapped category
        log = worker_log.read_text(errors='replace')
        assert 'signals_haarlem.triage.tasks.triage_signal' in log and 'succeeded' in log
        # the decision's note reached the signal's history (the boundary's add_note, run by the worker)
        assert _query(stack['db'], "SELECT 1 FROM signals_history WHERE _signal_id = ? AND what = 'CREATE_NOTE'",
                      (signal_id,))
    finally:
        _stop(worker)


def test_beat_database_scheduler_stores_every_periodic_task(stack):
    from django.conf import settings

    from signals_haarlem.beat import collect
    expected = {name: entry['task'] for name, entry in collect(settings.HAARLEM_APPS).items()}
    beat = None
    try:
        beat, beat_log = _celery(stack, 'beat', 'beat', '--pidfile', str(stack['tmp'] / 'beat.pid'),
                                 '--scheduler', 'django_celery_beat.schedulers:DatabaseScheduler')

        def stored():
            rows = dict(_query(stack['db'], 'SELECT name, task FROM django_celery_beat_periodictask'))
            return rows if set(expected) <= set(rows) else None
        rows = _wait(stored, 'beat to store the schedule', logs=[beat_log])
        assert {name: rows[name] for name in expected} == expected
        crontabs = {name: (hour, minute) for name, hour, minute in _query(
            stack['db'], 'SELECT t.name, c.hour, c.minute FROM django_celery_beat_periodictask t '
                         'JOIN django_celery_beat_crontabschedule c ON c.id = t.crontab_id')}
        assert crontabs['core-anonymise-reporters'] == ('3', '0')
    finally:
        _stop(beat)
