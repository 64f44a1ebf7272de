"""Small pieces the benchmarks share: a persistent PostgreSQL cluster, a gunicorn server, an HTTP
client that times requests, percentiles and the result table."""
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / 'var' / 'bench'
PYTHON = str(ROOT / '.venv' / 'bin' / 'python')


#: How the benchmarks' servers accept bearer tokens: a shared HS256 secret, with the audience and issuer
#: the API requires of this deployment's own tokens (see staff_token).
SECRET = 'bench-and-load-test-only-secret-of-enough-length'
AUTH_ENV = {'JWT_HS256_SECRET': SECRET, 'OIDC_AUDIENCE': 'signals-bench', 'OIDC_ISSUER': 'http://127.0.0.1/bench'}


def staff_token(email, lifetime_seconds=24 * 3600):
    """A bearer token for `email` that a server started with AUTH_ENV accepts."""
    import jwt
    now = int(time.time())
    claims = {'email': email, 'email_verified': True, 'sub': email, 'iat': now, 'exp': now + lifetime_seconds,
              'aud': AUTH_ENV['OIDC_AUDIENCE'], 'iss': AUTH_ENV['OIDC_ISSUER']}
    return jwt.encode(claims, SECRET, algorithm='HS256')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _pg_bin():
    candidates = sorted(Path('/usr/lib/postgresql').glob('*/bin'), key=lambda p: [int(x) for x in p.parent.name.split('.') if x.isdigit()])
    if candidates:
        return candidates[-1]
    found = shutil.which('pg_ctl')
    if found:
        return Path(found).parent
    sys.exit('PostgreSQL server binaries not found (apt-get install postgresql)')


class PostgresCluster:
    """A PostgreSQL cluster from the local binaries, on loopback.

    By default the one in var/bench/pgdata, kept between runs (so the seeded data is). If that cluster
    is already running (another benchmark uses it), it is joined; the last run to leave stops it. With
    `path` elsewhere (e.g. a temporary folder) and `throwaway=True` it is made fast and unsafe
    (no fsync) for tests. `restart()`, `stop_server()` and `start_server()` keep the port, for fault tests.
    """

    def __init__(self, path=VAR / 'pgdata', throwaway=False):  # noqa: B008
        self.path = Path(path)
        self.dir = self.path.parent
        self.bin = _pg_bin()
        self.throwaway = throwaway
        self.port = None
        self.started_here = False
        self.as_user = []
        if os.geteuid() == 0:
            owner = 'postgres'
            try:
                subprocess.run(['id', '-u', owner], check=True, capture_output=True)
            except subprocess.CalledProcessError:
                owner = 'nobody'
            self.as_user = ['runuser', '-u', owner, '--']
            self.owner = owner

    def _run(self, *args, **kwargs):
        return subprocess.run([*self.as_user, *args], check=True, **kwargs)

    def running_port(self):
        """The port of this cluster's running server, or None."""
        try:
            lines = (self.path / 'postmaster.pid').read_text().splitlines()
            os.kill(int(lines[0]), 0)
            return int(lines[3])
        except (OSError, ValueError, IndexError):
            return None

    def _options(self):
        opts = (f'-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=100 '
                f'-c synchronous_commit=off')
        if self.throwaway:
            return opts + ' -c fsync=off -c full_page_writes=off -c shared_buffers=64MB'
        return opts + ' -c shared_buffers=512MB -c work_mem=32MB'

    def start_server(self):
        self._run(str(self.bin / 'pg_ctl'), '-D', str(self.path), '-l', str(self.dir / 'pg.log'), '-w', '-t', '120',
                  '-o', self._options(), 'start', stdout=subprocess.DEVNULL)

    def stop_server(self, mode='fast'):
        subprocess.run([*self.as_user, str(self.bin / 'pg_ctl'), '-D', str(self.path), '-m', mode, '-w', 'stop'],
                       capture_output=True)

    def restart(self, mode='fast'):
        self.stop_server(mode)
        self.start_server()

    def start(self, database='signals_bench'):
        """Start (or join) the cluster and make sure `database` exists; returns its URL.

        Several runs may share the kept cluster (e.g. bench/run.py and bench/triage_bench.py started by
        different people): each registers its process under <dir>/users/, and the last one to leave
        stops the server (see stop())."""
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            subprocess.run(['chown', self.owner, str(self.dir)], check=True)
            os.chmod(self.dir, 0o755)
        with self._locked():
            self.port = self.running_port()
            if self.port is None:
                if not (self.path / 'PG_VERSION').exists():
                    self._run(str(self.bin / 'initdb'), '-D', str(self.path), '-U', 'postgres', '-A', 'trust', '-E',
                              'UTF8', '--locale=C.UTF-8', *(['--no-sync'] if self.throwaway else []),
                              stdout=subprocess.DEVNULL)
                self.port = free_port()
                self.start_server()
            self.started_here = True
            self._users().mkdir(exist_ok=True)
            (self._users() / str(os.getpid())).touch()
        self.psql(f'CREATE DATABASE {database}', check=False)
        return self.url(database)

    def _users(self):
        return self.dir / f'{self.path.name}.users'

    def _locked(self):
        import contextlib
        import fcntl

        @contextlib.contextmanager
        def lock():
            with open(self.dir / f'{self.path.name}.lock', 'w') as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        return lock()

    def _other_users(self):
        alive = []
        for entry in self._users().glob('*') if self._users().exists() else []:
            try:
                pid = int(entry.name)
                if pid != os.getpid():
                    os.kill(pid, 0)
                    alive.append(pid)
            except (ValueError, ProcessLookupError):
                entry.unlink(missing_ok=True)
            except PermissionError:
                alive.append(entry.name)
        return alive

    def url(self, database='signals_bench'):
        return f'postgres://postgres@127.0.0.1:{self.port}/{database}'

    def psql(self, sql, database='postgres', check=True):
        """Run SQL with psql; returns its output (unaligned, tuples only)."""
        result = subprocess.run([*self.as_user, str(self.bin / 'psql'), '-h', '127.0.0.1', '-p', str(self.port),
                                 '-U', 'postgres', '-d', database, '-tA', '-c', sql], capture_output=True, text=True)
        if check and result.returncode:
            raise RuntimeError(f'psql failed: {result.stderr}')
        return result.stdout.strip()

    def stop(self):
        """Leave the cluster: the server stops when no other registered run still uses it."""
        if not self.started_here:
            return
        with self._locked():
            (self._users() / str(os.getpid())).unlink(missing_ok=True)
            if not self._other_users():
                self.stop_server()
        self.started_here = False


