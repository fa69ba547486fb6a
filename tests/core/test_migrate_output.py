"""`make run`'s first step reads cleanly to a newcomer: migrate on a fresh SQLite file prints no system checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_migrate_on_a_fresh_sqlite_file_prints_no_warnings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "GEMBA_VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )

    output = result.stdout + result.stderr
    assert "System check identified" not in output
    assert "W040" not in output
    assert output.startswith("Operations to perform:")
