"""Messages on a case between the city and the ministry, and the ministry's internal notes."""
