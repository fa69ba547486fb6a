"""The benchmarks' own PostgreSQL databases: created once, reused, rebuilt on request."""

from urllib.parse import urlparse


def prepare_database(url, *, fresh):
    """Create the database `url` names on its server, unless it is there (then reuse it; `fresh` drops it first)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)
        else:
            print(f"reusing database {name} (--fresh rebuilds it)", flush=True)
