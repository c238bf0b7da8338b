"""The rest of ``jax.lax``'s functions, written over core's primitives.

None of these needs a primitive of its own: each is a composition that traces to the
primitives in ``prims``, so every transformation and backend handles it already.
Where JAX has a primitive (``split_p``, ``tile_p``, ``reduce_p``, ...) plax has the
function only.  Semantics are JAX 0.10.2's on CPU, including the corners that
follow from XLA's (``reduce`` folds elements in order, so a computation that is not
a monoid gives what JAX gives; ``scatter_apply`` applies ``func`` once per index
that hits an element; ``approx_max_k`` is exact, as on CPU).
"""

from __future__ import annotations

import math
import operator
import types
import typing
from collections.abc import Callable, Sequence

import numpy as np

from . import dtypes
from .core import ShapedArray, Tracer, get_aval
from .plugins import get_backend
from .prims import control_flow as _cf
from .prims import elementwise as _ew
from .prims import indexing as _ix
from .prims import reductions as _red
from .prims import sorting as _so
from .prims import structural as _st
from .prims import windowed as _win
from .prims.structural import canonical_axis, check_array
from .tree_util import tree_flatten, tree_map, tree_unflatten

L = types.SimpleNamespace(**{n: getattr(m, n) for m in (_cf, _ew, _ix, _red, _so, _st, _win)
                             for n in m.__all__})

__all__ = [
    "ConvGeneralDilatedDimensionNumbers", "DotDimensionNumbers", "PrecisionLike",
    "approx_max_k", "approx_min_k", "broadcast_like", "broadcast_shapes",
    "conv_general_dilated_local", "conv_general_dilated_patches", "dtype", "empty",
    "index_take", "mulhi", "optimization_barrier", "reduce", "scatter_apply",
    "scatter_sub", "split", "stack", "tile", "unstack",
]

# ------------------------------------------------------------------ type aliases (JAX's)

DotDimensionNumbers = tuple[tuple[Sequence[int], Sequence[int]],
                            tuple[Sequence[int], Sequence[int]]]
PrecisionLike = typing.Union[None, str, _red.Precision, tuple[str, str],  # noqa: UP007
                             tuple[_red.Precision, _red.Precision]]
ConvGeneralDilatedDimensionNumbers = typing.Union[  # noqa: UP007  (a runtime alias, as JAX's)
    tuple[str, str, str], _win.ConvDimensionNumbers, None]


# ------------------------------------------------------------------ shapes and dtypes

def dtype(x) -> np.dtype:
    """The canonical dtype plax gives ``x`` (float64 values are float32 without x64)."""
    if isinstance(x, (list, tuple)):
        raise TypeError(f"lax.dtype: cannot determine the dtype of a {type(x).__name__} "
                        f"{x!r}; pass an array or a scalar")
    return dtypes.dtype(x, canonicalize=True)


def empty(shape, dtype, *, out_sharding=None):
    """An array of ``shape`` whose contents are unspecified (zeros in plax, as in JAX)."""
    return L.full(shape, 0, dtype)


def broadcast_shapes(*shapes) -> tuple[int, ...]:
    """NumPy's broadcasting of ``shapes`` (ranks may differ; 1 stretches)."""
    if not shapes:
        raise ValueError("lax.broadcast_shapes: needs at least one shape")
    shapes = [tuple(operator.index(d) for d in s) for s in shapes]
    rank = max(len(s) for s in shapes)
    out = []
    for dims in zip(*((1,) * (rank - len(s)) + s for s in shapes)):
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1:
            raise ValueError(f"Incompatible shapes for broadcasting: shapes={shapes}")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def broadcast_like(arr, like_arr):
    """``arr`` broadcast to ``like_arr``'s shape (trailing dimensions aligned, rank-style)."""
    shape = tuple(get_aval(like_arr).shape)
    if type(arr) in (int, float, complex, bool):
        return L.broadcast(arr, shape)
    ashape = tuple(get_aval(arr).shape)
    lead = len(shape) - len(ashape)
    if lead < 0 or any(a != s for a, s in zip(ashape, shape[lead:])):
        raise ValueError(f"Incompatible types for broadcasting: input type="
                         f"{get_aval(arr).dtype.name}{list(ashape)} and requested type="
                         f"{get_aval(arr).dtype.name}{list(shape)}")
    return L.broadcast_in_dim(arr, shape, tuple(range(lead, len(shape))))


