"""Every trainer page and trainer API route that takes an object, generated from the URL router: another
trainer gets 404 on GET and POST and changes nothing; an anonymous visitor is sent to log in (pages) or
refused (API). The back office has its own sweep (tests/backoffice/test_tenancy.py), the provider API and
portal their own (tests/provider/). The employer pages and API are swept below, from the same router: as another
employer, a certifying organization's staff, an unlinked trainer and anonymous."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import ActionLog
from accounts.notifications.services import notify
from certifications.defaults import load_defaults
from certifications.models import Credential
from credits.models import Activity, Evidence

pytestmark = pytest.mark.django_db

# Routes with their own rules: staff pages, allauth, the admin, bearer-key provider endpoints, the provider
# portal (tests/provider/test_portal_tenancy.py), the platform operator's pages (superusers only:
# tests/orgfile/test_platform_pages.py) and the employer pages and API (swept below).
ELSEWHERE = (
    "org/",
    "accounts/",
    "admin/",
    "api/v1/provider/",
    "provider/",
    "platform/",
    "employer/",
    "api/v1/employer/",
)


def routes():
    """(path, name, object arguments) of every named route outside ELSEWHERE that takes an object."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                path = prefix + str(p.pattern)
                arguments = set(p.pattern.converters) if hasattr(p.pattern, "converters") else set()
                if arguments and not path.startswith(ELSEWHERE):
                    found.append((path, p.name, arguments))

    walk(get_resolver().url_patterns)
    return found


@pytest.fixture
def owned(trainer):
    """One of every object a trainer owns, keyed by the URL name that takes its id."""
    from bench.audit_packet import seed_audit

    load_defaults()
    audit = seed_audit(user=trainer, credential=Credential.objects.get(code="ACSM-CPT"), images=1, pdfs=0)
    activity = Activity.objects.filter(user=trainer).first()
    evidence = Evidence.objects.get(activity=activity)
    certification, cycle = audit.cycle.certification, audit.cycle
    notification = notify(user=trainer, kind="petition_decided", key="petition:1", context={"organization": "ACE"})
    ids = {"notification_read": notification, "audit_detail": audit.pk, "transcript_pdf": cycle.pk}
    ids["api-cycle"] = cycle.pk
    for name in ("certification_detail", "certification_edit", "certification_remove", "certification_renew"):
        ids[name] = certification.pk
    for name in ("emeritus_application", "api-certification", "api-certification-cycles"):
        ids[name] = certification.pk
    for name in ("certification_share", "api-certification-credential", "api-certification-share-links"):
        ids[name] = certification.pk  # proof of certification
    from certifications.proof.services import share_link_create

    ids["api-share-link"] = share_link_create(actor=trainer, certification=certification)[0].pk
    for name in ("activity_detail", "activity_edit", "activity_delete", "evidence_upload", "petition_create"):
        ids[name] = activity.pk
    for name in ("api-activity-detail", "api-activity-evidence", "api-activity-petitions"):
        ids[name] = activity.pk
    for name in ("evidence_file", "evidence_delete", "api-evidence-detail"):
        ids[name] = evidence.pk
    link = _gym_link(trainer=trainer, certification=certification)
    ids["sharing_detail"], ids["sharing_withdraw"] = link.pk, link.consents.get().pk
    from credits.intake.models import IntakeDraft, IntakeJob

    job = IntakeJob.objects.create(user=trainer)
    draft = IntakeDraft.objects.create(job=job, position=0, original_name="c.pdf", state=IntakeDraft.FAILED)
    for name in ("intake_job", "intake_job_progress", "api-intake-job"):
        ids[name] = job.pk
    for name in (
        "intake_draft_confirm",
        "intake_draft_discard",
        "api-intake-draft-confirm",
        "api-intake-draft-discard",
    ):
        ids[name] = draft.pk
    return ids


def _gym_link(*, trainer, certification, slug="matrix-gym"):
    """An employer the trainer shares `certification` with (its admin has two-factor on)."""
    from accounts.models import Membership
    from employers.services import employer_create, employer_staff_add, sharing_set, trainer_invite
    from tests.conftest import activate_totp
    from tests.factories import UserFactory

    gym = employer_create(name=f"Gym {slug}", slug=slug, short_name=slug[:20])
    admin = UserFactory(email=f"admin@{slug}.test")
    activate_totp(admin)
    employer_staff_add(actor=None, organization=gym, user=admin, role=Membership.ADMIN)
    link = trainer_invite(actor=admin, organization=gym, email=trainer.email)
    return sharing_set(user=trainer, link=link, certification_ids={certification.pk})


