"""Products: dot, vdot, matmul, inner, outer, tensordot, kron-free einsum; cross, matvec,
vecmat, and 1-D convolve/correlate (on conv).

``einsum`` asks opt_einsum for a contraction order, then runs each pairwise step as
one ``dot_general`` (with batch dimensions for labels kept in the output), after
taking diagonals of repeated labels and summing labels no one else needs.
"""

from __future__ import annotations

import operator

import numpy as np
import opt_einsum

from plax_core import dtypes, lax, ops
from plax_core.core import get_aval

from ._shape import concatenate

__all__ = ["dot", "vdot", "vecdot", "matmul", "inner", "outer", "tensordot", "einsum",
           "einsum_path", "trace", "diagonal", "kron", "convolve", "correlate", "cross",
           "matvec", "vecmat"]

dot = ops.dot
matmul = ops.matmul


def vdot(a, b, *, precision=None, preferred_element_type=None):
    """Dot product of the flattened arrays, conjugating the first."""
    a, b = ops.operand(a, "vdot"), ops.operand(b, "vdot", 1)
    a, b = ops.promote_dtypes(ops.ravel(ops.conj(a)), ops.ravel(b))
    if get_aval(a).shape != get_aval(b).shape:
        raise TypeError(f"vdot: the operands have {get_aval(a).shape[0]} and "
                        f"{get_aval(b).shape[0]} elements; they must have the same size")
    return _contract(a, b, (((0,), (0,)), ((), ())), precision, preferred_element_type)


def _contract(a, b, dims, precision, preferred_element_type):
    """``lax.dot_general`` with JAX's NumPy-level dtype rule: the product accumulates in
    ``preferred_element_type`` when given, and the result has that dtype."""
    if preferred_element_type is None:
        return lax.dot_general(a, b, dims, precision=precision)
    out = lax.dot_general(a, b, dims, precision=precision,
                          preferred_element_type=preferred_element_type)
    return ops.astype(out, preferred_element_type)


def _accumulate_in(preferred_element_type, *xs):
    """``(operands, finish)`` for JAX's preferred_element_type at the NumPy level: a
    type at least as wide as the inputs' is accumulated in (the operands are cast to
    it); a narrowing one (float -> int, complex -> real, a narrower float) is computed
    in the inputs' type and converted at the end, as XLA's dot does."""
    if preferred_element_type is None:
        return xs, lambda r: r
    pref = np.dtype(dtypes.canonicalize_dtype(preferred_element_type))
    inp = get_aval(xs[0]).dtype
    narrowing = dtypes.is_inexact(inp) and (
        not dtypes.is_inexact(pref) or dtypes.is_complex(inp) and not dtypes.is_complex(pref)
        or not dtypes.is_complex(pref) and pref.itemsize < inp.itemsize)
    if narrowing:
        return xs, lambda r: lax.convert_element_type(r, pref)
    return tuple(ops.astype(x, pref) for x in xs), lambda r: r


def vecdot(x1, x2, /, *, axis=-1, precision=None, preferred_element_type=None):
    """Vector dot products along ``axis`` (the first argument conjugated), broadcasting
    the other dimensions; ``preferred_element_type`` sets the accumulation dtype."""
    x1, x2 = ops.promote_args("vecdot", x1, x2)
    (x1, x2), finish = _accumulate_in(preferred_element_type, x1, x2)
    return finish(ops.sum(ops.multiply(ops.conj(x1), x2), axis=axis))


def inner(a, b, *, precision=None, preferred_element_type=None):
    """Sum product over the last axes."""
    a, b = ops.operand(a, "inner"), ops.operand(b, "inner", 1)
    sa, sb = get_aval(a).shape, get_aval(b).shape
    if not sa or not sb:
        out = ops.multiply(a, b)
        return out if preferred_element_type is None else ops.astype(out, preferred_element_type)
    if sa[-1] != sb[-1]:
        raise TypeError(f"inner: shapes {sa} and {sb} do not match in their last "
                        f"dimension ({sa[-1]} != {sb[-1]})")
    a, b = ops.promote_dtypes(a, b)
    return _contract(a, b, (((len(sa) - 1,), (len(sb) - 1,)), ((), ())), precision,
                     preferred_element_type)


def outer(a, b, out=None):
    """The outer product of the flattened ``a`` and ``b``."""
    if out is not None:
        raise NotImplementedError("outer: the 'out' argument is not supported")
    a = ops.ravel(ops.operand(a, "outer"))
    b = ops.ravel(ops.operand(b, "outer", 1))
    return ops.multiply(ops.reshape(a, (-1, 1)), ops.reshape(b, (1, -1)))


