"""The OpenAPI document tells the truth: Schemathesis generates requests from it
(valid and invalid) against the real running API, logged in as an admin, and
checks every answer: never a server error, and status, content type and body
as documented. Bounded: a few examples per operation."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from api.agents.models import AgentRole
from api.agents.service import create_agent
from tests.conftest import Stack, unique

pytestmark = pytest.mark.e2e

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="session")
def api_schema(stack: Stack) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{stack.api}/openapi.json")


@pytest.fixture(scope="session")
def admin(stack: Stack) -> dict[str, str]:
    return _admin_login(stack)


def _admin_login(stack: Stack) -> dict[str, str]:
    """The Authorization header of a new admin account."""
    engine = create_engine(stack.database_url)
    login = {"username": unique("contract-admin"), "password": "contract-admin-password"}
    with sessionmaker(engine)() as db:
        create_agent(db=db, display_name="Contract", role=AgentRole.ADMIN, **login)
    engine.dispose()
    token = httpx.post(f"{stack.api}/api/v1/agents/login", json=login, timeout=30).json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def incidents_resolved_after(stack: Stack) -> Iterator[None]:
    """The generated requests publish incidents as an admin: resolved afterwards, so
    that the later tests' users are not told of them before every answer (by another
    admin: the generated requests log the first one out)."""
    yield
    admin = _admin_login(stack)
    every = httpx.get(f"{stack.api}/api/v1/incidents?all=true", headers=admin, timeout=30)
    # Some start later: resolved too, before they would become active.
    for incident in [i for i in every.json()["incidents"] if i["resolved_at"] is None]:
        done = httpx.post(
            f"{stack.api}/api/v1/incidents/{incident['id']}/resolve",
            json={"resolution": {"sv": "Testet är klart.", "en": "The test is done."}},
            headers=admin,
            timeout=30,
        )
        assert done.status_code == 200, done.text
    assert httpx.get(f"{stack.api}/api/v1/incidents", timeout=30).json()["incidents"] == []


@pytest.mark.usefixtures("incidents_resolved_after")
def test_every_answer_is_as_documented(
    api_schema: schemathesis.BaseSchema, stack: Stack, admin: dict[str, str]
) -> None:
    checked = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        # The same examples on every run: a test that never flakes (a new bug shows
        # when the schema or the code changes, not by chance).
        @settings(
            max_examples=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=stack.api, headers=admin, checks=CHECKS, timeout=60)

        answers_as_documented()
        checked += 1
    assert checked >= 30  # every operation of the API, not a few
