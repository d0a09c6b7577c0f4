"""`make run`'s supervisor: a crashed process (or Redis) is started again; SIGTERM stops all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from mach import launch
from tests.conftest import wait_for

BASE_DIR = Path(__file__).resolve().parents[2]


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_crashed_process_is_restarted_and_sigterm_stops_everything(tmp_path: Path) -> None:
    crashes, steady = tmp_path / "crashes", tmp_path / "steady"
    record_pid = "import os, sys; open(sys.argv[1], 'a').write(f'{os.getpid()}\\n')"
    crashing = [record_pid + "; sys.exit(3)", str(crashes)]
    lasting = [record_pid + "; import time; time.sleep(120)", str(steady)]
    script = (
        "import os, sys\n"
        "from mach.launch import _supervise\n"
        "commands = {\n"
        f"    'crashing': [sys.executable, '-c', *{crashing!r}],\n"
        f"    'steady': [sys.executable, '-c', *{lasting!r}],\n"
        "}\n"
        "sys.exit(_supervise(dict(os.environ), commands, first_delay=0.1, longest_delay=0.4))\n"
    )
    supervisor = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: len(_lines(crashes)) >= 3, 20, "two restarts")
        assert supervisor.poll() is None
        (steady_pid,) = map(int, _lines(steady))
        assert _alive(steady_pid)

        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
    output = supervisor.stdout.read() if supervisor.stdout else ""
    assert "crashing exited with 3; starting it again in 0.1 s" in output
    assert "crashing exited with 3; starting it again in 0.2 s" in output
    assert "[mach] stopped" in output
    wait_for(lambda: not _alive(steady_pid), 5, "the steady process stopped")
    assert len(_lines(steady)) == 1


def test_the_embedded_redis_is_started_again_when_it_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launch, "DATA_DIR", tmp_path)

    with launch.embedded_redis() as url:
        client = redis.Redis.from_url(url, socket_timeout=2)
        client.set("kept", "yes")
        first_pid = client.info("server")["process_id"]
        os.kill(first_pid, signal.SIGKILL)

        def answers_again() -> bool:
            try:
                return bool(client.info("server")["process_id"] != first_pid)
            except redis.ConnectionError:
                return False

        wait_for(answers_again, 20, "Redis answering again")
        # Started from its append-only file: what was queued before the kill is still there.
        assert client.get("kept") == b"yes"
        client.close()
