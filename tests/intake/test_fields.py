"""Reading a certificate's text: every date form, every unit, the conversions of RULES §2 and §5."""

from datetime import date
from decimal import Decimal

import pytest

from credits.intake.fields import CEC, CEU, HOURS, ace_number, certificate_fields, converted, parse_date


@pytest.mark.parametrize(
    "text",
    ["Completed 2026-03-14", "Completed 03/14/2026", "Completed March 14, 2026", "Completed 14 Mar 2026",
     "Completed Mar. 14 2026", "Completed 14th March 2026"],
)  # fmt: skip
def test_each_date_form_is_read(text):
    assert parse_date(text) == date(2026, 3, 14)


def test_the_completion_date_is_preferred_over_issue_and_expiry_dates():
    text = "Valid until 03/14/2028\nIssued on 03/20/2026\nDate completed: 03/14/2026"
    assert certificate_fields(text).completed_on.value == date(2026, 3, 14)


def test_a_future_date_is_never_the_completion_date():
    text = "Completed: 03/14/2030\nPrinted 01/02/2026"
    fields = certificate_fields(text, today=date(2026, 6, 1))
    assert fields.completed_on is None or fields.completed_on.value != date(2030, 3, 14)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("CECs: 0.7", "0.7", CEC),
        ("0.7 CECs awarded", "0.7", CEC),
        ("Continuing Education Credits: 6", "6", CEC),
        ("0.6 CEUs approved by NASM", "0.6", CEU),
        ("Continuing Education Units: 1.2", "1.2", CEU),
        ("Contact hours: 4", "4", HOURS),
        ("4.5 hours of instruction", "4.5", HOURS),
        ("8 clock hours", "8", HOURS),
        ("0.4 CECs (4 contact hours)", "0.4", CEC),  # the award, not the hours
    ],
)
def test_each_unit_form_is_read(text, amount, unit):
    fields = certificate_fields(text)
    assert (fields.amount.value, fields.unit.value) == (Decimal(amount), unit)


@pytest.mark.parametrize(
    ("amount", "unit", "per_hour", "approved", "expected"),
    [
        ("0.7", CEC, "0.1", True, ("0.7", None)),  # ACE CECs are ACE's unit
        ("7", HOURS, "0.1", True, ("0.70", None)),  # ACE: 0.1 CEC an hour
        ("6", HOURS, "1", True, ("6.00", None)),  # ACSM: 1 CEC an hour
        ("0.6", CEU, "1", True, ("6.00", None)),  # a CEU is 10 hours: 6 ACSM CECs
        ("0.6", CEU, "0.1", False, ("0.60", None)),  # NASM's decimal system: the same figure
        ("4", HOURS, "0.1", False, (None, "4")),  # another organization's hours: the engine converts them
        ("0.6", CEU, None, False, (None, "6.0")),  # unknown organization: a CEU as 10 hours
        ("2", CEC, None, False, ("2", None)),  # unknown organization: 1:1 (RULES §5)
    ],
)
def test_units_convert_as_the_rules_say(amount, unit, per_hour, approved, expected):
    got = converted(
        amount=Decimal(amount), unit=unit, unit_per_hour=Decimal(per_hour) if per_hour else None, approved=approved
    )
    assert got == tuple(Decimal(v) if v is not None else None for v in expected)


def test_ace_numbers_are_read_with_ocr_slips():
    assert ace_number("Course No. CA 2345O") == "CA23450"
    assert ace_number("cep123456") is None or ace_number("CEP123456") == "CEP123456"
    assert certificate_fields("Course No. C$511871").course_numbers[0].value == "CS511871"


def test_participant_title_and_provider_come_from_their_labels_with_their_source_line():
    text = (
        "This certifies that\nTess Trainer\nhas successfully completed\nKettlebell Basics\nProvider: Move Well Academy"
    )
    fields = certificate_fields(text)
    assert fields.participant.value == "Tess Trainer"
    assert fields.title.value == "Kettlebell Basics"
    assert fields.provider.value == "Move Well Academy"
    assert "Move Well Academy" in fields.provider.source


def test_ocr_text_is_less_sure_than_a_text_layer():
    assert (
        certificate_fields("CECs: 0.7", ocr=True).amount.confidence < certificate_fields("CECs: 0.7").amount.confidence
    )
