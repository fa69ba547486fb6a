"""Reads for themes, learnings, actions, pilots and customer scores. Everything starts from an organization."""

import re
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, F, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.engagements.models import Learning, LocationMonth
from apps.organizations.models import Location, Membership, Organization

from .models import (
    CLOSED_STATUSES,
    Action,
    ActionNote,
    ActionStatus,
    CustomerScore,
    LearningTheme,
    LoopMonth,
    Pilot,
    Theme,
    ThemeMonth,
    ThemeReview,
)
from .permissions import OWNER_ROLES
from .rollups import loop_figures

# PostgreSQL's text search configuration for an organization's language (its learnings are written in it).
SEARCH_CONFIGS = {"en": "english", "nb": "norwegian"}
DEFAULT_SEARCH_CONFIG = "english"
# Snowball's Norwegian stemmer leaves short words whole ("køen" stays "køen", not "kø"): for Norwegian each
# word of the search also matches as the start of a word ("kø" finds "køen" and "køer").
PREFIX_CONFIGS = frozenset({"norwegian"})
_TOKEN = re.compile(r"\w+", re.UNICODE)
EXAMPLE_CANDIDATES = 50


# --- Themes ---------------------------------------------------------------------------------------------
def theme_list(*, organization):
    """Themes with how many learnings each has."""
    # Explicit order: Meta.ordering is ignored in a GROUP BY query (the Count). [fix by the learnings helper]
    return (
        Theme.objects.for_organization(organization)
        .annotate(learning_count=Count("learning_links"))
        .order_by("name", "id")
    )


def theme_get(*, organization, pk):
    return Theme.objects.for_organization(organization).get(pk=pk)


def themes_by_ids(*, organization, ids):
    return list(Theme.objects.for_organization(organization).filter(pk__in=ids))


# --- Theme suggestions ------------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_STOPWORD_TEXT = """about after again also always amp and any are because been before being both but can could did does
    doing down during each few for from further had has have having her here hers him his how into its
    just more most much not now off once only other our ours out over own same she should some such than
    that the their them then there these they this those through too under until very was were what when
    where which while who whom why will with would you your yours customer customers said told says
    asked store shop really still"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
SIMILAR_CANDIDATES = 400  # earlier themed learnings compared with a page of new ones
SIMILAR_MIN_SHARED = 2  # words two learnings must share to count as similar
SIMILAR_MIN_JACCARD = 0.2
SUGGESTIONS_MAX = 4


