"""Backends: who runs a primitive on concrete arrays, and the NumPy reference backend.

A backend turns ``bind`` on concrete values into results.  Core ships ``NumpyBackend``,
which runs each primitive's NumPy implementation after checking its abstract
evaluation, so shapes and dtypes are plax's even where NumPy would differ.  Other
packages register better backends through the ``plax_register_backends`` hook;
``get_backend`` (from ``plax_core.plugins``, the kernel's one backend hook) picks the
default among them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes, tree_util
from .array import Array
from .core import ShapedArray, Tracer, get_aval
from .plugins import get_backend
from .registry import BackendUnavailable, MissingRuleError
from .sharding import Sharding

__all__ = ["Backend", "BackendUnavailable", "CpuDevice", "NumpyBackend", "block_until_ready",
           "default_backend", "device_put", "devices", "get_backend", "live_arrays"]

class Backend:
    """The interface every backend implements."""

    name = "abstract"
    platform = "none"

    def apply_primitive(self, primitive, args: Sequence[Any], params: dict):
        """Run ``primitive`` eagerly on concrete ``args`` (this backend's arrays, NumPy
        arrays or Python scalars) and return this backend's array(s)."""
        raise NotImplementedError

    def device_put(self, x, device=None):
        """``x`` (a NumPy array, scalar or another backend's array) as this backend's
        ``Array``, on ``device`` or the default one."""
        raise NotImplementedError

    def devices(self) -> list:
        """The devices this backend runs on, the default first."""
        raise NotImplementedError

    def to_numpy(self, array) -> np.ndarray:
        """The value of one of this backend's arrays as a NumPy array (on the host)."""
        raise NotImplementedError

    def block_until_ready(self, array):
        """Wait until ``array`` is computed (for a backend that dispatches
        asynchronously); return it."""
        return array

    def delete(self, array) -> None:
        """Free ``array``'s memory now (``Array.delete``)."""
        raise NotImplementedError(
            f"the {self.name} backend keeps arrays in host memory that Python manages: "
            f"drop the references to free it (Array.delete needs a device backend such "
            f"as plax-xla)")

    def is_deleted(self, array) -> bool:
        """Whether ``array``'s memory was freed (donated or deleted)."""
        return False

    def live_arrays(self, platform: str | None = None) -> list:
        """Every array alive on this backend's devices (``plax.live_arrays``)."""
        raise NotImplementedError(
            f"live_arrays: the {self.name} backend does not track its arrays (plax-xla "
            f"does); drop references to free host memory")

    # ``block_until_ready_all(arrays)``: wait for many of this backend's arrays in one
    # call (``block_until_ready`` of a pytree); None: one ``block_until_ready`` each.
    block_until_ready_all = None

    # ``constant(key, make)``: the array ``make()`` describes as ``(host value, aval)``,
    # possibly cached under ``key`` (eager Python scalars, converted and broadcast).
    # None: the backend keeps no such cache, and scalars go through its primitives.
    constant = None


class CpuDevice:
    """The one device of the NumPy backend."""

    id = 0
    platform = "cpu"
    device_kind = "numpy"

    def __repr__(self):
        return "NumpyCpuDevice(id=0)"


class NumpyBackend(Backend):
    """Runs primitives with their NumPy reference implementations."""

    name = "numpy"
    platform = "cpu"

    def __init__(self):
        self._devices = [CpuDevice()]

    def devices(self):
        return list(self._devices)

    def to_numpy(self, array):
        return array._value

    def wrap(self, value: np.ndarray, aval):
        return Array(value, aval, self)

    def device_put(self, x, device=None):
        if isinstance(x, Array) and x._backend is self:
            return x
        if isinstance(x, Array):
            return self.wrap(np.array(np.asarray(x), copy=True), x.aval)
        value, weak = dtypes.coerce_to_array(x)
        value = np.array(value, copy=True)
        value.flags.writeable = False
        return self.wrap(value, ShapedArray(value.shape, value.dtype, weak))

    def apply_primitive(self, primitive, args, params):
        avals = [get_aval(a) for a in args]
        out_avals = primitive.abstract_eval(*avals, **params)
        if primitive.impl is None:
            raise MissingRuleError("NumPy implementation", primitive)
        values = [self._host(a) for a in args]
        out = primitive.impl(*values, **params)
        if primitive.multiple_results:
            return [self._result(primitive, o, a) for o, a in zip(out, out_avals)]
        return self._result(primitive, out, out_avals)

    def _host(self, x):
        if isinstance(x, Array):
            return x._value if x._backend is self else np.asarray(x)
        if isinstance(x, Tracer):
            raise TypeError(f"internal error: tracer {x} reached the NumPy backend")
        return dtypes.coerce_to_array(x)[0]

    def _result(self, primitive, value, aval):
        value = np.asarray(value)
        if value.dtype != aval.dtype:
            value = value.astype(aval.dtype)
        if value.shape != aval.shape:
            raise AssertionError(f"internal error: NumPy impl of '{primitive}' returned shape "
                                 f"{value.shape}, abstract eval said {aval.shape}")
        if value.flags.writeable and value.base is None:
            value.flags.writeable = False
        return self.wrap(value, aval)


def device_put(x, device=None):
    """Put a value (or pytree of values) on the default backend as plax arrays."""
    backend = get_backend()
    # device_put(x, sharding): the backend splits x over the sharding's devices
    if device is not None and not isinstance(device, Sharding) and not (
            hasattr(device, "platform") and hasattr(device, "id")):
        available = backend.devices()
        hint = ""
        if isinstance(device, str):
            hint = (f" To choose a platform, pass a device from plax.devices(), e.g. "
                    f"plax.devices({device!r})[0]" if device == backend.platform else
                    f" No {device!r} device is available to this backend.")
        raise ValueError(f"device_put: device must be None or a device object from "
                         f"plax.devices(), got {device!r} of type {type(device).__name__}. "
                         f"Available devices: {available}.{hint}")
    return tree_util.tree_map(lambda v: backend.device_put(v, device), x)


def devices(backend: str | None = None) -> list:
    """The devices of ``backend`` (default: the default backend), as a list."""
    return get_backend().devices()


def default_backend() -> str:
    """The name of the backend eager operations run on (``'cpu'``, ``'gpu'`` or ``'numpy'``)."""
    return get_backend().platform


def live_arrays(platform: str | None = None) -> list:
    """The arrays alive on the devices of ``platform`` (the current backend's by default),
    as ``jax.live_arrays`` gives them: to find leaks, or to free device memory with
    ``for a in live_arrays(): a.delete()``.

    Differences from JAX: each is a new ``Array`` over the live device buffer (deleting it
    deletes that buffer, so every ``Array`` sharing it), not the object the program holds;
    the list includes the buffers plax keeps itself (cached eager constants, the
    constants of compiled programs).  The NumPy backend raises ``NotImplementedError``.
    """
    return get_backend().live_arrays(platform)


def block_until_ready(x):
    """Wait until every array in the pytree ``x`` is computed; returns ``x``.

    plax dispatches work asynchronously, as JAX does: time a computation only after this.
    """
    batched: dict = {}           # backend -> its arrays, waited for in one call
    for leaf in tree_util.tree_leaves(x):
        backend = getattr(leaf, "_backend", None)
        if getattr(backend, "block_until_ready_all", None) is not None:
            batched.setdefault(backend, []).append(leaf)
        elif hasattr(leaf, "block_until_ready"):
            leaf.block_until_ready()
    for backend, arrays in batched.items():
        backend.block_until_ready_all(arrays)
    return x
