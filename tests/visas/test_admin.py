"""The advisers' admin: permissions, editing with history and revert, plain errors, revisions."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from tests.visas.conftest import ADVISER_PASSWORD
from tests.visas.factories import (
    CriterionFactory,
    ProgramFactory,
    RequirementGroupFactory,
    SourceFactory,
)
from visas.admin import CONCURRENT_EDIT_MESSAGE
from visas.models import Criterion, KeyFigure, PointsTable, Program, Source, SourceCheck
from visas.models import PointsRow as PointsRowModel

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
        "legal_status": "in_force",
        "legal_note": "",
        "legal_changed_on": "",
        "legal_source": "",
        "effective_from": "",
        "effective_to": "",
        "display_order": 100,
        "content_key": "",
    }
    data.update(overrides)
    return data


def figure_data(figure: KeyFigure, **overrides: Any) -> dict[str, Any]:
    """The stand-alone figure form as the admin would post it back unchanged."""
    data: dict[str, Any] = {
        "program": figure.program_id,
        "kind": figure.kind,
        "label": figure.label,
        "period": figure.period,
        "value": "" if figure.value is None else str(figure.value),
        "unit": figure.unit,
        "value_text": figure.value_text,
        "payer": figure.payer,
        "recurrence": figure.recurrence,
        "applies_fact": figure.applies_fact,
        "applies_operator": figure.applies_operator,
        "applies_values": json.dumps(figure.applies_values),
        "applies_note": figure.applies_note,
        "note": figure.note,
        "clarity": figure.clarity,
        "as_of": figure.as_of.isoformat(),
        "source": figure.source_id,
        "more_sources": [s.pk for s in figure.more_sources.all()],
        "legal_status": figure.legal_status,
        "legal_note": figure.legal_note,
        "legal_changed_on": _date(figure.legal_changed_on),
        "legal_source": figure.legal_source_id or "",
        "effective_from": _date(figure.effective_from),
        "effective_to": _date(figure.effective_to),
        "display_order": figure.display_order,
        "content_key": figure.content_key,
    }
    if figure.estimates_chance:
        data["estimates_chance"] = "on"
    data.update(overrides)
    return data


def points_table_data(table: PointsTable, **overrides: Any) -> dict[str, Any]:
    """The stand-alone points-table form with its rows inline, unchanged."""
    data: dict[str, Any] = {
        "program": table.program_id,
        "group": table.group_id or "",
        "name": table.name,
        "pass_mark": "" if table.pass_mark is None else table.pass_mark,
        "caps": json.dumps(table.caps),
        "clarity": table.clarity,
        "as_of": table.as_of.isoformat(),
        "source": table.source_id,
        "more_sources": [s.pk for s in table.more_sources.all()],
        "legal_status": table.legal_status,
        "legal_note": table.legal_note,
        "legal_changed_on": _date(table.legal_changed_on),
        "legal_source": table.legal_source_id or "",
        "effective_from": _date(table.effective_from),
        "effective_to": _date(table.effective_to),
        "display_order": table.display_order,
        "content_key": table.content_key,
        **management("rows", table.rows.count()),
    }
    for index, row in enumerate(table.rows.all()):
        data.update(
            {
                f"rows-{index}-id": row.pk,
                f"rows-{index}-table": table.pk,
                f"rows-{index}-category": row.category,
                f"rows-{index}-fact": row.fact,
                f"rows-{index}-operator": row.operator,
                f"rows-{index}-values": json.dumps(row.values),
                f"rows-{index}-points": row.points,
                f"rows-{index}-label": row.label,
                f"rows-{index}-display_order": row.display_order,
            }
        )
    data.update(overrides)
    return data


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def management(prefix: str, initial: int = 0, total: int | None = None) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": initial if total is None else total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


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
        "selection": program.selection,
        "selection_note": program.selection_note,
        "selection_source": program.selection_source_id or "",
        "selection_clarity": program.selection_clarity,
        "selection_as_of": _date(program.selection_as_of),
        "last_reviewed_on": program.last_reviewed_on.isoformat(),
        "last_reviewed_by": program.last_reviewed_by,
        "opened_revision": program.revision,
        "content_key": program.content_key,
    }
    for prefix in ("groups", "criteria", "points_tables", "figures", "caveats"):
        data.update(management(prefix))
    data.update(overrides)
    return data


# --- Who may see what ------------------------------------------------------------------------


def test_the_advisers_group_has_exactly_the_visa_content_permissions() -> None:
    group = Group.objects.get(name="Immigration advisers")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert {app for app, _ in codenames} == {"visas", "profiles"}
    # In profiles, only the regression profiles advisers keep: never applicants' results.
    profiles = {(app, name) for app, name in codenames if app == "profiles"}
    assert profiles == {
        ("profiles", f"{action}_regressionprofile")
        for action in ("add", "change", "delete", "view")
    }
    assert ("visas", "change_criterion") in codenames
    assert ("visas", "delete_source") in codenames
    assert ("visas", "view_historicalprogram") in codenames
    assert ("visas", "change_requirementgroup") in codenames
    assert ("visas", "add_pointsrow") in codenames
    assert ("visas", "view_historicalpointstable") in codenames
    # View and change (to mark changes reviewed) on source checks, which only
    # `check_sources` creates and which go with their source.
    source_checks = {("visas", "view_sourcecheck"), ("visas", "change_sourcecheck")}
    assert source_checks <= codenames
    assert ("visas", "add_sourcecheck") not in codenames
    assert ("visas", "delete_sourcecheck") not in codenames
    # Applicants' reports: advisers read, settle and delete them, never write them.
    reports = {("visas", "view_report"), ("visas", "change_report"), ("visas", "delete_report")}
    assert reports <= codenames
    assert ("visas", "change_exchangerate") in codenames
    # Add, change, delete, view and view history on 9 content models (exchange rates too).
    assert len(codenames - source_checks - reports - profiles) == 45


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
    assert '<td class="field-unclear_criteria">5</td>' in k_row.group(0)

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


# --- Requirement trees, points tables and legal status ---------------------------------------


def group_forms(program: Program, **changes: dict[str, Any]) -> dict[str, Any]:
    """The program's group inline as posted back, with per-key changes (e.g. a new parent)."""
    groups = list(program.groups.all())
    data = management("groups", len(groups))
    for index, group in enumerate(groups):
        values = {
            "id": group.pk,
            "program": program.pk,
            "key": group.key,
            "parent": group.parent_id or "",
            "combine": group.combine,
            "importance": group.importance,
            "route": group.route,
            "display_order": group.display_order,
            **changes.get(group.key, {}),
        }
        data.update({f"groups-{index}-{name}": value for name, value in values.items()})
    return data


