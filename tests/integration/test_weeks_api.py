"""History and weekly summaries through the API (issue 4), a page at a time."""

from __future__ import annotations

import datetime as dt

from tests.integration.conftest import CLINIC_START, Clinic


def day(offset: int) -> str:
    return (CLINIC_START + dt.timedelta(days=offset)).isoformat()


def test_each_week_is_summed_up_newest_first(clinic: Clinic) -> None:
    base = f"/api/v1/patients/{clinic.patient}"
    pat = clinic.as_("pat")
    for offset, minutes in ((0, 5), (2, 5), (2, 4), (4, 6), (8, 5)):
        logged = clinic.client.post(
            f"{base}/sessions", json={"date": day(offset), "minutes": minutes}, headers=pat
        )
        assert logged.status_code == 201, logged.text
    for offset, pain in ((1, 4), (3, 6)):
        clinic.client.put(
            f"{base}/daily-pain", json={"date": day(offset), "pain": pain}, headers=pat
        )
    clinic.client.post(f"{base}/acupuncture", json={"date": day(3)}, headers=pat)
    clinic.client.post(f"{base}/flares", json={"date": day(9), "severe": True}, headers=pat)

    answer = clinic.client.get(f"{base}/weeks?date={day(10)}", headers=clinic.as_("doc"))
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["total"] == 2
    second, first = page["items"]
    assert (second["week"]["week"], first["week"]["week"]) == (2, 1)

    assert first["complete"] is True
    assert first["planned_minutes"] == 15.0
    assert first["done_minutes"] == 20.0
    assert first["active_days"] == 3
    assert first["sessions_logged"] == 4
    assert first["pain_average"] == 5.0
    assert first["acupuncture_visits"] == 1
    assert first["summary"].startswith(
        "Week 1: 20 of 15 planned minutes (133 %), active on 3 days."
    )
    assert "Pain averaged 5.0 out of 10 (2 ratings)." in first["summary"]

    assert second["complete"] is False
    assert second["done_minutes"] == 5.0
    assert [f["severe"] for f in second["flares"]] == [True]
    assert second["summary"].startswith("So far this week: 5 of 15 planned minutes")
    assert "A severe flare from 14 Jan." in second["summary"]


def test_weeks_come_a_page_at_a_time(clinic: Clinic) -> None:
    base = f"/api/v1/patients/{clinic.patient}/weeks"
    pat = clinic.as_("pat")
    whole = clinic.client.get(f"{base}?date={day(69)}&limit=200", headers=pat).json()
    assert whole["total"] == 10
    assert [w["week"]["week"] for w in whole["items"]] == list(range(10, 0, -1))
    page = clinic.client.get(f"{base}?date={day(69)}&limit=3&offset=3", headers=pat).json()
    assert [w["week"]["week"] for w in page["items"]] == [7, 6, 5]
    assert page["total"] == 10
    too_big = clinic.client.get(f"{base}?limit=201", headers=pat)
    assert too_big.status_code == 422
    assert too_big.json()["detail"][0]["field"] == "limit"
