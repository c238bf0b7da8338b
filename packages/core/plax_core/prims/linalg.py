"""Linear-algebra primitives: cholesky, triangular_solve, lu, qr, eigh, svd, eig.

Every primitive works on the trailing two dimensions (the matrices); the leading
dimensions are batch dimensions, so that a batching rule only has to move the batch
axis to the front.  The element types are float32/float64/complex64/complex128 (those
LAPACK has).  The NumPy implementations call NumPy's and SciPy's LAPACK wrappers
matrix by matrix where NumPy has no batched routine.

Outputs follow ``jax.lax.linalg``:

- ``cholesky(a)``: the lower factor ``L`` (``a = L L^H``); NaNs where ``a`` is not
  positive definite.  Only the lower triangle of ``a`` is read.
- ``triangular_solve(a, b, left_side, lower, transpose_a, conjugate_a,
  unit_diagonal)``: ``x`` with ``op(a) x = b`` (left side) or ``x op(a) = b``.
- ``lu(a)``: ``(lu, pivots, permutation)``, ``pivots`` 0-based row swaps (int32,
  ``min(m, n)`` of them) and ``permutation`` the row order they make (int32, ``m``).
- ``qr(a, full_matrices)``: ``(q, r)``.
- ``eigh(a, lower, sort_eigenvalues)``: ``(v, w)``, eigenvalues ascending and real.
- ``svd(a, full_matrices, compute_uv)``: ``(s, u, vt)``, or ``(s,)``.
- ``eig(a, compute_left_eigenvectors, compute_right_eigenvectors)``: ``(w, [vl],
  [vr])``, all complex.
"""

from __future__ import annotations

import types

import numpy as np
import scipy.linalg

from .. import dtypes
from ..core import Primitive, ShapedArray, get_aval
from . import control_flow, elementwise, reductions, structural
from .elementwise import add, conj, div
from .structural import check_array, transpose

__all__ = ["cholesky", "eig", "eigh", "lu", "lu_pivots_to_permutation", "qr", "svd",
           "triangular_solve"]

_LAPACK_TYPES = tuple(np.dtype(d) for d in (np.float32, np.float64, np.complex64,
                                            np.complex128))


def complex_dtype(dtype) -> np.dtype:
    return np.dtype(np.complex64 if np.dtype(dtype).itemsize <= 4 or
                    np.dtype(dtype) == np.complex64 else np.complex128)


def real_dtype(dtype) -> np.dtype:
    return np.dtype(np.float32 if np.dtype(dtype) in (np.float32, np.complex64)
                    else np.float64)


def _check_matrix(name: str, aval: ShapedArray, square: bool = True, what="operand"):
    if aval.dtype not in _LAPACK_TYPES:
        raise TypeError(f"{name} requires a float32, float64, complex64 or complex128 "
                        f"{what}, got {aval.dtype.name}")
    if aval.ndim < 2:
        raise ValueError(f"{name} requires a {what} of rank >= 2 (batch dimensions, then "
                         f"a matrix), got shape {aval.shape}")
    if square and aval.shape[-1] != aval.shape[-2]:
        raise ValueError(f"{name} requires square matrices, got a {what} of shape "
                         f"{aval.shape}")


def _batched(fn, *arrays, n_out):
    """Apply ``fn`` (one matrix per operand -> n_out arrays) over the batch dims."""
    batch = arrays[0].shape[:-2]
    outs = None
    for idx in np.ndindex(*batch):
        res = fn(*(a[idx] for a in arrays))
        if outs is None:
            outs = [np.empty(batch + np.shape(r), np.asarray(r).dtype) for r in res]
        for o, r in zip(outs, res):
            o[idx] = r
    return outs


def _matrix_prim(name, abstract_eval, impl, multiple_results=False):
    prim = Primitive(name, multiple_results=multiple_results)
    prim.def_abstract_eval(abstract_eval)
    prim.def_impl(impl)
    return prim


