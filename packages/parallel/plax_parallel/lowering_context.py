"""The named axes of the pmap/shard_map body being compiled (read by ``lowering.py``).

Kept apart from the lowering rules, which import plax-xla: ``pmap`` and ``shard_map``
set it without importing plax-xla.  ``axes`` maps each mapped axis name to its size,
in the order of the device grid (row-major: the last axis varies fastest); ``mode`` is
``"replica"`` (pmap: XLA replicas, ``replica_id``) or ``"partition"`` (shard_map: SPMD
partitions, ``partition_id``, collectives with channel ids over global device ids).
"""

from __future__ import annotations

import itertools
import math
import threading
from contextlib import contextmanager


class _Context(threading.local):
    def __init__(self):
        self.axes: dict = {}
        self.mode = "replica"
        self.channel = 0


_ctx = _Context()


@contextmanager
def axis_context(axes: dict, mode: str = "replica"):
    """While compiling a body: its mapped axes ``{name: size}`` and how they are run."""
    saved = _ctx.axes, _ctx.mode
    _ctx.axes, _ctx.mode = dict(axes), mode
    try:
        yield
    finally:
        _ctx.axes, _ctx.mode = saved


def current_axes() -> dict:
    return _ctx.axes


def mode() -> str:
    return _ctx.mode


def next_channel() -> int:
    _ctx.channel += 1
    return _ctx.channel


def position(coords: dict) -> int:
    """The flat device position (replica or partition id) of mesh coordinates."""
    pos = 0
    for name, size in _ctx.axes.items():
        pos = pos * size + coords[name]
    return pos


def groups(names) -> list[list[int]]:
    """The device groups a collective over ``names`` runs in: one group per coordinate
    of the other axes, its members row-major over ``names`` (in the order given)."""
    axes = _ctx.axes
    others = [n for n in axes if n not in names]
    out = []
    for fixed in itertools.product(*(range(axes[n]) for n in others)):
        base = dict(zip(others, fixed))
        group = []
        for inner in itertools.product(*(range(axes[n]) for n in names)):
            group.append(position({**base, **dict(zip(names, inner))}))
        out.append(group)
    return out


def stride(name) -> int:
    """How far apart consecutive indices along ``name`` are in the flat position."""
    names = list(_ctx.axes)
    return math.prod(_ctx.axes[n] for n in names[names.index(name) + 1:])
