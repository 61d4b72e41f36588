"""Channels other than the web chat: Telegram, SMS and phone (Twilio)."""
