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
from plax_core.core import ShapedArray
from plax_core.sharding import Shard, Sharding, TiledSharding

from . import client
from .backend import deleted_error

xc = client.xc
_IMMUTABLE = client._IMMUTABLE


class ShardedValue:
    """The global jaxlib array of a sharded Array, with its layout (``sharding``: the
    plax Sharding, or None for pmap's layout)."""

    __slots__ = ("buf", "devices", "indices", "sharding", "_npy_value")

    def __init__(self, buf, devices, indices, sharding=None):
        self.buf, self.devices, self.indices = buf, tuple(devices), tuple(indices)
        self.sharding = sharding
        self._npy_value = None

    def is_deleted(self):
        return self.buf.is_deleted()

    def block_until_ready(self):
        self.buf.block_until_ready()
        return self

    def shards(self) -> list:
        """The single-device jaxlib arrays, one per local device of ``devices``, in order."""
        return list(self.buf._arrays)

    def local(self) -> list:
        """``(device, index, jaxlib array)`` for each device of this process."""
        mine = [(d, i) for d, i in zip(self.devices, self.indices) if is_local(d)]
        return [(d, i, b) for (d, i), b in zip(mine, self.shards())]


def is_local(device) -> bool:
    """Whether ``device`` belongs to this process (always, in a one-process run)."""
    return device.process_index == device.client.process_index()


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


def hlo_of(sharding: Sharding, ndim: int, device_list):
    """``(HloSharding, its text)`` of ``sharding`` over ``device_list`` (partition ids
    are positions in that list)."""
    lay = sharding.layout(ndim)
    if lay.replicated:
        return xc.HloSharding.replicate(), "{replicated}"
    position = {id(d): k for k, d in enumerate(device_list)}
    ids = [position[id(d)] for d in lay.devices]
    dims = list(lay.tiles) + ([lay.copies] if lay.copies > 1 else [])
    op = xc.OpSharding()
    op.type = xc.OpSharding.Type.OTHER
    op.tile_assignment_dimensions = dims
    op.tile_assignment_devices = ids
    op.replicate_on_last_tile_dim = lay.copies > 1
    return xc.HloSharding.from_proto(op), lay.gspmd_text(device_list)


def sharding_from_proto(op, ndim: int, device_list) -> Sharding:
    """The plax sharding of an XLA ``OpSharding`` (what XLA chose for an output)."""
    if op.type == xc.OpSharding.Type.REPLICATED or not list(op.tile_assignment_dimensions):
        return TiledSharding(device_list, (1,) * ndim, len(device_list), device_list)
    dims = list(op.tile_assignment_dimensions)
    copies = dims[-1] if op.replicate_on_last_tile_dim else 1
    tiles = dims[:ndim]
    ids = list(op.tile_assignment_devices) or list(range(len(device_list)))
    return TiledSharding(device_list, tiles, copies, [device_list[i] for i in ids])


def put_sharded(backend, x, sharding: Sharding) -> Array:
    """``device_put(x, sharding)``: the global array, each device holding its slice."""
    host = np.asarray(x)
    aval = getattr(x, "aval", None)
    if aval is None or not isinstance(aval, ShapedArray):
        from plax_core import dtypes
        host, weak = dtypes.coerce_to_array(x)
        aval = ShapedArray(host.shape, host.dtype, weak)
    device_list = list(sharding._device_list())
    index_of = {id(d): i for d, i in sharding.layout(len(aval.shape)).indices(aval.shape)}
    indices = [index_of[id(d)] for d in device_list]
    hlo, _ = hlo_of(sharding, len(aval.shape), device_list)
    buf = put_shards(aval, [host[i] for i in indices], device_list, hlo)
    return Array(ShardedValue(buf, device_list, indices, sharding), aval,
                 sharded_backend(backend))


def global_buffer(backend, x, sharding: Sharding):
    """The global jaxlib array of ``x`` laid out as ``sharding``: its own when it already
    is (no copy), else ``x`` put anew (a program's argument)."""
    value = getattr(x, "_value", None)
    if type(value) is ShardedValue and (value.sharding is sharding
                                        or value.sharding == sharding):
        return value.buf
    return put_sharded(backend, x, sharding)._value.buf


def put_shards(aval, shards, devices, hlo):
    """One global array of ``aval`` from host ``shards`` (one per device).

    Each shard is put on its device, then the result handler assembles the global
    array (jaxlib's batched put fails on partially replicated shardings without jax).
    """
    singles = []
    for shard, device in zip(shards, devices):
        if not is_local(device):      # another process puts its own shards
            continue
        shard = np.ascontiguousarray(shard, dtype=aval.dtype)
        one = xc.SingleDeviceSharding(device)
        one._to_xla_hlo_sharding = client._replicated
        shard_aval = ShapedArray(shard.shape, aval.dtype, aval.weak_type)
        singles.append(xc.batched_device_put(shard_aval, one, [shard], [device], True, True,
                                             _IMMUTABLE, True))
    handler = client._jax.array_result_handler(aval, jax_sharding(devices, hlo), True,
                                               _skip_checks=True)
    return handler(singles)


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

    def delete(self, array) -> None:
        array._value.buf.delete()

    def is_deleted(self, array) -> bool:
        return array._value.is_deleted()

    def to_numpy(self, array) -> np.ndarray:
        value = array._value
        if value.is_deleted():
            raise deleted_error()
        if value._npy_value is None:
            aval = array._aval
            out = np.empty(aval.shape, aval.dtype)
            covered = np.zeros(aval.shape, bool)
            for _, index, shard in value.local():
                part = client.to_host(shard, aval.dtype)
                out[index] = part.reshape(out[index].shape)
                covered[index] = True
            if not covered.all():
                raise RuntimeError(
                    "Fetching the value of an array that spans devices of other processes "
                    "is not possible: read its addressable_shards, or gather it first "
                    "(jit with out_shardings replicated, or process_allgather)")
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

    def sharding_of(self, array) -> Sharding:
        value = array._value
        if value.sharding is None:        # pmap's layout: axis 0 split over the devices
            n = len(value.devices)
            value.sharding = TiledSharding(value.devices,
                                           (n,) + (1,) * (len(array._aval.shape) - 1), 1,
                                           value.devices)
        return value.sharding

    def shards_of(self, array) -> list:
        value = array._value
        out = []
        seen: dict = {}
        for device, index, buf in value.local():
            shape = tuple(len(range(*sl.indices(d))) for sl, d in zip(index, array.shape))
            aval = ShapedArray(shape, array._aval.dtype, array._aval.weak_type)
            key = tuple((sl.start, sl.stop) for sl in index)
            replica = seen[key] = seen.get(key, -1) + 1
            data = Array(buf, aval, self.base)
            out.append(Shard(device, index, data, replica))
        return out


_SHARDED: dict = {}


def sharded_backend(base) -> ShardedBackend:
    """The (one) ShardedBackend of the XLA backend ``base``."""
    b = _SHARDED.get(id(base))
    if b is None:
        b = _SHARDED[id(base)] = ShardedBackend(base)
    return b
