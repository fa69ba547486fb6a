"""Change history (django-simple-history) for display: who changed what, and when. Generic: no domain code.

Writing: a model opts in with `history = HistoricalRecords(excluded_fields=["updated_at"])`. Services name who
made each write with `with_history_user(instance, user)` before `save()`/`delete()` (web requests also get
the user from simple_history's HistoryRequestMiddleware; Celery tasks and commands do not). Bulk writes go
through `simple_history.utils.bulk_create_with_history` / `bulk_update_with_history` with `default_user`;
a queryset `.update()` escapes the record (`.delete()` does not: Django sends `post_delete` per row),
so don't use `.update()` on a model with history.

Reading: `history_entries(instance)` -> newest first, for `templates/includes/history.html`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from .formatting import when

# Bookkeeping, not something a reader changed.
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "organization", "client_uuid"})
ACTIONS = {
    "+": pgettext_lazy("history", "Created"),
    "~": pgettext_lazy("history", "Changed"),
    "-": pgettext_lazy("history", "Deleted"),
}
SYSTEM = gettext_lazy("System")
EMPTY = "—"


class Change(NamedTuple):
    field: str  # the field's label
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)


def with_history_user(instance, user):
    """Record `user` as the author of the next save()/delete() of `instance`. Returns the instance."""
    instance._history_user = user
    return instance


def history_entries(instance, *, limit=30):
    """The latest `limit` history records of `instance`, newest first, each diffed against the one before.

    A constant number of queries whatever the number of records: one for the records and their users,
    plus one per related model whose foreign key changed. A save that changed no shown field is left out.
    """
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    m2m_fields = list(getattr(instance.history.model, "_history_m2m_fields", []))
    hidden = HIDDEN_FIELDS | {f.name for f in m2m_fields}
    m2m_changes = _m2m_changes(records, m2m_fields)
    diffs = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type != "+":
            changes = record.diff_against(previous, excluded_fields=hidden).changes
        extra = m2m_changes.get(record.pk, [])
        if record.history_type == "~" and not changes and not extra:
            continue
        diffs.append((record, changes, extra))

    model_fields = {f.name: f for f in instance.history.model._meta.fields}
    related = _related_objects(diffs, model_fields)
    order = {f.name: i for i, f in enumerate(instance._meta.fields)}  # the model's own field order
    entries = []
    for record, changes, extra in diffs:
        shown = [
            Change(
                capfirst(model_fields[c.field].verbose_name),
                _display(model_fields[c.field], c.old, related),
                _display(model_fields[c.field], c.new, related),
            )
            for c in sorted(changes, key=lambda c: order.get(c.field, len(order)))
        ] + extra
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_who(record.history_user),
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=shown,
            )
        )
    return entries


def _m2m_changes(records, m2m_fields):
    """{history id: [Change]} for many-to-many fields (e.g. the learnings an action answers): what was added
    and removed since the record before. One query per field for the snapshots, one for the named objects."""
    out = {}
    if not records:
        return out
    ids = [record.pk for record in records]
    for m2m_field in m2m_fields:
        m2m_model = getattr(records[0].__class__, m2m_field.name).model  # the snapshot rows per record
        target = m2m_field.remote_field.model
        target_column = m2m_field.m2m_reverse_name()  # e.g. "learning_id"
        snapshots = {pk: set() for pk in ids}
        for history_id, target_id in m2m_model.objects.filter(history_id__in=ids).values_list(
            "history_id", target_column
        ):
            snapshots[history_id].add(target_id)
        pairs = []
        for index, record in enumerate(records[:-1]):
            before, after = snapshots[records[index + 1].pk], snapshots[record.pk]
            if before != after:
                pairs.append((record.pk, after - before, before - after))
        named = target._base_manager.in_bulk({pk for _, added, removed in pairs for pk in added | removed})
        label = capfirst(m2m_field.verbose_name)
        for history_id, added, removed in pairs:
            old = gettext("removed: %(names)s") % {"names": _names(named, removed)} if removed else EMPTY
            new = gettext("added: %(names)s") % {"names": _names(named, added)} if added else EMPTY
            out.setdefault(history_id, []).append(Change(label, old, new))
    return out


def _names(objects, pks):
    return "; ".join(str(objects[pk])[:80] if pk in objects else _deleted(pk) for pk in sorted(pks))


def _deleted(pk):
    return gettext("#%(id)s (deleted)") % {"id": pk}


def _who(user):
    if user is None:
        return SYSTEM
    return getattr(user, "full_name", "") or getattr(user, "email", "") or str(user)


def _related_objects(diffs, model_fields):
    """{related model: {pk: object}} for every foreign key value in the diffs: one query per related model."""
    wanted = {}
    for _, changes, _extra in diffs:
        for change in changes:
            model_field = model_fields[change.field]
            if model_field.is_relation and model_field.many_to_one:
                ids = wanted.setdefault(model_field.related_model, set())
                ids.update(v for v in (change.old, change.new) if v is not None)
    loaded = {}
    for related_model, ids in wanted.items():
        # Their own foreign keys come along, so a __str__ that names them costs no extra query.
        joins = [f.name for f in related_model._meta.concrete_fields if f.is_relation and f.many_to_one]
        loaded[related_model] = related_model._base_manager.select_related(*joins).in_bulk(ids)
    return loaded


def _display(model_field, value, related):
    if value is None or value == "":
        return EMPTY
    if model_field.is_relation and model_field.many_to_one:
        obj = related.get(model_field.related_model, {}).get(value)
        return str(obj) if obj is not None else _deleted(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return when(value, "datetime")
    if isinstance(value, date):
        return when(value, "date")
    if isinstance(model_field, models.DecimalField):
        return f"{value:f}"
    return str(value)
