"""Criteria, points rows and key-figure conditions in the vocabulary of keyed facts.

* ``job_offer`` values are countries: ``china`` → ``CN``, ``us`` → ``US``, ``elsewhere`` →
  ``other``, ``none`` stays.
* ``us_status`` is the keyed fact ``status`` with key ``US`` (values unchanged).
* ``mandarin`` / ``english`` are ``language_level`` with key ``zh`` / ``en``, in CEFR levels,
  approximately: none → none, basic → A2, conversational → B1, professional → C1,
  native → C2.

History rows are converted too, so that reverting to an older version gives a valid rule.
Self-contained: the mappings are written here, not imported. Rows whose content hash no
longer matches read, on the next content load, as unchanged when the file says the same.
"""

from django.db import migrations

JOB_OFFER = {"none": "none", "china": "CN", "us": "US", "elsewhere": "other"}
LEVELS = {"none": "none", "basic": "A2", "conversational": "B1", "professional": "C1", "native": "C2"}
FACTS = {
    "job_offer": ("job_offer", "", JOB_OFFER),
    "us_status": ("status", "US", {}),
    "mandarin": ("language_level", "zh", LEVELS),
    "english": ("language_level", "en", LEVELS),
}

JOB_OFFER_BACK = {"none": "none", "CN": "china", "US": "us"}
LEVELS_BACK = {"none": "none", "A1": "basic", "A2": "basic", "B1": "conversational",
               "B2": "conversational", "C1": "professional", "C2": "native"}
FACTS_BACK = {
    ("job_offer", ""): ("job_offer", JOB_OFFER_BACK, "elsewhere"),
    ("status", "US"): ("us_status", {}, None),
    ("language_level", "zh"): ("mandarin", LEVELS_BACK, None),
    ("language_level", "en"): ("english", LEVELS_BACK, None),
}

# (model, fact field, key field, values field)
MODELS = [
    ("Criterion", "fact", "fact_key", "values"),
    ("HistoricalCriterion", "fact", "fact_key", "values"),
    ("PointsRow", "fact", "fact_key", "values"),
    ("HistoricalPointsRow", "fact", "fact_key", "values"),
    ("KeyFigure", "applies_fact", "applies_key", "applies_values"),
    ("HistoricalKeyFigure", "applies_fact", "applies_key", "applies_values"),
]


def _mapped(mapping, value, fallback=None):
    if isinstance(value, str) and value in mapping:
        return mapping[value]
    if fallback is not None and isinstance(value, str):
        return fallback
    return value


def forwards(apps, schema_editor):
    for name, fact_field, key_field, values_field in MODELS:
        Model = apps.get_model("visas", name)
        for row in Model.objects.filter(**{f"{fact_field}__in": list(FACTS)}).iterator():
            fact, key, mapping = FACTS[getattr(row, fact_field)]
            values = getattr(row, values_field)
            setattr(row, fact_field, fact)
            setattr(row, key_field, key)
            if isinstance(values, list):
                setattr(row, values_field, [_mapped(mapping, v) for v in values])
            row.save(update_fields=[fact_field, key_field, values_field])


def backwards(apps, schema_editor):
    for name, fact_field, key_field, values_field in MODELS:
        Model = apps.get_model("visas", name)
        facts = {fact for fact, _key in FACTS_BACK}
        for row in Model.objects.filter(**{f"{fact_field}__in": facts}).iterator():
            found = FACTS_BACK.get((getattr(row, fact_field), getattr(row, key_field)))
            if found is None:
                continue  # a key the old vocabulary had no fact for: left as it is
            old, mapping, fallback = found
            values = getattr(row, values_field)
            setattr(row, fact_field, old)
            setattr(row, key_field, "")
            if isinstance(values, list):
                setattr(row, values_field, [_mapped(mapping, v, fallback) for v in values])
            row.save(update_fields=[fact_field, key_field, values_field])


class Migration(migrations.Migration):
    dependencies = [
        ("visas", "0009_condition_keys"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
