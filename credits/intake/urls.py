from django.urls import path

from credits.intake import views

urlpatterns = [
    path("activities/from-certificates/", views.intake_upload, name="intake_upload"),
    path("activities/from-certificates/<int:pk>/", views.intake_job, name="intake_job"),
    path("activities/from-certificates/<int:pk>/progress/", views.intake_job_progress, name="intake_job_progress"),
    path("activities/drafts/<int:pk>/confirm/", views.draft_confirm, name="intake_draft_confirm"),
    path("activities/drafts/<int:pk>/discard/", views.draft_discard, name="intake_draft_discard"),
]
