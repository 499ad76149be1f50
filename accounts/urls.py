from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("account/api-token/", views.api_token, name="api_token"),
    path("healthz", views.healthz, name="healthz"),
]

org_urlpatterns = [
    path("", views.org_home, name="org_home"),
    path("log/", views.org_action_log, name="org_action_log"),
    path("staff/", views.org_staff, name="org_staff"),
    path("providers/", views.org_providers, name="org_providers"),
    path("providers/<int:provider_id>/", views.org_provider, name="org_provider"),
]
