"""Law as data: tables with their sources beside them, read by small pure functions."""
