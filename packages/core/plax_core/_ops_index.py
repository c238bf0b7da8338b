"""NumPy indexing on plax arrays: advanced indices as one gather, ``x.at[idx]`` updates
as one scatter (part of ``plax_core.ops``).

Basic indices (ints, slices, None, Ellipsis, traced scalar ints) go through slices
(``_ops_shape.getitem``).  An index with an integer array, a list or a boolean mask
becomes one ``gather`` whose index vectors enumerate the advanced indices (broadcast
together), every non-full slice (as an ``arange``) and every int, with full slices
left as window dimensions; the result is then transposed into NumPy's layout (the
advanced dimensions where the first advanced index stands when they are adjacent,
else in front) and ``None`` axes are inserted.  ``x.at[idx].<op>(y)`` builds the same
index vectors and scatters ``y`` (broadcast to ``x[idx]``'s shape) into ``x``.

Negative indices count from the end.  Out of bounds, reads clamp (``promise_in_bounds``,
as XLA does natively and as JAX's indexing does) and updates are dropped, unless
``mode`` says otherwise.  Boolean masks need concrete values: under ``jit`` they
raise ``NonConcreteBooleanIndexError``, as in JAX.
"""

from __future__ import annotations

import builtins

import numpy as np

from . import core, dtypes, errors, lax
from .core import Tracer, get_aval
from .prims.indexing import GatherDimensionNumbers, GatherScatterMode, ScatterDimensionNumbers


class NonConcreteBooleanIndexError(errors.NonConcreteBooleanIndexError):
    """A boolean mask index whose value is not known while tracing (JAX's error)."""

    def __init__(self, aval):
        super().__init__(
            f"Array boolean indices must be concrete; got {aval.str_short()}. A boolean "
            f"mask gives a result whose shape depends on its values, which jit and other "
            f"transformations cannot trace. Use jnp.where(mask, x, fill) or "
            f"x.at[...] with size=-style alternatives (e.g. jnp.nonzero(mask, size=n)).")


def _ops():
    from . import ops
    return ops


def _is_advanced(i) -> bool:
    if i is None or i is Ellipsis or isinstance(i, slice):
        return False
    if isinstance(i, (bool, np.bool_, list)):
        return True
    if isinstance(i, tuple):
        return True
    if isinstance(i, (int, np.integer)):
        return False
    if isinstance(i, Tracer) or isinstance(getattr(i, "aval", None), core.ShapedArray) \
            or isinstance(i, np.ndarray):
        aval = get_aval(i)
        return not (aval.shape == () and aval.dtype.kind in "iu")
    return False


def getitem(x, idx):
    """``x[idx]`` with NumPy's semantics (basic and advanced indexing)."""
    from ._ops_shape import getitem as basic_getitem
    items = idx if isinstance(idx, tuple) else (idx,)
    if not builtins.any(_is_advanced(i) for i in items):
        return basic_getitem(x, idx)
    return gather_index(x, idx)


# ------------------------------------------------------------------ index analysis

def _concrete_bool(i):
    """The integer arrays a boolean mask stands for (concrete masks only)."""
    if isinstance(i, Tracer):
        raise NonConcreteBooleanIndexError(get_aval(i))
    return [np.asarray(a) for a in np.nonzero(np.asarray(i))]


