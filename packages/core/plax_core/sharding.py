"""JAX's sharding vocabulary, as plain data: ``Mesh``, ``PartitionSpec``, shardings.

A sharding says which part of a global array each device holds.  Everything here is
pure Python (no XLA): a backend reads a sharding through ``layout(ndim)``, the tiling
XLA calls a ``tile assignment`` (how many pieces each array dimension is cut into, the
devices in tile order, and how many copies of each tile there are), and
``devices_indices_map(shape)``, the slice of the global array on each device.  It lives
in core because both the backend (plax-xla) and plax-parallel read it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["Layout", "Mesh", "NamedSharding", "P", "PartitionSpec", "Shard", "Sharding",
           "SingleDeviceSharding", "TiledSharding"]


class PartitionSpec(tuple):
    """How each array dimension is split over mesh axes: a name, a tuple of names, or
    None (not split), one entry per leading dimension (missing trailing ones: None)."""

    def __new__(cls, *parts):
        for p in parts:
            if isinstance(p, list):
                raise TypeError(f"PartitionSpec entries are None, an axis name or a tuple "
                                f"of axis names, got the list {p!r}: use a tuple")
        return tuple.__new__(cls, parts)

    def __repr__(self):
        return "PartitionSpec(" + ", ".join(repr(p) for p in self) + ")"

    def names_of(self, dim: int) -> tuple:
        """The mesh axes splitting dimension ``dim`` (a tuple; empty: not split)."""
        p = self[dim] if dim < len(self) else None
        if p is None:
            return ()
        return tuple(p) if isinstance(p, tuple) else (p,)


P = PartitionSpec


class Mesh:
    """An array of devices with a name per axis (``Mesh(devices, ('x', 'y'))``)."""

    def __init__(self, devices, axis_names):
        arr = np.empty(np.shape(devices), dtype=object) if not isinstance(
            devices, np.ndarray) else None
        if arr is not None:
            flat = list(np.asarray(devices, dtype=object).reshape(-1))
            arr.reshape(-1)[:] = flat
            devices = arr
        names = (axis_names,) if isinstance(axis_names, str) else tuple(axis_names)
        if devices.ndim != len(names):
            raise ValueError(f"Mesh: devices has {devices.ndim} dimension(s) "
                             f"{devices.shape} but {len(names)} axis name(s) {names} were "
                             f"given; give one name per dimension")
        if len(set(names)) != len(names):
            raise ValueError(f"Mesh: axis names must be unique, got {names}")
        self.devices = devices
        self.axis_names = names
        # immutable from here on: equality and hashing read these, once per jit call
        self._devices_flat = tuple(devices.reshape(-1))
        self._eq_key = (tuple(map(id, self._devices_flat)), devices.shape, names)
        self._hash = hash(self._eq_key)

    @property
    def shape(self) -> dict:
        """``{axis name: size}``, in mesh order."""
        return dict(zip(self.axis_names, self.devices.shape))

    @property
    def size(self) -> int:
        """The number of devices."""
        return int(self.devices.size)

    @property
    def device_list(self) -> list:
        """The devices, row-major (the partition order of programs over this mesh)."""
        return list(self._devices_flat)

    def __eq__(self, other):
        return self is other or (isinstance(other, Mesh) and self._eq_key == other._eq_key)

    def __hash__(self):
        return self._hash

    def __repr__(self):
        axes = ", ".join(f"{n!r}: {s}" for n, s in self.shape.items())
        return f"Mesh({axes})"

    # ``with mesh:`` makes it the mesh of bare PartitionSpecs (with_sharding_constraint)
    def __enter__(self):
        _MESHES.append(self)
        return self

    def __exit__(self, *exc):
        _MESHES.pop()


_MESHES: list = []


def current_mesh() -> Mesh | None:
    return _MESHES[-1] if _MESHES else None


class Layout:
    """A tiling: ``tiles[d]`` pieces along dimension d, ``copies`` of each tile, and the
    devices in tile order (row-major over ``tiles + [copies]``)."""

    __slots__ = ("tiles", "copies", "devices")

    def __init__(self, tiles: Sequence[int], copies: int, devices: Sequence):
        self.tiles, self.copies, self.devices = tuple(tiles), int(copies), list(devices)

    @property
    def replicated(self) -> bool:
        return all(t == 1 for t in self.tiles)

    def gspmd_text(self, device_list) -> str:
        """XLA's text for this tiling (``{devices=[2,1]0,1}``), partition ids being the
        positions of the devices in ``device_list``."""
        if self.replicated:
            return "{replicated}"
        position = {id(d): k for k, d in enumerate(device_list)}
        ids = [position[id(d)] for d in self.devices]
        dims = list(self.tiles) + ([self.copies] if self.copies > 1 else [])
        return (f"{{devices=[{','.join(map(str, dims))}]{','.join(map(str, ids))}"
                + (" last_tile_dim_replicate" if self.copies > 1 else "") + "}")

    def indices(self, shape) -> list:
        """``(device, index tuple)`` for every device, in tile order."""
        out = []
        for d, t in zip(shape, self.tiles):
            if d % t:
                raise ValueError(f"a dimension of size {d} cannot be split into {t} equal "
                                 f"pieces (array shape {tuple(shape)}, pieces per "
                                 f"dimension {self.tiles})")
        for k, device in enumerate(self.devices):
            coords = np.unravel_index(k, self.tiles + (self.copies,))[:-1]
            index = tuple(slice(None) if t == 1 else
                          slice(int(c) * (d // t), (int(c) + 1) * (d // t))
                          for c, d, t in zip(coords, shape, self.tiles))
            out.append((device, index))
        return out


def _is_local(device) -> bool:
    client = getattr(device, "client", None)
    if client is None or not hasattr(device, "process_index"):
        return True
    return device.process_index == client.process_index()


class Sharding:
    """Which slice of a global array each device holds (see ``layout``)."""

    def layout(self, ndim: int) -> Layout:
        """The tiling of an ``ndim``-d array (what a backend reads)."""
        raise NotImplementedError

    @property
    def device_set(self) -> set:
        """Every device holding part of the array."""
        return set(self._device_list())

    @property
    def addressable_devices(self) -> set:
        """The devices of this process (all of them, in a single-process run)."""
        return {d for d in self._device_list() if _is_local(d)}

    def _device_list(self) -> list:
        raise NotImplementedError

    def devices_indices_map(self, global_shape) -> dict:
        """``{device: index}``: the slice of a ``global_shape`` array on each device."""
        return dict(self.layout(len(global_shape)).indices(tuple(global_shape)))

    def shard_shape(self, global_shape) -> tuple:
        """The shape of each device's piece of a ``global_shape`` array."""
        lay = self.layout(len(global_shape))
        lay.indices(tuple(global_shape))                  # checks divisibility
        return tuple(d // t for d, t in zip(global_shape, lay.tiles))

    @property
    def is_fully_replicated(self) -> bool:
        """Every device holds the whole array."""
        return self.layout(0).replicated

    @property
    def num_devices(self) -> int:
        """How many devices the sharding spans."""
        return len(self._device_list())


class SingleDeviceSharding(Sharding):
    """The whole array on one device."""

    def __init__(self, device):
        self.device = device

    def _device_list(self):
        return [self.device]

    def layout(self, ndim):
        """The tiling of an ``ndim``-d array (what a backend reads)."""
        return Layout((1,) * ndim, 1, [self.device])

    def __eq__(self, other):
        return isinstance(other, SingleDeviceSharding) and other.device is self.device

    def __hash__(self):
        return hash(("single", id(self.device)))

    def __repr__(self):
        return f"SingleDeviceSharding(device={self.device!r})"


class NamedSharding(Sharding):
    """Dimensions split over named mesh axes: ``NamedSharding(mesh, P('x', None))``."""

    def __init__(self, mesh: Mesh, spec: Any = None):
        if not isinstance(mesh, Mesh):
            raise TypeError(f"NamedSharding: mesh must be a Mesh, got {type(mesh).__name__}")
        spec = PartitionSpec() if spec is None else spec
        if not isinstance(spec, PartitionSpec):
            spec = PartitionSpec(*spec) if isinstance(spec, tuple) else PartitionSpec(spec)
        seen = []
        for d in range(len(spec)):
            for n in spec.names_of(d):
                if n not in mesh.shape:
                    raise ValueError(f"NamedSharding: {spec} names the axis {n!r}, which "
                                     f"is not in the mesh {mesh}")
                if n in seen:
                    raise ValueError(f"NamedSharding: {spec} uses the mesh axis {n!r} "
                                     f"twice; each mesh axis may split one dimension")
                seen.append(n)
        self.mesh, self.spec = mesh, spec
        self._hash = hash((mesh, tuple(spec)))

    def _device_list(self):
        return self.mesh.device_list

    @property
    def is_fully_replicated(self) -> bool:
        """Every device holds the whole array."""
        return not any(self.spec.names_of(d) for d in range(len(self.spec)))

    def layout(self, ndim):
        """The tiling of an ``ndim``-d array (what a backend reads)."""
        if len(self.spec) > ndim:
            raise ValueError(f"NamedSharding {self.spec} has {len(self.spec)} entries, "
                             f"more than the {ndim} dimension(s) of the array")
        names = list(self.mesh.axis_names)
        sizes = self.mesh.shape
        used = [n for d in range(ndim) for n in self.spec.names_of(d)]
        rest = [n for n in names if n not in used]
        tiles = [math.prod(sizes[n] for n in self.spec.names_of(d)) for d in range(ndim)]
        order = np.transpose(self.mesh.devices, [names.index(n) for n in used + rest])
        return Layout(tiles, math.prod(sizes[n] for n in rest), list(order.reshape(-1)))

    def __eq__(self, other):
        return self is other or (isinstance(other, NamedSharding) and other.mesh == self.mesh
                                 and tuple(other.spec) == tuple(self.spec))

    def __hash__(self):
        return self._hash

    def __repr__(self):
        return f"NamedSharding(mesh={self.mesh!r}, spec={self.spec!r})"


class TiledSharding(Sharding):
    """A tiling given directly (what XLA chose for an output whose sharding was left
    to it)."""

    def __init__(self, device_list: Sequence, tiles: Sequence[int], copies: int,
                 order: Sequence):
        self._devices = list(device_list)
        self._lay = Layout(tiles, copies, order)
        self._eq_key = (tuple(map(id, self._devices)), self._lay.tiles, self._lay.copies,
                        tuple(map(id, self._lay.devices)))
        self._hash = hash(self._eq_key)

    def __eq__(self, other):
        return self is other or (isinstance(other, TiledSharding)
                                 and self._eq_key == other._eq_key)

    def __hash__(self):
        return self._hash

    def _device_list(self):
        return self._devices

    @property
    def is_fully_replicated(self) -> bool:
        """Every device holds the whole array."""
        return self._lay.replicated

    def layout(self, ndim):
        """The tiling of an ``ndim``-d array (what a backend reads)."""
        if len(self._lay.tiles) != ndim:
            raise ValueError(f"this sharding is for {len(self._lay.tiles)}-d arrays, not "
                             f"{ndim}-d ones")
        return self._lay

    def __repr__(self):
        return f"TiledSharding(tiles={self._lay.tiles}, copies={self._lay.copies})"


class Shard:
    """One device's piece of an array: ``device``, ``index`` (into the global array),
    ``data`` (an array on that device) and ``replica_id``."""

    __slots__ = ("device", "index", "data", "replica_id")

    def __init__(self, device, index, data, replica_id: int = 0):
        self.device, self.index, self.data, self.replica_id = device, index, data, replica_id

    def __repr__(self):
        return f"Shard(device={self.device!r}, index={self.index}, replica_id={self.replica_id})"
