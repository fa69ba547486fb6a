"""Customer scores: recorded one by one or imported from CSV; all rows or none."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.insights import selectors, services
from apps.insights.models import CustomerScore, ScoreMetric
from tests.insights.factories import CustomerScoreFactory
from tests.organizations.factories import LocationFactory, OrganizationFactory, RegionFactory

JAN = {"period_start": date(2026, 1, 1), "period_end": date(2026, 1, 31)}
HEADERS = "location,metric,period_start,period_end,value,responses\n"


@pytest.fixture
def store(organization):
    return LocationFactory(organization=organization, name="Leeds Briggate", code="LB01")


@pytest.fixture
def other_store(organization):
    return LocationFactory(organization=organization, name="York Parliament St", code="")


def _rows():
    return list(
        CustomerScore.objects.order_by("location__name", "metric").values_list("location__name", "metric", "value")
    )


# --- One at a time ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("metric", "value"),
    [
        ("nps", "-100"),
        ("nps", "100"),
        ("csat", "1"),
        ("csat", "5"),
        ("csat_pct", "0"),
        ("csat_pct", "100"),
        ("ces", "1"),
        ("ces", "7"),
    ],
)
def test_score_create_accepts_each_range_edge(admin_member, store, metric, value):
    score = services.score_create(acting=admin_member, location=store, metric=metric, value=Decimal(value), **JAN)

    assert (score.metric, score.value, score.recorded_by) == (metric, Decimal(value), admin_member)


@pytest.mark.parametrize(
    ("metric", "value", "message"),
    [
        ("nps", "-100.01", "NPS must be between -100 and 100."),
        ("nps", "101", "NPS must be between -100 and 100."),
        ("csat", "0.9", "CSAT must be between 1 and 5."),
        ("csat", "5.5", "CSAT must be between 1 and 5."),
        ("csat_pct", "100.5", "CSAT % must be between 0 and 100."),
        ("ces", "0", "CES must be between 1 and 7."),
        ("ces", "8", "CES must be between 1 and 7."),
    ],
)
def test_score_create_refuses_values_out_of_range(admin_member, store, metric, value, message):
    with pytest.raises(ValidationError) as exc:
        services.score_create(acting=admin_member, location=store, metric=metric, value=Decimal(value), **JAN)

    assert exc.value.message_dict == {"value": [message]}
    assert CustomerScore.objects.count() == 0


def test_score_create_refuses_a_period_ending_before_it_starts(admin_member, store):
    with pytest.raises(ValidationError) as exc:
        services.score_create(
            acting=admin_member,
            location=store,
            metric="nps",
            value=Decimal(10),
            period_start=date(2026, 2, 1),
            period_end=date(2026, 1, 31),
        )

    assert exc.value.message_dict == {"period_end": ["The period can't end before it starts."]}


def test_score_create_refuses_a_second_score_for_the_same_period(admin_member, store):
    services.score_create(acting=admin_member, location=store, metric="nps", value=Decimal(10), **JAN)

    with pytest.raises(ValidationError) as exc:
        services.score_create(acting=admin_member, location=store, metric="nps", value=Decimal(20), **JAN)

    assert exc.value.message_dict == {
        "__all__": ["This location already has that score for that period; change it instead."]
    }
    assert _rows() == [("Leeds Briggate", "nps", Decimal("10.00"))]


def test_score_create_refuses_another_organizations_location(admin_member):
    foreign = LocationFactory(organization=OrganizationFactory())

    with pytest.raises(ValidationError) as exc:
        services.score_create(acting=admin_member, location=foreign, metric="nps", value=Decimal(10), **JAN)

    assert exc.value.message_dict == {"location": ["Choose a location of your organization."]}


@pytest.mark.parametrize("who", ["executive", "board_member"])
def test_only_admins_and_chiefs_of_staff_record_scores(request, store, who):
    member = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.score_create(acting=member, location=store, metric="nps", value=Decimal(10), **JAN)


def test_chief_of_staff_records_and_changes_a_score(chief_of_staff, store):
    score = services.score_create(acting=chief_of_staff, location=store, metric="csat", value=Decimal("4.1"), **JAN)

    services.score_update(
        acting=chief_of_staff, score=score, location=store, metric="csat", value=Decimal("4.4"), responses=80, **JAN
    )

    score.refresh_from_db()
    assert (score.value, score.responses) == (Decimal("4.40"), 80)


def test_score_update_refuses_moving_onto_an_existing_period(admin_member, store):
    CustomerScoreFactory(organization=store.organization, location=store, metric="nps", **JAN)
    feb = CustomerScoreFactory(
        organization=store.organization,
        location=store,
        metric="nps",
        period_start=date(2026, 2, 1),
        period_end=date(2026, 2, 28),
    )

    with pytest.raises(ValidationError) as exc:
        services.score_update(acting=admin_member, score=feb, location=store, metric="nps", value=Decimal(1), **JAN)

    assert exc.value.message_dict == {"__all__": ["This location already has that score for that period."]}
    feb.refresh_from_db()
    assert feb.period_start == date(2026, 2, 1)


def test_score_list_filters_by_metric_region_location_and_overlapping_period(organization):
    north = RegionFactory(organization=organization, name="North")
    leeds = LocationFactory(organization=organization, name="Leeds", region=north)
    bath = LocationFactory(organization=organization, name="Bath")
    a = CustomerScoreFactory(organization=organization, location=leeds, metric="nps", **JAN)
    b = CustomerScoreFactory(organization=organization, location=bath, metric="nps", **JAN)
    c = CustomerScoreFactory(
        organization=organization,
        location=leeds,
        metric="ces",
        value=3,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
    )
    CustomerScoreFactory()  # another organization

    def ids(**filters):
        return {s.pk for s in selectors.score_list(organization=organization, **filters)}

    assert ids() == {a.pk, b.pk, c.pk}
    assert ids(metric="nps") == {a.pk, b.pk}
    assert ids(region=north) == {a.pk, c.pk}
    assert ids(location=bath) == {b.pk}
    assert ids(start=date(2026, 1, 31), end=date(2026, 2, 15)) == {a.pk, b.pk}
    assert ids(start=date(2026, 2, 1)) == {c.pk}


# --- CSV import ---------------------------------------------------------------------------------------
def test_import_creates_rows_matching_locations_by_code_or_name_case_insensitively(admin_member, store, other_store):
    text = HEADERS + "lb01,NPS,2026-01-01,2026-01-31,45,300\nyork parliament st,csat,2026-01-01,2026-01-31,4.2,\n"

    report = services.scores_import(acting=admin_member, text=text)

    assert (report.ok, report.rows, report.created, report.updated) == (True, 2, 2, 0)
    assert _rows() == [("Leeds Briggate", "nps", Decimal("45.00")), ("York Parliament St", "csat", Decimal("4.20"))]
    assert list(CustomerScore.objects.order_by("metric").values_list("responses", flat=True)) == [None, 300]


def test_import_updates_a_score_already_recorded_for_the_period(admin_member, store):
    CustomerScoreFactory(organization=store.organization, location=store, metric="nps", value=10, **JAN)

    report = services.scores_import(acting=admin_member, text=HEADERS + "LB01,nps,2026-01-01,2026-01-31,12.5,\n")

    assert (report.ok, report.created, report.updated) == (True, 0, 1)
    assert _rows() == [("Leeds Briggate", "nps", Decimal("12.50"))]


def test_import_with_a_bad_row_saves_nothing_and_reports_each_problem(admin_member, store):
    text = HEADERS + (
        "LB01,nps,2026-01-01,2026-01-31,45,\n"  # line 2: fine
        "Nowhere,nps,2026-01-01,2026-01-31,45,\n"  # line 3
        "LB01,happiness,2026-01-01,2026-01-31,45,\n"  # line 4
        "LB01,ces,01/01/2026,2026-01-31,9,\n"  # line 5: two problems
        "LB01,csat,2026-02-01,2026-01-31,4,\n"  # line 6
        "LB01,csat_pct,2026-01-01,2026-01-31,lots,many\n"  # line 7
        "LB01,nps,2026-01-01,2026-01-31,46,\n"  # line 8: repeats line 2
        "LB01,nps\n"  # line 9
    )

    report = services.scores_import(acting=admin_member, text=text)

    assert report.ok is False
    assert [(p.line, p.column, p.message) for p in report.problems] == [
        (3, "location", "No location with code or name 'Nowhere'."),
        (4, "metric", "Use one of: nps, csat, csat_pct, ces."),
        (5, "period_start", "Enter the date as YYYY-MM-DD."),
        (6, "period_end", "The period can't end before it starts."),
        (7, "value", "Enter a number, e.g. 42 or 4.3."),
        (7, "responses", "Enter a whole number of responses, or leave it empty."),
        (8, "", "Same location, metric and period as line 2."),
        (9, "", "Expected 6 values, found 2."),
    ]
    assert CustomerScore.objects.count() == 0


def test_import_reports_a_value_out_of_range_with_its_line(admin_member, store):
    report = services.scores_import(acting=admin_member, text=HEADERS + "LB01,ces,2026-01-01,2026-01-31,9,\n")

    assert [(p.line, p.column, p.message) for p in report.problems] == [(2, "value", "CES must be between 1 and 7.")]
    assert CustomerScore.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "The file is empty. The first line must be the headers: "
            "location, metric, period_start, period_end, value, responses.",
        ),
        (
            "location,metric,start,end,value\n",
            "Missing column(s): period_start, period_end. "
            "Expected: location, metric, period_start, period_end, value, responses.",
        ),
        (
            "location,metric,period_start,period_end,value,score\n",
            "Unknown column(s): score. Expected: location, metric, period_start, period_end, value, responses.",
        ),
        ("location,metric,period_start,period_end,value,value\n", "Repeated column(s): value."),
        (HEADERS, "The file has headers but no rows."),
    ],
)
def test_import_refuses_wrong_headers_or_no_rows(admin_member, store, text, message):
    report = services.scores_import(acting=admin_member, text=text)

    assert message in [p.message for p in report.problems]
    assert CustomerScore.objects.count() == 0


def test_import_ignores_blank_lines_and_a_byte_order_mark(admin_member, store):
    text = "\ufeff" + HEADERS.upper() + "\nLB01,nps,2026-01-01,2026-01-31,45,\n,,,,,\n"

    report = services.scores_import(acting=admin_member, text=text)

    assert (report.ok, report.rows, report.created) == (True, 1, 1)


def test_import_does_not_see_another_organizations_locations(admin_member, store):
    LocationFactory(organization=OrganizationFactory(), name="Elsewhere", code="EL1")

    report = services.scores_import(acting=admin_member, text=HEADERS + "EL1,nps,2026-01-01,2026-01-31,45,\n")

    assert [(p.line, p.column) for p in report.problems] == [(2, "location")]
    assert CustomerScore.objects.count() == 0


def test_import_is_refused_to_executives(executive):
    with pytest.raises(PermissionDenied):
        services.scores_import(acting=executive, text=HEADERS)


def test_score_metric_choices_cover_the_issue_scales():
    assert ScoreMetric.values == ["nps", "csat", "csat_pct", "ces"]


def test_import_reports_a_line_that_is_not_csv_instead_of_failing(admin_member, store):
    huge = "x" * 200_000  # longer than the csv module's field limit
    text = HEADERS + f'LB01,nps,2026-01-01,2026-01-31,45,\n"{huge}",nps,2026-01-01,2026-01-31,45,\n'

    report = services.scores_import(acting=admin_member, text=text)

    assert [(p.line, p.column) for p in report.problems] == [(3, "")]
    assert report.problems[0].message.startswith("This line can't be read as CSV")
    assert CustomerScore.objects.count() == 0


def test_import_refuses_digits_that_are_not_plain_numbers(admin_member, store):
    report = services.scores_import(acting=admin_member, text=HEADERS + "LB01,nps,2026-01-01,2026-01-31,45,²\n")

    assert [(p.line, p.column) for p in report.problems] == [(2, "responses")]


def test_import_numbers_lines_as_in_the_file_when_a_value_spans_lines(admin_member, store):
    text = HEADERS + '"LB01",nps,2026-01-01,2026-01-31,45,\n"Leeds\nBriggate",nps,2026-02-01,2026-02-28,1000,\n'

    report = services.scores_import(acting=admin_member, text=text)

    assert [(p.line, p.column) for p in report.problems] == [(3, "location")]


def test_import_reports_a_period_out_of_bounds_with_its_line(admin_member, store):
    report = services.scores_import(acting=admin_member, text=HEADERS + "LB01,ces,0001-01-01,2026-01-31,5,\n")

    last = timezone.localdate() + timedelta(days=365 * 5 + 1)
    assert [(p.line, p.column, p.message) for p in report.problems] == [
        (2, "period_start", f"Enter a date from 1 Jan 2000 to {last.day} {last:%b %Y}.")
    ]
    assert CustomerScore.objects.count() == 0
