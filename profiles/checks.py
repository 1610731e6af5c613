"""A system check that the vocabulary, the questions and their forms agree: every applicant
fact is asked by exactly one step, and each step's form saves exactly the step's facts. It
runs with every ``manage.py`` command and in the test suite, so a fact without a question (or
a question without a fact) fails loudly instead of being silently never asked."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from profiles import questions
from visas.vocabulary import FACTS


@register()
def questions_match_facts(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return questions_errors(questions.STEPS)


def questions_errors(steps: tuple[questions.Step, ...]) -> list[Error]:
    errors = []
    known = {fact.value for fact in FACTS} | {questions.PRIORITIES}
    asked: dict[str, list[str]] = {}
    for step in steps:
        for key in step.keys:
            asked.setdefault(key, []).append(step.slug)
            if key not in known:
                errors.append(
                    Error(
                        f"Step {step.slug!r} asks {key!r}, which is not an applicant fact.",
                        hint="Add the fact to visas/vocabulary.py, or remove it from the step.",
                        id="profiles.E001",
                    )
                )
        if set(step.keys) != set(step.form_class.answer_keys()):
            errors.append(
                Error(
                    f"Step {step.slug!r} saves {sorted(map(str, step.form_class.answer_keys()))} "
                    f"but declares {sorted(map(str, step.keys))}.",
                    hint="Make the step's keys and its form's fields the same facts.",
                    id="profiles.E002",
                )
            )
    for fact in FACTS:
        slugs = asked.get(fact.value, [])
        if len(slugs) != 1:
            errors.append(
                Error(
                    f"Applicant fact {fact.value!r} is asked by {len(slugs)} steps "
                    f"({', '.join(slugs) or 'none'}); it must be asked by exactly one.",
                    hint="Add a step (with a form) for it in profiles/questions.py.",
                    id="profiles.E003",
                )
            )
    return errors
