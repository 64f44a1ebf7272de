#!/usr/bin/env python
"""Monitoring benchmark: every figure of the dashboard, and the whole dashboard, on a database with a
year of 100k signals.

    .venv/bin/python bench/monitoring_bench.py            # PostgreSQL (the cluster in var/bench/, as make bench)
    .venv/bin/python bench/monitoring_bench.py --sqlite   # a SQLite file in var/bench/
    .venv/bin/python bench/monitoring_bench.py --database-url sqlite:////tmp/monbench/db.sqlite3

Seeds the database with --signals demo signals unless they are there (`seed_demo --fast` with every
app's demo data: triage decisions, complaints, forwards to partners; kept for the next run, shared with
bench/run.py and bench/triage_bench.py). Then measures, --repeat times after one warm-up run each:

- each figure on its own (services.<figure>(filters)), for the default filters (the last 12 months);
- the shared pass over the period's signals (signal_grid) that three figures are sums of;
- the whole dashboard (services.dashboard: every figure, the grid computed once);
- the whole dashboard with filters (a lane, a main category, a stadsdeel);
- the werkplek page (request, every figure, the SVG charts and tables, HTML) and the API's dashboard/
  (request, every figure, JSON), in-process through Django's test client.

Nothing is written (a user for the page is made in a transaction that is rolled back). Prints a table
(p50, min and max ms, queries) and writes it to bench/results/. Figures, not tests: nothing fails on a
slow run. Target: the dashboard under 1 s (1000 ms) for a year of 100k signals.
"""
import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import AUTH_ENV, ROOT, PostgresCluster, fmt, machine, table, write_result  # noqa: E402


def environment(database_url):
    return {**os.environ, 'DJANGO_SETTINGS_MODULE': 'config.settings.standalone', 'DATABASE_URL': database_url,
            'VAR_DIR': str(ROOT / 'var' / 'bench' / 'var'),
            'EMAIL_BACKEND': 'django.core.mail.backends.dummy.EmailBackend',
            'DEBUG': 'false', 'LOG_LEVEL': 'WARNING', 'CELERY_BROKER_URL': '', **AUTH_ENV,
            'ALLOWED_HOSTS': 'testserver,127.0.0.1,localhost'}


def prepare(n_signals):
    """Migrate, load the fixtures and seed up to `n_signals` demo signals (once; the database is kept)."""
    import django
    django.setup()
    from django.core.management import call_command

    from signals_haarlem import signalen
    call_command('migrate', interactive=False, verbosity=0)
    call_command('load_haarlem_fixtures', create_only=True, verbosity=0, stdout=open(os.devnull, 'w'))
    Signal = signalen.get_model('Signal')
    have = Signal.objects.count()
    if have < n_signals:
        print(f'seeding {n_signals - have} signals (once; kept for the next run) ...', flush=True)
        call_command('seed_demo', n_signals - have, fast=True, seed=have + 1, stdout=open(os.devnull, 'w'))
    return Signal.objects.count()


