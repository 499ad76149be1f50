from django.urls import path

from credits.api import views
from credits.providers import api as provider

urlpatterns: list = [
    path("provider/courses", provider.CourseListView.as_view(), name="provider-courses"),
    path("provider/courses/<str:course_number>", provider.CourseDetailView.as_view(), name="provider-course"),
    path(
        "provider/courses/<str:course_number>/retire",
        provider.CourseRetireView.as_view(),
        name="provider-course-retire",
    ),
    path("provider/completions", provider.CompletionListView.as_view(), name="provider-completions"),
    path("provider/completions/<int:pk>", provider.CompletionDetailView.as_view(), name="provider-completion"),
    path("provider/completions/<int:pk>/void", provider.CompletionVoidView.as_view(), name="provider-completion-void"),
    path("activities/", views.ActivityListApi.as_view(), name="api-activity-list"),
    path("activities/<int:pk>/", views.ActivityDetailApi.as_view(), name="api-activity-detail"),
    path("activities/<int:pk>/evidence/", views.EvidenceApi.as_view(), name="api-activity-evidence"),
    path("activities/<int:pk>/petitions/", views.ActivityPetitionApi.as_view(), name="api-activity-petitions"),
    path("evidence/<int:pk>/", views.EvidenceDetailApi.as_view(), name="api-evidence-detail"),
    path("petitions/", views.PetitionListApi.as_view(), name="api-petition-list"),
]
