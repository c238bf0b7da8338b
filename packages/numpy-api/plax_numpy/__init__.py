"""``plax.numpy``: NumPy's API over plax arrays, with JAX's semantics.

dtype promotion follows JAX (float32 by default, weakly typed Python scalars), every
function works on plax arrays, tracers, NumPy arrays, Python scalars and lists, and
under every transformation.  The NumPy semantics shared with the array operators live
in ``plax_core.ops``; this package adds the rest of the namespace.
"""

from __future__ import annotations

import numpy as _np

from plax_core import Array as _Array
from plax_core import Tracer as _Tracer

from . import _creation, _dtypes, _linear, _math, _reductions, _shape, fft, linalg, nn, scipy  # noqa: F401
from ._creation import *  # noqa: F401,F403
from ._dtypes import *  # noqa: F401,F403
from ._indexing import *  # noqa: F401,F403
from ._indexing import __all__ as _indexing_all
from ._indexing_sets import *  # noqa: F401,F403
from ._indexing_sets import __all__ as _indexing_sets_all
from ._io import *  # noqa: F401,F403
from ._io import __all__ as _io_all
from ._linear import *  # noqa: F401,F403
from ._math import *  # noqa: F401,F403
from ._padding import *  # noqa: F401,F403
from ._padding import __all__ as _padding_all
from ._polynomials import *  # noqa: F401,F403
from ._polynomials import __all__ as _polynomials_all
from ._reductions import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from ._sorting import *  # noqa: F401,F403
from ._sorting import __all__ as _sorting_all
from ._vectorize import *  # noqa: F401,F403
from ._vectorize import __all__ as _vectorize_all
from ._windows import *  # noqa: F401,F403
from ._windows import __all__ as _windows_all

pi = _np.pi
e = _np.e
euler_gamma = _np.euler_gamma
inf = _np.inf
nan = _np.nan
newaxis = None


class _ArrayMeta(type):
    """``isinstance(x, plax.numpy.ndarray)`` holds for plax arrays and for tracers."""

    def __instancecheck__(cls, instance):
        return isinstance(instance, (_Array, _Tracer))

    def __subclasscheck__(cls, subclass):
        return isinstance(subclass, type) and issubclass(subclass, (_Array, _Tracer))


class ndarray(metaclass=_ArrayMeta):  # noqa: N801  (NumPy's name)
    """The type of plax arrays, for ``isinstance`` checks (use ``array`` to make one)."""

    def __new__(cls, *args, **kwargs):
        raise TypeError("plax.numpy.ndarray cannot be instantiated; use plax.numpy.array "
                        "or plax.numpy.asarray")


__all__ = sorted(
    set(_creation.__all__) | set(_dtypes.__all__) | set(_linear.__all__)
    | set(_math.__all__) | set(_reductions.__all__) | set(_shape.__all__)
    | set(_io_all) | set(_padding_all) | set(_windows_all)
    | set(_sorting_all) | set(_indexing_all) | set(_indexing_sets_all) | set(_vectorize_all)
    | set(_polynomials_all)
    | {"pi", "e", "euler_gamma", "inf", "nan", "newaxis", "ndarray", "linalg", "fft", "bool"})

bool = bool_  # noqa: A001,F405  (NumPy 2 and JAX export both names; defined last)
