"""Advisers' regression profiles: named applicants with the verdicts they expect."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from profiles import regression, services
from profiles.models import RegressionProfile, Result

TOKEN = re.compile(r"(?:/r/)?([A-Za-z0-9_-]{20,64})/?$")


class RegressionProfileForm(forms.ModelForm):
    from_result = forms.CharField(
        required=False,
        label="From a result",
        help_text="Paste a result's link (or its token) to take its answers and its verdicts "
        "as the expected ones; leave the answers and expectations below empty.",
    )

    class Meta:
        model = RegressionProfile
        fields = ["name", "note", "from_result", "answers", "expected"]

    def clean_from_result(self) -> Result | None:
        value = self.cleaned_data["from_result"].strip()
        if not value:
            return None
        match = TOKEN.search(value)
        result = Result.objects.filter(token=match.group(1)).first() if match else None
        if result is None:
            raise forms.ValidationError(
                "No result has that link: paste the whole address of a result page."
            )
        return result

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        result = cleaned.get("from_result")
        if result is not None:
            self.instance.answers = dict(result.answers)
            self.instance.expected = regression.expected_verdicts(
                services.result_evaluations(result)
            )
            cleaned["answers"] = self.instance.answers
            cleaned["expected"] = self.instance.expected
        return cleaned


@admin.register(RegressionProfile)
class RegressionProfileAdmin(admin.ModelAdmin):
    form = RegressionProfileForm
    list_display = ["name", "programs_expected", "updated_at"]
    search_fields = ["name", "note"]
    actions = ["check_now"]

    @admin.display(description="Programs with an expected verdict")
    def programs_expected(self, profile: RegressionProfile) -> int:
        return len(profile.expected) if isinstance(profile.expected, dict) else 0

    @admin.action(description="Check against the published content", permissions=["view"])
    def check_now(self, request: HttpRequest, queryset: QuerySet[RegressionProfile]) -> None:
        for check in services.regression_profiles_check(profiles=queryset):
            if not check.differences:
                self.message_user(request, f"{check.profile.name}: as expected.", messages.SUCCESS)
                continue
            listed = "; ".join(
                f"{d.name}: expected {d.expected.value if d.expected else 'nothing'}, now "
                f"{d.actual.value if d.actual else 'no such program'}"
                for d in check.differences
            )
            level = messages.ERROR if check.failed else messages.INFO
            self.message_user(request, f"{check.profile.name}: {listed}.", level)
