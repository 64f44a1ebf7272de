"""schemathesis against the running backend, as an attacker's probe would: gunicorn on PostgreSQL with demo
data, schemathesis' own command line over the whole OpenAPI schema, in both its coverage phase (every
operation with the schema's edge values and violations of it) and its fuzzing phase (generated valid and
invalid requests), with the checks that no answer is a server error and that every answer is what the
schema says. Staff operations run with a superuser's bearer token, the partner operations with a
partner's token. Any finding fails the test with schemathesis' report (each with an `st replay` id and a
curl command); no operation is excluded, so operations added later are probed too."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, server_env

pytestmark = pytest.mark.slow

CHECKS = 'not_a_server_error,response_schema_conformance'
PARTNER_PATHS = '/partners/partner/'  # what a partner's token reaches (and nothing else does)
FUZZ_EXAMPLES = 30  # generated cases per operation in the fuzzing phase (the coverage phase picks its own)


def st_command():
    found = Path(sys.executable).with_name('st')
    return str(found) if found.exists() else shutil.which('st')


@pytest.fixture
def server(pg_database, tmp_path):
    from bench.harness import Server
    env = server_env(pg_database, tmp_path / 'var')
    seeded = subprocess.run(
        [sys.executable, 'manage.py', 'shell', '-c',
         'from tests.standalone import schemathesis_seed; schemathesis_seed.main()'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    data = json.loads(seeded.stdout.strip().splitlines()[-1])
    server = Server(env, workers=2, threads=4, log=tmp_path / 'gunicorn.log').start()
    yield server, data, tmp_path
    server.stop()


def run_schemathesis(server, known, authorization, where, tmp_path, name):
    env = {**server.env, 'SCHEMATHESIS_HOOKS': 'tests.standalone.schemathesis_hooks',
           'ST_KNOWN_IDS': json.dumps(known)}
    result = subprocess.run(
        [st_command(), 'run', f'http://127.0.0.1:{server.port}/signals/schema/', '--phases', 'coverage,fuzzing',
         '--checks', CHECKS, '--max-examples', str(FUZZ_EXAMPLES), '--seed', '20261204', '--workers', '2',
         # (a health check of schemathesis' own generator, not of the API: it gives up on an operation
         # when too many generated values do not fit, and that varied from machine to machine)
         '--suppress-health-check', 'filter_too_much',
         '--no-color', '-H', f'Authorization: {authorization}', *where],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1500)  # (st keeps a cache in its cwd)
    (tmp_path / f'{name}.txt').write_text(result.stdout + result.stderr)
    return result


@pytest.mark.skipif(not st_command(), reason="schemathesis' command line (st) is not installed")
def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(server):
    server, data, tmp_path = server
    partner = run_schemathesis(server, data['known'], f'Token {data["partner_token"]}',
                               ['--include-path-regex', PARTNER_PATHS], tmp_path, 'partner')
    staff = run_schemathesis(server, data['known'], f'Bearer {data["token"]}',
                             ['--exclude-path-regex', PARTNER_PATHS], tmp_path, 'staff')
    selected = 0
    for who, result in (('staff', staff), ('partner', partner)):
        assert result.returncode == 0, f'schemathesis ({who}) found problems:\n{result.stdout[-20000:]}\n{result.stderr}'
        assert '✅ Coverage' in result.stdout and '✅ Fuzzing' in result.stdout, result.stdout
        # every selected operation was called: none skipped, none the schema made untestable
        chosen, total = map(int, re.search(r'Selected: (\d+)/(\d+)', result.stdout).groups())
        assert int(re.search(r'Tested: (\d+)', result.stdout).group(1)) == chosen, result.stdout
        selected += chosen
    assert selected == total > 150  # the two runs together: the whole schema
    assert 'Authentication failed' not in partner.stdout, partner.stdout  # the partner token was accepted
