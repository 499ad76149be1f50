from django.urls import path

from . import views

urlpatterns = [
    path("evaluate", views.EvaluateView.as_view(), name="api-evaluate"),
    path("bench/plain", views.bench_plain, name="api-bench-plain"),
]
