"""The project's URLs plus a stand-in `evidence_file` route (the real view lives on another branch)."""

from django.http import HttpResponse
from django.urls import path

from cectracker.urls import urlpatterns as project

urlpatterns = [*project, path("evidence/<int:pk>/file/", lambda request, pk: HttpResponse(), name="evidence_file")]
