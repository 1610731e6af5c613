"""Stored answers and results in the vocabulary of keyed facts (profiles 0006, visas 0010).

The fixture holds results made by the code of 2026-11-29 (snapshot schema 3, the facts
``job_offer`` china/us/none, ``us_status``, ``mandarin`` and ``english``) with the rules they
name by digest, exactly as they were stored."""

from __future__ import annotations

import importlib
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from profiles import services
from profiles.models import EvaluatedRules, Questionnaire, Result
from visas import rules
from visas.models import Criterion, KeyFigure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("visa_content")]

SCHEMA_3: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "results_schema3.json").read_text(encoding="utf-8")
)
RESULTS = {item["name"]: item for item in SCHEMA_3["results"]}
migration = importlib.import_module("profiles.migrations.0006_keyed_facts")
visas_migration = importlib.import_module("visas.migrations.0010_condition_keys_data")

OLD_ANSWERS = {
    "citizenship": "IN",
    "residence": "US",
    "us_status": "f1_opt",
    "job_offer": "elsewhere",
    "mandarin": "conversational",
    "english": "native",
    "family": "alone",
    "priorities": ["low_cost"],
}
NEW_ANSWERS = {
    "citizenship": "IN",
    "residence": "US",
    "status:US": "f1_opt",
    "job_offer": "other",
    "language_level:zh": "B1",
    "language_level:en": "C2",
    "family": "alone",
    "priorities": ["low_cost"],
}


def test_answers_are_converted() -> None:
    assert migration.convert_answers(OLD_ANSWERS) == NEW_ANSWERS
    levels = {"none": "none", "basic": "A2", "conversational": "B1", "professional": "C1"}
    for old, new in {**levels, "native": "C2", "unknown": "unknown"}.items():
        assert migration.convert_answers({"mandarin": old}) == {"language_level:zh": new}
    offers = {"none": "none", "china": "CN", "us": "US", "elsewhere": "other"}
    for old, new in offers.items():
        assert migration.convert_answers({"job_offer": old}) == {"job_offer": new}
    assert migration.convert_answers({"us_status": "unknown"}) == {"status:US": "unknown"}
    assert migration.answers_back(NEW_ANSWERS) == OLD_ANSWERS


def test_conditions_in_kept_rules_are_converted() -> None:
    h1b = next(r for r in SCHEMA_3["rules"].values() if r["slug"] == "us-h1b")
    converted = migration.convert_rules(h1b)
    conditions = [c["condition"] for c in converted["criteria"]]
    assert all("key" in condition for condition in conditions)
    assert {
        "fact": "status",
        "key": "US",
        "operator": "in",
        "values": ["citizen", "green_card"],
    } in conditions
    assert {"fact": "job_offer", "key": "", "operator": "in", "values": ["US"]} in conditions
    applies = [f["applies"] for f in converted["figures"] if f["applies"]]
    assert {"fact": "status", "key": "US", "operator": "in", "values": ["none"]} in applies
    assert migration.rules_back(converted) == h1b


def make_schema_3_results(Result: Any, EvaluatedRules: Any) -> None:
    EvaluatedRules.objects.bulk_create(
        [EvaluatedRules(digest=d, rules=r) for d, r in SCHEMA_3["rules"].items()]
    )
    for name, item in RESULTS.items():
        result = Result.objects.create(
            token=f"schema-3-{name}",
            answers=item["answers"],
            snapshot=item["snapshot"],
            revisions=item["revisions"],
            priorities=item["priorities"],
            evaluated_on=date.fromisoformat(item["evaluated_on"]),
            last_viewed_at=timezone.now(),
        )
        result.rules.set([r["program"] for r in item["snapshot"]["results"]])