def _stem(word):
    """Crude English plural folding, enough to match "queues" with "queue" and "batteries" with "battery"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text):
    """The words that carry meaning, plural-folded. A hyphenated word counts whole and by its parts, so
    "wi-fi" matches "wi-fi" and "self-checkout" matches "checkout"."""
    words = set()
    for token in _WORD.findall(text.lower()):
        for word in (token, *token.split("-")) if "-" in token else (token,):
            if len(word) > 2 and word not in _STOPWORDS:
                words.add(_stem(word))
    return words


def _mentions(text_words, phrase):
    """Every word of the phrase appears in the text (so "checkout queue" matches "queue at the checkout").
    The phrase is read like the text: "Customer service" needs "service", as "customer" is never kept."""
    words = _words(phrase)
    return bool(words) and words <= text_words


@dataclass(frozen=True)
class Suggestion:
    theme: Theme
    reason: str  # "keyword" (its name or a keyword is in the text) or "similar" (chosen for similar learnings)


def _similar_links(*, organization, word_sets, exclude_ids):
    """(words, theme_id) of recent confirmed links whose learning shares a word with any of `word_sets`."""
    vocabulary = sorted(set().union(*word_sets), key=len, reverse=True)[:40] if word_sets else []
    if not vocabulary:
        return []
    match = Q()
    for word in vocabulary:
        match |= Q(learning__text__icontains=word) | Q(learning__quote__icontains=word)
    rows = (
        LearningTheme.objects.for_organization(organization)
        .exclude(learning_id__in=exclude_ids)
        .filter(match)
        .order_by("-id")
        .values_list("learning__text", "learning__quote", "theme_id")[:SIMILAR_CANDIDATES]
    )
    return [(_words(f"{text}\n{quote}"), theme_id) for text, quote, theme_id in rows]


def theme_suggestions(*, organization, learnings):
    """{learning id: [Suggestion]} for learnings whose themes nobody has reviewed yet. Two queries whatever
    the number of learnings: the themes, and the recent themed learnings they are compared with."""
    pending = [learning for learning in learnings if not _is_reviewed(learning)]
    if not pending:
        return {}
    themes = list(Theme.objects.for_organization(organization))
    if not themes:
        return {learning.pk: [] for learning in pending}
    by_id = {theme.pk: theme for theme in themes}
    word_sets = {learning.pk: _words(f"{learning.text}\n{learning.quote}") for learning in pending}
    candidates = _similar_links(
        organization=organization, word_sets=list(word_sets.values()), exclude_ids=[lg.pk for lg in pending]
    )
    out = {}
    for learning in pending:
        words = word_sets[learning.pk]
        chosen = [
            Suggestion(theme, "keyword")
            for theme in themes
            if _mentions(words, theme.name) or any(_mentions(words, kw) for kw in theme.keyword_list)
        ]
        votes = {}
        for other_words, theme_id in candidates:
            shared = len(words & other_words)
            union = len(words | other_words) or 1
            if shared >= SIMILAR_MIN_SHARED and shared / union >= SIMILAR_MIN_JACCARD:
                votes[theme_id] = votes.get(theme_id, 0) + 1
        taken = {s.theme.pk for s in chosen}
        for theme_id, _count in sorted(votes.items(), key=lambda item: (-item[1], by_id[item[0]].name)):
            if theme_id not in taken:
                chosen.append(Suggestion(by_id[theme_id], "similar"))
        out[learning.pk] = chosen[:SUGGESTIONS_MAX]
    return out


def _is_reviewed(learning):
    """Reviewed when themes were confirmed or someone chose none (works with or without the annotation)."""
    if hasattr(learning, "themes_reviewed"):
        return learning.themes_reviewed
    return ThemeReview.objects.filter(learning=learning).exists()


# --- What we learned ----------------------------------------------------------------------------------
def _learnings(organization):
    return (
        Learning.objects.for_organization(organization)
        .select_related("engagement__location__region", "author__user", "engagement__leader__user")
        .prefetch_related(Prefetch("theme_links", queryset=LearningTheme.objects.select_related("theme")))
        # Reviewed: someone confirmed themes or chose none; both leave a ThemeReview (the services keep it so).
        # A join on its unique learning id, not EXISTS: PostgreSQL hashes a whole-table EXISTS for big feeds.
        .annotate(themes_reviewed=ExpressionWrapper(Q(theme_review__isnull=False), output_field=BooleanField()))
    )


def search_config(organization):
    """The configuration for an organization (or its id: one small query, only when searching)."""
    if isinstance(organization, Organization):
        language = organization.language
    else:
        language = Organization.objects.filter(pk=organization).values_list("language", flat=True).first()
    return SEARCH_CONFIGS.get(language, DEFAULT_SEARCH_CONFIG)


def _prefix_query(q, config):
    """Each word of `q` as a word's start (`kø:*`), "-word" excluded, or None if no word is left. Only \\w
    characters reach to_tsquery, so no input can make its syntax fail."""
    wanted, unwanted = [], []
    for word in q.split():
        tokens = _TOKEN.findall(word)
        (unwanted if word.startswith("-") else wanted).extend(tokens)
    if not wanted:
        return None
    terms = [f"{token}:*" for token in wanted] + [f"!{token}" for token in unwanted]
    return SearchQuery(" & ".join(terms), search_type="raw", config=config)


def _search(qs, q, config=DEFAULT_SEARCH_CONFIG):
    """PostgreSQL full-text search (stemmed, ranked) in the organization's language; on SQLite every word must
    appear in text or quote."""
    if connection.vendor == "postgresql":
        # The same expression as the GIN indexes on learnings (insights migrations 0002 and 0006: one per
        # configuration), so one of them is used.
        vector = SearchVector("text", "quote", config=config)
        query = SearchQuery(q, search_type="websearch", config=config)
        prefix = _prefix_query(q, config) if config in PREFIX_CONFIGS else None
        if prefix is not None:
            query = query | prefix
        # Match with @@ (filter on the annotated vector), not rank > 0: ts_rank is not a match test (it gives 1e-20
        # to a document matching no word of a multi-word query, and ignores "-word").
        return (
            qs.annotate(search_vector=vector, rank=SearchRank(vector, query))
            .filter(search_vector=query)
            .order_by("-rank", "-id")
        )
    for word in q.split():
        word = word.strip("\"'")
        if word and not word.startswith("-"):
            qs = qs.filter(Q(text__icontains=word) | Q(quote__icontains=word))
    return qs


def learning_feed(
    *,
    organization,
    q="",
    theme=None,
    unthemed=False,
    kind=None,
    learning_kind=None,
    leader=None,
    region=None,
    location=None,
    customer_type=None,
    start=None,
    end=None,
):
    """Learnings across the organization, newest first (best match first when searching)."""
    qs = _learnings(organization)
    if theme is not None:
        qs = qs.filter(theme_links__theme=theme)
    if unthemed:
        # No theme yet, and nobody chose "none fit" either: waiting for the leader's look.
        qs = qs.filter(theme_review__isnull=True)
    if kind:
        qs = qs.filter(engagement__kind=kind)
    if learning_kind:
        qs = qs.filter(kind=learning_kind)
    if leader is not None:
        qs = qs.filter(author=leader)
    if region is not None:
        qs = qs.filter(engagement__location__region=region)
    if location is not None:
        qs = qs.filter(engagement__location=location)
    if customer_type:
        qs = qs.filter(engagement__customer_type=customer_type)
    if start is not None:
        qs = qs.filter(engagement__started_at__gte=start)
    if end is not None:
        qs = qs.filter(engagement__started_at__lt=end)
    qs = qs.order_by("-engagement__started_at", "-id")
    q = " ".join(str(q).split())
    return _search(qs, q, search_config(organization)) if q else qs


def recent_learnings(*, author, limit=5):
    """An author's most recently logged learnings with their engagement (for a dashboard list): one query that
    reads a few rows off the (author, id) index, where ordering by the engagements' start would join all of them."""
    return list(
        Learning.objects.for_organization(author.organization_id)
        .filter(author=author)
        .select_related("engagement")
        .order_by("-id")[:limit]
    )


