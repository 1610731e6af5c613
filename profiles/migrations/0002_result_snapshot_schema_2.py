"""Results made before decisions were kept apart from wording (schema 1: a list of results
with finished English sentences) are converted to schema 2 (codes and values, worded at
display time; see visas.rules.snapshot_dump).

Self-contained on purpose: it reads schema 1 as it was written and writes schema 2 as it is
now, without importing the engine, so later changes to the engine cannot break it. What
schema 1 never recorded (routes, selection, points, legal status) is left empty, and the
selection says it was not recorded.
"""

from datetime import date

from django.db import migrations

VERDICTS = {
    "likely": "can_apply",
    "possible": "possible",
    "not_eligible": "not_eligible",
    "not_applicable": "not_needed",
}
NOT_MET = "not_met"
MEETS = "meets"
UNCLEAR = "unclear"


def _legal(effective_from=None, effective_to=None):
    return {
        "status": "in_force",
        "effective_from": effective_from,
        "effective_to": effective_to,
        "changed_on": None,
        "note": "",
        "source": None,
    }


def _condition(old):
    return {"fact": old["fact"], "operator": old["operator"], "values": list(old["values"])}


def _answer(answers, fact):
    value = answers.get(fact)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return value


def _cause(status, unclear_because, operator):
    if status != UNCLEAR:
        return None
    if unclear_because == "answer":
        return "answer_unknown"
    if unclear_because == "not_answered":
        return "not_answered"
    return "rule_undefined" if operator == "unspecified" else "rule_unclear"


def _meets_with(condition, cause):
    if cause == "answer_unknown" and condition["operator"] == "in":
        return list(condition["values"])
    return []


def _combine_any(statuses):
    if MEETS in statuses:
        return MEETS
    return UNCLEAR if UNCLEAR in statuses else NOT_MET