def urls(ids):
    out = []
    for path, name, arguments in routes():
        if arguments == {"token"}:
            continue  # secret-token routes (unsubscribe, calendar): a wrong token is tested where they live
        assert name in ids, f"the permission matrix does not know which object {name} takes: add it to `owned`"
        [argument] = arguments
        out.append((name, reverse(name, kwargs={argument: ids[name]})))
    return out


@pytest.mark.parametrize("who", ["another trainer", "the staff of an employer the trainer shares with"])
def test_another_trainer_gets_404_everywhere_and_changes_nothing(client, owned, other_trainer, who):
    from accounts.models import User

    before = (ActionLog.objects.count(), Activity.objects.count(), Evidence.objects.count())
    # An employer sees only the roster: none of the trainer's own pages, activities or evidence.
    client.force_login(other_trainer if who == "another trainer" else User.objects.get(email="admin@matrix-gym.test"))
    for name, url in urls(owned):
        # 405 for POST-only routes says nothing about the object; everything else must be 404.
        assert client.get(url).status_code in (404, 405), f"GET {url} ({name})"
        assert client.post(url, {"confirm": "1", "open": "1"}).status_code in (404, 405), f"POST {url} ({name})"
        if name.startswith("api-"):
            assert client.delete(url).status_code in (404, 405), f"DELETE {url} ({name})"
    assert (ActionLog.objects.count(), Activity.objects.count(), Evidence.objects.count()) == before


def test_anonymous_visitors_are_sent_to_log_in_or_refused(client, owned):
    for name, url in urls(owned):
        response = client.get(url)
        if response.status_code == 405:
            continue  # POST-only
        if name.startswith("api-"):
            assert response.status_code in (401, 403), url
        else:
            assert response.status_code == 302 and reverse("account_login") in response["Location"], url


def test_the_owner_reaches_every_page(client, owned, trainer):
    client.force_login(trainer)
    for name, url in urls(owned):
        # 405: POST-only. The seeded certification has lapsed, and a lapsed one has no credential to download (400).
        allowed = (200, 302, 405, 400) if name == "api-certification-credential" else (200, 302, 405)
        assert client.get(url).status_code in allowed, f"GET {url} ({name})"


# --- Employer pages (/employer/<slug>/...) and the employer API (/api/v1/employer/...) ---


