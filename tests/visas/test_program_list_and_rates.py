"""The program list's filters (country, no job offer needed) over every content file, and an
exchange rate edited in the admin: the programs reading amounts get a new revision."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from visas.models import ExchangeRate, Program

pytestmark = pytest.mark.django_db


def listed(client: Client, query: str = "") -> list[str]:
    html = client.get(f"/programs/{query}").content.decode()
    return re.findall(r'<th scope="row"><a href="/programs/([^/]+)/">', html)


@pytest.mark.usefixtures("all_content")
def test_the_list_filters_by_country_and_by_no_job_offer(client: Client) -> None:
    everything = listed(client)
    assert len(everything) == 12
    assert listed(client, "?country=GB") == ["uk-global-talent", "uk-high-potential-individual"]
    assert listed(client, "?country=CN") == ["china-k-visa", "china-r-visa"]
    no_offer = listed(client, "?no_offer=1")
    # Read from the rules: these rule out nobody for want of a job offer.
    assert {"china-k-visa", "uk-global-talent", "germany-opportunity-card"} <= set(no_offer)
    assert not {"us-h1b", "china-r-visa", "eu-blue-card-germany", "japan-hsp"} & set(no_offer)
    assert listed(client, "?country=US&no_offer=1") == []
    text = client.get("/programs/?country=US&no_offer=1").content.decode()
    assert "No program matches these filters." in text
    assert "Showing 0 programs of 12." in text
    # A country that is not in the list, or junk, shows every program.
    assert listed(client, "?country=ZZ") == everything
    assert listed(client, "?country=XX&no_offer=yes") == everything


@pytest.mark.usefixtures("all_content")
def test_an_edited_rate_changes_the_programs_reading_amounts(client: Client, adviser: User) -> None:
    before = dict(Program.objects.values_list("slug", "revision"))
    client.force_login(adviser)
    rate = ExchangeRate.objects.get(currency="INR")
    url = f"/admin/visas/exchangerate/{rate.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "currency": "INR",
        "per_eur": "100.5",
        "as_of": "2026-11-30",
        "clarity": "confirmed",
        "source": str(rate.source_id),
        "content_key": rate.content_key,
    }
    # The stale-save guard's fingerprint, as the form was opened.
    fingerprint = re.search(
        r'name="([^"]*fingerprint[^"]*)" value="([^"]*)"', form.content.decode()
    )
    if fingerprint:
        data[fingerprint.group(1)] = fingerprint.group(2)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ExchangeRate.objects.get(currency="INR").per_eur == Decimal("100.5")
    after = dict(Program.objects.values_list("slug", "revision"))
    changed = {slug for slug in after if after[slug] != before[slug]}
    assert {"eu-blue-card-germany", "uk-high-potential-individual", "japan-hsp"} <= changed
    assert not {"china-k-visa", "us-h1b", "china-r-visa"} & changed
