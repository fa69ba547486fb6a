from celery import shared_task

from . import selectors, services


@shared_task(name="organizations.send_invitation", bind=True, max_retries=5, default_retry_delay=30)
def invitation_send_task(self, invitation_id):
    try:
        services.invitation_send(invitation_id=invitation_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(name="organizations.send_pending_invitations")
def send_pending_invitations():
    """Sweep: invitations whose send task was never enqueued (broker down) still go out."""
    for invitation_id in selectors.invitations_unsent().values_list("pk", flat=True):
        invitation_send_task.delay(invitation_id)
