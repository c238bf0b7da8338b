"""The operators and methods shared by ``Array`` and ``Tracer`` (NumPy's, with JAX's rules).

Everything here forwards to ``plax_core.ops``, so concrete arrays and traced values
behave the same.  The kernel's ``Tracer`` and the backend's ``Array`` know nothing of
NumPy semantics: importing this module (``plax_core/__init__`` does) attaches the
methods of ``ArrayMethods`` to both, as JAX's ``array_methods`` does, so the kernel never
imports the front built on it.
"""

from __future__ import annotations

import numpy as np

from . import core, dtypes, lax, ops
from .array import Array
from .core import ShapedArray, Tracer
from .plugins import get_backend
from .prims import elementwise

_PY_SCALARS = (bool, int, float, complex)


def _accepts(other) -> bool:
    """Operands the operators take (as JAX: arrays and scalars, not lists or None)."""
    if type(other) in _PY_SCALARS or isinstance(other, (ArrayMethods, Array, Tracer)):
        return True
    if isinstance(other, (np.ndarray, np.generic)):
        return other.dtype.kind in "biufc" or other.dtype.name == "bfloat16"
    return isinstance(getattr(other, "aval", None), ShapedArray)


# The operators that are one primitive once NumPy's rules have nothing to change: for
# an array of these kinds and an array of the same aval, or a Python scalar that joins
# the array's dtype without changing it, ``ops.<name>`` is exactly ``<primitive>``.
_ONE_PRIMITIVE = {"add": (elementwise.add_p, "iufc"), "subtract": (elementwise.sub_p, "iufc"),
                  "multiply": (elementwise.mul_p, "iufc"),
                  "true_divide": (elementwise.div_p, "fc")}
_SCALAR_KEEPS = {int: "iufc", float: "fc", complex: "c"}


def _kind(dtype) -> str:
    return "f" if dtype == dtypes.bfloat16 else dtype.kind


def _eager_one_primitive(prim, kinds, x: Array, other, reflected: bool):
    """``x <op> other`` computed by the backend directly (eager, concrete operands), or
    None where NumPy's promotion or broadcasting would have work to do.

    The dispatch cost of an eager ``x * 2.0`` is Python: this skips promotion, lax's
    argument checks and the trace machinery, and takes the scalar from the backend's
    cache of converted, broadcast constants (``prims.elementwise._eager_scalar``)."""
    aval = x._aval
    kind = _kind(aval.dtype)
    if kind not in kinds:
        return None
    backend = get_backend()
    if x._backend is not backend or backend.constant is None:
        return None
    t = type(other)
    if t is Array:
        if other._backend is not backend or not (other._aval is aval or other._aval == aval):
            return None
    elif kind in _SCALAR_KEEPS.get(t, ""):
        other = elementwise._eager_scalar(other, aval.dtype, prim.name, aval.shape, backend)
    else:
        return None
    return backend.apply_primitive(prim, (other, x) if reflected else (x, other), {})


def _binary(name: str, fn_name: str, reflected: bool = False):
    fast = _ONE_PRIMITIVE.get(fn_name)

    def op(self, other):
        if fast is not None and type(self) is Array and len(core._state.stack) == 1:
            out = _eager_one_primitive(*fast, self, other, reflected)
            if out is not None:
                return out
        if not _accepts(other):
            return NotImplemented
        fn = getattr(ops, fn_name)
        return fn(other, self) if reflected else fn(self, other)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{'other, self' if reflected else 'self, other'}`` -> ops.{fn_name}"
    return op


def _unary(name: str, fn_name: str):
    def op(self):
        return getattr(ops, fn_name)(self)
    op.__name__ = op.__qualname__ = name
    return op


