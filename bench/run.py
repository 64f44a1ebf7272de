#!/usr/bin/env python
"""`make bench`: the standalone backend on 100k signals, measured over HTTP on loopback.

Seeds a PostgreSQL database (kept in var/bench/) with --signals demo signals unless present, starts
gunicorn, measures the calls staff and residents make most, prints one table and writes it to
bench/results/. Figures, not tests.
"""
import argparse
import json
import os
import random
import subprocess
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (AUTH_ENV, PYTHON, ROOT, Client, PostgresCluster, Server, fmt, machine,  # noqa: E402
                           percentiles, run_parallel, staff_token, stop_on_sigterm, table, write_result)


def manage(env, *args, capture=False):
    result = subprocess.run([PYTHON, 'manage.py', *args], cwd=ROOT, env=env, check=True,
                            capture_output=capture, text=True)
    return result.stdout if capture else None


def shell(env, code):
    """The last line `code` prints in `manage.py shell` (Django 5.2's shell announces its imports first)."""
    lines = manage(env, 'shell', '-c', code, capture=True).strip().splitlines()
    return lines[-1].strip() if lines else ''


def prepare(env, n_signals):
    manage(env, 'migrate', '--noinput', '-v', '0')
    manage(env, 'load_haarlem_fixtures', capture=True)
    have = int(shell(env, 'from signals_haarlem import signalen; print(signalen.get_model("Signal").objects.count())'))
    if have < n_signals:
        print(f'seeding {n_signals - have} signals (once; kept in var/bench/) ...', flush=True)
        manage(env, 'seed_demo', str(n_signals - have), '--fast', '--seed', str(have + 1))
    shell(env, 'from django.contrib.auth import get_user_model; U = get_user_model(); '
               'U.objects.filter(username="bench@haarlem.nl").exists() or '
               'U.objects.create_superuser("bench@haarlem.nl", "bench@haarlem.nl", None)')
    return int(shell(env, 'from signals_haarlem import signalen; print(signalen.get_model("Signal").objects.count())'))


TRIAGE_CODE = """
import argparse, json, os, django
django.setup()
from bench import triage_bench
from bench.harness import percentiles
args = argparse.Namespace(rules=50, decisions={decisions}, new={new})
rows, plans, n_rules, n_signals, vendor = triage_bench.measure(args)
out = []
for name, n, (samples, cpu), seconds in rows:
    p50, p95 = percentiles(samples)
    out.append([name, n, n / seconds, p50, p95])
print('TRIAGE ' + json.dumps(out))
"""


def triage_figures(env, decisions, new):
    """Triage decisions per second, measured by bench/triage_bench.py's code in a child process on the
    same database (50 active rules; in a transaction that is rolled back)."""
    code = TRIAGE_CODE.format(decisions=decisions, new=new)
    result = subprocess.run([PYTHON, '-c', code], cwd=ROOT, env={**env, 'PYTHONPATH': str(ROOT)},
                            capture_output=True, text=True)
    line = next((line for line in result.stdout.splitlines() if line.startswith('TRIAGE ')), None)
    if result.returncode or line is None:
        print(f'triage measurement failed (exit {result.returncode}):\n{result.stderr[-3000:]}', flush=True)
        return [['triage decisions', '-', '-', 'failed (see output)', '', '']]
    return [[f'triage: {name} (50 rules)', fmt(p50), fmt(p95), f'{rate:.0f} decisions/s', '', '']
            for name, n, rate, p50, p95 in json.loads(line[len('TRIAGE '):])]


