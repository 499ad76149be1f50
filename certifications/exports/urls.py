from django.urls import path, re_path

from certifications.exports import views

urlpatterns = [
    path("exports/", views.exports, name="exports"),
    path("exports/activities.csv", views.activities_csv, name="activities_csv"),
    path("exports/cycles/<int:cycle_id>/transcript.pdf", views.transcript_pdf, name="transcript_pdf"),
    path("exports/calendar/", views.calendar_feed, name="calendar_feed"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$", views.calendar_ics, name="calendar_ics"),
]