# ------------------------------------------------------------------ cholesky

def _cholesky_abstract_eval(a):
    _check_matrix("cholesky", a)
    return ShapedArray(a.shape, a.dtype)


def _cholesky_one(a):
    try:
        return (np.linalg.cholesky(a),)
    except np.linalg.LinAlgError:
        return (np.full(a.shape, np.nan, a.dtype),)


def _cholesky_impl(a):
    a = np.tril(a) + np.conj(np.swapaxes(np.tril(a, -1), -1, -2))   # read lower only
    if a.size == 0:
        return a.copy()
    try:
        return np.linalg.cholesky(a).astype(a.dtype)
    except np.linalg.LinAlgError:
        return _batched(_cholesky_one, a, n_out=1)[0]


cholesky_p = _matrix_prim("cholesky", _cholesky_abstract_eval, _cholesky_impl)


def cholesky(x, *, symmetrize_input: bool = True):
    """The lower Cholesky factor of each (Hermitian positive definite) matrix of ``x``;
    NaNs where a matrix is not positive definite."""
    check_array("cholesky", x)
    _check_matrix("cholesky", get_aval(x))
    if symmetrize_input:
        x = symmetrize(x)
    return cholesky_p.bind(x)


def symmetrize(x):
    """``(x + x^H) / 2`` on the trailing two dimensions."""
    aval = get_aval(x)
    nd = aval.ndim
    xt = transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))
    if dtypes.is_complex(aval.dtype):
        xt = conj(xt)
    return div(add(x, xt), np.array(2, aval.dtype))


# ------------------------------------------------------------- triangular_solve

_SOLVE_PARAMS = ("left_side", "lower", "transpose_a", "conjugate_a", "unit_diagonal")


def _triangular_solve_abstract_eval(a, b, *, left_side, lower, transpose_a, conjugate_a,
                                    unit_diagonal):
    _check_matrix("triangular_solve", a, what="a")
    _check_matrix("triangular_solve", b, square=False, what="b")
    if a.dtype != b.dtype:
        raise TypeError(f"triangular_solve requires a and b of one dtype, got "
                        f"{a.dtype.name} and {b.dtype.name}")
    if a.shape[:-2] != b.shape[:-2]:
        raise ValueError(f"triangular_solve requires a and b with the same batch "
                         f"dimensions, got shapes {a.shape} and {b.shape}")
    m = b.shape[-2] if left_side else b.shape[-1]
    if a.shape[-1] != m:
        side = "rows" if left_side else "columns"
        raise ValueError(f"triangular_solve: a of shape {a.shape} does not match the "
                         f"{side} of b of shape {b.shape} (left_side={left_side})")
    return ShapedArray(b.shape, b.dtype)


def effective_triangle(a, *, lower, transpose_a, conjugate_a, unit_diagonal):
    """NumPy: ``op(a)`` with the unread triangle zeroed, and whether it is lower."""
    t = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        n = a.shape[-1]
        t = t.copy()
        t[..., np.arange(n), np.arange(n)] = 1
    if conjugate_a:
        t = np.conj(t)
    if transpose_a:
        t = np.swapaxes(t, -1, -2)
        lower = not lower
    return t, lower


def _triangular_solve_impl(a, b, *, left_side, lower, transpose_a, conjugate_a,
                           unit_diagonal):
    t, eff_lower = effective_triangle(a, lower=lower, transpose_a=transpose_a,
                                      conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)
    if b.size == 0:
        return np.zeros(b.shape, b.dtype)

    def one(tm, bm):
        with np.errstate(all="ignore"):
            if left_side:
                return (scipy.linalg.solve_triangular(tm, bm, lower=eff_lower,
                                                      check_finite=False),)
            x = scipy.linalg.solve_triangular(tm.T, bm.T, lower=not eff_lower,
                                              check_finite=False)
            return (x.T,)

    return _batched(one, t, b, n_out=1)[0].astype(b.dtype)


