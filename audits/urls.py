from django.urls import path

from audits import views

urlpatterns: list = [path("audits/<int:pk>/", views.audit_detail, name="audit_detail")]
org_urlpatterns: list = [
    path("audits/", views.org_audits, name="org_audits"),
    path("audits/<int:pk>/", views.org_audit, name="org_audit"),
    path("audits/<int:pk>/packet/", views.org_audit_packet_request, name="org_audit_packet_request"),
    path("audit-packets/<int:pk>/", views.org_audit_packet, name="org_audit_packet"),
    path("audit-packets/<int:pk>/download/", views.org_audit_packet_download, name="org_audit_packet_download"),
]
