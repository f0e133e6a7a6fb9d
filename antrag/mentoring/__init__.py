"""Mentoring by KL.digital: assignments proposed to mentors, accepted, run and completed."""
