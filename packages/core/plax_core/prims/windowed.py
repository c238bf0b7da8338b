"""Windowed primitives: ``conv_general_dilated`` and ``reduce_window_{sum,max,min}``.

Both slide a window over the spatial dimensions of an operand, as XLA's Convolution
and ReduceWindow do.  Per spatial dimension of size ``n``:

- the operand is dilated (``lhs_dilation``/``base_dilation`` ``d``: ``d - 1`` holes
  between neighbours, size ``(n - 1) * d + 1``, 0 when ``n == 0``); holes hold zeros
  for a convolution and the reduction's identity for a window reduction;
- then padded by ``(lo, hi)``; negative amounts crop;
- the window (size ``k``) is dilated by ``rhs_dilation``/``window_dilation``
  (``(k - 1) * d + 1``);
- the output has ``floor((padded - window) / stride) + 1`` positions (0 when the
  window does not fit).

``conv_general_dilated`` contracts each window with the kernel.  Its
``dimension_numbers`` is a ``ConvDimensionNumbers(lhs_spec, rhs_spec, out_spec)`` of
axis indices: ``lhs_spec = (batch, feature, spatial...)``, ``rhs_spec = (out feature,
in feature, spatial...)``, ``out_spec = (batch, feature, spatial...)``; the spatial
axes are matched in order.  With ``feature_group_count = G`` the lhs features split
into G groups (group-major) and the kernel's output features too; group ``g`` of the
output sees only group ``g`` of the input.  With ``batch_group_count = B`` the lhs
batch splits into B groups (group-major), the kernel's output features too, and the
output batch is ``lhs batch / B``.  At most one of the two exceeds 1.

The NumPy implementations are explicit: dilate, pad, take strided windows
(``sliding_window_view``), contract with ``einsum`` or reduce window offset by window
offset.  Accumulation follows ``dot_general`` (int64 for integers, float32 for
float16/bfloat16).
"""

from __future__ import annotations

import itertools
import operator
import string
from typing import NamedTuple

import numpy as np

from .. import dtypes
from ..core import Primitive, ShapedArray, get_aval
from ..errors import JAXTypeError
from . import elementwise
from .reductions import (
    _ANY,
    _NUMBER,
    _accumulate_wide,
    _check_dtype,
    _compute_dtype,
    _dot_general_dtype,
    _max_identity,
    _min_identity,
    canonicalize_precision,
)
from .structural import broadcast_in_dim, check_array, rev, transpose

__all__ = [
    "ConvDimensionNumbers", "conv", "conv_dimension_numbers", "conv_general_dilated",
    "conv_general_permutations", "conv_general_shape_tuple", "conv_shape_tuple",
    "conv_transpose", "conv_transpose_shape_tuple", "conv_with_general_padding",
    "padtype_to_pads", "reduce_window", "reduce_window_max", "reduce_window_min",
    "reduce_window_shape_tuple", "reduce_window_sum",
]


# ------------------------------------------------------------------ shape helpers

def dilate_dim(n: int, d: int) -> int:
    """The size of a dimension of size ``n`` dilated by ``d``."""
    return 0 if n == 0 else 1 + d * (n - 1)


def stride_dim(n: int, window: int, stride: int) -> int:
    """How many positions a window of size ``window`` takes in ``n`` with ``stride``."""
    return 0 if n < window else (n - window) // stride + 1


def _ints(name: str, values, what: str, n: int | None = None, positive=True):
    try:
        out = tuple(operator.index(v) for v in values)
    except JAXTypeError:  # a traced value: keep JAX's class
        raise
    except TypeError:
        raise TypeError(f"{name}: {what} must be a sequence of integers, got "
                        f"{values!r}") from None
    if n is not None and len(out) != n:
        raise ValueError(f"{name}: {what} must have {n} entries (one per spatial "
                         f"dimension), got {out}")
    if positive and any(v < 1 for v in out):
        raise ValueError(f"{name}: {what} must be positive, got {out}")
    return out


def _pairs(name: str, padding, n: int):
    try:
        out = tuple((operator.index(lo), operator.index(hi)) for lo, hi in padding)
    except JAXTypeError:  # a traced value: keep JAX's class
        raise
    except (TypeError, ValueError):
        raise TypeError(f"{name}: padding must be 'SAME', 'VALID', 'SAME_LOWER' or a "
                        f"sequence of (low, high) integer pairs, got {padding!r}") from None
    if len(out) != n:
        raise ValueError(f"{name}: padding must have {n} (low, high) pairs, got {out}")
    return out


