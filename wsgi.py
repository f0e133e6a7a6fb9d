"""The WSGI entry point: the one module-level application object."""

from antrag import create_app

app = create_app()
