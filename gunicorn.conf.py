"""gunicorn's settings for bvgov, read from the directory gunicorn starts in (the project's root): see the README's
"Deploying on PostgreSQL with gunicorn". Command-line options override them.

Threaded workers ("gthread"), one thread each, so that a client (a proxy, or a browser on a local network) keeps
its connection open between requests: gunicorn's default "sync" workers close the connection after every response,
and under the benchmark's load (benchmarks/run.py) opening a new one for each request cost about a tenth of the
requests a second. One thread a worker keeps each worker's work on one core at a time, as with sync workers;
more workers, not more threads, is how to use more cores (WEB_CONCURRENCY, or --workers).
"""

import os

worker_class = "gthread"
threads = 1
workers = int(os.environ.get("WEB_CONCURRENCY", "5"))
# How long an idle connection is kept open for its next request, in seconds.
keepalive = 5
