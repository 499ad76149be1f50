"""Celery tasks for audits: thin, take ids, call one service."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .services import audit_packet_render, audit_sweep

# Retries only for a database that is briefly away; backoff stays far below half the visibility timeout.
_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(acks_late=True, reject_on_worker_lost=True, **_RETRY)
def audit_packet_task(packet_id: int) -> str:
    return audit_packet_render(packet_id=packet_id).state


@shared_task(acks_late=True, **_RETRY)
def audits_sweep_task() -> dict:
    return audit_sweep(today=timezone.localdate())
