"""The score import template in the person's language, and an import that reads either language's headings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from apps.insights import services
from apps.insights.models import CustomerScore
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    organization = OrganizationFactory(language="en")
    LocationFactory(organization=organization, name="Oslo S", code="OS1")
    return organization


def admin_speaking(language, organization):
    return MembershipFactory(organization=organization, role="admin", user__language=language)


@pytest.mark.parametrize(
    ("language", "filename", "headings"),
    [
        ("nb", "kundescore.csv", "sted,måling,periode_fra,periode_til,verdi,svar"),
        ("en", "customer-scores.csv", "location,metric,period_start,period_end,value,responses"),
    ],
)
def test_the_template_is_in_the_persons_language_and_imports_back(client, organization, language, filename, headings):
    client.force_login(admin_speaking(language, organization).user)

    response = client.get(reverse("insights:score_template"))
    text = response.content.decode("utf-8-sig")
    imported = client.post(reverse("insights:score_import"), {"file": SimpleUploadedFile(filename, response.content)})

    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert text.splitlines()[0] == headings
    assert imported.status_code == 302
    assert list(CustomerScore.objects.values_list("location__code", "metric")) == [("OS1", "nps")]


def test_a_norwegian_file_with_a_decimal_comma_imports_for_an_english_speaker_too(organization):
    admin = admin_speaking("en", organization)
    text = "sted;måling;periode_fra;periode_til;verdi;svar\nOS1;csat;2026-01-01;2026-01-31;4,3;120\n"

    with translation.override("en"):
        report = services.scores_import(acting=admin, text=text)

    assert (report.ok, report.created) == (True, 1)
    assert str(CustomerScore.objects.get().value) == "4.30"


def test_import_problems_name_the_columns_in_the_persons_language(organization):
    admin = admin_speaking("nb", organization)
    text = "location,metric,period_start,period_end,value\nXX,nps,2026-01-01,2026-01-31,abc\n"

    with translation.override("nb"):
        report = services.scores_import(acting=admin, text=text)
        problems = [(p.line, p.heading, p.message) for p in report.problems]

    assert problems == [
        (2, "sted", "Fant ikke noe sted med kode eller navn «XX»."),
        (2, "verdi", "Skriv et tall, f.eks. 42 eller 4,3."),
    ]
