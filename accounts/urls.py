from django.urls import path

from accounts import views
from accounts.notifications import views as notification_views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("account/profile/", views.profile, name="profile"),
    path("account/api-token/", views.api_token, name="api_token"),
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification_read_all"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notification_views.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
    path("accounts/notifications/", notification_views.notification_preferences, name="notification_preferences"),
]

org_urlpatterns = [
    path("", views.org_home, name="org_home"),
    path("log/", views.org_action_log, name="org_action_log"),
    path("staff/", views.org_staff, name="org_staff"),
    path("providers/", views.org_providers, name="org_providers"),
    path("providers/<int:provider_id>/", views.org_provider, name="org_provider"),
]
