"""The advisers' admin: permissions, editing with history and revert, plain errors, revisions."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from tests.visas.conftest import ADVISER_PASSWORD
from visas.admin import CONCURRENT_EDIT_MESSAGE
from visas.models import Criterion, KeyFigure, Program, Source

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


@pytest.fixture
def adviser_client(client: Client, adviser: User) -> Client:
    """Signed in through the admin login page, as an adviser does."""
    response = client.post(
        f"{ADMIN}login/?next={ADMIN}",
        {"username": adviser.username, "password": ADVISER_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def criterion_data(program: Program, source: Source, **overrides: Any) -> dict[str, Any]:
    data = {
        "program": program.pk,
        "importance": "required",
        "group": "",
        "fact": "age",
        "operator": "between",
        "values": "[18, 45]",
        "statement": "You must be 18 to 45.",
        "clarity": "reported",
        "as_of": "2025-10-01",
        "source": source.pk,
        "display_order": 100,
        "content_key": "",
    }
    data.update(overrides)
    return data


def program_data(program: Program, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": program.name,
        "slug": program.slug,
        "country": program.country,
        "authority": program.authority,
        "summary": program.summary,
        "official_url": program.official_url,
        "status": program.status,
        "in_force_on": program.in_force_on.isoformat() if program.in_force_on else "",
        "display_order": program.display_order,
        "last_reviewed_on": program.last_reviewed_on.isoformat(),
        "last_reviewed_by": program.last_reviewed_by,
        "opened_revision": program.revision,
        "content_key": program.content_key,
    }
    for prefix in ("criteria", "figures", "caveats"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    data.update(overrides)
    return data


# --- Who may see what ------------------------------------------------------------------------


def test_the_advisers_group_has_exactly_the_visa_content_permissions() -> None:
    group = Group.objects.get(name="Immigration advisers")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert {app for app, _ in codenames} == {"visas"}
    assert ("visas", "change_criterion") in codenames
    assert ("visas", "delete_source") in codenames
    assert ("visas", "view_historicalprogram") in codenames
    assert ("visas", "change_requirementgroup") in codenames
    assert ("visas", "add_pointsrow") in codenames
    assert ("visas", "view_historicalpointstable") in codenames
    # Add, change, delete, view and view history on 8 content models.
    assert len(codenames) == 40


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    for url in (ADMIN, f"{ADMIN}visas/program/", f"{ADMIN}auth/user/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{ADMIN}login/")


def test_an_adviser_cannot_see_users_or_groups(adviser_client: Client, adviser: User) -> None:
    assert adviser.is_staff
    assert not adviser.is_superuser
    assert adviser_client.get(f"{ADMIN}auth/user/").status_code == 403
    assert adviser_client.get(f"{ADMIN}auth/group/").status_code == 403
    index = adviser_client.get(ADMIN).content.decode()
    assert "Programs" in index
    assert "Users" not in index
    assert "Groups" not in index


def test_createadviser_refuses_a_weak_password_and_needs_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADVISER_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("createadviser", "--username", "bob", stdout=io.StringIO())
    monkeypatch.delenv("ADVISER_PASSWORD")
    with pytest.raises(CommandError, match="No password"):
        call_command("createadviser", "--username", "bob", stdout=io.StringIO())
    assert not User.objects.filter(username="bob").exists()


def test_createadviser_reads_the_password_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADVISER_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("another-long-passphrase-77\n"))
    call_command("createadviser", "--username", "cy", "--password-stdin", stdout=io.StringIO())
    user = User.objects.get(username="cy")
    assert user.check_password("another-long-passphrase-77")
    assert user.groups.filter(name="Immigration advisers").exists()


# --- Editing, history and revert -------------------------------------------------------------


def test_an_adviser_creates_edits_and_reverts_a_criterion(
    adviser_client: Client, adviser: User, content: None
) -> None:
    program = Program.objects.get(slug="china-k-visa")
    source = Source.objects.get(content_key="cn-visitchinavisa")
    revision = program.revision

    response = adviser_client.post(f"{ADMIN}visas/criterion/add/", criterion_data(program, source))
    assert response.status_code == 302, response.content.decode()[:3000]
    criterion = Criterion.objects.get(statement="You must be 18 to 45.")
    assert criterion.values == [18, 45]
    program.refresh_from_db()
    assert program.revision == revision + 1

    response = adviser_client.post(
        f"{ADMIN}visas/criterion/{criterion.pk}/change/",
        criterion_data(program, source, values="[18, 40]", statement="You must be 18 to 40."),
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.values == [18, 40]

    history = list(criterion.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert all(h.history_user == adviser for h in history)

    first = history[0]
    response = adviser_client.post(
        f"{ADMIN}visas/criterion/{criterion.pk}/history/{first.history_id}/",
        criterion_data(program, source),
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.values == [18, 45]
    assert criterion.history.count() == 3
    program.refresh_from_db()
    assert program.revision == revision + 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"values": '["bachelor"]'}, "whole numbers", id="age-with-degree"),
        pytest.param({"values": "[18"}, "Enter a list in JSON", id="junk-json"),
        pytest.param({"values": '"18"'}, "as a list in square brackets", id="not-a-list"),
        pytest.param({"operator": "between", "values": "[18]"}, "exactly 2", id="one-value"),
        pytest.param(
            {"operator": "unspecified", "values": ""}, "must have clarity", id="unspecified"
        ),
    ],
)
def test_a_bad_rule_is_a_plain_error_not_a_500(
    adviser_client: Client, content: None, overrides: dict[str, str], message: str
) -> None:
    program = Program.objects.get(slug="china-k-visa")
    source = Source.objects.first()
    assert source is not None
    response = adviser_client.post(
        f"{ADMIN}visas/criterion/add/", criterion_data(program, source, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Criterion.objects.filter(statement="You must be 18 to 45.").exists()


def test_a_bad_rule_in_a_program_inline_is_a_plain_error(
    adviser_client: Client, content: None
) -> None:
    program = Program.objects.get(slug="china-k-visa")
    source = Source.objects.first()
    assert source is not None
    inline = {
        f"criteria-0-{key}": value
        for key, value in criterion_data(program, source, values="[1, 2, 3]").items()
        if key != "program"
    }
    data = program_data(program, **{"criteria-TOTAL_FORMS": 1, **inline})
    response = adviser_client.post(f"{ADMIN}visas/program/{program.pk}/change/", data)
    assert response.status_code == 200
    assert "takes exactly 2 number(s)" in response.content.decode()


def test_a_program_save_with_inlines_bumps_the_revision(
    adviser_client: Client, content: None
) -> None:
    program = Program.objects.get(slug="china-r-visa")
    source = Source.objects.first()
    assert source is not None
    inline = {
        f"criteria-0-{key}": value
        for key, value in criterion_data(program, source).items()
        if key != "program"
    }
    data = program_data(program, **{"criteria-TOTAL_FORMS": 1, **inline})
    response = adviser_client.post(f"{ADMIN}visas/program/{program.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert program.criteria.filter(statement="You must be 18 to 45.").exists()
    assert Program.objects.get(pk=program.pk).revision == program.revision + 1


def test_a_save_over_another_advisers_newer_save_is_refused(
    adviser_client: Client, content: None
) -> None:
    program = Program.objects.get(slug="us-h1b")
    opened_at = program.revision
    # Someone else saves meanwhile.
    Program.objects.filter(pk=program.pk).update(revision=opened_at + 1, summary="Theirs.")
    data = program_data(program, summary="Mine.", opened_revision=opened_at)
    response = adviser_client.post(f"{ADMIN}visas/program/{program.pk}/change/", data)
    assert response.status_code == 200
    assert CONCURRENT_EDIT_MESSAGE in response.content.decode()
    program.refresh_from_db()
    assert program.summary == "Theirs."
    assert program.revision == opened_at + 1


def test_the_change_form_carries_the_revision_it_was_opened_at(
    adviser_client: Client, content: None
) -> None:
    program = Program.objects.get(slug="us-h1b")
    html = adviser_client.get(f"{ADMIN}visas/program/{program.pk}/change/").content.decode()
    assert re.search(
        rf'<input type="hidden" name="opened_revision" value="{program.revision}"', html
    )
    assert "View on site" in html


def test_view_on_site_leads_to_the_public_page(adviser_client: Client, content: None) -> None:
    program = Program.objects.get(slug="us-h1b")
    response = adviser_client.get(program.get_absolute_url())
    assert response.status_code == 200
    html = adviser_client.get(f"{ADMIN}visas/program/{program.pk}/change/").content.decode()
    link = re.search(r'href="([^"]+)" class="viewsitelink"', html)
    assert link is not None
    redirect = adviser_client.get(link.group(1))
    assert redirect["Location"].endswith("/programs/us-h1b/")


def test_a_program_revert_never_lowers_the_revision(adviser_client: Client, content: None) -> None:
    program = Program.objects.get(slug="us-h1b")
    oldest = program.history.earliest("history_date")
    adviser_client.post(
        f"{ADMIN}visas/program/{program.pk}/change/", program_data(program, summary="Edited.")
    )
    program.refresh_from_db()
    before = program.revision
    response = adviser_client.post(
        f"{ADMIN}visas/program/{program.pk}/history/{oldest.history_id}/",
        program_data(program, summary=oldest.summary, opened_revision=oldest.revision),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    program.refresh_from_db()
    assert program.summary == oldest.summary
    assert program.revision == before + 1


# --- Lists, filters and actions --------------------------------------------------------------


def test_mark_reviewed_today(adviser_client: Client, content: None) -> None:
    program = Program.objects.get(slug="china-k-visa")
    response = adviser_client.post(
        f"{ADMIN}visas/program/",
        {"action": "mark_reviewed_today", "_selected_action": [program.pk]},
    )
    assert response.status_code == 302
    reviewed = Program.objects.get(pk=program.pk)
    assert reviewed.last_reviewed_on == timezone.localdate()
    assert reviewed.last_reviewed_by == "Ada Adviser"
    assert reviewed.revision == program.revision + 1


def test_the_program_list_counts_unclear_criteria_and_flags_stale_programs(
    adviser_client: Client, content: None, django_assert_max_num_queries: Any
) -> None:
    Program.objects.filter(slug="china-r-visa").update(
        last_reviewed_on=timezone.localdate() - dt.timedelta(days=181)
    )
    response = adviser_client.get(f"{ADMIN}visas/program/")
    html = response.content.decode()
    assert "Stale: over 180 days" in html
    k_row = re.search(r"China K visa.*?</tr>", html, re.S)
    assert k_row is not None
    assert '<td class="field-unclear_criteria">4</td>' in k_row.group(0)

    stale = adviser_client.get(f"{ADMIN}visas/program/?stale=yes").content.decode()
    assert "China R visa" in stale
    assert "China K visa" not in stale
    fresh = adviser_client.get(f"{ADMIN}visas/program/?stale=no").content.decode()
    assert "China R visa" not in fresh
    assert "China K visa" in fresh


def test_figures_filter_by_clarity_and_search(adviser_client: Client, content: None) -> None:
    html = adviser_client.get(
        f"{ADMIN}visas/keyfigure/?clarity__exact=unclear&q=selection"
    ).content.decode()
    assert "FY2027" in html
    assert "FY2026" not in html
    assert KeyFigure.objects.filter(clarity="unclear").exists()


def test_source_autocomplete_answers_advisers(adviser_client: Client, content: None) -> None:
    response = adviser_client.get(
        f"{ADMIN}autocomplete/",
        {
            "term": "Proclamation",
            "app_label": "visas",
            "model_name": "criterion",
            "field_name": "source",
        },
    )
    assert response.status_code == 200
    assert any("Proclamation 10973" in r["text"] for r in response.json()["results"])