def split(operand, sizes: Sequence[int], axis: int = 0) -> list:
    """``operand`` cut along ``axis`` into pieces of ``sizes`` (which must sum to it)."""
    check_array("split", operand)
    shape = get_aval(operand).shape
    axis = canonical_axis("split", axis, len(shape))
    sizes = [operator.index(s) for s in sizes]
    if any(s < 0 for s in sizes) or sum(sizes) != shape[axis]:
        raise ValueError(f"lax.split: sizes {sizes} must be non-negative and sum to "
                         f"dimension {axis} of the operand shape {list(shape)} "
                         f"({shape[axis]}); their sum is {sum(sizes)}")
    starts = np.cumsum([0] + sizes)
    return [L.slice_in_dim(operand, int(a), int(b), axis=axis)
            for a, b in zip(starts[:-1], starts[1:])]


def stack(operands: Sequence, axis: int = 0):
    """Arrays of one shape and dtype joined along a new ``axis``."""
    operands = list(operands)
    if not operands:
        raise ValueError("lax.stack: needs at least one array")
    avals = [get_aval(x) for x in operands]
    if len({a.dtype for a in avals}) > 1:
        raise TypeError(f"lax.stack requires arguments to have the same dtypes, got "
                        f"{', '.join(a.dtype.name for a in avals)}.")
    if len({a.shape for a in avals}) > 1:
        raise ValueError(f"lax.stack: all input arrays must have the same shape, got "
                         f"{', '.join(str(a.shape) for a in avals)}.")
    axis = canonical_axis("stack", axis, avals[0].ndim + 1)
    return L.concatenate([L.expand_dims(x, (axis,)) for x in operands], axis)


def unstack(x, axis: int = 0) -> tuple:
    """The slices of ``x`` along ``axis``, that axis removed."""
    check_array("unstack", x)
    shape = get_aval(x).shape
    axis = canonical_axis("unstack", axis, len(shape))
    return tuple(L.index_in_dim(x, i, axis, keepdims=False) for i in range(shape[axis]))


def tile(operand, reps: Sequence[int]):
    """``operand`` repeated ``reps[i]`` times along each dimension ``i``."""
    check_array("tile", operand)
    shape = get_aval(operand).shape
    reps = tuple(operator.index(r) for r in reps)
    if len(reps) != len(shape):
        raise TypeError(f"lax.tile: reps length must be equal to the ndim of x, got "
                        f"len(reps)={len(reps)} and x.ndim={len(shape)}.")
    big = tuple(d for pair in zip(reps, shape) for d in pair)
    out = L.broadcast_in_dim(operand, big, tuple(range(1, 2 * len(shape), 2)))
    return L.reshape(out, tuple(r * d for r, d in zip(reps, shape)))


def optimization_barrier(operand, /):
    """``operand`` (any pytree) unchanged.

    JAX's barrier stops XLA from moving computations across it; plax has no such
    primitive, so it is the identity, which has the same values and derivatives.
    """
    return tree_map(_as_array, operand)


def _as_array(x):
    return x if isinstance(getattr(x, "aval", None), ShapedArray) else get_backend().device_put(x)


# ------------------------------------------------------------------ integer arithmetic

_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def _umulhi(a, b, bits: int):
    """The high half of the ``2*bits``-bit product of unsigned ``a`` and ``b``."""
    half = bits // 2
    dt = get_aval(a).dtype
    mask = L.full((), (1 << half) - 1, dt)
    h = L.full((), half, dt)
    a_lo, a_hi = L.bitwise_and(a, mask), L.shift_right_logical(a, h)
    b_lo, b_hi = L.bitwise_and(b, mask), L.shift_right_logical(b, h)
    lo_lo, hi_lo = L.mul(a_lo, b_lo), L.mul(a_hi, b_lo)
    lo_hi, hi_hi = L.mul(a_lo, b_hi), L.mul(a_hi, b_hi)
    cross = L.add(L.add(L.shift_right_logical(lo_lo, h), L.bitwise_and(hi_lo, mask)), lo_hi)
    return L.add(L.add(hi_hi, L.shift_right_logical(hi_lo, h)),
                 L.shift_right_logical(cross, h))