def learning_get(*, organization, pk):
    return _learnings(organization).get(pk=pk)


def learnings_by_ids(*, organization, ids):
    return list(
        Learning.objects.for_organization(organization)
        .filter(pk__in=ids)
        .select_related("engagement__location", "author__user")
    )


def learnings_of_engagement(*, organization, engagement_id):
    return _learnings(organization).filter(engagement_id=engagement_id).order_by("created_at", "id")


# --- Actions ------------------------------------------------------------------------------------------
def _actions(organization):
    return (
        Action.objects.for_organization(organization)
        .select_related("owner__user", "created_by__user", "pilot")
        .annotate(learning_count=Count("learnings", distinct=True))
    )


def action_list(
    *, organization, owner=None, status=None, open_only=False, closed_only=False, overdue_on=None, learning=None
):
    """Actions, soonest due first. `status` one status; `open_only` everything not done or dropped;
    `closed_only` the done and dropped ones, most recently closed first; `overdue_on` a date: open actions
    due before it."""
    qs = _actions(organization)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if status:
        qs = qs.filter(status=status)
    if open_only or overdue_on is not None:
        qs = qs.exclude(status__in=list(CLOSED_STATUSES))
    if overdue_on is not None:
        qs = qs.filter(due_on__lt=overdue_on)
    if learning is not None:
        qs = qs.filter(learnings=learning)
    if closed_only:
        return qs.filter(status__in=list(CLOSED_STATUSES)).order_by("-closed_at", "-id")
    return qs.order_by("due_on", "id")


def my_actions(*, membership):
    """The owner's actions: open ones by due date, then the closed ones, most recently closed first."""
    return (
        _actions(membership.organization_id)
        .filter(owner=membership)
        .order_by(F("closed_at").desc(nulls_first=True), "due_on", "id")
    )


def action_counts(*, membership, today=None):
    """How many open and overdue actions `membership` owns (for the "My actions" badge)."""
    today = today or timezone.localdate()
    return (
        Action.objects.filter(owner=membership)
        .exclude(status__in=list(CLOSED_STATUSES))
        .aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    )


def action_get(*, organization, pk):
    learnings = Learning.objects.select_related("engagement__location", "author__user").order_by(
        "-engagement__started_at"
    )
    return (
        _actions(organization)
        .prefetch_related(
            Prefetch("learnings", queryset=learnings),
            Prefetch("notes", queryset=ActionNote.objects.select_related("author__user")),
        )
        .get(pk=pk)
    )