def sample(client, method, paths, n, body=None):
    times, errors = [], 0
    for i in range(n):
        path = paths(i) if callable(paths) else paths
        status, _, ms = client.call(method, path, body(i) if callable(body) else body)
        errors += status >= 500
        times.append(ms)
    return times, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--signals', type=int, default=100_000)
    parser.add_argument('--requests', type=int, default=200, help='requests per latency figure')
    parser.add_argument('--seconds', type=float, default=15, help='duration of each throughput run')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--sqlite', action='store_true', help='measure on a SQLite file (var/bench/) instead')
    where.add_argument('--database-url', help='measure on this database (seeded if it has too few signals)')
    parser.add_argument('--decisions', type=int, default=500, help='triage decisions per triage figure')
    args = parser.parse_args()
    stop_on_sigterm()

    cluster = None
    env = {**os.environ, 'DJANGO_SETTINGS_MODULE': 'config.settings.standalone', **AUTH_ENV,
           'VAR_DIR': str(ROOT / 'var' / 'bench' / 'var'), 'PUBLIC_THROTTLE_RATE': '100000/second',
           'EMAIL_BACKEND': 'django.core.mail.backends.dummy.EmailBackend', 'DEBUG': 'false',
           'ALLOWED_HOSTS': '127.0.0.1,localhost', 'DB_CONN_MAX_AGE': '600', 'LOG_LEVEL': 'WARNING',
           'CELERY_BROKER_URL': ''}
    (ROOT / 'var' / 'bench' / 'var').mkdir(parents=True, exist_ok=True)
    if args.database_url:
        env['DATABASE_URL'] = args.database_url
        backend = 'SQLite' if args.database_url.startswith('sqlite') else 'PostgreSQL'
    elif args.sqlite:
        env['DATABASE_URL'] = f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}"
        backend = 'SQLite'
    else:
        cluster = PostgresCluster()
        env['DATABASE_URL'] = cluster.start()
        backend = 'PostgreSQL'
    server = None
    rows = []
    try:
        count = prepare(env, args.signals)
        load = os.getloadavg()[0]
        server = Server(env).start()
        rows = measure(server.port, args, count)
        server.stop()
        server = None
        print('measuring triage decisions ...', flush=True)
        rows += triage_figures(env, args.decisions, max(50, args.decisions // 5))
    finally:
        if server:
            server.stop()
        if cluster:
            cluster.stop()
        if rows:
            head = (f'signals-haarlem benchmark, {datetime.now():%Y-%m-%d %H:%M}, {backend}, {count} signals\n'
                    f'machine: {machine()}, load average {load:.1f} before the run; '
                    f'gunicorn 2 workers x 2 threads on 127.0.0.1\n')
            text = head + '\n' + table(rows, ['measure', 'p50 ms', 'p95 ms', 'throughput /s', '5xx', 'target']) + '\n'
            print('\n' + text)
            path = write_result(f'api-{backend.lower()}', text)
            print(f'written to {path.relative_to(ROOT)}')


class Rows(list):
    """The table's rows; each is printed as it is measured (a run takes minutes)."""

    def append(self, row):
        print('  ' + ' | '.join(str(c) for c in row), flush=True)
        super().append(row)


def measure(port, args, count):
    rng = random.Random(42)
    staff = Client(port, staff_token('bench@haarlem.nl'))
    public = Client(port)
    n = args.requests
    rows = Rows()

    status, data, _ = public.call('GET', '/signals/v1/public/terms/categories/?page_size=100')
    categories = json.loads(data)['results'] if status == 200 else []
    subs = [sub['_links']['self']['href'].split('/signals/', 1)[1] for main in categories
            for sub in main.get('sub_categories', []) if sub.get('is_active', True)]
    subs = ['/signals/' + s for s in subs] or ['/signals/v1/public/terms/categories/overig/sub_categories/overig']

    def create_body(i):
        return {'text': f'Benchmarkmelding {i}: er ligt afval op de stoep.',
                'location': {'geometrie': {'type': 'Point', 'coordinates': [4.60 + rng.random() * 0.08,
                                                                             52.35 + rng.random() * 0.06]}},
                'category': {'sub_category': rng.choice(subs)}, 'reporter': {'email': f'bench{i % 500}@example.com'},
                'incident_date_start': datetime.now().astimezone().isoformat()}

    times, errors = sample(public, 'POST', '/signals/v1/public/signals/', n, create_body)
    p50, p95 = percentiles(times)
    rows.append(['public create (incl. triage), 1 client', fmt(p50), fmt(p95), f'{1000 / (sum(times) / len(times)):.0f}',
                 errors, 'p50 < 30 ms'])
    for clients in (1, 4):
        done, errs, samples, elapsed = run_parallel(
            [Client(port) for _ in range(clients)], args.seconds,
            lambda c, i: c.call('POST', '/signals/v1/public/signals/', create_body(i)))
        p50, p95 = percentiles(samples)
        rows.append([f'public create throughput, {clients} client(s)', fmt(p50), fmt(p95),
                     f'{done / elapsed:.0f}', errs, '> 60/s with 4' if clients == 4 else ''])

    ids = [rng.randint(1, count) for _ in range(n)]
    for label, path, target in (
            ('private list, page_size 50', '/signals/v1/private/signals/?page_size=50', 'p50 < 40 ms'),
            ('private list, filtered', '/signals/v1/private/signals/?page_size=50&status=m&status=b&priority=normal'
                                       '&punctuality=late', 'p50 < 40 ms'),
            ('private list, page 100', '/signals/v1/private/signals/?page_size=50&page=100', '')):
        times, errors = sample(staff, 'GET', path, n)
        p50, p95 = percentiles(times)
        rows.append([label, fmt(p50), fmt(p95), '', errors, target])
    for label, suffix, target in (('private detail', '', 'p50 < 20 ms'), ('history', '/history', '')):
        times, errors = sample(staff, 'GET', lambda i: f'/signals/v1/private/signals/{ids[i]}{suffix}', n)
        p50, p95 = percentiles(times)
        rows.append([label, fmt(p50), fmt(p95), '', errors, target])

    status, data, _ = staff.call('GET', f'/signals/v1/private/signals/?status=m&page_size={n}')
    open_ids = [row['id'] for row in json.loads(data).get('results', [])] if status == 200 else []
    if open_ids:
        times, errors = sample(staff, 'PATCH', lambda i: f'/signals/v1/private/signals/{open_ids[i]}', len(open_ids),
                               {'status': {'state': 'i', 'text': 'In afwachting (benchmark)'}})
        p50, p95 = percentiles(times)
        rows.append(['PATCH status', fmt(p50), fmt(p95), '', errors, ''])

    for label, path in (('monitoring dashboard (year)', '/signals/v1/haarlem/monitoring/dashboard/'),
                        ('triage queue (complex)', '/signals/v1/haarlem/triage/queues/complex/?page_size=50')):
        status, _, _ = staff.call('GET', path)
        if status == 404:
            rows.append([label, '-', '-', '', '', 'not available'])
            continue
        times, errors = sample(staff, 'GET', path, max(20, n // 5))
        p50, p95 = percentiles(times)
        rows.append([label, fmt(p50), fmt(p95), '', errors, 'p50 < 1000 ms' if 'dashboard' in label else ''])
    return rows


if __name__ == '__main__':
    main()
