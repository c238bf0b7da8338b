"""Device and process queries, and global arrays built from pieces (JAX's names).

In a multi-process run (``plax.distributed``) the backend's devices are every
process's; ``local_devices`` are this process's own.
"""

from __future__ import annotations

import numpy as np

from plax_core import device_put, transformations, tree_util
from plax_core.extend import get_backend
from plax_core.sharding import Mesh, NamedSharding, PartitionSpec, Sharding


def devices(backend=None) -> list:
    return list(get_backend().devices())


def process_index() -> int:
    """This process's index (0 in a single-process run)."""
    get = getattr(get_backend(), "process_index", None)
    return int(get()) if get is not None else 0


def process_count() -> int:
    """The number of processes in this run (1 unless ``plax.distributed`` joined several)."""
    return 1 + max((getattr(d, "process_index", 0) for d in devices()), default=0)


def local_devices(process_index_: int | None = None, backend=None) -> list:
    """The devices of process ``process_index_`` (this process by default)."""
    me = process_index() if process_index_ is None else process_index_
    return [d for d in devices() if getattr(d, "process_index", 0) == me]


def device_count(backend=None) -> int:
    """The number of devices of every process together."""
    return len(devices())


def local_device_count(backend=None) -> int:
    """The number of devices this process drives."""
    return len(local_devices())


def make_array_from_callback(shape, sharding: Sharding, data_callback):
    """A global array whose slice ``index`` is ``data_callback(index)`` (per device)."""
    shape = tuple(shape)
    pieces = [(index, np.asarray(data_callback(index)))
              for _, index in sharding.layout(len(shape)).indices(shape)]
    dtype = pieces[0][1].dtype if pieces else np.float32
    host = np.zeros(shape, dtype)
    for index, piece in pieces:
        host[index] = piece
    return device_put(host, sharding)


def make_array_from_single_device_arrays(shape, sharding: Sharding, arrays):
    """A global array from one array per device of ``sharding`` (in its device order)."""
    shape = tuple(shape)
    layout = sharding.layout(len(shape)).indices(shape)
    by_device = {id(d): i for d, i in layout}
    arrays = list(arrays)
    devs = [d for d, _ in layout]
    if len(arrays) != len(devs):
        raise ValueError(f"make_array_from_single_device_arrays: {len(arrays)} arrays for a "
                         f"sharding over {len(devs)} devices")
    host = None
    for d, a in zip(devs, arrays):
        piece = np.asarray(a)
        host = np.zeros(shape, piece.dtype) if host is None else host
        host[by_device[id(d)]] = piece
    return device_put(host, sharding)


def make_array_from_process_local_data(sharding: Sharding, local_data, global_shape=None):
    """A global array from this process's data (in one process: all of it)."""
    local_data = np.asarray(local_data)
    if global_shape is not None and tuple(global_shape) != local_data.shape:
        if process_count() == 1:
            raise ValueError(f"make_array_from_process_local_data: global_shape "
                             f"{tuple(global_shape)} differs from the local data's shape "
                             f"{local_data.shape} in a single-process run")
    return device_put(local_data, sharding)


def process_allgather(x, tiled: bool = False):
    """Every process's value of ``x`` (a pytree), on every process, as NumPy arrays.

    A host value is stacked along a new leading axis, one entry per process (or
    concatenated along axis 0 when ``tiled``); a global array spanning the processes is
    gathered whole.  One XLA program does it (the cross-process collectives of the run).
    """
    def one(leaf):
        sharding = getattr(leaf, "sharding", None)
        if isinstance(sharding, NamedSharding) and not sharding.is_fully_replicated:
            whole = transformations.jit(lambda a: a, in_shardings=sharding,
                                        out_shardings=NamedSharding(sharding.mesh,
                                                                    PartitionSpec()))
            return np.asarray(whole(leaf))
        local = np.asarray(leaf)
        n = process_count()
        if n == 1:
            return local if tiled else local[None]
        firsts = {}
        for d in sorted(devices(), key=lambda d: d.id):
            firsts.setdefault(getattr(d, "process_index", 0), d)
        mesh = Mesh(np.array([firsts[p] for p in sorted(firsts)]), ("processes",))
        host = np.zeros((n,) + local.shape, local.dtype)
        host[process_index()] = local            # only this process's row is sent
        stacked = device_put(host, NamedSharding(mesh, PartitionSpec("processes")))
        gather = transformations.jit(
            lambda a: a, in_shardings=NamedSharding(mesh, PartitionSpec("processes")),
            out_shardings=NamedSharding(mesh, PartitionSpec()))
        out = np.asarray(gather(stacked))
        return out.reshape((-1,) + local.shape[1:]) if tiled else out
    return tree_util.tree_map(one, x)


__all__ = ["device_count", "devices", "local_device_count", "local_devices",
           "make_array_from_callback", "make_array_from_process_local_data",
           "make_array_from_single_device_arrays", "process_allgather", "process_count",
           "process_index"]
