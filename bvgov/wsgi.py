"""WSGI entry point for gunicorn: `gunicorn bvgov.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bvgov.settings.prod")

application = get_wsgi_application()

# What the process has loaded so far (Django, the apps, the URL patterns) lives as long as the process: moved out of
# the collector's generations, it is not walked again by every full collection while requests are served.
gc.freeze()
