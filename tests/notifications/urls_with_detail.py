"""The project's URLs plus a certification page, as branch issue4a adds it."""

from django.http import HttpResponse
from django.urls import path

from cectracker.urls import urlpatterns as project

urlpatterns = [*project, path("certifications/<int:pk>/", lambda r, pk: HttpResponse(), name="certification_detail")]
