"""The back office's approved-course catalog (under /org/<slug>/): search and pages of 50."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.tenancy import staff_view
from certifications.selectors import params_in_force
from credits.catalog.forms import CatalogSearchForm
from credits.catalog.selectors import course_catalog

PER_PAGE = 50


@staff_view()
def org_courses(request):
    form = CatalogSearchForm(request.GET or None, organization=request.organization)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = course_catalog(
        organization=request.organization,
        search=filters.get("q", ""),
        status=filters.get("status", ""),
        provider=filters.get("provider"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    rules = params_in_force(organization_id=request.organization.pk, on=timezone.localdate())
    return render(
        request,
        "credits/catalog/org_courses.html",
        {
            "form": form,
            "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
            "unit": rules.unit if rules else "",
            "searched": bool(filters.get("q") or filters.get("status") or filters.get("provider")),
        },
    )
