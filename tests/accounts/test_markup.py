"""Markup that validators (axe, the Nu checker) hold every page to."""

import re

import pytest


@pytest.mark.django_db
def test_the_menu_toggle_label_is_not_hidden_from_assistive_technology(client):
    # aria-hidden on a <label> is invalid (Nu checker) and hides the control's label; only the glyph is hidden.
    html = client.get("/").content.decode()
    label = re.search(r'<label for="nav-toggle"[^>]*>(.*?)</label>', html)
    assert label and "aria-hidden" not in label.group(0).split(">")[0]
    assert '<span aria-hidden="true">☰</span>' in label.group(1)


def test_action_codes_read_as_words():
    from accounts.models import action_label

    assert action_label("audit.selected") == "Audit selected"
    assert action_label("provider.api_key_created") == "Provider API key created"
    assert action_label("audit_packet.downloaded") == "Audit packet downloaded"
