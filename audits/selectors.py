"""Reads for audits."""


def organizations_auditing(*, person) -> set[int]:
    """Ids of the organizations with an audit of `person` open or decided (their staff may see the evidence)."""
    return set()
