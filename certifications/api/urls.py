from django.urls import path

from certifications.api import views
from certifications.calculator import api as calculator_api

urlpatterns = [
    path("certifications/", views.CertificationListCreateApi.as_view(), name="api-certifications"),
    path("certifications/<int:pk>/", views.CertificationDetailApi.as_view(), name="api-certification"),
    path("certifications/<int:pk>/cycles/", views.CertificationCyclesApi.as_view(), name="api-certification-cycles"),
    path("cycles/<int:pk>/", views.CycleDetailApi.as_view(), name="api-cycle"),
    path("evaluate", calculator_api.EvaluateView.as_view(), name="api-evaluate"),
    path("bench/plain", calculator_api.bench_plain, name="api-bench-plain"),
]
