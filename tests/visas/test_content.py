"""The content file: loads idempotently, keeps advisers' edits, says only what sources say."""

from __future__ import annotations

import io
import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from visas import vocabulary as v
from visas.management.commands.load_visa_content import DEFAULT_FILE
from visas.models import Caveat, Criterion, KeyFigure, Program, Source

pytestmark = pytest.mark.django_db

CONTENT = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
FACTS = Path("/work/shared/facts/facts.json")


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_visa_content", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Program, Source, Criterion, Caveat, KeyFigure))


def items() -> list[tuple[str, str, dict]]:
    return [
        (program["slug"], section, item)
        for program in CONTENT["programs"]
        for section in ("criteria", "figures", "caveats")
        for item in program.get(section, [])
    ]


# --- The file itself -------------------------------------------------------------------------


def test_every_item_has_a_known_source_an_as_of_date_and_a_clarity() -> None:
    keys = [item["key"] for _, _, item in items()]
    assert len(keys) == len(set(keys)), "item keys must be unique"
    for slug, section, item in items():
        where = f"{slug} {section} {item['key']}"
        assert item["source"] in CONTENT["sources"], where
        assert all(s in CONTENT["sources"] for s in item.get("more_sources", [])), where
        assert item.get("as_of"), where
        assert item["clarity"] in {c.value for c in v.Clarity}, where


def test_every_source_has_an_address_or_says_why_not() -> None:
    for key, source in CONTENT["sources"].items():
        assert source["url"] or "address is not known" in source["note"], key
        assert source.get("published_on") or source.get("published_note"), key


def test_unclear_k_visa_criteria_invent_no_numbers() -> None:
    k_visa = next(p for p in CONTENT["programs"] if p["slug"] == "china-k-visa")
    for criterion in k_visa["criteria"]:
        if criterion["clarity"] == "unclear":
            assert not any(isinstance(value, int) for value in criterion["values"]), criterion
            if criterion["fact"] in ("age", "stem_experience"):
                assert criterion["operator"] == "unspecified"
                assert criterion["values"] == []


def test_the_100k_payment_is_one_time_per_petition_not_annual() -> None:
    load()
    payment = KeyFigure.objects.get(content_key="h1b-payment-100k")
    assert payment.value == Decimal("100000")
    assert payment.recurrence == v.Recurrence.PER_PETITION
    assert payment.payer == v.Payer.EMPLOYER
    assert payment.clarity == v.Clarity.UNCLEAR
    assert "not annual" in payment.note
    cap = KeyFigure.objects.get(content_key="h1b-annual-cap")
    assert "not on total" in cap.note


@pytest.mark.skipif(not FACTS.exists(), reason="the shared facts file is not on this machine")
def test_every_fee_amount_appears_in_the_facts() -> None:
    facts = FACTS.read_text(encoding="utf-8")
    for _, section, item in items():
        if section == "figures" and "value" in item and item["kind"] == "fee":
            amount = f"{int(Decimal(item['value'])):,}"
            assert amount in facts or amount.replace(",", "") in facts, item["key"]


def test_the_expected_criteria_are_stored() -> None:
    load()
    unclear = set(
        Criterion.objects.filter(clarity=v.Clarity.UNCLEAR).values_list("program__slug", "fact")
    )
    assert unclear == {
        ("china-k-visa", "institution"),
        ("china-k-visa", "academic_role"),
        ("china-k-visa", "age"),
        ("china-k-visa", "stem_experience"),
        ("china-r-visa", "degree"),
    }
    assert Criterion.objects.filter(program__slug="us-h1b").count() == 7
    assert Criterion.objects.filter(program__slug="china-k-visa").count() == 9
    assert Criterion.objects.filter(program__slug="china-r-visa").count() == 3


# --- Loader ----------------------------------------------------------------------------------


def test_loading_twice_creates_nothing_new() -> None:
    first = load()
    after_first = counts()
    revisions = dict(Program.objects.values_list("slug", "revision"))
    second = load()
    assert counts() == after_first
    assert dict(Program.objects.values_list("slug", "revision")) == revisions
    assert " 0 created" in second
    assert " 0 updated" in second
    assert " 0 kept" in second
    assert " 0 created" not in first
    assert after_first[0] == 3


