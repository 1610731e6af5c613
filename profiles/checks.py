"""A system check that the vocabulary, the questions and their forms agree: every applicant
fact (every key of a keyed fact) is asked by exactly one step, and each step's form saves
exactly the step's answer keys. It runs with every ``manage.py`` command and in the test
suite, so a fact without a question (or a question without a fact) fails loudly instead of
being silently never asked."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from profiles import questions
from visas.vocabulary import answer_keys


@register()
def questions_match_facts(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return questions_errors(questions.STEPS)


def questions_errors(steps: tuple[questions.Step, ...]) -> list[Error]:
    errors = []
    known = {*answer_keys(), questions.PRIORITIES}
    asked: dict[str, list[str]] = {}
    for step in steps:
        for key in step.keys:
            asked.setdefault(key, []).append(step.slug)
            if key not in known:
                errors.append(
                    Error(
                        f"Step {step.slug!r} asks {key!r}, which is not an applicant fact "
                        "(or not a key the fact has).",
                        hint="Add the fact (or key) to visas/vocabulary.py, or remove it "
                        "from the step.",
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
    for key in answer_keys():
        slugs = asked.get(key, [])
        if len(slugs) != 1:
            errors.append(
                Error(
                    f"Applicant fact {key!r} is asked by {len(slugs)} steps "
                    f"({', '.join(slugs) or 'none'}); it must be asked by exactly one.",
                    hint="Give it a question in visas/vocabulary.py (its form is generated), "
                    "or a hand-written step (with a form) in profiles/questions.py.",
                    id="profiles.E003",
                )
            )
    return errors
