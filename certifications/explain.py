"""Plain words for the engine's reason codes and statuses (RULES §3, §6), for pages and emails."""

REASON_LABELS = {
    "outside_cycle": "Outside the cycle",
    "ineligible_activity": "Never credited",
    "not_approved": "Not approved",
    "invalid_course_number": "Invalid course number",
    "petition_pending": "Petition pending",
    "petition_denied": "Petition denied",
    "grade_too_low": "Grade too low",
    "before_effective_date": "Rule not yet in force",
    "not_higher_level": "Not a higher level",
    "duplicate_course": "Course already counted",
    "cap_reached": "Limit reached",
}

STATUS_LABELS = {
    "in_progress": ("In progress", "More credits are needed before the cycle ends."),
    "requirements_met": ("Requirements met", "Everything required is earned: the certification can be renewed."),
    "renewed": ("Renewed", "The cycle was renewed."),
    "grace": (
        "Grace period (inactive)",
        "The cycle has ended: the certification is expired and inactive until renewed with the late fee.",
    ),
    "expired": ("Expired", "The cycle ended without a renewal."),
    "lapsed": ("Lapsed", "The grace period is over: only the organization can reinstate the certification."),
    "inactive": ("Inactive", "The certification is inactive."),
    "emeritus": ("Emeritus", "Emeritus status: no renewal needed."),
}
