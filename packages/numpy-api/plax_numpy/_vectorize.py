"""``vectorize``, ``ufunc``, ``frompyfunc`` and the apply helpers (``apply_along_axis``,
``apply_over_axes``): user functions lifted over array axes.

``vectorize`` follows NumPy's generalized-ufunc rules (``signature="(m,n),(n)->(m)"``):
the loop dimensions broadcast, and each is mapped with ``vmap`` (one ``vmap`` per loop
dimension, unmapped where that argument's size is 1), so nothing is broadcast in memory
and the result composes with ``grad`` and ``jit``.  plax-numpy may not import
plax-batching, so ``vmap`` comes from core's registry of transformations
(``plax_core.transformations.vmap``), and the message names the package to install
when it is absent.

``ufunc`` wraps a scalar function with NumPy's ufunc methods: ``__call__`` and ``outer``
vectorize it; ``reduce``, ``accumulate`` and ``at`` fold it along an axis with
``lax.scan``/``fori_loop``.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from plax_core import lax, ops
from plax_core import transformations as _transformations
from plax_core.core import get_aval

from . import _creation, _shape
from ._shape import stack

__all__ = ["vectorize", "ufunc", "frompyfunc", "apply_along_axis", "apply_over_axes"]

_DIMS = r"\w+"
_CORE = rf"\((?:{_DIMS}(?:,{_DIMS})*)?\)"
_ARGS = rf"{_CORE}(?:,{_CORE})*"
_SIGNATURE = re.compile(rf"^{_ARGS}->{_ARGS}$")


def _parse_signature(signature):
    """``"(m,n),(n)->(m)"`` -> ``([("m","n"), ("n",)], [("m",)])``."""
    compact = re.sub(r"\s+", "", signature)
    if not _SIGNATURE.match(compact):
        raise ValueError(f"vectorize: not a valid gufunc signature: {signature!r} (expected "
                         "e.g. '(m,n),(n)->(m)').")
    ins, outs = compact.split("->")
    parse = lambda side: [tuple(re.findall(_DIMS, a)) for a in re.findall(_CORE, side)]  # noqa: E731
    return parse(ins), parse(outs)


def _update_sizes(sizes, shape, core, context, is_input):
    n = len(core)
    if (len(shape) < n) if is_input else (len(shape) != n):
        what = "input with shape %r does not have enough dimensions for" if is_input else \
            "output shape %r does not match"
        raise ValueError(f"{what % (shape,)} core dimensions {core!r} {context}")
    for dim, size in zip(core, shape[len(shape) - n:]):
        if sizes.setdefault(dim, size) != size:
            raise ValueError(f"inconsistent size for core dimension {dim!r}: {size!r} vs "
                             f"{sizes[dim]!r} {context}")


def _checked(func, sizes, out_cores, context):
    """``func`` that checks its outputs' core dimensions against the signature."""
    def checked(*args):
        out = func(*args)
        outs = out if isinstance(out, tuple) else (out,)
        if len(out_cores) > 1 and not isinstance(out, tuple):
            raise TypeError(f"output must be a tuple when multiple outputs are expected, "
                            f"got: {out!r}\n{context}")
        if len(outs) != len(out_cores):
            raise TypeError(f"wrong number of output arguments: expected {len(out_cores)}, "
                            f"got {len(outs)} {context}")
        local = dict(sizes)
        for o, core in zip(outs, out_cores):
            _update_sizes(local, _creation.asarray(o).shape, core, context, False)
        return out
    return checked


def _vmap():
    try:
        return _transformations.vmap
    except AttributeError as e:
        raise ImportError(f"plax.numpy.vectorize maps with vmap: {e}") from None


