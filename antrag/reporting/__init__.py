"""Reporting for the ministry: the programme dashboard, exports and the case file (Akte)."""
