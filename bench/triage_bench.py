#!/usr/bin/env python
"""Triage benchmark: one triage decision against 50 rules on a 100k-signal database.

    .venv/bin/python bench/triage_bench.py            # PostgreSQL (the cluster in var/bench/, as make bench)
    .venv/bin/python bench/triage_bench.py --sqlite   # a SQLite file in var/bench/
    .venv/bin/python bench/triage_bench.py --database-url postgres://...   # any database

Seeds the database with --signals demo signals unless they are there (`seed_demo --fast`, which also
makes their triage decisions; kept in var/bench/ for the next run, shared with bench/run.py), adds the
rules up to --rules (the fixtures' starter rules plus generated ones of every kind), then measures in
one transaction that is rolled back at the end, so the database is left as it was:

- decide: what the triage decides for a signal (load it, evaluate the rules in order, including the
  repeat-spot, repeat-reporter and parent/child lookups), no writes;
- re-triage: `services.triage_signal` on an existing open signal (decide, compare with the current
  decision, write a new one and the effects in Signalen when it changed);
- first triage: `services.triage_signal` on a new signal (decide, write the decision and the current
  lane, route to the team and add the note through Signal.actions).

Prints a table (decisions/s, p50/p95 ms of wall-clock time, and of this process's CPU time, which on
a busy shared machine shows what a decision costs without the waiting) and the query plan of the
repeat-spot lookup, and writes the table to bench/results/. Figures, not tests: nothing fails on a slow run. Target: p95 of a decision
under 5 ms on SQLite and PostgreSQL.
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import AUTH_ENV, ROOT, PostgresCluster, fmt, machine, percentiles, table, write_result  # noqa: E402


def environment(database_url):
    return {**os.environ, 'DJANGO_SETTINGS_MODULE': 'config.settings.standalone', 'DATABASE_URL': database_url,
            'VAR_DIR': str(ROOT / 'var' / 'bench' / 'var'),
            'EMAIL_BACKEND': 'django.core.mail.backends.dummy.EmailBackend',
            'DEBUG': 'false', 'LOG_LEVEL': 'WARNING', 'CELERY_BROKER_URL': '', **AUTH_ENV}


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


def make_rules(count, rng):
    """Active rules up to `count`: the starter set plus generated rules of every kind that rarely match,
    so most signals are evaluated against all of them (the expensive case)."""
    from signals_haarlem import signalen
    from signals_haarlem.triage import rules as kinds
    from signals_haarlem.triage.models import Lane, Rule

    lanes = list(Lane.objects.filter(is_active=True))
    Category = signalen.get_model('Category')
    subs = [f'{parent}/{slug}' for slug, parent in
            Category.objects.filter(parent__isnull=False).values_list('slug', 'parent__slug')]
    mains = list(Category.objects.filter(parent__isnull=True).values_list('slug', flat=True))
    words = ['vuurwerkbom', 'brandgevaar', 'rioollucht', 'asbestplaat', 'wespennest', 'zinkgat', 'gaslucht',
             'stroomkabel', 'omgewaaid', 'scootmobiel', 'invalidenparkeerplaats', 'mantelzorger', 'verzakt*',
             'overstroming', 'loszittend', 'rattenplaag', 'naald*', 'drugsafval', 'lachgas', 'kapotte stoeptegel']

    def square(lon, lat, size=0.002):
        return {'type': 'Polygon', 'coordinates': [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                    [lon, lat + size], [lon, lat]]]}

    generators = [
        lambda i: ('type', {'types': [rng.choice(['PRJ', 'MAI', 'QUE'])]}),
        lambda i: ('priority', {'priorities': ['high'], 'categories': rng.sample(mains, 2)}),
        lambda i: ('keywords', {'keywords': rng.sample(words, 3), 'match': rng.choice(['any', 'all'])}),
        lambda i: ('category', {'categories': rng.sample(subs, 2)}),
        lambda i: ('area', {'geometry': square(4.58 + rng.random() * 0.02, 52.34 + rng.random() * 0.01),
                            'name': f'Gebied {i}'}),
        lambda i: ('repeat_spot', {'min_count': rng.choice([6, 8]), 'radius_m': rng.choice([25, 40, 75]),
                                   'days': rng.choice([14, 30, 60]), 'categories': rng.sample(mains, 2)}),
        lambda i: ('repeat_reporter', {'min_count': rng.choice([8, 12]), 'days': rng.choice([60, 90])}),
        lambda i: ('parent_child', {'role': 'child'}),
    ]
    active = Rule.objects.filter(is_active=True).count()
    made = 0
    i = 0
    while active + made < count:
        kind, params = generators[i % len(generators)](i)
        params = kinds.get_kind(kind).validate(params)
        Rule.objects.create(name=f'bench {i:02d} {kind}', kind=kind, params=params, lane=rng.choice(lanes),
                            order=1000 + i)
        made += 1
        i += 1
    return Rule.objects.filter(is_active=True).count()


def explain_repeat_spot(signal):
    """The query plans of the repeat-spot lookup for one signal (location box, then its signals)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from signals_haarlem import signalen
    with CaptureQueriesContext(connection) as ctx:
        signalen.nearby_signals(signal, 50, 30)
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            prefix = 'EXPLAIN QUERY PLAN ' if connection.vendor == 'sqlite' else 'EXPLAIN '
            cursor.execute(prefix + query['sql'])
            rows = [str(row[-1] if connection.vendor == 'sqlite' else row[0]) for row in cursor.fetchall()]
            plans.append(' | '.join(row.strip() for row in rows))
    return plans


