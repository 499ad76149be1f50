import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from certifications.exports.csv import csv_lines
from certifications.exports.ical import ical_calendar
from certifications.exports.selectors import calendar_events, calendar_feed_active, calendar_feed_for_token
from certifications.exports.selectors import transcript_pdf as render_transcript
from certifications.exports.services import calendar_feed_create, calendar_feed_revoke
from certifications.selectors import certifications_of, cycles_of
from credits.kinds import short_label
from credits.models import Activity
from credits.selectors import activity_applications_stored


@login_required
@require_GET
def exports(request):
    """Links to every export: the activities CSV, a transcript per cycle, the calendar feed."""
    cycles = list(cycles_of(user=request.user).order_by("certification__created_at", "-start"))
    return render(
        request,
        "exports/index.html",
        {
            "certifications": list(certifications_of(user=request.user)),
            "cycles": cycles,
            "feed": calendar_feed_active(user=request.user),
        },
    )


@login_required
@require_GET
def activities_csv(request):
    """All activities, one row each, with what each applied to every certification held; streamed."""
    certifications = list(certifications_of(user=request.user))
    applications = activity_applications_stored(user=request.user)
    activities = Activity.objects.filter(user=request.user, voided_at__isnull=True).order_by("completed_on", "pk")
    header = ["Date", "Kind", "Title", "Course number", "Amount", "Hours", "Awarding organization", "Source"]
    for certification in certifications:
        code = certification.display_code
        header += [f"{code} applied", f"{code} reason"]

    def rows():
        yield header
        for activity in activities.iterator():
            row = [
                activity.completed_on.isoformat(),
                short_label(activity.kind),
                activity.title,
                activity.course_number,
                activity.amount if activity.amount is not None else "",
                activity.hours if activity.hours is not None else "",
                activity.awarding_org,
                activity.get_source_display(),
            ]
            by_certification = {a.certification.pk: a for a in applications.get(activity.pk, [])}
            for certification in certifications:
                item = by_certification.get(certification.pk)
                row += ["", ""] if item is None else [item.applied, item.detail if item.reason else ""]
            yield row

    response = StreamingHttpResponse(csv_lines(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cec-activities-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@login_required
@require_GET
def transcript_pdf(request, cycle_id: int):
    """One cycle's transcript as a PDF; another person's cycle is a 404."""
    cycle = get_object_or_404(cycles_of(user=request.user), pk=cycle_id)
    pdf = render_transcript(cycle=cycle)
    code = re.sub(r"[^A-Za-z0-9-]", "", cycle.certification.credential.code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="transcript-{code}-{cycle.start:%Y-%m-%d}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request):
    """Create, regenerate or revoke the private calendar feed. A new address is shown once: it waits in the
    session only until the redirected page shows it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if calendar_feed_revoke(user=request.user):
                messages.success(request, "Your calendar feed is revoked: its address no longer works.")
        else:
            _, token = calendar_feed_create(user=request.user)
            request.session["new_calendar_feed_url"] = request.build_absolute_uri(
                reverse("calendar_ics", kwargs={"token": token})
            )
        return redirect("calendar_feed")
    feed = calendar_feed_active(user=request.user)
    feed_url = request.session.pop("new_calendar_feed_url", None)
    return render(request, "exports/calendar_feed.html", {"feed": feed, "feed_url": feed_url if feed else None})


@require_GET
def calendar_ics(request, token: str):
    """The feed behind a secret token (no login: calendar apps fetch it); unknown or revoked is a 404."""
    feed = calendar_feed_for_token(token=token)
    if feed is None:
        raise Http404("No such calendar.")
    body = ical_calendar(name="CEC Tracker deadlines", events=calendar_events(user=feed.user), stamp=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cec-tracker.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
