"""The pages a review's figures click through to: the entries behind each number."""

from functools import lru_cache

from django.urls import reverse


@lru_cache(maxsize=32)
def _path(name):
    return reverse(name)


def _with(name, **query):
    # Ids, ISO dates and slugs read the same quoted or not (as the board's links).
    shown = "&".join(f"{key}={value}" for key, value in query.items() if value not in (None, ""))
    return f"{_path(name)}?{shown}" if shown else _path(name)


def _period(start, end):
    if start is None:
        return {}
    return {"period": "custom", "start": start.isoformat(), "end": end.isoformat() if end else None}


def feed(*, start=None, end=None, **query):
    """The log's entries (of a leader, kind, location or region) in [start, end]."""
    return _with("engagements:feed", **_period(start, end), **query)


def learnings(*, theme, start, end):
    return _with("insights:learning_feed", theme=theme, **_period(start, end))


def all_learnings(*, start, end):
    return _with("insights:learning_feed", **_period(start, end))


def learning(pk):
    return reverse("insights:learning_detail", args=[pk])


def executive(pk):
    return _with("dashboards:executive", leader=pk)


def action(pk):
    return reverse("insights:action_detail", args=[pk])


def pilot(pk):
    return reverse("insights:pilot_detail", args=[pk])


def scores(*, metric, location=None, region=None):
    return _with("insights:score_list", metric=metric, location=location, region=region)
