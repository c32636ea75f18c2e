"""Settings for the page benchmark (benchmarks/pages.py): OpenEPA's own, production included,
plus a middleware that counts each request's queries into a response header and a bare
Django view as the baseline, both only here. Never used to serve OpenEPA."""

from openepa.settings import *  # noqa: F403

MIDDLEWARE = ["benchmarks.bench_app.CountQueriesMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "benchmarks.bench_app"
