"""A throwaway Kalan for the browser test: its own data folder, the demo data, `kalan serve` on a
free port, and a clean stop (the server, then any embedded PostgreSQL left behind)."""

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

# The demo accounts as written in Sources/kalan/Commands/DemoSeedCommand.swift; the seed prints
# them, and what it prints wins.
DEMO_ACCOUNTS = {
    "admin": "kalan-admin-2026",
    "drh": "kalan-drh-2026",
    "formateur": "kalan-formateur-2026",
    "direction": "kalan-direction-2026",
}


class KalanError(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_root():
    return os.geteuid() == 0


def pg_bindir():
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
        if out.returncode == 0 and os.path.exists(os.path.join(out.stdout.strip(), "pg_ctl")):
            return out.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return os.path.dirname(found[-1]) if found else None


def parse_accounts(output):
    """The `username role password` table printed by `kalan db seed --demo`."""
    accounts = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in DEMO_ACCOUNTS and parts[1] in ("admin", "hr", "trainer", "viewer"):
            accounts[parts[0]] = parts[2]
    return accounts


class Kalan:
    """`kalan db seed --demo` then `kalan serve` on a fresh data folder; `stop()` always cleans up."""

    def __init__(self, binary, repo_root, base_dir=None, keep=False, log=print):
        self.binary = os.path.abspath(binary)
        self.repo_root = repo_root
        self.base_dir = base_dir or os.environ.get("KALAN_TEST_DIR") or tempfile.gettempdir()
        self.keep = keep
        self.log = log
        self.data_dir = None
        self.process = None
        self.port = None
        self.accounts = dict(DEMO_ACCOUNTS)
        self.serve_log = None
        self.sample_serial = None  # a demo certificate's serial, printed by the seed
        self.artifacts = None  # a folder to copy the logs into before the data folder goes

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self):
        env = dict(os.environ)
        env.pop("KALAN_DATABASE_URL", None)  # always the embedded server, in our own folder
        env.update(KALAN_DATA_DIR=self.data_dir, KALAN_LOG_LEVEL="warning")
        return env

    def start(self, seed_timeout=180, ready_timeout=60):
        if not os.access(self.binary, os.X_OK):
            raise KalanError(f"no kalan binary at {self.binary} (build it first: swift build)")
        os.makedirs(self.base_dir, exist_ok=True)
        self.data_dir = tempfile.mkdtemp(prefix="kalan-browser-", dir=self.base_dir)
        os.chmod(self.data_dir, 0o755)  # as root, PostgreSQL runs as `postgres` and must walk in
        self.log(f"data folder: {self.data_dir}")
        self.seed(seed_timeout)
        self.serve(ready_timeout)

    def seed(self, timeout):
        started = time.monotonic()
        try:
            done = subprocess.run(
                [self.binary, "db", "seed", "--demo", "--data-dir", self.data_dir, "--log-level", "warning"],
                cwd=self.repo_root, env=self.env(), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise KalanError(f"`kalan db seed --demo` did not finish within {timeout} s")
        with open(os.path.join(self.data_dir, "seed.log"), "w") as f:
            f.write(done.stdout + done.stderr)
        if done.returncode != 0:
            raise KalanError(f"`kalan db seed --demo` failed ({done.returncode}):\n{(done.stdout + done.stderr)[-2000:]}")
        printed = parse_accounts(done.stdout)
        self.accounts.update(printed)
        # Serials are random: the seed prints one demo certificate to verify.
        serial = re.search(r"\b[A-Z]+-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", done.stdout)
        self.sample_serial = serial.group(0) if serial else None
        missing = set(DEMO_ACCOUNTS) - set(printed)
        if missing:
            self.log(f"note: the seed did not print {sorted(missing)}; using the passwords from DemoSeedCommand.swift")
        self.log(f"demo data loaded in {time.monotonic() - started:.1f} s")

    def serve(self, timeout):
        self.port = free_port()
        self.serve_log = os.path.join(self.data_dir, "serve.log")
        log = open(self.serve_log, "w")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--data-dir", self.data_dir, "--port", str(self.port), "--host", "127.0.0.1", "--log-level", "warning"],
            cwd=self.repo_root, env=self.env(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)  # a Ctrl-C in the terminal reaches us, and we stop it properly
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise KalanError(f"`kalan serve` exited with {self.process.returncode}:\n{self.tail()}")
            if self.ready():
                self.log(f"kalan serve ready on {self.url} (pid {self.process.pid})")
                return
            time.sleep(0.25)
        raise KalanError(f"`kalan serve` not ready within {timeout} s:\n{self.tail()}")

    def ready(self):
        try:
            with urllib.request.urlopen(self.url + "/readyz", timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def tail(self, lines=30):
        try:
            with open(self.serve_log, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except (OSError, TypeError):
            return ""

    def stop(self):
        """SIGTERM to `kalan serve` (which stops its PostgreSQL), then whatever is left."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.log("kalan serve ignored SIGTERM for 20 s: killing it")
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process:
            self.log(f"kalan serve stopped (exit {self.process.returncode})")
        if self.data_dir:
            self.stop_postgres()
            if self.artifacts:
                for name in ("seed.log", "serve.log", "postgres.log"):
                    if os.path.exists(os.path.join(self.data_dir, name)):
                        shutil.copy(os.path.join(self.data_dir, name), self.artifacts)
            if self.keep:
                self.log(f"kept data folder {self.data_dir}")
            else:
                shutil.rmtree(self.data_dir, ignore_errors=True)

    def stop_postgres(self):
        cluster = os.path.join(self.data_dir, "postgres")
        if not os.path.exists(os.path.join(cluster, "postmaster.pid")):
            return
        bindir = pg_bindir()
        if not bindir:
            self.log(f"warning: PostgreSQL left running in {cluster} and no pg_ctl found to stop it")
            return
        command = [os.path.join(bindir, "pg_ctl"), "-D", cluster, "-m", "fast", "-w", "-t", "20", "stop"]
        if is_root():
            command = ["runuser", "-u", "postgres", "--"] + command
        self.log("PostgreSQL was left running: pg_ctl stop")
        try:
            subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as e:
            self.log(f"warning: pg_ctl stop failed: {e}")

    def serve_errors(self):
        """Lines of the server log that look like crashes or errors."""
        pattern = re.compile(r"Fatal error|fatal|panic|crash|\berror\b|critical", re.I)
        try:
            with open(self.serve_log, errors="replace") as f:
                return [line.rstrip() for line in f if pattern.search(line)]
        except (OSError, TypeError):
            return []
