"""Network meetings (Netzwerktreffen): public registration, waiting list, leads for the ministry."""
