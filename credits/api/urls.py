from django.urls import path

from . import views

urlpatterns = [
    path("activities/", views.ActivityListApi.as_view(), name="api-activity-list"),
    path("activities/<int:pk>/", views.ActivityDetailApi.as_view(), name="api-activity-detail"),
    path("activities/<int:pk>/evidence/", views.EvidenceApi.as_view(), name="api-activity-evidence"),
    path("activities/<int:pk>/petitions/", views.ActivityPetitionApi.as_view(), name="api-activity-petitions"),
    path("evidence/<int:pk>/", views.EvidenceDetailApi.as_view(), name="api-evidence-detail"),
    path("petitions/", views.PetitionListApi.as_view(), name="api-petition-list"),
]
