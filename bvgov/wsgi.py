"""WSGI entry point for gunicorn: `gunicorn bvgov.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bvgov.settings.prod")

application = get_wsgi_application()
