"""Email backends for notification tests: one that fails, one slow enough to kill a worker mid-send."""

import os
import smtplib
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    """Raises an SMTP error while `FlakyBackend.failures` is above zero, then delivers to mail.outbox."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)


class SlowFileBackend(BaseEmailBackend):
    """Waits, then writes each message to its own file in EMAIL_FILE_PATH; slow enough that a test
    can SIGKILL the worker in the middle of the sends."""

    def send_messages(self, messages):
        time.sleep(float(os.environ.get("CECT_TEST_SEND_DELAY", "0.4")))
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in messages:
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(messages)
