"""Answers, kept rules and results in the vocabulary of keyed facts (snapshot schema 4).

The facts changed so that they can describe programs of any country:

* ``job_offer`` is the country of the offer: ``china`` → ``CN``, ``us`` → ``US``,
  ``elsewhere`` → ``other`` (a country not listed), ``none`` stays ``none``.
* ``us_status`` is the status in one country, the keyed fact ``status`` with key ``US``
  (answer key ``status:US``); its values are unchanged.
* ``mandarin`` and ``english`` are one fact keyed by language, ``language_level`` with key
  ``zh`` or ``en`` (answer keys ``language_level:zh``, ``language_level:en``), in CEFR
  levels. The old levels had no published definition, so the mapping is approximate:
  none → none, basic → A2, conversational → B1, professional → C1, native → C2.

Converted: the answers of questionnaires and results; each kept set of rules (every
condition gains a ``key``; conditions on the old facts are rewritten), stored again under
the digest of its new JSON; and the schema 3 snapshots: criteria, points rows and figures
carry the answers (rewritten by the fact of the rule they belong to), each change's updates
become (fact, key, value) and each deciding fact becomes (fact, key).

Self-contained on purpose (no engine or vocabulary import): the mappings are written here,
and the digest is computed as ``visas.rules.rules_dump`` computes it (SHA-256 of the JSON
with sorted keys and no spaces), so converted rules are shared with new results where equal.
"""

import hashlib
import json

from django.db import migrations

JOB_OFFER = {"none": "none", "china": "CN", "us": "US", "elsewhere": "other"}
LEVELS = {"none": "none", "basic": "A2", "conversational": "B1", "professional": "C1", "native": "C2"}

# Old fact → (new fact, key, value mapping); facts not listed are unchanged.
FACTS = {
    "job_offer": ("job_offer", "", JOB_OFFER),
    "us_status": ("status", "US", {}),
    "mandarin": ("language_level", "zh", LEVELS),
    "english": ("language_level", "en", LEVELS),
}

# The way back, for reversing the migration (CEFR levels between the old ones go down;
# countries other than China and the US become "elsewhere").
JOB_OFFER_BACK = {"none": "none", "CN": "china", "US": "us"}
LEVELS_BACK = {"none": "none", "A1": "basic", "A2": "basic", "B1": "conversational",
               "B2": "conversational", "C1": "professional", "C2": "native"}
FACTS_BACK = {
    ("job_offer", ""): ("job_offer", JOB_OFFER_BACK, "elsewhere"),
    ("status", "US"): ("us_status", {}, None),
    ("language_level", "zh"): ("mandarin", LEVELS_BACK, None),
    ("language_level", "en"): ("english", LEVELS_BACK, None),
}


def answer_key(fact, key):
    return f"{fact}:{key}" if key else fact


