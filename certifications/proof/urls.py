from django.urls import path, re_path

from certifications.proof import api, views

urlpatterns = [
    path("certifications/<int:pk>/share/", views.certification_share, name="certification_share"),
    re_path(
        r"^certifications/(?P<pk>[0-9]+)/cycles/(?P<cycle_id>[0-9]+)/credential\.(?P<fmt>json|jwt)$",
        views.certification_credential,
        name="certification_credential",
    ),
    # Any token shape reaches the view, so a malformed token gets the very same 404 as a revoked one.
    re_path(r"^verify/(?P<token>[^/]{1,200})$", views.share_verify, name="share_verify"),
    path(".well-known/did.json", views.did_json, name="did_document"),
    path(".well-known/jwks.json", views.jwks_json, name="jwks"),
    # Public documents for verifiers (no object of anyone's): the status lists and the JSON-LD contexts.
    re_path(
        r"^credentials/status/(?P<purpose>revocation|suspension)$", views.status_list, name="credential_status_list"
    ),
    re_path(r"^contexts/(?P<name>[a-z0-9-]+)\.jsonld$", views.context, name="jsonld_context"),
]

api_urlpatterns = [
    path(
        "certifications/<int:pk>/share-links/",
        api.CertificationShareLinksApi.as_view(),
        name="api-certification-share-links",
    ),
    path("share-links/<int:pk>/", api.ShareLinkRevokeApi.as_view(), name="api-share-link"),
    re_path(r"^verify/(?P<token>[^/]{1,200})$", api.VerifyApi.as_view(), name="api-verify"),
    path(
        "certifications/<int:pk>/credential",
        api.CertificationCredentialApi.as_view(),
        name="api-certification-credential",
    ),
]
