from django.urls import path

from certifications import views
from certifications.backoffice import views as backoffice
from certifications.calculator import views as calculator
from certifications.rulesets import views as rulesets

urlpatterns = [
    path("calculator/", calculator.calculator, name="calculator"),
    path("certifications/", views.certification_list, name="certification_list"),
    path("certifications/add/", views.certification_add_view, name="certification_add"),
    path("certifications/credentials/", views.credential_options, name="certification_credential_options"),
    path("certifications/<int:pk>/", views.certification_detail, name="certification_detail"),
    path("certifications/<int:pk>/edit/", views.certification_edit, name="certification_edit"),
    path("certifications/<int:pk>/remove/", views.certification_remove_view, name="certification_remove"),
    path("certifications/<int:pk>/renew/", views.certification_renew_view, name="certification_renew"),
    path("certifications/<int:pk>/emeritus/", backoffice.emeritus_application, name="emeritus_application"),
]

# Back office (under /org/<slug>/): renewals, reinstatement, emeritus decisions, rule sets.
org_urlpatterns = [
    path("renewals/", backoffice.org_renewals, name="org_renewals"),
    path("certifications/", backoffice.org_certifications, name="org_certifications"),
    path("certifications/<int:pk>/", backoffice.org_certification, name="org_certification"),
    path("emeritus/", backoffice.org_emeritus, name="org_emeritus"),
    path("emeritus/<int:pk>/", backoffice.org_emeritus_application, name="org_emeritus_application"),
    path("rulesets/", rulesets.org_rulesets, name="org_rulesets"),
    path("rulesets/new/", rulesets.org_ruleset_new, name="org_ruleset_new"),
    path("rulesets/<int:pk>/", rulesets.org_ruleset, name="org_ruleset"),
    path("rulesets/<int:pk>/preview/", rulesets.org_ruleset_preview, name="org_ruleset_preview"),
    path("rulesets/<int:pk>/publish/", rulesets.org_ruleset_publish, name="org_ruleset_publish"),
]
