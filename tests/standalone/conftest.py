"""Shared set-up for the tests that run the standalone deployment for real: a throwaway PostgreSQL
cluster from the local binaries (bench/harness.PostgresCluster in a temporary folder, no fsync) with
one database migrated and given the Haarlem fixtures, used as a template: each test gets its own copy
in a second.

These tests start gunicorn (bench/harness.Server) on loopback against such a database; they are marked
slow and skip, with a message, where the PostgreSQL server binaries are missing."""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TEMPLATE = 'signals_template'


def _have_postgres():
    return bool(list(Path('/usr/lib/postgresql').glob('*/bin/initdb')) or shutil.which('initdb'))


@pytest.fixture(scope='session')
def pg_cluster():
    """(cluster, environment maker): a throwaway cluster with a migrated template database."""
    if not _have_postgres():
        pytest.skip('PostgreSQL server binaries not found (apt-get install postgresql)')
    from bench.harness import PostgresCluster
    base = Path(tempfile.mkdtemp(prefix='signals-reliability-'))
    os.chmod(base, 0o755)
    cluster = PostgresCluster(base / 'data', throwaway=True)
    try:
        cluster.start(TEMPLATE)
        env = server_env(cluster.url(TEMPLATE), base / 'var')
        for args in (('migrate', '--noinput', '-v', '0'), ('load_haarlem_fixtures', '--create-only')):
            result = subprocess.run([sys.executable, 'manage.py', *args], cwd=ROOT, env=env, capture_output=True,
                                    text=True, timeout=600)
            assert result.returncode == 0, result.stdout + result.stderr
        yield cluster, base
    finally:
        cluster.stop_server('immediate')
        shutil.rmtree(base, ignore_errors=True)


def server_env(database_url, var_dir):
    """The environment of gunicorn and manage.py against `database_url` (as bench/load.py sets it)."""
    from bench import load
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    env = load.environment(database_url, var_dir)
    env.pop('TEST_DATABASE_URL', None)
    return env


@pytest.fixture
def pg_database(pg_cluster, request):
    """A fresh database copied from the template; yields its URL; dropped afterwards."""
    cluster, base = pg_cluster
    name = 'test_' + request.node.name.lower().replace('[', '_').replace(']', '')[:40]
    name = ''.join(c if c.isalnum() or c == '_' else '_' for c in name)
    cluster.psql(f'DROP DATABASE IF EXISTS {name}', check=False)
    cluster.psql(f'CREATE DATABASE {name} TEMPLATE {TEMPLATE}')
    yield cluster.url(name)
    cluster.psql(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)', check=False)
