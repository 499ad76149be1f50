"""load_demo gives the demo trainer an ACE certification in progress and an ACSM one nearly done."""

import pytest
from django.core.management import call_command

from accounts.models import User
from certifications.models import Certification
from certifications.selectors import user_progress
from credits.models import Activity

pytestmark = pytest.mark.django_db


def test_load_demo_makes_the_dashboard_alive_and_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    trainer = User.objects.get(email="trainer@cectracker.demo")
    assert Certification.objects.filter(user=trainer).count() == 2
    assert Activity.objects.filter(user=trainer).count() == 15  # 14, and one petitioned to ACSM
    progress = {p.certification.credential.code: p.result for p in user_progress(user=trainer)}
    ace, acsm = progress["ACE-CPT"], progress["ACSM-CPT"]
    assert ace.status == "in_progress" and 0.4 < ace.earned / ace.required < 0.8
    assert acsm.status == "in_progress" and acsm.earned / acsm.required > 0.9 and acsm.remaining > 0
    assert acsm.cpr_aed_ok


def test_load_demo_gives_the_staff_a_pending_petition_and_an_open_audit():
    from audits.models import Audit
    from credits.models import Petition

    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    [petition] = Petition.objects.all()
    assert petition.status == "pending" and petition.organization.short_name == "ACSM"
    assert petition.activity.evidence.count() == 1
    [audit] = Audit.objects.all()
    assert audit.user.email == "riley@cectracker.demo" and audit.status == "open"
    assert audit.organization.short_name == "ACSM"
