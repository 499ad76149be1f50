"""Fixtures for the calculator: the shipped organizations, credentials and rules, and an API client."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from certifications.defaults import load_defaults


@pytest.fixture
def shipped(db):
    """ACE and ACSM as a new installation has them (credentials and published rule sets)."""
    return {org.short_name: org for org in load_defaults()}


@pytest.fixture
def api(shipped):
    cache.clear()  # throttle counters live in the cache
    return APIClient()


@pytest.fixture
def evaluate(api):
    """POST a body to /api/v1/evaluate as JSON; returns the response."""

    def post(body, **extra):
        return api.post("/api/v1/evaluate", body, format="json", **extra)

    return post
