urlpatterns: list = []
org_urlpatterns: list = []

# --- issue5: the petition queue of the back office ---
from django.urls import path  # noqa: E402

from . import org_views  # noqa: E402

org_urlpatterns += [
    path("petitions/", org_views.org_petitions, name="org_petitions"),
    path("petitions/<int:pk>/", org_views.org_petition, name="org_petition"),
]
