"""Demo data for `load_demo`: a trainer with certifications and activities."""


def load_trainer_demo(*, trainer, organizations, provider) -> None:
    """Give the demo trainer something to look at (filled in as features land)."""
