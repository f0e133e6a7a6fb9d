"""Membership applications: the form, the council resolution upload and the applicant's views."""
