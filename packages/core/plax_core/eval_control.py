"""Switching compilation off while debugging: ``disable_jit`` and ``ensure_compile_time_eval``.

``disable_jit()`` sets the ``disable_jit`` option for a ``with`` block: every
``jit``-decorated function then runs as plain Python, op by op, so ``print`` shows
values and a Python ``if`` on an array works (JAX's ``jax.disable_jit``).

``ensure_compile_time_eval()`` makes operations on concrete values run eagerly even
while a function is being staged (traced for ``jit`` or ``make_jaxpr``): inside it
the staging trace is not the innermost dynamic trace, so a primitive whose operands
hold no tracer evaluates on the bottom (eager) trace and gives a concrete array;
operations on tracers are still recorded (JAX's ``jax.ensure_compile_time_eval``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from . import core
from .config import config

__all__ = ["disable_jit", "ensure_compile_time_eval"]


@contextlib.contextmanager
def disable_jit(disable: bool = True) -> Iterator[None]:
    """Within the block, ``jit`` calls its function directly (no tracing, no compile)."""
    with config.override(disable_jit=disable):
        yield


@contextlib.contextmanager
def ensure_compile_time_eval() -> Iterator[None]:
    """Within the block, operations whose operands are all concrete run eagerly."""
    state = core._state
    state.dynamic.append(state.stack[0])
    try:
        yield
    finally:
        state.dynamic.pop()
