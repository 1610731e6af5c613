"""Writes of the applicant journey: saving answers, creating and removing results."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone

from config.ratelimit import AtomicDatabaseCache
from profiles import questions, regression
from profiles.models import EvaluatedRules, Questionnaire, RegressionProfile, Result
from visas import rules, selectors

RESULT_TOKEN_BYTES = 32  # 256 random bits: unguessable share links
RESULT_KEEP_DAYS = 180
QUESTIONNAIRE_KEEP_DAYS = 30  # answers not updated for this long are abandoned
VIEW_STAMP_EVERY = timedelta(hours=12)  # a result's "last viewed" need not be written per view


def questionnaire_of_session(
    *, session_key: str | None
) -> tuple[Questionnaire | None, selectors.Versions | None]:
    """The questionnaire made in this browser session, if the session is still live, and
    every program's current version (for :func:`visas.selectors.facts_in_use`: the questions
    follow the programs), in one query: the session itself need not be read. Without a
    session key, neither (and no query)."""
    if session_key is None:
        return None, None
    return _questionnaire_run(_READ_BY_LIVE_SESSION, [session_key, session_key, timezone.now()])


def questionnaire_get(
    *, questionnaire_id: int
) -> tuple[Questionnaire | None, selectors.Versions | None]:
    """The questionnaire with the id a session keeps (one made before sessions had keys, or
    before the session's key changed), and every program's current version, in one query."""
    return _questionnaire_run(_READ_BY_ID, [questionnaire_id])


def questionnaire_answer_save(
    *,
    questionnaire: Questionnaire | None,
    step: questions.Step,
    data: dict[str, Any],
    session_key: str | None = None,
) -> Questionnaire:
    """Save one step's answers; the questionnaire is created with the first answer.

    The database merges the answers into the saved ones in one statement, holding the row's
    lock while it does, so two tabs saving at once never drop each other's answers. With the
    browser session's key, the first answers of two tabs land in one questionnaire: the key
    is unique, so the second tab's insert waits for the first's and then adds to it.
    """
    now = timezone.now()
    answers = _ANSWERS.get_db_prep_value(data, connection)
    if questionnaire is not None:
        saved, _ = _questionnaire_run(_ANSWERS_ADD, [answers, now, questionnaire.pk])
        if saved is not None:
            return saved
        # Removed meanwhile (another tab started again): the answers start a new one.
    if session_key:
        saved, _ = _questionnaire_run(_ANSWERS_FIRST, [answers, session_key, now, now])
        assert saved is not None  # inserted, or the row it met updated: either way returned
        return saved
    return Questionnaire.objects.create(answers=data)


# The questionnaire's pages read and write it on every request, so these statements are
# written out: building them through the ORM took longer than running them.
_TABLE = connection.ops.quote_name(Questionnaire._meta.db_table)
_ANSWERS = Questionnaire._meta.get_field("answers")
_FIELDS = Questionnaire._meta.concrete_fields
_COLUMNS = ", ".join(connection.ops.quote_name(f.column) for f in _FIELDS)
_VERSIONS = selectors.program_versions_expression().sql
_READ_BY_ID = f"SELECT {_COLUMNS}, ({_VERSIONS}) FROM {_TABLE} WHERE id = %s"
# Always one row: the programs' versions, and the questionnaire's columns (all null if the
# session made none, or is not live: an expired session's answers are not shown).
_READ_BY_LIVE_SESSION = (
    "SELECT "
    + ", ".join(f"q.{connection.ops.quote_name(f.column)}" for f in _FIELDS)
    + f", ({_VERSIONS}) FROM (SELECT 1) AS one LEFT JOIN {_TABLE} AS q "
    "ON q.session_key = %s AND EXISTS (SELECT 1 FROM "
    f"{connection.ops.quote_name(Session._meta.db_table)} AS s "
    "WHERE s.session_key = %s AND s.expire_date > %s)"
)
# ``||`` merges two JSON objects, the right one's keys winning: {**saved, **new}.
_ANSWERS_ADD = (
    f"UPDATE {_TABLE} SET answers = answers || %s, updated_at = %s WHERE id = %s "
    f"RETURNING {_COLUMNS}"
)
# The session's first answers; a second tab's first answers wait for the first tab's insert,
# then add to its row. (The unique key is partial: rows made before sessions had none.)
_ANSWERS_FIRST = (
    f"INSERT INTO {_TABLE} (answers, session_key, created_at, updated_at) "
    "VALUES (%s, %s, %s, %s) ON CONFLICT (session_key) WHERE session_key <> '' "
    f"DO UPDATE SET answers = {_TABLE}.answers || EXCLUDED.answers, "
    f"updated_at = EXCLUDED.updated_at RETURNING {_COLUMNS}"
)


def _questionnaire_run(
    sql: str, params: list[Any]
) -> tuple[Questionnaire | None, selectors.Versions | None]:
    """Run one statement that reads or writes a questionnaire's row: the row as read or
    written (None if none was), and the programs' versions if the statement reads them."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None, None
    versions = (
        selectors.program_versions_from_json(row[len(_FIELDS)]) if len(row) > len(_FIELDS) else None
    )
    if row[0] is None:  # no questionnaire's id: the left join met none
        return None, versions
    values = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(_FIELDS, row, strict=False)
    ]
    return Questionnaire.from_db(connection.alias, [f.attname for f in _FIELDS], values), versions


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
    deleted = (
        Result.objects.filter(last_viewed_at__lt=cutoff).delete()[1].get(Result._meta.label, 0)
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
    """Remove expired browser sessions, as `manage.py clearsessions` does, and expired
    rate-limit counts when they are kept in a database table."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    cache = caches["default"]
    if isinstance(cache, AtomicDatabaseCache):
        cache.delete_expired()


@dataclass(frozen=True)
class ProfileCheck:
    profile: RegressionProfile
    differences: list[regression.Difference]

    @property
    def failed(self) -> bool:
        return any(difference.unexpected for difference in self.differences)


def regression_profiles_check(
    *,
    profiles: Iterable[RegressionProfile] | None = None,
    programs: Sequence[rules.ProgramRules] | None = None,
    today: date | None = None,
) -> list[ProfileCheck]:
    """Each profile evaluated as a result would be (by default: every profile, against the
    published rules today), with the verdicts that differ from its expectations."""
    today = today or timezone.localdate()
    programs = selectors.program_rules_current() if programs is None else programs
    in_use = selectors.facts_in_use(programs)
    checks = []
    for profile in RegressionProfile.objects.all() if profiles is None else profiles:
        answers = profile.answers if isinstance(profile.answers, dict) else {}
        evaluated = questions.applicable_answers(answers, in_use=in_use)
        results = rules.evaluate(programs, evaluated, today=today)
        expected = profile.expected if isinstance(profile.expected, dict) else {}
        checks.append(ProfileCheck(profile, regression.differences(expected, results)))
    return checks
