"""On the demo organization, the review page, its board pack and the monthly email show the same figures: the
summary and every row of "The month in numbers", read from the page's HTML, the PDF's text and the email's
parts; the board's weekly digest and the review of its month agree. An empty month prints an honest empty pack."""

import io
import re
from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from apps.organizations.models import Membership, Organization
from apps.reviews import mailing
from apps.reviews.digests import build_digest, last_week
from apps.reviews.models import MonthlySend, ReviewEmail
from apps.reviews.periods import period_of

pytestmark = pytest.mark.django_db


def flat(text):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", text))).strip()


@pytest.fixture
def northwind(db):
    call_command("seed_demo", stdout=io.StringIO())
    return Organization.objects.get(slug="northwind")


def test_the_page_the_pack_and_the_monthly_email_show_the_same_figures(client, northwind):
    board = Membership.objects.get(organization=northwind, user__email="board@northwind.example")
    client.force_login(board.user)
    page = client.get("/review/", follow=True)
    slug = page.redirect_chain[-1][0].strip("/").split("/")[-1]
    html = page.content.decode()
    summary = flat(re.search(r'id="review-summary">(.*?)</p>', html, re.S)[1])
    rows = {row_id: flat(row) for row_id, row in re.findall(r'<tr id="(figure-[a-z-]+)">(.*?)</tr>', html, re.S)}
    assert len(rows) == 9 and " leaders spent " in summary

    pack = client.post(f"/review/{slug}/pack/")
    reader = PdfReader(io.BytesIO(b"".join(client.get(pack.url).streaming_content)))
    pdf = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert summary in pdf
    for row in rows.values():
        assert row in pdf

    MonthlySend.objects.create(organization=northwind, enabled=True, day=3, roles=["board"])
    now = timezone.now()
    email = ReviewEmail.objects.create(
        organization=northwind,
        recipient=board,
        kind="monthly_review",
        period=slug,
        due_at=now - timedelta(minutes=1),
        expires_at=now + timedelta(days=1),
    )
    mailing.dispatch(now=now)
    assert mailing.deliver(email_id=email.pk) is True
    (message,) = mail.outbox
    assert summary in flat(message.body)
    body_html = flat(message.alternatives[0][0])
    assert summary in body_html
    for row_id in ("figure-hours", "figure-learnings", "figure-verdicts"):
        heading, this_period, before, _change = rows[row_id].rsplit(" ", 3)
        assert f"{heading} {this_period} {before}" in body_html
    attached = PdfReader(io.BytesIO(message.attachments[0][1]))
    assert re.sub(r"\s+", " ", " ".join(p.extract_text() for p in attached.pages)).count(summary) == 1


def test_an_empty_month_prints_an_honest_empty_pack(client_for, world):
    response = client_for(world["board"]).post("/review/2026-02/pack/")

    reader = PdfReader(io.BytesIO(b"".join(client_for(world["board"]).get(response.url).streaming_content)))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Nothing was logged for February 2026 in this scope" in text
    assert "February 2026: 2 leaders spent 0.0 h with customers" in text


def test_the_boards_digest_and_the_review_of_its_month_agree_on_leaders_on_target(client, northwind):
    board = Membership.objects.select_related("user", "organization").get(
        organization=northwind, user__email="board@northwind.example"
    )
    now = timezone.now()
    week = last_week(timezone.localtime(now, ZoneInfo(northwind.time_zone)).date())
    digest = build_digest(membership=board, week=week, now=now)
    lines = [line.text for section in digest.sections for line in section.lines]
    (standing,) = [line for line in lines if line.startswith("Leaders on target in ")]
    month, on, of = re.fullmatch(r"Leaders on target in (.+): (\d+) of (\d+)\.", standing).groups()
    period = period_of(week.sunday)
    assert month == period.label

    client.force_login(board.user)
    html = client.get(f"/review/{period.slug}/").content.decode()
    row = flat(re.search(r'<tr id="figure-on-target">(.*?)</tr>', html, re.S)[1])
    assert row.startswith(f"Leaders on target {on} of {of} ")
