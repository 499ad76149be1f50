"""Which fields each activity kind records (RULES §8), shared by the form, the API and the services."""

from certifications.rules.params import ACTIVITY_KINDS

# Fields every kind records.
COMMON_FIELDS = ("kind", "completed_on", "title", "notes")
# Fields a kind records on top of the common ones; the rest are cleared.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "approved_course": ("awarding_org", "course_number", "amount"),
    "other_org_course": ("awarding_org", "amount", "hours"),
    "college_course": ("credit_hours", "term", "grade"),
    "cpr": ("hours",),
    "aed": ("hours",),
    "first_aid": ("hours",),
    "teaching": ("amount", "hours"),
    "lecturing": ("amount", "hours"),
    "publication": (),
    "new_certification": ("new_credential",),
    "attendance_only": ("hours",),
    "workout": ("hours",),
    "job_duties": ("hours",),
    "job_shadowing": ("hours",),
    "reading": ("hours",),
    "auditing": ("hours",),
    "emt": ("hours",),
    "lifeguarding": ("hours",),
}
# Fields a kind cannot do without (approved_course's amount and course number depend on the catalog).
REQUIRED: dict[str, tuple[str, ...]] = {
    "approved_course": ("awarding_org",),
    "other_org_course": ("awarding_org", "title"),
    "college_course": ("title", "credit_hours", "term", "grade"),
    "teaching": ("amount",),
    "lecturing": ("amount",),
    "publication": ("title",),
    "new_certification": ("new_credential",),
}
# A person logs these kinds; "petition" is not one: a petition is filed on an activity.
LOGGABLE_KINDS = tuple(kind for kind in ACTIVITY_KINDS if kind in KIND_FIELDS)

KIND_LABELS: dict[str, str] = {
    "approved_course": "Approved course (course number from ACE, ACSM, ...)",
    "other_org_course": "Another organization's course (NASM, NSCA, ...)",
    "college_course": "College course",
    "cpr": "CPR",
    "aed": "AED",
    "first_aid": "First aid",
    "teaching": "Teaching",
    "lecturing": "Lecturing",
    "publication": "Publication (article, book, abstract)",
    "new_certification": "New, higher certification earned",
    "attendance_only": "Workshop or conference (attendance certificate only)",
    "workout": "Workout session",
    "job_duties": "Job duties",
    "job_shadowing": "Job shadowing",
    "reading": "Reading books or articles",
    "auditing": "Auditing a college course",
    "emt": "EMT training",
    "lifeguarding": "Lifeguarding",
}
KIND_CHOICES = [(kind, KIND_LABELS[kind]) for kind in LOGGABLE_KINDS]


def short_label(kind: str) -> str:
    """The kind's name without the explanation in brackets, for lists."""
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()).split(" (")[0]


FIELD_LABELS = {
    "awarding_org": "Organization",
    "course_number": "Course number",
    "amount": "CECs",
    "hours": "Hours",
    "credit_hours": "Credit hours",
    "term": "Term",
    "grade": "Grade",
    "new_credential": "New certification",
    "title": "Title",
    "completed_on": "Completion date",
}

# Fields that hold a number, text or a related object (for clearing what a kind does not record).
NUMBER_FIELDS = ("amount", "hours", "credit_hours")
TEXT_FIELDS = ("awarding_org", "course_number", "term", "grade")


def fields_for(kind: str) -> tuple[str, ...]:
    """Every field a kind records, the common ones first."""
    return COMMON_FIELDS + KIND_FIELDS.get(kind, ())
