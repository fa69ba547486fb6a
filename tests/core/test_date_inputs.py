"""Every date, time and datetime-local input renders ISO whatever the locale, and every date has bounds:
min/max for the browser's picker, and a message next to the field for a day outside them (never a 500)."""

from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from apps.engagements.forms import EngagementEditForm, FeedFilterForm, QuickLogForm
from apps.insights.forms import ActionForm, LearningFeedFilterForm, PilotEditForm, PilotForm, ScoreFilterForm, ScoreForm
from apps.insights.models import Theme
from apps.organizations.models import Location, Membership, Region
from apps.scheduling import services
from apps.scheduling.forms import PlanEditForm, PlanForm, SessionMoveForm, TargetForm
from tests.engagements.factories import EngagementFactory
from tests.scheduling.factories import PlanFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 12)  # 06/12/2026 on a US clock, 12/06/2026 on a British one
AT = datetime(2026, 6, 12, 9, 30, tzinfo=ZoneInfo("Europe/London"))


def five_years_on():
    day = timezone.localdate() + timedelta(days=365 * 5 + 1)
    return f"{day.day} {day:%b %Y}"


class Inputs(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.by_name = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and "name" in attrs:
            self.by_name[attrs["name"]] = attrs


def places(member):
    org = member.organization_id
    return {"locations": Location.objects.filter(organization=org), "regions": Region.objects.filter(organization=org)}


def members(member):
    return Membership.objects.filter(pk=member.pk)


def plan_form(member, **kw):
    return PlanForm(leaders=members(member), default_zone="Europe/Oslo", **places(member), **kw)


def plan_edit_form(member, **kw):
    plan = PlanFactory(organization=member.organization, leader=member, end_date=DAY)
    return PlanEditForm(plan=plan, **places(member), **kw)


def session_move_form(member, **kw):
    return SessionMoveForm(locations=places(member)["locations"], **kw)


def target_form(member, **kw):
    return TargetForm(executives=members(member), **kw)


def quick_log_form(member, **kw):
    return QuickLogForm(
        leaders=members(member), executives=members(member), locations=places(member)["locations"], **kw
    )


def engagement_edit_form(member, **kw):
    engagement = EngagementFactory(organization=member.organization, leader=member, started_at=AT)
    return EngagementEditForm(
        engagement=engagement, participants=members(member), locations=places(member)["locations"], **kw
    )


def feed_filter_form(member, **kw):
    return FeedFilterForm(executives=members(member), **places(member), **kw)


def learning_filter_form(member, **kw):
    return LearningFeedFilterForm(themes=Theme.objects.none(), executives=members(member), **places(member), **kw)


def action_form(member, **kw):
    return ActionForm(owners=[member], **kw)


def pilot_form(member, **kw):
    return PilotForm(locations=places(member)["locations"], **kw)


def pilot_edit_form(member, **kw):
    return PilotEditForm(locations=places(member)["locations"], **kw)


def score_form(member, **kw):
    return ScoreForm(locations=places(member)["locations"], **kw)


def score_filter_form(member, **kw):
    return ScoreFilterForm(**places(member), **kw)


IN_RANGE = "Enter a date from 1 Jan 2000 to {last}."
FILTER_RANGE = "Enter a date between 2000 and 2100."
# (form builder, initial values, {input name: (type, rendered value, min, max)}, out-of-bounds data, its error)
CASES = {
    "plan": (
        plan_form,
        {"start_date": DAY, "end_date": DAY, "start_time": time(9, 0)},
        {
            "start_date": ("date", "2026-06-12", "2000-01-01", "5y"),
            "end_date": ("date", "2026-06-12", "2000-01-01", "5y"),
            "start_time": ("time", "09:00", None, None),
        },
        {"start_date": "0001-01-01", "end_date": "9999-12-31"},
        {"start_date": [IN_RANGE], "end_date": [IN_RANGE]},
    ),
    "plan edit": (
        plan_edit_form,
        {},
        {"end_date": ("date", "2026-06-12", "2000-01-01", "5y"), "start_time": ("time", "09:00", None, None)},
        {"end_date": "0001-01-01"},
        {"end_date": [IN_RANGE]},
    ),
    "session move": (
        session_move_form,
        {"date": DAY, "time": time(14, 5)},
        {"date": ("date", "2026-06-12", "2000-01-01", "5y"), "time": ("time", "14:05", None, None)},
        {"date": "0001-01-01", "time": "09:00"},
        {"date": [IN_RANGE]},
    ),
    "target": (
        target_form,
        {"counts_from": DAY},
        {"counts_from": ("date", "2026-06-12", "2000-01-01", "5y")},
        {"counts_from": "0001-01-01"},
        {"counts_from": [IN_RANGE]},
    ),
    "quick log": (
        quick_log_form,
        {"started_at": AT},
        {"started_at": ("datetime-local", "2026-06-12T09:30", "2000-01-01T00:00", None)},
        {"started_at": "0001-01-01T09:00"},
        {"started_at": ["Enter a start from the year 2000 on."]},
    ),
    "engagement edit": (
        engagement_edit_form,
        {},
        {"started_at": ("datetime-local", "2026-06-12T09:30", "2000-01-01T00:00", None)},
        {"started_at": "9999-12-31T09:00"},
        {"started_at": ["The start can be at most one day in the future."]},
    ),
    "feed filter": (
        feed_filter_form,
        {"start": DAY, "end": DAY},
        {"start": ("date", "2026-06-12", "2000-01-01", "2100-12-31"), "end": ("date", "2026-06-12", None, None)},
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"start": [FILTER_RANGE], "end": [FILTER_RANGE]},
    ),
    "learning filter": (
        learning_filter_form,
        {"start": DAY},
        {"start": ("date", "2026-06-12", "2000-01-01", "2100-12-31")},
        {"start": "0001-01-01"},
        {"start": [FILTER_RANGE]},
    ),
    "action": (
        action_form,
        {"due_on": DAY},
        {"due_on": ("date", "2026-06-12", "2000-01-01", "5y")},
        {"due_on": "9999-12-31"},
        {"due_on": [IN_RANGE]},
    ),
    "pilot": (
        pilot_form,
        {"starts_on": DAY, "ends_on": DAY},
        {"starts_on": ("date", "2026-06-12", "2000-01-01", "5y"), "ends_on": ("date", "2026-06-12", None, None)},
        {"starts_on": "0001-01-01", "ends_on": "9999-12-31"},
        {"starts_on": [IN_RANGE], "ends_on": [IN_RANGE]},
    ),
    "pilot edit": (
        pilot_edit_form,
        {"starts_on": DAY},
        {"starts_on": ("date", "2026-06-12", "2000-01-01", "5y")},
        {"starts_on": "0001-01-01"},
        {"starts_on": [IN_RANGE]},
    ),
    "score": (
        score_form,
        {"period_start": DAY, "period_end": DAY},
        {"period_start": ("date", "2026-06-12", "2000-01-01", "5y"), "period_end": ("date", "2026-06-12", None, None)},
        {"period_start": "0001-01-01", "period_end": "9999-12-31"},
        {"period_start": [IN_RANGE], "period_end": [IN_RANGE]},
    ),
    "score filter": (
        score_filter_form,
        {"start": DAY},
        {"start": ("date", "2026-06-12", "2000-01-01", "2100-12-31")},
        {"start": "0001-01-01"},
        {"start": [FILTER_RANGE]},
    ),
}


