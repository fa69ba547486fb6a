"""A GIN index for the full-text search of learnings ("What we learned"), on PostgreSQL only.

The expression is exactly what `selectors._search` builds (SearchVector("text", "quote", config="english")),
so the planner can use it. SQLite has no full-text search here and gets nothing.
"""

from django.db import migrations

INDEX = "learning_search_idx"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON engagements_learning USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(text, '') || ' ' || COALESCE(quote, '')))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("engagements", "0003_history"),
    ]

    operations = [migrations.RunPython(create, drop)]
