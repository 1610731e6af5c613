"""An applicant's saved answers, and the results shared by link."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


class Questionnaire(models.Model):
    """Answers saved at every step, keyed by applicant fact (see visas.vocabulary.Fact)."""

    answers = models.JSONField(default=dict, blank=True)
    # The browser session whose first answer created it: unique, so two tabs answering their
    # first question at once find the same questionnaire instead of making one each.
    session_key = models.CharField(max_length=40, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed for the purge of abandoned questionnaires (services.questionnaires_remove_stale).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session_key"],
                condition=~models.Q(session_key=""),
                name="questionnaire_session_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Questionnaire {self.pk}"


class EvaluatedRules(models.Model):
    """One program's rules as a result was evaluated against them, kept once for every
    result made against the same rules (see visas.rules.rules_dump)."""

    digest = models.CharField(max_length=64, primary_key=True)
    rules = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "evaluated rules"

    def __str__(self) -> str:
        return f"Rules {self.digest[:12]}…"


class Result(models.Model):
    """A snapshot of one evaluation: what was shown then, with the rules' revisions."""

    token = models.CharField(max_length=64, unique=True)
    answers = models.JSONField(help_text="The answers evaluated (for a re-check with new rules).")
    snapshot = models.JSONField(
        help_text="The evaluation of every program, as shown; names its rules by digest."
    )
    # The rules the snapshot names: kept while a result needs them.
    rules = models.ManyToManyField(EvaluatedRules, related_name="results")
    revisions = models.JSONField(help_text="Program slug -> revision evaluated.")
    priorities = models.JSONField(default=list, blank=True)
    evaluated_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_viewed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Result {self.token[:6]}…"

    def get_absolute_url(self) -> str:
        return reverse("profiles:result", kwargs={"token": self.token})


class RegressionProfile(models.Model):
    """A named applicant whose verdicts advisers expect: `manage.py check_profiles` runs each
    against the published content and reports every verdict that differs."""

    name = models.CharField(max_length=120, unique=True)
    note = models.TextField(blank=True, help_text="Who this applicant is, and why they matter.")
    answers = models.JSONField(
        default=dict, blank=True, help_text="Answers by applicant fact, as a result stores them."
    )
    expected = models.JSONField(
        default=dict,
        blank=True,
        help_text="Program slug → expected verdict: can_apply, possible, not_eligible or "
        'not_needed, e.g. {"us-h1b": "can_apply"}.',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if not isinstance(self.answers, dict):
            errors["answers"] = ['Give the answers as an object, e.g. {"citizenship": "IN"}.']
        verdicts = {"can_apply", "possible", "not_eligible", "not_needed"}
        if not isinstance(self.expected, dict) or any(
            not isinstance(slug, str) or value not in verdicts
            for slug, value in self.expected.items()
        ):
            errors["expected"] = [
                "Give an object of program slug → verdict, each one of can_apply, possible, "
                "not_eligible or not_needed."
            ]
        if errors:
            raise ValidationError(errors)