def mulhi(x, y, /):
    """The high half of the double-width product of integers ``x`` and ``y``."""
    check_array("mulhi", x)
    check_array("mulhi", y, 1)
    x, y = _st.scalars_like("mulhi", [x, y])
    dx, dy = get_aval(x).dtype, get_aval(y).dtype
    if not dtypes.is_int(dx):
        raise TypeError(f"lax.mulhi does not accept dtype {dx.name}: it takes integers")
    if dx != dy:
        raise TypeError(f"lax.mulhi requires arguments to have the same dtypes, got "
                        f"{dx.name}, {dy.name}.")
    bits = dx.itemsize * 8
    if dtypes.is_unsigned(dx):
        return _umulhi(x, y, bits)
    ut = np.dtype(_UNSIGNED[dx.itemsize])
    ux, uy = L.bitcast_convert_type(x, ut), L.bitcast_convert_type(y, ut)
    hi = _umulhi(ux, uy, bits)
    # signed = unsigned - (x < 0 ? y : 0) - (y < 0 ? x : 0), modulo 2**bits
    hi = L.sub(hi, L.select(L.lt(x, L.full((), 0, dx)), uy, L.full_like(uy, 0)))
    hi = L.sub(hi, L.select(L.lt(y, L.full((), 0, dx)), ux, L.full_like(ux, 0)))
    return L.bitcast_convert_type(hi, dx)


# ------------------------------------------------------------------ scatter and gather

