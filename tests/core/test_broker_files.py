"""kombu's filesystem transport (the broker of `make run` without Redis) keeps all its files under var/broker/."""

import runpy
from pathlib import Path

from kombu import Connection, Exchange, Queue

ROOT = Path(__file__).resolve().parents[2]


def test_the_filesystem_broker_writes_its_exchange_tables_under_var_broker(tmp_path, monkeypatch):
    # given: the settings of `make run` without Redis, with var/ in a temporary folder, run from elsewhere
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("GEMBA_VAR_DIR", str(tmp_path / "var"))
    settings = runpy.run_path(str(ROOT / "config" / "settings" / "base.py"))
    (tmp_path / "var" / "broker" / "processed").mkdir(parents=True)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    # when: a message is published as Celery does
    exchange = Exchange("celery", type="direct")
    options = settings["CELERY_BROKER_TRANSPORT_OPTIONS"]
    with Connection(settings["CELERY_BROKER_URL"], transport_options=options) as conn:
        producer = conn.Producer()
        producer.publish({"x": 1}, exchange=exchange, routing_key="celery", declare=[Queue("celery", exchange)])

    # then: the exchange table is under var/broker/control, and nothing is written where the process runs
    assert sorted(p.name for p in (tmp_path / "var" / "broker" / "control").iterdir()) == ["celery.exchange"]
    assert list(elsewhere.iterdir()) == []


def test_no_broker_files_at_the_repository_root():
    assert not (ROOT / "control").exists()
