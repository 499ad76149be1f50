from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def completions_notify_task(*, request_id: str) -> int:
    """Tell the people matched by one provider report (once each; the ledger key makes reruns harmless)."""
    from .provider_services import completions_notify

    return completions_notify(request_id=request_id)


@shared_task
def idempotency_keys_purge_task() -> int:
    """Delete provider Idempotency-Keys past their 24 hours (scheduled by django-celery-beat)."""
    from .provider_services import idempotency_keys_purge

    return idempotency_keys_purge()
