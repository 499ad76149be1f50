from django.urls import path

from . import org_views, views

urlpatterns: list = [path("audits/<int:pk>/", views.audit_detail, name="audit_detail")]
org_urlpatterns: list = [
    path("audits/", org_views.org_audits, name="org_audits"),
    path("audits/<int:pk>/", org_views.org_audit, name="org_audit"),
    path("audits/<int:pk>/packet/", org_views.org_audit_packet_request, name="org_audit_packet_request"),
    path("audit-packets/<int:pk>/", org_views.org_audit_packet, name="org_audit_packet"),
    path("audit-packets/<int:pk>/download/", org_views.org_audit_packet_download, name="org_audit_packet_download"),
]