def convert_result(old, answers, evaluated_on):
    program = old["program"]
    criteria_rules, criteria_results, groups = [], [], {}
    units = []  # (importance, node)
    for item in old["criteria"]:
        rule = item["criterion"]
        condition = _condition(rule["condition"])
        cause = _cause(item["status"], item.get("unclear_because"), condition["operator"])
        group = rule.get("group", "")
        if group:
            groups.setdefault((rule["importance"], group), [])
        criteria_rules.append(
            {
                "id": rule["id"],
                "condition": condition,
                "importance": rule["importance"],
                "group": f"{rule['importance']}-{group}" if group else "",
                "statement": rule["statement"],
                "clarity": rule["clarity"],
                "as_of": rule["as_of"],
                "sources": rule["sources"],
                "legal": _legal(),
            }
        )
        criteria_results.append(
            {
                "id": rule["id"],
                "status": item["status"],
                "cause": cause,
                "answer": _answer(answers, condition["fact"]),
                "meets_with": _meets_with(condition, cause),
                "legal": "in_force",
            }
        )
        node = {
            "kind": "criterion",
            "ref": str(rule["id"]),
            "status": item["status"],
            "failed": int(item["status"] == NOT_MET),
            "children": [],
        }
        if group:
            groups[(rule["importance"], group)].append(node)
        elif rule["importance"] not in ("favourable", "not_required"):
            units.append((rule["importance"], node))
    group_rules = []
    for (importance, group), members in groups.items():
        key = f"{importance}-{group}"
        group_rules.append(
            {"key": key, "parent": "", "combine": "any", "importance": importance, "route": ""}
        )
        status = _combine_any([m["status"] for m in members])
        units.append(
            (
                importance,
                {
                    "kind": "group",
                    "ref": key,
                    "status": status,
                    "failed": sum(m["failed"] for m in members),
                    "children": members,
                },
            )
        )
    required = [node for importance, node in units if importance == "required"]
    statuses = [n["status"] for n in required]
    root_status = NOT_MET if NOT_MET in statuses else UNCLEAR if UNCLEAR in statuses else MEETS
    figures_rules, figures_results = [], []
    for item in old["figures"]:
        figure = item["figure"]
        applies = _condition(figure["applies"]) if figure.get("applies") else None
        legal = _legal(figure.get("effective_from"), figure.get("effective_to"))
        figures_rules.append(
            {
                "id": figure["id"],
                "kind": figure["kind"],
                "label": figure["label"],
                "value": figure["value"],
                "value_text": figure["value_text"],
                "unit": figure["unit"],
                "payer": figure["payer"],
                "recurrence": figure["recurrence"],
                "period": figure["period"],
                "applies": applies,
                "applies_note": figure["applies_note"],
                "note": figure["note"],
                "clarity": figure["clarity"],
                "as_of": figure["as_of"],
                "sources": figure["sources"],
                "legal": legal,
                "estimates_chance": False,
            }
        )
        state = "in_force"
        if not item.get("is_current", True):
            ended = figure.get("effective_to") and figure["effective_to"] < evaluated_on
            state = "expired" if ended else "not_yet"
        cause = None
        if item["applies"] == UNCLEAR and applies is not None:
            answer = _answer(answers, applies["fact"])
            cause = "not_answered" if answer is None else "answer_unknown"
            if applies["operator"] == "unspecified":
                cause = "rule_undefined"
        figures_results.append(
            {
                "id": figure["id"],
                "applies": item["applies"],
                "cause": cause,
                "answer": _answer(answers, applies["fact"]) if applies else None,
                "legal": state,
            }
        )
    caveats = program.get("caveats", [])
    return {
        "program": {
            "slug": program["slug"],
            "name": program["name"],
            "country": program["country"],
            "status": program["status"],
            "summary": program["summary"],
            "revision": program["revision"],
            "last_reviewed_on": program["last_reviewed_on"],
            "url": program["url"],
            "criteria": criteria_rules,
            "figures": figures_rules,
            "caveats": [
                {
                    "id": c["id"],
                    "category": c["category"],
                    "severity": c["severity"],
                    "title": c["title"],
                    "text": c["text"],
                    "clarity": c["clarity"],
                    "as_of": c["as_of"],
                    "sources": c["sources"],
                    "legal": _legal(),
                }
                for c in caveats
            ],
            "groups": group_rules,
            "points_tables": [],
            "selection": "not_recorded",
            "selection_note": "",
            "selection_clarity": "unclear",
            "selection_as_of": None,
            "selection_sources": [],
            "authority": "",
            "official_url": "",
            "in_force_on": None,
            "last_reviewed_by": "",
        },
        "verdict": VERDICTS.get(old["verdict"], "possible"),
        "cause": None,
        "requirements": {
            "kind": "group",
            "ref": "",
            "status": root_status,
            "failed": sum(n["failed"] for n in required),
            "children": required,
        },
        "routes": [],
        "not_needed_by": [
            node
            for importance, node in units
            if importance == "not_needed_if" and node["status"] == MEETS
        ],
        "warnings": [],
        "criteria": criteria_results,
        "points": [],
        "selection": {
            "mechanism": "not_recorded",
            "exemption": "subject",
            "exemptions": [],
            "advantages": [],
            "chance_low": None,
            "chance_high": None,
            "chance_figures": [],
        },
        "figures": figures_results,
        "caveats": [{"id": c["id"], "legal": "in_force"} for c in caveats],
        "changes": [
            {
                "updates": [list(pair) for pair in change["updates"]],
                "verdict": VERDICTS.get(change["new_verdict"], "possible"),
            }
            for change in old.get("changes", [])
        ],
        "deciding_facts": list(old.get("deciding_facts", [])),
    }


def convert_snapshot(snapshot, answers, evaluated_on):
    """A schema 1 snapshot (a list) as schema 2; anything else is returned as it is."""
    if not isinstance(snapshot, list):
        return snapshot
    day = evaluated_on.isoformat() if isinstance(evaluated_on, date) else str(evaluated_on)
    return {"schema": 2, "results": [convert_result(r, answers, day) for r in snapshot]}


def forwards(apps, schema_editor):
    Result = apps.get_model("profiles", "Result")
    for result in Result.objects.all().iterator(chunk_size=200):
        if isinstance(result.snapshot, list):
            result.snapshot = convert_snapshot(result.snapshot, result.answers, result.evaluated_on)
            result.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [("profiles", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
