"""A mail backend for the crash-window test, used in a subprocess: it accepts the message (writes it as a file
in the folder named by GEMBA_TEST_MAILBOX, flushed to disk, as a mail server would have it) and the process
dies at once, before the worker can mark the reminder sent."""

import os
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

KILLED = 70  # the subprocess's exit code when it died right after the send


class AcceptThenDieBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            with open(Path(os.environ["GEMBA_TEST_MAILBOX"]) / f"{uuid.uuid4()}.eml", "wb") as accepted:
                accepted.write(message.message().as_bytes())
                accepted.flush()
                os.fsync(accepted.fileno())
        os._exit(KILLED)