def test_an_adviser_edit_is_kept_and_reported_then_force_overwrites() -> None:
    load()
    figure = KeyFigure.objects.get(content_key="h1b-selection-rate-fy2026")
    figure.value_text = "about 36%"
    figure.save()
    output = load()
    assert "Kept us-h1b / figures / h1b-selection-rate-fy2026" in output
    assert "content file differs" in output
    assert " 1 kept" in output
    figure.refresh_from_db()
    assert figure.value_text == "about 36%"

    output = load("--force")
    figure.refresh_from_db()
    assert figure.value_text == "about 35.3%"
    assert " 0 kept" in output


def test_a_changed_file_updates_rows_and_bumps_the_revision(tmp_path: Path) -> None:
    load()
    before = Program.objects.get(slug="china-r-visa").revision
    text = DEFAULT_FILE.read_text(encoding="utf-8").replace(
        "Some reports say the visa can be issued as early as the next day.",
        "Some reports say the visa can be issued the next day.",
    )
    changed = tmp_path / "programs.toml"
    changed.write_text(text, encoding="utf-8")
    output = load("--file", str(changed))
    assert " 1 updated" in output
    assert Program.objects.get(slug="china-r-visa").revision == before + 1
    assert Program.objects.get(slug="us-h1b").revision == 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            'key = "k-degree-bachelor"\nimportance = "required"\nfact = "degree"\n'
            'operator = "at_least"\nvalues = ["bachelor"]',
            'key = "k-degree-bachelor"\nimportance = "required"\nfact = "degree"\n'
            'operator = "at_least"\nvalues = [16]',
            "china-k-visa / criteria / k-degree-bachelor: values",
            id="bad-rule",
        ),
        pytest.param(
            'source = "cn-xinhua-stdaily"\nmore_sources = ["cn-afp-hurriyet"]',
            'source = "nowhere"\nmore_sources = ["cn-afp-hurriyet"]',
            "k-experience-unspecified: source 'nowhere' is not a source key",
            id="unknown-source",
        ),
        pytest.param(
            'clarity = "unclear"\nas_of = 2025-10-01\nsource = "cn-xinhua-stdaily"',
            'clarity = "unclear"\nsource = "cn-xinhua-stdaily"',
            "k-experience-unspecified: missing 'as_of'",
            id="missing-as-of",
        ),
        pytest.param(
            "[[programs]]", "[[programs]]\ncolour = 1", "unknown field(s) colour", id="typo"
        ),
    ],
)
def test_a_malformed_file_names_the_item_and_field_and_loads_nothing(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        load("--file", str(bad))
    assert message in str(caught.value)
    assert counts() == (0, 0, 0, 0, 0)


def test_a_file_that_is_not_toml_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[programs]\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid TOML"):
        load("--file", str(bad))


# --- Backup ----------------------------------------------------------------------------------


def test_export_wipe_import_export_is_identical(tmp_path: Path) -> None:
    load()
    # An item made in admin (no content key) survives the round trip too.
    program = Program.objects.get(slug="us-h1b")
    Caveat.objects.create(
        program=program,
        category=v.CaveatCategory.OTHER,
        title="Made in admin",
        text="No key.",
        clarity=v.Clarity.REPORTED,
        as_of=program.last_reviewed_on,
        source=Source.objects.first(),
    )
    backup = tmp_path / "backup.json"
    call_command("export_visa_content", "--output", str(backup), stderr=io.StringIO())
    first = backup.read_text(encoding="utf-8")

    Program.objects.all().delete()
    Source.objects.all().delete()
    assert counts() == (0, 0, 0, 0, 0)

    call_command("import_visa_content", str(backup), stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_visa_content", stdout=out)
    assert json.loads(out.getvalue()) == json.loads(first)
    assert out.getvalue() == first
    # The loader still recognises the restored rows.
    assert " 0 created" in load()
