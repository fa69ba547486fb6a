"""A second GIN index for the full-text search of learnings, in PostgreSQL's `norwegian` configuration (a
Norwegian organization's learnings are searched in it; an English one's use `learning_search_idx`, 0002).

The expression is exactly what `selectors._search` builds (SearchVector("text", "quote", config="norwegian")),
so the planner can use it. SQLite has no full-text search here and gets nothing.
"""

from django.db import migrations

INDEX = "learning_search_nb_idx"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON engagements_learning USING gin "
    "(to_tsvector('norwegian'::regconfig, COALESCE(text, '') || ' ' || COALESCE(quote, '')))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("insights", "0005_field_labels")]

    operations = [migrations.RunPython(create, drop)]
