"""Two advisers on one change form: the second save, made from the stale form, is refused with a
plain message and overwrites nothing. Every form is posted back exactly as the browser shows
it, so the hidden fingerprint (or the program's revision) travels as it would in real life."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models
from django.test import Client

from tests.visas.conftest import ADVISER_PASSWORD
from tests.visas.factories import PointsRowFactory, PointsTableFactory
from visas.admin import CONCURRENT_EDIT_MESSAGE, STALE_SAVE_MESSAGE
from visas.models import (
    Caveat,
    Criterion,
    KeyFigure,
    PointsRow,
    PointsTable,
    Program,
    RequirementGroup,
    Source,
)

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


class FormScraper(HTMLParser):
    """The fields a browser would submit from the admin's change form (no JavaScript)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self.in_form = False
        self.select: dict[str, Any] | None = None
        self.option: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.append((a["name"], a.get("value", default)))
        elif tag == "select" and a.get("name"):
            self.select = {
                "name": a["name"],
                "multiple": "multiple" in a,
                "chosen": [],
                "first": None,
            }
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in a:
                self.select["chosen"].append(value)
        elif tag == "textarea" and a.get("name"):
            self.textarea, self.text = a["name"], []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                chosen = [self.select["first"]]
            self.data.extend((self.select["name"], value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = "".join(self.text)
            self.data.append((self.textarea, text[1:] if text.startswith("\n") else text))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text.append(data)


def form_open(client: Client, url: str) -> dict[str, Any]:
    """Open a change form and return what saving it unchanged would post."""
    response = client.get(url)
    assert response.status_code == 200
    scraper = FormScraper()
    scraper.feed(response.content.decode())
    posted: dict[str, Any] = {}
    for name, value in scraper.data:
        if name in posted:
            posted[name] = (
                [*posted[name], value]
                if isinstance(posted[name], list)
                else [
                    posted[name],
                    value,
                ]
            )
        else:
            posted[name] = value
    posted["_save"] = "Save"
    return posted


def login(username: str, monkeypatch: pytest.MonkeyPatch) -> Client:
    monkeypatch.setenv("ADVISER_PASSWORD", ADVISER_PASSWORD)
    if not User.objects.filter(username=username).exists():
        call_command("createadviser", "--username", username, stdout=io.StringIO())
    client = Client()
    response = client.post(
        f"{ADMIN}login/?next={ADMIN}", {"username": username, "password": ADVISER_PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def advisers(content: None, monkeypatch: pytest.MonkeyPatch) -> tuple[Client, Client]:
    return login("ada", monkeypatch), login("ben", monkeypatch)


def inline_prefix(model: type[models.Model], fk: str) -> str:
    field = model._meta.get_field(fk)
    return field.remote_field.get_accessor_name(model=model)  # type: ignore[union-attr]


def stored(model: type[models.Model], field: str) -> Callable[[dict[str, Any], Any], Any]:
    """Read back a posted field: `name`, or `prefix-N-name` of an inline row (by its id)."""

    def read(posted: dict[str, Any], pk: Any) -> Any:
        if "-" in field:
            prefix, index, name = field.rsplit("-", 2)
            pk = posted[f"{prefix}-{index}-id"]
        else:
            name = field
        value = getattr(model._default_manager.get(pk=pk), name)
        return str(value)

    return read


@dataclass(frozen=True)
class Case:
    """Adviser A changes one field; B, from the form opened before, changes another."""

    model: type[models.Model]
    a_field: str
    a_value: str
    b_field: str
    b_value: str
    message: str
    inline: type[models.Model] | None = None  # where A's field is stored, if an inline row

    def row(self) -> models.Model:
        if self.model is Program:
            return Program.objects.filter(groups__isnull=False).distinct().first()  # type: ignore[return-value]
        if self.model is PointsTable:  # the content file has none today: make one
            table = PointsTableFactory(program=Program.objects.order_by("pk").first())
            PointsRowFactory.create_batch(2, table=table)
            return table  # type: ignore[no-any-return]
        return self.model._default_manager.order_by("pk").first()  # type: ignore[return-value]


def stale(name: str) -> str:
    return STALE_SAVE_MESSAGE % {"thing": name}


ROWS = inline_prefix(PointsRow, "table")
GROUPS = inline_prefix(RequirementGroup, "program")
CASES = [
    pytest.param(
        Case(Criterion, "statement", "Ada's.", "display_order", "42", stale("criterion")),
        id="criterion",
    ),
    pytest.param(
        Case(Caveat, "title", "Ada's.", "display_order", "42", stale("caveat")), id="caveat"
    ),
    pytest.param(
        Case(KeyFigure, "label", "Ada's.", "note", "Ben's.", stale("key figure")),
        id="key-figure",
    ),
    pytest.param(Case(Source, "title", "Ada's.", "note", "Ben's.", stale("source")), id="source"),
    pytest.param(
        Case(PointsTable, "name", "Ada's.", "display_order", "42", stale("points table")),
        id="points-table",
    ),
    # A points row changed on its table's page: the table's form still refuses B's save.
    pytest.param(
        Case(
            PointsTable,
            f"{ROWS}-0-label",
            "Ada's.",
            "name",
            "Ben's.",
            stale("points table"),
            inline=PointsRow,
        ),
        id="points-row-inline",
    ),
    # Requirement groups are edited on their program's page: its revision guards them.
    pytest.param(
        Case(
            Program,
            f"{GROUPS}-0-display_order",
            "7",
            "summary",
            "Ben's.",
            CONCURRENT_EDIT_MESSAGE,
            inline=RequirementGroup,
        ),
        id="requirement-group-inline",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_a_save_from_a_stale_form_is_refused_and_keeps_the_first_save(
    advisers: tuple[Client, Client], case: Case
) -> None:
    ada, ben = advisers
    row = case.row()
    assert row is not None, f"the content has no {case.model.__name__}"
    url = f"{ADMIN}visas/{case.model._meta.model_name}/{row.pk}/change/"
    form_a, form_b = form_open(ada, url), form_open(ben, url)
    a_stored = stored(case.inline or case.model, case.a_field)
    b_stored = stored(case.model, case.b_field)
    b_before = b_stored(form_b, row.pk)

    form_a[case.a_field] = case.a_value
    saved = ada.post(url, form_a)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert a_stored(form_a, row.pk) == case.a_value

    form_b[case.b_field] = case.b_value
    refused = ben.post(url, form_b)
    assert refused.status_code == 200
    assert case.message in refused.content.decode()
    assert a_stored(form_a, row.pk) == case.a_value  # Ada's change is kept
    assert b_stored(form_b, row.pk) == b_before  # nothing of Ben's stale form was saved

    # Reloaded, Ben's form carries the new state and his change goes through.
    form_b = form_open(ben, url)
    form_b[case.b_field] = case.b_value
    assert ben.post(url, form_b).status_code == 302
    assert a_stored(form_a, row.pk) == case.a_value
    assert b_stored(form_b, row.pk) == case.b_value


def test_a_change_of_more_sources_alone_makes_the_form_stale(
    advisers: tuple[Client, Client],
) -> None:
    ada, ben = advisers
    criterion = Criterion.objects.order_by("pk").first()
    assert criterion is not None
    url = f"{ADMIN}visas/criterion/{criterion.pk}/change/"
    form_a, form_b = form_open(ada, url), form_open(ben, url)
    other = Source.objects.exclude(pk=criterion.source_id).first()
    assert other is not None
    form_a["more_sources"] = [str(other.pk)]
    assert ada.post(url, form_a).status_code == 302
    form_b["statement"] = "Changed by Ben."
    assert stale("criterion") in ben.post(url, form_b).content.decode()
    assert list(criterion.more_sources.all()) == [other]


def test_a_revert_restores_on_purpose_even_after_another_save(
    advisers: tuple[Client, Client],
) -> None:
    ada, ben = advisers
    criterion = Criterion.objects.order_by("pk").first()
    assert criterion is not None
    original = criterion.statement
    change_url = f"{ADMIN}visas/criterion/{criterion.pk}/change/"
    form = form_open(ben, change_url)
    form["statement"] = "Changed by Ben."
    assert ben.post(change_url, form).status_code == 302
    oldest = criterion.history.earliest("history_date")
    revert_url = f"{ADMIN}visas/criterion/{criterion.pk}/history/{oldest.history_id}/"
    revert = form_open(ada, revert_url)
    form = form_open(ben, change_url)  # Ben saves again while Ada looks at the old version
    form["display_order"] = "42"
    assert ben.post(change_url, form).status_code == 302

    assert ada.post(revert_url, revert).status_code == 302
    criterion.refresh_from_db()
    assert criterion.statement == original
