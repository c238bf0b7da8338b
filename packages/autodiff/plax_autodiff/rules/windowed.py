"""JVP and transpose rules for the windowed primitives (convolution, window reductions).

``conv_general_dilated`` is bilinear.  Its transposes are convolutions again, as in
JAX (ignoring spatial dimensions, with m = batch, j = input and k = output features):

- forward ``[m, j] x [j, k] -> [m, k]``;
- lhs transpose ``[m, k] x [k, j] -> [m, j]``: convolve the cotangent with the
  spatially reversed kernel, its feature axes swapped; the forward strides become an
  lhs dilation and the forward lhs dilation becomes the strides.  Feature groups move
  from the kernel's output features to its input features; batch groups become
  feature groups and are moved back into the batch dimension at the end.
- rhs transpose ``[j, m] x [m, k] -> [j, k]``: convolve the input (batch and feature
  swapped) with the cotangent as kernel; the forward strides become an rhs dilation.
  Feature groups become batch groups and vice versa.

``reduce_window_sum`` is linear; its transpose pads the cotangent (interior padding
for strides) and sums windows again, striding by the base dilation.
``reduce_window_max``/``min`` pass on the tangent of the element each window picks
(the first extremum): the window is unrolled into one strided slice per window
offset, so the tangent is made of pad, slice and select, whose own rules give the
transpose, vmap and higher derivatives.
"""

from __future__ import annotations

import itertools

from plax_core import dtypes, lax
from plax_core.extend import JVP, TRANSPOSE, get_aval
from plax_core.lax import (
    conv_general_dilated_p,
    reduce_window_max_p,
    reduce_window_min_p,
    reduce_window_sum_p,
)
from plax_core.prims.windowed import ConvDimensionNumbers, dilate_dim

from ..jvp import bilinear_jvp, linear_jvp
from ..tangents import Zero, is_undefined, zeros_like_aval


def reshape_axis_into(src: int, dst: int, x):
    """Merge axis ``src`` of ``x`` into axis ``dst`` (numbered without ``src``), as its
    major part."""
    shape = get_aval(x).shape
    perm = [i for i in range(len(shape)) if i != src]
    perm.insert(dst, src)
    new_shape = [shape[i] for i in range(len(shape)) if i != src]
    new_shape[dst] *= shape[src]
    return lax.reshape(x, new_shape, perm)


