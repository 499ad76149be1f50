from django.urls import path

from . import evaluate_views, views

urlpatterns = [
    path("certifications/", views.CertificationListCreateApi.as_view(), name="api-certifications"),
    path("certifications/<int:pk>/", views.CertificationDetailApi.as_view(), name="api-certification"),
    path("certifications/<int:pk>/cycles/", views.CertificationCyclesApi.as_view(), name="api-certification-cycles"),
    path("cycles/<int:pk>/", views.CycleDetailApi.as_view(), name="api-cycle"),
    path("evaluate", evaluate_views.EvaluateView.as_view(), name="api-evaluate"),
    path("bench/plain", evaluate_views.bench_plain, name="api-bench-plain"),
]
