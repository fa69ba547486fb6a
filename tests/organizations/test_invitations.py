"""Invitations: create (and send after commit), send once, accept, revoke, and the sweep for unsent ones."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.organizations import selectors, services
from apps.organizations.models import Invitation, Membership, Role
from apps.organizations.tasks import invitation_send_task, send_pending_invitations
from tests.accounts.factories import UserFactory
from tests.organizations.factories import InvitationFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://gemba.example"
FAR_FUTURE = datetime(2099, 3, 4, 15, 30, tzinfo=UTC)


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE_URL
    return SITE_URL


@pytest.fixture
def inviter(organization):
    return MembershipFactory(organization=organization, role=Role.ADMIN, user=UserFactory(full_name="Ada Admin"))


def _invitation_row(invitation):
    stored = Invitation.objects.get(pk=invitation.pk)
    return (stored.email, stored.role, stored.sent_at, stored.accepted_at, stored.accepted_by_id, stored.revoked_at)


def _age(invitation, **delta):
    """Pretend the invitation was created `delta` ago (created_at is set by auto_now_add)."""
    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - timedelta(**delta))


# --- invitation_create ------------------------------------------------------------------------------
def test_invitation_create_lowercases_the_email_and_sets_role_inviter_token_and_expiry(organization, inviter):
    # given
    before = timezone.now()

    # when
    invitation = services.invitation_create(
        organization=organization, email="  New.Person@Example.COM ", role=Role.CHIEF_OF_STAFF, invited_by=inviter
    )

    # then
    after = timezone.now()
    stored = Invitation.objects.get()
    assert stored.pk == invitation.pk
    assert (stored.organization, stored.email, stored.role, stored.invited_by) == (
        organization,
        "new.person@example.com",
        "chief_of_staff",
        inviter,
    )
    assert len(stored.token) == 43
    assert before + timedelta(days=7) <= stored.expires_at <= after + timedelta(days=7)
    assert (stored.sent_at, stored.accepted_at, stored.accepted_by, stored.revoked_at) == (None, None, None, None)
    assert stored.status(after) == "pending"


def test_invitation_create_uses_the_configured_time_to_live(organization, inviter, settings):
    # given
    settings.INVITATION_TTL_DAYS = 2
    before = timezone.now()

    # when
    invitation = services.invitation_create(
        organization=organization, email="a@example.com", role=Role.BOARD, invited_by=inviter
    )

    # then
    assert before + timedelta(days=2) <= invitation.expires_at <= timezone.now() + timedelta(days=2)


def test_each_invitation_gets_its_own_token(organization, inviter):
    # when
    first = services.invitation_create(
        organization=organization, email="a@example.com", role="board", invited_by=inviter
    )
    second = services.invitation_create(
        organization=organization, email="b@example.com", role="board", invited_by=inviter
    )

    # then
    assert first.token != second.token


def test_invitation_create_revokes_earlier_pending_invitations_to_the_same_address(organization, inviter):
    # given
    pending = InvitationFactory(organization=organization, email="Sam@Example.com")
    already_sent = InvitationFactory(organization=organization, email="sam@example.com", sent_at=timezone.now())
    accepted = InvitationFactory(organization=organization, email="sam@example.com", accepted_at=timezone.now())
    expired = InvitationFactory(organization=organization, email="sam@example.com", expires_at=timezone.now())
    other_address = InvitationFactory(organization=organization, email="kim@example.com")
    other_organization = InvitationFactory(email="sam@example.com")

    # when
    new = services.invitation_create(
        organization=organization, email="SAM@example.com", role="board", invited_by=inviter
    )

    # then
    now = timezone.now()
    statuses = {inv.pk: inv.status(now) for inv in Invitation.objects.all()}
    assert statuses == {
        pending.pk: "revoked",
        already_sent.pk: "revoked",
        accepted.pk: "accepted",
        expired.pk: "expired",
        other_address.pk: "pending",
        other_organization.pk: "pending",
        new.pk: "pending",
    }


@pytest.mark.parametrize("typed", ["member@example.com", "MEMBER@Example.com", " member@example.com "])
def test_invitation_create_refuses_an_existing_member_and_changes_nothing(organization, inviter, typed):
    # given
    MembershipFactory(organization=organization, user=UserFactory(email="member@example.com"))
    earlier = InvitationFactory(organization=organization, email="member@example.com")

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(organization=organization, email=typed, role=Role.EXECUTIVE, invited_by=inviter)

    # then
    assert excinfo.value.message_dict == {"email": ["This person is already a member."]}
    assert list(Invitation.objects.values_list("pk", "revoked_at")) == [(earlier.pk, None)]


def test_invitation_create_refuses_a_deactivated_member_too(organization, inviter):
    # given: reactivating is done on the member's page
    MembershipFactory(organization=organization, user=UserFactory(email="gone@example.com"), is_active=False)

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(
            organization=organization, email="gone@example.com", role="board", invited_by=inviter
        )

    # then
    assert excinfo.value.message_dict == {
        "email": ["This person is a deactivated member: reactivate them on their page."]
    }
    assert Invitation.objects.count() == 0


def test_invitation_create_accepts_a_member_of_another_organization(organization, inviter):
    # given
    MembershipFactory(user=UserFactory(email="elsewhere@example.com"))

    # when
    services.invitation_create(
        organization=organization, email="elsewhere@example.com", role="board", invited_by=inviter
    )

    # then
    assert list(Invitation.objects.values_list("organization", "email")) == [(organization.pk, "elsewhere@example.com")]


@pytest.mark.parametrize(
    ("email", "role", "message_dict"),
    [
        ("not-an-email", Role.EXECUTIVE, {"email": ["Enter a valid email address."]}),
        ("ok@example.com", "owner", {"role": ["Value 'owner' is not a valid choice."]}),
    ],
)
def test_invitation_create_validates_email_and_role(organization, inviter, email, role, message_dict):
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(organization=organization, email=email, role=role, invited_by=inviter)

    # then
    assert excinfo.value.message_dict == message_dict
    assert Invitation.objects.count() == 0


def test_invitation_create_enqueues_sending_only_after_commit(
    organization, inviter, site_url, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.invitation_create(
            organization=organization, email="new@example.com", role=Role.EXECUTIVE, invited_by=inviter
        )
        # then: nothing is sent while the transaction is open
        assert mailoutbox == []
        assert Invitation.objects.get(pk=invitation.pk).sent_at is None

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_invitation_create_sends_the_email_after_commit(
    organization, inviter, site_url, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    organization.name = "Northwind"
    organization.save()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation = services.invitation_create(
            organization=organization, email="New@Example.com", role=Role.CHIEF_OF_STAFF, invited_by=inviter
        )

    # then
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    accept_url = f"{SITE_URL}/org/invitations/accept/{invitation.token}/"
    assert message.subject == "[Gemba] You're invited to Northwind"
    assert message.to == ["new@example.com"]
    assert message.from_email == "Gemba <gemba@localhost>"
    assert "Ada Admin invites you to join Northwind on Gemba as chief of staff." in message.body
    assert f"Accept the invitation: {accept_url}\n" in message.body
    assert len(message.alternatives) == 1
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{accept_url}"' in html
    assert (
        "<strong>Ada Admin</strong> invites you to join <strong>Northwind</strong> on Gemba as chief of staff." in html
    )
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None


def test_invitation_create_stands_when_sending_fails(
    organization, inviter, celery_eager, mail_server_down, mailoutbox, django_capture_on_commit_callbacks
):
    # when: the send task fails (and so do its retries) after the commit
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organization=organization, email="new@example.com", role=Role.BOARD, invited_by=inviter
        )

    # then: the invitation is saved, pending and unsent, so the sweep sends it later
    stored = Invitation.objects.get(pk=invitation.pk)
    assert (stored.email, stored.sent_at, stored.status(timezone.now())) == ("new@example.com", None, "pending")
    assert mailoutbox == []


# --- invitation_send --------------------------------------------------------------------------------
def test_invitation_send_emails_text_and_html_with_the_accept_link(site_url, mailoutbox):
    # given
    organization = OrganizationFactory(name="Northwind")
    inviter = MembershipFactory(organization=organization, role=Role.ADMIN, user=UserFactory(full_name="Ada Admin"))
    invitation = InvitationFactory(
        organization=organization, email="kim@example.com", role=Role.BOARD, invited_by=inviter, expires_at=FAR_FUTURE
    )

    # when
    sent = services.invitation_send(invitation_id=invitation.pk)

    # then
    assert sent is True
    accept_url = f"{SITE_URL}/org/invitations/accept/{invitation.token}/"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "[Gemba] You're invited to Northwind"
    assert message.to == ["kim@example.com"]
    assert message.body == (
        "Hello,\n\n"
        "Ada Admin invites you to join Northwind on Gemba as board member.\n\n"
        "Gemba makes the time leaders spend with customers visible, planned and useful.\n\n"
        f"Accept the invitation: {accept_url}\n\n"
        "The link works until 4 March 2099, 15:30 GMT. If you did not expect it, ignore this email.\n\n"
    )
    assert [mimetype for _, mimetype in message.alternatives] == ["text/html"]
    html = message.alternatives[0][0]
    assert f'<a href="{accept_url}"' in html
    assert "The link works until 4 March 2099, 15:30 GMT." in html
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None


def test_invitation_send_names_the_organization_when_the_inviter_is_gone(site_url, mailoutbox):
    # given
    invitation = InvitationFactory(organization=OrganizationFactory(name="Northwind"), invited_by=None)

    # when
    services.invitation_send(invitation_id=invitation.pk)

    # then
    assert "Northwind invites you to join Northwind on Gemba as executive." in mailoutbox[0].body


def test_invitation_send_twice_sends_one_email(mailoutbox):
    # given
    invitation = InvitationFactory()
    assert services.invitation_send(invitation_id=invitation.pk) is True
    sent_at = Invitation.objects.get(pk=invitation.pk).sent_at

    # when
    again = services.invitation_send(invitation_id=invitation.pk)

    # then
    assert again is False
    assert len(mailoutbox) == 1
    assert Invitation.objects.get(pk=invitation.pk).sent_at == sent_at


@pytest.mark.parametrize(
    "state",
    [
        {"revoked_at": datetime(2026, 1, 1, tzinfo=UTC)},
        {"accepted_at": datetime(2026, 1, 1, tzinfo=UTC)},
        {"expires_at": datetime(2020, 1, 1, tzinfo=UTC)},
    ],
    ids=["revoked", "accepted", "expired"],
)
def test_invitation_send_skips_invitations_that_are_no_longer_pending(mailoutbox, state):
    # given
    invitation = InvitationFactory(**state)

    # when
    sent = services.invitation_send(invitation_id=invitation.pk)

    # then
    assert sent is False
    assert mailoutbox == []
    assert Invitation.objects.get(pk=invitation.pk).sent_at is None


def test_invitation_send_releases_its_claim_when_the_mail_server_fails(mail_server_down, mailoutbox):
    # given
    invitation = InvitationFactory()

    # when
    with pytest.raises(ConnectionRefusedError):
        services.invitation_send(invitation_id=invitation.pk)

    # then: a retry or the sweep may send it later
    assert Invitation.objects.get(pk=invitation.pk).sent_at is None
    assert invitation.pk in [inv.pk for inv in selectors.invitations_unsent(min_age_seconds=0)]


def test_invitation_send_task_sends_through_the_service(celery_eager, mailoutbox):
    # given
    invitation = InvitationFactory(email="task@example.com")

    # when
    invitation_send_task.apply(args=[invitation.pk])
    invitation_send_task.apply(args=[invitation.pk])

    # then
    assert [m.to for m in mailoutbox] == [["task@example.com"]]


# --- invitation_accept ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", Role.values)
def test_invitation_accept_joins_the_organization_with_the_invited_role(organization, role):
    # given
    invitation = InvitationFactory(organization=organization, email="kim@example.com", role=role)
    user = UserFactory(email="Kim@Example.com")

    # when
    membership = services.invitation_accept(invitation=invitation, user=user)

    # then
    assert list(Membership.objects.filter(user=user).values_list("pk", "organization", "role", "is_active")) == [
        (membership.pk, organization.pk, role, True)
    ]
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.accepted_by == user
    assert stored.status(timezone.now()) == "accepted"


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"expires_at": datetime(2020, 1, 1, tzinfo=UTC)}, "This invitation is expired."),
        ({"revoked_at": datetime(2026, 1, 1, tzinfo=UTC)}, "This invitation is revoked."),
        ({"accepted_at": datetime(2026, 1, 1, tzinfo=UTC)}, "This invitation is accepted."),
    ],
    ids=["expired", "revoked", "accepted"],
)
def test_invitation_accept_refuses_an_invitation_that_is_not_pending(organization, state, message):
    # given
    invitation = InvitationFactory(organization=organization, email="kim@example.com", **state)
    user = UserFactory(email="kim@example.com")
    before = _invitation_row(invitation)

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(invitation=invitation, user=user)

    # then
    assert excinfo.value.messages == [message]
    assert Membership.objects.filter(user=user).count() == 0
    assert _invitation_row(invitation) == before


def test_invitation_accept_reads_the_invitation_again_under_lock(organization):
    # given: the caller holds a stale copy; meanwhile an admin revoked it
    invitation = InvitationFactory(organization=organization, email="kim@example.com")
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    user = UserFactory(email="kim@example.com")

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(invitation=invitation, user=user)

    # then
    assert excinfo.value.messages == ["This invitation is revoked."]
    assert Membership.objects.filter(user=user).count() == 0


def test_invitation_accept_refuses_another_email_address_and_changes_nothing(organization):
    # given
    invitation = InvitationFactory(organization=organization, email="kim@example.com")
    intruder = UserFactory(email="someone.else@example.com")
    before = _invitation_row(invitation)

    # when
    with pytest.raises(PermissionDenied) as excinfo:
        services.invitation_accept(invitation=invitation, user=intruder)

    # then
    assert str(excinfo.value) == "This invitation was sent to another email address."
    assert Membership.objects.filter(user=intruder).count() == 0
    assert _invitation_row(invitation) == before


def test_invitation_accept_reactivates_a_former_member_with_the_invited_role(organization):
    # given
    user = UserFactory(email="kim@example.com")
    former = MembershipFactory(organization=organization, user=user, role=Role.EXECUTIVE, is_active=False)
    invitation = InvitationFactory(organization=organization, email="kim@example.com", role=Role.BOARD)

    # when
    membership = services.invitation_accept(invitation=invitation, user=user)

    # then
    assert membership.pk == former.pk
    assert list(Membership.objects.filter(user=user).values_list("role", "is_active")) == [("board", True)]


def test_invitation_accept_by_an_active_member_keeps_their_role(organization):
    # given
    user = UserFactory(email="kim@example.com")
    MembershipFactory(organization=organization, user=user, role=Role.ADMIN)
    invitation = InvitationFactory(organization=organization, email="kim@example.com", role=Role.BOARD)

    # when
    services.invitation_accept(invitation=invitation, user=user)

    # then
    assert list(Membership.objects.filter(user=user).values_list("role", "is_active")) == [("admin", True)]
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == user


def test_an_invitation_can_be_accepted_once(organization):
    # given
    invitation = InvitationFactory(organization=organization, email="kim@example.com")
    user = UserFactory(email="kim@example.com")
    services.invitation_accept(invitation=invitation, user=user)

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(invitation=invitation, user=user)

    # then
    assert excinfo.value.messages == ["This invitation is accepted."]
    assert Membership.objects.filter(user=user).count() == 1


# --- invitation_revoke ------------------------------------------------------------------------------
def test_invitation_revoke_revokes_a_pending_invitation():
    # given
    invitation = InvitationFactory()

    # when
    services.invitation_revoke(invitation=invitation)

    # then
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.status(timezone.now()) == "revoked"
    assert stored.revoked_at == invitation.revoked_at


def test_invitation_revoke_keeps_the_first_revocation_time():
    # given
    first = datetime(2026, 1, 1, tzinfo=UTC)
    invitation = InvitationFactory(revoked_at=first)

    # when
    services.invitation_revoke(invitation=invitation)

    # then
    assert Invitation.objects.get(pk=invitation.pk).revoked_at == first


def test_invitation_revoke_leaves_an_accepted_invitation_alone():
    # given
    invitation = InvitationFactory(accepted_at=datetime(2026, 1, 1, tzinfo=UTC))

    # when
    services.invitation_revoke(invitation=invitation)

    # then
    stored = Invitation.objects.get(pk=invitation.pk)
    assert (stored.revoked_at, stored.status(timezone.now())) == (None, "accepted")


# --- the sweep: send_pending_invitations ------------------------------------------------------------
@pytest.fixture
def invitations_in_every_state():
    """One invitation per reason to be (or not be) picked up by the sweep."""
    now = timezone.now()
    due = InvitationFactory(email="due@example.com")
    _age(due, minutes=3)
    older_due = InvitationFactory(email="older@example.com")
    _age(older_due, hours=2)
    fresh = InvitationFactory(email="fresh@example.com")  # its own task may still be on the way
    _age(fresh, seconds=60)
    for email, state in [
        ("sent@example.com", {"sent_at": now - timedelta(minutes=5)}),
        ("expired@example.com", {"expires_at": now - timedelta(minutes=1)}),
        ("revoked@example.com", {"revoked_at": now - timedelta(minutes=1)}),
        ("accepted@example.com", {"accepted_at": now - timedelta(minutes=1)}),
    ]:
        _age(InvitationFactory(email=email, **state), minutes=10)
    return older_due, due


def test_invitations_unsent_selects_unsent_unexpired_invitations_older_than_two_minutes(invitations_in_every_state):
    # given
    older_due, due = invitations_in_every_state

    # when
    selected = list(selectors.invitations_unsent())

    # then: oldest first
    assert selected == [older_due, due]


def test_invitations_unsent_takes_a_batch_of_the_oldest(invitations_in_every_state):
    # given
    older_due, _ = invitations_in_every_state

    # when
    selected = list(selectors.invitations_unsent(limit=1))

    # then
    assert selected == [older_due]


def test_send_pending_invitations_sends_only_the_selected_ones(invitations_in_every_state, celery_eager, mailoutbox):
    # when
    send_pending_invitations.apply()

    # then
    assert sorted(m.to[0] for m in mailoutbox) == ["due@example.com", "older@example.com"]
    unsent = set(Invitation.objects.filter(sent_at__isnull=True).values_list("email", flat=True))
    assert unsent == {"fresh@example.com", "expired@example.com", "revoked@example.com", "accepted@example.com"}


def test_send_pending_invitations_twice_sends_each_invitation_once(
    invitations_in_every_state, celery_eager, mailoutbox
):
    # when
    send_pending_invitations.apply()
    send_pending_invitations.apply()

    # then
    assert sorted(m.to[0] for m in mailoutbox) == ["due@example.com", "older@example.com"]
