"""Email backends for tests: one that fails, a file per message for real workers, and a slow one to kill a
worker mid-send."""

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


class FileBackend(BaseEmailBackend):
    """Writes each message to its own file in EMAIL_FILE_PATH, the real workers' outbox in tests. Django's file
    backend names a file by the second and the connection's id, which a second connection in the same second can
    reuse: two emails in one file, counted as one."""

    def send_messages(self, messages):
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in messages:
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(messages)


class SlowFileBackend(FileBackend):
    """Waits, then writes as `FileBackend`; slow enough that a test can SIGKILL the worker in the middle of the
    sends."""

    def send_messages(self, messages):
        time.sleep(float(os.environ.get("CECT_TEST_SEND_DELAY", "0.4")))
        return super().send_messages(messages)
