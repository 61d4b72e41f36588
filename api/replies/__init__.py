"""Saved replies per queue and language, and who has a ticket open or is typing in it."""
