"""NumPy indexing on plax arrays: advanced indices as one gather, ``x.at[idx]`` updates
as one scatter (part of ``plax_core.ops``).

Every index is first checked as JAX checks it (``canonical_index``): a top-level list,
a string, a float or a float array is a TypeError, an object that is no index at all an
IndexError, a traced slice bound an IndexError; inner lists become arrays.  Basic
indices (ints, slices, None, Ellipsis, traced scalar ints) then go through slices
(``_ops_shape.getitem``).  An index with an integer array, a boolean mask or a scalar
bool becomes one ``gather`` whose index vectors enumerate the advanced indices
(broadcast together), every non-full slice (as an ``arange``) and every int, with full
slices left as window dimensions; the result is then transposed into NumPy's layout
(the advanced dimensions where the first advanced index stands when they are adjacent,
else in front) and ``None`` axes are inserted.  ``x.at[idx].<op>(y)`` builds the same
index vectors and scatters ``y`` (broadcast to ``x[idx]``'s shape) into ``x``.

Out-of-bounds indices never raise, as in JAX: negative indices count from the end once,
then reads clamp (``x[10]`` of 5 elements is ``x[4]``, ``x[-10]`` is ``x[0]``) and
updates are dropped, unless ``mode`` says otherwise (``'clip'`` clamps updates too;
``'fill'``/``'drop'`` fill reads with ``fill_value`` and drop updates;
``'promise_in_bounds'`` does what XLA does natively: reads clamp, updates drop).  Only a
static int on an empty axis is an IndexError (there is nothing to clamp to) and a
Python int beyond the index dtype an OverflowError, as in JAX.  Boolean masks need
concrete values: under ``jit`` they raise ``NonConcreteBooleanIndexError``, as in JAX.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Sequence

import numpy as np

from . import core, dtypes, errors, lax
from ._ops_math import add, astype, maximum, minimum, multiply, negative, power, true_divide
from ._ops_rules import array, broadcast_to, operand
from ._ops_shape import getitem as basic_getitem
from .core import Tracer, get_aval
from .plugins import get_backend
from .prims.control_flow import while_loop
from .prims.indexing import GatherDimensionNumbers, GatherScatterMode, ScatterDimensionNumbers
from .staging import staged
from .util import is_hashable


class NonConcreteBooleanIndexError(errors.NonConcreteBooleanIndexError):
    """A boolean mask index whose value is not known while tracing (JAX's error)."""

    def __init__(self, aval):
        super().__init__(
            f"Array boolean indices must be concrete; got {aval.str_short()}. A boolean "
            f"mask gives a result whose shape depends on its values, which jit and other "
            f"transformations cannot trace. Use jnp.where(mask, x, fill) or "
            f"x.at[...] with size=-style alternatives (e.g. jnp.nonzero(mask, size=n)).")


# ------------------------------------------------------------------ index checks

_VALID = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
          "integer or boolean arrays are valid indices")


def _type_name(i) -> str:
    return np.asarray(i).dtype.name if isinstance(i, (float, complex, np.generic)) \
        else type(i).__name__


def _int_item(i, where):
    """A static int, which must fit the index dtype (int32, or int64 under x64)."""
    i = int(i)
    info = np.iinfo(dtypes.canonicalize_dtype(np.int64))
    if not info.min <= i <= info.max:
        raise OverflowError(f"{where}: Python int {i} too large to convert to "
                            f"{info.dtype.name}; an index must fit the index dtype")
    return i


def _slice_bound(b, where, s):
    if b is None:
        return None
    if isinstance(b, Tracer):
        raise IndexError(f"{where}: slice entries must be static integers, got {s} (a "
                         f"traced bound); use lax.dynamic_slice(x, (start,), (size,)) for "
                         f"a slice that starts at a traced index")
    if isinstance(getattr(b, "aval", None), core.ShapedArray) and b.aval.shape == () \
            and b.aval.dtype.kind in "iu":
        return int(b)
    try:
        return operator.index(b)
    except TypeError:
        raise TypeError(f"{where}: slice entries must be integers or None, got {s} "
                        f"(a {type(b).__name__} bound)") from None


def _array_item(i, where):
    """An array index: its dtype must be an integer or bool (JAX's TypeError)."""
    aval = get_aval(i)
    if aval.dtype.kind not in "biu":
        raise TypeError(f"{where}: Indexer must have integer or boolean type, got "
                        f"indexer with type {aval.dtype.name} (shape {aval.shape}); "
                        f"cast it with .astype(int) if the values are whole numbers")
    return i


