"""Real processes for the fault tests: each test gets its own Redis (and, when it restarts it,
its own PostgreSQL), and runs gunicorn, Celery workers and beats as `make run` does, so killing
any of them never disturbs the rest of the suite. Everything listens on loopback only.

Emails go to files (Django's file backend, one message after another), so a test counts what
was really sent, including what a worker sent just before it was killed.
"""

from __future__ import annotations

import email
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from mach.launch import BASE_DIR, _free_port, service_commands, start_redis
from mach.models import User
from tests.conftest import database_url, wait_for

MESSAGE_SEPARATOR = "\n" + "-" * 79 + "\n"


class Services:
    """Redis, web, workers and beats of one test, with their logs in the test's folder."""

    def __init__(self, folder: Path, database: str) -> None:
        self.folder = folder
        self.redis_port = _free_port()
        self.web_port = _free_port()
        self.web_ports: list[int] = []
        self.mail = folder / "mail"
        self.mail.mkdir()
        self.env = {
            **os.environ,
            "DATABASE_URL": database,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "DEBUG": "1",
            "PYTHONPATH": str(BASE_DIR),
            "EMAIL_BACKEND": "tests.faults.mail.FileBackend",
            "EMAIL_FILE_PATH": str(self.mail),
            "SWEEP_INTERVAL": "2",
            "ALERT_DELIVERY_CLAIM_TIMEOUT": "3",
        }
        self.redis: subprocess.Popen[bytes] | None = None
        self.processes: list[subprocess.Popen[bytes]] = []
        self.beats = 0

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start_redis(self) -> None:
        self.redis = start_redis(self.redis_port, self.folder / "redis")

    def kill_redis(self) -> None:
        assert self.redis is not None
        self.redis.kill()
        self.redis.wait(timeout=10)

    def _start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("ab")
        # Its own process group, so that killing it kills its pool children too.
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start_web(self, workers: int = 2) -> subprocess.Popen[bytes]:
        """A web service: the first on `web_port`, each further one on a port of its own."""
        port = _free_port() if self.web_ports else self.web_port
        self.web_ports.append(port)
        command = service_commands(self.folder / "unused", f"127.0.0.1:{port}")["web"]
        command[command.index("--workers") + 1] = str(workers)
        name = "web" if len(self.web_ports) == 1 else f"web-{len(self.web_ports)}"
        process = self._start(name, command)
        wait_for(lambda: self._web_answers(port), 60, "gunicorn answering")
        return process

    def _web_answers(self, port: int) -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in/", timeout=2).close()
        except OSError:
            return False
        return True

    def start_worker(self, name: str = "worker") -> subprocess.Popen[bytes]:
        command = service_commands(self.folder / "unused")["worker"]
        return self._start(name, [*command, "--hostname", f"{name}@%h"])

    def start_beat(self) -> subprocess.Popen[bytes]:
        self.beats += 1
        command = service_commands(self.folder / f"beat-{self.beats}.schedule")["beat"]
        return self._start(f"beat-{self.beats}", command)

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if self.redis is not None and self.redis.poll() is None:
            self.kill_redis()

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def emails(self) -> Counter[str]:
        """How many emails went out with each subject."""
        subjects: Counter[str] = Counter()
        for path in self.mail.iterdir():
            for raw in path.read_text().split(MESSAGE_SEPARATOR):
                if raw.strip():
                    subject = email.message_from_string(raw)["Subject"]
                    # Long subjects are folded onto a second line; unfold them.
                    subjects[re.sub(r"\r?\n(?=[ \t])", "", subject)] += 1
        return subjects

    def api(
        self,
        method: str,
        path: str,
        token: str,
        body: dict[str, Any] | None = None,
        *,
        web: int = 0,
        extra_headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any], dict[str, str], float]:
        """Status, JSON body, headers and seconds taken of one API request to web service
        number `web` (in the order started)."""
        port = self.web_ports[web] if self.web_ports else self.web_port
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                **(extra_headers or {}),
            },
        )
        start = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, content, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, content, headers = error.code, error.read(), error.headers
        seconds = time.monotonic() - start
        is_json = headers.get("Content-Type", "").startswith("application/json")
        return status, json.loads(content) if is_json else {}, dict(headers), seconds


@contextmanager
def running_services(folder: Path, database: str) -> Iterator[Services]:
    running = Services(folder, database)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def services(tmp_path: Path, transactional_db: None) -> Iterator[Services]:
    """Processes working on the test database."""
    with running_services(tmp_path, database_url()) as running:
        yield running
    # Shown by pytest only when the test fails: what each process said last.
    for log in sorted(tmp_path.glob("*.log")):
        lines = log.read_text(errors="replace").splitlines()
        print(f"===== {log.name}: last {min(len(lines), 80)} of {len(lines)} lines =====")
        print("\n".join(lines[-80:]))


@pytest.fixture
def alert_recipients(make_user: Callable[..., User]) -> None:
    """The intake team's manager, and its service manager, to whom escalations go (not to the
    manager again)."""
    make_user("manager", username="duty.manager")
    make_user("service_manager", username="head.of.service")
