"""A scheduler preload (`dask scheduler --preload tests.fake_dashboard`): a page at the dashboard's address.

Dask's own dashboard needs bokeh, which the tests do not install; without it the scheduler's web server
still runs, and its /status page is missing.
"""

from __future__ import annotations

from typing import Any

from tornado.web import RequestHandler

PAGE = b"<!doctype html><title>Dask dashboard</title>"


class _Status(RequestHandler):
    def get(self) -> None:
        self.write(PAGE)


def dask_setup(scheduler: Any) -> None:
    scheduler.http_application.add_handlers(r".*", [(r"/status", _Status)])
