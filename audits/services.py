"""Writes for audits."""


def audit_consider(*, renewal) -> None:
    """Called once for every submitted renewal: select it for audit at the organization's rate."""
