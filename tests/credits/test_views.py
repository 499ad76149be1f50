"""Trainer pages: list with per-certification results, forms by kind, htmx lookup, edit/delete, petitions."""

import datetime as dt
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from accounts.models import ActionLog
from credits.kinds import short_label
from credits.models import Activity, Evidence, Petition
from credits.services import evidence_attach
from tests.credits.conftest import make_pdf, make_pdf_of_size, make_png, upload
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_t(client, trainer):
    client.force_login(trainer)
    return client


def test_the_list_shows_each_activity_against_every_certification_with_the_reason_in_words(
    client_t, trainer, ace_cert, acsm_cert
):
    for month, amount in ((2, "4"), (3, "3")):
        ActivityFactory(
            user=trainer,
            kind="teaching",
            title=f"Teaching {month}",
            amount=Decimal(amount),
            completed_on=dt.date(2025, month, 1),
        )
    html = client_t.get(reverse("activity_list")).content.decode()
    assert "ACSM caps teaching and lecturing at 5 CECs a calendar year (2025): 1.00 of 3.00 applied." in html
    assert "ACE does not approve teaching; a petition may help." in html


def test_the_list_filters_by_kind_and_dates_and_only_shows_mine(client_t, trainer, other_activity):
    ActivityFactory(user=trainer, kind="cpr", title="CPR refresher", amount=None, completed_on=dt.date(2025, 1, 5))
    ActivityFactory(user=trainer, kind="teaching", title="Spin class", completed_on=dt.date(2025, 6, 5))
    html = client_t.get(reverse("activity_list"), {"kind": "cpr"}).content.decode()
    assert "CPR refresher" in html and "Spin class" not in html
    html = client_t.get(reverse("activity_list"), {"date_from": "03/01/2025", "date_to": "2025-12-31"}).content.decode()
    assert "Spin class" in html and "CPR refresher" not in html
    assert str(other_activity) not in client_t.get(reverse("activity_list")).content.decode()


def test_the_list_runs_a_bounded_number_of_queries(
    client_t, trainer, ace_cert, acsm_cert, ace, django_assert_max_num_queries
):
    for i in range(60):
        activity = ActivityFactory(user=trainer, kind="teaching", amount=Decimal("1"), completed_on=dt.date(2025, 1, 1))
        if i % 10 == 0:
            Petition.objects.create(organization=ace, activity=activity, hours=Decimal("1"), description="x")
    with django_assert_max_num_queries(14):
        response = client_t.get(reverse("activity_list"))
    assert response.status_code == 200 and "Page 1 of 3" in response.content.decode()


def test_the_add_form_shows_only_the_fields_of_the_kind(client_t, shipped):
    html = client_t.get(reverse("activity_add"), {"kind": "college_course"}).content.decode()
    assert 'name="credit_hours"' in html and 'name="grade"' in html and 'name="term"' in html
    assert 'name="course_number"' not in html and 'name="new_credential"' not in html
    html = client_t.get(reverse("activity_add"), {"kind": "approved_course"}).content.decode()
    assert 'name="course_number"' in html and 'name="credit_hours"' not in html
    assert reverse("course_lookup") in html


def test_adding_an_approved_course_by_number_with_a_us_date(client_t, trainer, course):
    response = client_t.post(
        reverse("activity_add"),
        {"kind": "approved_course", "awarding_org": "ACE", "course_number": "ca23456", "completed_on": "05/01/2025"},
    )
    activity = Activity.objects.get(user=trainer)
    assert response.status_code == 302 and response["Location"] == reverse("activity_detail", args=[activity.pk])
    assert activity.completed_on == dt.date(2025, 5, 1)
    assert (activity.amount, activity.title) == (Decimal("0.70"), "Kettlebells")


