"""Signed webhooks (Standard Webhooks) to the case register, and the ticket export."""
