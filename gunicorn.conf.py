"""gunicorn's settings for bvgov, read from the directory gunicorn starts in (the project's root): see the README's
"Deploying on PostgreSQL with gunicorn". Command-line options override them.

Sync workers, gunicorn's default: each takes the next request when it is free, so the load spreads over the workers
request by request. Threaded workers ("gthread") that keep connections open were measured too (benchmarks/run.py):
as fast or a tenth faster when the benchmark's 20 connections happened to spread over the five workers, and half as
fast, with one core idle, when most of them were accepted by one worker, which then kept them. More workers is how
to use more cores (WEB_CONCURRENCY, or --workers).
"""

import os

worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "5"))
