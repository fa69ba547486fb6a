"""An email backend for the worker-kill test: waits before writing, so a worker can die mid-send.

Only what leaves the machine (SMTP) is replaced; the messages land as files that the test counts.
"""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileEmailBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "0")))
        return super().send_messages(email_messages)
