"""Reads for audits."""


def organizations_auditing(*, person) -> set[int]:
    """Ids of the organizations with an audit of `person` open or decided (their staff may see the evidence)."""
    return set()


def audits_awaiting_review(*, organization_ids) -> dict[int, int]:
    """Per organization id, how many audits have documents waiting for a decision (staff digest)."""
    return {}
