"""Which axis names are bound here, and how big they are.

Two kinds of level bind a name: a ``vmap(..., axis_name=...)`` level (a main trace on
core's stack whose payload has ``.name`` and ``.size``, plax-batching's ``BatchInfo``),
and a ``pmap``/``shard_map`` body being traced (a frame on this module's own stack: its
collectives are staged into the body and lowered to XLA's collectives, never evaluated
by a trace).  The innermost binding of a name wins, as in JAX.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any

from plax_core.extend import trace_stack


class AxisFrame:
    """A name bound by ``pmap``/``shard_map``: its size; ``main`` is None (no trace)."""

    __slots__ = ("name", "size", "depth", "main")

    def __init__(self, name, size: int, depth: int, main=None):
        self.name, self.size, self.depth, self.main = name, size, depth, main

    def __repr__(self):
        return f"AxisFrame({self.name!r}, size={self.size})"


class _Spmd(threading.local):
    def __init__(self):
        self.frames: list[AxisFrame] = []


_spmd = _Spmd()


@contextmanager
def extend_axis_env(names_and_sizes):
    """Bind ``(name, size)`` pairs while a ``pmap``/``shard_map`` body is traced."""
    depth = len(trace_stack())
    frames = [AxisFrame(n, int(s), depth) for n, s in names_and_sizes]
    _spmd.frames.extend(frames)
    try:
        yield
    finally:
        del _spmd.frames[len(_spmd.frames) - len(frames):]


def lookup(name) -> AxisFrame | None:
    """The innermost binding of ``name`` (a vmap level or a pmap frame), or None."""
    best = None
    for frame in reversed(_spmd.frames):
        if frame.name == name:
            best = frame
            break
    stack = trace_stack()
    for main in reversed(stack):
        payload = main.payload
        if getattr(payload, "name", None) == name and hasattr(payload, "size"):
            if best is None or main.level >= best.depth:
                return AxisFrame(name, payload.size, main.level, main)
            break
    return best


def as_names(axis_name) -> tuple:
    """``axis_name`` as a tuple of names (JAX accepts one name or a tuple of them)."""
    return tuple(axis_name) if isinstance(axis_name, (tuple, list)) else (axis_name,)


def frame(name, fun: str = "collective") -> AxisFrame:
    found = lookup(name)
    if found is None:
        raise NameError(
            f"unbound axis name: {name}. {fun} names an axis that no enclosing "
            f"transformation binds: call it inside vmap(f, axis_name={name!r}), "
            f"pmap(f, axis_name={name!r}) or shard_map over a mesh with that axis.")
    return found


def axis_size(axis_name: Any) -> int:
    """The number of indices along the named axis (the product, for a tuple of names)."""
    size = 1
    for name in as_names(axis_name):
        size *= frame(name, "axis_size").size
    return size
