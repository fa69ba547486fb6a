"""The weekly digest and the monthly review by email: planned on each person's clock, sent once, caught up when
beat was late, never doubled; switched off with one click; every crash window of a worker accounted for."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from pypdf import PdfReader

from apps.notifications import services as notification_services
from apps.notifications.models import ReminderKind
from apps.organizations.models import Membership
from apps.reviews import mailing
from apps.reviews.models import EMAIL_BUILD_TIMEOUT, MonthlySend, ReviewEmail
from tests.organizations.factories import MembershipFactory
from tests.reviews.world import SUMMARY

pytestmark = pytest.mark.django_db
SITE = settings.SITE_URL

# Monday 27 April 2026, 08:00 in London (07:00 UTC): the digest of 20-26 April is due.
MONDAY_8_LONDON = datetime(2026, 4, 27, 7, 0, tzinfo=UTC)
# Sunday 3 May 2026, 07:00 in London (06:00 UTC): the monthly review of April, sent on the 3rd.
MAY_3_7_LONDON = datetime(2026, 5, 3, 6, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def members_since_january(world):
    """The world's members joined before any email is due here (it is built on 20 May, its clock stopped)."""
    Membership.objects.filter(organization=world["org"]).update(created_at=datetime(2026, 1, 1, tzinfo=UTC))


def planned(kind="weekly_digest"):
    return sorted(
        ReviewEmail.objects.filter(kind=kind).values_list("recipient__user__full_name", "period", "due_at", "status")
    )


def deliver_all(now):
    """What the workers would do with everything the sweep hands over."""
    handed = mailing.sweep(now=now)
    for pk in ReviewEmail.objects.filter(status="queued").values_list("pk", flat=True):
        mailing.deliver(email_id=pk, now=now)
    return handed


def people(world):
    return [world[name] for name in ("admin", "leo", "olga", "cleo", "board")]


# --- Planning the digest ------------------------------------------------------------------------------------
def test_the_digest_is_planned_at_monday_8_on_each_persons_clock(world):
    assert mailing.digest_plan(now=MONDAY_8_LONDON - timedelta(minutes=1)) == 1  # Olga: 09:59 in Oslo

    assert planned() == [("Olga Oslo", "2026-W17", datetime(2026, 4, 27, 6, 0, tzinfo=UTC), "pending")]

    assert mailing.digest_plan(now=MONDAY_8_LONDON) == 4
    names = ["Bea Board", "Cleo Chief", "Leo London", "Olga Oslo", world["admin"].display_name]
    assert [row[:2] for row in planned()] == [(name, "2026-W17") for name in sorted(names)]


def test_beat_running_twice_or_late_plans_each_digest_once(world):
    mailing.digest_plan(now=MONDAY_8_LONDON)
    assert mailing.digest_plan(now=MONDAY_8_LONDON + timedelta(minutes=5)) == 0
    # Beat down all Monday: caught up on Tuesday, still once.
    assert mailing.digest_plan(now=MONDAY_8_LONDON + timedelta(days=1)) == 0
    assert ReviewEmail.objects.count() == 5


def test_a_digest_missed_for_too_long_is_not_planned(world):
    # Wednesday 06:00 UTC: past the catch-up window (Monday 08:00 + 40 hours) of every clock here.
    assert mailing.digest_plan(now=MONDAY_8_LONDON + timedelta(days=2)) == 0


def test_someone_who_joined_after_monday_8_waits_for_the_next_digest(world):
    newcomer = MembershipFactory(organization=world["org"], role="executive", user__full_name="Nina New")
    Membership.objects.filter(pk=newcomer.pk).update(created_at=MONDAY_8_LONDON + timedelta(hours=1))

    mailing.digest_plan(now=MONDAY_8_LONDON + timedelta(hours=2))
    assert "Nina New" not in [row[0] for row in planned()]
    mailing.digest_plan(now=MONDAY_8_LONDON + timedelta(weeks=1))
    assert ("Nina New", "2026-W18") in [row[:2] for row in planned()]


def test_a_member_who_left_or_has_no_email_gets_no_digest(world):
    world["leo"].is_active = False
    world["leo"].save()
    world["board"].user.email = ""
    world["board"].user.save()

    mailing.digest_plan(now=MONDAY_8_LONDON)

    assert [row[0] for row in planned()] == sorted(["Cleo Chief", "Olga Oslo", world["admin"].display_name])


# --- Sending the digest -------------------------------------------------------------------------------------
def test_each_person_gets_their_digest_once_with_its_parts_and_headers(world):
    assert deliver_all(MONDAY_8_LONDON) == 5
    deliver_all(MONDAY_8_LONDON + timedelta(minutes=5))

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == len(by_recipient) == 5
    leo = by_recipient[world["leo"].user.email]
    assert leo.subject == "[Gemba] Your week with customers, 20 Apr – 26 Apr 2026"
    html = leo.alternatives[0][0]
    assert leo.alternatives[0][1] == "text/html"
    assert re.fullmatch(r"<[\d.]+\.weekly-digest@127\.0\.0\.1>", leo.extra_headers["Message-ID"])
    row = ReviewEmail.objects.get(recipient=world["leo"])
    assert (row.status, row.attempts, row.message_id) == ("sent", 1, leo.extra_headers["Message-ID"])
    unsubscribe = re.fullmatch(rf"<({SITE}/notifications/unsubscribe/[^>]+/)>", leo.extra_headers["List-Unsubscribe"])
    assert unsubscribe
    assert leo.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1] in html and unsubscribe[1] in leo.body