def expected_bound(bound):
    if bound == "5y":
        return (timezone.localdate() + timedelta(days=365 * 5 + 1)).isoformat()
    return bound


@pytest.mark.parametrize("language", ["en-gb", "en-us", "de"])
@pytest.mark.parametrize("case", list(CASES))
def test_date_and_time_inputs_render_iso_values_and_their_bounds(executive, case, language):
    build, initial, inputs, _, _ = CASES[case]

    with translation.override(language), timezone.override(ZoneInfo("Europe/London")):
        rendered = Inputs(str(build(executive, initial=initial) if initial else build(executive))).by_name
        for name, (kind, value, first, last) in inputs.items():
            attrs = rendered[name]
            assert (attrs["type"], attrs["value"]) == (kind, value)
            if first is not None:
                assert (attrs["min"], attrs.get("max")) == (first, expected_bound(last))


@pytest.mark.parametrize("case", list(CASES))
def test_a_day_out_of_bounds_is_an_error_next_to_its_field(executive, case):
    build, _, _, data, errors = CASES[case]

    with timezone.override(ZoneInfo("Europe/London")):
        form = build(executive, data=data)
        form.is_valid()
        last = five_years_on()

    assert {name: form.errors.get(name) for name in errors} == {
        name: [message.format(last=last) for message in messages] for name, messages in errors.items()
    }
    for name in errors:
        assert f'aria-describedby="id_{name}_errors"' in str(form[name])


@pytest.mark.parametrize(
    ("typed", "minutes", "error"),
    [("1e3", 1000, None), ("1000.0", 1000, None), ("90", 90, None), ("1.5", None, "Enter a whole number.")],
)
def test_minutes_as_a_number_input_sends_them(executive, typed, minutes, error):
    form = session_move_form(executive, data={"date": "2026-06-12", "time": "09:00", "duration_minutes": typed})

    assert form.is_valid() is (error is None)
    assert (form.cleaned_data.get("duration_minutes"), form.errors.get("duration_minutes")) == (
        minutes,
        [error] if error else None,
    )


def test_reminder_lead_minutes_accept_exponents_like_the_number_boxes(executive):
    form = plan_form(
        executive,
        data={
            "leader": executive.pk,
            "kind": "store_visit",
            "cadence": "weekly",
            "start_date": "2026-06-12",
            "start_time": "09:00",
            "duration_minutes": "60",
            "time_zone": "Europe/Oslo",
            "reminder_lead_minutes": "1e3, 60",
        },
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["reminder_lead_minutes"] == [1000, 60]


def test_moving_a_session_to_the_year_1_says_so_next_to_the_date(client_for, executive):
    plan = PlanFactory(organization=executive.organization, leader=executive, created_by=executive)
    services.sessions_materialize(plan=plan, now=datetime(2026, 1, 1, tzinfo=UTC))
    session = plan.sessions.order_by("starts_at").first()

    response = client_for(executive).post(
        f"/schedule/sessions/{session.pk}/move/",
        {"date": "0001-01-01", "time": "00:30", "duration_minutes": "60"},
    )

    assert response.status_code == 200
    assert IN_RANGE.format(last=five_years_on()) in response.content.decode()
    session.refresh_from_db()
    assert (session.sequence, session.is_exception) == (0, False)


def test_the_service_refuses_a_session_moved_out_of_bounds(executive):
    plan = PlanFactory(organization=executive.organization, leader=executive, created_by=executive)
    services.sessions_materialize(plan=plan, now=datetime(2026, 1, 1, tzinfo=UTC))
    session = plan.sessions.order_by("starts_at").first()

    with pytest.raises(ValidationError) as exc_info:
        services.session_reschedule(session=session, acting=executive, local_date=date(1, 1, 1), local_time=time(0, 30))

    assert exc_info.value.message_dict == {"date": [IN_RANGE.format(last=five_years_on())]}
