"""WSGI entry point: ``flask --app wsgi run`` or ``gunicorn wsgi:app``."""

from app import create_app
from app.config import InsecureConfigError

try:
    app = create_app()
except InsecureConfigError as error:  # a command line, not a traceback: the one setting to fix
    raise SystemExit(f"Groupement ne démarre pas : {error}") from None
