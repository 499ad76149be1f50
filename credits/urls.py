from django.urls import path

from . import org_views

urlpatterns: list = []
org_urlpatterns: list = [
    path("petitions/", org_views.org_petitions, name="org_petitions"),
    path("petitions/<int:pk>/", org_views.org_petition, name="org_petition"),
]
