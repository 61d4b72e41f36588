"""Text shaping for the SMS and phone channels: pure functions, no server."""