def actions_for_learning(*, organization, learning):
    return action_list(organization=organization, learning=learning)


def action_owner_choices(*, organization, also_id=None):
    """Members who can own an action (and the current owner, even if they no longer could)."""
    eligible = Q(is_active=True, role__in=OWNER_ROLES)
    if also_id is not None:
        eligible |= Q(pk=also_id)
    return list(
        Membership.objects.for_organization(organization)
        .filter(eligible)
        .select_related("user")
        .order_by("user__full_name", "id")
    )


def open_actions_for_linking(*, organization, exclude_learning=None, limit=50):
    """Open actions a learning could be added to (the soonest due `limit`)."""
    qs = Action.objects.for_organization(organization).exclude(status__in=list(CLOSED_STATUSES))
    if exclude_learning is not None:
        qs = qs.exclude(learnings=exclude_learning)
    return qs.select_related("owner__user").order_by("due_on", "id")[:limit]


# --- Pilots -------------------------------------------------------------------------------------------
def pilot_list(*, organization):
    return (
        Pilot.objects.for_organization(organization)
        .select_related("action__owner__user")
        .prefetch_related("locations")
        .order_by("-starts_on", "-id")
    )


def pilot_get(*, organization, pk):
    """A pilot with its chain: the action and the learnings (with the customers' words) behind it."""
    learnings = Learning.objects.select_related(
        "engagement__location__region", "engagement__leader__user", "author__user"
    ).order_by("engagement__started_at", "id")
    return (
        Pilot.objects.for_organization(organization)
        .select_related("action__owner__user", "action__created_by__user")
        .prefetch_related("locations", Prefetch("action__learnings", queryset=learnings))
        .get(pk=pk)
    )


# --- Customer scores ----------------------------------------------------------------------------------
def score_list(*, organization, metric=None, location=None, region=None, start=None, end=None):
    """Scores, newest period first. `start`/`end` are dates: periods overlapping [start, end]."""
    qs = CustomerScore.objects.for_organization(organization).select_related("location__region", "recorded_by__user")
    if metric:
        qs = qs.filter(metric=metric)
    if location is not None:
        qs = qs.filter(location=location)
    if region is not None:
        qs = qs.filter(location__region=region)
    if start is not None:
        qs = qs.filter(period_end__gte=start)
    if end is not None:
        qs = qs.filter(period_start__lte=end)
    return qs.order_by("-period_start", "location__name", "metric", "id")


def score_get(*, organization, pk):
    return CustomerScore.objects.for_organization(organization).select_related("location").get(pk=pk)


