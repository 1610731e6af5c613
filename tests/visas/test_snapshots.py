"""Snapshots: results stored as versioned JSON and read back into the same dataclasses.

No database: the programs are the hand-built ones in scenarios.py. The round trip for any
answers whatever is a property in test_rules.py.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from decimal import Decimal

import pytest

from tests.visas.scenarios import (
    ALL_PROGRAMS,
    CHINESE_CITIZEN,
    EVERYTHING_UNKNOWN,
    GARBAGE,
    H1B_CHANCE,
    HIGH_SCHOOL,
    OFFER_FROM_INDIA,
    OPT_IN_US,
    STEM_BACHELOR_IN_INDIA,
    TODAY,
)
from visas import rules
from visas.rules import SNAPSHOT_SCHEMA, ProgramResult, SnapshotError


@pytest.fixture(autouse=True)
def rules_not_yet_read() -> None:
    """Each test reads the rules from the stored JSON, not from an earlier test's reading."""
    rules._RULES_LOADED.clear()


def dumped(answers: dict[str, object]) -> dict[str, object]:
    data = rules.snapshot_dump(rules.evaluate(ALL_PROGRAMS, answers, today=TODAY))
    return json.loads(json.dumps(data, allow_nan=False))


def stored_rules(answers: dict[str, object] | None = None) -> dict[str, object]:
    kept = rules.snapshot_rules(rules.evaluate(ALL_PROGRAMS, answers or {}, today=TODAY))
    return json.loads(json.dumps(kept, allow_nan=False))


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(STEM_BACHELOR_IN_INDIA, id="stem-bachelor"),
        pytest.param(OPT_IN_US, id="opt"),
        pytest.param(OFFER_FROM_INDIA, id="offer-from-india"),
        pytest.param(CHINESE_CITIZEN, id="chinese-citizen"),
        pytest.param(HIGH_SCHOOL, id="high-school"),
        pytest.param(EVERYTHING_UNKNOWN, id="all-unknown"),
        pytest.param(GARBAGE, id="garbage"),
        pytest.param({}, id="nothing"),
    ],
)
def test_round_trip(answers: dict[str, object]) -> None:
    results = rules.evaluate(ALL_PROGRAMS, answers, today=TODAY)
    assert rules.snapshot_load(dumped(answers), stored_rules(answers)) == results


def test_each_program_s_rules_are_stored_once_by_digest() -> None:
    opt, abroad = dumped(OPT_IN_US), dumped(STEM_BACHELOR_IN_INDIA)
    digests = [item["program"] for item in opt["results"]]  # type: ignore[index]
    assert digests == [item["program"] for item in abroad["results"]]  # type: ignore[index]
    assert all(len(digest) == 64 for digest in digests)
    assert list(stored_rules()) == digests
    # Rules that differ in anything have another digest.
    k_visa = ALL_PROGRAMS[0]
    changed = dataclasses.replace(k_visa, revision=k_visa.revision + 1)
    assert rules.rules_dump(changed)[0] != rules.rules_dump(k_visa)[0]
    assert rules.rules_dump(changed)[0] == rules.rules_dump(dataclasses.replace(changed))[0]


def test_rules_not_read_before_must_be_given() -> None:
    data = dumped(OPT_IN_US)
    assert rules.snapshot_rules_needed(data) == [
        item["program"]
        for item in data["results"]  # type: ignore[attr-defined]
    ]
    with pytest.raises(SnapshotError, match="missing"):
        rules.snapshot_load(data, {})
    rules.snapshot_load(data, stored_rules())
    # Once read, this process keeps them: nothing more is needed.
    assert rules.snapshot_rules_needed(data) == []
    assert rules.snapshot_load(data) == rules.snapshot_load(data, stored_rules())


