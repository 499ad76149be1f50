"""Reads of certificate intake: a person's own jobs and drafts only (another person's is a 404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from accounts.models import User
from credits.intake.models import IntakeDraft, IntakeJob


def intake_job_get(*, user: User, pk: int) -> IntakeJob:
    job = IntakeJob.objects.filter(user=user, pk=pk).first()
    if job is None:
        raise Http404("No such upload.")
    return job


def intake_draft_get(*, user: User, pk: int) -> IntakeDraft:
    draft = IntakeDraft.objects.select_related("job").filter(job__user=user, pk=pk).first()
    if draft is None:
        raise Http404("No such draft.")
    return draft


@dataclass(frozen=True)
class JobProgress:
    total: int
    read: int  # read or failed (or already confirmed/discarded)
    drafts: list[IntakeDraft]

    @property
    def done(self) -> bool:
        return self.read == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 100


def intake_job_progress(*, job: IntakeJob) -> JobProgress:
    """How far the reading of an upload is, with its drafts in upload order."""
    drafts = list(job.drafts.select_related("activity").order_by("position"))
    read = sum(1 for d in drafts if not d.is_pending)
    return JobProgress(total=len(drafts), read=read, drafts=drafts)
