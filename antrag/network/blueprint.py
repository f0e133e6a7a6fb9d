"""The network blueprint: public directory and legal pages, the city's sharing page."""

from flask import Blueprint

bp = Blueprint("network", __name__)
