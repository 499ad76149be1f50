"""Celery app configured from Django settings (CELERY_ namespace); CELERY_IMPORTS names the task modules."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.local")

app = Celery("cectracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
