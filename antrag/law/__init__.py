"""Law as data with its sources: tables beside their sources, read by small pure functions
that tests pin."""
