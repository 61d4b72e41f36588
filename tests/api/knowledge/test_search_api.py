"""GET /api/v1/knowledge/search as the spec describes it."""

from __future__ import annotations

from fastapi.testclient import TestClient

SEARCH = "/api/v1/knowledge/search"


def test_results_have_the_spec_fields_best_first(client: TestClient) -> None:
    response = client.get(
        SEARCH, params={"q": "hur länge sparas mätbesked i arkivet", "lang": "sv"}
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and len(results) <= 5
    assert set(results[0]) == {"topic", "language", "title", "score", "snippet"}
    assert all(r["language"] == "sv" for r in results)
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)


def test_a_named_reject_code_puts_the_reject_article_first(client: TestClient) -> None:
    results = client.get(SEARCH, params={"q": "9996", "lang": "fi", "k": 3}).json()["results"]
    assert results[0]["topic"] == "mb_reject"
    assert len(results) <= 3


def test_an_unknown_language_or_bad_k_is_a_clear_422(client: TestClient) -> None:
    response = client.get(SEARCH, params={"q": "vrak", "lang": "de"})
    assert response.status_code == 422 and response.json()["code"] == "unknown_language"
    assert client.get(SEARCH, params={"q": "vrak", "k": 0}).status_code == 422
    assert client.get(SEARCH, params={"q": "vrak", "k": "many"}).status_code == 422
    assert client.get(SEARCH, params={"q": ""}).status_code == 422
    assert client.get(SEARCH, params={"q": "x" * 501}).status_code == 422


def test_a_question_with_no_matching_word_returns_an_empty_list(client: TestClient) -> None:
    response = client.get(SEARCH, params={"q": "zzqx", "lang": "en"})
    assert response.status_code == 200
    assert response.json() == {"results": []}
