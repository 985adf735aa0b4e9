"""Label Studio's bulk import, the peer `bench import` is measured against (issue #33).

Starts Label Studio (the venv `scripts/prepare-label-studio` makes) on a loopback port
with a fresh data directory and its telemetry off, creates a text project, imports
REQUESTS requests of LINES tasks through `POST /api/projects/{id}/import` (the same
texts `bench import` sends) and prints a Markdown table row like the bench's: rows,
requests, seconds, rows/s and the server's peak resident memory. Run it with the venv's
Python: `python label_studio_import.py [REQUESTS [LINES]]`.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

TOKEN = "tds-bench-0123456789abcdef0123456789abcdef"
START_DEADLINE_S = 600


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read() or b"null")


def wait_until_up(base, server):
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"label-studio exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    sys.exit(f"label-studio did not answer /health within {START_DEADLINE_S} s")


def peak_rss_mib(pid):
    """Peak resident memory of `pid` and its descendants, summed."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def main():
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    venv_bin = os.path.dirname(sys.executable)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        env = dict(
            os.environ,
            COLLECT_ANALYTICS="false",
            LATEST_VERSION_CHECK="false",
            SENTRY_DSN="",
            FRONTEND_SENTRY_DSN="",
            LABEL_STUDIO_BASE_DATA_DIR=data,
        )
        server = subprocess.Popen(
            [
                os.path.join(venv_bin, "label-studio"), "start",
                "--no-browser", "--internal-host", "127.0.0.1", "-p", str(port),
                "--data-dir", data, "--log-level", "ERROR",
                "--username", "bench@example.com", "--password", "bench-password",
                "--user-token", TOKEN, "--enable-legacy-api-token",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(data, "server.log"), "w"),
            start_new_session=True,
        )
        try:
            wait_until_up(base, server)
            project = call(base, "POST", "/api/projects", {
                "title": "bench",
                "label_config": '<View><Text name="text" value="$text"/></View>',
            })
            started = time.monotonic()
            for request in range(requests):
                tasks = [
                    {"text": f"imported row {request}-{i}, with a comma"}
                    for i in range(lines)
                ]
                answer = call(base, "POST", f"/api/projects/{project['id']}/import", tasks)
                if answer.get("task_count") != lines:
                    sys.exit(f"import {request}: {answer}")
            seconds = time.monotonic() - started
            rows = requests * lines
            print(
                f"| Label Studio 1.23.2 POST /api/projects/{{id}}/import, text, "
                f"{lines:,} tasks a request | {rows} | {requests} | {seconds:.2f} | "
                f"{rows / seconds:.0f} | {peak_rss_mib(server.pid):.0f} |"
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