def test_form_errors_say_what_is_wrong(client_t, trainer, ace):
    html = client_t.post(
        reverse("activity_add"),
        {"kind": "approved_course", "awarding_org": "ACE", "course_number": "XX1", "completed_on": "31/31/2025"},
    ).content.decode()
    assert "Enter the date as MM/DD/YYYY" in html
    html = client_t.post(
        reverse("activity_add"),
        {"kind": "approved_course", "awarding_org": "ACE", "course_number": "XX1", "completed_on": "05/01/2025"},
    ).content.decode()
    assert "XX1 is not an ACE course number" in html
    html = client_t.post(
        reverse("activity_add"), {"kind": "college_course", "completed_on": "2025-05-01", "credit_hours": "-2"}
    ).content.decode()
    assert "Credit hours must be zero or more." in html and "Grade is required for this kind." in html
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("number", "expected"),
    [("CA2", "malformed"), ("CA99999", "unknown"), ("ca23456", "ok"), ("", None)],
)
def test_htmx_course_lookup(client_t, course, number, expected):
    response = client_t.get(
        reverse("course_lookup"), {"awarding_org": "ACE", "course_number": number}, HTTP_HX_REQUEST="true"
    )
    html = unescape(response.content.decode())
    if expected is None:
        assert "data-status" not in html
        return
    assert f'data-status="{expected}"' in html
    if expected == "ok":
        assert 'id="id_title"' in html and 'value="Kettlebells"' in html and 'value="0.70"' in html
        assert 'hx-swap-oob="true"' in html
    if expected == "malformed":
        assert "CA2 is not an ACE course number" in html
    if expected == "unknown":
        assert "CA99999 is not in ACE's catalog" in html


def test_course_lookup_needs_login(client, course):
    assert client.get(reverse("course_lookup"), {"awarding_org": "ACE", "course_number": "CA23456"}).status_code == 302