def snapshot(program: Program) -> dict[str, Any]:
    """What a refused save must leave as it was."""
    program.refresh_from_db()
    return {
        "program": (program.summary, program.revision, program.history.count()),
        "groups": list(program.groups.values_list("key", "parent__key", "importance", "route")),
        "criteria": list(program.criteria.values_list("pk", "importance", "group_id")),
        "points": list(program.points_tables.values_list("pk", "caps")),
        "rows": list(PointsRowModel.objects.filter(table__program=program).values_list("pk")),
        "figures": list(program.figures.values_list("pk", "legal_status", "legal_note")),
    }


def errors_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_groups_whose_parents_loop_are_refused_naming_the_group(adviser_client: Client) -> None:
    program = ProgramFactory()
    a = RequirementGroupFactory(program=program, key="group-a", display_order=10)
    b = RequirementGroupFactory(program=program, key="group-b", display_order=20)
    before = snapshot(program)
    data = program_data(
        program,
        summary="Mine.",
        **group_forms(program, **{"group-a": {"parent": b.pk}, "group-b": {"parent": a.pk}}),
    )
    html = errors_of(adviser_client.post(f"{ADMIN}visas/program/{program.pk}/change/", data))
    assert "Group “group-a”: its parents loop back to it (group-a → group-b → group-a)" in html
    assert snapshot(program) == before
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.parent is None
    assert b.parent is None