def kron(a, b):
    """The Kronecker product of ``a`` and ``b``."""
    a, b = ops.operand(a, "kron"), ops.operand(b, "kron", 1)
    sa, sb = get_aval(a).shape, get_aval(b).shape
    nd = max(len(sa), len(sb))
    sa, sb = (1,) * (nd - len(sa)) + sa, (1,) * (nd - len(sb)) + sb
    a = ops.reshape(a, tuple(x for d in sa for x in (d, 1)))
    b = ops.reshape(b, tuple(x for d in sb for x in (1, d)))
    return ops.reshape(ops.multiply(a, b), tuple(x * y for x, y in zip(sa, sb)))


def tensordot(a, b, axes=2, *, precision=None, preferred_element_type=None):
    """Sum products over ``axes``: an int N (a's last N with b's first N) or two sequences."""
    a, b = ops.operand(a, "tensordot"), ops.operand(b, "tensordot", 1)
    sa, sb = get_aval(a).shape, get_aval(b).shape
    if isinstance(axes, (int, np.integer)):
        n = operator.index(axes)
        if n < 0 or n > min(len(sa), len(sb)):
            raise ValueError(f"tensordot: axes={n} is out of range for shapes {sa} and {sb}")
        ca, cb = tuple(range(len(sa) - n, len(sa))), tuple(range(n))
    else:
        try:
            ax_a, ax_b = axes
        except (TypeError, ValueError):
            raise TypeError(f"tensordot: axes must be an int or a pair of sequences, got "
                            f"{axes!r}") from None
        ax_a = (ax_a,) if isinstance(ax_a, (int, np.integer)) else tuple(ax_a)
        ax_b = (ax_b,) if isinstance(ax_b, (int, np.integer)) else tuple(ax_b)
        if len(ax_a) != len(ax_b):
            raise ValueError(f"tensordot: the axes lists differ in length: {ax_a} and {ax_b}")
        ca = tuple(ops.canonicalize_axis(x, len(sa), "tensordot") for x in ax_a)
        cb = tuple(ops.canonicalize_axis(x, len(sb), "tensordot") for x in ax_b)
    for x, y in zip(ca, cb):
        if sa[x] != sb[y]:
            raise TypeError(f"tensordot: shape mismatch: a has shape {sa} and b has shape "
                            f"{sb}; axis {x} of a has size {sa[x]} but axis {y} of b has "
                            f"size {sb[y]}")
    a, b = ops.promote_dtypes(a, b)
    return _contract(a, b, ((ca, cb), ((), ())), precision, preferred_element_type)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal over ``axis1``/``axis2`` (moved to the last axis), via a mask and a sum."""
    a = ops.operand(a, "diagonal")
    s = get_aval(a).shape
    if len(s) < 2:
        raise ValueError(f"diagonal: a must be at least 2-d, got shape {s}")
    a = ops.moveaxis(a, (axis1, axis2), (-2, -1))
    s = get_aval(a).shape
    n, m = s[-2:]
    offset = operator.index(offset)
    if offset >= 0:
        a = lax.slice_in_dim(a, min(offset, m), m, axis=len(s) - 1)
    else:
        a = lax.slice_in_dim(a, min(-offset, n), n, axis=len(s) - 2)
    s = get_aval(a).shape
    k = min(s[-2], s[-1])
    a = lax.slice_in_dim(lax.slice_in_dim(a, 0, k, axis=len(s) - 2), 0, k, axis=len(s) - 1)
    return _diag_last(a)


def _diag_last(a):
    s = get_aval(a).shape
    k = s[-1]
    rows = lax.broadcasted_iota(np.int32, (k, k), 0)
    cols = lax.broadcasted_iota(np.int32, (k, k), 1)
    mask = ops.broadcast_to(lax.eq(rows, cols), s, "diagonal")
    picked = lax.select(mask, a, lax.full_like(a, 0))
    return _sum_keep_dtype(picked, (len(s) - 1,))


def _sum_keep_dtype(x, axes):
    if not axes:
        return x
    if ops.dtype_kind(x) == "b":
        return lax.reduce_or(x, tuple(axes))
    return lax.reduce_sum(x, tuple(axes))


def trace(a, offset=0, axis1=0, axis2=1, dtype=None):
    """The sum along diagonal ``offset`` of the 2-d slices of ``a`` over ``axis1`` and
    ``axis2``.
    """
    return ops.sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


# ------------------------------------------------------------------ einsum

def einsum_path(subscripts, *operands, optimize="greedy"):
    """The contraction order ``einsum`` would use for these operands, as NumPy's
    ``einsum_path``.
    """
    shapes = [get_aval(ops.operand(o, "einsum_path", i)).shape
              for i, o in enumerate(operands)]
    return opt_einsum.contract_path(subscripts, *shapes, shapes=True, optimize=optimize)


def einsum(subscripts, *operands, out=None, optimize="auto", precision=None,
           preferred_element_type=None):
    """Einstein summation (``'ij,jk->ik'``, ``'...'`` broadcasting, implicit output)."""
    if out is not None:
        raise NotImplementedError("einsum: the 'out' argument is not supported")
    if not isinstance(subscripts, str):
        raise NotImplementedError("einsum: only the string form of subscripts is supported "
                                  "(not the interleaved operand/sublist form)")
    operands = [ops.operand(o, "einsum", i + 1) for i, o in enumerate(operands)]
    if not operands:
        raise ValueError("einsum: no operands given")
    shapes = [get_aval(o).shape for o in operands]
    try:
        _, steps = opt_einsum.contract_path(subscripts.replace(" ", ""), *shapes, shapes=True,
                                            einsum_call=True, optimize=optimize)
    except ValueError as e:
        raise ValueError(f"einsum: {e} (subscripts {subscripts!r}, operand shapes "
                         f"{', '.join(map(str, shapes))})") from None
    operands = list(ops.promote_dtypes(*operands)) if len(operands) > 1 else operands
    operands, finish = _accumulate_in(preferred_element_type, *operands)
    operands = list(operands)
    for step in steps:
        inds, einsum_str = step[0], step[2]
        picked = [operands.pop(i) for i in inds]
        inputs, output = einsum_str.split("->")
        labels = inputs.split(",")
        operands.append(_einsum_step(picked, labels, output))
    (result,) = operands
    return finish(result)


def _einsum_step(operands, labels, output):
    """One contraction step: fold the operands pairwise, left to right."""
    x, lab = operands[0], labels[0]
    if len(operands) == 1:
        return _einsum_unary(x, lab, output)
    for i in range(1, len(operands)):
        later = set(output).union(*labels[i + 1:])
        here = lab + "".join(c for c in labels[i] if c not in lab)
        out = "".join(dict.fromkeys(c for c in here if c in later))
        if i == len(operands) - 1:
            out = output
        x, lab = _einsum_binary(x, lab, operands[i], labels[i], out), out
    return x


def _take_diagonals(x, labels: str):
    """Collapse repeated labels of one operand onto their diagonal."""
    labels = list(labels)
    while True:
        seen = {}
        pair = None
        for i, lab in enumerate(labels):
            if lab in seen:
                pair = (seen[lab], i)
                break
            seen[lab] = i
        if pair is None:
            return x, "".join(labels)
        i, j = pair
        s = get_aval(x).shape
        if s[i] != s[j]:
            raise ValueError(f"einsum: label {labels[i]!r} is repeated with sizes {s[i]} and "
                             f"{s[j]}")
        x = ops.moveaxis(x, (i, j), (-2, -1))
        rest = [lab for k, lab in enumerate(labels) if k not in (i, j)]
        x = _diag_last(x)
        labels = rest + [labels[i]]


def _sum_unneeded(x, labels: str, keep: set):
    axes = tuple(i for i, lab in enumerate(labels) if lab not in keep)
    return _sum_keep_dtype(x, axes), "".join(lab for lab in labels if lab in keep)


def _to_output(x, labels: str, output: str):
    if labels == output:
        return x
    return ops.transpose(x, tuple(labels.index(lab) for lab in output))


def _einsum_unary(x, labels, output):
    x, labels = _take_diagonals(x, labels)
    x, labels = _sum_unneeded(x, labels, set(output))
    return _to_output(x, labels, output)


def _einsum_binary(lhs, llab, rhs, rlab, output):
    lhs, llab = _take_diagonals(lhs, llab)
    rhs, rlab = _take_diagonals(rhs, rlab)
    lhs, llab = _sum_unneeded(lhs, llab, set(output) | set(rlab))
    rhs, rlab = _sum_unneeded(rhs, rlab, set(output) | set(llab))
    shared = [lab for lab in llab if lab in rlab]
    # a shared label of size 1 on one side broadcasts ('...' broadcasting)
    ls, rs = get_aval(lhs).shape, get_aval(rhs).shape
    lsize = {lab: ls[i] for i, lab in enumerate(llab)}
    rsize = {lab: rs[i] for i, lab in enumerate(rlab)}
    for lab in shared:
        if lsize[lab] != rsize[lab]:
            if lsize[lab] == 1:
                lhs = _grow(lhs, llab.index(lab), rsize[lab])
            elif rsize[lab] == 1:
                rhs = _grow(rhs, rlab.index(lab), lsize[lab])
            else:
                raise ValueError(f"einsum: label {lab!r} has sizes {lsize[lab]} and "
                                 f"{rsize[lab]} in different operands")
    batch = [lab for lab in shared if lab in output]
    contract = [lab for lab in shared if lab not in output]
    lfree = "".join(lab for lab in llab if lab not in shared)
    rfree = "".join(lab for lab in rlab if lab not in shared)
    if "".join(batch) + rfree + lfree == output != "".join(batch) + lfree + rfree:
        lhs, llab, rhs, rlab, lfree, rfree = rhs, rlab, lhs, llab, rfree, lfree  # no transpose
    dims = ((tuple(llab.index(c) for c in contract), tuple(rlab.index(c) for c in contract)),
            (tuple(llab.index(b) for b in batch), tuple(rlab.index(b) for b in batch)))
    out = lax.dot_general(lhs, rhs, dims)
    return _to_output(out, "".join(batch) + lfree + rfree, output)


def _grow(x, axis, size):
    s = list(get_aval(x).shape)
    s[axis] = size
    return ops.broadcast_to(x, tuple(s), "einsum")


def _inexact2(fname, x, y):
    """Both operands in their common inexact dtype, shapes unchanged."""
    return ops.promote_dtypes_inexact(ops.operand(x, fname), ops.operand(y, fname, 1))


# ------------------------------------------------------------------ convolution

def _conv1d(fname, a, v, mode, flip, conj):
    a, v = _inexact2(fname, a, v)
    sa, sv = get_aval(a).shape, get_aval(v).shape
    if len(sa) != 1 or len(sv) != 1:
        raise ValueError(f"{fname}: both inputs must be 1-d, got shapes {sa} and {sv}")
    n, m = sa[0], sv[0]
    if n == 0 or m == 0:
        raise ValueError(f"{fname}: inputs cannot be empty, got shapes {sa} and {sv}")
    if flip:
        v = lax.rev(v, (0,))
    if conj and ops.dtype_kind(v) == "c":
        v = lax.conj(v)
    out = lax.conv_general_dilated(ops.reshape(a, (1, 1, n)), ops.reshape(v, (1, 1, m)),
                                   (1,), [(m - 1, m - 1)])
    out = ops.reshape(out, (n + m - 1,))
    small, big = min(n, m), max(n, m)
    if mode == "full":
        return out
    if mode == "same":
        # NumPy's correlate swaps and reverses its inputs when v is the longer one, which
        # moves the centre of an even-length a by one.
        start = small // 2 if not flip and n < m else (small - 1) // 2
        length = big
    elif mode == "valid":
        start, length = small - 1, big - small + 1
    else:
        raise ValueError(f"{fname}: mode must be 'full', 'same' or 'valid', got {mode!r}")
    return lax.slice_in_dim(out, start, start + length)


def convolve(a, v, mode="full", *, precision=None, preferred_element_type=None):
    """Discrete linear convolution of two 1-d arrays."""
    return _conv1d("convolve", a, v, mode, True, False)


def correlate(a, v, mode="valid", *, precision=None, preferred_element_type=None):
    """Cross-correlation of two 1-d arrays: ``c[k] = sum_n a[n+k] conj(v[n])``."""
    return _conv1d("correlate", a, v, mode, False, True)


# ------------------------------------------------------------------ vector products

def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors along the given axes (broadcasting the rest)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a = ops.moveaxis(ops.operand(a, "cross"), axisa, -1)
    b = ops.moveaxis(ops.operand(b, "cross", 1), axisb, -1)
    a, b = ops.promote_dtypes(a, b)
    na, nb = get_aval(a).shape[-1], get_aval(b).shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(f"cross: incompatible dimensions for cross product (dimension must "
                         f"be 2 or 3), got {na} and {nb}")

    def comp(x, i, n):
        return lax.index_in_dim(x, i, axis=get_aval(x).ndim - 1, keepdims=False) \
            if i < n else None

    a0, a1, a2 = (comp(a, i, na) for i in range(3))
    b0, b1, b2 = (comp(b, i, nb) for i in range(3))
    mul, sub = ops.multiply, ops.subtract
    z = sub(mul(a0, b1), mul(a1, b0))
    if na == 2 and nb == 2:
        return z
    x = sub(mul(a1, b2), mul(a2, b1)) if a2 is not None and b2 is not None else (
        mul(a1, b2) if a2 is None else ops.negative(mul(a2, b1)))
    y = sub(mul(a2, b0), mul(a0, b2)) if a2 is not None and b2 is not None else (
        ops.negative(mul(a0, b2)) if a2 is None else mul(a2, b0))
    x, y, z = ops.broadcast_arrays(x, y, z)
    out = concatenate([ops.expand_dims(t, -1) for t in (x, y, z)], -1)
    return ops.moveaxis(out, -1, axisc)


def matvec(x1, x2, /):
    """Matrix-vector product over the last two axes of ``x1`` (batch axes broadcast)."""
    return einsum("...ij,...j->...i", x1, x2)


def vecmat(x1, x2, /):
    """``conj(x1)`` (vectors) times the matrices ``x2``."""
    x1 = ops.operand(x1, "vecmat")
    return einsum("...i,...ij->...j", ops.conj(x1), x2)
