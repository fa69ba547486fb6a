"""Customer score pages: list, record, edit, delete, CSV import with a row-by-row report."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.insights.models import CustomerScore
from tests.insights.factories import CustomerScoreFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory

HEADERS = "location,metric,period_start,period_end,value,responses\n"


@pytest.fixture
def store(organization):
    return LocationFactory(organization=organization, name="Leeds Briggate", code="LB01")


def _post_score(client, **overrides):
    data = {
        "location": overrides.pop("location"),
        "metric": "nps",
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "value": "45",
        "responses": "",
        **overrides,
    }
    return client.post(reverse("insights:score_create"), data)


@pytest.mark.parametrize("who", ["executive", "chief_of_staff", "board_member", "admin_member"])
def test_every_member_reads_the_scores(request, client_for, store, who):
    CustomerScoreFactory(organization=store.organization, location=store, value=Decimal("45.5"))
    CustomerScoreFactory(location__name="Hidden Store")

    response = client_for(request.getfixturevalue(who)).get(reverse("insights:score_list"))

    assert response.status_code == 200
    assert [s.location.name for s in response.context["page"]] == ["Leeds Briggate"]
    assert b"45.5" in response.content
    assert b"Hidden Store" not in response.content
    assert response.context["can_record"] is (who in ("chief_of_staff", "admin_member"))


def test_score_list_filters_by_metric(client_for, admin_member, store):
    CustomerScoreFactory(organization=store.organization, location=store, metric="nps")
    ces = CustomerScoreFactory(organization=store.organization, location=store, metric="ces", value=3)

    response = client_for(admin_member).get(reverse("insights:score_list"), {"metric": "ces"})

    assert [s.pk for s in response.context["page"]] == [ces.pk]


def test_admin_records_a_score(client_for, admin_member, store):
    response = _post_score(client_for(admin_member), location=store.pk, responses="120")

    assert response.status_code == 302
    assert response["Location"] == reverse("insights:score_list")
    assert list(CustomerScore.objects.values_list("metric", "value", "responses", "period_end")) == [
        ("nps", Decimal("45.00"), 120, date(2026, 1, 31))
    ]


def test_score_out_of_range_is_shown_next_to_the_value_and_nothing_saved(client_for, admin_member, store):
    response = _post_score(client_for(admin_member), location=store.pk, metric="csat", value="7")

    assert response.status_code == 200
    assert response.context["form"].errors == {"value": ["CSAT must be between 1 and 5."]}
    assert b'id="id_value_errors"' in response.content
    assert CustomerScore.objects.count() == 0


def test_another_organizations_location_is_not_a_choice(client_for, admin_member):
    foreign = LocationFactory(organization=OrganizationFactory())

    response = _post_score(client_for(admin_member), location=foreign.pk)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["location"]
    assert CustomerScore.objects.count() == 0


@pytest.mark.parametrize("who", ["executive", "board_member"])
def test_executives_and_board_cannot_record_scores(request, client_for, store, who):
    client = client_for(request.getfixturevalue(who))

    assert client.get(reverse("insights:score_create")).status_code == 403
    assert _post_score(client, location=store.pk).status_code == 403
    assert client.get(reverse("insights:score_import")).status_code == 403
    assert client.get(reverse("insights:score_template")).status_code == 403
    assert CustomerScore.objects.count() == 0


def test_edit_and_delete_a_score(client_for, admin_member, store):
    score = CustomerScoreFactory(organization=store.organization, location=store, metric="nps", value=10)
    client = client_for(admin_member)

    page = client.get(reverse("insights:score_edit", args=[score.pk]))
    response = client.post(
        reverse("insights:score_edit", args=[score.pk]),
        {
            "location": store.pk,
            "metric": "nps",
            "period_start": score.period_start.isoformat(),
            "period_end": score.period_end.isoformat(),
            "value": "12",
            "responses": "",
        },
    )

    assert page.context["form"].initial["value"] == Decimal("10.00")
    assert response.status_code == 302
    score.refresh_from_db()
    assert (score.value, score.responses) == (Decimal("12.00"), None)

    assert client.post(reverse("insights:score_delete", args=[score.pk])).status_code == 302
    assert CustomerScore.objects.count() == 0


def test_another_organizations_score_answers_404_and_is_untouched(client_for, admin_member):
    foreign = CustomerScoreFactory(value=10)
    client = client_for(admin_member)

    assert client.get(reverse("insights:score_edit", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("insights:score_delete", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.value == Decimal("10.00")


def test_executive_gets_404_before_403_for_another_organizations_score(client_for, executive):
    foreign = CustomerScoreFactory()

    assert client_for(executive).get(reverse("insights:score_edit", args=[foreign.pk])).status_code == 404


def _upload(text, name="scores.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_page_imports_a_good_file(client_for, chief_of_staff, store):
    response = client_for(chief_of_staff).post(
        reverse("insights:score_import"), {"file": _upload(HEADERS + "LB01,nps,2026-01-01,2026-01-31,45,300\n")}
    )

    assert response.status_code == 302
    assert list(CustomerScore.objects.values_list("value", "responses", "recorded_by")) == [
        (Decimal("45.00"), 300, chief_of_staff.pk)
    ]


def test_import_page_lists_each_problem_and_saves_nothing(client_for, admin_member, store):
    text = HEADERS + "LB01,nps,2026-01-01,2026-01-31,45,\nLB01,ces,2026-01-01,2026-01-31,9,\n"

    response = client_for(admin_member).post(reverse("insights:score_import"), {"file": _upload(text)})

    assert response.status_code == 422
    assert [(p.line, p.column, p.message) for p in response.context["report"].problems] == [
        (3, "value", "CES must be between 1 and 7.")
    ]
    assert b"Nothing was imported: 1 problem to fix in 2 rows" in response.content
    assert b"<td>3</td><td>value</td><td>CES must be between 1 and 7.</td>" in response.content
    assert CustomerScore.objects.count() == 0


def test_import_page_refuses_a_file_that_is_not_utf8(client_for, admin_member, store):
    upload = SimpleUploadedFile("scores.csv", "location;métrique\n".encode("latin-1"), content_type="text/csv")

    response = client_for(admin_member).post(reverse("insights:score_import"), {"file": upload})

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "file": ['The file is not UTF-8 text; save it as "CSV UTF-8" and try again.']
    }


def test_template_csv_has_the_headers_and_example_rows_of_this_organization(client_for, admin_member, store):
    LocationFactory(organization=OrganizationFactory(), name="Elsewhere", code="EL1")

    response = client_for(admin_member).get(reverse("insights:score_template"))

    lines = response.content.decode().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0] == "location,metric,period_start,period_end,value,responses"
    assert [line.split(",")[:2] for line in lines[1:]] == [["LB01", "nps"]]


def test_template_rows_import_cleanly(client_for, admin_member, store):
    LocationFactory(organization=store.organization, name="Bath", code="")
    client = client_for(admin_member)
    text = client.get(reverse("insights:score_template")).content.decode()

    response = client.post(reverse("insights:score_import"), {"file": _upload(text)})

    assert response.status_code == 302
    assert CustomerScore.objects.count() == 2


def test_template_writes_a_code_that_looks_like_a_formula_as_text_and_it_imports_back(client_for, admin_member):
    sneaky = LocationFactory(organization=admin_member.organization, name="Formula store", code="=1+1")
    LocationFactory(organization=admin_member.organization, name="@SUM(A1)", code="")
    client = client_for(admin_member)

    text = client.get(reverse("insights:score_template")).content.decode()

    assert sorted(line.split(",")[0] for line in text.splitlines()[1:]) == ["'=1+1", "'@SUM(A1)"]
    response = client.post(reverse("insights:score_import"), {"file": _upload(text)})
    assert response.status_code == 302
    assert sorted(CustomerScore.objects.values_list("location__name", "metric")) == [
        ("@SUM(A1)", "csat"),
        (sneaky.name, "nps"),
    ]


def test_inactive_member_is_sent_away(client, store):
    gone = MembershipFactory(organization=store.organization, role="admin", is_active=False)
    client.force_login(gone.user)

    response = client.get(reverse("insights:score_create"))

    assert response.status_code in (302, 403)
    assert CustomerScore.objects.count() == 0
