"""One inbox per role: what waits for a clerk, a city or a mentor across every workflow."""
