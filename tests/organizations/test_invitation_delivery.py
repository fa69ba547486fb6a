"""An invitation email is delivered once, and never lost: claims, stale claims, attempts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.organizations import selectors, services
from apps.organizations.models import MAX_SEND_ATTEMPTS, Invitation
from tests.organizations.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def _old(invitation, minutes=5):
    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_a_fresh_claim_makes_a_second_sender_do_nothing(mailoutbox):
    invitation = InvitationFactory()
    Invitation.objects.filter(pk=invitation.pk).update(send_claimed_at=timezone.now())

    assert services.invitation_send(invitation_id=invitation.pk) is False
    assert mailoutbox == []


def test_a_worker_killed_mid_send_leaves_a_stale_claim_that_the_sweep_sends(mailoutbox):
    # given: a worker claimed the row 11 minutes ago and died before marking it sent
    invitation = InvitationFactory()
    _old(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        send_claimed_at=timezone.now() - timedelta(minutes=11), send_attempts=1
    )

    # when
    due = list(selectors.invitations_unsent())
    sent = services.invitation_send(invitation_id=invitation.pk)

    # then
    assert due == [invitation]
    assert sent is True
    assert [message.to for message in mailoutbox] == [[invitation.email]]
    invitation.refresh_from_db()
    assert (invitation.send_attempts, invitation.send_claimed_at) == (2, None)
    assert invitation.sent_at is not None


def test_a_claim_under_ten_minutes_old_is_not_swept():
    invitation = InvitationFactory()
    _old(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(send_claimed_at=timezone.now() - timedelta(minutes=9))

    assert list(selectors.invitations_unsent()) == []


def test_after_the_last_attempt_it_stops_and_the_admin_is_told(client, mailoutbox):
    invitation = InvitationFactory()
    _old(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(send_attempts=MAX_SEND_ATTEMPTS)

    assert list(selectors.invitations_unsent()) == []
    assert services.invitation_send(invitation_id=invitation.pk) is False
    assert mailoutbox == []
    client.force_login(invitation.invited_by.user)
    html = client.get("/org/members/").content.decode()
    assert "(email could not be delivered: revoke and invite again)" in html


def test_a_failed_send_releases_the_claim_and_counts_the_attempt(mail_server_down):
    invitation = InvitationFactory()

    with pytest.raises(ConnectionRefusedError):
        services.invitation_send(invitation_id=invitation.pk)

    invitation.refresh_from_db()
    assert (invitation.sent_at, invitation.send_claimed_at, invitation.send_attempts) == (None, None, 1)