def test_an_empty_digest_is_not_sent(world):
    # An executive of an organization with no target and nothing logged or planned: nothing to say.
    quiet = MembershipFactory(role="executive", user__full_name="Quinn Quiet")
    Membership.objects.filter(pk=quiet.pk).update(created_at=datetime(2026, 1, 1, tzinfo=UTC))

    deliver_all(MONDAY_8_LONDON)

    assert ReviewEmail.objects.get(recipient=quiet).status == "empty"
    assert quiet.user.email not in [message.to[0] for message in mail.outbox]


def test_one_click_unsubscribe_stops_the_next_digest(client, world):
    deliver_all(MONDAY_8_LONDON)
    message = next(m for m in mail.outbox if m.to == [world["leo"].user.email])
    url = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix(SITE)

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    mail.outbox.clear()
    next_monday = MONDAY_8_LONDON + timedelta(weeks=1)
    deliver_all(next_monday)
    row = ReviewEmail.objects.get(recipient=world["leo"], period="2026-W18")
    assert (row.status, row.note) == ("skipped", "this email switched off")
    assert world["leo"].user.email not in [m.to[0] for m in mail.outbox]


def test_emails_switched_off_altogether_skip_the_digest(world):
    notification_services.preference_update(
        user=world["olga"].user, email_enabled=False, disabled_kinds=[], session_lead_minutes=[60]
    )

    deliver_all(MONDAY_8_LONDON)

    assert ReviewEmail.objects.get(recipient=world["olga"]).status == "skipped"


# --- The monthly review -------------------------------------------------------------------------------------
def send_monthly(world, **fields):
    return MonthlySend.objects.create(organization=world["org"], enabled=True, day=3, **fields)


def test_the_monthly_review_is_planned_on_the_chosen_day_at_7(world):
    send = send_monthly(world, roles=["board"])
    send.people.add(world["cleo"])

    assert mailing.monthly_plan(now=MAY_3_7_LONDON - timedelta(minutes=1)) == 0
    assert mailing.monthly_plan(now=MAY_3_7_LONDON) == 2
    assert planned("monthly_review") == [
        ("Bea Board", "2026-04", MAY_3_7_LONDON, "pending"),
        ("Cleo Chief", "2026-04", MAY_3_7_LONDON, "pending"),
    ]
    assert mailing.monthly_plan(now=MAY_3_7_LONDON + timedelta(days=2)) == 0  # caught up or not, once


def test_a_missed_send_day_is_caught_up_once(world):
    send_monthly(world, roles=["board"])

    # Beat and the workers were down on the 3rd: on the 5th the review still goes, once.
    deliver_all(MAY_3_7_LONDON + timedelta(days=2))
    deliver_all(MAY_3_7_LONDON + timedelta(days=2, minutes=5))

    monthly = [m.to for m in mail.outbox if m.subject == "[Gemba] Customer review: April 2026"]
    assert monthly == [[world["board"].user.email]]