def padtype_to_pads(in_shape, window_shape, window_strides, padding):
    """Explicit ``(low, high)`` pairs for a padding name ('SAME', 'SAME_LOWER', 'VALID').

    'SAME' gives ``ceil(n / stride)`` outputs, with the odd unit of padding at the
    high end; 'SAME_LOWER' puts it at the low end; 'VALID' pads nothing.
    """
    if not isinstance(padding, str):
        padding = getattr(padding, "name", padding)
    kind = str(padding).upper()
    if kind == "VALID":
        return [(0, 0)] * len(in_shape)
    if kind not in ("SAME", "SAME_LOWER"):
        raise RuntimeError(f"Unrecognized padding type: expected 'VALID', 'SAME' or "
                           f"'SAME_LOWER', got {padding}.")
    pads = []
    for n, k, s in zip(in_shape, window_shape, window_strides):
        out = -(-n // s)
        total = max(0, (out - 1) * s + k - n)
        lo = total // 2 if kind == "SAME" else total - total // 2
        pads.append((lo, total - lo))
    return pads


def _window_out_shape(name, spatial, window, strides, padding, base_dil, win_dil):
    out = []
    for n, k, s, (lo, hi), bd, wd in zip(spatial, window, strides, padding, base_dil,
                                         win_dil):
        padded = dilate_dim(n, bd) + lo + hi
        if padded < 0:
            raise ValueError(f"{name}: negative padding {(lo, hi)} is larger than the "
                             f"dilated dimension of size {dilate_dim(n, bd)}")
        out.append(stride_dim(padded, dilate_dim(k, wd), s))
    return tuple(out)


# ------------------------------------------------------------------ NumPy helpers

def _np_dilate(x: np.ndarray, dilation, fill) -> np.ndarray:
    if all(d == 1 for d in dilation):
        return x
    shape = tuple(dilate_dim(n, d) for n, d in zip(x.shape, dilation))
    out = np.full(shape, fill, dtype=x.dtype)
    out[tuple(slice(None, None, d) for d in dilation)] = x
    return out


def _np_pad(x: np.ndarray, pads, fill) -> np.ndarray:
    """Pad with ``fill``; negative amounts crop."""
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
    if any(lo or hi for lo, hi in grow):
        x = np.pad(x, grow, constant_values=fill)
    crop = tuple(slice(max(-lo, 0), x.shape[i] - max(-hi, 0))
                 for i, (lo, hi) in enumerate(pads))
    return x[crop]


# ------------------------------------------------------------ conv_general_dilated

class ConvDimensionNumbers(NamedTuple):
    """Axis indices: ``lhs_spec = (batch, feature, spatial...)``, ``rhs_spec = (out
    feature, in feature, spatial...)``, ``out_spec = (batch, feature, spatial...)``."""

    lhs_spec: tuple
    rhs_spec: tuple
    out_spec: tuple


def conv_general_permutations(dimension_numbers):
    """Axis-index specs from dimension-number strings such as ``('NHWC', 'HWIO', 'NHWC')``.

    'N'/'C' mark the batch and feature axes of lhs and out, 'O'/'I' the kernel's output
    and input feature axes; the other letters name the spatial axes, which are matched
    across the three strings by letter, in the kernel's order.
    """
    lhs_s, rhs_s, out_s = dimension_numbers
    charpairs = (("N", "C"), ("O", "I"), ("N", "C"))
    for i, (spec, (a, b)) in enumerate(zip(dimension_numbers, charpairs)):
        if not spec.count(a) == spec.count(b) == 1:
            raise TypeError(f"convolution dimension_numbers[{i}] must contain the characters "
                            f"'{a}' and '{b}' exactly once, got {spec}.")
        if len(spec) != len(set(spec)):
            raise TypeError(f"convolution dimension_numbers[{i}] cannot have duplicate "
                            f"characters, got {spec}.")
    spatial = [set(s) - set(p) for s, p in zip(dimension_numbers, charpairs)]
    if not spatial[0] == spatial[1] == spatial[2]:
        raise TypeError(f"convolution dimension_numbers elements must each have the same "
                        f"set of spatial characters, got {dimension_numbers}.")
    order = [c for c in rhs_s if c not in "OI"]

    def perm(spec, pair):
        return ((spec.index(pair[0]), spec.index(pair[1]))
                + tuple(spec.index(c) for c in order))

    return tuple(perm(s, p) for s, p in zip(dimension_numbers, charpairs))


def conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers) -> ConvDimensionNumbers:
    """``dimension_numbers`` (None, strings or a ``ConvDimensionNumbers``) in canonical form.

    None means ``NC...``/``OI...``/``NC...`` (lhs NCHW, kernel OIHW, out NCHW).
    """
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return ConvDimensionNumbers(*(tuple(operator.index(i) for i in s)
                                      for s in dimension_numbers))
    if len(lhs_shape) != len(rhs_shape):
        raise TypeError(f"convolution requires lhs and rhs ndim to be equal, got "
                        f"{len(lhs_shape)} and {len(rhs_shape)}.")
    if dimension_numbers is None:
        iota = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(iota, iota, iota)
    if not isinstance(dimension_numbers, (list, tuple)) or len(dimension_numbers) != 3:
        raise TypeError(f"convolution dimension_numbers must be None, a "
                        f"ConvDimensionNumbers or three strings, got {dimension_numbers!r}.")
    if not all(isinstance(s, str) for s in dimension_numbers):
        if all(isinstance(s, (tuple, list)) for s in dimension_numbers):
            return ConvDimensionNumbers(*(tuple(map(operator.index, s))
                                          for s in dimension_numbers))
        raise TypeError(f"convolution dimension_numbers elements must be strings, got "
                        f"{tuple(type(s).__name__ for s in dimension_numbers)}.")
    for i, spec in enumerate(dimension_numbers):
        if len(spec) != len(lhs_shape):
            raise TypeError(f"convolution dimension_numbers[{i}] must have len equal to the "
                            f"ndim of lhs and rhs, got {len(spec)} for lhs and rhs shapes "
                            f"{tuple(lhs_shape)} and {tuple(rhs_shape)}.")
    return ConvDimensionNumbers(*conv_general_permutations(dimension_numbers))


