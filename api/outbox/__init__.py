"""The durable outbox: every message that leaves on Telegram or SMS goes through it."""
