"""Accounts: users, roles, login and the user administration commands."""