triangular_solve_p = _matrix_prim("triangular_solve", _triangular_solve_abstract_eval,
                                  _triangular_solve_impl)


def triangular_solve(a, b, *, left_side: bool = False, lower: bool = False,
                     transpose_a: bool = False, conjugate_a: bool = False,
                     unit_diagonal: bool = False):
    """Solve ``op(a) x = b`` (``left_side``) or ``x op(a) = b`` for triangular ``a``.

    ``op`` transposes and/or conjugates ``a`` as asked; only the ``lower`` (or upper)
    triangle of ``a`` is read, and its diagonal is taken as ones with
    ``unit_diagonal``.  Leading dimensions of ``a`` and ``b`` are batch dimensions.
    """
    check_array("triangular_solve", a)
    check_array("triangular_solve", b, 1)
    return triangular_solve_p.bind(a, b, left_side=bool(left_side), lower=bool(lower),
                                   transpose_a=bool(transpose_a),
                                   conjugate_a=bool(conjugate_a),
                                   unit_diagonal=bool(unit_diagonal))


# ------------------------------------------------------------------ lu

def _lu_abstract_eval(a):
    _check_matrix("lu", a, square=False)
    *batch, m, n = a.shape
    batch = tuple(batch)
    i32 = np.dtype(np.int32)
    return [ShapedArray(a.shape, a.dtype), ShapedArray(batch + (min(m, n),), i32),
            ShapedArray(batch + (m,), i32)]


def pivots_to_permutation_np(piv, m):
    perm = np.arange(m, dtype=np.int32)
    for i, p in enumerate(piv):
        perm[i], perm[p] = perm[p], perm[i]
    return perm


def _lu_one(a):
    m, n = a.shape
    if a.size == 0:
        return a.copy(), np.zeros(min(m, n), np.int32), np.arange(m, dtype=np.int32)
    (getrf,) = scipy.linalg.get_lapack_funcs(("getrf",), (a,))
    lu, piv, _ = getrf(a)
    piv = np.asarray(piv, np.int32)
    return lu.astype(a.dtype), piv, pivots_to_permutation_np(piv, m)


def _lu_impl(a):
    *batch, m, n = a.shape
    if not batch:
        return list(_lu_one(a))
    if 0 in batch:
        batch = tuple(batch)
        return [np.zeros(a.shape, a.dtype), np.zeros(batch + (min(m, n),), np.int32),
                np.zeros(batch + (m,), np.int32)]
    return _batched(_lu_one, a, n_out=3)


lu_p = _matrix_prim("lu", _lu_abstract_eval, _lu_impl, multiple_results=True)


def lu(x):
    """LU decomposition with partial pivoting: ``(lu, pivots, permutation)``.

    ``x[..., permutation, :] == L @ U`` with ``L`` the unit lower triangle of ``lu``
    and ``U`` its upper triangle; ``pivots`` are LAPACK's row swaps, 0-based.
    """
    check_array("lu", x)
    return tuple(lu_p.bind(x))


# The lax functions lu_pivots_to_permutation is written with, from their families.
_LU_LAX = types.SimpleNamespace(
    convert_element_type=elementwise.convert_element_type, eq=elementwise.eq,
    full=elementwise.full, select=elementwise.select,
    broadcast_in_dim=structural.broadcast_in_dim, broadcasted_iota=structural.broadcasted_iota,
    reduce_sum=reductions.reduce_sum, fori_loop=control_flow.fori_loop)