def employer_routes():
    """(name, object arguments, is_api) of every named route of the employer pages and API."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name and (prefix + str(p.pattern)).startswith(ELSEWHERE[-2:]):
                path = prefix + str(p.pattern)
                found.append((p.name, set(p.pattern.converters) - {"org_slug"}, path.startswith("api/")))

    walk(get_resolver().url_patterns)
    return found


@pytest.fixture
def gym_world(db, trainer):
    """The gym's objects keyed by the URL name that takes their id, with the gym's slug."""
    load_defaults()
    from tests.factories import CertificationFactory

    certification = CertificationFactory(user=trainer, credential=Credential.objects.get(code="ACE-CPT"))
    link = _gym_link(trainer=trainer, certification=certification, slug="gym-a")
    return {"slug": "gym-a", "employer_trainer": link.pk, "employer_remind": link.consents.get().pk}


def employer_urls(world, slug, *, with_ids_only=False, api=False):
    out = []
    for name, arguments, is_api in employer_routes():
        if is_api != api or (with_ids_only and not arguments):
            continue
        kwargs = {} if is_api else {"org_slug": slug}
        for argument in arguments:
            assert name in world, f"the employer matrix does not know which object {name} takes: add it to gym_world"
            kwargs[argument] = world[name]
        out.append((name, reverse(name, kwargs=kwargs)))
    assert out or with_ids_only, "no employer routes found"
    return out


def _state():
    from employers.models import Consent, Link

    return ActionLog.objects.count(), Link.objects.count(), list(Consent.objects.values_list("pk", "withdrawn_at"))


@pytest.mark.parametrize(
    "who", ["another employer's admin", "a certifying organization's admin", "an unlinked trainer"]
)
def test_employer_pages_are_404_for_everyone_but_the_employers_staff(client, gym_world, other_trainer, admin_a, who):
    before = _state()
    if who == "another employer's admin":
        _gym_link(trainer=other_trainer, certification=_any_certification(other_trainer), slug="gym-b")
        from accounts.models import User

        user = User.objects.get(email="admin@gym-b.test")
        # gym A's URLs, and gym A's object ids under the other gym's own slug (the lookup itself must be 404)
        urls_ = employer_urls(gym_world, "gym-a") + employer_urls(gym_world, "gym-b", with_ids_only=True)
        before = _state()
    else:
        user = admin_a if who == "a certifying organization's admin" else other_trainer
        urls_ = employer_urls(gym_world, "gym-a")
    client.force_login(user)
    for name, url in urls_:
        assert client.get(url).status_code == 404, f"GET {url} ({name}) as {who}"
        posted = {"email": "x@example.com", "action": "remove", "name": "X", "role": "admin", "note": "hi"}
        assert client.post(url, posted).status_code == 404, f"POST {url} ({name}) as {who}"
    assert _state() == before


def _any_certification(user):
    from tests.factories import CertificationFactory

    return CertificationFactory(user=user, credential=Credential.objects.get(code="ACSM-CPT"))


def test_employer_pages_send_anonymous_visitors_to_log_in(client, gym_world):
    for name, url in employer_urls(gym_world, "gym-a"):
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"], name


def test_the_employers_admin_reaches_every_page_and_a_manager_only_the_roster_side(client, gym_world):
    from accounts.models import Membership, User
    from employers.services import employer_staff_add
    from tests.factories import UserFactory

    client.force_login(User.objects.get(email="admin@gym-a.test"))
    for name, url in employer_urls(gym_world, "gym-a"):
        assert client.get(url).status_code == 200, f"GET {url} ({name})"
    manager = UserFactory()
    gym = Membership.objects.get(user__email="admin@gym-a.test").organization
    employer_staff_add(actor=None, organization=gym, user=manager, role=Membership.MANAGER)
    client.force_login(manager)
    for name, url in employer_urls(gym_world, "gym-a"):
        admin_only = name in ("employer_locations", "employer_staff", "employer_api_keys", "employer_action_log")
        assert client.get(url).status_code == (403 if admin_only else 200), f"GET {url} ({name})"


def test_employer_staff_never_see_a_back_office(client, gym_world, org_a):
    from accounts.models import User
    from tests.accounts.test_tenancy import _org_urls

    client.force_login(User.objects.get(email="admin@gym-a.test"))
    for url in _org_urls("gym-a") + _org_urls(org_a.slug):
        assert client.get(url).status_code == 404, url


def test_the_employer_api_answers_only_an_employer_key_of_its_own(client, gym_world, other_trainer, trainer, admin_a):
    from rest_framework.authtoken.models import Token

    from accounts.models import Membership, User
    from accounts.services import provider_api_key_create, provider_create
    from employers.services import employer_api_key_create

    _gym_link(trainer=other_trainer, certification=_any_certification(other_trainer), slug="gym-b")
    gym_b = Membership.objects.get(user__email="admin@gym-b.test").organization
    _, other_key = employer_api_key_create(actor=None, organization=gym_b, name="B")
    provider = provider_create(
        actor=admin_a,
        organization=admin_a.memberships.get().organization,
        name="P",
    )
    _, provider_key = provider_api_key_create(actor=admin_a, provider=provider, name="LMS")
    token = Token.objects.create(user=trainer).key
    for name, url in employer_urls(gym_world, "gym-a", api=True):
        rows = client.get(url, HTTP_AUTHORIZATION=f"Bearer {other_key}").json()["results"]
        assert all(row["email"] != trainer.email for row in rows), f"{url} leaks gym A's roster to gym B"
        assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {provider_key}").status_code == 401, url
        assert client.get(url, HTTP_AUTHORIZATION=f"Token {token}").status_code in (401, 403), url
        assert client.get(url).status_code in (401, 403), url
        client.force_login(User.objects.get(email="admin@gym-a.test"))  # a session is not a key
        assert client.get(url).status_code in (401, 403), url
        client.logout()
