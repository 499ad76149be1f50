"""The provider portal under /provider/<provider_id>/; every view is wrapped in provider_staff_view."""

from django.urls import path

from credits.providers import views

urlpatterns = [
    path("", views.provider_home, name="provider_home"),
    path("courses/", views.provider_courses, name="provider_courses"),
    path("courses/<int:course_id>/", views.provider_course, name="provider_course"),
    path("courses/<int:course_id>/retire/", views.provider_course_retire, name="provider_course_retire"),
    path("courses/<int:course_id>/roster/", views.provider_course_roster, name="provider_course_roster"),
    path("holder-lookup/", views.provider_holder_lookup, name="provider_holder_lookup"),
    path("completions/", views.provider_completions, name="provider_completions"),
    path("completions/<int:completion_id>/void/", views.provider_completion_void, name="provider_completion_void"),
    path("keys/", views.provider_keys, name="provider_keys"),
    path("keys/<int:key_id>/revoke/", views.provider_key_revoke, name="provider_key_revoke"),
    path("log/", views.provider_log, name="provider_log"),
    path("uploads/", views.provider_uploads, name="provider_uploads"),
    path("uploads/template.<str:kind>", views.provider_roster_template, name="provider_roster_template"),
    path("uploads/<int:upload_id>/", views.provider_upload, name="provider_upload"),
    path("uploads/<int:upload_id>/submit/", views.provider_upload_submit, name="provider_upload_submit"),
    path("uploads/<int:upload_id>/progress/", views.provider_upload_progress, name="provider_upload_progress"),
    path("uploads/<int:upload_id>/receipts.csv", views.provider_upload_receipts_csv, name="provider_upload_receipts"),
]