def _expand(shape, idx):
    """Items with Ellipsis expanded and masks turned into int arrays; one x dim each
    (except None)."""
    raw = list(idx) if isinstance(idx, tuple) else [idx]
    items = []
    for i in raw:
        if isinstance(i, (bool, np.bool_)):
            if not i:
                raise IndexError("plax does not support indexing with the scalar False")
            items.append(None)
            continue
        if isinstance(i, list):
            i = _ops().array(i) if i else np.zeros((0,), np.int32)
        if i is not None and i is not Ellipsis and not isinstance(i, (slice, int,
                                                                      np.integer)):
            aval = get_aval(i) if not isinstance(i, tuple) else None
            if aval is None:
                raise IndexError(f"invalid index {i!r}")
            if aval.dtype == np.bool_:
                items.append(("mask", _concrete_bool(i)))
                continue
            if not dtypes.is_int(aval.dtype):
                raise IndexError(f"Indexer must have integer or boolean type, got indexer "
                                 f"with type {aval.dtype.name}")
        elif i is not None and i is not Ellipsis and not isinstance(i, slice):
            i = int(i)
        items.append(i)
    flat = []
    for it in items:
        if isinstance(it, tuple) and it and it[0] == "mask":
            flat.append(("mask", it[1]))
        else:
            flat.append(it)
    n_ell = builtins.sum(1 for it in flat if it is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = builtins.sum(len(it[1]) if isinstance(it, tuple) else
                        (0 if it is None or it is Ellipsis else 1) for it in flat)
    if used > len(shape):
        raise IndexError(f"too many indices for array: array is {len(shape)}-dimensional, "
                         f"but {used} were indexed")
    fill = [slice(None)] * (len(shape) - used)
    if n_ell:
        k = flat.index(Ellipsis)
        flat = flat[:k] + fill + flat[k + 1:]
    else:
        flat = flat + fill
    return flat


def _normalize(i, size):
    """An integer index array (or int) with negative entries counted from the end."""
    if isinstance(i, int):
        if not -size <= i < size:
            raise IndexError(f"index {i} is out of bounds for axis with size {size}")
        return np.asarray(i % size if size else i, np.int32)
    if isinstance(i, np.ndarray):
        i = i.astype(np.int64)
        return np.where(i < 0, i + size, i).astype(np.int32)
    aval = get_aval(i)
    i = lax.convert_element_type(i, np.int32) if aval.dtype != np.int32 else i
    if dtypes.is_signed(aval.dtype):
        i = lax.select(lax.lt(i, np.int32(0)), lax.add(i, np.int32(size)), i)
    return i


class _Plan:
    """Where each piece of an indexing expression goes."""

    def __init__(self, shape, idx):
        items = _expand(shape, idx)
        self.index_dims, self.index_arrays = [], []   # per index-vector component
        self.adv_items, adv_arrays = [], []            # positions among items, arrays
        self.slices = []                               # (item pos, dim, range)
        self.full_dims = []                            # window (offset) dims of x
        self.layout = []                               # tokens in NumPy output order
        dim = 0
        for pos, it in enumerate(items):
            if it is None:
                self.layout.append(("new",))
            elif isinstance(it, slice):
                r = range(*it.indices(shape[dim]))
                if r == range(shape[dim]):
                    self.layout.append(("full", len(self.full_dims)))
                    self.full_dims.append(dim)
                else:
                    self.layout.append(("slice", len(self.slices)))
                    self.slices.append((dim, r))
                dim += 1
            elif isinstance(it, tuple):      # a mask: one int array per masked dim
                self.adv_items.append(pos)
                for a in it[1]:
                    adv_arrays.append((dim, _normalize(a, shape[dim])))
                    dim += 1
                self.layout.append(("adv",))
            else:
                self.adv_items.append(pos)
                value = it if isinstance(it, (int, Tracer)) else np.asarray(it)
                adv_arrays.append((dim, _normalize(value, shape[dim])))
                if not isinstance(it, int):
                    self.layout.append(("adv",))
                dim += 1
        shapes = [get_aval(a).shape for _, a in adv_arrays]
        self.adv_shape = np.broadcast_shapes(*shapes) if shapes else ()
        contiguous = (not self.adv_items
                      or self.adv_items == list(range(self.adv_items[0],
                                                      self.adv_items[-1] + 1)))
        adv_tokens = [t for t in self.layout if t[0] == "adv"]
        self.layout = [t for t in self.layout if t[0] != "adv"]
        if adv_tokens or self.adv_shape:
            if contiguous:
                first = builtins.sum(1 for t in items[:self.adv_items[0]]
                                     if t is None or isinstance(t, slice))
                self.layout.insert(first, ("adv",))
            else:
                self.layout.insert(0, ("adv",))
        self.adv_arrays = adv_arrays
        self.shape = shape

    def batch_shape(self):
        return tuple(self.adv_shape) + tuple(len(r) for _, r in self.slices)

    def indices(self):
        """The index vectors, shape batch_shape + (components,), and their operand dims."""
        batch = self.batch_shape()
        n_adv, n_sl = len(self.adv_shape), len(self.slices)
        cols, dims = [], []
        traced = builtins.any(not isinstance(a, np.ndarray) for _, a in self.adv_arrays)
        for d, a in self.adv_arrays:
            shp = get_aval(a).shape
            shp = (1,) * (n_adv - len(shp)) + shp + (1,) * n_sl
            cols.append((a, shp))
            dims.append(d)
        for k, (d, r) in enumerate(self.slices):
            shp = [1] * (n_adv + n_sl)
            shp[n_adv + k] = len(r)
            cols.append((np.arange(r.start, r.stop, r.step, dtype=np.int32)
                         if len(r) else np.zeros(0, np.int32), tuple(shp)))
            dims.append(d)
        if not cols:
            return None, dims
        if not traced:
            arrays = [np.broadcast_to(np.reshape(a, s), batch) for a, s in cols]
            return np.stack(arrays, axis=-1).astype(np.int32), dims
        parts = []
        for a, s in cols:
            a = lax.reshape(a, s) if get_aval(a).shape != s else a
            a = lax.broadcast_in_dim(a, batch, tuple(range(len(batch)))) if s != batch \
                else a
            parts.append(lax.expand_dims(a, (len(batch),)))
        return (parts[0] if len(parts) == 1 else lax.concatenate(parts, len(batch))), dims

    def gather_layout(self):
        """The NumPy result (without None axes) as a permutation of the gather output."""
        n_adv, n_batch = len(self.adv_shape), len(self.batch_shape())
        perm = []
        for t in self.layout:
            if t[0] == "adv":
                perm.extend(range(n_adv))
            elif t[0] == "slice":
                perm.append(n_adv + t[1])
            elif t[0] == "full":
                perm.append(n_batch + t[1])
        return perm

    def result_shape(self, with_new: bool = True):
        out = []
        for t in self.layout:
            if t[0] == "new" and not with_new:
                continue
            if t[0] == "adv":
                out.extend(self.adv_shape)
            elif t[0] == "slice":
                out.append(len(self.slices[t[1]][1]))
            elif t[0] == "full":
                out.append(self.shape[self.full_dims[t[1]]])
            else:
                out.append(1)
        return tuple(out)


def _canonical_mode(mode, default):
    return default if mode is None else GatherScatterMode.from_any(mode)


def gather_index(x, idx, *, mode=None, fill_value=None, indices_are_sorted=False,
                 unique_indices=False):
    """``x[idx]`` as one gather (any index NumPy accepts)."""
    x = _ops().operand(x, "getitem")
    shape = get_aval(x).shape
    plan = _Plan(shape, idx)
    indices, dims = plan.indices()
    slice_sizes = tuple(1 if d in dims else shape[d] for d in range(len(shape)))
    n_batch = len(plan.batch_shape())
    dn = GatherDimensionNumbers(
        offset_dims=tuple(range(n_batch, n_batch + len(plan.full_dims))),
        collapsed_slice_dims=tuple(sorted(dims)), start_index_map=tuple(dims))
    mode = _canonical_mode(mode, GatherScatterMode.PROMISE_IN_BOUNDS)
    if not dims:
        out = x
    else:
        out = lax.gather(x, indices, dn, slice_sizes, mode=mode, fill_value=fill_value,
                         indices_are_sorted=indices_are_sorted,
                         unique_indices=unique_indices)
    perm = plan.gather_layout()
    if perm != list(range(len(perm))):
        out = lax.transpose(out, perm)
    target = plan.result_shape()
    return lax.reshape(out, target) if get_aval(out).shape != target else out


_SCATTERS = {"set": lax.scatter, "add": lax.scatter_add, "multiply": lax.scatter_mul,
             "min": lax.scatter_min, "max": lax.scatter_max}


def scatter_index(x, idx, y, op: str, *, mode=None, indices_are_sorted=False,
                  unique_indices=False):
    """``x`` with ``y`` combined (``op``) into ``x[idx]``, as one scatter."""
    ops = _ops()
    x = ops.operand(x, f"at[].{op}")
    aval = get_aval(x)
    plan = _Plan(aval.shape, idx)
    target = plan.result_shape()
    y = ops.operand(y, f"at[].{op}", 1)
    y_aval = get_aval(y)
    if y_aval.dtype != aval.dtype or y_aval.weak_type != aval.weak_type:
        y = lax.convert_element_type_p.bind(y, new_dtype=aval.dtype,
                                            weak_type=aval.weak_type, sharding=None) \
            if not isinstance(y, (int, float, complex, bool)) else \
            ops.astype(ops.array(y), aval.dtype)
    y = ops.broadcast_to(y, target, f"at[].{op}")
    indices, dims = plan.indices()
    if not dims:
        combine = {"set": lambda a, b: b, "add": ops.add, "multiply": ops.multiply,
                   "min": ops.minimum, "max": ops.maximum}[op]
        return ops.astype(combine(x, lax.reshape(y, aval.shape)), aval.dtype)
    perm = plan.gather_layout()
    n_batch = len(plan.batch_shape())
    y = lax.reshape(y, plan.result_shape(with_new=False))
    if perm != list(range(len(perm))):
        y = lax.transpose(y, tuple(np.argsort(perm)))
    dn = ScatterDimensionNumbers(
        update_window_dims=tuple(range(n_batch, n_batch + len(plan.full_dims))),
        inserted_window_dims=tuple(sorted(dims)), scatter_dims_to_operand_dims=tuple(dims))
    return _SCATTERS[op](x, indices, y, dn, mode=_canonical_mode(mode, None),
                         indices_are_sorted=indices_are_sorted,
                         unique_indices=unique_indices)


# ------------------------------------------------------------------ x.at[idx]

class _IndexUpdateHelper:
    """``x.at``: ``x.at[idx]`` gives the updates of ``x`` at ``idx``."""

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index):
        return _IndexUpdateRef(self.array, index)

    def __repr__(self):
        return f"_IndexUpdateHelper({self.array!r})"


