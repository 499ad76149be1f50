from django.urls import path

from . import views

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/add/", views.activity_add, name="activity_add"),
    path("activities/course-lookup/", views.course_lookup, name="course_lookup"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("activities/<int:pk>/petition/", views.petition_create, name="petition_create"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("petitions/", views.petition_list, name="petition_list"),
]
org_urlpatterns: list = []

# --- issue5: the petition queue of the back office ---
from django.urls import path  # noqa: E402

from . import org_views  # noqa: E402

org_urlpatterns += [
    path("petitions/", org_views.org_petitions, name="org_petitions"),
    path("petitions/<int:pk>/", org_views.org_petition, name="org_petition"),
]
