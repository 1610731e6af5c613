"""Each program's rules are stored once, apart from the results evaluated against them
(schema 3): a schema 2 snapshot held a full copy of every program's rules in every result.

Self-contained on purpose (no engine import): the digest is the SHA-256 of the rules' JSON
with sorted keys and no spaces, which is what visas.rules.rules_dump computes for the same
rules, so converted results share their rules with new ones where they are equal.
"""

import hashlib
import json

from django.db import migrations, models


def digest_of(rules):
    canonical = json.dumps(rules, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def split_snapshot(snapshot):
    """A schema 2 snapshot as (schema 3 snapshot, {digest: rules})."""
    kept = {}
    results = []
    for item in snapshot["results"]:
        digest = digest_of(item["program"])
        kept[digest] = item["program"]
        results.append({**item, "program": digest})
    return {"schema": 3, "results": results}, kept


def forwards(apps, schema_editor):
    Result = apps.get_model("profiles", "Result")
    EvaluatedRules = apps.get_model("profiles", "EvaluatedRules")
    known = set()
    for result in Result.objects.filter(snapshot__schema=2).iterator(chunk_size=200):
        result.snapshot, kept = split_snapshot(result.snapshot)
        new = [EvaluatedRules(digest=d, rules=r) for d, r in kept.items() if d not in known]
        EvaluatedRules.objects.bulk_create(new, ignore_conflicts=True)
        known.update(kept)
        result.save(update_fields=["snapshot"])
        result.rules.set(list(kept))


def backwards(apps, schema_editor):
    Result = apps.get_model("profiles", "Result")
    EvaluatedRules = apps.get_model("profiles", "EvaluatedRules")
    for result in Result.objects.filter(snapshot__schema=3).iterator(chunk_size=200):
        digests = [item["program"] for item in result.snapshot["results"]]
        kept = dict(EvaluatedRules.objects.filter(digest__in=digests).values_list("digest", "rules"))
        result.snapshot = {
            "schema": 2,
            "results": [
                {**item, "program": kept[item["program"]]} for item in result.snapshot["results"]
            ],
        }
        result.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0003_questionnaire_session_key"),
    ]

    operations = [
        migrations.CreateModel(
            name="EvaluatedRules",
            fields=[
                ("digest", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("rules", models.JSONField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name_plural": "evaluated rules",
            },
        ),
        migrations.AlterField(
            model_name="result",
            name="snapshot",
            field=models.JSONField(
                help_text="The evaluation of every program, as shown; names its rules by digest."
            ),
        ),
        migrations.AddField(
            model_name="result",
            name="rules",
            field=models.ManyToManyField(related_name="results", to="profiles.evaluatedrules"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
