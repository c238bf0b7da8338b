"""The named axes of the pmap/shard_map body being compiled (read by ``lowering.py``).

Kept apart from the lowering rules, which import plax-xla: ``pmap`` sets it without
importing plax-xla.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager


class _Context(threading.local):
    def __init__(self):
        self.axes: dict = {}


_ctx = _Context()


@contextmanager
def axis_context(axes: dict):
    """While compiling a body: ``{name: size}`` of the axes its replicas span (in order)."""
    saved = _ctx.axes
    _ctx.axes = dict(axes)
    try:
        yield
    finally:
        _ctx.axes = saved


def current_axes() -> dict:
    return _ctx.axes
