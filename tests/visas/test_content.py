"""The content file: loads idempotently, keeps advisers' edits, says only what sources say."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from visas import vocabulary as v
from visas.management.commands.load_visa_content import (
    DEFAULT_FILE,
    content_files,
    content_read,
)
from visas.models import (
    Caveat,
    Criterion,
    ExchangeRate,
    KeyFigure,
    PointsRow,
    PointsTable,
    Program,
    RequirementGroup,
    Source,
)
from visas.services import content_export

pytestmark = pytest.mark.django_db

# Every content file as one: the eleven programs, their sources and the exchange rates.
CONTENT = content_read(content_files())
FIRST_THREE = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
# The researched facts, in the shared folder beside the project (CI lays a copy there too).
FACTS_DIR = next(
    (
        path
        for path in (
            Path(__file__).resolve().parents[3] / "shared" / "facts",
            Path("/work/shared/facts"),
        )
        if (path / "facts.json").exists()
    ),
    Path("/work/shared/facts"),
)
FACTS = FACTS_DIR / "facts.json"
ROUTE_FACTS = FACTS_DIR / "routes" / "facts.json"
PROGRAM_SLUGS = {
    "china-k-visa",
    "us-h1b",
    "china-r-visa",
    "uk-global-talent",
    "uk-high-potential-individual",
    "germany-opportunity-card",
    "eu-blue-card-germany",
    "canada-express-entry",
    "us-o1a",
    "singapore-one-pass",
    "singapore-employment-pass",
    "japan-hsp",
}


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_visa_content", *args, stdout=out)
    return out.getvalue()


MODELS = (
    Program,
    Source,
    Criterion,
    Caveat,
    KeyFigure,
    RequirementGroup,
    PointsTable,
    PointsRow,
    ExchangeRate,
)
NOTHING = (0,) * len(MODELS)
SECTIONS = ("criteria", "points_tables", "figures", "caveats")


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in MODELS)


def items() -> list[tuple[str, str, dict]]:
    """Every cited item of the file: criteria, points tables, figures and caveats."""
    return [
        (program["slug"], section, item)
        for program in CONTENT["programs"]
        for section in SECTIONS
        for item in program.get(section, [])
    ]


def program_in_file(slug: str) -> dict[str, Any]:
    return next(p for p in CONTENT["programs"] if p["slug"] == slug)


# --- The file itself -------------------------------------------------------------------------


def test_the_files_hold_eleven_routes_and_the_rates() -> None:
    # Singapore's Employment Pass is a program of its own beside the ONE Pass.
    assert {program["slug"] for program in CONTENT["programs"]} == PROGRAM_SLUGS
    currencies = {rate["currency"] for rate in CONTENT["rates"]}
    assert {"USD", "GBP", "CNY", "JPY", "SGD", "CAD", "INR"} <= currencies
    for rate in CONTENT["rates"]:
        assert CONTENT["sources"][rate["source"]]["is_official"], rate["currency"]
        assert isinstance(rate["as_of"], dt.date), rate["currency"]


def test_a_value_likely_to_change_carries_a_review_date() -> None:
    # Fees set each April (UK) or by a 2026 law (Japan), thresholds each January (Germany),
    # funds each July (Canada): each such program has dated items to review.
    reviewed = {slug for slug, _, item in items() if isinstance(item.get("review_by"), dt.date)}
    assert {
        "uk-global-talent",
        "uk-high-potential-individual",
        "eu-blue-card-germany",
        "canada-express-entry",
        "japan-hsp",
    } <= reviewed
    assert all(
        isinstance(item["review_by"], dt.date) for _, _, item in items() if "review_by" in item
    )


def test_every_item_has_a_known_source_an_as_of_date_and_a_clarity() -> None:
    keys = [item["key"] for _, _, item in items()]
    assert len(keys) == len(set(keys)), "item keys must be unique"
    sections = {section for _, section, _ in items()}
    assert sections == set(SECTIONS), "the file has items of every kind, points tables too"
    for slug, section, item in items():
        where = f"{slug} {section} {item['key']}"
        assert item["source"] in CONTENT["sources"], where
        assert all(s in CONTENT["sources"] for s in item.get("more_sources", [])), where
        assert not item.get("legal_source") or item["legal_source"] in CONTENT["sources"], where
        assert isinstance(item.get("as_of"), dt.date), where
        assert item["clarity"] in {c.value for c in v.Clarity}, where


def test_every_program_cites_its_selection_with_a_date_and_a_clarity() -> None:
    for program in CONTENT["programs"]:
        where = program["slug"]
        assert program["selection"] in {s.value for s in v.Selection} - {"not_recorded"}, where
        if program["selection"] != "none":
            assert program["selection_source"] in CONTENT["sources"], where
            assert isinstance(program.get("selection_as_of"), dt.date), where
            assert program["selection_clarity"] in {c.value for c in v.Clarity}, where


def test_confirmed_only_where_the_main_source_is_official() -> None:
    confirmed = 0
    for slug, section, item in items():
        if item["clarity"] == "confirmed":
            confirmed += 1
            source = CONTENT["sources"][item["source"]]
            assert source["is_official"], f"{slug} {section} {item['key']}: {item['source']}"
    for program in CONTENT["programs"]:
        if program.get("selection_clarity") == "confirmed":
            assert CONTENT["sources"][program["selection_source"]]["is_official"], program["slug"]
    assert confirmed > 0


def test_an_item_not_in_force_says_why_in_a_legal_note() -> None:
    statuses = {s.value for s in v.LegalStatus}
    not_in_force = []
    for slug, section, item in items():
        where = f"{slug} {section} {item['key']}"
        status = item.get("legal_status", "in_force")
        assert status in statuses, where
        if status != "in_force":
            not_in_force.append(item["key"])
            assert item.get("legal_note", "").strip(), where
    assert "h1b-payment-100k" in not_in_force


def test_the_k_visa_has_two_routes_in_the_file() -> None:
    k_visa = program_in_file("china-k-visa")
    groups = {group["key"]: group for group in k_visa["groups"]}
    routes = [group for group in k_visa["groups"] if group.get("route")]
    assert [group["route"] for group in routes] == [
        "Graduate of a well-known institution",
        "STEM teaching or research at a well-known institution",
    ]
    # The two routes are alternatives: children of one top-level "any" group.
    parents = {group["parent"] for group in routes}
    assert len(parents) == 1
    (parent,) = parents
    assert groups[parent]["combine"] == "any"
    assert groups[parent].get("parent", "") == ""
    for route in routes:
        assert route["combine"] == "all"
        members = [c["key"] for c in k_visa["criteria"] if c.get("group") == route["key"]]
        assert members, route["key"]


def test_the_100k_payment_has_an_unknown_legal_status_naming_the_vacatur() -> None:
    h1b = program_in_file("us-h1b")
    payment = next(f for f in h1b["figures"] if f["key"] == "h1b-payment-100k")
    assert payment["legal_status"] == "unknown"
    assert "Vacated by a federal court" in payment["legal_note"]
    assert "8 June 2026" in payment["legal_note"]
    assert payment["legal_changed_on"] == dt.date(2026, 9, 21)
    assert payment["legal_source"] in CONTENT["sources"]


def test_every_source_has_an_address_or_says_why_not() -> None:
    why_not = re.compile(r"address (is not known|was not recorded)")
    for key, source in CONTENT["sources"].items():
        assert source["url"] or why_not.search(source["note"]), key
        assert source.get("published_on") or source.get("published_note"), key


def test_unclear_k_visa_criteria_invent_no_numbers() -> None:
    """An unclear requirement has no number; a number appears only in a hint (importance
    "warning_unless", never a verdict) that says it is not a confirmed rule."""
    k_visa = program_in_file("china-k-visa")
    hints = []
    for criterion in k_visa["criteria"]:
        if criterion["clarity"] != "unclear":
            continue
        if criterion["importance"] == "warning_unless":
            hints.append(criterion["key"])
            assert "not a confirmed rule" in criterion["statement"], criterion
            continue
        assert not any(isinstance(value, int) for value in criterion["values"]), criterion
        if criterion["fact"] in ("age", "stem_experience"):
            assert criterion["operator"] == "unspecified"
            assert criterion["values"] == []
    assert hints == ["k-age-likely-limit"]


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
    if ROUTE_FACTS.exists():
        facts += ROUTE_FACTS.read_text(encoding="utf-8")
    for _, section, item in items():
        if section == "figures" and "value" in item and item["kind"] == "fee":
            amount = f"{int(Decimal(item['value'])):,}"
            assert amount in facts or amount.replace(",", "") in facts, item["key"]


def test_the_expected_criteria_are_stored() -> None:
    load()
    first_three = ("china-k-visa", "us-h1b", "china-r-visa")
    unclear = set(
        Criterion.objects.filter(
            clarity=v.Clarity.UNCLEAR, program__slug__in=first_three
        ).values_list("program__slug", "fact")
    )
    assert unclear == {
        ("china-k-visa", "institution"),
        ("china-k-visa", "academic_role"),
        ("china-k-visa", "age"),
        ("china-k-visa", "stem_experience"),
        ("china-r-visa", "stem_experience"),
        ("us-h1b", "stem_experience"),
    }
    assert Criterion.objects.filter(program__slug="us-h1b").count() == 10
    assert Criterion.objects.filter(program__slug="china-k-visa").count() == 9
    assert Criterion.objects.filter(program__slug="china-r-visa").count() == 4
    groups = dict(
        RequirementGroup.objects.filter(program__slug__in=first_three)
        .values_list("program__slug")
        .annotate(n=models.Count("id"))
    )
    assert groups == {"china-k-visa": 3, "us-h1b": 4, "china-r-visa": 1}
    for program in CONTENT["programs"]:
        for section in SECTIONS:
            assert getattr(Program.objects.get(slug=program["slug"]), section).count() == len(
                program.get(section, [])
            ), (program["slug"], section)


def test_the_k_visa_routes_are_stored_as_a_tree() -> None:
    load()
    routes = RequirementGroup.objects.filter(program__slug="china-k-visa").exclude(route="")
    assert sorted(routes.values_list("route", flat=True)) == [
        "Graduate of a well-known institution",
        "STEM teaching or research at a well-known institution",
    ]
    parents = {route.parent for route in routes}
    assert len(parents) == 1
    (parent,) = parents
    assert parent is not None
    assert parent.parent is None
    assert parent.combine == v.Combine.ANY
    graduate = routes.get(key="k-graduate")
    assert set(graduate.criteria.values_list("content_key", flat=True)) == {
        "k-degree-bachelor",
        "k-field-stem",
        "k-well-known-institution",
    }
    teaching = routes.get(key="k-teaching-research")
    assert set(teaching.criteria.values_list("content_key", flat=True)) == {
        "k-teaching-or-research",
        "k-experience-unspecified",
    }
    # Every member has its group's importance.
    for group in RequirementGroup.objects.all():
        assert all(c.importance == group.importance for c in group.criteria.all()), group.key


def test_the_h1b_routes_selection_and_chances_are_stored() -> None:
    load()
    h1b = Program.objects.get(slug="us-h1b")
    assert h1b.selection == v.Selection.WEIGHTED_LOTTERY
    assert h1b.selection_source is not None
    assert h1b.selection_source.content_key == "us-mintz-weighted-selection-scope"
    assert set(h1b.groups.exclude(route="").values_list("route", flat=True)) == {
        "Degree in the job's specialty",
        "Equivalent specialty experience",
    }
    chances = h1b.figures.filter(estimates_chance=True).order_by("applies_values")
    assert [(f.applies_fact, f.applies_values, f.value) for f in chances] == [
        ("wage_level", ["1"], Decimal("15.29")),
        ("wage_level", ["2"], Decimal("30.58")),
        ("wage_level", ["3"], Decimal("45.87")),
        ("wage_level", ["4"], Decimal("61.16")),
    ]
    assert all(f.kind == v.FigureKind.SELECTION_RATE for f in chances)


def test_the_100k_payment_is_stored_with_its_legal_status() -> None:
    load()
    payment = KeyFigure.objects.get(content_key="h1b-payment-100k")
    assert payment.legal_status == v.LegalStatus.UNKNOWN
    assert "Vacated by a federal court in Massachusetts on 8 June 2026" in payment.legal_note
    assert payment.legal_changed_on == dt.date(2026, 9, 21)
    assert payment.legal_source is not None
    assert payment.legal_source.content_key == "us-proclamation-10973"
    # Everything else of the first three programs is in force.
    first_three = ("china-k-visa", "us-h1b", "china-r-visa")
    assert (
        not Criterion.objects.filter(program__slug__in=first_three)
        .exclude(legal_status=v.LegalStatus.IN_FORCE)
        .exists()
    )
    assert list(
        KeyFigure.objects.filter(program__slug__in=first_three)
        .exclude(legal_status=v.LegalStatus.IN_FORCE)
        .values_list("content_key", flat=True)
    ) == ["h1b-payment-100k"]
    # Of the others, each item not in force says why (test_an_item_not_in_force_...).


def test_the_r_visa_points_table_publishes_no_rows() -> None:
    load()
    table = PointsTable.objects.get(content_key="r-points")
    assert table.pass_mark == 85
    assert table.clarity == v.Clarity.UNCLEAR
    assert table.group is not None
    assert table.group.key == "r-category-a"
    assert not table.rows.exists()


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
    assert after_first[0] == len(PROGRAM_SLUGS)


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
    assert figure.value_text == "about 35.3% of people"
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
            'key = "k-degree-bachelor"\nimportance = "required"\ngroup = "k-graduate"\n'
            'fact = "degree"\noperator = "at_least"\nvalues = ["bachelor"]',
            'key = "k-degree-bachelor"\nimportance = "required"\ngroup = "k-graduate"\n'
            'fact = "degree"\noperator = "at_least"\nvalues = [16]',
            "china-k-visa / criteria / k-degree-bachelor: values",
            id="bad-rule",
        ),
        pytest.param(
            'fact = "status"\nfact_key = "US"',
            'fact = "status"\nfact_key = "DE"',
            "us-h1b / criteria / h1b-not-for-citizens-or-green-card: fact_key: Give the "
            "country this rule is about in the key field (not 'DE'). Use one of: US",
            id="bad-condition-key",
        ),
        pytest.param(
            'source = "cn-four-ministries-qa-routes"\n'
            'more_sources = ["cn-xinhua-stdaily", "cn-afp-hurriyet"]',
            'source = "nowhere"\nmore_sources = ["cn-xinhua-stdaily", "cn-afp-hurriyet"]',
            "k-experience-unspecified: source 'nowhere' is not a source key",
            id="unknown-source",
        ),
        pytest.param(
            'clarity = "unclear"\nas_of = 2025-08-14\nsource = "cn-four-ministries-qa-routes"',
            'clarity = "unclear"\nsource = "cn-four-ministries-qa-routes"',
            "k-experience-unspecified: missing 'as_of'",
            id="missing-as-of",
        ),
        pytest.param(
            'key = "r-points"\ngroup = "r-category-a"',
            'key = "r-points"\ngroup = "r-category-a"\nlegal_status = "vacated"',
            "china-r-visa / points_tables / r-points: legal_note",
            id="not-in-force-without-a-note",
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
    assert counts() == NOTHING


K_ROUTES = (
    '[[programs.groups]]\nkey = "k-routes"\nparent = ""\ncombine = "any"\n'
    'importance = "required"\nroute = ""\n\n'
)
K_GRADUATE = (
    '[[programs.groups]]\nkey = "k-graduate"\nparent = "k-routes"\ncombine = "all"\n'
    'importance = "required"\nroute = "Graduate of a well-known institution"\n\n'
)
K_DEGREE = 'key = "k-degree-bachelor"\nimportance = "required"\ngroup = "k-graduate"'
R_POINTS = 'key = "r-points"\ngroup = "r-category-a"'
R_ROWS = "pass_mark = 85\nrows = []"


def points_row(**fields: object) -> str:
    row = {
        "key": "r-age",
        "category": "age",
        "fact": "age",
        "operator": "at_most",
        "values": [45],
        "points": 10,
        "label": "Age up to 45",
        **fields,
    }
    return (
        "pass_mark = 85\nrows = [{"
        + ", ".join(f"{k} = {json.dumps(x)}" for k, x in row.items())
        + "}]"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            'key = "k-graduate"\nparent = "k-routes"',
            'key = "k-graduate"\nparent = "k-nowhere"',
            "china-k-visa / groups / k-graduate: parent 'k-nowhere' is not a group listed before",
            id="unknown-parent",
        ),
        pytest.param(
            K_ROUTES + K_GRADUATE,
            K_GRADUATE + K_ROUTES,
            "china-k-visa / groups / k-graduate: parent 'k-routes' is not a group listed before",
            id="parent-listed-after-its-child",
        ),
        pytest.param(
            'key = "k-routes"\nparent = ""',
            'key = "k-routes"\nparent = "k-graduate"',
            "china-k-visa / groups / k-routes: parent 'k-graduate' is not a group listed before",
            id="parents-loop",
        ),
        pytest.param(
            'key = "k-graduate"\nparent = "k-routes"\ncombine = "all"\nimportance = "required"',
            'key = "k-graduate"\nparent = "k-routes"\ncombine = "all"\nimportance = "favourable"',
            "china-k-visa / groups / k-graduate: a group has the importance of its parent",
            id="group-importance-differs-from-parent",
        ),
        pytest.param(
            K_DEGREE,
            K_DEGREE.replace("k-graduate", "k-nowhere"),
            "china-k-visa / criteria / k-degree-bachelor: group 'k-nowhere' is not a group of it",
            id="criterion-in-unknown-group",
        ),
        pytest.param(
            K_DEGREE,
            K_DEGREE.replace("k-graduate", "h1b-degree"),
            "china-k-visa / criteria / k-degree-bachelor: group 'h1b-degree' is not a group of it",
            id="criterion-in-another-programs-group",
        ),
        pytest.param(
            K_DEGREE,
            K_DEGREE.replace("required", "favourable"),
            "china-k-visa / criteria / k-degree-bachelor: importance: Its group",
            id="criterion-importance-differs-from-group",
        ),
        pytest.param(
            R_POINTS,
            R_POINTS.replace("r-category-a", "r-nowhere"),
            "china-r-visa / points_tables / r-points: group 'r-nowhere' is not a group of it",
            id="points-table-in-unknown-group",
        ),
        pytest.param(
            R_ROWS,
            points_row(fact="shoe_size"),
            "china-r-visa / points_tables / r-points / rows / r-age: fact",
            id="points-row-unknown-fact",
        ),
        pytest.param(
            R_ROWS,
            points_row(operator="between", values=[30]),
            "china-r-visa / points_tables / r-points / rows / r-age: values: “is between "
            "(inclusive)” takes exactly 2 number(s)",
            id="points-row-between-one-value",
        ),
        pytest.param(
            R_ROWS,
            points_row(key=""),
            "china-r-visa / points_tables / r-points / rows / #1: every row needs a 'key'",
            id="points-row-without-key",
        ),
        pytest.param(
            R_ROWS,
            'caps = {age = "many"}\n' + R_ROWS,
            "china-r-visa / points_tables / r-points: caps: Give caps as",
            id="caps-not-a-number",
        ),
        pytest.param(
            R_ROWS,
            "caps = {age = 2.5}\n" + R_ROWS,
            "china-r-visa / points_tables / r-points: caps: Give caps as",
            id="caps-not-whole",
        ),
        pytest.param(
            R_ROWS,
            "caps = {age = 0}\n" + R_ROWS,
            "china-r-visa / points_tables / r-points: caps: Give caps as",
            id="caps-zero",
        ),
    ],
)
def test_a_malformed_tree_names_the_node_and_changes_nothing(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    # Changes the loader meets before the broken node: a source and the first program.
    edits = {
        'title = "China to Launch New Visa to Lure Young Tech Talent Amid U.S. Curbs"': (
            'title = "China to Launch New Visa (edited)"'
        ),
        'name = "China K visa (young science and technology talent)"': 'name = "K (edited)"',
        old: new,
    }
    for before, after in edits.items():
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        load("--file", str(bad))
    assert message in str(caught.value)
    assert "Nothing was loaded." in str(caught.value)
    assert counts() == NOTHING

    load()
    before = content_export()
    with pytest.raises(CommandError) as caught:
        load("--file", str(bad))
    assert message in str(caught.value)
    assert content_export() == before


def test_a_file_that_is_not_toml_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[programs]\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid TOML"):
        load("--file", str(bad))


# --- Backup ----------------------------------------------------------------------------------


def wipe() -> None:
    # Items in groups first: deleting a program with them fails (see
    # test_models.test_deleting_a_program_deletes_its_groups_and_their_members).
    Criterion.objects.all().delete()
    PointsTable.objects.all().delete()
    Program.objects.all().delete()
    ExchangeRate.objects.all().delete()
    Source.objects.all().delete()
    assert counts() == NOTHING


def export_wipe_import(tmp_path: Path) -> tuple[str, str]:
    """The backup before the wipe and the one after restoring it, as JSON text."""
    backup = tmp_path / "backup.json"
    call_command("export_visa_content", "--output", str(backup), stderr=io.StringIO())
    first = backup.read_text(encoding="utf-8")
    wipe()
    call_command("import_visa_content", str(backup), stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_visa_content", stdout=out)
    return first, out.getvalue()


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
    # Points rows and caps (the file publishes none) and more legal fields.
    table = PointsTable.objects.get(content_key="r-points")
    table.caps = {"age": 20, "education": 30}
    table.save()
    PointsRow.objects.create(
        table=table,
        content_key="r-age-young",
        category="age",
        fact=v.Fact.AGE,
        operator=v.Operator.BETWEEN,
        values=[18, 39],
        points=20,
        label="Age 18 to 39",
        display_order=10,
    )
    PointsRow.objects.create(
        table=table,
        category="education",
        fact=v.Fact.DEGREE,
        operator=v.Operator.AT_LEAST,
        values=["master"],
        points=15,
        label="Master's degree or higher",
        display_order=20,
    )
    PointsRow.objects.create(
        table=table,
        content_key="r-mandarin",
        category="language",
        fact=v.Fact.LANGUAGE_LEVEL,
        fact_key="zh",
        operator=v.Operator.AT_LEAST,
        values=["B1"],
        points=5,
        label="Mandarin B1 or higher",
        display_order=30,
    )
    criterion = Criterion.objects.get(content_key="h1b-degree-directly-related")
    criterion.legal_status = v.LegalStatus.UNDER_APPEAL
    criterion.legal_note = "Challenged in court on 2 March 2026."
    criterion.legal_changed_on = dt.date(2026, 3, 2)
    criterion.legal_source = Source.objects.get(content_key="us-nlr-h1b-modernization")
    criterion.effective_to = dt.date(2030, 1, 1)
    criterion.save()

    first, second = export_wipe_import(tmp_path)
    assert json.loads(second) == json.loads(first)
    assert second == first

    backup = json.loads(first)
    assert backup["format"] == "visa-content/2"
    k_visa = next(p for p in backup["programs"] if p["slug"] == "china-k-visa")
    assert {g["key"]: g["parent"] for g in k_visa["groups"]} == {
        "k-routes": "",
        "k-graduate": "k-routes",
        "k-teaching-research": "k-routes",
    }
    # What the restored database holds, not only what it exports.
    graduate = RequirementGroup.objects.get(program__slug="china-k-visa", key="k-graduate")
    assert graduate.route == "Graduate of a well-known institution"
    assert graduate.parent is not None
    assert graduate.parent.key == "k-routes"
    assert graduate.criteria.count() == 3
    table = PointsTable.objects.get(content_key="r-points")
    assert table.group is not None
    assert table.group.key == "r-category-a"
    assert table.caps == {"age": 20, "education": 30}
    assert list(table.rows.values_list("label", "fact_key", "values", "points")) == [
        ("Age 18 to 39", "", [18, 39], 20),
        ("Master's degree or higher", "", ["master"], 15),
        ("Mandarin B1 or higher", "zh", ["B1"], 5),
    ]
    # The condition's key is exported with the fact.
    h1b_backup = next(p for p in backup["programs"] if p["slug"] == "us-h1b")
    residents = next(
        c for c in h1b_backup["criteria"] if c["key"] == "h1b-not-for-citizens-or-green-card"
    )
    assert (residents["fact"], residents["fact_key"]) == ("status", "US")
    assert (
        next(f for f in h1b_backup["figures"] if f["key"] == "h1b-payment-100k")["applies_key"]
        == "US"
    )
    residents_row = Criterion.objects.get(content_key="h1b-not-for-citizens-or-green-card")
    assert (residents_row.fact, residents_row.fact_key) == ("status", "US")
    payment = KeyFigure.objects.get(content_key="h1b-payment-100k")
    assert payment.legal_status == v.LegalStatus.UNKNOWN
    assert payment.legal_changed_on == dt.date(2026, 9, 21)
    assert payment.legal_source is not None
    assert payment.legal_source.content_key == "us-proclamation-10973"
    assert "8 June 2026" in payment.legal_note
    assert payment.estimates_chance is False
    criterion = Criterion.objects.get(content_key="h1b-degree-directly-related")
    assert criterion.legal_status == v.LegalStatus.UNDER_APPEAL
    assert criterion.legal_source is not None
    assert criterion.effective_from == dt.date(2025, 1, 17)
    assert criterion.effective_to == dt.date(2030, 1, 1)
    h1b = Program.objects.get(slug="us-h1b")
    assert h1b.selection == v.Selection.WEIGHTED_LOTTERY
    assert h1b.figures.filter(estimates_chance=True).count() == 4
    # The loader still recognises the restored rows.
    output = load()
    assert " 0 created" in output
    assert " 0 updated" in output


def test_a_child_group_that_sorts_before_its_parent_survives_the_round_trip(
    tmp_path: Path,
) -> None:
    load()
    RequirementGroup.objects.filter(program__slug="china-k-visa", key="k-graduate").update(
        display_order=1
    )
    first, second = export_wipe_import(tmp_path)
    graduate = RequirementGroup.objects.get(program__slug="china-k-visa", key="k-graduate")
    assert graduate.parent is not None
    assert graduate.parent.key == "k-routes"
    assert second == first
