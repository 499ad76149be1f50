from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.urls import org_urlpatterns as accounts_org
from audits.urls import org_urlpatterns as audits_org
from certifications.urls import org_urlpatterns as certifications_org
from credits.urls import org_urlpatterns as credits_org
from employers.urls import employer_urlpatterns

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("certifications.urls")),
    path("", include("credits.urls")),
    path("", include("credits.intake.urls")),
    path("", include("audits.urls")),
    path("", include("certifications.exports.urls")),
    path("", include("certifications.proof.urls")),
    path("", include("employers.urls")),
    path("accounts/", include("allauth.urls")),
    # Staff pages of one organization; every view here is wrapped in accounts.tenancy.staff_view.
    path("org/<slug:org_slug>/", include(accounts_org + certifications_org + credits_org + audits_org)),
    # A course provider's own portal; every view here is wrapped in accounts.tenancy.provider_staff_view.
    path("provider/<int:provider_id>/", include("credits.providers.urls")),
    # Employer pages of one employer; every view here is wrapped in staff_view(kind=Organization.EMPLOYER).
    path("employer/<slug:org_slug>/", include(employer_urlpatterns)),
    path("api/v1/", include("cectracker.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    # Platform operators (superusers): organizations as files, imported and exported (issue 16).
    path("platform/", include("certifications.orgfile.urls")),
]
