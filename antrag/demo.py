"""Demo data: the seed story of the network."""

from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Load the demo data.")