def _item(i, where):
    if i is None or i is Ellipsis:
        return i
    if isinstance(i, slice):
        return slice(*(_slice_bound(b, where, i) for b in (i.start, i.stop, i.step)))
    if isinstance(i, (bool, np.bool_)):
        return bool(i)
    if isinstance(i, (int, np.integer)):
        return _int_item(i, where)
    if isinstance(i, (str, bytes)):
        raise TypeError(f"{where}: plax does not support string indexing; got {i!r}")
    if isinstance(i, (float, complex, np.floating, np.complexfloating)):
        raise TypeError(f"{where}: Indexer must have integer or boolean type, got indexer "
                        f"with type {_type_name(i)} ({i!r}); use an int")
    if isinstance(i, (list, tuple)):       # a sequence inside a tuple index is an array
        if not i:
            return np.zeros((0,), np.int32)
        try:
            i = array(i)
        except (TypeError, ValueError) as e:
            raise IndexError(f"{where}: {_VALID}; got the sequence {i!r} ({e})") from None
        return _array_item(i, where)
    if isinstance(i, (Tracer, np.ndarray)) or isinstance(getattr(i, "aval", None),
                                                         core.ShapedArray):
        aval = get_aval(i)
        if aval.shape == () and aval.dtype == np.bool_:   # a 0-d mask is a scalar bool
            if isinstance(i, Tracer):
                raise NonConcreteBooleanIndexError(aval)
            return bool(i)
        return _array_item(i, where)
    raise IndexError(f"{where}: {_VALID}; got {i!r} of type {type(i).__name__}")


def canonical_index(idx, where: str = "getitem") -> tuple:
    """``idx`` as a tuple of checked items, raising JAX's exception class for a bad one."""
    if isinstance(idx, list) or (isinstance(idx, Sequence)
                                 and not isinstance(idx, (tuple, str, bytes))):
        raise TypeError(f"{where}: using a non-tuple sequence for multidimensional "
                        f"indexing is not allowed (as in JAX); use arr[array(seq)] for an "
                        f"array index or arr[tuple(seq)] for one index per axis, not "
                        f"arr[seq] (got {idx!r})")
    items = idx if isinstance(idx, tuple) else (idx,)
    return tuple(_item(i, where) for i in items)


def _is_advanced(i) -> bool:
    if i is None or i is Ellipsis or isinstance(i, (slice, int)):
        return isinstance(i, bool)
    aval = get_aval(i)
    return not (aval.shape == () and aval.dtype.kind in "iu")


def getitem(x, idx):
    """``x[idx]`` with NumPy's semantics (basic and advanced indexing)."""
    eager = _eager_index(x, idx)
    if eager is not None:
        pattern, ints = eager
        return staged(_getitem_staged, x, *ints, pattern=pattern)
    return _getitem(x, idx)


def _getitem(x, idx):
    items = canonical_index(idx)
    if not builtins.any(_is_advanced(i) for i in items):
        return basic_getitem(x, items)
    return gather_index(x, items)


# ------------------------------------------------------------------ eager fast path
# Eagerly, ``x[3]``, ``x[1:, -1]`` and ``x.at[3].set(v)`` run as one compiled program
# (``staging``) instead of one per primitive.  Their integers are operands (int32
# scalars, cached on the device by value), so a loop over ``i`` compiles once, as JAX's
# dynamic indexing does; slices, None and Ellipsis are part of the program's key.

_INT = "int"
_INT32 = np.iinfo(np.int32)


def _eager_index(x, idx):
    """``(pattern, int operands)`` for an index made of ints, slices of ints, None and
    Ellipsis into a concrete non-empty array, outside any transformation; else None."""
    if len(core.trace_stack()) != 1 or isinstance(x, Tracer) or not isinstance(
            getattr(x, "aval", None), core.ShapedArray) or not x.aval.size:
        return None
    pattern, ints = [], []
    for i in idx if type(idx) is tuple else (idx,):
        t = type(i)
        if t is int:
            if not _INT32.min <= i <= _INT32.max:
                return None
            pattern.append(_INT)
            ints.append(_index_operand(i))
        elif t is slice:
            bounds = (i.start, i.stop, i.step)
            if not all(b is None or type(b) is int for b in bounds):
                return None
            pattern.append(bounds)
        elif i is None or i is Ellipsis:
            pattern.append(i)
        else:
            return None
    return tuple(pattern), ints


