"""Retention of stored data, and erasure requests for one person."""
