"""Law as data with sources: small pure functions that read rules tests can pin."""
