from django.urls import path

from . import views

urlpatterns = [path("calculator/", views.calculator, name="calculator")]
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
