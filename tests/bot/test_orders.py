"""Which common order a message is, and what it already gives (bot/data/orders.yml)."""

from __future__ import annotations

import pytest

from bot.orders import given, kind_of


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Vi behöver ett konto i VIOL 3 till vår nya förare Kalle Ek", "user"),
        ("Hon behöver en användare med behörighet till redovisning", "user"),
        ("Please set up access to transport reporting for our new dispatcher Maria.", "permission"),
        ("Could you give Tom permission to see transport accounting?", "permission"),
        ("Haluamme tilata uuden toimijan kuljetusyrityksellemme", "actor"),
        ("Vi vill beställa en ny aktör åt Åkeri Berg AB", "actor"),
    ],
)
def test_the_kind_of_order(text: str, kind: str) -> None:
    found = kind_of(text)
    assert found is not None and found.id == kind


def test_what_the_message_gives_is_not_asked_again() -> None:
    text = "Tarvitsemme tunnuksen Jari Mäkiselle, Mäkisen Metsäpalvelu Oy, [e-post]"
    assert given(text) == {
        "company": "Mäkisen Metsäpalvelu Oy",
        "person": "Jari Mäkiselle",
        "email": "[e-post]",
    }
    assert "person" not in given("Please add a user for Mina Sidor")  # our own name