def digest_of(rules):
    canonical = json.dumps(rules, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _value(mapping, value, fallback=None):
    if isinstance(value, str) and value in mapping:
        return mapping[value]
    if fallback is not None and isinstance(value, str) and value != "unknown":
        return fallback
    return value


# --- Forwards --------------------------------------------------------------------------------


def convert_value(fact, value):
    """An answer to an old fact, in the new fact's values."""
    _fact, _key, mapping = FACTS.get(fact, (fact, "", {}))
    return _value(mapping, value)


def convert_answers(answers):
    if not isinstance(answers, dict):
        return answers
    converted = {}
    for name, value in answers.items():
        if name in FACTS:
            fact, key, mapping = FACTS[name]
            converted[answer_key(fact, key)] = _value(mapping, value)
        else:
            converted[name] = value
    return converted


def convert_condition(condition):
    if not isinstance(condition, dict) or "fact" not in condition:
        return condition
    old = condition["fact"]
    fact, key, mapping = FACTS.get(old, (old, condition.get("key", ""), {}))
    values = [_value(mapping, value) for value in condition.get("values", [])]
    return {**condition, "fact": fact, "key": key, "values": values}


def convert_rules(rules):
    """A program's rules (as rules_dump wrote them) with every condition converted."""
    rules = dict(rules)
    rules["criteria"] = [
        {**item, "condition": convert_condition(item["condition"])}
        for item in rules.get("criteria", [])
    ]
    rules["points_tables"] = [
        {
            **table,
            "rows": [
                {**row, "condition": convert_condition(row["condition"])}
                for row in table.get("rows", [])
            ],
        }
        for table in rules.get("points_tables", [])
    ]
    rules["figures"] = [
        {**item, "applies": convert_condition(item.get("applies"))}
        for item in rules.get("figures", [])
    ]
    return rules


def _old_facts(rules):
    """The (old) fact each criterion, points row and figure condition of the rules reads."""
    criteria = {item["id"]: item["condition"]["fact"] for item in rules.get("criteria", [])}
    rows = {
        row["id"]: row["condition"]["fact"]
        for table in rules.get("points_tables", [])
        for row in table.get("rows", [])
    }
    figures = {
        item["id"]: item["applies"]["fact"]
        for item in rules.get("figures", [])
        if isinstance(item.get("applies"), dict)
    }
    return criteria, rows, figures


def convert_result(item, rules, digest):
    """One program's result of a schema 3 snapshot in schema 4, given the (old) rules it
    was evaluated against and their new digest."""
    criteria, rows, figures = _old_facts(rules)
    item = dict(item)
    item["program"] = digest
    item["criteria"] = [
        {
            **c,
            "answer": convert_value(criteria.get(c["id"]), c.get("answer")),
            "meets_with": [
                convert_value(criteria.get(c["id"]), v) for v in c.get("meets_with", [])
            ],
        }
        for c in item.get("criteria", [])
    ]
    item["points"] = [
        {
            **p,
            "rows": [
                {**r, "answer": convert_value(rows.get(r["id"]), r.get("answer"))}
                for r in p.get("rows", [])
            ],
        }
        for p in item.get("points", [])
    ]
    item["figures"] = [
        {**f, "answer": convert_value(figures.get(f["id"]), f.get("answer"))}
        for f in item.get("figures", [])
    ]
    changes = []
    for change in item.get("changes", []):
        updates = []
        for old, value in change["updates"]:
            fact, key, mapping = FACTS.get(old, (old, "", {}))
            updates.append([fact, key, _value(mapping, value)])
        changes.append({**change, "updates": updates})
    item["changes"] = changes
    item["deciding_facts"] = [
        list(FACTS.get(old, (old, ""))[:2]) for old in item.get("deciding_facts", [])
    ]
    return item


def convert_snapshot(snapshot, rules_by_digest, new_digests):
    """A schema 3 snapshot in schema 4: ``rules_by_digest`` holds the old rules it names,
    ``new_digests`` the digest each set of rules has once converted."""
    return {
        "schema": 4,
        "results": [
            convert_result(
                item, rules_by_digest[item["program"]], new_digests[item["program"]]
            )
            for item in snapshot["results"]
        ],
    }


def forwards(apps, schema_editor):
    Questionnaire = apps.get_model("profiles", "Questionnaire")
    Result = apps.get_model("profiles", "Result")
    EvaluatedRules = apps.get_model("profiles", "EvaluatedRules")
    for questionnaire in Questionnaire.objects.iterator(chunk_size=500):
        answers = convert_answers(questionnaire.answers)
        if answers != questionnaire.answers:
            questionnaire.answers = answers
            questionnaire.save(update_fields=["answers"])

    old_rules = dict(EvaluatedRules.objects.values_list("digest", "rules"))
    new_rules = {digest: convert_rules(rules) for digest, rules in old_rules.items()}
    new_digests = {digest: digest_of(rules) for digest, rules in new_rules.items()}
    EvaluatedRules.objects.bulk_create(
        [
            EvaluatedRules(digest=new_digests[digest], rules=rules)
            for digest, rules in new_rules.items()
            if new_digests[digest] != digest
        ],
        ignore_conflicts=True,
    )
    for result in Result.objects.iterator(chunk_size=200):
        result.answers = convert_answers(result.answers)
        fields = ["answers"]
        snapshot = result.snapshot
        if isinstance(snapshot, dict) and snapshot.get("schema") == 3:
            result.snapshot = convert_snapshot(snapshot, old_rules, new_digests)
            fields.append("snapshot")
            result.rules.set([item["program"] for item in result.snapshot["results"]])
        result.save(update_fields=fields)
    EvaluatedRules.objects.filter(
        digest__in=[d for d, new in new_digests.items() if new != d]
    ).delete()


# --- Backwards -------------------------------------------------------------------------------


def _back(fact, key, value):
    old, mapping, fallback = FACTS_BACK.get((fact, key), (fact, {}, None))
    return old, _value(mapping, value, fallback)


def answers_back(answers):
    if not isinstance(answers, dict):
        return answers
    converted = {}
    for name, value in answers.items():
        fact, _sep, key = name.partition(":")
        if (fact, key) in FACTS_BACK:
            old, value = _back(fact, key, value)
            converted[old] = value
        elif not key:
            converted[name] = value
    return converted


def condition_back(condition):
    if not isinstance(condition, dict) or "fact" not in condition:
        return condition
    fact, key = condition["fact"], condition.get("key", "")
    old = FACTS_BACK.get((fact, key), (fact,))[0]
    values = [_back(fact, key, value)[1] for value in condition.get("values", [])]
    rest = {name: v for name, v in condition.items() if name != "key"}
    return {**rest, "fact": old, "values": values}


def rules_back(rules):
    rules = dict(rules)
    rules["criteria"] = [
        {**item, "condition": condition_back(item["condition"])}
        for item in rules.get("criteria", [])
    ]
    rules["points_tables"] = [
        {
            **table,
            "rows": [
                {**row, "condition": condition_back(row["condition"])}
                for row in table.get("rows", [])
            ],
        }
        for table in rules.get("points_tables", [])
    ]
    rules["figures"] = [
        {**item, "applies": condition_back(item.get("applies"))}
        for item in rules.get("figures", [])
    ]
    return rules


def result_back(item, rules, digest):
    def conditions(section, nested=None):
        found = {}
        for entry in rules.get(section, []):
            for part in entry.get(nested, []) if nested else [entry]:
                condition = part.get("applies" if section == "figures" else "condition")
                if isinstance(condition, dict):
                    found[part["id"]] = (condition["fact"], condition.get("key", ""))
        return found

    criteria, rows, figures = (
        conditions("criteria"),
        conditions("points_tables", "rows"),
        conditions("figures"),
    )

    def value(found, ident, v):
        return _back(*found[ident], v)[1] if ident in found else v

    item = dict(item)
    item["program"] = digest
    item["criteria"] = [
        {
            **c,
            "answer": value(criteria, c["id"], c.get("answer")),
            "meets_with": [value(criteria, c["id"], v) for v in c.get("meets_with", [])],
        }
        for c in item.get("criteria", [])
    ]
    item["points"] = [
        {**p, "rows": [{**r, "answer": value(rows, r["id"], r.get("answer"))} for r in p["rows"]]}
        for p in item.get("points", [])
    ]
    item["figures"] = [
        {**f, "answer": value(figures, f["id"], f.get("answer"))} for f in item.get("figures", [])
    ]
    item["changes"] = [
        {**change, "updates": [list(_back(f, k, v)) for f, k, v in change["updates"]]}
        for change in item.get("changes", [])
    ]
    item["deciding_facts"] = [
        FACTS_BACK.get((f, k), (f,))[0] for f, k in item.get("deciding_facts", [])
    ]
    return item


def backwards(apps, schema_editor):
    Questionnaire = apps.get_model("profiles", "Questionnaire")
    Result = apps.get_model("profiles", "Result")
    EvaluatedRules = apps.get_model("profiles", "EvaluatedRules")
    for questionnaire in Questionnaire.objects.iterator(chunk_size=500):
        questionnaire.answers = answers_back(questionnaire.answers)
        questionnaire.save(update_fields=["answers"])
    new_rules = dict(EvaluatedRules.objects.values_list("digest", "rules"))
    old_rules = {digest: rules_back(rules) for digest, rules in new_rules.items()}
    old_digests = {digest: digest_of(rules) for digest, rules in old_rules.items()}
    EvaluatedRules.objects.bulk_create(
        [
            EvaluatedRules(digest=old_digests[digest], rules=rules)
            for digest, rules in old_rules.items()
            if old_digests[digest] != digest
        ],
        ignore_conflicts=True,
    )
    for result in Result.objects.iterator(chunk_size=200):
        result.answers = answers_back(result.answers)
        fields = ["answers"]
        snapshot = result.snapshot
        if isinstance(snapshot, dict) and snapshot.get("schema") == 4:
            result.snapshot = {
                "schema": 3,
                "results": [
                    result_back(item, new_rules[item["program"]], old_digests[item["program"]])
                    for item in snapshot["results"]
                ],
            }
            fields.append("snapshot")
            result.rules.set([item["program"] for item in result.snapshot["results"]])
        result.save(update_fields=fields)
    EvaluatedRules.objects.filter(
        digest__in=[d for d, old in old_digests.items() if old != d]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0005_regression_profile"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
