"""The JSON API v1: the same operations and the same engine as the web UI, over HTTP."""
