"""Writes of the applicant journey: saving answers, creating and removing results."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from profiles import questions
from profiles.models import EvaluatedRules, Questionnaire, Result
from visas import rules, selectors

RESULT_TOKEN_BYTES = 32  # 256 random bits: unguessable share links
RESULT_KEEP_DAYS = 180
QUESTIONNAIRE_KEEP_DAYS = 30  # answers not updated for this long are abandoned
VIEW_STAMP_EVERY = timedelta(hours=12)  # a result's "last viewed" need not be written per view


def questionnaire_get(
    *, questionnaire_id: int | None, session_key: str | None = None
) -> Questionnaire | None:
    """The session's questionnaire: by the id the session keeps, else by the session's key."""
    if questionnaire_id is not None:
        return Questionnaire.objects.filter(pk=questionnaire_id).first()
    if session_key:
        return Questionnaire.objects.filter(session_key=session_key).first()
    return None


@transaction.atomic
def questionnaire_answer_save(
    *,
    questionnaire: Questionnaire | None,
    step: questions.Step,
    data: dict[str, Any],
    session_key: str | None = None,
) -> Questionnaire:
    """Save one step's answers; the questionnaire is created with the first answer.

    With the browser session's key, the first answers of two tabs land in one questionnaire:
    the key is unique, so the second tab's insert waits for the first's and then finds it.
    """
    if questionnaire is not None:
        # Lock the row so two tabs saving at once do not drop each other's answers.
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    elif session_key:
        questionnaire, created = Questionnaire.objects.select_for_update().get_or_create(
            session_key=session_key, defaults={"answers": data}
        )
        if created:
            return questionnaire
    else:
        questionnaire = Questionnaire(answers={})
    questionnaire.answers = {**questionnaire.answers, **data}
    questionnaire.save()
    return questionnaire


@transaction.atomic
def result_create(*, answers: dict[str, Any], today: date | None = None) -> Result:
    """Evaluate the answers against today's rules and store the outcome as a snapshot."""
    today = today or timezone.localdate()
    programs = selectors.program_rules_current()
    evaluated = questions.applicable_answers(answers, in_use=selectors.facts_in_use(programs))
    results = rules.evaluate(programs, evaluated, today=today)
    priorities = [p for p in answers.get(questions.PRIORITIES, []) if isinstance(p, str)]
    used = rules.snapshot_rules(results)
    # Each program's rules are stored once, by digest, for every result made against them.
    stored = set(EvaluatedRules.objects.filter(digest__in=used).values_list("digest", flat=True))
    if len(stored) < len(used):
        EvaluatedRules.objects.bulk_create(
            [EvaluatedRules(digest=d, rules=data) for d, data in used.items() if d not in stored],
            ignore_conflicts=True,  # a parallel result stored the same rules first
        )
    result = Result.objects.create(
        token=secrets.token_urlsafe(RESULT_TOKEN_BYTES),
        answers=evaluated | {questions.PRIORITIES: priorities},
        snapshot=rules.snapshot_dump(results),
        revisions={program.slug: program.revision for program in programs},
        priorities=priorities,
        evaluated_on=today,
        last_viewed_at=timezone.now(),
    )
    Result.rules.through.objects.bulk_create(
        [Result.rules.through(result_id=result.pk, evaluatedrules_id=d) for d in used]
    )
    return result


def result_evaluations(result: Result) -> tuple[rules.ProgramResult, ...]:
    """A result's stored evaluation of every program, with the rules it was made against
    (read from the database only when this process has not read them before)."""
    needed = rules.snapshot_rules_needed(result.snapshot)
    rules_json = (
        dict(EvaluatedRules.objects.filter(digest__in=needed).values_list("digest", "rules"))
        if needed
        else {}
    )
    return rules.snapshot_load(result.snapshot, rules_json)


def result_mark_viewed(*, result: Result) -> None:
    """Keep a viewed result alive; written at most twice a day per result."""
    now = timezone.now()
    if now - result.last_viewed_at >= VIEW_STAMP_EVERY:
        Result.objects.filter(pk=result.pk).update(last_viewed_at=now)
        result.last_viewed_at = now


def result_delete(*, result: Result) -> None:
    result.delete()


def results_remove_stale(*, now: Any = None) -> int:
    """Remove results nobody has viewed for RESULT_KEEP_DAYS days, and the rules no result
    needs any more; return how many results."""
    cutoff = (now or timezone.now()) - timedelta(days=RESULT_KEEP_DAYS)
    deleted = Result.objects.filter(last_viewed_at__lt=cutoff).delete()[1].get(
        Result._meta.label, 0
    )
    # Today's rules stay even if unused: a result being created now may be naming them.
    current = [rules.rules_dump(program)[0] for program in selectors.program_rules_current()]
    EvaluatedRules.objects.filter(results__isnull=True).exclude(digest__in=current).delete()
    return deleted


def questionnaires_remove_stale(
    *, keep_days: int = QUESTIONNAIRE_KEEP_DAYS, now: Any = None
) -> int:
    """Remove answers nobody has touched for ``keep_days`` days; return how many.

    Results keep their own copy of the answers they evaluated, so none depends on these.
    """
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    deleted, _ = Questionnaire.objects.filter(updated_at__lt=cutoff).delete()
    return deleted


def sessions_remove_expired() -> None:
    """Remove expired browser sessions, as `manage.py clearsessions` does."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
