"""What every notice (Bescheid) shares: its service (Bekanntgabe), its period, a filed action."""