def test_a_group_that_is_its_own_parent_is_refused(adviser_client: Client) -> None:
    program = ProgramFactory()
    a = RequirementGroupFactory(program=program, key="group-a")
    before = snapshot(program)
    data = program_data(program, **group_forms(program, **{"group-a": {"parent": a.pk}}))
    html = errors_of(adviser_client.post(f"{ADMIN}visas/program/{program.pk}/change/", data))
    assert "Group “group-a”: its parents loop back to it" in html
    assert snapshot(program) == before


def test_a_subgroup_with_another_importance_than_its_parent_is_refused(
    adviser_client: Client, content: None
) -> None:
    program = Program.objects.get(slug="china-k-visa")
    before = snapshot(program)
    data = program_data(
        program, **group_forms(program, **{"k-graduate": {"importance": "favourable"}})
    )
    html = errors_of(adviser_client.post(f"{ADMIN}visas/program/{program.pk}/change/", data))
    assert "Group “k-graduate”: give it the importance of its parent “k-routes”." in html
    assert snapshot(program) == before


def test_a_valid_tree_change_saves_and_bumps_the_revision(
    adviser_client: Client, content: None
) -> None:
    program = Program.objects.get(slug="china-k-visa")
    revision = program.revision
    data = program_data(
        program, **group_forms(program, **{"k-graduate": {"route": "Graduate route"}})
    )
    response = adviser_client.post(f"{ADMIN}visas/program/{program.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert program.groups.get(key="k-graduate").route == "Graduate route"
    assert Program.objects.get(pk=program.pk).revision == revision + 1


def test_a_criterion_with_another_importance_than_its_group_is_a_field_error(
    adviser_client: Client, content: None
) -> None:
    program = Program.objects.get(slug="china-k-visa")
    criterion = Criterion.objects.get(content_key="k-degree-bachelor")
    assert criterion.group is not None
    before = snapshot(program)
    data = criterion_data(
        program,
        criterion.source,
        importance="favourable",
        group=criterion.group_id,
        fact="degree",
        operator="at_least",
        values='["bachelor"]',
        statement=criterion.statement,
        clarity=criterion.clarity,
        content_key=criterion.content_key,
    )
    html = errors_of(adviser_client.post(f"{ADMIN}visas/criterion/{criterion.pk}/change/", data))
    field = re.search(r'<div class="form-row[^"]*field-importance.*?</div>\s*</div>', html, re.S)
    assert field is not None
    assert (
        "Its group “Graduate of a well-known institution” is “Required”: give it the same "
        "importance." in field.group(0)
    )
    assert snapshot(program) == before


def test_a_criterion_inline_with_another_importance_than_its_group_is_refused(
    adviser_client: Client, content: None
) -> None:
    program = Program.objects.get(slug="china-k-visa")
    group = program.groups.get(key="k-graduate")
    source = Source.objects.get(content_key="cn-four-ministries-qa")
    before = snapshot(program)
    inline = {
        f"criteria-0-{key}": value
        for key, value in criterion_data(
            program,
            source,
            importance="favourable",
            group=group.pk,
            fact="degree",
            operator="at_least",
            values='["master"]',
            statement="A master's degree.",
        ).items()
        if key != "program"
    }
    data = program_data(program, **{**management("criteria", 0, 1), **inline})
    html = errors_of(adviser_client.post(f"{ADMIN}visas/program/{program.pk}/change/", data))
    assert "give it the same importance" in html
    assert snapshot(program) == before
    assert not Criterion.objects.filter(statement="A master's degree.").exists()


def test_a_group_importance_its_criteria_do_not_share_is_refused(
    adviser_client: Client, content: None
) -> None:
    program = Program.objects.get(slug="us-h1b")
    before = snapshot(program)
    data = program_data(
        program, **group_forms(program, **{"h1b-masters-cap": {"importance": "favourable"}})
    )
    response = adviser_client.post(f"{ADMIN}visas/program/{program.pk}/change/", data)
    assert response.status_code == 200
    assert snapshot(program) == before


@pytest.mark.parametrize(
    "caps", ['{"age": "many"}', '{"age": 2.5}', '{"age": 0}', '["age"]', '{"age": 3'], ids=str
)
def test_points_table_caps_that_are_not_whole_numbers_are_refused(
    adviser_client: Client, content: None, caps: str
) -> None:
    table = PointsTable.objects.get(content_key="r-points")
    before = snapshot(table.program)
    html = errors_of(
        adviser_client.post(
            f"{ADMIN}visas/pointstable/{table.pk}/change/", points_table_data(table, caps=caps)
        )
    )
    assert "errornote" in html
    field = re.search(r'<div class="form-row[^"]*field-caps.*?</div>\s*</div>', html, re.S)
    assert field is not None
    assert "errorlist" in field.group(0)
    assert snapshot(table.program) == before


def test_points_table_caps_in_the_program_inline_are_checked(
    adviser_client: Client, content: None
) -> None:
    program = Program.objects.get(slug="china-r-visa")
    table = program.points_tables.get()
    before = snapshot(program)
    inline = {
        f"points_tables-0-{name}": value
        for name, value in points_table_data(table, caps='{"age": "many"}').items()
        if not name.startswith("rows-") and name != "program"
    }
    data = program_data(
        program,
        **{**management("points_tables", 1), **inline, "points_tables-0-id": table.pk},
    )
    data["points_tables-0-program"] = program.pk
    html = errors_of(adviser_client.post(f"{ADMIN}visas/program/{program.pk}/change/", data))
    assert "whole numbers above 0" in html
    assert snapshot(program) == before


def test_valid_caps_and_rows_save_and_bump_the_revision(
    adviser_client: Client, content: None
) -> None:
    table = PointsTable.objects.get(content_key="r-points")
    revision = table.program.revision
    data = points_table_data(table, caps='{"age": 20}', **management("rows", 0, 1))
    data.update(
        {
            "rows-0-category": "age",
            "rows-0-fact": "age",
            "rows-0-operator": "between",
            "rows-0-values": "[18, 39]",
            "rows-0-points": 20,
            "rows-0-label": "Age 18 to 39",
            "rows-0-display_order": 10,
        }
    )
    response = adviser_client.post(f"{ADMIN}visas/pointstable/{table.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    table.refresh_from_db()
    assert table.caps == {"age": 20}
    assert list(table.rows.values_list("values", "points")) == [([18, 39], 20)]
    assert Program.objects.get(pk=table.program_id).revision > revision


def test_a_points_row_between_with_one_value_is_refused_on_the_points_table_page(
    adviser_client: Client, content: None
) -> None:
    table = PointsTable.objects.get(content_key="r-points")
    before = snapshot(table.program)
    data = points_table_data(table, **management("rows", 0, 1))
    data.update(
        {
            "rows-0-category": "age",
            "rows-0-fact": "age",
            "rows-0-operator": "between",
            "rows-0-values": "[30]",
            "rows-0-points": 10,
            "rows-0-label": "Age 30",
            "rows-0-display_order": 10,
        }
    )
    html = errors_of(adviser_client.post(f"{ADMIN}visas/pointstable/{table.pk}/change/", data))
    assert "“is between (inclusive)” takes exactly 2 number(s) of years." in html
    assert snapshot(table.program) == before
    assert not table.rows.exists()


def test_a_figure_not_in_force_without_a_legal_note_is_refused(
    adviser_client: Client, content: None
) -> None:
    figure = KeyFigure.objects.get(content_key="h1b-registration-fee")
    before = snapshot(figure.program)
    url = f"{ADMIN}visas/keyfigure/{figure.pk}/change/"
    html = errors_of(adviser_client.post(url, figure_data(figure, legal_status="vacated")))
    field = re.search(r'<div class="form-row[^"]*field-legal_note.*?</div>\s*</div>', html, re.S)
    assert field is not None
    assert "Say in one sentence why the status is not “in force”, with its date." in field.group(0)
    assert snapshot(figure.program) == before

    note = "Vacated by a federal court on 8 June 2026."
    response = adviser_client.post(
        url, figure_data(figure, legal_status="vacated", legal_note=note)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    figure.refresh_from_db()
    assert (figure.legal_status, figure.legal_note) == ("vacated", note)


def _options(html: str, name: str) -> set[str]:
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    return set(re.findall(r'<option value="(\d+)"', select.group(1)))


def _pks(program: Program) -> set[str]:
    return {str(pk) for pk in program.groups.values_list("pk", flat=True)}


def test_a_criterion_is_offered_only_the_groups_of_its_program(
    adviser_client: Client, content: None
) -> None:
    k_visa = Program.objects.get(slug="china-k-visa")
    h1b = Program.objects.get(slug="us-h1b")
    criterion = Criterion.objects.get(content_key="k-degree-bachelor")
    html = adviser_client.get(f"{ADMIN}visas/criterion/{criterion.pk}/change/").content.decode()
    assert _options(html, "group") == _pks(k_visa)
    assert _pks(k_visa)
    assert not _pks(k_visa) & _pks(h1b)

    html = adviser_client.get(f"{ADMIN}visas/program/{k_visa.pk}/change/").content.decode()
    assert _options(html, "criteria-0-group") == _pks(k_visa)
    assert _options(html, "groups-1-parent") == _pks(k_visa)

    table = PointsTable.objects.get(content_key="r-points")
    html = adviser_client.get(f"{ADMIN}visas/pointstable/{table.pk}/change/").content.decode()
    assert _options(html, "group") == _pks(table.program)

    # Nor does it accept another program's group when one is posted anyway.
    before = snapshot(k_visa)
    data = criterion_data(
        k_visa,
        criterion.source,
        group=h1b.groups.get(key="h1b-degree").pk,
        fact="degree",
        operator="at_least",
        values='["bachelor"]',
        statement=criterion.statement,
        clarity=criterion.clarity,
    )
    html = errors_of(adviser_client.post(f"{ADMIN}visas/criterion/{criterion.pk}/change/", data))
    assert "Select a valid choice" in html
    assert snapshot(k_visa) == before


# --- Source checks ---------------------------------------------------------------------------


def source_check(source: Source, status: str, **values: Any) -> SourceCheck:
    """A check as `check_sources` records it (tests/visas/test_source_checks.py runs it)."""
    now = timezone.now()
    defaults: dict[str, Any] = {
        "url": source.url,
        "status": status,
        "http_status": 200,
        "final_url": source.url,
        "content_hash": "b" * 64,
        "baseline_hash": ("b" if status == "ok" else "a") * 64,
        "checked_at": now,
        "status_since": now,
    }
    return SourceCheck.objects.create(source=source, **{**defaults, **values})


def test_a_changed_source_is_flagged_on_the_items_citing_it(
    adviser_client: Client, content: None
) -> None:
    criterion = Criterion.objects.get(content_key="k-degree-bachelor")
    source_check(criterion.source, "changed")
    for other in Source.objects.exclude(pk=criterion.source_id).exclude(url=""):
        source_check(other, "ok")

    shown = escape(criterion.statement[:40])
    listing = adviser_client.get(f"{ADMIN}visas/criterion/").content.decode()
    row = re.search(rf"{re.escape(shown)}.*?</tr>", listing, re.S)
    assert row is not None
    assert "⚠ Changed since last reviewed" in row.group(0)
    flagged = adviser_client.get(f"{ADMIN}visas/criterion/?source_check=review").content.decode()
    citing = Criterion.objects.filter(
        Q(source=criterion.source)
        | Q(more_sources=criterion.source)
        | Q(legal_source=criterion.source)
    ).distinct()
    assert f"{citing.count()} criteri" in flagged
    assert shown in flagged
    calm = adviser_client.get(f"{ADMIN}visas/criterion/?source_check=ok").content.decode()
    assert shown not in calm

    page = adviser_client.get(f"{ADMIN}visas/program/{criterion.program_id}/change/")
    html = page.content.decode()
    inline = html[html.index('id="criteria-group"') : html.index('id="points_tables-group"')]
    assert f"⚠ Changed since last reviewed</strong>: {escape(criterion.source)}" in inline
    assert "Selection source check" in html
    link = re.search(r'href="([^"]+)">⚠ (\d+) criteria</a>', html)  # what to review, linked
    assert link is not None
    assert int(link.group(2)) == citing.filter(program=criterion.program).count()
    to_review = adviser_client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert shown in to_review

    source_page = adviser_client.get(f"{ADMIN}visas/source/{criterion.source_id}/change/")
    html = source_page.content.decode()
    assert "Changed since last reviewed" in html
    assert f"/admin/visas/criterion/{criterion.pk}/change/" in html  # "Cited by" links it


def test_an_adviser_marks_a_change_reviewed_without_touching_content(
    adviser_client: Client, content: None
) -> None:
    changed, moved = Source.objects.exclude(url="").order_by("pk")[:2]
    source_check(changed, "changed")
    source_check(moved, "moved", final_url=moved.url + "new/")
    revisions = dict(Program.objects.values_list("pk", "revision"))
    history = Source.history.count()

    response = adviser_client.post(
        f"{ADMIN}visas/source/",
        {"action": "mark_changes_reviewed", "_selected_action": [changed.pk, moved.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Marked 1 changed source(s) reviewed" in html
    assert "1 selected source(s) are moved, broken or unreachable" in html
    check = SourceCheck.objects.get(source=changed)
    assert (check.status, check.baseline_hash, check.reviewed_by) == ("ok", "b" * 64, "Ada Adviser")
    assert SourceCheck.objects.get(source=moved).status == "moved"
    assert dict(Program.objects.values_list("pk", "revision")) == revisions
    assert Source.history.count() == history

    listing = adviser_client.get(f"{ADMIN}visas/source/?check=moved").content.decode()
    assert escape(moved.title) in listing
    assert escape(changed.title) not in listing


def test_a_check_of_an_address_since_edited_flags_nothing(
    adviser_client: Client, content: None
) -> None:
    source = Source.objects.exclude(url="").first()
    assert source is not None
    source_check(source, "broken", url="https://old.example.org/page", http_status=404)
    listing = adviser_client.get(f"{ADMIN}visas/source/?check=review").content.decode()
    assert escape(source.title) not in listing
    html = adviser_client.get(f"{ADMIN}visas/source/{source.pk}/change/").content.decode()
    assert "The address was edited after this check." in html


def test_the_criteria_list_reads_source_checks_in_constant_queries(
    adviser_client: Client,
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert adviser_client.get(f"{ADMIN}visas/criterion/").status_code == 200
        return len(captured)

    def cited() -> None:
        source, more, legal = SourceFactory(), SourceFactory(), SourceFactory()
        for one in (source, more, legal):
            source_check(one, "changed")
        criterion = CriterionFactory(source=source, more_sources=[more])
        criterion.legal_source = legal
        criterion.save()

    cited()
    few = queries()
    for _ in range(4):
        cited()
    assert queries() == few


def test_an_adviser_deletes_a_checked_source_with_its_check(adviser_client: Client) -> None:
    source = SourceFactory()
    source_check(source, "broken", http_status=404)
    url = f"{ADMIN}visas/source/{source.pk}/delete/"
    assert "have permission" not in adviser_client.get(url).content.decode()
    response = adviser_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()
    assert not SourceCheck.objects.filter(source_id=source.pk).exists()
