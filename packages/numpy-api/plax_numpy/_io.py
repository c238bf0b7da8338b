"""NumPy passthroughs of ``plax.numpy`` that work on host values: printing options,
save/load, array_repr/array_str and buffers (concrete arrays only)."""

from __future__ import annotations

import numpy as np

from plax_core import core

from ._creation import asarray

__all__ = [
    "printoptions", "get_printoptions", "set_printoptions", "save", "savez", "load",
    "array_repr", "array_str", "frombuffer", "fromstring", "fromfile", "fromiter",
    "from_dlpack",
]


# ------------------------------------------------------------------ NumPy passthroughs

printoptions, get_printoptions = np.printoptions, np.get_printoptions
set_printoptions = np.set_printoptions


def _host(a, fname):
    return np.asarray(core.concrete_or_error(None, a, fname))


def save(file, arr, allow_pickle=True):
    """``np.save`` of a concrete array."""
    return np.save(file, _host(arr, "save"), allow_pickle=allow_pickle)


def savez(file, *args, **kwds):
    """Save arrays to an ``.npz`` file through NumPy (the arrays are copied to the host)."""
    return np.savez(file, *(_host(a, "savez") for a in args),
                    **{k: _host(v, "savez") for k, v in kwds.items()})


def load(file, *args, **kwargs):
    """``np.load``, with arrays (not archives) returned as plax arrays."""
    out = np.load(file, *args, **kwargs)
    return asarray(out) if isinstance(out, np.ndarray) else out


def array_repr(arr, max_line_width=None, precision=None, suppress_small=None):
    """The ``repr`` of an array, as ``numpy.array_repr``."""
    return np.array_repr(_host(arr, "array_repr"), max_line_width, precision,
                         suppress_small)


def array_str(a, max_line_width=None, precision=None, suppress_small=None):
    """The ``str`` of an array's data, as ``numpy.array_str``."""
    return np.array_str(_host(a, "array_str"), max_line_width, precision, suppress_small)


def frombuffer(buffer, dtype=float, count=-1, offset=0):
    """A 1-d array from the bytes of ``buffer`` interpreted as ``dtype``."""
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def fromstring(string, dtype=float, count=-1, *, sep):
    """A 1-d array from numbers written in a string separated by ``sep``."""
    return asarray(np.fromstring(string, dtype=dtype, count=count, sep=sep))


def fromfile(*args, **kwargs):
    """Not supported, as in JAX (reading a file is not pure): convert ``numpy.fromfile(...)``
    with ``asarray``.
    """
    raise NotImplementedError("plax.numpy.fromfile is not implemented: reading a file is not "
                              "pure; use plax.numpy.asarray(np.fromfile(...)) instead")


def fromiter(*args, **kwargs):
    """Not supported, as in JAX (consuming an iterator is not pure): convert
    ``numpy.fromiter(...)`` with ``asarray``.
    """
    raise NotImplementedError("plax.numpy.fromiter is not implemented: consuming an iterator "
                              "is not pure; use plax.numpy.asarray(np.fromiter(...)) instead")


def from_dlpack(x, /, *, device=None, copy=None):
    """An array from an object supporting the DLPack protocol (copied through NumPy)."""
    return asarray(np.from_dlpack(x))
