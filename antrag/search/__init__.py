"""Full-text search of the ministry over applications, notices and case messages."""
