"""A real Celery worker consuming from Redis sends the invitation email exactly once."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.organizations import services
from apps.organizations.models import Invitation
from apps.organizations.tasks import invitation_send_task, send_pending_invitations
from tests.organizations.factories import MembershipFactory


def _wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_invitation_email_enqueued_after_commit(purge_queue, celery_worker):
    admin = MembershipFactory(role="admin")

    invitation = services.invitation_create(
        organization=admin.organization, email="New.Leader@Example.com", role="executive", invited_by=admin
    )

    assert _wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == ["new.leader@example.com"]
    assert mail.outbox[0].subject == f"[Gemba] You're invited to {admin.organization.name}"
    assert invitation.token in mail.outbox[0].body
    # the worker marks the invitation sent right after the backend took the email: wait for that commit too
    assert _wait_for(lambda: Invitation.objects.get(pk=invitation.pk).sent_at is not None)


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_duplicate_send_tasks_deliver_one_email(purge_queue, celery_worker):
    admin = MembershipFactory(role="admin")
    invitation = Invitation.objects.create(
        organization=admin.organization,
        email="twice@example.com",
        role="board",
        token="tok-twice",
        invited_by=admin,
        expires_at=timezone.now() + timedelta(days=7),
    )

    for _ in range(3):
        invitation_send_task.delay(invitation.pk)

    assert _wait_for(lambda: len(mail.outbox) >= 1)
    time.sleep(1.0)  # let the duplicates run too
    assert len(mail.outbox) == 1


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_sweep_sends_invitations_whose_task_was_lost(purge_queue, celery_worker):
    admin = MembershipFactory(role="admin")
    lost = Invitation.objects.create(
        organization=admin.organization,
        email="lost@example.com",
        role="executive",
        token="tok-lost",
        invited_by=admin,
        expires_at=timezone.now() + timedelta(days=7),
    )
    Invitation.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    send_pending_invitations.delay()

    assert _wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == ["lost@example.com"]