def vectorize(pyfunc, *, excluded=frozenset(), signature=None):
    """``pyfunc`` lifted over leading (loop) axes with broadcasting, like NumPy's."""
    if any(not isinstance(e, (str, int)) for e in excluded):
        raise TypeError(f"plax.numpy.vectorize can only exclude integer or string arguments, "
                        f"but excluded={excluded!r}")
    if any(isinstance(e, int) and e < 0 for e in excluded):
        raise ValueError(f"vectorize: excluded={excluded!r} contains negative numbers; "
                         "name arguments by their non-negative position.")
    cores = None if signature is None else _parse_signature(signature)

    @functools.wraps(pyfunc)
    def wrapped(*args, **kwargs):
        context = f"on vectorized function with excluded={excluded!r} and " \
                  f"signature={signature!r}"
        # Excluded positions, None arguments and keyword arguments are closed over.
        static = {i for i, a in enumerate(args) if i in excluded or a is None}
        in_cores, out_cores = cores if cores else ([()] * (len(args) - len(static)), None)
        if cores and len(args) - len(static) != len(in_cores):
            raise TypeError(f"wrong number of positional arguments: expected {len(in_cores)}, "
                            f"got {len(args) - len(static)} {context}")
        dynamic = [_creation.asarray(a) for i, a in enumerate(args) if i not in static]

        def func(*dyn):
            it = iter(dyn)
            return pyfunc(*[a if i in static else next(it) for i, a in enumerate(args)],
                          **kwargs)

        sizes, loop_shapes = {}, []
        for a, core in zip(dynamic, in_cores):
            _update_sizes(sizes, a.shape, core, context, True)
            loop_shapes.append(a.shape[:a.ndim - len(core)])
        broadcast = _shape.broadcast_shapes(*loop_shapes) if loop_shapes else ()
        if out_cores is not None:
            func = _checked(func, sizes, out_cores, context)

        squeezed, filled = [], []
        for a, loop in zip(dynamic, loop_shapes):
            filled.append((1,) * (len(broadcast) - len(loop)) + loop)
            squeezed.append(lax.squeeze(a, tuple(i for i, s in enumerate(loop) if s == 1)))
        expand, mapped = [], func
        vmap = _vmap() if any(s != 1 for s in broadcast) else None
        for neg, sizes_here in enumerate(zip(*[f[::-1] for f in filled])):
            in_axes = tuple(None if s == 1 else 0 for s in sizes_here)
            if all(ax is None for ax in in_axes):
                expand.append(len(broadcast) - 1 - neg)
            else:
                mapped = vmap(mapped, in_axes)
        out = mapped(*squeezed)
        if not expand:
            return out
        if isinstance(out, tuple):
            return tuple(_shape.expand_dims(o, tuple(expand)) for o in out)
        return _shape.expand_dims(out, tuple(expand))

    return wrapped