class Server:
    """The standalone backend under gunicorn on loopback."""

    def __init__(self, env, workers=2, threads=2, keep_alive=75, timeout=60, log=None):
        self.log = log  # a file for gunicorn's output (default: this process's stdout/stderr)
        self.port = free_port()
        self.env = env
        self.workers, self.threads = workers, threads
        # Keep-alive as behind a proxy (gunicorn's default of 2 s would close the clients' idle connections).
        self.keep_alive, self.timeout = keep_alive, timeout
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [str(ROOT / '.venv' / 'bin' / 'gunicorn'), 'config.wsgi', '--bind', f'127.0.0.1:{self.port}',
             '--workers', str(self.workers), '--threads', str(self.threads), '--log-level', 'warning',
             '--keep-alive', str(self.keep_alive), '--timeout', str(self.timeout)],
            cwd=ROOT, env=self.env, start_new_session=True,
            **({'stdout': open(self.log, 'ab'), 'stderr': subprocess.STDOUT} if self.log else {}))
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=2)
                conn.request('GET', '/signals/')
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit('gunicorn did not come up')

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


class Client:
    """Keep-alive HTTP client that times each request (milliseconds)."""

    def __init__(self, port, token=None):
        self.conn = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
        self.headers = {'Accept': 'application/json', 'Content-Type': 'application/json'}
        if token:
            self.headers['Authorization'] = f'Bearer {token}'

    def call(self, method, path, body=None):
        payload = json.dumps(body).encode() if body is not None else None
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=payload, headers=self.headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            raise
        elapsed = (time.perf_counter() - start) * 1000
        return response.status, data, elapsed


def percentiles(samples):
    if not samples:
        return None, None
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return p(0.50), p(0.95)


def run_parallel(clients, seconds, work):
    """Run work(client, i) in one thread per client for `seconds`; returns (count, errors, samples)."""
    stop = time.time() + seconds
    counts, errors, samples = [0] * len(clients), [0] * len(clients), []
    lock = threading.Lock()

    def loop(idx, client):
        i = 0
        while time.time() < stop:
            status, _, ms = work(client, i)
            i += 1
            with lock:
                samples.append(ms)
            if status >= 500:
                errors[idx] += 1
            counts[idx] += 1

    threads = [threading.Thread(target=loop, args=(i, c)) for i, c in enumerate(clients)]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts), sum(errors), samples, time.time() - started


def stop_on_sigterm():
    """Turn SIGTERM into SystemExit, so that `finally:` blocks stop gunicorn and leave the cluster."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    mem = ''
    try:
        kb = int(Path('/proc/meminfo').read_text().split()[1])
        mem = f'{kb / 1024 / 1024:.0f} GiB'
    except (OSError, ValueError, IndexError):
        pass
    return f'{os.cpu_count()} cores, {cpu}, {mem}, Python {platform.python_version()}'


def table(rows, headers):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = '| ' + ' | '.join(h.ljust(w) for h, w in zip(headers, widths)) + ' |'
    sep = '| ' + ' | '.join('-' * w for w in widths) + ' |'
    body = ['| ' + ' | '.join(str(c).ljust(w) for c, w in zip(row, widths)) + ' |' for row in rows]
    return '\n'.join([line, sep, *body])


def write_result(name, text):
    out = ROOT / 'bench' / 'results'
    out.mkdir(parents=True, exist_ok=True)
    path = out / f'{datetime.now():%Y-%m-%d}-{name}.md'
    path.write_text(text)
    return path


def fmt(ms):
    return '-' if ms is None else f'{ms:.1f}'


__all__ = ['PostgresCluster', 'Server', 'Client', 'percentiles', 'run_parallel', 'machine', 'table',
           'stop_on_sigterm', 'write_result', 'fmt', 'free_port', 'statistics', 'ROOT', 'PYTHON']