def timed(function, items):
    """Wall-clock and CPU milliseconds per call (CPU time of this process: on SQLite that includes the
    database's work and leaves out waiting for other processes on a busy machine)."""
    samples, cpu = [], []
    started = time.perf_counter()
    for item in items:
        t0, c0 = time.perf_counter(), time.process_time()
        function(item)
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return (samples, cpu), time.perf_counter() - started


def measure(args):
    from django.db import connection, transaction

    from signals_haarlem import signalen
    from signals_haarlem.triage import engine, services

    rng = random.Random(7)
    Signal = signalen.get_model('Signal')
    rows, notes = [], []
    with transaction.atomic():
        n_rules = make_rules(args.rules, rng)
        engine.clear_cache()
        ruleset = engine.current()
        n_signals = Signal.objects.count()
        open_ids = list(Signal.objects.exclude(status__state__in=signalen.CLOSED_STATES).values_list('pk', flat=True))
        all_ids = list(Signal.objects.values_list('pk', flat=True))
        sample_all = rng.sample(all_ids, min(args.decisions, len(all_ids)))
        sample_open = rng.sample(open_ids, min(args.decisions, len(open_ids)))

        plans = explain_repeat_spot(services.load_signal(sample_open[0]))

        # Warm up (connections, caches) on signals not measured.
        for pk in rng.sample(all_ids, 50):
            services.decide(pk, ruleset)

        samples, seconds = timed(lambda pk: services.decide(pk, ruleset), sample_all)
        rows.append(('decide (rules only, no writes)', len(sample_all), samples, seconds))

        samples, seconds = timed(lambda pk: services.triage_signal(pk, 'reconcile', ruleset=ruleset), sample_open)
        rows.append(('re-triage an open signal', len(sample_open), samples, seconds))

        # New signals through Signal.actions (not timed; their hooks wait for a commit that never comes).
        from signals_haarlem.core.seed import Planner  # realistic places, categories and reporters
        fresh = []
        plans_iter = Planner(args.new, seed=99).plans()
        for plan in plans_iter:
            signal = Signal.actions.create_initial(
                {'text': plan.text, 'incident_date_start': plan.incident_date_start, 'source': plan.source},
                {**plan.location, 'geometrie': {'type': 'Point', 'coordinates': [plan.lon, plan.lat]}},
                {'state': 'm'}, {'category': plan.category}, dict(plan.reporter), {'priority': plan.priority},
                {'name': plan.type_code})
            fresh.append(signal.pk)
        samples, seconds = timed(lambda pk: services.triage_signal(pk, 'create', ruleset=ruleset), fresh)
        rows.append(('first triage of a new signal (+ routing, note)', len(fresh), samples, seconds))
        transaction.set_rollback(True)
    return rows, plans, n_rules, n_signals, connection.vendor


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--signals', type=int, default=100_000, help='signals in the database (seeded once)')
    parser.add_argument('--rules', type=int, default=50, help='active rules during the measurement')
    parser.add_argument('--decisions', type=int, default=1000, help='decisions per figure')
    parser.add_argument('--new', type=int, default=300, help='new signals for the first-triage figure')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--sqlite', action='store_true', help='a SQLite file in var/bench/')
    where.add_argument('--database-url', help='use this database (seeded if it has too few signals)')
    parser.add_argument('--sqlite-cache-mb', type=int, default=0,
                        help='SQLite only: give each connection this much page cache and memory-mapped I/O '
                             '(PRAGMA cache_size, mmap_size); 0: as configured')
    args = parser.parse_args()

    cluster = None
    if args.database_url:
        url, backend = args.database_url, args.database_url.split(':', 1)[0]
    elif args.sqlite:
        url, backend = f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}", 'sqlite'
    else:
        cluster = PostgresCluster()
        url, backend = cluster.start(), 'postgresql'
    (ROOT / 'var' / 'bench' / 'var').mkdir(parents=True, exist_ok=True)
    env = environment(url)
    try:
        os.environ.update(env)
        if args.sqlite_cache_mb:
            from django.db.backends.signals import connection_created

            def pragmas(sender, connection, **kwargs):
                if connection.vendor == 'sqlite':
                    with connection.cursor() as cursor:
                        cursor.execute(f'PRAGMA cache_size=-{args.sqlite_cache_mb * 1024}')
                        cursor.execute(f'PRAGMA mmap_size={args.sqlite_cache_mb * 1024 * 1024}')
            connection_created.connect(pragmas, weak=False)
        count = prepare(args.signals)
        rows, plans, n_rules, n_signals, vendor = measure(args)
    finally:
        if cluster:
            cluster.stop()

    table_rows = []
    for name, n, (samples, cpu), seconds in rows:
        p50, p95 = percentiles(samples)
        cpu50, cpu95 = percentiles(cpu)
        table_rows.append((name, n, f'{n / seconds:.0f}', fmt(p50), fmt(p95), f'{max(samples):.1f}',
                           f'{statistics.mean(samples):.2f}', fmt(cpu50), fmt(cpu95)))
    cache = f', SQLite page cache and mmap {args.sqlite_cache_mb} MB' if args.sqlite_cache_mb else ''
    head = (f'triage benchmark, {datetime.now():%Y-%m-%d %H:%M}, {vendor}{cache}, {n_signals} signals, {n_rules} '
            f'active rules\nmachine: {machine()}, load average {os.getloadavg()[0]:.1f}\n')
    text = (head + '\n' + table(table_rows, ['measure', 'n', 'decisions/s', 'p50 ms', 'p95 ms', 'max ms', 'mean ms',
                                         'CPU p50 ms', 'CPU p95 ms'])
            + '\n\nrepeat-spot lookup (50 m, 30 days), query plans:\n' + '\n'.join(f'  {i + 1}. {plan}'
                                                                                  for i, plan in enumerate(plans))
            + '\n')
    print('\n' + text)
    path = write_result(f'triage-{backend}' + ('-cached' if args.sqlite_cache_mb else ''), text)
    print(f'written to {path.relative_to(ROOT)} (database: {count} signals)')


if __name__ == '__main__':
    main()
