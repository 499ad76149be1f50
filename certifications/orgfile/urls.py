from django.urls import path

from certifications.orgfile import views

urlpatterns = [
    path("organizations/", views.platform_organizations, name="platform_organizations"),
    path("organizations/import/", views.platform_import, name="platform_import"),
    path("organizations/schema.json", views.platform_schema, name="platform_schema"),
    path("organizations/<slug:slug>/export/", views.platform_export, name="platform_export"),
]
