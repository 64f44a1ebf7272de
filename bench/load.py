#!/usr/bin/env python
"""Load test: mixed traffic at a fixed rate against the standalone backend under gunicorn on loopback,
then a check in the database that nothing the server confirmed is missing.

    .venv/bin/python bench/load.py                       # 5 minutes at 20 requests/s on the bench database
    .venv/bin/python bench/load.py --seconds 20 --rate 10 --database-url postgres://...   # any database
    .venv/bin/python bench/load.py --sqlite              # a SQLite file in var/bench/

The traffic: residents report signals (public create, which includes the triage), staff read the
signal list, open a signal, change its status (PATCH), read its history, and open a triage queue.
Each of --clients threads keeps its own keep-alive connection and fires on its share of a fixed
schedule (--rate requests per second in all); a request is never retried. The run is bounded in time
(--seconds) and in requests (--max-requests). Loopback only.

Afterwards, in the database: every create answered 201 has its signal, its triage decision and its
history; every status change answered 200 has its status record. Prints one table (per kind of
request: count, status codes, p50/p95/max ms) and the check, writes both to bench/results/, and
exits non-zero on any 5xx, connection error or missing record.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (AUTH_ENV, PYTHON, ROOT, Client, PostgresCluster, Server, fmt, machine,  # noqa: E402
                           percentiles, staff_token, stop_on_sigterm, table, write_result)

STAFF = 'load@haarlem.nl'
# (kind, weight): what the traffic is made of.
MIX = (('public create', 30), ('private list', 20), ('private detail', 15), ('PATCH status', 15),
       ('history', 10), ('triage queue', 10))
# A status cycle every signal can follow from Gemeld: m -> b -> ingepland -> b -> ...
NEXT_STATE = {'m': 'b', 'b': 'ingepland', 'ingepland': 'b'}
LANES = ('eenvoudig', 'complex', 'maatwerk')


def environment(database_url, var_dir):
    return {**os.environ, 'DJANGO_SETTINGS_MODULE': 'config.settings.standalone', 'DATABASE_URL': database_url,
            **AUTH_ENV, 'VAR_DIR': str(var_dir), 'PUBLIC_THROTTLE_RATE': '100000/second',
            'EMAIL_BACKEND': 'django.core.mail.backends.dummy.EmailBackend', 'DEBUG': 'false',
            'ALLOWED_HOSTS': '127.0.0.1,localhost', 'DB_CONN_MAX_AGE': '60', 'LOG_LEVEL': 'WARNING',
            'CELERY_BROKER_URL': '', 'PYTHONPATH': str(ROOT)}


def manage(env, *args):
    result = subprocess.run([PYTHON, 'manage.py', *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f'manage.py {" ".join(args)} failed:\n{result.stdout}\n{result.stderr}')
    return result.stdout


def prepare(env):
    """Migrate and load the fixtures (create only)."""
    manage(env, 'migrate', '--noinput', '-v', '0')
    manage(env, 'load_haarlem_fixtures', '--create-only')


def ensure_staff(env):
    """The staff user the traffic logs in as (a superuser: it reads and changes every signal)."""
    manage(env, 'shell', '-c', (
        'from django.contrib.auth import get_user_model\n'
        f'U = get_user_model()\nU.objects.filter(username="{STAFF}").exists() or '
        f'U.objects.create_superuser("{STAFF}", "{STAFF}", None)\n'))


def token():
    return staff_token(STAFF)


class Traffic:
    """The shared state of one run: what was sent, what came back."""

    def __init__(self, port, rate, seconds, clients, max_requests, seed=1):
        self.port, self.rate, self.seconds, self.n_clients = port, rate, seconds, clients
        self.max_requests = max_requests
        self.lock = threading.Lock()
        self.sent = 0
        self.samples = defaultdict(list)   # kind -> [ms]
        self.statuses = defaultdict(Counter)  # kind -> Counter(status)
        self.errors = defaultdict(list)   # kind -> [repr(exception)]
        self.server_errors = []           # (kind, path, status, body head)
        self.server_errors_detail = []    # (kind, connection error)
        self.created = []                 # ids answered 201
        self.status_changes = []          # (signal id, state, text) answered 200
        self.known_ids = []               # ids to read (from the first list page and the creates)
        self.seed = seed
        self.subs = []

    def setup(self):
        client = Client(self.port)
        status, data, _ = client.call('GET', '/signals/v1/public/terms/categories/?page_size=200')
        if status != 200:
            raise RuntimeError(f'public categories answered {status}')
        for main in json.loads(data)['results']:
            for sub in main.get('sub_categories', []):
                if sub.get('is_active', True):
                    self.subs.append('/signals/' + sub['_links']['self']['href'].split('/signals/', 1)[1])
        if not self.subs:
            raise RuntimeError('no public categories: load the fixtures first')
        staff = Client(self.port, token())
        status, data, _ = staff.call('GET', '/signals/v1/private/signals/?page_size=100')
        if status == 200:
            self.known_ids = [row['id'] for row in json.loads(data)['results']]

    def client_errors(self):
        return sum(n for statuses in self.statuses.values() for code, n in statuses.items() if 400 <= code < 500)

    def take(self):
        with self.lock:
            if self.sent >= self.max_requests:
                return False
            self.sent += 1
            return True

    def record(self, kind, path, status, data, ms):
        with self.lock:
            self.samples[kind].append(ms)
            self.statuses[kind][status] += 1
            if status >= 500:
                self.server_errors.append((kind, path, status, data[:200]))

    def worker(self, index, started):
        rng = random.Random(f'{self.seed}:{index}')
        public = Client(self.port)
        staff = Client(self.port, token())
        mine = {}  # the signals this worker created -> their state (only this worker changes them)
        kinds, weights = zip(*MIX)
        interval = self.n_clients / self.rate
        tick = index / self.rate
        deadline = started + self.seconds
        while True:
            at = started + tick
            if at >= deadline:
                return
            delay = at - time.time()
            if delay > 0:
                time.sleep(delay)
            tick += interval
            if not self.take():
                return
            kind = rng.choices(kinds, weights)[0]
            if kind == 'PATCH status' and not mine:
                kind = 'public create'
            try:
                self.request(kind, rng, public, staff, mine)
            except Exception as exc:  # a connection error: counted, and a fresh connection for the next
                with self.lock:
                    self.errors[kind].append(repr(exc))
                    self.server_errors_detail.append((kind, repr(exc)))
                public, staff = Client(self.port), Client(self.port, token())

    def pick_id(self, rng, mine):
        with self.lock:
            pool = self.known_ids
            if pool and (not mine or rng.random() < 0.5):
                return rng.choice(pool)
        return rng.choice(list(mine))

    def request(self, kind, rng, public, staff, mine):
        if kind == 'public create':
            path = '/signals/v1/public/signals/'
            body = {'text': f'Loadtest {uuid.uuid4().hex[:8]}: er ligt afval naast de container.',
                    'location': {'geometrie': {'type': 'Point', 'coordinates': [4.60 + rng.random() * 0.08,
                                                                                 52.35 + rng.random() * 0.06]}},
                    'category': {'sub_category': rng.choice(self.subs)},
                    'reporter': {'email': f'load{rng.randrange(300)}@example.com'},
                    'incident_date_start': datetime.now().astimezone().isoformat()}
            status, data, ms = public.call('POST', path, body)
            self.record(kind, path, status, data, ms)
            if status == 201:
                pk = json.loads(data)['id']
                mine[pk] = 'm'
                with self.lock:
                    self.created.append(pk)
                    self.known_ids.append(pk)
            return
        if kind == 'private list':
            with self.lock:
                pages = max(1, min(3, len(self.known_ids) // 50))  # pages that exist
            page = 1 if rng.random() < 0.6 else rng.randint(1, pages)
            extra = rng.choice(['', '&status=m', '&ordering=-created_at', '&priority=normal'])
            path = f'/signals/v1/private/signals/?page_size=50&page={page}{extra}'
            method, body = 'GET', None
        elif kind == 'private detail':
            path, method, body = f'/signals/v1/private/signals/{self.pick_id(rng, mine)}', 'GET', None
        elif kind == 'history':
            path, method, body = f'/signals/v1/private/signals/{self.pick_id(rng, mine)}/history', 'GET', None
        elif kind == 'triage queue':
            path, method, body = f'/signals/v1/haarlem/triage/queues/{rng.choice(LANES)}/?page_size=50', 'GET', None
        else:  # PATCH status of one of this worker's own signals
            pk = rng.choice(list(mine))
            state = NEXT_STATE[mine[pk]]
            text = f'Loadtest {uuid.uuid4().hex[:12]}'
            path, method = f'/signals/v1/private/signals/{pk}', 'PATCH'
            body = {'status': {'state': state, 'text': text}}
        status, data, ms = staff.call(method, path, body)
        self.record(kind, path, status, data, ms)
        if kind == 'PATCH status' and status == 200:
            mine[pk] = state
            with self.lock:
                self.status_changes.append((pk, state, text))

    def run(self):
        self.setup()
        started = time.time() + 0.2
        threads = [threading.Thread(target=self.worker, args=(i, started), daemon=True)
                   for i in range(self.n_clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.seconds + 120)
        return time.time() - started


CHECK_CODE = '''
import json
data = json.load(open({path!r}))
from signals_haarlem.standalone.models import History, Signal, Status
from signals_haarlem.triage.models import Decision
created = set(data['created'])
found = set(Signal.objects.filter(pk__in=created).values_list('pk', flat=True))
complete = set(Signal.objects.filter(pk__in=found, status__isnull=False, location__isnull=False,
                                     category_assignment__isnull=False).values_list('pk', flat=True))
decided = set(Decision.objects.filter(signal_id__in=found).values_list('signal_id', flat=True))
history = set(History.objects.filter(_signal_id__in=found, what='UPDATE_STATUS').values_list('_signal_id', flat=True))
texts = {{text for _, _, text in data['changes']}}
stored = set(Status.objects.filter(text__in=texts).values_list('_signal_id', 'state', 'text'))
changes = {{tuple(c) for c in data['changes']}}
print('CHECK ' + json.dumps({{
    'signals confirmed (201)': len(created),
    'missing signals': len(created - found),
    'signals without status, location or category': len(found - complete),
    'missing triage decisions': len(found - decided),
    'missing history': len(found - history),
    'status changes confirmed (200)': len(changes),
    'missing status changes': len(changes - stored),
}}))
'''


def check_database(env, traffic):
    """Count what the server confirmed but the database does not have."""
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as handle:
        json.dump({'created': traffic.created, 'changes': traffic.status_changes}, handle)
    try:
        out = manage(env, 'shell', '-c', CHECK_CODE.format(path=handle.name))
    finally:
        os.unlink(handle.name)
    line = next(line for line in out.splitlines() if line.startswith('CHECK '))
    return json.loads(line[len('CHECK '):])


MISSING_KEYS = ('missing signals', 'signals without status, location or category', 'missing triage decisions',
                'missing history', 'missing status changes')


def report(traffic, elapsed, checks, head):
    rows = []
    for kind, _ in MIX:
        samples = traffic.samples.get(kind, [])
        statuses = traffic.statuses.get(kind, Counter())
        p50, p95 = percentiles(samples)
        codes = ', '.join(f'{code}: {n}' for code, n in sorted(statuses.items()))
        rows.append([kind, len(samples), codes or '-', fmt(p50), fmt(p95), fmt(max(samples) if samples else None),
                     len(traffic.errors.get(kind, []))])
    total = sum(len(s) for s in traffic.samples.values())
    server_errors = len(traffic.server_errors)
    client_errors = traffic.client_errors()
    connection_errors = sum(len(e) for e in traffic.errors.values())
    rows.append(['all', total, f'{total / elapsed:.1f} requests/s', '', '', '', connection_errors])
    text = head + '\n' + table(rows, ['request', 'n', 'status codes', 'p50 ms', 'p95 ms', 'max ms',
                                      'connection errors']) + '\n\n'
    text += f'- server errors (5xx): {server_errors}\n'
    text += f'- refused requests (4xx; none expected): {client_errors}\n'
    text += f'- connection errors: {connection_errors}\n'
    for key, value in checks.items():
        text += f'- {key}: {value}\n'
    for kind, path, status, body in traffic.server_errors[:10]:
        text += f'  5xx: {kind} {path} -> {status} {body!r}\n'
    for kind, error in traffic.server_errors_detail[:10]:
        text += f'  connection error: {kind}: {error}\n'
    return text


def run(database_url, seconds=300.0, rate=20.0, clients=8, max_requests=None, workers=2, threads=4,
        var_dir=None, prepare_database=True, write=True, label=None):
    """One load run; returns a dict with 'text', 'server_errors', 'connection_errors', 'checks', 'missing'."""
    var_dir = Path(var_dir or ROOT / 'var' / 'bench' / 'var')
    var_dir.mkdir(parents=True, exist_ok=True)
    env = environment(database_url, var_dir)
    if prepare_database:
        prepare(env)
    ensure_staff(env)
    max_requests = max_requests or int(seconds * rate * 1.1) + 10
    server = Server(env, workers=workers, threads=threads, log=var_dir / 'load-gunicorn.log').start()
    try:
        traffic = Traffic(server.port, rate, seconds, clients, max_requests)
        elapsed = traffic.run()
    finally:
        server.stop()
    checks = check_database(env, traffic)
    backend = 'SQLite' if database_url.startswith('sqlite') else 'PostgreSQL'
    head = (f'signals-haarlem load test, {datetime.now():%Y-%m-%d %H:%M}, {backend}, {elapsed:.0f} s at '
            f'{rate:g} requests/s ({clients} clients), gunicorn {workers} workers x {threads} threads on 127.0.0.1\n'
            f'machine: {machine()}\n')
    text = report(traffic, elapsed, checks, head)
    path = write_result(f'load-{label or backend.lower()}', text) if write else None
    missing = sum(checks[key] for key in MISSING_KEYS)
    return {'text': text, 'path': path, 'server_errors': len(traffic.server_errors),
            'client_errors': traffic.client_errors(),
            'connection_errors': sum(len(e) for e in traffic.errors.values()), 'checks': checks,
            'missing': missing, 'statuses': {k: dict(v) for k, v in traffic.statuses.items()},
            'requests': sum(len(s) for s in traffic.samples.values())}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--seconds', type=float, default=300, help='how long (default 5 minutes)')
    parser.add_argument('--rate', type=float, default=20, help='requests per second, all clients together')
    parser.add_argument('--clients', type=int, default=8, help='client threads (keep-alive connections)')
    parser.add_argument('--max-requests', type=int, help='stop after this many requests (default: rate x seconds)')
    parser.add_argument('--workers', type=int, default=2, help='gunicorn workers')
    parser.add_argument('--threads', type=int, default=4, help='gunicorn threads per worker')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--sqlite', action='store_true', help='a SQLite file in var/bench/ (load.sqlite3)')
    where.add_argument('--database-url', help='this database (migrated and given the fixtures if needed)')
    args = parser.parse_args()
    stop_on_sigterm()

    cluster = None
    if args.database_url:
        url = args.database_url
    elif args.sqlite:
        url = f"sqlite:///{ROOT / 'var' / 'bench' / 'load.sqlite3'}"
    else:
        cluster = PostgresCluster()
        url = cluster.start()
    try:
        result = run(url, seconds=args.seconds, rate=args.rate, clients=args.clients,
                     max_requests=args.max_requests, workers=args.workers, threads=args.threads)
    finally:
        if cluster:
            cluster.stop()
    print('\n' + result['text'])
    print(f'written to {result["path"].relative_to(ROOT)}')
    failed = result['server_errors'] or result['client_errors'] or result['connection_errors'] or result['missing']
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
