"""The advisers' queue of applicants' reports: counted on the program list, opened on the
item they are about, settled with a status."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.visas.conftest import ADVISER_PASSWORD
from visas.models import KeyFigure, Program, Report
from visas.vocabulary import ReportStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("content")]


def reported(figure: KeyFigure, message: str, status: str = ReportStatus.NEW) -> Report:
    return Report.objects.create(
        program=figure.program,
        item_kind="figure",
        item_id=figure.pk,
        item_text=figure.label,
        message=message,
        status=status,
    )


@pytest.fixture
def signed_in(adviser: User) -> Client:
    """Signed in through the admin login page, as an adviser does."""
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": adviser.username, "password": ADVISER_PASSWORD},
    )
    assert response.status_code == 302
    return client


def test_new_reports_are_counted_on_the_program_list_and_open_the_item(signed_in: Client) -> None:
    fee = KeyFigure.objects.filter(program__slug="us-h1b").first()
    assert fee is not None
    first = reported(fee, "The fee went up.")
    reported(fee, "Still wrong.")
    reported(fee, "Old news.", status=ReportStatus.REJECTED)

    html = signed_in.get("/admin/visas/program/").content.decode()
    h1b = Program.objects.get(slug="us-h1b")
    assert f'?program__id__exact={h1b.pk}&amp;status__exact=new">2</a>' in html

    queue = signed_in.get(f"/admin/visas/report/?program__id__exact={h1b.pk}&status__exact=new")
    assert queue.status_code == 200
    assert "The fee went up." not in queue.content.decode()  # messages open on the report
    assert queue.content.decode().count(fee.label) == 2

    page = signed_in.get(f"/admin/visas/report/{first.pk}/change/").content.decode()
    assert "The fee went up." in page
    assert f'href="/admin/visas/keyfigure/{fee.pk}/change/"' in page
    assert signed_in.get("/admin/visas/report/add/").status_code == 403

    response = signed_in.post(
        "/admin/visas/report/",
        {"action": "mark_accepted", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == ReportStatus.ACCEPTED
    html = signed_in.get("/admin/visas/program/").content.decode()
    assert f'?program__id__exact={h1b.pk}&amp;status__exact=new">1</a>' in html