def timed(function, repeat):
    """(samples in ms, queries of the last run) after one warm-up run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    function()
    samples, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            function()
            samples.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return samples, queries


def filtered(services):
    """The default period with a lane, a main category and a stadsdeel that have signals."""
    from signals_haarlem import signalen
    from signals_haarlem.triage.models import Lane
    Signal = signalen.get_model('Signal')
    lane = Lane.objects.filter(code='complex').first() or Lane.objects.first()
    sample = signalen.with_current_records(Signal.objects.filter(location__area_code__isnull=False)) \
        .order_by('-created_at').first()
    category = sample.category_assignment.category if sample else None
    main = category.parent if category is not None and category.parent_id else category
    area = sample.location.area_code if sample else ''
    return services.Filters.default(lane=lane, category=main, area=area, area_name=services.area_name(area))


def measure(args):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from rest_framework.test import APIClient

    from signals_haarlem import signalen
    from signals_haarlem.monitoring import services

    filters = services.Filters.default()
    rows = []
    with transaction.atomic():
        in_period = services._signals(filters).count()
        for key, function in services.FIGURES.items():
            samples, queries = timed(lambda: function(filters), args.repeat)
            rows.append((f'figure: {key}', samples, queries))
        samples, queries = timed(lambda: services.signal_grid(filters), args.repeat)
        rows.append(('shared pass over the signals (signal_grid)', samples, queries))
        samples, queries = timed(lambda: services.dashboard(filters), args.repeat)
        rows.append(('dashboard: every figure (services)', samples, queries))
        narrow = filtered(services)
        samples, queries = timed(lambda: services.dashboard(narrow), args.repeat)
        rows.append(('dashboard with lane, category and stadsdeel filters', samples, queries))

        user = get_user_model().objects.create(username='bench-monitoring@haarlem.nl', is_staff=True,
                                               is_superuser=True)
        client = Client()
        client.force_login(user)

        def page():
            response = client.get('/werkplek/monitoring/')
            assert response.status_code == 200, response.status_code
        samples, queries = timed(page, args.repeat)
        rows.append(('werkplek page /werkplek/monitoring/ (HTML, SVG charts)', samples, queries))

        api = APIClient()
        api.force_authenticate(user)

        def dashboard_api():
            response = api.get('/signals/v1/haarlem/monitoring/dashboard/')
            assert response.status_code == 200, response.status_code
        samples, queries = timed(dashboard_api, args.repeat)
        rows.append(('API /signals/v1/haarlem/monitoring/dashboard/ (JSON)', samples, queries))
        n_signals = signalen.get_model('Signal').objects.count()
        transaction.set_rollback(True)
    return rows, n_signals, in_period, narrow.describe(), connection.vendor


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--signals', type=int, default=100_000, help='signals in the database (seeded once)')
    parser.add_argument('--repeat', type=int, default=5, help='measured runs per row (after one warm-up)')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--sqlite', action='store_true', help='a SQLite file in var/bench/')
    where.add_argument('--database-url', help='use this database (seeded if it has too few signals)')
    parser.add_argument('--pgdata', help='the PostgreSQL cluster folder (default var/bench/pgdata)')
    args = parser.parse_args()

    cluster = None
    if args.database_url:
        url, backend = args.database_url, args.database_url.split(':', 1)[0]
    elif args.sqlite:
        url, backend = f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}", 'sqlite'
    else:
        cluster = PostgresCluster(Path(args.pgdata)) if args.pgdata else PostgresCluster()
        url, backend = cluster.start(), 'postgresql'
    (ROOT / 'var' / 'bench' / 'var').mkdir(parents=True, exist_ok=True)
    try:
        os.environ.update(environment(url))
        count = prepare(args.signals)
        rows, n_signals, in_period, narrow, vendor = measure(args)
    finally:
        if cluster:
            cluster.stop()

    table_rows = []
    for name, samples, queries in rows:
        table_rows.append((name, fmt(statistics.median(samples)), fmt(min(samples)), fmt(max(samples)), queries))
    figures = [statistics.median(samples) for name, samples, _ in rows if name.startswith('figure: ')]
    table_rows.append(('sum of the figures one by one', fmt(sum(figures)), '', '', ''))
    head = (f'monitoring benchmark, {datetime.now():%Y-%m-%d %H:%M}, {vendor}, {n_signals} signals, '
            f'{in_period} reported in the default period (last 12 months); {len(rows[0][1])} runs per row\n'
            f'filtered dashboard: {narrow}\nmachine: {machine()}\n')
    text = head + '\n' + table(table_rows, ['measure', 'p50 ms', 'min ms', 'max ms', 'queries']) + '\n'
    print('\n' + text)
    path = write_result(f'monitoring-{backend}', text)
    print(f'written to {path.relative_to(ROOT)} (database: {count} signals)')


if __name__ == '__main__':
    main()