def _normalize_shape(args):
    """``reshape(2, 3)`` and ``reshape((2, 3))`` both mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return args


class ArrayMethods:
    """NumPy's operators and methods for plax arrays and tracers."""

    __slots__ = ()

    # --- arithmetic and their reflections
    __add__ = _binary("__add__", "add")
    __radd__ = _binary("__radd__", "add", True)
    __sub__ = _binary("__sub__", "subtract")
    __rsub__ = _binary("__rsub__", "subtract", True)
    __mul__ = _binary("__mul__", "multiply")
    __rmul__ = _binary("__rmul__", "multiply", True)
    __truediv__ = _binary("__truediv__", "true_divide")
    __rtruediv__ = _binary("__rtruediv__", "true_divide", True)
    __floordiv__ = _binary("__floordiv__", "floor_divide")
    __rfloordiv__ = _binary("__rfloordiv__", "floor_divide", True)
    __mod__ = _binary("__mod__", "remainder")
    __rmod__ = _binary("__rmod__", "remainder", True)
    __divmod__ = _binary("__divmod__", "divmod")
    __rdivmod__ = _binary("__rdivmod__", "divmod", True)
    __matmul__ = _binary("__matmul__", "matmul")
    __rmatmul__ = _binary("__rmatmul__", "matmul", True)
    __rpow__ = _binary("__rpow__", "power", True)

    def __pow__(self, other, modulo=None):
        if modulo is not None:
            raise NotImplementedError("pow() with a modulus is not supported by plax arrays")
        if not _accepts(other):
            return NotImplemented
        return ops.power(self, other)

    # --- comparisons (elementwise; == and != with non-arrays fall back to identity)
    __eq__ = _binary("__eq__", "equal")
    __ne__ = _binary("__ne__", "not_equal")
    __lt__ = _binary("__lt__", "less")
    __le__ = _binary("__le__", "less_equal")
    __gt__ = _binary("__gt__", "greater")
    __ge__ = _binary("__ge__", "greater_equal")

    # --- bitwise / logical
    __and__ = _binary("__and__", "bitwise_and")
    __rand__ = _binary("__rand__", "bitwise_and", True)
    __or__ = _binary("__or__", "bitwise_or")
    __ror__ = _binary("__ror__", "bitwise_or", True)
    __xor__ = _binary("__xor__", "bitwise_xor")
    __rxor__ = _binary("__rxor__", "bitwise_xor", True)
    __lshift__ = _binary("__lshift__", "left_shift")
    __rlshift__ = _binary("__rlshift__", "left_shift", True)
    __rshift__ = _binary("__rshift__", "right_shift")
    __rrshift__ = _binary("__rrshift__", "right_shift", True)

    # --- unary
    __neg__ = _unary("__neg__", "negative")
    __pos__ = _unary("__pos__", "positive")
    __abs__ = _unary("__abs__", "absolute")
    __invert__ = _unary("__invert__", "invert")

    def __round__(self, ndigits=None):
        return ops.round(self, 0 if ndigits is None else ndigits)

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return iter([lax.index_in_dim(self, i, keepdims=False) for i in range(self.shape[0])])

    # --- indexing
    def __getitem__(self, idx):
        return ops.getitem(self, idx)

    def __setitem__(self, idx, value):
        raise TypeError(f"'{type(self).__name__}' object does not support item assignment. "
                        f"plax arrays are immutable; instead of x[idx] = y use "
                        f"x = x.at[idx].set(y) or another .at[idx] method.")

    @property
    def at(self):
        """Functional indexed updates: ``x.at[idx].set(y)``, ``.add(y)``, ``.get()``..."""
        return ops.at(self)

    # --- attributes
    T = property(lambda self: ops.transpose(self),
                 doc="The array with its axes reversed (``transpose()``).")
    mT = property(lambda self: ops.swapaxes(self, -1, -2),
                  doc="The matrix transpose: the last two axes swapped.")
    real = property(lambda self: ops.real(self),
                    doc="The real part (``plax.numpy.real``).")
    imag = property(lambda self: ops.imag(self),
                    doc="The imaginary part (zeros for a real array).")

    # --- methods (NumPy's signatures)
    def astype(self, dtype, copy=False):
        """A copy converted to ``dtype`` (``plax.numpy.astype``); ``copy`` is accepted
        for NumPy's signature (arrays are immutable, so it changes nothing)."""
        return ops.astype(self, dtype)

    def reshape(self, *shape, order="C"):
        """The same elements in a new shape: ``x.reshape(2, 3)`` or ``x.reshape((2,
        3))``; one dimension may be -1 (``plax.numpy.reshape``)."""
        return ops.reshape(self, _normalize_shape(shape), order)

    def transpose(self, *axes):
        """The axes permuted (reversed when none are given): ``x.transpose(1, 0, 2)``
        or ``x.transpose((1, 0, 2))``."""
        axes = _normalize_shape(axes)
        return ops.transpose(self, axes if axes and axes != (None,) else None)

    def swapaxes(self, axis1, axis2):
        """The array with ``axis1`` and ``axis2`` interchanged."""
        return ops.swapaxes(self, axis1, axis2)

    def squeeze(self, axis=None):
        """The array without its size-1 axes (or only those in ``axis``)."""
        return ops.squeeze(self, axis)

    def ravel(self, order="C"):
        """The elements as a 1-d array, in C (row-major) or ``order='F'`` order."""
        return ops.ravel(self, order)

    def flatten(self, order="C"):
        """The elements as a 1-d array; the same as ``ravel`` (no copy is needed:
        arrays are immutable)."""
        return ops.ravel(self, order)

    def sum(self, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
        """Sum of the elements over ``axis`` (all when None): ``plax.numpy.sum``."""
        return ops.sum(self, axis, dtype, out, keepdims, initial, where)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
        """Product of the elements over ``axis``: ``plax.numpy.prod``."""
        return ops.prod(self, axis, dtype, out, keepdims, initial, where)

    def max(self, axis=None, out=None, keepdims=False, initial=None, where=None):
        """Largest element over ``axis``: ``plax.numpy.max``."""
        return ops.max(self, axis, out, keepdims, initial, where)

    def min(self, axis=None, out=None, keepdims=False, initial=None, where=None):
        """Smallest element over ``axis``: ``plax.numpy.min``."""
        return ops.min(self, axis, out, keepdims, initial, where)

    def all(self, axis=None, out=None, keepdims=False, *, where=None):
        """Whether all elements over ``axis`` are true: ``plax.numpy.all``."""
        return ops.all(self, axis, out, keepdims, where=where)

    def any(self, axis=None, out=None, keepdims=False, *, where=None):
        """Whether any element over ``axis`` is true: ``plax.numpy.any``."""
        return ops.any(self, axis, out, keepdims, where=where)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
        """Arithmetic mean over ``axis``: ``plax.numpy.mean``."""
        return ops.mean(self, axis, dtype, out, keepdims, where=where)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
            correction=None):
        """Variance over ``axis`` (``ddof`` or ``correction`` for the sample variance):
        ``plax.numpy.var``."""
        return ops.var(self, axis, dtype, out, ddof, keepdims, where=where,
                          correction=correction)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
            correction=None):
        """Standard deviation over ``axis``: ``plax.numpy.std``."""
        return ops.std(self, axis, dtype, out, ddof, keepdims, where=where,
                          correction=correction)

    def argmax(self, axis=None, out=None, keepdims=None):
        """Index of the largest element over ``axis`` (of the flattened array when
        None): ``plax.numpy.argmax``."""
        return ops.argmax(self, axis, out, keepdims)

    def argmin(self, axis=None, out=None, keepdims=None):
        """Index of the smallest element over ``axis``: ``plax.numpy.argmin``."""
        return ops.argmin(self, axis, out, keepdims)

    def clip(self, min=None, max=None):  # noqa: A002
        """The values limited to ``[min, max]``: ``plax.numpy.clip``."""
        return ops.clip(self, min, max)

    def round(self, decimals=0):
        """The values rounded to ``decimals`` decimals, halves to even:
        ``plax.numpy.round``."""
        return ops.round(self, decimals)

    def conj(self):
        """The complex conjugate (the array itself for a real one): ``plax.numpy.conj``.
        ``conjugate`` is the same method."""
        return ops.conj(self)

    conjugate = conj

    def dot(self, b):
        """The dot product with ``b``: ``plax.numpy.dot(self, b)``."""
        return ops.dot(self, b)

    def ptp(self, axis=None, out=None, keepdims=False):
        """Peak to peak: ``max - min`` over ``axis``."""
        return ops.subtract(ops.max(self, axis, out, keepdims),
                               ops.min(self, axis, None, keepdims))


_NOT_METHODS = {"__module__", "__qualname__", "__doc__", "__slots__", "__dict__", "__weakref__"}


def install(cls: type) -> None:
    """Give ``cls`` the operators and methods of ``ArrayMethods`` it does not define itself
    (its own definitions, e.g. ``Tracer.__bool__`` raising, win as they would in a subclass)."""
    own = vars(cls)
    for name, value in vars(ArrayMethods).items():
        if name not in _NOT_METHODS and name not in own:
            setattr(cls, name, value)


install(Array)
install(Tracer)