def lu_pivots_to_permutation(pivots, permutation_size: int):
    """The row permutation (int32) that the 0-based row swaps ``pivots`` make, applied
    in order to ``arange(permutation_size)``; leading dimensions are batch dimensions.

    Written with lax operations (a ``fori_loop`` over the swaps), so it can be traced:
    plax-xla lowers ``lu``'s permutation with it.
    """
    lax = _LU_LAX
    check_array("lu_pivots_to_permutation", pivots)
    aval = get_aval(pivots)
    *batch, k = aval.shape
    m = int(permutation_size)
    pivots = lax.convert_element_type(pivots, np.int32)
    shape = tuple(batch) + (m,)
    perm = lax.broadcasted_iota(np.int32, shape, len(shape) - 1)
    if k == 0 or m == 0:
        return perm
    kshape = tuple(batch) + (k,)
    iota_k = lax.broadcasted_iota(np.int32, kshape, len(batch))
    iota_m = lax.broadcasted_iota(np.int32, shape, len(batch))
    zero_k, zero_m = lax.full(kshape, 0, np.int32), lax.full(shape, 0, np.int32)
    last = (len(batch),)

    def pick(mask, values, zeros):
        return lax.reduce_sum(lax.select(mask, values, zeros), last)

    def expand(v):
        return lax.broadcast_in_dim(v, shape, tuple(range(len(batch))))

    def body(i, perm):
        i = lax.convert_element_type(i, np.int32)
        p = pick(lax.eq(iota_k, lax.full(kshape, i, np.int32)), pivots, zero_k)
        on_i = lax.eq(iota_m, lax.full(shape, i, np.int32))
        on_p = lax.eq(iota_m, expand(p))
        at_i, at_p = pick(on_i, perm, zero_m), pick(on_p, perm, zero_m)
        return lax.select(on_i, expand(at_p), lax.select(on_p, expand(at_i), perm))

    return lax.fori_loop(0, min(k, m), body, perm)


# ------------------------------------------------------------------ qr

def _qr_abstract_eval(a, *, full_matrices):
    _check_matrix("qr", a, square=False)
    *batch, m, n = a.shape
    batch = tuple(batch)
    k = m if full_matrices else min(m, n)
    return [ShapedArray(batch + (m, k), a.dtype), ShapedArray(batch + (k, n), a.dtype)]


def _qr_impl(a, *, full_matrices):
    *batch, m, n = a.shape
    k = m if full_matrices else min(m, n)
    if a.size == 0:
        q = np.zeros(tuple(batch) + (m, k), a.dtype)
        if m and k:
            q[..., np.arange(min(m, k)), np.arange(min(m, k))] = 1
        return [q, np.zeros(tuple(batch) + (k, n), a.dtype)]
    q, r = np.linalg.qr(a, mode="complete" if full_matrices else "reduced")
    return [q.astype(a.dtype), r.astype(a.dtype)]


qr_p = _matrix_prim("qr", _qr_abstract_eval, _qr_impl, multiple_results=True)


def qr(x, *, full_matrices: bool = True):
    """QR decomposition ``x = q r``: ``(q, r)``; ``full_matrices`` makes ``q`` square."""
    check_array("qr", x)
    return tuple(qr_p.bind(x, full_matrices=bool(full_matrices)))


# ------------------------------------------------------------------ eigh

def _eigh_abstract_eval(a, *, lower, sort_eigenvalues):
    _check_matrix("eigh", a)
    return [ShapedArray(a.shape, a.dtype),
            ShapedArray(a.shape[:-1], real_dtype(a.dtype))]


def _eigh_impl(a, *, lower, sort_eigenvalues):
    if a.size == 0:
        return [np.zeros(a.shape, a.dtype), np.zeros(a.shape[:-1], real_dtype(a.dtype))]
    w, v = np.linalg.eigh(a, UPLO="L" if lower else "U")
    return [v.astype(a.dtype), w.astype(real_dtype(a.dtype))]


eigh_p = _matrix_prim("eigh", _eigh_abstract_eval, _eigh_impl, multiple_results=True)


def eigh(x, *, lower: bool = True, symmetrize_input: bool = True,
         sort_eigenvalues: bool = True):
    """Eigendecomposition of Hermitian matrices: ``(v, w)``, ``w`` ascending."""
    check_array("eigh", x)
    _check_matrix("eigh", get_aval(x))
    if symmetrize_input:
        x = symmetrize(x)
    v, w = eigh_p.bind(x, lower=bool(lower), sort_eigenvalues=bool(sort_eigenvalues))
    return v, w


