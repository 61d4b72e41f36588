"""A real Redis server for the rate-limit tests, started once by stack/redis.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from stack.redis import running_redis


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """The URL of a throwaway Redis server for this test run (installed if missing)."""
    with running_redis() as url:
        yield url


@pytest.fixture(params=["memory", "redis"])
def storage_uri(request: pytest.FixtureRequest) -> str:
    """Where the limits are counted: in the process, or in the real Redis (emptied)."""
    if request.param == "memory":
        return "memory://"
    url: str = request.getfixturevalue("redis_server")
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url