def test_the_monthly_email_has_the_summary_in_its_body_and_the_pack_attached(world):
    send_monthly(world, roles=["board"])

    deliver_all(MAY_3_7_LONDON)

    (message,) = mail.outbox
    assert message.subject == "[Gemba] Customer review: April 2026"
    assert SUMMARY in message.body
    assert SUMMARY in message.alternatives[0][0]
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("customer-review-2026-04.pdf", "application/pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Generated 3 May 2026, 07:00 by Gemba." in re.sub(r"\s+", " ", text)
    assert "The board pack is attached: " in message.body


def test_a_pack_over_5_mb_is_linked_behind_login_instead(world, monkeypatch):
    monkeypatch.setattr(mailing, "MAX_ATTACHMENT_BYTES", 100)
    send_monthly(world, roles=["board"])

    deliver_all(MAY_3_7_LONDON)

    (message,) = mail.outbox
    assert message.attachments == []
    link = re.search(rf"{SITE}/review/packs/(\d+)/download/", message.body)
    assert link and link[0] in message.alternatives[0][0]
    assert "is too large to attach: download it from Gemba (signing in is needed)." in message.body


def test_a_chief_of_staff_gets_their_teams_review(world):
    send_monthly(world, roles=["chief_of_staff"])

    deliver_all(MAY_3_7_LONDON)

    (message,) = mail.outbox
    assert "Cleo Chief's executives" in message.body
    assert "1 leader spent 1.5 h with customers" in message.body


def test_a_monthly_send_switched_off_after_planning_sends_nothing(world):
    send = send_monthly(world, roles=["board"])
    mailing.monthly_plan(now=MAY_3_7_LONDON)
    MonthlySend.objects.filter(pk=send.pk).update(enabled=False)

    deliver_all(MAY_3_7_LONDON)

    assert mail.outbox == []
    assert ReviewEmail.objects.get().status == "skipped"


def test_the_monthly_review_in_norwegian_for_a_norwegian_reader(world):
    world["board"].user.language = "nb"
    world["board"].user.save()
    send_monthly(world, roles=["board"])

    deliver_all(MAY_3_7_LONDON)

    (message,) = mail.outbox
    assert message.subject == "[Gemba] Kundegjennomgang: april 2026"
    assert message.attachments[0][0] == "kundegjennomgang-2026-04.pdf"


# --- Crash windows --------------------------------------------------------------------------------------------
def claimed(world):
    """Leo's digest, planned and claimed by a worker that is writing it."""
    mailing.digest_plan(now=MONDAY_8_LONDON)
    ReviewEmail.objects.exclude(recipient=world["leo"]).delete()
    mailing.dispatch(now=MONDAY_8_LONDON)
    row = ReviewEmail.objects.get()
    return mailing._claim(row.pk)


def test_a_worker_that_died_while_writing_is_replaced_and_the_email_sent_once(world):
    dead = claimed(world)

    # The sweep after the build timeout hands it to another worker, which sends it with the same Message-ID.
    later = timezone.now() + EMAIL_BUILD_TIMEOUT + timedelta(seconds=1)
    assert mailing.dispatch(now=later) == 1
    assert mailing.deliver(email_id=dead.pk, now=MONDAY_8_LONDON) is True

    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == dead.message_id
    row = ReviewEmail.objects.get()
    assert (row.status, row.attempts) == ("sent", 2)


def test_a_slow_worker_taken_over_while_writing_sends_nothing(world, monkeypatch):
    slow = claimed(world)
    later = timezone.now() + EMAIL_BUILD_TIMEOUT + timedelta(seconds=1)
    mailing.dispatch(now=later)
    assert mailing.deliver(email_id=slow.pk, now=MONDAY_8_LONDON) is True  # the second worker

    # The first worker wakes up, finishes writing and tries to hand its message over: its claim is gone.
    assert mailing._hand_over(slow) is False
    assert len(mail.outbox) == 1


def test_a_worker_that_died_while_handing_over_is_never_sent_again(world):
    email = claimed(world)
    ReviewEmail.objects.filter(pk=email.pk).update(status="handing")

    later = timezone.now() + EMAIL_BUILD_TIMEOUT + timedelta(seconds=1)
    assert mailing.dispatch(now=later) == 0
    assert ReviewEmail.objects.get().status == "unconfirmed"
    assert mailing.deliver(email_id=email.pk, now=MONDAY_8_LONDON) is False
    assert mail.outbox == []


def test_a_refused_send_is_retried_with_the_same_message_id(world, monkeypatch):
    email = claimed(world)
    ReviewEmail.objects.filter(pk=email.pk).update(status="queued")
    calls = []

    def refuse(self, fail_silently=False):
        calls.append(self.extra_headers["Message-ID"])
        raise ConnectionRefusedError("mail server down")

    original = EmailMultiAlternatives.send
    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(ConnectionRefusedError):
        mailing.deliver(email_id=email.pk, now=MONDAY_8_LONDON)
    assert ReviewEmail.objects.get().status == "queued"
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)  # the server is back

    assert mailing.deliver(email_id=email.pk, now=MONDAY_8_LONDON) is True
    assert calls == [mail.outbox[0].extra_headers["Message-ID"]]


def test_an_email_past_its_catch_up_is_expired_not_sent(world):
    mailing.digest_plan(now=MONDAY_8_LONDON)

    mailing.dispatch(now=MONDAY_8_LONDON + timedelta(days=3))

    assert set(ReviewEmail.objects.values_list("status", flat=True)) == {"expired"}
    assert mail.outbox == []


def test_the_kinds_are_the_reminder_kinds_a_person_switches_off():
    assert {"weekly_digest", "monthly_review"} <= set(ReminderKind.values)


def test_an_admin_sends_an_unconfirmed_email_again_under_its_message_id(world):
    email = claimed(world)
    ReviewEmail.objects.filter(pk=email.pk).update(status="unconfirmed")

    assert mailing.emails_send_again(ids=[email.pk, 10**9]) == 1
    deliver_all(timezone.now())

    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == email.message_id
    assert ReviewEmail.objects.get().status == "sent"


def test_one_sweep_hands_over_every_due_email_whatever_their_number(world, monkeypatch):
    monkeypatch.setattr(mailing, "DISPATCH_BATCH", 2)
    mailing.digest_plan(now=MONDAY_8_LONDON)

    assert mailing.dispatch(now=MONDAY_8_LONDON) == 5
    assert set(ReviewEmail.objects.values_list("status", flat=True)) == {"queued"}