def open_action_counts(*, organization, owners, today=None):
    """{owner id: {"open": n, "overdue": n}} for the given members' open actions: one query."""
    today = today or timezone.localdate()
    rows = (
        Action.objects.for_organization(organization)
        .filter(owner__in=owners)
        .exclude(status__in=CLOSED_STATUSES)
        .values("owner_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    )
    return {row["owner_id"]: {"open": row["open"], "overdue": row["overdue"]} for row in rows}


# --- Dashboards -----------------------------------------------------------------------------------------
class ThemeTrend(NamedTuple):
    name: str
    now: int  # learnings confirmed under the theme in the period
    before: int  # in the period before it


def theme_trends(*, organization, first_month, last_month, previous_first_month, region=None):
    """{theme id: ThemeTrend} for themes confirmed on learnings of [previous_first_month, last_month], counted in
    [first_month, last_month] and in the months before `first_month`, from ThemeMonth: one query."""
    qs = ThemeMonth.objects.for_organization(organization).filter(
        month__gte=previous_first_month, month__lte=last_month
    )
    qs = qs.filter(region=region) if region is not None else qs.filter(region__isnull=True)
    rows = qs.values_list("theme_id", "theme__name").annotate(
        now=Sum("learnings", filter=Q(month__gte=first_month), default=0),
        before=Sum("learnings", filter=Q(month__lt=first_month), default=0),
    )
    return {pk: ThemeTrend(name, now, before) for pk, name, now, before in rows}


class Example(NamedTuple):
    pk: int
    text: str
    quote: str
    heard_by: str = ""  # the learning's author: who heard it
    place: str = ""  # the engagement's location, if any


def theme_examples(*, organization, theme_ids, start, end, per_theme=2):
    """{theme id: [Example]}: the most recently logged learnings in the customers' own words (with a quote), for a
    few themes, from engagements between `start` and `end`, as light rows. Newest by id, so each theme's
    (theme, learning) index is read backwards and stops after a few dozen links. Two queries on PostgreSQL (every
    theme's links in one UNION ALL, then their learnings); elsewhere, which can't limit each part of a UNION, one
    query per theme (a handful) and one for the learnings."""
    theme_ids = list(theme_ids)
    if not theme_ids:
        return {}
    newest = [
        LearningTheme.objects.filter(organization=organization, theme_id=theme_id)
        .order_by("-learning_id")
        .values_list("theme_id", "learning_id")[:EXAMPLE_CANDIDATES]
        for theme_id in theme_ids
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        links = list(newest[0].union(*newest[1:], all=True)) if len(newest) > 1 else list(newest[0])
    else:
        links = [link for links in newest for link in links]
    quoted = {
        pk: Example(pk, text, quote, name or email, place or "")
        for pk, text, quote, name, email, place in Learning.objects.filter(
            pk__in={learning_id for _, learning_id in links},
            engagement__started_at__gte=start,
            engagement__started_at__lt=end,
        )
        .exclude(quote="")
        .values_list(
            "pk", "text", "quote", "author__user__full_name", "author__user__email", "engagement__location__name"
        )
    }
    candidates = {theme_id: [] for theme_id in theme_ids}
    for theme_id, learning_id in links:
        if learning_id in quoted:
            candidates[theme_id].append(learning_id)
    return {
        theme_id: [quoted[pk] for pk in sorted(found, reverse=True)[:per_theme]]
        for theme_id, found in candidates.items()
    }


def loop_counts(*, organization, first_month, last_month, region=None, authors=None):
    """The closed loop for learnings from engagements in the whole months [first_month, last_month] on the
    organization's clock: how many learnings an action answers, how many of those actions were piloted, and how
    many are done; from LoopMonth, one query. `authors` (member ids) narrows to their learnings.

    Whole months, like the board's other figures (its learnings and themes): a learning from an engagement later
    in the current month (one logged up to a day ahead) counts in it. `loop_counts_live` counts any range."""
    qs = LoopMonth.objects.for_organization(organization).filter(month__gte=first_month, month__lte=last_month)
    qs = qs.filter(region=region) if region is not None else qs.filter(region__isnull=True)
    if authors is not None:
        qs = qs.filter(author__in=authors)
    return qs.aggregate(
        with_action=Coalesce(Sum("with_action"), 0),
        piloted=Coalesce(Sum("piloted"), 0),
        done=Coalesce(Sum("done"), 0),
    )


def loop_counts_live(*, organization, start, end, region=None, authors=None):
    """`loop_counts` counted from the log for engagements in [start, end) (any two moments): one query, which
    reads a learning and an engagement for every one of the organization's action-learning links (the rollup
    exists because that is slow at scale). It starts from the links (a few thousand), not from the learnings."""
    answered = Action.learnings.through.objects.filter(
        action__organization=organization,
        learning__engagement__started_at__gte=start,
        learning__engagement__started_at__lt=end,
    )
    if region is not None:
        answered = answered.filter(learning__engagement__location__region=region)
    if authors is not None:
        answered = answered.filter(learning__author__in=authors)
    return answered.aggregate(**loop_figures())


def median_days_to_close(*, organization, start, end):
    """The median days from an action being raised to it being done, for actions done in [start, end): in SQL
    on every database (a count, then the middle row or two), so two queries."""
    closed = Action.objects.for_organization(organization).filter(
        status=ActionStatus.DONE, closed_at__gte=start, closed_at__lt=end
    )
    count = closed.count()
    if not count:
        return None
    durations = closed.annotate(took=F("closed_at") - F("created_at")).order_by("took").values_list("took", flat=True)
    middle = list(durations[(count - 1) // 2 : count // 2 + 1])
    return round(sum(d.total_seconds() for d in middle) / len(middle) / 86400, 1)


class PlacePresence(NamedTuple):
    pk: int
    name: str
    region_name: str
    minutes: int  # leader minutes there in the months
    score: object  # the average of `metric` over the score periods that overlap the days (a Decimal), or None
    region_id: int | None = None


def presence_and_scores(*, organization, metric, first_month, last_month, first_day, last_day, region=None):
    """[PlacePresence] by name: each location (in `region`, when given) with leader presence in the months
    [first_month, last_month] (LocationMonth) or a score of `metric` whose period overlaps [first_day, last_day],
    its leader minutes and its average score. One query."""

    def per_location(qs, total):
        return Subquery(qs.filter(location=OuterRef("pk")).order_by().values("location").annotate(x=total).values("x"))

    minutes = per_location(LocationMonth.objects.filter(month__gte=first_month, month__lte=last_month), Sum("minutes"))
    score = per_location(
        CustomerScore.objects.filter(metric=metric, period_end__gte=first_day, period_start__lte=last_day),
        Avg("value"),
    )
    places = Location.objects.for_organization(organization)
    if region is not None:
        places = places.filter(region=region)
    rows = (
        places.annotate(minutes=minutes, score=score)
        .filter(Q(minutes__isnull=False) | Q(score__isnull=False))
        .order_by("name", "pk")
        .values_list("pk", "name", "region__name", "minutes", "score", "region_id")
    )
    return [
        PlacePresence(pk, name, region or "", minutes or 0, score, region_id)
        for pk, name, region, minutes, score, region_id in rows
    ]


# --- The monthly review -------------------------------------------------------------------------------------
class ReviewAction(NamedTuple):
    pk: int
    title: str
    owner: str
    status: str
    due_on: object
    created_at: object
    closed_at: object
    learnings: int


class ReviewPilot(NamedTuple):
    pk: int
    title: str  # its action's
    owner: str
    starts_on: object
    ends_on: object
    verdict: str
    decided_at: object


class PilotOrigin(NamedTuple):
    pilot_id: int
    learning_id: int
    text: str
    quote: str
    heard_by: str


def _scoped_actions(organization, region, authors):
    """The organization's actions; for a region or a team, those answering a learning from it."""
    qs = Action.objects.for_organization(organization)
    if region is not None:
        qs = qs.filter(
            pk__in=Action.learnings.through.objects.filter(learning__engagement__location__region=region).values(
                "action_id"
            )
        )
    if authors is not None:
        qs = qs.filter(pk__in=Action.learnings.through.objects.filter(learning__author__in=authors).values("action_id"))
    return qs


def _review_actions(qs):
    rows = qs.annotate(n=Count("learnings", distinct=True)).values_list(
        "pk",
        "title",
        "owner__user__full_name",
        "owner__user__email",
        "status",
        "due_on",
        "created_at",
        "closed_at",
        "n",
    )
    return [
        ReviewAction(pk, title, name or email or "", status, due, created, closed, n)
        for pk, title, name, email, status, due, created, closed, n in rows
    ]


def review_actions(*, organization, start, end, last_day, region=None, authors=None):
    """The period [start, end)'s actions: (opened in it, closed in it, overdue at its end), each a list of light
    rows, oldest due first. Overdue at the end: raised before it, due before `last_day`, and not closed by then.
    Three queries."""
    qs = _scoped_actions(organization, region, authors)
    opened = qs.filter(created_at__gte=start, created_at__lt=end).order_by("created_at", "pk")
    closed = qs.filter(status__in=CLOSED_STATUSES, closed_at__gte=start, closed_at__lt=end).order_by("closed_at", "pk")
    overdue = (
        qs.filter(created_at__lt=end, due_on__lt=last_day)
        .filter(~Q(status__in=CLOSED_STATUSES) | Q(closed_at__gte=end))
        .order_by("due_on", "pk")
    )
    return _review_actions(opened), _review_actions(closed), _review_actions(overdue)


def review_pilots(*, organization, first_day, last_day, start, end, region=None, authors=None):
    """(pilots started in [first_day, last_day], verdicts given in [start, end), pilots past their end by
    `last_day` still awaiting a verdict), and {pilot id: [PilotOrigin]}: the customers' words behind each (the
    learnings its action answers). Four queries."""
    actions = _scoped_actions(organization, region, authors)
    qs = Pilot.objects.for_organization(organization).filter(action__in=actions)
    fields = (
        "pk",
        "action__title",
        "action__owner__user__full_name",
        "action__owner__user__email",
        "starts_on",
        "ends_on",
        "verdict",
        "decided_at",
    )

    def rows(q):
        return [
            ReviewPilot(pk, title, name or email or "", starts, ends, verdict, decided)
            for pk, title, name, email, starts, ends, verdict, decided in q.values_list(*fields)
        ]

    started = rows(qs.filter(starts_on__gte=first_day, starts_on__lte=last_day).order_by("starts_on", "pk"))
    decided = rows(qs.filter(decided_at__gte=start, decided_at__lt=end).order_by("decided_at", "pk"))
    awaiting = rows(
        qs.filter(ends_on__lte=last_day, starts_on__lte=last_day)
        .filter(Q(verdict="") | Q(decided_at__gte=end))
        .order_by("ends_on", "pk")
    )
    pilot_ids = {p.pk for p in started + decided + awaiting}
    origins = {pk: [] for pk in pilot_ids}
    links = (
        Pilot.objects.filter(pk__in=pilot_ids, action__learnings__isnull=False)
        .order_by("pk", "action__learnings__pk")
        .values_list(
            "pk",
            "action__learnings__pk",
            "action__learnings__text",
            "action__learnings__quote",
            "action__learnings__author__user__full_name",
            "action__learnings__author__user__email",
        )
    )
    for pilot_id, learning_id, text, quote, name, email in links:
        origins[pilot_id].append(PilotOrigin(pilot_id, learning_id, text, quote, name or email or ""))
    return started, decided, awaiting, origins


def review_verdict_count(*, organization, start, end, region=None, authors=None):
    """How many pilot verdicts were given in [start, end): one query."""
    actions = _scoped_actions(organization, region, authors)
    return (
        Pilot.objects.for_organization(organization)
        .filter(action__in=actions, decided_at__gte=start, decided_at__lt=end)
        .count()
    )


# --- The weekly digest ----------------------------------------------------------------------------------------
def theme_counts_between(*, organization, start, end, previous_start):
    """{theme id: ThemeTrend} for themes confirmed on learnings from engagements of [previous_start, end): `now`
    counts those of [start, end), `before` those of [previous_start, start). Any span (a week on someone's clock,
    which the monthly ThemeMonth rows cannot cut), from the links themselves: one grouped query."""
    started = "learning__engagement__started_at"
    rows = (
        LearningTheme.objects.for_organization(organization)
        # The engagement's organization too: the (organization, started_at) index then finds the span's engagements.
        .filter(learning__engagement__organization=organization)
        .filter(**{f"{started}__gte": previous_start, f"{started}__lt": end})
        .order_by()
        .values_list("theme_id", "theme__name")
        .annotate(
            now=Count("id", filter=Q(**{f"{started}__gte": start})),
            before=Count("id", filter=Q(**{f"{started}__lt": start})),
        )
    )
    return {pk: ThemeTrend(name, now, before) for pk, name, now, before in rows}


class LearningOutcomes(NamedTuple):
    opened: list  # [ReviewAction] raised in the span, answering the authors' learnings
    done: list  # [ReviewAction] done in the span
    verdicts: list  # [ReviewPilot] whose verdict was given in the span


def learning_outcomes(*, organization, authors, start, end):
    """What became of `authors`' learnings in [start, end): the actions raised to answer them, those done, and
    the pilots of those actions whose verdict was given: two queries (the actions, the pilots)."""
    actions = _scoped_actions(organization, None, authors)
    opened = Q(created_at__gte=start, created_at__lt=end)
    done = Q(status=ActionStatus.DONE, closed_at__gte=start, closed_at__lt=end)
    rows = _review_actions(actions.filter(opened | done).order_by("created_at", "pk"))
    verdicts = [
        ReviewPilot(pk, title, name or email or "", starts, ends, verdict, decided)
        for pk, title, name, email, starts, ends, verdict, decided in Pilot.objects.for_organization(organization)
        .filter(action__in=actions, decided_at__gte=start, decided_at__lt=end)
        .order_by("decided_at", "pk")
        .values_list(
            "pk",
            "action__title",
            "action__owner__user__full_name",
            "action__owner__user__email",
            "starts_on",
            "ends_on",
            "verdict",
            "decided_at",
        )
    ]
    return LearningOutcomes(
        opened=[a for a in rows if start <= a.created_at < end],
        done=[a for a in rows if a.status == ActionStatus.DONE and a.closed_at and start <= a.closed_at < end],
        verdicts=verdicts,
    )
