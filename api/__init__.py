"""The FastAPI gateway: channels, /api/v1/*, conversation state."""
