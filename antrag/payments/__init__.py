"""Payment orders (Auszahlungsanordnungen), the bank account of a city, treasury files."""