def _index_operand(i: int):
    """``i`` as an int32 device scalar, from the backend's constant cache if it keeps one."""
    backend = get_backend()
    if getattr(backend, "constant", None):
        return backend.constant(("index", i), lambda: (np.asarray(i, np.int32),
                                                       core.ShapedArray((), np.int32)))
    return np.int32(i)


def _value_operand(v):
    """A Python scalar update value as the weakly typed array ``array(v)`` is, cached on
    the device (a static value would compile a program per value); others as given."""
    backend = get_backend()
    if type(v) not in (bool, int, float, complex) or not getattr(backend, "constant", None):
        return v
    try:
        value, weak = dtypes.coerce_to_array(v)
    except OverflowError:
        return v                       # staged as a static: it raises as unstaged would
    return backend.constant(("at-value", type(v), repr(v), value.dtype), lambda: (
        value, core.ShapedArray(value.shape, value.dtype, weak)))


def _rebuild_index(pattern, ints) -> tuple:
    it = iter(ints)
    return tuple(next(it) if p == _INT else slice(*p) if type(p) is tuple else p
                 for p in pattern)


def _getitem_staged(x, *ints, pattern):
    return _getitem(x, _rebuild_index(pattern, ints))


def _scatter_staged(x, values, *ints, pattern, op, **options):
    return scatter_index(x, _rebuild_index(pattern, ints), values, op, **options)


def _gather_staged(x, *ints, pattern, **options):
    return gather_index(x, _rebuild_index(pattern, ints), **options)


# ------------------------------------------------------------------ index analysis

def _concrete_bool(i):
    """The integer arrays a boolean mask stands for (concrete masks only)."""
    if isinstance(i, Tracer):
        raise NonConcreteBooleanIndexError(get_aval(i))
    return [np.asarray(a) for a in np.nonzero(np.asarray(i))]


def _is_mask(i) -> bool:
    return not (i is None or i is Ellipsis or isinstance(i, (slice, int))) \
        and get_aval(i).dtype == np.bool_


def _n_dims(i) -> int:
    """How many dims of x an item consumes."""
    if i is None or i is Ellipsis or isinstance(i, bool):
        return 0
    return get_aval(i).ndim if _is_mask(i) else 1


def _bool_scalars_as_axes(x, items):
    """A scalar bool indexes a new size-1 axis with ``[0]`` (True) or ``[]`` (False), as
    NumPy reads it; gives ``x`` with those axes inserted and the items rewritten."""
    if not builtins.any(isinstance(i, bool) for i in items) \
            or builtins.sum(i is Ellipsis for i in items) > 1:
        return x, items
    ndim = get_aval(x).ndim
    fill = (slice(None),) * builtins.max(ndim - builtins.sum(map(_n_dims, items)), 0)
    if Ellipsis in items:
        k = items.index(Ellipsis)
        items = items[:k] + fill + items[k + 1:]
    out, axes, d = [], [], 0
    for i in items:
        if isinstance(i, bool):
            axes.append(d)
            i = np.zeros((int(i),), np.int32)
            d += 1
        else:
            d += _n_dims(i)
        out.append(i)
    return lax.expand_dims(x, tuple(axes)), tuple(out)


