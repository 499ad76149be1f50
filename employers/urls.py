from django.urls import path

from employers import views
from employers.api import RosterApi

# The trainer's pages.
urlpatterns = [
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/<int:pk>/", views.sharing_detail, name="sharing_detail"),
    path("sharing/consents/<int:pk>/withdraw/", views.sharing_withdraw, name="sharing_withdraw"),
]

# Mounted under employer/<slug:org_slug>/; every view is wrapped in accounts.tenancy.staff_view (employer kind).
employer_urlpatterns = [
    path("", views.employer_roster, name="employer_roster"),
    path("roster.csv", views.employer_roster_csv, name="employer_roster_csv"),
    path("invite/", views.employer_invite, name="employer_invite"),
    path("trainers/<int:link_id>/", views.employer_trainer, name="employer_trainer"),
    path("consents/<int:consent_id>/remind/", views.employer_remind, name="employer_remind"),
    path("locations/", views.employer_locations, name="employer_locations"),
    path("staff/", views.employer_staff, name="employer_staff"),
    path("api-keys/", views.employer_api_keys, name="employer_api_keys"),
    path("log/", views.employer_action_log, name="employer_action_log"),
]

# Mounted under api/v1/employer/.
api_urlpatterns = [
    path("roster", RosterApi.as_view(), name="api-employer-roster"),
]