def reshape_axis_out_of(src: int, size1: int, x):
    """Split axis ``src`` of ``x`` into ``(size1, rest)``."""
    shape = list(get_aval(x).shape)
    shape[src:src + 1] = [size1, shape[src] // size1]
    return lax.reshape(x, shape)


def _swap01(spec):
    return (spec[1], spec[0]) + tuple(spec[2:])


def conv_vjp_lhs_padding(in_shape, window_dimensions, window_strides, out_shape, padding,
                         lhs_dilation, rhs_dilation):
    """Padding of the cotangent convolution that transposes a conv w.r.t. its input."""
    lhs_d = [dilate_dim(n, d) for n, d in zip(in_shape, lhs_dilation)]
    rhs_d = [dilate_dim(k, d) for k, d in zip(window_dimensions, rhs_dilation)]
    out_d = [dilate_dim(n, s) for n, s in zip(out_shape, window_strides)]
    before = [k - lo - 1 for k, (lo, _) in zip(rhs_d, padding)]
    after = [n + k - 1 - o - b for n, k, o, b in zip(lhs_d, rhs_d, out_d, before)]
    return tuple(zip(before, after))


def conv_vjp_rhs_padding(in_shape, window_dimensions, window_strides, out_shape, padding,
                         lhs_dilation, rhs_dilation):
    """Padding of the convolution that transposes a conv w.r.t. its kernel."""
    if not in_shape:
        return ()
    lhs_d = [dilate_dim(n, d) for n, d in zip(in_shape, lhs_dilation)]
    rhs_d = [dilate_dim(k, d) for k, d in zip(window_dimensions, rhs_dilation)]
    out_d = [dilate_dim(n, s) for n, s in zip(out_shape, window_strides)]
    lows = [lo for lo, _ in padding]
    highs = [o - n + k - lo - 1 for o, n, k, lo in zip(out_d, lhs_d, rhs_d, lows)]
    return tuple(zip(lows, highs))


def _to_dtype(x, aval):
    if get_aval(x).dtype != aval.dtype:
        return lax.convert_element_type(x, aval.dtype)
    return x


def _conv_transpose_lhs(g, rhs, lhs_aval, *, window_strides, padding, lhs_dilation,
                        rhs_dilation, dimension_numbers, feature_group_count,
                        batch_group_count, precision, preferred_element_type):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    rhs_shape = get_aval(rhs).shape
    G, B = feature_group_count, batch_group_count
    if G > 1 or B > 1:
        # move the groups from the kernel's output features to its input features
        rhs = reshape_axis_out_of(rhs_spec[0], max(G, B), rhs)
        rhs = reshape_axis_into(rhs_spec[0], rhs_spec[1], rhs)
    trans = ConvDimensionNumbers(out_spec, _swap01(rhs_spec), lhs_spec)
    pads = conv_vjp_lhs_padding(
        [lhs_aval.shape[d] for d in lhs_spec[2:]], [rhs_shape[d] for d in rhs_spec[2:]],
        window_strides, [get_aval(g).shape[d] for d in out_spec[2:]], padding,
        lhs_dilation, rhs_dilation)
    flipped = lax.rev(rhs, tuple(rhs_spec[2:]))
    if get_aval(flipped).dtype != get_aval(g).dtype:
        flipped = lax.convert_element_type(flipped, get_aval(g).dtype)
    out = conv_general_dilated_p.bind(
        g, flipped, window_strides=tuple(lhs_dilation), padding=pads,
        lhs_dilation=tuple(window_strides), rhs_dilation=tuple(rhs_dilation),
        dimension_numbers=trans, feature_group_count=max(G, B), batch_group_count=1,
        precision=precision, preferred_element_type=preferred_element_type)
    if B > 1:
        # the batch groups came out as feature groups: move them back into the batch
        out = reshape_axis_out_of(lhs_spec[1], B, out)
        out = reshape_axis_into(lhs_spec[1], lhs_spec[0], out)
    return _to_dtype(out, lhs_aval)


def _conv_transpose_rhs(g, lhs, rhs_aval, *, window_strides, padding, lhs_dilation,
                        rhs_dilation, dimension_numbers, feature_group_count,
                        batch_group_count, precision, preferred_element_type):
    if get_aval(g).size == 0:
        return zeros_like_aval(rhs_aval)
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    G, B = feature_group_count, batch_group_count
    G, B = (B, 1) if B > 1 else ((1, G) if G > 1 else (1, 1))
    trans = ConvDimensionNumbers(_swap01(lhs_spec), _swap01(out_spec), _swap01(rhs_spec))
    pads = conv_vjp_rhs_padding(
        [get_aval(lhs).shape[d] for d in lhs_spec[2:]],
        [rhs_aval.shape[d] for d in rhs_spec[2:]], window_strides,
        [get_aval(g).shape[d] for d in out_spec[2:]], padding, lhs_dilation, rhs_dilation)
    if get_aval(lhs).dtype != get_aval(g).dtype:
        lhs = lax.convert_element_type(lhs, get_aval(g).dtype)
    out = conv_general_dilated_p.bind(
        lhs, g, window_strides=tuple(rhs_dilation), padding=pads,
        lhs_dilation=tuple(lhs_dilation), rhs_dilation=tuple(window_strides),
        dimension_numbers=trans, feature_group_count=G, batch_group_count=B,
        precision=precision, preferred_element_type=preferred_element_type)
    return _to_dtype(out, rhs_aval)


def _conv_general_dilated_transpose(ct, lhs, rhs, **params):
    if is_undefined(lhs) and is_undefined(rhs):
        raise ValueError("conv_general_dilated is not linear in both of its arguments at once")
    if type(ct) is Zero:
        return [None if not is_undefined(lhs) else Zero(lhs.aval),
                None if not is_undefined(rhs) else Zero(rhs.aval)]
    if is_undefined(lhs):
        return [_conv_transpose_lhs(ct, rhs, lhs.aval, **params), None]
    return [None, _conv_transpose_rhs(ct, lhs, rhs.aval, **params)]


# ------------------------------------------------------------------ reduce_window

def _reduce_window_sum_transpose(ct, operand, *, window_dimensions, window_strides, padding,
                                 base_dilation, window_dilation):
    in_shape = operand.aval.shape
    pads = conv_vjp_lhs_padding(in_shape, window_dimensions, window_strides,
                                get_aval(ct).shape, padding, base_dilation, window_dilation)
    config = [(lo, hi, s - 1) for (lo, hi), s in zip(pads, window_strides)]
    padded = lax.pad(ct, lax.full((), 0, get_aval(ct).dtype), config)
    out = reduce_window_sum_p.bind(
        padded, window_dimensions=tuple(window_dimensions),
        window_strides=tuple(base_dilation), padding=((0, 0),) * len(in_shape),
        base_dilation=(1,) * len(in_shape), window_dilation=tuple(window_dilation))
    return [out]


def window_slices(x, fill, *, window_dimensions, window_strides, padding, base_dilation,
                  window_dilation, out_shape):
    """One strided slice of the padded, dilated ``x`` per window offset: slice ``w``
    holds, at every output position, the element at offset ``w`` of its window."""
    config = [(lo, hi, bd - 1) for (lo, hi), bd in zip(padding, base_dilation)]
    xp = lax.pad(x, lax.full((), fill, get_aval(x).dtype), config)
    for offset in itertools.product(*(range(k) for k in window_dimensions)):
        starts = [o * wd for o, wd in zip(offset, window_dilation)]
        limits = [s0 + (m - 1) * s + 1 for s0, m, s in zip(starts, out_shape, window_strides)]
        yield lax.slice(xp, starts, limits, window_strides)


def _lowest(dtype):
    """The identity of max: the padding a max window never picks."""
    if dtypes.is_inexact(dtype):
        return -float("inf")
    return False if dtypes.is_bool(dtype) else dtypes.iinfo(dtype).min


def _highest(dtype):
    """The identity of min."""
    if dtypes.is_inexact(dtype):
        return float("inf")
    return True if dtypes.is_bool(dtype) else dtypes.iinfo(dtype).max


def _reduce_window_chooser_jvp(prim, identity, better):
    def rule(primals, tangents, **params):
        (x,), (t,) = primals, tangents
        ans = prim.bind(x, **params)
        out_shape = get_aval(ans).shape
        if type(t) is Zero or 0 in out_shape or 0 in params["window_dimensions"]:
            return ans, Zero.from_value(ans)
        dtype = get_aval(x).dtype
        values = window_slices(x, identity(dtype), out_shape=out_shape, **params)
        tans = window_slices(t, 0, out_shape=out_shape, **params)
        best_v, best_t = next(values), next(tans)
        for v, tv in zip(values, tans):
            take = better(v, best_v)        # strict: the first extremum wins ties
            best_v = lax.select(take, v, best_v)
            best_t = lax.select(take, tv, best_t)
        return ans, best_t
    return rule


# --------------------------------------------------------------------- tables

JVP_RULES = {
    conv_general_dilated_p: bilinear_jvp(conv_general_dilated_p),
    reduce_window_sum_p: linear_jvp(reduce_window_sum_p),
    reduce_window_max_p: _reduce_window_chooser_jvp(reduce_window_max_p, _lowest, lax.gt),
    reduce_window_min_p: _reduce_window_chooser_jvp(reduce_window_min_p, _highest, lax.lt),
}

TRANSPOSE_RULES = {
    conv_general_dilated_p: _conv_general_dilated_transpose,
    reduce_window_sum_p: _reduce_window_sum_transpose,
}

# Not linear in any operand: no transpose rule.
NONLINEAR = (reduce_window_max_p, reduce_window_min_p)


def register(registry) -> None:
    """Fill the ``"jvp"`` and ``"transpose"`` tables for the windowed primitives."""
    registry.rules(JVP).update(JVP_RULES)
    registry.rules(TRANSPOSE).update(TRANSPOSE_RULES)
