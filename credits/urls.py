from django.urls import path

from credits import views
from credits.catalog import views as catalog
from credits.petitions import views as petitions

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/add/", views.activity_add, name="activity_add"),
    path("activities/amount-preview/", views.activity_amount_preview, name="activity_amount_preview"),
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
# Back office (under /org/<slug>/): the petition queue.
org_urlpatterns = [
    path("petitions/", petitions.org_petitions, name="org_petitions"),
    path("petitions/<int:pk>/", petitions.org_petition, name="org_petition"),
    path("courses/", catalog.org_courses, name="org_courses"),
]
