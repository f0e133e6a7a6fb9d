"""Every creating request has one effect, however often it is sent.

Two mechanisms, one for each kind of client: HTML forms carry a one-time token that the
creating request consumes in its own transaction (`forms`), and the JSON API honours an
`Idempotency-Key` header on POST requests (`api`). Both keep what they know in the
database, so that they hold across workers and machines.
"""
