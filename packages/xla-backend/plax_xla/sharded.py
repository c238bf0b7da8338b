"""Arrays spread over several devices: one jaxlib global array and where each shard sits.

A sharded plax ``Array`` holds a ``ShardedValue`` (the global jaxlib array, its
devices, and the index into the global array of each device's shard) and belongs to a
``ShardedBackend``: reading it assembles the shards on the host; any other operation
moves it to one device first (plax's eager ops run on one device), as a fallback.
``pmap`` (``spmd.py``) takes such arrays back without copying when their layout is
the one it needs.
"""

from __future__ import annotations

import numpy as np

from plax_core.array import Array
from plax_core.backend import Backend

from . import client
from .backend import deleted_error

xc = client.xc
_IMMUTABLE = client._IMMUTABLE


class ShardedValue:
    """The global jaxlib array of a sharded Array, with its layout."""

    __slots__ = ("buf", "devices", "indices", "_npy_value")

    def __init__(self, buf, devices, indices):
        self.buf, self.devices, self.indices = buf, tuple(devices), tuple(indices)
        self._npy_value = None

    def is_deleted(self):
        return self.buf.is_deleted()

    def block_until_ready(self):
        self.buf.block_until_ready()
        return self

    def shards(self) -> list:
        """The single-device jaxlib arrays, one per device of ``devices``, in order."""
        return list(self.buf._arrays)


def hlo_tiled(ndim: int, n: int, axis: int = 0):
    """The HLO sharding splitting ``axis`` of an ``ndim``-d array over ``n`` devices."""
    op = xc.OpSharding()
    op.type = xc.OpSharding.Type.OTHER
    dims = [1] * ndim
    dims[axis] = n
    op.tile_assignment_dimensions = dims
    op.tile_assignment_devices = list(range(n))
    return xc.HloSharding.from_proto(op)


def jax_sharding(devices, hlo):
    """A jaxlib sharding object the fast put/result paths accept (see DESIGN.md)."""
    s = xc.GSPMDSharding(tuple(devices), hlo)
    s._to_xla_hlo_sharding = lambda ndim=None: hlo
    return s


def put_shards(aval, shards, devices, hlo):
    """One global array of ``aval`` from host ``shards`` (one per device)."""
    shards = [np.ascontiguousarray(s, dtype=aval.dtype) for s in shards]
    return xc.batched_device_put(aval, jax_sharding(devices, hlo), shards, list(devices),
                                 True, True, _IMMUTABLE, True)


class ShardedBackend(Backend):
    """Holds the sharded Arrays of one XLA backend; everything else goes to that one."""

    name = "xla-sharded"

    def __init__(self, base):
        self.base = base

    def __repr__(self):
        return f"ShardedBackend({self.base!r})"

    def devices(self) -> list:
        return self.base.devices()

    def wrap(self, value: ShardedValue, aval) -> Array:
        return Array(value, aval, self)

    def to_numpy(self, array) -> np.ndarray:
        value = array._value
        if value.is_deleted():
            raise deleted_error()
        if value._npy_value is None:
            aval = array._aval
            out = np.empty(aval.shape, aval.dtype)
            for shard, index in zip(value.shards(), value.indices):
                part = client.to_host(shard, aval.dtype)
                out[index] = part.reshape(out[index].shape)
            out.flags.writeable = False
            value._npy_value = out
        return value._npy_value

    def device_put(self, x, device=None):
        return self.base.device_put(x, device)

    def apply_primitive(self, primitive, args, params):
        return self.base.apply_primitive(primitive, args, params)

    def block_until_ready(self, array):
        array._value.block_until_ready()
        return array


_SHARDED: dict = {}


def sharded_backend(base) -> ShardedBackend:
    """The (one) ShardedBackend of the XLA backend ``base``."""
    b = _SHARDED.get(id(base))
    if b is None:
        b = _SHARDED[id(base)] = ShardedBackend(base)
    return b