def _check_spec(spec, ndim, what):
    if sorted(spec) != list(range(ndim)):
        raise ValueError(f"conv_general_dilated: dimension_numbers.{what} {spec} must be a "
                         f"permutation of range({ndim})")


def _conv_shape(lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation,
                dimension_numbers, feature_group_count, batch_group_count):
    name = "conv_general_dilated"
    if lhs.ndim != rhs.ndim:
        raise ValueError(f"{name} lhs and rhs must have the same number of dimensions, but "
                         f"got {lhs.shape} and {rhs.shape}.")
    if lhs.ndim < 2:
        raise ValueError(f"{name} operands must have rank at least 2, got {lhs.shape}")
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    for spec, what in ((lhs_spec, "lhs_spec"), (rhs_spec, "rhs_spec"), (out_spec, "out_spec")):
        _check_spec(spec, lhs.ndim, what)
    nsp = lhs.ndim - 2
    for value, what in ((window_strides, "window_strides"), (padding, "padding"),
                        (lhs_dilation, "lhs_dilation"), (rhs_dilation, "rhs_dilation")):
        if len(value) != nsp:
            raise ValueError(f"{name}: {what} must have {nsp} entries (one per spatial "
                             f"dimension), got {value}")
    G, B = feature_group_count, batch_group_count
    if G < 1 or B < 1:
        raise ValueError(f"{name} feature_group_count and batch_group_count must be "
                         f"positive integers, got {G} and {B}.")
    if G > 1 and B > 1:
        raise ValueError(f"At most one of batch_group_count and feature_group_count may be "
                         f"> 1, got batch_group_count={B} and feature_group_count={G}")
    n, c = lhs.shape[lhs_spec[0]], lhs.shape[lhs_spec[1]]
    o, i = rhs.shape[rhs_spec[0]], rhs.shape[rhs_spec[1]]
    if c % G:
        raise ValueError(f"{name} feature_group_count must divide lhs feature dimension "
                         f"size, but {G} does not divide {c}.")
    if c // G != i:
        raise ValueError(f"{name} lhs feature dimension size divided by feature_group_count "
                         f"must equal the rhs input feature dimension size, but {c} // {G} "
                         f"!= {i}.")
    if o % G:
        raise ValueError(f"{name} rhs output feature dimension size must be a multiple of "
                         f"feature_group_count, but {o} is not a multiple of {G}.")
    if n % B:
        raise ValueError(f"{name} batch_group_count must divide lhs batch dimension size, "
                         f"but {B} does not divide {n}.")
    if o % B:
        raise ValueError(f"{name} rhs output feature dimension size must be a multiple of "
                         f"batch_group_count, but {o} is not a multiple of {B}.")
    spatial = [lhs.shape[d] for d in lhs_spec[2:]]
    window = [rhs.shape[d] for d in rhs_spec[2:]]
    out_sp = _window_out_shape(name, spatial, window, window_strides, padding, lhs_dilation,
                               rhs_dilation)
    canonical = (n // B, o) + out_sp
    out = [0] * lhs.ndim
    for j, d in enumerate(out_spec):
        out[d] = canonical[j]
    return tuple(out)


def _conv_abstract_eval(lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation,
                        dimension_numbers, feature_group_count, batch_group_count, precision,
                        preferred_element_type):
    dtype = _dot_general_dtype(lhs, rhs, preferred_element_type)
    shape = _conv_shape(lhs, rhs, window_strides=window_strides, padding=padding,
                        lhs_dilation=lhs_dilation, rhs_dilation=rhs_dilation,
                        dimension_numbers=dimension_numbers,
                        feature_group_count=feature_group_count,
                        batch_group_count=batch_group_count)
    weak = lhs.weak_type and rhs.weak_type and preferred_element_type is None
    return ShapedArray(shape, dtype, weak)


def _conv_impl(lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation,
               dimension_numbers, feature_group_count, batch_group_count, precision,
               preferred_element_type):
    out_dtype = np.dtype(lhs.dtype if preferred_element_type is None
                         else preferred_element_type)
    compute = _compute_dtype(np.promote_types(lhs.dtype, rhs.dtype), out_dtype)
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    nsp = lhs.ndim - 2
    G, B = feature_group_count, batch_group_count
    # Canonical layouts: x is (N, C, spatial...), w is (O, I, window...).
    x = np.transpose(lhs, lhs_spec).astype(compute)
    w = np.transpose(rhs, rhs_spec).astype(compute)
    x = _np_pad(_np_dilate(x, (1, 1) + tuple(lhs_dilation), 0), ((0, 0), (0, 0)) + padding, 0)
    w = _np_dilate(w, (1, 1) + tuple(rhs_dilation), 0)
    n, c = x.shape[:2]
    o, i = w.shape[:2]
    window = w.shape[2:]
    out_sp = tuple(stride_dim(x.shape[2 + d], window[d], window_strides[d])
                   for d in range(nsp))
    canonical = (n // B, o) + out_sp
    if 0 in canonical or 0 in window or i == 0:
        out = np.zeros(canonical, compute)
    else:
        spatial_axes = tuple(range(2, 2 + nsp))
        patches = np.lib.stride_tricks.sliding_window_view(x, window, axis=spatial_axes)
        patches = patches[(slice(None), slice(None))
                          + tuple(slice(None, None, s) for s in window_strides)]
        # patches: (N, C, out_spatial..., window...); split out the groups.
        patches = patches.reshape((B, n // B, G, i) + patches.shape[2:])
        kernel = w.reshape((B, G, o // (B * G), i) + window)
        P = string.ascii_letters[:nsp]
        K = string.ascii_letters[nsp:2 * nsp]
        spec = f"BnGi{P}{K},BGoi{K}->nBGo{P}"
        with np.errstate(all="ignore"):
            out = np.einsum(spec, patches, kernel, optimize=True)
        out = out.reshape(canonical)
    if dtypes.is_bool(out_dtype):
        out = out != 0
    else:
        with np.errstate(all="ignore"):
            out = out.astype(out_dtype)
    return np.ascontiguousarray(np.transpose(out, np.argsort(out_spec)))


conv_general_dilated_p = Primitive("conv_general_dilated")
conv_general_dilated_p.def_abstract_eval(_conv_abstract_eval)
conv_general_dilated_p.def_impl(_conv_impl)


def _conv_padding(name, lhs_shape, rhs_shape, dnums, window_strides, padding,
                  lhs_dilation, rhs_dilation):
    nsp = len(lhs_shape) - 2
    if isinstance(padding, str) or hasattr(padding, "name"):
        spatial = [lhs_shape[d] for d in dnums.lhs_spec[2:]]   # undilated, as in JAX
        window = [dilate_dim(rhs_shape[d], r) for d, r in zip(dnums.rhs_spec[2:],
                                                              rhs_dilation)]
        return tuple(tuple(p) for p in padtype_to_pads(spatial, window, window_strides,
                                                       padding))
    return _pairs(name, padding, nsp)


def conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=None,
                         rhs_dilation=None, dimension_numbers=None, feature_group_count=1,
                         batch_group_count=1, precision=None, preferred_element_type=None):
    """General n-d convolution with dilation and grouping (XLA's Convolution).

    ``padding``: 'SAME', 'SAME_LOWER', 'VALID' or ``n`` (low, high) pairs.
    ``dimension_numbers``: None (NCHW, OIHW, NCHW), a ``ConvDimensionNumbers``, or three
    strings such as ``('NHWC', 'HWIO', 'NHWC')``.  ``lhs_dilation`` is also known as a
    transposed convolution, ``rhs_dilation`` as an atrous one.
    """
    name = "conv_general_dilated"
    check_array(name, lhs)
    check_array(name, rhs, 1)
    la, ra = get_aval(lhs), get_aval(rhs)
    dnums = conv_dimension_numbers(la.shape, ra.shape, dimension_numbers)
    nsp = la.ndim - 2
    ones = (1,) * nsp
    window_strides = _ints(name, window_strides, "window_strides", nsp)
    lhs_dilation = ones if lhs_dilation is None else _ints(name, lhs_dilation,
                                                           "lhs_dilation", nsp)
    rhs_dilation = ones if rhs_dilation is None else _ints(name, rhs_dilation,
                                                           "rhs_dilation", nsp)
    if len(dnums.rhs_spec) != ra.ndim:
        raise ValueError(f"{name}: dimension_numbers {dnums} do not match operands of rank "
                         f"{la.ndim}")
    padding = _conv_padding(name, la.shape, ra.shape, dnums, window_strides, padding,
                            lhs_dilation, rhs_dilation)
    if preferred_element_type is not None:
        preferred_element_type = dtypes.canonicalize_dtype(preferred_element_type)
    return conv_general_dilated_p.bind(
        lhs, rhs, window_strides=window_strides, padding=padding, lhs_dilation=lhs_dilation,
        rhs_dilation=rhs_dilation, dimension_numbers=dnums,
        feature_group_count=operator.index(feature_group_count),
        batch_group_count=operator.index(batch_group_count),
        precision=canonicalize_precision(precision),
        preferred_element_type=preferred_element_type)


def conv(lhs, rhs, window_strides, padding, precision=None, preferred_element_type=None):
    """Convolution of NCHW ``lhs`` with an OIHW kernel (no dilation)."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, precision=precision,
                                preferred_element_type=preferred_element_type)


def conv_with_general_padding(lhs, rhs, window_strides, padding, lhs_dilation,
                              rhs_dilation, precision=None, preferred_element_type=None):
    """Convolution (NCHW, OIHW) with explicit padding and dilations."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=lhs_dilation,
                                rhs_dilation=rhs_dilation, precision=precision,
                                preferred_element_type=preferred_element_type)


def _conv_transpose_padding(k: int, s: int, padding: str):
    """(low, high) padding of the dilated input of a transposed convolution."""
    if padding == "SAME":
        total = k + s - 2
        lo = k - 1 if s > k - 1 else -(-total // 2)
    elif padding == "VALID":
        total = k + s - 2 + max(k - s, 0)
        lo = k - 1
    else:
        raise ValueError("Padding mode must be `SAME` or `VALID`.")
    return lo, total - lo


_TRANSPOSE_DEFAULT_DNUMS = {2: ("NC", "IO", "NC"), 3: ("NHC", "HIO", "NHC"),
                            4: ("NHWC", "HWIO", "NHWC"), 5: ("NHWDC", "HWDIO", "NHWDC")}


def conv_transpose(lhs, rhs, strides, padding, rhs_dilation=None, dimension_numbers=None,
                   transpose_kernel=False, precision=None, preferred_element_type=None):
    """Transposed convolution: the input is dilated by ``strides`` (Keras' Conv2DTranspose).

    String padding names the forward convolution's padding; explicit pairs pad the
    dilated input directly.  ``transpose_kernel=True`` flips the kernel's spatial axes
    and swaps its input and output feature axes (the gradient of a forward conv).
    """
    name = "conv_transpose"
    check_array(name, lhs)
    check_array(name, rhs, 1)
    la, ra = get_aval(lhs), get_aval(rhs)
    if la.ndim != ra.ndim or la.ndim < 2:
        raise ValueError(f"{name}: lhs and rhs must have the same rank (at least 2), got "
                         f"{la.shape} and {ra.shape}")
    if dimension_numbers is None:
        if la.ndim not in _TRANSPOSE_DEFAULT_DNUMS:
            raise ValueError("No 4+ dimensional dimension_number defaults.")
        dimension_numbers = _TRANSPOSE_DEFAULT_DNUMS[la.ndim]
    dnums = conv_dimension_numbers(la.shape, ra.shape, dimension_numbers)
    nsp = la.ndim - 2
    strides = _ints(name, strides, "strides", nsp)
    rhs_dilation = (1,) * nsp if rhs_dilation is None else _ints(name, rhs_dilation,
                                                                 "rhs_dilation", nsp)
    k_spatial = [ra.shape[d] for d in dnums.rhs_spec[2:]]
    if isinstance(padding, str):
        effective = [dilate_dim(k, r) for k, r in zip(k_spatial, rhs_dilation)]
        pads = tuple(_conv_transpose_padding(k, s, padding.upper())
                     for k, s in zip(effective, strides))
    else:
        pads = _pairs(name, padding, nsp)
    if transpose_kernel:
        rhs = rev(rhs, tuple(dnums.rhs_spec[2:]))
        perm = list(range(ra.ndim))
        o, i = dnums.rhs_spec[0], dnums.rhs_spec[1]
        perm[o], perm[i] = perm[i], perm[o]
        rhs = transpose(rhs, perm)
    return conv_general_dilated(lhs, rhs, (1,) * nsp, pads, lhs_dilation=strides,
                                rhs_dilation=rhs_dilation, dimension_numbers=dnums,
                                precision=precision,
                                preferred_element_type=preferred_element_type)


# ------------------------------------------------------------------ reduce_window

def _sum_identity(dtype):
    return np.zeros((), dtype)[()]


_WINDOW_REDUCTIONS = {
    # name: (accepted dtypes, NumPy ufunc, identity, accumulation dtype)
    "reduce_window_sum": (_NUMBER, np.add, _sum_identity, _accumulate_wide),
    "reduce_window_max": (_ANY, np.maximum, _max_identity, lambda d: d),
    "reduce_window_min": (_ANY, np.minimum, _min_identity, lambda d: d),
}


def _reduce_window_shape(name, operand, window_dimensions, window_strides, padding,
                         base_dilation, window_dilation):
    nd = operand.ndim
    for value, what in ((window_dimensions, "window_dimensions"),
                        (window_strides, "window_strides"), (padding, "padding"),
                        (base_dilation, "base_dilation"),
                        (window_dilation, "window_dilation")):
        if len(value) != nd:
            raise ValueError(f"{name}: {what} must have one entry per operand dimension "
                             f"({nd}), got {value}")
    if any(k < 0 for k in window_dimensions):
        raise ValueError(f"{name}: window_dimensions must be non-negative, got "
                         f"{window_dimensions}")
    for value, what in ((window_strides, "window_strides"), (base_dilation, "base_dilation"),
                        (window_dilation, "window_dilation")):
        if any(v < 1 for v in value):
            raise ValueError(f"{name}: {what} must be positive, got {value}")
    return _window_out_shape(name, operand.shape, window_dimensions, window_strides, padding,
                             base_dilation, window_dilation)


def _window_reduction(name: str) -> Primitive:
    accepted, ufunc, identity, wide = _WINDOW_REDUCTIONS[name]
    prim = Primitive(name)

    def abstract_eval(operand, *, window_dimensions, window_strides, padding, base_dilation,
                      window_dilation):
        _check_dtype(name, operand.dtype, accepted)
        shape = _reduce_window_shape(name, operand, window_dimensions, window_strides,
                                     padding, base_dilation, window_dilation)
        return ShapedArray(shape, operand.dtype, operand.weak_type)

    def impl(x, *, window_dimensions, window_strides, padding, base_dilation,
             window_dilation):
        init = identity(x.dtype)
        compute = wide(x.dtype)
        xp = _np_pad(_np_dilate(x, base_dilation, init), padding, init).astype(compute)
        out_shape = tuple(stride_dim(n, dilate_dim(k, wd), s) for n, k, s, wd in
                          zip(xp.shape, window_dimensions, window_strides, window_dilation))
        out = np.full(out_shape, init, dtype=compute)
        # One strided slice per window offset, combined into the output.
        with np.errstate(all="ignore"):
            for offset in itertools.product(*(range(k) for k in window_dimensions)):
                index = tuple(slice(o * wd, o * wd + (m - 1) * s + 1 if m else 0, s)
                              for o, wd, m, s in zip(offset, window_dilation, out_shape,
                                                     window_strides))
                ufunc(out, xp[index], out=out)
            return out.astype(x.dtype)

    prim.def_abstract_eval(abstract_eval)
    prim.def_impl(impl)
    return prim


reduce_window_sum_p = _window_reduction("reduce_window_sum")
reduce_window_max_p = _window_reduction("reduce_window_max")
reduce_window_min_p = _window_reduction("reduce_window_min")


def _window_params(name, operand, window_dimensions, window_strides, padding,
                   base_dilation=None, window_dilation=None):
    nd = get_aval(operand).ndim
    window_dimensions = _ints(name, window_dimensions, "window_dimensions", nd,
                              positive=False)
    window_strides = _ints(name, window_strides, "window_strides", nd)
    ones = (1,) * nd
    base_dilation = ones if base_dilation is None else _ints(name, base_dilation,
                                                             "base_dilation", nd)
    window_dilation = ones if window_dilation is None else _ints(name, window_dilation,
                                                                 "window_dilation", nd)
    if isinstance(padding, str) or hasattr(padding, "name"):
        # As JAX: the undilated operand and window shapes decide the padding.
        padding = tuple(tuple(p) for p in padtype_to_pads(
            get_aval(operand).shape, window_dimensions, window_strides, padding))
    else:
        padding = _pairs(name, padding, nd)
    return dict(window_dimensions=window_dimensions, window_strides=window_strides,
                padding=padding, base_dilation=base_dilation, window_dilation=window_dilation)


def _window_reducer(prim: Primitive, doc: str):
    name = prim.name

    def fn(operand, window_dimensions, window_strides, padding, base_dilation=None,
           window_dilation=None):
        check_array(name, operand)
        return prim.bind(operand, **_window_params(name, operand, window_dimensions,
                                                   window_strides, padding, base_dilation,
                                                   window_dilation))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"The {doc} of each window of ``operand`` (padding with the "
                  f"reduction's identity; 'SAME'/'VALID' or (low, high) pairs).")
    return fn


reduce_window_sum = _window_reducer(reduce_window_sum_p, "sum")
reduce_window_max = _window_reducer(reduce_window_max_p, "maximum")
reduce_window_min = _window_reducer(reduce_window_min_p, "minimum")


def _monoid(computation):
    """'sum'/'max'/'min' for lax.add/max/min (and their NumPy-API equivalents)."""
    known = {elementwise.add: "sum", elementwise.max: "max", elementwise.min: "min"}
    if computation in known:
        return known[computation]
    name = getattr(computation, "__name__", "")
    return {"add": "sum", "max": "max", "maximum": "max", "min": "min",
            "minimum": "min"}.get(name)


def reduce_window(operand, init_value, computation, window_dimensions, window_strides,
                  padding, base_dilation=None, window_dilation=None):
    """Reduce each window of ``operand`` with ``computation`` starting from ``init_value``.

    ``computation`` is ``lax.add``, ``lax.max`` or ``lax.min`` (the monoids XLA and
    plax have window primitives for); the result is ``computation(init_value,
    reduction of the window)``, so an identity ``init_value`` gives the bare reduction.
    """
    check_array("reduce_window", operand)
    kind = _monoid(computation)
    if kind is None:
        raise NotImplementedError(f"reduce_window: computation {computation!r} is not "
                                  f"supported; plax has window reductions for lax.add, "
                                  f"lax.max and lax.min")
    prim = {"sum": reduce_window_sum_p, "max": reduce_window_max_p,
            "min": reduce_window_min_p}[kind]
    out = prim.bind(operand, **_window_params("reduce_window", operand, window_dimensions,
                                              window_strides, padding, base_dilation,
                                              window_dilation))
    dtype = get_aval(operand).dtype
    identity = {"sum": _sum_identity, "max": _max_identity, "min": _min_identity}[kind](dtype)
    if _is_identity(init_value, identity):
        return out
    init = elementwise.convert_element_type(init_value, dtype)
    init = broadcast_in_dim(init, get_aval(out).shape, ())
    return {"sum": elementwise.add, "max": elementwise.max,
            "min": elementwise.min}[kind](init, out)


def _is_identity(value, identity) -> bool:
    try:
        v = np.asarray(value)
    except Exception:  # a tracer: not known to be the identity
        return False
    if v.shape != ():
        return False
    with np.errstate(all="ignore"):
        return bool(v == identity)


# ------------------------------------------------------------------ shape functions
# Shapes from shapes, as JAX's lax has them (stax computes layer output shapes with
# them; a batch size of -1, "unknown", passes through).

def conv_shape_tuple(lhs_shape, rhs_shape, strides, pads, batch_group_count=1):
    """The output shape of a conv with canonical (NC..., OI..., NC...) layouts."""
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    if len(pads) != len(lhs_shape) - 2:
        raise TypeError(f"Wrong number of explicit pads for convolution: expected "
                        f"{len(lhs_shape) - 2}, got {len(pads)}.")
    spatial = tuple(stride_dim(n + lo + hi, k, s) for n, k, s, (lo, hi)
                    in zip(lhs_shape[2:], rhs_shape[2:], strides, pads))
    batch = lhs_shape[0] // batch_group_count if batch_group_count > 1 else lhs_shape[0]
    return (batch, rhs_shape[0]) + spatial


def conv_general_shape_tuple(lhs_shape, rhs_shape, window_strides, padding,
                             dimension_numbers):
    """The output shape of ``conv_general_dilated`` (no dilation) from the operand shapes."""
    lhs_perm, rhs_perm, out_perm = conv_dimension_numbers(lhs_shape, rhs_shape,
                                                          dimension_numbers)
    lhs_t = tuple(lhs_shape[d] for d in lhs_perm)
    rhs_t = tuple(rhs_shape[d] for d in rhs_perm)
    out_t = conv_shape_tuple(lhs_t, rhs_t, window_strides, padding)
    return tuple(out_t[i] for i in np.argsort(out_perm))


def conv_transpose_shape_tuple(lhs_shape, rhs_shape, window_strides, padding,
                               dimension_numbers):
    """The output shape of ``conv_transpose`` from the operand shapes."""
    lhs_perm, rhs_perm, out_perm = conv_dimension_numbers(lhs_shape, rhs_shape,
                                                          dimension_numbers)
    lhs_t = tuple(lhs_shape[d] for d in lhs_perm)
    rhs_t = tuple(rhs_shape[d] for d in rhs_perm)
    if isinstance(padding, str):
        padding = [_conv_transpose_padding(k, s, padding.upper())
                   for k, s in zip(rhs_t[2:], window_strides)]
    spatial = tuple((n - 1) * s - k + 2 + lo + hi for n, k, s, (lo, hi)
                    in zip(lhs_t[2:], rhs_t[2:], window_strides, padding))
    out_t = (lhs_t[0], rhs_t[0]) + spatial
    return tuple(out_t[i] for i in np.argsort(out_perm))


def reduce_window_shape_tuple(operand_shape, window_dimensions, window_strides, padding,
                              base_dilation=None, window_dilation=None):
    """The output shape of a window reduction (explicit padding pairs)."""
    ones = (1,) * len(operand_shape)
    base_dilation = base_dilation or ones
    window_dilation = window_dilation or ones
    return tuple(n if n < 0 else stride_dim(dilate_dim(n, bd) + lo + hi, dilate_dim(k, wd), s)
                 for n, k, s, (lo, hi), bd, wd in zip(operand_shape, window_dimensions,
                                                      window_strides, padding, base_dilation,
                                                      window_dilation))
