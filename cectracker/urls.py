from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.urls import org_urlpatterns as accounts_org
from audits.urls import org_urlpatterns as audits_org
from certifications.urls import org_urlpatterns as certifications_org
from credits.urls import org_urlpatterns as credits_org

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("certifications.urls")),
    path("", include("credits.urls")),
    path("", include("credits.intake.urls")),
    path("", include("audits.urls")),
    path("", include("certifications.exports.urls")),
    path("accounts/", include("allauth.urls")),
    # Staff pages of one organization; every view here is wrapped in accounts.tenancy.staff_view.
    path("org/<slug:org_slug>/", include(accounts_org + certifications_org + credits_org + audits_org)),
    path("api/v1/", include("cectracker.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
