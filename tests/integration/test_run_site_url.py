"""`make run PORT=...` (scripts/run.sh): the emails its worker sends link to the port actually served."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CREATE_INVITATION = """
from apps.accounts.models import User
from apps.organizations import services
from apps.organizations.models import Membership, Organization
org = Organization.objects.create(name="Port Test", slug="port-test")
admin = Membership.objects.create(organization=org, user=User.objects.create_user(email="a@example.com"), role="admin")
services.invitation_create(organization=org, email="new@example.com", role="executive", invited_by=admin)
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop_group(pgid, grace=10.0):
    """A worker still in its warm shutdown after `grace` seconds is killed: nothing of the test outlives it."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(pgid, signal.SIGKILL)


def test_run_sh_on_another_port_sends_links_to_that_port(tmp_path):
    # given: the embedded defaults of `make run` (SQLite, filesystem broker) in a temporary var/, no SITE_URL
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SITE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'gemba.sqlite3'}",
        GEMBA_VAR_DIR=str(tmp_path),
    )
    (tmp_path / "broker" / "processed").mkdir(parents=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*manage, "createcachetable"], cwd=ROOT, env=env, check=True, capture_output=True)
    # an invitation waiting on the queue for the worker run.sh starts
    subprocess.run([*manage, "shell", "-c", CREATE_INVITATION], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()

    # when: the site is served on that port with its worker and beat
    site = subprocess.Popen(
        ["bash", "scripts/run.sh", "127.0.0.1", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log = tmp_path / "log" / "worker.log"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and "/invitations/accept/" not in (log.read_text() if log.exists() else ""):
            time.sleep(0.5)
        worker_output = log.read_text()
    finally:
        os.killpg(site.pid, signal.SIGTERM)  # what Ctrl-C does: run.sh's trap stops the three
        banner = site.communicate(timeout=30)[0].decode()
        _stop_group(site.pid)

    # then: the emailed link is on the served port, and the banner says so
    links = re.findall(r"http://[^/\s]+/org/invitations/accept/", worker_output)
    assert links, worker_output[-2000:]
    assert set(links) == {f"http://127.0.0.1:{port}/org/invitations/accept/"}
    assert f"Links in emails:   http://127.0.0.1:{port}/" in banner
