"""The user-facing array type, whose storage belongs to the backend that made it.

This module holds what an array IS (a value, its aval, its backend) and how it converts
to host values; NumPy's operators and methods (``x + y``, ``x.sum()``, ``x[i]``) are
attached by ``plax_core.array_methods``, the front that sits on the kernel.
"""

from __future__ import annotations

import numpy as np

from .core import ShapedArray
from .plugins import get_backend
from .sharding import Shard, SingleDeviceSharding


class Array:
    """An immutable n-dimensional array living on a backend (NumPy's or a device)."""

    __slots__ = ("_value", "_aval", "_backend", "__weakref__")
    __array_priority__ = 100

    def __init__(self, value, aval: ShapedArray, backend):
        self._value = value
        self._aval = aval
        self._backend = backend

    aval = property(lambda self: self._aval,
                    doc="The abstract value (``ShapedArray``): shape, dtype, weak type.")
    shape = property(lambda self: self._aval.shape, doc="The shape, a tuple of ints.")
    dtype = property(lambda self: self._aval.dtype, doc="The NumPy dtype of the elements.")
    ndim = property(lambda self: self._aval.ndim, doc="The number of axes.")
    size = property(lambda self: self._aval.size, doc="The number of elements.")
    weak_type = property(lambda self: self._aval.weak_type,
                         doc="True for a weakly typed value (from a Python scalar): it "
                             "takes the dtype of the arrays it meets.")
    itemsize = property(lambda self: self._aval.dtype.itemsize,
                        doc="Bytes per element.")
    nbytes = property(lambda self: self._aval.size * self._aval.dtype.itemsize,
                      doc="Bytes of all elements (``size * itemsize``).")

    def delete(self) -> None:
        """Free the array's device memory now; using it afterwards is an error."""
        self._backend.delete(self)

    def is_deleted(self) -> bool:
        """Whether the array's memory was freed (``delete``, or donated to a jit)."""
        return self._backend.is_deleted(self)

    def _numpy(self) -> np.ndarray:
        return self._backend.to_numpy(self)

    def __array__(self, dtype=None, copy=None):
        value = self._numpy()
        if dtype is not None and np.dtype(dtype) != value.dtype:
            return value.astype(dtype)
        return value.copy() if copy else value

    # --- host conversion (reading values is the only thing that transfers)
    def __bool__(self):
        if self.size != 1:
            raise ValueError(f"The truth value of an array with shape {self.shape} is "
                             f"ambiguous. Use a.any() or a.all().")
        return bool(self._numpy().reshape(()))

    def __int__(self):
        return int(self._scalar("int"))

    def __float__(self):
        return float(self._scalar("float"))

    def __complex__(self):
        return complex(self._scalar("complex"))

    def __index__(self):
        if self.shape != () or self.dtype.kind not in "iub":
            raise TypeError(f"Only integer scalar arrays can be converted to a scalar index, "
                            f"got {self.aval.str_short()}")
        return int(self._numpy())

    def _scalar(self, what):
        if self.size != 1:
            raise TypeError(f"Only size-1 arrays can be converted to Python {what}s; this "
                            f"array has shape {self.shape}")
        return self._numpy().reshape(())

    def item(self, *args):
        """The element at ``args`` (all of a size-1 array) as a Python scalar (transfers
        to the host), as ``numpy.ndarray.item``."""
        return self._numpy().item(*args)

    def tolist(self):
        """The values as nested Python lists of Python scalars (transfers to the host)."""
        return self._numpy().tolist()

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object (a 0-d array)")
        return self.shape[0]

    def __hash__(self):
        raise TypeError("unhashable type: 'Array'. plax arrays cannot be dict keys or set "
                        "members; use a tuple of Python values or a NumPy array's bytes.")

    def __repr__(self):
        value = self._numpy()
        prefix = "Array("
        body = np.array2string(value, separator=", ", prefix=prefix)
        extra = ", weak_type=True" if self.weak_type else ""
        if value.size == 0 and value.shape != (0,):
            body += f", shape={value.shape}"
        return f"{prefix}{body}, dtype={self.dtype.name}{extra})"

    def __str__(self):
        return str(self._numpy())

    def __format__(self, spec):
        if self.shape == ():
            return format(self._numpy().item(), spec)
        return format(str(self), spec)

    def __reduce__(self):
        return (_rebuild, (self._numpy(), self.weak_type))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def copy(self):
        """A new array with the same values in new storage (arrays are immutable, so
        this is needed only to release the original's storage independently)."""
        return self._backend.device_put(np.array(self._numpy(), copy=True))

    # --- interop
    def __dlpack__(self, *args, **kwargs):
        return np.ascontiguousarray(self._numpy()).__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return (1, 0)

    def block_until_ready(self):
        """Wait until the value is computed (dispatch is asynchronous), then return
        ``self``; use it before stopping a timer."""
        self._backend.block_until_ready(self)
        return self

    def devices(self):
        """The set of devices holding this array (one device unless sharded)."""
        return set(self._backend.devices()[:1])

    @property
    def device(self):
        """The device holding this array (the first, for a sharded array)."""
        return self._backend.devices()[0]

    # Sharding (JAX's names): a backend holding arrays over several devices answers
    # ``sharding_of``/``shards_of``; any other array is whole on its one device.
    @property
    def sharding(self):
        """How the array is laid out over devices: a ``SingleDeviceSharding`` unless a
        multi-device computation (``pmap``) made it."""
        get = getattr(self._backend, "sharding_of", None)
        if get is not None:
            return get(self)
        return SingleDeviceSharding(self.device)

    @property
    def addressable_shards(self) -> list:
        """The pieces of the array this process holds, one ``Shard`` (device, index,
        data) per device."""
        get = getattr(self._backend, "shards_of", None)
        if get is not None:
            return get(self)
        return [Shard(self.device, (slice(None),) * len(self._aval.shape), self)]

    @property
    def is_fully_replicated(self) -> bool:
        """True when every device holds the whole array."""
        return self.sharding.is_fully_replicated

    def is_fully_addressable(self):
        """True when this process holds every shard (always, in a single process)."""
        return True


def _rebuild(value, weak_type):
    arr = get_backend().device_put(value)
    if weak_type:
        arr = Array(arr._value, arr.aval.update(weak_type=True), arr._backend)
    return arr
