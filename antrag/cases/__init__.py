"""The generic case page of every workflow: what it shows and how its actions are fired."""