# ------------------------------------------------------------------ svd

def _svd_abstract_eval(a, *, full_matrices, compute_uv):
    _check_matrix("svd", a, square=False)
    *batch, m, n = a.shape
    batch = tuple(batch)
    k = min(m, n)
    s = ShapedArray(batch + (k,), real_dtype(a.dtype))
    if not compute_uv:
        return [s]
    ku, kv = (m, n) if full_matrices else (k, k)
    return [s, ShapedArray(batch + (m, ku), a.dtype), ShapedArray(batch + (kv, n), a.dtype)]


def _svd_impl(a, *, full_matrices, compute_uv):
    avals = _svd_abstract_eval(ShapedArray(a.shape, a.dtype), full_matrices=full_matrices,
                               compute_uv=compute_uv)
    if a.size == 0:
        outs = [np.zeros(v.shape, v.dtype) for v in avals]
        for o in outs[1:]:
            d = min(o.shape[-2:])
            o[..., np.arange(d), np.arange(d)] = 1
        return outs
    if not compute_uv:
        return [np.linalg.svd(a, compute_uv=False).astype(avals[0].dtype)]
    u, s, vt = np.linalg.svd(a, full_matrices=full_matrices)
    return [s.astype(avals[0].dtype), u.astype(a.dtype), vt.astype(a.dtype)]


svd_p = _matrix_prim("svd", _svd_abstract_eval, _svd_impl, multiple_results=True)


def svd(x, *, full_matrices: bool = True, compute_uv: bool = True):
    """Singular value decomposition: ``(s, u, vt)`` with ``x = u diag(s) vt``, or ``s``
    alone when not ``compute_uv``; singular values descending."""
    check_array("svd", x)
    out = svd_p.bind(x, full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))
    return tuple(out) if compute_uv else out[0]


# ------------------------------------------------------------------ eig

def _eig_abstract_eval(a, *, compute_left_eigenvectors, compute_right_eigenvectors):
    _check_matrix("eig", a)
    c = complex_dtype(a.dtype)
    out = [ShapedArray(a.shape[:-1], c)]
    out += [ShapedArray(a.shape, c)] * (bool(compute_left_eigenvectors)
                                        + bool(compute_right_eigenvectors))
    return out


def _eig_impl(a, *, compute_left_eigenvectors, compute_right_eigenvectors):
    avals = _eig_abstract_eval(ShapedArray(a.shape, a.dtype),
                               compute_left_eigenvectors=compute_left_eigenvectors,
                               compute_right_eigenvectors=compute_right_eigenvectors)
    if a.size == 0:
        return [np.zeros(v.shape, v.dtype) for v in avals]

    def one(m):
        res = scipy.linalg.eig(m, left=compute_left_eigenvectors,
                               right=compute_right_eigenvectors, check_finite=False)
        res = res if isinstance(res, tuple) else (res,)
        # SciPy returns real eigenvectors when every eigenvalue is real
        return tuple(np.asarray(r, avals[0].dtype) for r in res)

    outs = _batched(one, a, n_out=len(avals))
    return [o.astype(v.dtype) for o, v in zip(outs, avals)]


eig_p = _matrix_prim("eig", _eig_abstract_eval, _eig_impl, multiple_results=True)


def eig(x, *, compute_left_eigenvectors: bool = True,
        compute_right_eigenvectors: bool = True):
    """Eigendecomposition of general square matrices: ``(w, [vl], [vr])``, complex;
    eigenvectors have unit 2-norm (LAPACK's geev)."""
    check_array("eig", x)
    return eig_p.bind(x, compute_left_eigenvectors=bool(compute_left_eigenvectors),
                      compute_right_eigenvectors=bool(compute_right_eigenvectors))
