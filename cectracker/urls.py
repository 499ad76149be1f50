from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.urls import org_urlpatterns

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("certifications.urls")),
    path("accounts/", include("allauth.urls")),
    path("org/<slug:org_slug>/", include(org_urlpatterns)),
    path("api/v1/", include("cectracker.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
