"""Alarms: telling a queue's people at once when a ticket cannot wait."""
