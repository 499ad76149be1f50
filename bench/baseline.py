"""The yardstick every bench prints beside its figures (issue 18): a plain DRF list of 50 rows from one
PostgreSQL table (a ModelSerializer, no rules), served by the same process through the same middleware.

    with baseline_urls():
        base = baseline_ms(client)        # median milliseconds of GET /bench/baseline/ (50 activities)
        page, base, status = beside_baseline(client, "/dashboard/", 10)  # the two in turn, for a fair ratio
"""

import statistics
import time
from contextlib import contextmanager

from django.test.utils import override_settings
from django.urls import include, path
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from credits.models import Activity


class _ActivityRow(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "kind", "title", "completed_on", "amount", "hours", "course_number", "awarding_org"]


class BaselineList(generics.ListAPIView):
    """50 of the person's activities, newest first: one indexed query, no rules."""

    serializer_class = _ActivityRow
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Activity.objects.filter(user=self.request.user).order_by("-id")[:50]


urlpatterns = [path("bench/baseline/", BaselineList.as_view()), path("", include("cectracker.urls"))]


@contextmanager
def baseline_urls():
    """Serve the site plus /bench/baseline/ from this module, for the benches only."""
    with override_settings(ROOT_URLCONF="bench.baseline"):
        yield


def timed(client, url: str, runs: int, method: str = "get", **kwargs) -> tuple[float, int]:
    """(median milliseconds, status of the last answer) of `runs` requests; the first one warms up."""
    getattr(client, method)(url, **kwargs)
    timings, status = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        response = getattr(client, method)(url, **kwargs)
        timings.append((time.perf_counter() - began) * 1000)
        status = response.status_code
    return statistics.median(timings), status


def beside_baseline(client, url: str, runs: int, method: str = "get", **kwargs) -> tuple[float, float, int]:
    """(median ms of `url`, median ms of the baseline, status of the last answer), the two requested in turn,
    so that a load on the machine (another process, a helper's test run) weighs on both alike and the ratio
    stays true even when the milliseconds do not."""
    getattr(client, method)(url, **kwargs)
    client.get("/bench/baseline/")
    page, base, status = [], [], 0
    for _ in range(runs):
        began = time.perf_counter()
        response = getattr(client, method)(url, **kwargs)
        page.append((time.perf_counter() - began) * 1000)
        status = response.status_code
        began = time.perf_counter()
        assert client.get("/bench/baseline/").status_code == 200
        base.append((time.perf_counter() - began) * 1000)
    return statistics.median(page), statistics.median(base), status


def baseline_ms(client, runs: int = 20) -> float:
    """Median milliseconds of the 50-row DRF list for the client's user."""
    ms, status = timed(client, "/bench/baseline/", runs)
    assert status == 200, status
    return ms
