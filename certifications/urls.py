from django.urls import path

from . import calculator_views, views

urlpatterns = [
    path("calculator/", calculator_views.calculator, name="calculator"),
    path("certifications/", views.certification_list, name="certification_list"),
    path("certifications/add/", views.certification_add_view, name="certification_add"),
    path("certifications/credentials/", views.credential_options, name="certification_credential_options"),
    path("certifications/<int:pk>/", views.certification_detail, name="certification_detail"),
    path("certifications/<int:pk>/edit/", views.certification_edit, name="certification_edit"),
    path("certifications/<int:pk>/remove/", views.certification_remove_view, name="certification_remove"),
    path("certifications/<int:pk>/renew/", views.certification_renew_view, name="certification_renew"),
]
org_urlpatterns: list = []

# --- issue5: emeritus application; back office (renewals, reinstatement, emeritus, rule sets) ---
from . import emeritus_views, org_views, ruleset_views  # noqa: E402

urlpatterns += [
    path("certifications/<int:pk>/emeritus/", emeritus_views.emeritus_application, name="emeritus_application"),
]
org_urlpatterns += [
    path("renewals/", org_views.org_renewals, name="org_renewals"),
    path("certifications/", org_views.org_certifications, name="org_certifications"),
    path("certifications/<int:pk>/", org_views.org_certification, name="org_certification"),
    path("emeritus/", org_views.org_emeritus, name="org_emeritus"),
    path("emeritus/<int:pk>/", org_views.org_emeritus_application, name="org_emeritus_application"),
    path("rulesets/", ruleset_views.org_rulesets, name="org_rulesets"),
    path("rulesets/new/", ruleset_views.org_ruleset_new, name="org_ruleset_new"),
    path("rulesets/<int:pk>/", ruleset_views.org_ruleset, name="org_ruleset"),
    path("rulesets/<int:pk>/preview/", ruleset_views.org_ruleset_preview, name="org_ruleset_preview"),
    path("rulesets/<int:pk>/publish/", ruleset_views.org_ruleset_publish, name="org_ruleset_publish"),
]
