"""`flask municipalities …` and `flask rounds …`."""

from flask.cli import AppGroup

municipalities_cli = AppGroup("municipalities", help="Manage municipalities.")
rounds_cli = AppGroup("rounds", help="Manage funding rounds.")