def test_edit_records_history_and_another_trainers_activity_is_404(client_t, trainer, activity, other_activity):
    response = client_t.post(
        reverse("activity_edit", args=[activity.pk]),
        {
            "kind": "other_org_course",
            "completed_on": "2025-03-02",
            "title": "Swing school",
            "awarding_org": "NASM",
            "amount": "0.4",
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.awarding_org, activity.amount) == ("NASM", Decimal("0.40"))
    assert activity.completed_on == dt.date(2025, 3, 2)
    assert ActionLog.objects.get(action="activity.updated").data["before"]["awarding_org"] == "Kettlebell Guild"
    history = client_t.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert "Activity updated" in history and "activity.updated" not in history  # in words, not the code
    assert "Kettlebell Guild → NASM" in history
    for name in ("activity_detail", "activity_edit", "activity_delete"):
        assert client_t.get(reverse(name, args=[other_activity.pk])).status_code == 404
    assert client_t.post(reverse("activity_delete", args=[other_activity.pk])).status_code == 404
    assert Activity.objects.filter(pk=other_activity.pk).exists()


def test_delete_asks_first_then_deletes(client_t, activity):
    html = client_t.get(reverse("activity_delete", args=[activity.pk])).content.decode()
    assert "Delete “Swing school”?" in html and Activity.objects.filter(pk=activity.pk).exists()
    assert client_t.post(reverse("activity_delete", args=[activity.pk])).status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_retention_refuses_deletion_and_says_until_when(client_t, trainer, ace_cert):
    activity = ActivityFactory(user=trainer, kind="cpr", amount=None, completed_on=dt.date(2025, 3, 1))
    evidence = evidence_attach(actor=trainer, activity=activity, upload=upload("c.png", make_png()))
    html = client_t.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert "Keep this evidence until Mar 1, 2029" in html
    html = client_t.get(reverse("evidence_delete", args=[evidence.pk])).content.decode()
    assert "until Mar 1, 2029" in html and "disabled" in html
    response = client_t.post(reverse("evidence_delete", args=[evidence.pk]), follow=True)
    assert "This file must be kept" in response.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    client_t.post(reverse("activity_delete", args=[activity.pk]))
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_upload_through_the_page(client_t, trainer, activity):
    response = client_t.post(
        reverse("evidence_upload", args=[activity.pk]),
        {"file": upload("cert.pdf", make_pdf(), "application/pdf")},
        follow=True,
    )
    assert "File attached." in response.content.decode()
    assert Evidence.objects.get(activity=activity).content_type == "application/pdf"
    response = client_t.post(
        reverse("evidence_upload", args=[activity.pk]), {"file": upload("cert.pdf", b"MZ\x90\x00" * 50)}, follow=True
    )
    assert "Only PDF, JPEG or PNG files are accepted" in response.content.decode()
    assert Evidence.objects.filter(activity=activity).count() == 1


def test_upload_to_another_trainers_activity_is_404(client_t, other_activity):
    url = reverse("evidence_upload", args=[other_activity.pk])
    response = client_t.post(url, {"file": upload("c.png", make_png())})
    assert response.status_code == 404 and not Evidence.objects.exists()


def test_petition_from_the_activity_page(client_t, trainer, activity, ace, ace_cert):
    evidence_attach(actor=trainer, activity=activity, upload=upload("c.pdf", make_pdf()))
    html = client_t.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert "Send petition" in html and "ACE does not approve courses approved by other organizations" in html
    response = client_t.post(
        reverse("petition_create", args=[activity.pk]),
        {"organization": ace.pk, "hours": "4", "description": "Four hours of kettlebell coaching."},
        follow=True,
    )
    assert "Petition sent to ACE." in response.content.decode()
    html = client_t.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert "Waiting for the organization's review." in html and "The petition awaits ACE" in html
    Petition.objects.filter(activity=activity).update(status="approved", amount=Decimal("0.4"))
    html = client_t.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert "Approved: 0.40 CECs." in html and "Approved petition: 0.40 CECs." in html
    assert "ACE" in client_t.get(reverse("petition_list")).content.decode()


def test_petition_on_another_trainers_activity_is_404(client_t, other_activity, ace):
    response = client_t.post(
        reverse("petition_create", args=[other_activity.pk]), {"organization": ace.pk, "hours": "1", "description": "x"}
    )
    assert response.status_code == 404 and not Petition.objects.exists()


def test_an_oversized_upload_through_the_page_is_refused(client_t, activity, settings):
    data = make_pdf_of_size(settings.EVIDENCE_MAX_BYTES + 1)
    response = client_t.post(
        reverse("evidence_upload", args=[activity.pk]),
        {"file": upload("big.pdf", data, "application/pdf")},
        follow=True,
    )
    assert "larger than 10 MB" in response.content.decode() and not Evidence.objects.exists()


def test_a_provider_reported_activity_is_not_editable_on_the_page(client_t, trainer):
    reported = ActivityFactory(user=trainer, source=Activity.PROVIDER, title="Reported course")
    response = client_t.get(reverse("activity_edit", args=[reported.pk]), follow=True)
    assert "ask the provider to correct it" in response.content.decode()
    assert f'href="{reverse("activity_edit", args=[reported.pk])}"' not in response.content.decode()


@pytest.mark.parametrize(
    "data, says",
    [
        ({"kind": "teaching", "amount": "123456789"}, "CECs claimed must be less than 1,000,000."),
        ({"kind": "approved_course", "awarding_org": "XYZ"}, "Choose one of the listed organizations."),
        (
            {"kind": "college_course", "title": "Kinesiology", "credit_hours": "3", "grade": "B", "term": "year"},
            "Choose semester or quarter.",
        ),
        # An organization without a course-number format and a course without a number: a sentence, capitalized.
        ({"kind": "approved_course", "awarding_org": "ACSM", "course_number": ""}, "Enter the CECs shown on"),
    ],
)
def test_form_errors_are_plain_sentences_not_djangos_defaults(client_t, trainer, ace, data, says):
    html = unescape(client_t.post(reverse("activity_add"), {"completed_on": "05/01/2025", **data}).content.decode())
    assert says in html
    assert "Ensure that" not in html and "Select a valid choice" not in html
    assert not Activity.objects.exists()


def test_a_forged_petition_to_an_organization_that_credits_the_activity_is_refused(
    client_t, trainer, shipped, acsm, acsm_cert
):
    # ACSM counts another organization's course 1 per hour: nothing to petition, and the page offers nothing.
    activity = ActivityFactory(
        user=trainer, kind="other_org_course", awarding_org="FMS", amount=None, hours=Decimal("8"),
        completed_on=dt.date(2025, 3, 1),
    )  # fmt: skip
    evidence_attach(actor=trainer, activity=activity, upload=upload("c.pdf", make_pdf()))
    page = client_t.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert reverse("petition_create", args=[activity.pk]) not in page
    client_t.post(
        reverse("petition_create", args=[activity.pk]), {"organization": acsm.pk, "hours": "8", "description": "FMS"}
    )
    assert not Petition.objects.exists()


def test_no_keep_this_evidence_warning_without_evidence(client_t, trainer, ace_cert):
    activity = ActivityFactory(
        user=trainer,
        kind="approved_course",
        awarding_org="ACE",
        course_number="CA11111",
        completed_on=dt.date(2025, 5, 1),
    )
    page = client_t.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert "No certificate attached yet." in page and "Keep this evidence" not in page
    evidence_attach(actor=trainer, activity=activity, upload=upload("c.png", make_png()))
    page = client_t.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert "Keep this evidence until" in page  # ACE: 4 years after completion


def test_what_an_activity_counts_for_is_written_escaped_with_the_shortfall_and_its_reason():
    from types import SimpleNamespace

    from credits.templatetags.credits_tags import applications

    full = SimpleNamespace(
        label="ACE-CPT", applied=Decimal("0.10"), full=Decimal("0.10"), unit="CEC", reason=None, detail="ok"
    )
    short = SimpleNamespace(
        label="ACSM-EP", applied=Decimal("1.00"), full=Decimal("3.00"), unit="CEC", reason="cap", detail="Cap <5>"
    )
    html = str(applications([full, short]))
    assert '<li class="application"><b>ACE-CPT</b> <span class="mono">0.10 CECs</span></li>' in html
    assert (
        '<li class="application application-short"><b>ACSM-EP</b> <span class="mono">1.00 of 3.00 CECs</span>'
        ' <span class="muted">— Cap &lt;5&gt;</span></li>'
    ) in html
    assert "— ok" not in html and "— ok" in str(applications([full], detailed=True))  # the detail page says why
    assert "No certification to count toward yet." in applications([])


def test_the_sites_select_writes_what_djangos_own_select_writes():
    """templates/django/forms/widgets/select.html writes its options in place (faster); the HTML is Django's."""
    from django import forms
    from django.forms.renderers import DjangoTemplates, get_default_renderer

    class Form(forms.Form):
        kind = forms.ChoiceField(choices=[("", "All"), ("Group", [("a", "A & b"), ("b", "B")]), ("c", 'C "x"')])
        many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two")], widget=forms.SelectMultiple)

    select = get_default_renderer().get_template("django/forms/widgets/select.html")
    assert "written in place" in select.template.source  # the site's select is the one in use
    form = Form({"kind": "b", "many": ["1", "2"]})
    djangos = Form({"kind": "b", "many": ["1", "2"]}, renderer=DjangoTemplates())  # django/forms's own templates
    for name in ("kind", "many"):
        ours = str(form[name])
        assert "selected" in ours and ('label="Group"' in ours or name == "many")
        assert ours == str(djangos[name])


def test_each_row_says_what_the_activity_is_with_its_badges_and_files_all_escaped(client_t, trainer, ace, ace_cert):
    from django.template import engines
    from django.utils import timezone

    titled = ActivityFactory(user=trainer, kind="teaching", title="<i>Spin</i>", completed_on=dt.date(2025, 3, 14))
    untitled = ActivityFactory(
        user=trainer, kind="cpr", title="", amount=None, completed_on=dt.date(2025, 2, 1), course_number="C<1>"
    )
    Petition.objects.create(organization=ace, activity=titled, hours=Decimal("1"), description="x")
    Activity.objects.filter(pk=untitled.pk).update(voided_at=timezone.now())
    html = client_t.get(reverse("activity_list")).content.decode()
    assert "&lt;i&gt;Spin&lt;/i&gt;" in html and "<i>Spin" not in html
    assert f'<a href="{reverse("activity_detail", args=[titled.pk])}">&lt;i&gt;Spin' in html
    assert '<span class="mono">C&lt;1&gt;</span>' in html
    assert "ACE petition: pending" in html and "Voided by the provider: no longer counts" in html
    # the dates, in the activity's name too, as the date filter writes them
    written = engines["django"].from_string("{{ d|date }}").render({"d": dt.date(2025, 2, 1)})
    assert written == "Feb 1, 2025" and f'<td data-label="Completed">{written}</td>' in html
    assert f">{short_label('cpr')} on {written}</a>" in html
