"""Which queues are open, and when the closed ones open next."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.queues.service import UnknownQueue, known_queues, overview
from bot.triage.training import QUEUES

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_at_half_past_two_on_a_sunday_night_only_driver_support_is_open() -> None:
    state = overview(now=datetime(2026, 11, 22, 2, 30, tzinfo=STOCKHOLM), language="en")
    assert [q.id for q in state.queues] == list(QUEUES)
    assert [q.id for q in state.queues if q.open_now] == ["driver"]
    accounting = next(q for q in state.queues if q.id == "accounting")
    assert accounting.next_opening == datetime(2026, 11, 23, 8, 0, tzinfo=STOCKHOLM)
    assert state.case_intake_open


def test_on_a_weekday_morning_every_queue_is_open() -> None:
    state = overview(now=datetime(2026, 11, 24, 9, 0, tzinfo=STOCKHOLM), language="sv")
    assert all(q.open_now and q.next_opening is None for q in state.queues)


def test_the_endpoint_lists_all_queues_with_names_in_the_language(client: TestClient) -> None:
    body = client.get("/api/v1/queues", params={"lang": "fi"}).json()
    assert [q["id"] for q in body["queues"]] == list(QUEUES)
    driver = body["queues"][0]
    assert driver["always_open"] and driver["open_now"] and "Kuljettajatuki" in driver["name"]
    assert client.get("/api/v1/queues", params={"lang": "xx"}).status_code == 422


def test_queue_ids_are_checked_and_given_in_the_specs_order() -> None:
    assert known_queues(["general", "driver", "general"]) == ["driver", "general"]
    assert known_queues([]) == []
    with pytest.raises(UnknownQueue):
        known_queues(["driver", "Driver"])