def scatter_sub(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
    """``scatter_add`` of ``-updates``: each window subtracted at ``scatter_indices``."""
    check_array("scatter_sub", updates, 2)
    operand, updates = _st.scalars_like("scatter_sub", [operand, updates])
    return L.scatter_add(operand, scatter_indices, L.neg(updates), dimension_numbers,
                         indices_are_sorted=indices_are_sorted,
                         unique_indices=unique_indices, mode=mode)


def scatter_apply(operand, scatter_indices, func: Callable, dimension_numbers, *,
                  update_shape=(), indices_are_sorted: bool = False,
                  unique_indices: bool = False, mode=None):
    """``operand`` with the elementwise ``func`` applied where the scatter lands.

    As XLA's scatter does, an element hit by ``n`` indices gets ``func`` applied ``n``
    times; out-of-bounds windows follow ``mode`` (dropped by default).
    """
    check_array("scatter_apply", operand)
    hits = L.scatter_add(L.full(get_aval(operand).shape, 0, np.int32), scatter_indices,
                         L.full(tuple(update_shape), 1, np.int32), dimension_numbers,
                         indices_are_sorted=indices_are_sorted,
                         unique_indices=unique_indices, mode=mode)

    def once(x, mask):
        y = func(x)
        return L.select(mask, y, x)

    out = once(operand, L.gt(hits, L.full((), 0, np.int32)))
    if unique_indices:
        return out

    def body(i, x):
        return once(x, L.gt(hits, i))

    return L.fori_loop(np.int32(1), L.reduce_max(hits, tuple(range(get_aval(hits).ndim))),
                       body, out)


def index_take(src, idxs, axes: Sequence[int]):
    """``src`` indexed along ``axes`` by the integer arrays ``idxs`` (one per axis;
    negative indices wrap); the other dimensions follow the index dimensions."""
    check_array("index_take", src)
    shape = get_aval(src).shape
    axes = tuple(canonical_axis("index_take", a, len(shape)) for a in axes)
    idxs = list(idxs)
    if len(idxs) != len(axes):
        raise ValueError(f"lax.index_take: {len(idxs)} index arrays for {len(axes)} axes")
    cols = []
    for i, ax in zip(idxs, axes):
        i = L.expand_dims(i, (get_aval(i).ndim,))
        size = L.full((), shape[ax], get_aval(i).dtype)
        cols.append(L.rem(L.add(L.rem(i, size), size), size))
    indices = L.concatenate(cols, get_aval(cols[0]).ndim - 1)
    batch = get_aval(indices).ndim - 1
    dnums = _ix.GatherDimensionNumbers(
        offset_dims=tuple(range(batch, batch + len(shape) - len(axes))),
        collapsed_slice_dims=tuple(sorted(axes)), start_index_map=axes)
    sizes = tuple(1 if d in axes else n for d, n in enumerate(shape))
    return L.gather(src, indices, dnums, sizes, mode="clip")


# ------------------------------------------------------------------ reductions

def _is_identity(value, want) -> bool:
    if isinstance(value, Tracer):
        return False
    try:
        v = np.asarray(value)
    except Exception:
        return False
    return v.shape == () and bool(v == want) and not (
        isinstance(want, float) and np.signbit(want) != np.signbit(v.astype(float)))


def _monoid(computation, init, dt):
    """The ``reduce_*`` function when ``computation`` is a monoid and ``init`` its
    identity (what JAX detects too), else None."""
    inf = float("inf")
    table = [  # computation, identity, reducer
        (L.add, 0, L.reduce_sum), (L.mul, 1, L.reduce_prod),
        (L.bitwise_or, 0, L.reduce_or), (L.bitwise_xor, 0, L.reduce_xor),
        (L.bitwise_and, -1 if not dtypes.is_bool(dt) else True, L.reduce_and)]
    if dtypes.is_inexact(dt):
        table += [(L.max, -inf, L.reduce_max), (L.min, inf, L.reduce_min)]
    elif dtypes.is_int(dt):
        info = np.iinfo(dt)
        table += [(L.max, int(info.min), L.reduce_max), (L.min, int(info.max), L.reduce_min)]
    if dtypes.is_unsigned(dt):
        table[4] = (L.bitwise_and, int(np.iinfo(dt).max), L.reduce_and)
    for fn, ident, red in table:
        if computation is fn and _is_identity(init, ident):
            return red
    return None


def reduce(operands, init_values, computation: Callable, dimensions: Sequence[int],
           out_sharding=None):
    """XLA's Reduce: ``computation`` folds ``operands`` (a pytree of same-shaped arrays)
    over ``dimensions``, starting from ``init_values`` (the same pytree structure).

    A known monoid with its identity becomes ``reduce_sum``/``reduce_max``/...;
    anything else is folded element by element in row-major order (``scan``), which is
    what XLA's CPU backend does, so non-associative computations agree with JAX.
    """
    flat, tree = tree_flatten(operands)
    flat_init, init_tree = tree_flatten(init_values)
    if init_tree != tree:
        raise ValueError(f"lax.reduce: operands and init_values must have the same tree "
                         f"structure, got {tree} and {init_tree}")
    if not flat:
        raise ValueError("lax.reduce: needs at least one operand")
    avals = [get_aval(x) for x in flat]
    shape = avals[0].shape
    if any(a.shape != shape for a in avals):
        raise ValueError(f"lax.reduce: operands must have the same shape, got "
                         f"{[a.shape for a in avals]}")
    dims = tuple(operator.index(d) for d in dimensions)
    if any(not 0 <= d < len(shape) for d in dims) or len(set(dims)) != len(dims):
        raise ValueError(f"lax.reduce: reduction axes {dims} contain out-of-bounds or "
                         f"repeated indices for shape {shape}")
    inits = [L.convert_element_type(i, a.dtype) for i, a in zip(flat_init, avals)]
    if len(flat) == 1:
        red = _monoid(computation, flat_init[0], avals[0].dtype)
        if red is not None:
            return tree_unflatten(tree, [red(flat[0], dims)])
    kept = tuple(d for d in range(len(shape)) if d not in dims)
    out_shape = tuple(shape[d] for d in kept)
    n = math.prod(shape[d] for d in dims)
    xs = [L.reshape(L.transpose(x, dims + kept), (n,) + out_shape) for x in flat]
    carry = [L.broadcast(i, out_shape) for i in inits]

    def step(acc, x):
        out = computation(tree_unflatten(tree, acc), tree_unflatten(tree, x))
        out_flat, out_tree = tree_flatten(out)
        if out_tree != tree:
            raise TypeError(f"lax.reduce: computation must return the structure of the "
                            f"operands {tree}, got {out_tree}")
        return [L.convert_element_type(o, a.dtype) for o, a in zip(out_flat, avals)], None

    result, _ = L.scan(step, carry, xs)
    return tree_unflatten(tree, result)


def _approx_output_size(n, rank, k, recall_target, aggregate, size_override):
    """XLA's ApproxTopKReductionOutputSize: how many candidates the CPU fallback keeps."""
    if aggregate:
        return k
    tiling = 1024 if rank == 1 else 128
    if n <= tiling or recall_target >= 1.0:
        return n
    logical = size_override if size_override >= 0 else n
    m = min(max(int((1.0 - k) / math.log(recall_target)), tiling), n)
    log2_reduction = (logical // m).bit_length() - 1
    if log2_reduction <= 0:
        return n
    tiles = -(-n // tiling)
    return -(-tiles // (1 << log2_reduction)) * tiling


def _approx_k(name, operand, k, reduction_dimension, recall_target, size_override,
              aggregate_to_topk, largest):
    check_array(name, operand)
    aval = get_aval(operand)
    if not dtypes.is_float(aval.dtype):
        raise ValueError(f"lax.{name}: operand must be a floating type, got "
                         f"{aval.dtype.name}")
    dim = canonical_axis(name, reduction_dimension, aval.ndim, "reduction_dimension")
    n = aval.shape[dim]
    k = operator.index(k)
    if not 0 < k <= n:
        raise ValueError(f"lax.{name}: k must be in (0, {n}] (the size of dimension "
                         f"{dim}), got {k}")
    if not 0 < recall_target <= 1:
        raise ValueError(f"lax.{name}: recall_target must be in (0, 1], got {recall_target}")
    size = _approx_output_size(n, aval.ndim, k, recall_target, aggregate_to_topk,
                               size_override)
    x = L.neg(operand) if not largest else operand
    perm = tuple(d for d in range(aval.ndim) if d != dim) + (dim,)
    values, indices = L.top_k(L.transpose(x, perm), size)
    back = tuple(int(i) for i in np.argsort(perm))
    values, indices = L.transpose(values, back), L.transpose(indices, back)
    return [values if largest else L.neg(values), indices]


def approx_max_k(operand, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, reduction_input_size_override: int = -1,
                 aggregate_to_topk: bool = True):
    """The ``k`` largest values along ``reduction_dimension`` and their indices.

    Exact (what XLA's CPU backend computes); with ``aggregate_to_topk=False`` the
    candidate set has XLA's reduced size instead of ``k``.
    """
    return _approx_k("approx_max_k", operand, k, reduction_dimension, recall_target,
                     reduction_input_size_override, aggregate_to_topk, True)


def approx_min_k(operand, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, reduction_input_size_override: int = -1,
                 aggregate_to_topk: bool = True):
    """The ``k`` smallest values along ``reduction_dimension`` and their indices."""
    return _approx_k("approx_min_k", operand, k, reduction_dimension, recall_target,
                     reduction_input_size_override, aggregate_to_topk, False)


# ------------------------------------------------------------------ convolutions

def conv_general_dilated_patches(lhs, filter_shape: Sequence[int], window_strides,
                                 padding, lhs_dilation=None, rhs_dilation=None,
                                 dimension_numbers=None, precision=None,
                                 preferred_element_type=None):
    """The receptive-field patches of ``lhs``, flattened into the feature dimension
    (channel-major: ``C * prod(filter_shape)`` features), via a convolution with a
    one-hot kernel per window position."""
    check_array("conv_general_dilated_patches", lhs)
    aval = get_aval(lhs)
    filter_shape = tuple(operator.index(d) for d in filter_shape)
    dn = L.conv_dimension_numbers(aval.shape, (1, 1) + filter_shape, dimension_numbers)
    lhs_spec, rhs_spec, _ = dn
    window = math.prod(filter_shape)
    channels = aval.shape[lhs_spec[1]]
    eye = np.eye(window, dtype=aval.dtype)
    kernel = np.broadcast_to(eye, (channels, window, window)).reshape(
        (channels * window, 1) + filter_shape)  # O I spatial...
    kernel = np.transpose(kernel, np.argsort(rhs_spec))
    return L.conv_general_dilated(lhs, kernel, window_strides, padding, lhs_dilation,
                                  rhs_dilation, dn, feature_group_count=channels,
                                  precision=precision,
                                  preferred_element_type=preferred_element_type)


def conv_general_dilated_local(lhs, rhs, window_strides, padding, filter_shape,
                               lhs_dilation=None, rhs_dilation=None,
                               dimension_numbers=None, precision=None):
    """An unshared ("locally connected") convolution: a separate kernel per output
    position.  ``rhs``'s spatial dimensions are the output positions and its ``I``
    dimension holds ``C * prod(filter_shape)`` (the patch features)."""
    check_array("conv_general_dilated_local", rhs, 1)
    prec = _red.canonicalize_precision(precision)
    patches = conv_general_dilated_patches(lhs, filter_shape, window_strides, padding,
                                           lhs_dilation, rhs_dilation, dimension_numbers,
                                           precision=None if prec is None else prec[0])
    _, rhs_spec, out_spec = L.conv_dimension_numbers(
        get_aval(lhs).shape, (1, 1) + tuple(filter_shape), dimension_numbers)
    out_b, rhs_b = list(out_spec[2:]), list(rhs_spec[2:])
    order = sorted(range(len(out_b)), key=lambda i: out_b[i])
    dn = (([out_spec[1]], [rhs_spec[1]]), ([out_b[i] for i in order],
                                             [rhs_b[i] for i in order]))
    out = L.dot_general(patches, rhs, dn, precision=precision)
    # dot_general's result: the spatial (batch) dims, then N, then O; put N and O back.
    nd = get_aval(out).ndim
    rest = [d for d in range(nd - 2)]
    perm = [None] * nd
    perm[out_spec[0]], perm[out_spec[1]] = nd - 2, nd - 1
    free = iter(rest)
    perm = [next(free) if p is None else p for p in perm]
    return L.transpose(out, tuple(perm))
