"""Celery tasks for audits: thin, take ids, call one service."""

from celery import shared_task
from django.utils import timezone

from .services import audit_packet_render, audit_sweep


@shared_task(acks_late=True, reject_on_worker_lost=True)
def audit_packet_task(packet_id: int) -> str:
    return audit_packet_render(packet_id=packet_id).state


@shared_task(acks_late=True)
def audits_sweep_task() -> dict:
    return audit_sweep(today=timezone.localdate())
