"""The back office's course catalog: the organization's approved courses, searched, 50 a page, nobody else's."""

import re

import pytest
from django.urls import reverse

from tests.factories import ApprovedCourseFactory, ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogs(shipped):
    """120 ACE courses from two providers (one retired) and a few ACSM ones whose titles would match."""
    ace, acsm = shipped["ACE"], shipped["ACSM"]
    move = ProviderFactory(organization=ace, name="MoveWell Academy")
    kettle = ProviderFactory(organization=ace, name="Kettlebell Co")
    for n in range(120):
        ApprovedCourseFactory(
            organization=ace,
            provider=move if n % 2 else kettle,
            course_number=f"CA{20000 + n}",
            title=f"Strength course {n}" if n != 7 else "Mobility for runners",
            is_retired=n == 9,
        )
    for n in range(3):
        ApprovedCourseFactory(organization=acsm, course_number=f"X{n}", title="Mobility for runners (ACSM)")
    return {"move": move, "kettle": kettle}


def numbers(response) -> list[str]:
    return [c.course_number for c in response.context["page"]]


def test_staff_see_their_organizations_catalog_50_a_page_in_number_order(client, reviewer_a, catalogs):
    client.force_login(reviewer_a)
    url = reverse("org_courses", args=["ace"])
    first = client.get(url)
    assert first.status_code == 200 and first.context["page"].paginator.count == 120
    assert numbers(first) == [f"CA{20000 + n}" for n in range(50)]
    assert "Amount (CEC)" in first.content.decode()  # the organization's unit
    last = client.get(url, {"page": 3})
    assert numbers(last) == [f"CA{20000 + n}" for n in range(100, 120)]
    html = last.content.decode()
    assert "Page 3 of 3" in html and "?page=2" in html and "Next" not in html
    assert not any(n.startswith("X") for page in (1, 2, 3) for n in numbers(client.get(url, {"page": page})))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "ca2011"}, [f"CA{20110 + n}" for n in range(10)]),  # part of a number, any case
        ({"q": "  MOBILITY "}, ["CA20007"]),  # part of a title, trimmed; ACSM's "Mobility" course is not here
        ({"q": "kettlebell", "status": "retired"}, []),  # by provider name; CA20009 is MoveWell's
        ({"q": "movewell", "status": "retired"}, ["CA20009"]),
    ],
)
def test_search_by_number_title_or_provider(client, reviewer_a, catalogs, params, expected):
    client.force_login(reviewer_a)
    response = client.get(reverse("org_courses", args=["ace"]), params)
    assert numbers(response) == expected


def test_filter_by_provider_and_status_and_the_pages_keep_the_search(client, reviewer_a, catalogs):
    client.force_login(reviewer_a)
    url = reverse("org_courses", args=["ace"])
    response = client.get(url, {"provider": catalogs["kettle"].pk, "status": "current"})
    assert response.context["page"].paginator.count == 60
    assert all(c.provider == catalogs["kettle"] and not c.is_retired for c in response.context["page"])
    nxt = re.search(r'href="\?([^"]*page=2)"', response.content.decode()).group(1)
    assert f"provider={catalogs['kettle'].pk}" in nxt and "status=current" in nxt


def test_another_organizations_provider_is_refused_on_the_field(client, reviewer_b, catalogs):
    client.force_login(reviewer_b)
    response = client.get(reverse("org_courses", args=["acsm"]), {"provider": catalogs["move"].pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.context["form"].errors["provider"][0]
    html = response.content.decode()
    assert re.search(r'<select[^>]*name="provider"[^>]*aria-invalid="true"', html)
    assert numbers(response) == ["X0", "X1", "X2"]  # ACSM's own; none of ACE's


def test_the_catalog_is_only_for_staff_of_that_organization(client, catalogs, reviewer_a, admin_b, trainer):
    url = reverse("org_courses", args=["ace"])
    assert client.get(url).status_code == 302  # anonymous: log in
    for outsider in (admin_b, trainer):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_the_back_office_nav_links_the_catalog(client, reviewer_a, shipped):
    client.force_login(reviewer_a)
    html = client.get(reverse("org_home", args=["ace"])).content.decode()
    assert f'href="{reverse("org_courses", args=["ace"])}">Course catalog</a>' in html


def test_a_page_takes_a_fixed_number_of_queries(client, reviewer_a, catalogs, django_assert_max_num_queries):
    client.force_login(reviewer_a)
    client.get(reverse("org_courses", args=["ace"]))  # warm the session and rule caches
    with django_assert_max_num_queries(12):
        response = client.get(reverse("org_courses", args=["ace"]), {"q": "course"})
    assert len(response.context["page"]) == 50 and all(c.provider for c in response.context["page"])


def test_the_provider_page_lists_its_courses_50_a_page(client, admin_a, catalogs):
    client.force_login(admin_a)
    url = reverse("org_provider", args=["ace", catalogs["move"].pk])
    first = client.get(url)
    courses = first.context["courses"]
    assert courses.paginator.count == 60 and len(courses) == 50
    html = first.content.decode()
    assert html.count("<code>CA2") == 50 and "Page 1 of 2" in html
    assert f"{reverse('org_courses', args=['ace'])}?provider={catalogs['move'].pk}" in html
    second = client.get(url, {"page": 2})
    assert [c.course_number for c in second.context["courses"]] == [f"CA{20000 + n}" for n in range(101, 120, 2)]