class ufunc:
    """A scalar function with NumPy's ufunc methods (``jax.numpy.ufunc``)."""

    def __init__(self, func, /, nin, nout, *, name=None, nargs=None, identity=None):
        self._func, self.nin, self.nout = func, int(nin), int(nout)
        self.nargs = self.nin if nargs is None else int(nargs)
        self.identity = identity
        self.__name__ = name or getattr(func, "__name__", "ufunc")
        self._call = vectorize(func)

    def __repr__(self):
        return f"<plax.numpy.ufunc '{self.__name__}'>"

    def __call__(self, *args):
        if len(args) != self.nin:
            raise TypeError(f"{self.__name__}() takes {self.nin} positional arguments but "
                            f"{len(args)} were given")
        return self._call(*args)

    def _binary(self, method):
        if self.nin != 2 or self.nout != 1:
            raise ValueError(f"{method} only supported for binary ufuncs with one output; "
                             f"{self.__name__} has nin={self.nin}, nout={self.nout}.")

    def outer(self, A, B, /):
        """``f(A[i..., None...], B[None..., j...])``: every pair of elements."""
        self._binary("outer")
        A, B = _creation.asarray(A), _creation.asarray(B)
        return self(A.reshape(A.shape + (1,) * B.ndim), B)

    def _fold(self, a, axis, initial, keep_all):
        a = _shape.moveaxis(_creation.asarray(a), axis, 0)
        if initial is None:
            if a.shape[0] == 0:
                if self.identity is None:
                    raise ValueError(f"zero-size array to reduction operation "
                                     f"{self.__name__} which has no identity")
                return a.shape[1:], _creation.full(a.shape[1:], self.identity, a.dtype), None
            init, rest = a[0], a[1:]
        else:
            init, rest = _creation.full(a.shape[1:], initial, a.dtype), a

        def step(carry, x):
            new = self(carry, x).astype(carry.dtype)
            return new, (new if keep_all else None)

        final, steps = lax.scan(step, init, rest)
        return a.shape, final, (init, steps)

    def reduce(self, a, axis=0, dtype=None, out=None, keepdims=False, initial=None,
               where=None):
        """Folds the function along ``axis`` (left to right)."""
        self._binary("reduce")
        if out is not None or where is not None:
            raise NotImplementedError(f"{self.__name__}.reduce: out= and where= are not "
                                      "supported (as in JAX, out= never is).")
        a = _creation.asarray(a, dtype=dtype)
        if axis is None:
            a, axis = a.ravel(), 0
        shape, result, _ = self._fold(a, axis, initial, False)
        if keepdims:
            result = _shape.expand_dims(result, axis)
        return result

    def accumulate(self, a, axis=0, dtype=None, out=None):
        """The running fold along ``axis``."""
        self._binary("accumulate")
        if out is not None:
            raise NotImplementedError(f"{self.__name__}.accumulate: out= is not supported.")
        a = _creation.asarray(a, dtype=dtype)
        _, _, (first, steps) = self._fold(a, axis, None, True)
        stacked = _shape.concatenate([first[None], steps]) if steps is not None else first[None]
        return _shape.moveaxis(stacked, 0, axis)

    def at(self, a, indices, b=None, /, *, inplace=False):
        """``a`` with ``a[indices] = f(a[indices], b)`` applied one index at a time."""
        if inplace:
            raise NotImplementedError(f"{self.__name__}.at: plax arrays are immutable; "
                                      "pass inplace=False (the default) and use the result.")
        a = _creation.asarray(a)
        idx = _creation.asarray(indices)
        flat_idx = idx.ravel()
        bs = None if b is None else _shape.broadcast_to(_creation.asarray(b), idx.shape).ravel()

        def body(i, acc):
            j = flat_idx[i]
            args = (acc[j],) if bs is None else (acc[j], bs[i])
            return acc.at[j].set(self(*args).astype(acc.dtype))

        return lax.fori_loop(0, flat_idx.shape[0], body, a)


def frompyfunc(func, /, nin, nout, *, identity=None):
    """A `ufunc` from a scalar function (``jax.numpy.frompyfunc``)."""
    return ufunc(func, nin, nout, identity=identity)


# ------------------------------------------------------------------ apply helpers

def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """``func1d`` on every 1-d slice along ``axis`` (a Python loop over static slices)."""
    arr = ops.operand(arr, "apply_along_axis")
    nd = get_aval(arr).ndim
    axis = ops.canonicalize_axis(axis, nd, "apply_along_axis")
    moved = ops.moveaxis(arr, axis, -1)
    lead = get_aval(moved).shape[:-1]
    flat = ops.reshape(moved, (-1, get_aval(moved).shape[-1]))
    rows = [ops.operand(func1d(lax.index_in_dim(flat, r, keepdims=False), *args, **kwargs))
            for r in range(get_aval(flat).shape[0])]
    if not rows:
        raise ValueError("apply_along_axis: cannot apply a function to 0 slices")
    out = stack(rows)
    tail = get_aval(out).shape[1:]
    out = ops.reshape(out, lead + tail)
    # the function's output axes go where ``axis`` was
    k = len(tail)
    perm = list(range(len(lead)))
    perm = perm[:axis] + list(range(len(lead), len(lead) + k)) + perm[axis:]
    return ops.transpose(out, perm)


def apply_over_axes(func, a, axes):
    """Apply ``func(a, axis)`` over each of ``axes`` in turn, keeping dimensions."""
    a = ops.operand(a, "apply_over_axes")
    for axis in ([axes] if isinstance(axes, (int, np.integer)) else axes):
        b = func(a, axis)
        b = ops.operand(b, "apply_over_axes")
        if get_aval(b).ndim == get_aval(a).ndim - 1:
            b = ops.expand_dims(b, axis)
        elif get_aval(b).ndim != get_aval(a).ndim:
            raise ValueError("apply_over_axes: function is not returning an array of the "
                             "correct shape")
        a = b
    return a
