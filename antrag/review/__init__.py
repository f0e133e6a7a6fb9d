"""The ministry's review queue."""