def _expand(shape, items):
    """Checked items (no scalar bools) with Ellipsis expanded and masks turned into int
    arrays; one x dim each (except None)."""
    n_ell = builtins.sum(1 for it in items if it is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = builtins.sum(map(_n_dims, items))
    if used > len(shape):
        raise IndexError(f"too many indices for array: array is {len(shape)}-dimensional, "
                         f"but {used} were indexed")
    fill = [slice(None)] * (len(shape) - used)
    if n_ell:
        k = items.index(Ellipsis)
        items = list(items[:k]) + fill + list(items[k + 1:])
    else:
        items = list(items) + fill
    flat, dim = [], 0
    for it in items:
        n = _n_dims(it)
        if _is_mask(it):
            got, want = get_aval(it).shape, tuple(shape[dim:dim + n])
            if got != want:
                raise IndexError(f"boolean index of shape {got} does not match the dims "
                                 f"{want} it indexes (from dim {dim} of an array of shape "
                                 f"{tuple(shape)})")
            it = ("mask", _concrete_bool(it))
        flat.append(it)
        dim += n
    return flat


_I32 = np.iinfo(np.int32)


def _normalize(i, size, dim):
    """An int32 index array (or int) with negative entries counted from the end once.
    Out-of-bounds entries stay out of bounds (the gather/scatter mode decides)."""
    if isinstance(i, int):
        if size == 0:
            raise IndexError(f"index {i} is out of bounds for axis {dim} with size 0 "
                             f"(an empty axis has no element to clamp to)")
        return np.asarray(np.clip(i + size if i < 0 else i, _I32.min, _I32.max), np.int32)
    if isinstance(i, np.ndarray):
        i = i.astype(np.int64)
        return np.clip(np.where(i < 0, i + size, i), _I32.min, _I32.max).astype(np.int32)
    aval = get_aval(i)
    if aval.dtype.itemsize > 4 or aval.dtype == np.uint32:    # keep huge values huge
        info = np.iinfo(aval.dtype)
        lo, hi = builtins.max(_I32.min, info.min), builtins.min(_I32.max, info.max)
        i = lax.clamp(np.asarray(lo, aval.dtype), i, np.asarray(hi, aval.dtype))
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
                    adv_arrays.append((dim, _normalize(a, shape[dim], dim)))
                    dim += 1
                self.layout.append(("adv",))
            else:
                self.adv_items.append(pos)
                value = it if isinstance(it, (int, Tracer)) else np.asarray(it)
                adv_arrays.append((dim, _normalize(value, shape[dim], dim)))
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
    mode = _canonical_mode(mode, GatherScatterMode.PROMISE_IN_BOUNDS)
    x = operand(x, "getitem")
    x, idx = _bool_scalars_as_axes(x, canonical_index(idx))
    shape = get_aval(x).shape
    plan = _Plan(shape, idx)
    indices, dims = plan.indices()
    slice_sizes = tuple(1 if d in dims else shape[d] for d in range(len(shape)))
    n_batch = len(plan.batch_shape())
    dn = GatherDimensionNumbers(
        offset_dims=tuple(range(n_batch, n_batch + len(plan.full_dims))),
        collapsed_slice_dims=tuple(sorted(dims)), start_index_map=tuple(dims))
    if not dims:
        out = x
    elif 0 in plan.batch_shape():      # nothing to read (even from an empty axis)
        out = lax.full_like(x, 0, shape=plan.batch_shape()
                            + tuple(shape[d] for d in plan.full_dims))
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
    mode = _canonical_mode(mode, None)
    x = operand(x, f"at[].{op}")
    shape = get_aval(x).shape
    x, idx = _bool_scalars_as_axes(x, canonical_index(idx, f"at[].{op}"))
    if get_aval(x).shape != shape:
        return lax.reshape(scatter_index(x, idx, y, op, mode=mode,
                                         indices_are_sorted=indices_are_sorted,
                                         unique_indices=unique_indices), shape)
    aval = get_aval(x)
    plan = _Plan(aval.shape, idx)
    target = plan.result_shape()
    y = operand(y, f"at[].{op}", 1)
    y_aval = get_aval(y)
    if y_aval.dtype != aval.dtype or y_aval.weak_type != aval.weak_type:
        y = lax.convert_element_type_p.bind(y, new_dtype=aval.dtype,
                                            weak_type=aval.weak_type, sharding=None) \
            if not isinstance(y, (int, float, complex, bool)) else \
            astype(array(y), aval.dtype)
    y = broadcast_to(y, target, f"at[].{op}")
    indices, dims = plan.indices()
    if not dims:
        combine = {"set": lambda a, b: b, "add": add, "multiply": multiply,
                   "min": minimum, "max": maximum}[op]
        return astype(combine(x, lax.reshape(y, aval.shape)), aval.dtype)
    if 0 in plan.batch_shape():        # nothing lands (even on an empty axis)
        return x
    perm = plan.gather_layout()
    n_batch = len(plan.batch_shape())
    y = lax.reshape(y, plan.result_shape(with_new=False))
    if perm != list(range(len(perm))):
        y = lax.transpose(y, tuple(np.argsort(perm)))
    dn = ScatterDimensionNumbers(
        update_window_dims=tuple(range(n_batch, n_batch + len(plan.full_dims))),
        inserted_window_dims=tuple(sorted(dims)), scatter_dims_to_operand_dims=tuple(dims))
    return _SCATTERS[op](x, indices, y, dn, mode=mode,
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
        """``x[idx]``; ``fill_value`` is used only with ``mode='fill'`` (as in JAX)."""
        eager = _eager_index(self.array, self.index)
        if eager is not None and is_hashable(mode) and is_hashable(fill_value):
            pattern, ints = eager
            return staged(_gather_staged, self.array, *ints, pattern=pattern, mode=mode,
                          fill_value=fill_value, indices_are_sorted=indices_are_sorted,
                          unique_indices=unique_indices)
        return gather_index(self.array, self.index, mode=mode, fill_value=fill_value,
                            indices_are_sorted=indices_are_sorted,
                            unique_indices=unique_indices)

    def _scatter(self, op, values, indices_are_sorted, unique_indices, mode):
        eager = _eager_index(self.array, self.index)
        if eager is not None and is_hashable(mode) and not isinstance(values, Tracer):
            pattern, ints = eager
            values = _value_operand(values)
            return staged(_scatter_staged, self.array, values, *ints, pattern=pattern,
                          op=op, mode=mode, indices_are_sorted=indices_are_sorted,
                          unique_indices=unique_indices)
        return scatter_index(self.array, self.index, values, op, mode=mode,
                             indices_are_sorted=indices_are_sorted,
                             unique_indices=unique_indices)

    def set(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._scatter("set", values, indices_are_sorted, unique_indices, mode)

    def add(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._scatter("add", values, indices_are_sorted, unique_indices, mode)

    def subtract(self, values, *, indices_are_sorted=False, unique_indices=False,
                 mode=None):
        return self._scatter("add", negative(values), indices_are_sorted,
                             unique_indices, mode)

    def multiply(self, values, *, indices_are_sorted=False, unique_indices=False,
                 mode=None):
        return self._scatter("multiply", values, indices_are_sorted, unique_indices, mode)

    mul = multiply

    def _exponent_like(self, values, indices_are_sorted, unique_indices, mode):
        """Ones where nothing lands, else the product of the values landing there."""
        x = operand(self.array, "at[]")
        return x, scatter_index(lax.full_like(x, 1), self.index, values, "multiply", mode=mode,
                                indices_are_sorted=indices_are_sorted,
                                unique_indices=unique_indices)

    def divide(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """``x / y`` at ``idx`` (true division: an integer ``x`` gives floats, as in JAX)."""
        x, d = self._exponent_like(values, indices_are_sorted, unique_indices, mode)
        return true_divide(x, d)

    def power(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        x, p = self._exponent_like(values, indices_are_sorted, unique_indices, mode)
        return power(x, p)

    def min(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._scatter("min", values, indices_are_sorted, unique_indices, mode)

    def max(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._scatter("max", values, indices_are_sorted, unique_indices, mode)

    def apply(self, func, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """``func`` (elementwise) applied at ``idx``, once per occurrence of a location
        among the indices (``x.at[[1, 1]].apply(f)`` gives ``f(f(x[1]))``, as in JAX)."""
        x = operand(self.array, "at[].apply")
        aval = get_aval(x)
        counts = scatter_index(lax.full(aval.shape, 0, np.int32), self.index, 1, "add",
                               mode=mode, indices_are_sorted=indices_are_sorted,
                               unique_indices=unique_indices)

        def step(r, y):
            fy = operand(func(y), "at[].apply")
            if get_aval(fy).dtype != aval.dtype:
                fy = lax.convert_element_type(fy, aval.dtype)
            return lax.select(lax.gt(counts, np.int32(r) if isinstance(r, int) else r),
                              broadcast_to(fy, aval.shape, "at[].apply"), y)

        if not isinstance(counts, Tracer):
            for r in range(int(np.max(np.asarray(counts), initial=0))):
                x = step(r, x)
            return x
        top = lax.reduce_max(counts, tuple(range(aval.ndim))) if aval.ndim else counts
        return while_loop(lambda c: lax.lt(c[0], top),
                          lambda c: (lax.add(c[0], np.int32(1)), step(c[0], c[1])),
                          (np.int32(0), x))[1]


def at(x) -> _IndexUpdateHelper:
    return _IndexUpdateHelper(x)
