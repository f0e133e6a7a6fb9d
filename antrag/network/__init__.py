"""The network's public side: the member directory, shared projects and the legal pages."""
