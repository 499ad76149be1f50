from django.urls import path

from . import views

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("certifications/", views.certification_list, name="certification_list"),
    path("certifications/add/", views.certification_add_view, name="certification_add"),
    path("certifications/credentials/", views.credential_options, name="certification_credential_options"),
    path("certifications/<int:pk>/", views.certification_detail, name="certification_detail"),
    path("certifications/<int:pk>/edit/", views.certification_edit, name="certification_edit"),
    path("certifications/<int:pk>/remove/", views.certification_remove_view, name="certification_remove"),
    path("certifications/<int:pk>/renew/", views.certification_renew_view, name="certification_renew"),
]
org_urlpatterns: list = []