class _IndexUpdateRef:
    """``x.at[idx]``: ``set``, ``add``, ``subtract``, ``multiply``, ``divide``,
    ``power``, ``min``, ``max``, ``apply`` and ``get``, each returning a new array."""

    __slots__ = ("array", "index")

    def __init__(self, array, index):
        self.array, self.index = array, index

    def __repr__(self):
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def get(self, *, indices_are_sorted=False, unique_indices=False, mode=None,
            fill_value=None):
        if mode is None and fill_value is not None:
            mode = "fill"
        return gather_index(self.array, self.index, mode=mode, fill_value=fill_value,
                            indices_are_sorted=indices_are_sorted,
                            unique_indices=unique_indices)

    def _scatter(self, op, values, indices_are_sorted, unique_indices, mode):
        return scatter_index(self.array, self.index, values, op, mode=mode,
                             indices_are_sorted=indices_are_sorted,
                             unique_indices=unique_indices)

    def set(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._scatter("set", values, indices_are_sorted, unique_indices, mode)

    def add(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._scatter("add", values, indices_are_sorted, unique_indices, mode)

    def subtract(self, values, *, indices_are_sorted=False, unique_indices=False,
                 mode=None):
        return self._scatter("add", _ops().negative(values), indices_are_sorted,
                             unique_indices, mode)

    def multiply(self, values, *, indices_are_sorted=False, unique_indices=False,
                 mode=None):
        return self._scatter("multiply", values, indices_are_sorted, unique_indices, mode)

    mul = multiply

    def divide(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        ops = _ops()
        dtype = get_aval(ops.operand(self.array)).dtype
        if not dtypes.is_inexact(dtype):
            raise TypeError(f"x.at[idx].divide: x has integer dtype {dtype.name}; in-place "
                            f"true division needs a floating or complex x (use "
                            f"x.astype(float).at[idx].divide(y))")
        recip = ops.true_divide(1, ops.astype(ops.operand(values), dtype))
        return self._scatter("multiply", recip, indices_are_sorted, unique_indices, mode)

    def power(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self.apply(lambda v: _ops().power(v, values),
                          indices_are_sorted=indices_are_sorted,
                          unique_indices=unique_indices, mode=mode)

    def min(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._scatter("min", values, indices_are_sorted, unique_indices, mode)

    def max(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._scatter("max", values, indices_are_sorted, unique_indices, mode)

    def apply(self, func, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """``func`` applied to ``x[idx]``, written back (each location once)."""
        current = gather_index(self.array, self.index, mode="clip" if mode is None
                               else mode, fill_value=0 if mode == "fill" else None,
                               indices_are_sorted=indices_are_sorted,
                               unique_indices=unique_indices)
        return self.set(func(current), indices_are_sorted=indices_are_sorted,
                        unique_indices=unique_indices, mode=mode)


def at(x) -> _IndexUpdateHelper:
    return _IndexUpdateHelper(x)
