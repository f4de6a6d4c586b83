"""Writes of the analytics app (the only write path)."""