def test_json_shape() -> None:
    data = dumped(OPT_IN_US)
    assert data["schema"] == SNAPSHOT_SCHEMA
    k_visa, h1b, r_visa, points = data["results"]  # type: ignore[misc]
    assert set(h1b) == set(ProgramResult.__dataclass_fields__)
    assert (h1b["verdict"], h1b["cause"]) == ("can_apply", None)
    h1b_rules = stored_rules()[h1b["program"]]
    assert h1b_rules["slug"] == "us-h1b"  # type: ignore[index]
    assert h1b_rules["last_reviewed_on"] == TODAY.isoformat()  # type: ignore[index]
    assert h1b["selection"]["mechanism"] == "weighted_lottery"
    assert (h1b["selection"]["chance_low"], h1b["selection"]["chance_high"]) == ("30.58", "30.58")
    assert h1b["selection"]["chance_figures"] == [H1B_CHANCE["2"].id]
    assert h1b["deciding_facts"] == [
        ["job_offer", ""],
        ["sponsor", ""],
        ["degree", ""],
        ["degree_related", ""],
    ]
    not_for_residents = next(
        c["condition"]
        for c in h1b_rules["criteria"]
        if c["condition"]["fact"] == "status"  # type: ignore[index]
    )
    assert not_for_residents == {
        "fact": "status",
        "key": "US",
        "operator": "in",
        "values": ["citizen", "green_card"],
    }
    assert [route["ref"] for route in h1b["routes"]] == ["h1b-degree", "h1b-equivalent"]
    assert k_visa["verdict"] == "possible"
    assert r_visa["changes"] == [{"updates": [["job_offer", "", "CN"]], "verdict": "possible"}]
    assert points["points"][0]["pass_mark"] == 50


def test_decimal_values_keep_their_digits() -> None:
    (h1b,) = rules.snapshot_load(
        {"schema": SNAPSHOT_SCHEMA, "results": [dumped(OPT_IN_US)["results"][1]]},  # type: ignore[index]
        stored_rules(),
    )
    assert h1b.selection.chance_low == Decimal("30.58")
    assert str(h1b.selection.chance_low) == "30.58"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"schema": 1, "results": []}, id="older-schema"),
        pytest.param({"schema": SNAPSHOT_SCHEMA + 1, "results": []}, id="newer-schema"),
        pytest.param({"results": []}, id="no-schema"),
        pytest.param([], id="not-an-object"),
        pytest.param(None, id="nothing"),
        pytest.param({"schema": SNAPSHOT_SCHEMA, "results": {}}, id="results-not-a-list"),
        pytest.param({"schema": SNAPSHOT_SCHEMA, "results": ["x"]}, id="result-not-an-object"),
    ],
)
def test_unreadable_snapshots_raise_snapshot_error(data: object) -> None:
    with pytest.raises(SnapshotError):
        rules.snapshot_load(data)


def test_empty_snapshot() -> None:
    assert rules.snapshot_load({"schema": SNAPSHOT_SCHEMA, "results": []}) == ()


def _set(path: tuple[str | int, ...], value: object) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        target = data["results"][0]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda data: data["results"].__setitem__(0, {}), id="missing-fields"),
        pytest.param(_set(("verdict",), "bogus"), id="unknown-verdict"),
        pytest.param(_set(("selection", "chance_low"), "lots"), id="bad-decimal"),
        pytest.param(_set(("program",), "0" * 64), id="unknown-rules"),
    ],
)
def test_malformed_values_raise_snapshot_error(mutate: Callable[[dict], None]) -> None:
    data = dumped(OPT_IN_US)
    mutate(data)
    with pytest.raises(SnapshotError):
        rules.snapshot_load(data, stored_rules())


def test_malformed_rules_raise_snapshot_error() -> None:
    data, kept = dumped(OPT_IN_US), stored_rules()
    for program in kept.values():
        program["last_reviewed_on"] = "yesterday"  # type: ignore[index]
    with pytest.raises(SnapshotError):
        rules.snapshot_load(data, kept)