def migrate(target: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor


def test_the_migration_converts_stored_results_and_answers(client: Client) -> None:
    before = [("profiles", "0004_evaluated_rules")]
    executor = migrate(before)
    old = executor.loader.project_state(before).apps
    make_schema_3_results(
        old.get_model("profiles", "Result"), old.get_model("profiles", "EvaluatedRules")
    )
    old.get_model("profiles", "Questionnaire").objects.create(answers=OLD_ANSWERS)
    migrate([("profiles", "0006_keyed_facts")])

    assert Questionnaire.objects.get().answers == NEW_ANSWERS
    opt = Result.objects.get(token="schema-3-f1-opt-with-us-offer")
    assert opt.answers["status:US"] == "f1_opt"
    assert opt.answers["job_offer"] == "US"
    assert "us_status" not in opt.answers
    assert opt.snapshot["schema"] == rules.SNAPSHOT_SCHEMA == 4
    rules._RULES_LOADED.clear()
    verdicts = {}
    for result in Result.objects.all():
        loaded = services.result_evaluations(result)
        verdicts[result.token] = {r.program.slug: r.verdict.value for r in loaded}
        stored = {r["program"]: r for r in RESULTS[result.token[9:]]["snapshot"]["results"]}
        assert list(verdicts[result.token].values()) == [r["verdict"] for r in stored.values()]
    abroad = services.result_evaluations(Result.objects.get(token="schema-3-abroad-no-offer"))
    h1b = next(r for r in abroad if r.program.slug == "us-h1b")
    assert h1b.changes[0].updates == ((rules.Fact.JOB_OFFER, "", "US"),)
    assert h1b.deciding_facts == ((rules.Fact.JOB_OFFER, ""),)
    unsure = services.result_evaluations(
        Result.objects.get(token="schema-3-us-resident-unknown-status-china-offer")
    )
    payment = next(
        (rule, result)
        for r in unsure
        if r.program.slug == "us-h1b"
        for rule, result in zip(r.program.figures, r.figures, strict=True)
        if rule.applies is not None and rule.applies.fact is rules.Fact.STATUS
    )
    assert payment[0].applies == rules.Condition(
        rules.Fact.STATUS, rules.Operator.IN, ("none",), "US"
    )
    assert payment[1].answer == "unknown"

    # Each set of rules is stored again under the digest of its new JSON, as rules_dump
    # computes it for equal rules (so a new result evaluated against them shares them).
    kept = EvaluatedRules.objects.all()
    assert len(kept) == 3
    assert all(migration.digest_of(row.rules) == row.digest for row in kept)
    assert not set(SCHEMA_3["rules"]) & {row.digest for row in kept}
    loaded_h1b = next(r.program for r in abroad if r.program.slug == "us-h1b")
    assert rules.rules_dump(loaded_h1b)[0] in {row.digest for row in kept}

    # The pages render, with the answers worded in the new vocabulary.
    html = client.get(f"/r/{opt.token}/").content.decode()
    found = re.findall(r"<li><strong>([^<]+):</strong> <span class=\"tag [^\"]+\">([^<]+)<", html)
    assert dict(found)["US H-1B (specialty occupation)"] == "You can apply"
    assert "Student (F-1, including OPT or STEM OPT)" in html
    abroad_html = client.get("/r/schema-3-abroad-no-offer/?programs=us-h1b").content.decode()
    assert "With Job offer: United States" in re.sub(r"\s+", " ", abroad_html)


def test_the_migration_can_be_reversed() -> None:
    migrate([("profiles", "0004_evaluated_rules")])
    make_schema_3_results(Result, EvaluatedRules)
    before = {r.token: (r.answers, r.snapshot) for r in Result.objects.all()}
    migrate([("profiles", "0006_keyed_facts")])
    migrate([("profiles", "0004_evaluated_rules")])
    after = {r.token: (r.answers, r.snapshot) for r in Result.objects.all()}
    assert after == before
    assert set(EvaluatedRules.objects.values_list("digest", flat=True)) == set(SCHEMA_3["rules"])
    migrate([("profiles", "0006_keyed_facts")])


def test_criteria_rows_are_converted_and_the_loader_still_knows_them() -> None:
    # Put the loaded rows back in the old vocabulary, as a database of 2026-11-29 holds them.
    Criterion.objects.filter(fact="status").update(fact="us_status", fact_key="")
    Criterion.objects.filter(fact="job_offer", values=["US"]).update(values=["us"])
    Criterion.objects.filter(fact="job_offer", values=["CN"]).update(values=["china"])
    KeyFigure.objects.filter(applies_fact="status").update(applies_fact="us_status", applies_key="")
    assert Criterion.objects.filter(fact="us_status").count() == 1

    visas_migration.forwards(apps, None)

    residents = Criterion.objects.get(content_key="h1b-not-for-citizens-or-green-card")
    assert (residents.fact, residents.fact_key, residents.values) == (
        "status",
        "US",
        ["citizen", "green_card"],
    )
    assert Criterion.objects.get(content_key="h1b-us-job-offer").values == ["US"]
    assert Criterion.objects.get(content_key="r-confirmation-letter").values == ["CN"]
    figure = KeyFigure.objects.get(applies_fact="status")
    assert (figure.applies_key, figure.applies_values) == ("US", ["none"])
    # The rows equal the content file again: reloading keeps no "adviser edit".
    out = io.StringIO()
    call_command("load_visa_content", stdout=out)
    assert "0 kept" in out.getvalue()
    assert "Kept" not in out.getvalue()

    visas_migration.backwards(apps, None)
    assert Criterion.objects.get(content_key="h1b-us-job-offer").values == ["us"]
    assert Criterion.objects.get(content_key="h1b-not-for-citizens-or-green-card").fact == (
        "us_status"
    )
    visas_migration.forwards(apps, None)
