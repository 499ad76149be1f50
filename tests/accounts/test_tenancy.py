"""Tenant scoping: queries outside a scope fail, staff of one organization get 404 on another's URLs."""

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import ScopeError, scope

from accounts.models import Membership, Organization

pytestmark = pytest.mark.django_db

# Models that belong to a person, not to an organization, and are therefore scoped by the
# requesting user in selectors (the reason is kept next to each name).
PERSON_OWNED = {
    "accounts.User": "the person themselves",
    "credits.Activity": "the trainer's own record; the provider that reported it is a source, not an owner",
    "credits.Evidence": "belongs to the trainer's activity",
    "credits.IntakeDraft": "an uploaded certificate of the trainer's (its job's user)",
}


def _owns_organization(model, depth=0):
    """True when the model has a foreign key to Organization, directly or through a parent FK."""
    if depth > 3:
        return False
    for field in model._meta.get_fields():
        if field.many_to_one and field.concrete:
            if field.related_model is Organization:
                return True
            if (
                field.related_model is not model
                and _owns_organization(field.related_model, depth + 1)
                and field.name in OWNER_FIELDS
            ):
                return True
    return False


# Foreign keys that express ownership ("this row belongs to that parent").
OWNER_FIELDS = {
    "organization",
    "credential",
    "certification",
    "cycle",
    "activity",
    "petition",
    "audit",
    "provider",
    "course",
    "ruleset",
    "link",
}


def test_every_organization_owned_model_has_a_scoped_manager():
    unscoped = []
    for model in apps.get_models():
        label = model._meta.label
        if (
            model._meta.app_label not in {"accounts", "certifications", "credits", "audits", "employers"}
            or label in PERSON_OWNED
        ):
            continue
        if _owns_organization(model) and not type(model.objects).__qualname__.startswith("ScopedManager."):
            unscoped.append(label)
    assert unscoped == [], f"models owned by an organization without a scoped manager: {unscoped}"


def test_a_query_outside_a_scope_fails_loudly(org_a, reviewer_a):
    with scope():
        with pytest.raises(ScopeError):
            list(Membership.objects.all())
    with scope(organization=org_a):
        assert [m.user for m in Membership.objects.all()] == [reviewer_a]


def test_scope_limits_rows_to_its_organization(org_a, org_b, reviewer_a, reviewer_b):
    with scope(organization=org_b):
        assert list(Membership.objects.values_list("user__email", flat=True)) == [reviewer_b.email]


def _org_url_names():
    resolver = get_resolver()
    names = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("org/") and p.name:
                names.append((p.name, p.pattern.converters))
        return names

    return walk(resolver.url_patterns)


def _org_urls(slug):
    urls = []
    for name, converters in _org_url_names():
        kwargs = {"org_slug": slug}
        kwargs.update({k: 1 for k in converters if k != "org_slug"})
        try:
            urls.append(reverse(name, kwargs=kwargs))
        except Exception:  # patterns with string ids
            kwargs.update({k: "00000000-0000-0000-0000-000000000001" for k in converters if k != "org_slug"})
            urls.append(reverse(name, kwargs=kwargs))
    return urls


def test_every_org_url_is_404_for_staff_of_another_organization(client, org_a, org_b, admin_b, reviewer_b):
    urls = _org_urls(org_a.slug)
    assert reverse("org_home", args=[org_a.slug]) in urls
    for user in (admin_b, reviewer_b):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, f"{url} as {user}"
            assert client.post(url, {}).status_code == 404, f"POST {url} as {user}"


def test_every_org_url_is_404_for_a_trainer_and_login_for_anonymous(client, org_a, trainer):
    urls = _org_urls(org_a.slug)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"], url
    client.force_login(trainer)
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_a_reviewer_cannot_open_admin_pages_of_their_own_organization(client, org_a, reviewer_a):
    client.force_login(reviewer_a)
    assert client.get(reverse("org_home", args=[org_a.slug])).status_code == 200
    assert client.get(reverse("org_staff", args=[org_a.slug])).status_code == 403
