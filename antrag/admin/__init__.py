"""Administration of users, municipalities and rounds."""
