"""``lax.linalg``: JAX's ``jax.lax.linalg`` namespace.

The factorisations are core's primitives (``prims/linalg.py``); this module gives them
JAX's full signatures (``subset_by_index``, algorithm choices) and adds the functions
JAX builds on them: ``cholesky_update``, ``symmetric_product``, ``tridiagonal_solve``,
``householder_product`` and ``ormqr``, written over core's primitives.  JAX's
``hessenberg``, ``schur``, ``tridiagonal`` and ``qdwh`` (LAPACK gehrd/gees/sytrd and
a TPU polar decomposition) are not provided yet.
"""

from __future__ import annotations

import enum
import operator

import numpy as np

from .core import get_aval
from .lax_more import L as lax  # lax's functions (plax_core.lax imports this module)
from .prims import linalg as _lin
from .prims.linalg import (  # noqa: F401  (the primitives, as JAX exposes them)
    cholesky_p,
    eig_p,
    eigh_p,
    lu,
    lu_p,
    lu_pivots_to_permutation,
    qr_p,
    svd_p,
    triangular_solve,
    triangular_solve_p,
)
from .prims.structural import check_array

__all__ = [
    "EigImplementation", "EighImplementation", "SvdAlgorithm", "cholesky",
    "cholesky_update", "eig", "eigh", "householder_product", "lu",
    "lu_pivots_to_permutation", "ormqr", "qr", "svd", "symmetric_product",
    "triangular_solve", "tridiagonal_solve",
]


class EigImplementation(enum.Enum):
    """Which library computes ``eig`` (plax always uses LAPACK through NumPy/XLA)."""
    CUSOLVER = "cusolver"
    MAGMA = "magma"
    LAPACK = "lapack"


class EighImplementation(enum.Enum):
    """Which algorithm computes ``eigh`` (plax: QR, as JAX on CPU)."""
    QR = "qr"
    JACOBI = "jacobi"
    QDWH = "qdwh"


class SvdAlgorithm(enum.Enum):
    """Which algorithm computes ``svd`` (plax: LAPACK's default)."""
    DEFAULT = "default"
    QR = "QR"
    JACOBI = "Jacobi"
    POLAR = "polar"
    DIVIDE_AND_CONQUER = "divide_and_conquer"


def _mT(x):
    n = get_aval(x).ndim
    return lax.transpose(x, tuple(range(n - 2)) + (n - 1, n - 2))


def _mH(x):
    x = _mT(x)
    return lax.conj(x) if np.issubdtype(get_aval(x).dtype, np.complexfloating) else x


def _matmul(a, b):
    n = get_aval(a).ndim
    batch = tuple(range(n - 2))
    return lax.dot_general(a, b, (((n - 1,), (n - 2,)), (batch, batch)),
                           precision=lax.Precision.HIGHEST)


def _subset(name, subset_by_index, size):
    if subset_by_index is None:
        return None
    lo, hi = (operator.index(i) for i in subset_by_index)
    if not 0 <= lo < hi <= size:
        raise ValueError(f"lax.linalg.{name}: subset_by_index must be (lo, hi) with "
                         f"0 <= lo < hi <= {size}, got {subset_by_index}")
    return lo, hi


def cholesky(x, *, symmetrize_input: bool = True):
    """The lower Cholesky factor ``L`` of ``x = L L^H`` (NaNs if not positive definite)."""
    return _lin.cholesky(x, symmetrize_input=symmetrize_input)


def qr(x, *, pivoting: bool = False, full_matrices: bool = True, use_magma=None):
    """``(q, r)`` with ``x = q r``."""
    if pivoting:
        raise NotImplementedError("lax.linalg.qr: pivoting=True (LAPACK geqp3) is not "
                                  "implemented in plax; use pivoting=False")
    return _lin.qr(x, full_matrices=full_matrices)


def eigh(x, *, lower: bool = True, symmetrize_input: bool = True,
         sort_eigenvalues: bool = True, subset_by_index=None, implementation=None):
    """``(v, w)``: eigenvectors (columns) and ascending eigenvalues of Hermitian ``x``;
    ``subset_by_index=(lo, hi)`` keeps eigenpairs ``lo..hi-1``."""
    if implementation not in (None, EighImplementation.QR):
        raise NotImplementedError(f"lax.linalg.eigh: implementation={implementation} is "
                                  f"not supported on CPU; use None or QR")
    v, w = _lin.eigh(x, lower=lower, symmetrize_input=symmetrize_input,
                     sort_eigenvalues=sort_eigenvalues)
    sub = _subset("eigh", subset_by_index, get_aval(w).shape[-1])
    if sub is None:
        return v, w
    return (lax.slice_in_dim(v, *sub, axis=get_aval(v).ndim - 1),
            lax.slice_in_dim(w, *sub, axis=get_aval(w).ndim - 1))


def svd(x, *, full_matrices: bool = True, compute_uv: bool = True, subset_by_index=None,
        algorithm=None):
    """Singular values (descending) and, with ``compute_uv``, ``(u, s, vh)``-style
    factors as ``jax.lax.linalg.svd`` returns them: ``(s, u, vh)`` or ``s``."""
    if subset_by_index is not None and full_matrices:
        raise ValueError("lax.linalg.svd: full_matrices and subset_by_index cannot both be "
                         "set; pass full_matrices=False")
    out = _lin.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)
    s = out[0] if compute_uv else out
    sub = _subset("svd", subset_by_index, get_aval(s).shape[-1])
    if sub is None:
        return out
    s = lax.slice_in_dim(s, *sub, axis=get_aval(s).ndim - 1)
    if not compute_uv:
        return s
    _, u, vh = out
    return (s, lax.slice_in_dim(u, *sub, axis=get_aval(u).ndim - 1),
            lax.slice_in_dim(vh, *sub, axis=get_aval(vh).ndim - 2))


def eig(x, *, compute_left_eigenvectors: bool = True,
        compute_right_eigenvectors: bool = True, enable_eigvec_derivs: bool = False,
        implementation=None, use_magma=None):
    """Eigenvalues and (optionally) left/right eigenvectors of a general matrix."""
    return _lin.eig(x, compute_left_eigenvectors=compute_left_eigenvectors,
                    compute_right_eigenvectors=compute_right_eigenvectors)


def cholesky_update(r_matrix, w_vector):
    """The upper factor ``R'`` with ``R'^H R' = R^H R + w w^H`` (a rank-one update of
    the upper Cholesky factor ``R``); recomputed from the updated matrix."""
    check_array("cholesky_update", r_matrix)
    check_array("cholesky_update", w_vector, 1)
    rs, ws = get_aval(r_matrix).shape, get_aval(w_vector).shape
    if len(rs) != 2 or rs[0] != rs[1] or ws != rs[:1]:
        raise ValueError(f"lax.linalg.cholesky_update: r_matrix must be (n, n) and "
                         f"w_vector (n,), got {rs} and {ws}")
    w = lax.reshape(w_vector, (rs[0], 1))
    a = lax.add(_matmul(_mH(r_matrix), r_matrix), _matmul(w, _mH(w)))
    return _mH(_lin.cholesky(a, symmetrize_input=False))


def symmetric_product(a_matrix, c_matrix, *, alpha: float = 1.0, beta: float = 0.0,
                      symmetrize_output: bool = False):
    """``alpha * a a^T + beta * c``; with ``symmetrize_output`` the upper triangle is
    the transpose of the lower one (otherwise only the lower triangle is promised)."""
    check_array("symmetric_product", a_matrix)
    check_array("symmetric_product", c_matrix, 1)
    out = lax.add(lax.mul(lax.full((), alpha, get_aval(a_matrix).dtype),
                          _matmul(a_matrix, _mT(a_matrix))),
                  lax.mul(lax.full((), beta, get_aval(c_matrix).dtype), c_matrix))
    if not symmetrize_output:
        return out
    n = get_aval(out).shape[-1]
    lower = np.tril(np.ones((n, n), bool))
    strict = np.tril(np.ones((n, n), bool), -1)
    zero = lax.full_like(out, 0)
    shape = get_aval(out).shape
    nd = len(shape)
    bl = lax.broadcast_in_dim(lower, shape, (nd - 2, nd - 1))
    bs = lax.broadcast_in_dim(strict, shape, (nd - 2, nd - 1))
    return lax.add(lax.select(bl, out, zero), _mT(lax.select(bs, out, zero)))


def tridiagonal_solve(dl, d, du, b, *, perturb_singular: bool = False):
    """``x`` with ``T x = b`` for the tridiagonal ``T`` of sub-diagonal ``dl`` (its
    first entry unused), diagonal ``d`` and super-diagonal ``du`` (its last entry
    unused); ``b`` is ``(..., m, n)``.  Solved by LU with partial pivoting, as LAPACK's
    gtsv does (``perturb_singular`` is accepted; a singular system gives inf/NaN)."""
    for i, v in enumerate((dl, d, du, b)):
        check_array("tridiagonal_solve", v, i)
    shape = get_aval(d).shape
    bshape = get_aval(b).shape
    if any(get_aval(v).shape != shape for v in (dl, du)) or len(bshape) != len(shape) + 1 \
            or bshape[:-1] != shape:
        raise ValueError(f"lax.linalg.tridiagonal_solve: dl, d, du must have one shape "
                         f"(..., m) and b (..., m, n); got {get_aval(dl).shape}, {shape}, "
                         f"{get_aval(du).shape} and {bshape}")
    m = shape[-1]
    nd = len(shape) + 1
    full = shape + (m,)
    dt = get_aval(d).dtype
    zero = lax.full(full, 0, dt)

    def band(v, k):  # row i holds v[..., i] at column i + k
        mask = lax.broadcast_in_dim(np.eye(m, k=k, dtype=bool), full, (nd - 2, nd - 1))
        rows = lax.broadcast_in_dim(v, full, tuple(range(nd - 2)) + (nd - 2,))
        return lax.select(mask, rows, zero)

    t = lax.add(lax.add(band(d, 0), band(dl, -1)), band(du, 1))
    lu_, _, perm = _lin.lu(t)
    pb = _take_rows(b, perm)
    y = _lin.triangular_solve(lu_, pb, left_side=True, lower=True, unit_diagonal=True)
    return _lin.triangular_solve(lu_, y, left_side=True, lower=False)


def _take_rows(b, perm):
    """``b[..., perm[...], :]`` (a batched row permutation)."""
    shape = get_aval(b).shape
    onehot = lax.eq(lax.broadcast_in_dim(perm, shape[:-1] + (shape[-2],),
                                         tuple(range(len(shape) - 1))),
                    lax.broadcasted_iota(get_aval(perm).dtype, shape[:-1] + (shape[-2],),
                                         len(shape) - 1))
    p = lax.convert_element_type(onehot, get_aval(b).dtype)
    return _matmul(p, b)


def _reflector(a, taus, i, m):
    """``v_i`` (``m`` long: zeros, 1, then ``a[i+1:, i]``) and ``tau_i``."""
    nd = get_aval(a).ndim
    col = lax.index_in_dim(a, i, nd - 1, keepdims=False)  # (..., m)
    rows = np.arange(m)
    v = lax.select(lax.broadcast_in_dim(rows > i, get_aval(col).shape, (nd - 2,)),
                   col, lax.full_like(col, 0))
    v = lax.add(v, lax.convert_element_type(
        lax.broadcast_in_dim(rows == i, get_aval(col).shape, (nd - 2,)), get_aval(a).dtype))
    tau = lax.index_in_dim(taus, i, get_aval(taus).ndim - 1, keepdims=False)  # (...)
    return v, tau


def _apply_reflectors(a, taus, q, *, reverse: bool):
    """``H_0 H_1 ... H_{k-1} q`` (or, with ``reverse``, ``H_{k-1} ... H_0 q``), each
    ``H_i = I - tau_i v_i v_i^H``."""
    m = get_aval(a).shape[-2]
    k = get_aval(taus).shape[-1]
    order = range(k) if reverse else range(k - 1, -1, -1)
    for i in order:
        v, tau = _reflector(a, taus, i, m)
        vc = lax.conj(v) if np.issubdtype(get_aval(v).dtype, np.complexfloating) else v
        nd = get_aval(q).ndim
        vhq = lax.dot_general(vc, q, (((nd - 2,), (nd - 2,)), (tuple(range(nd - 2)),) * 2))
        tau = lax.broadcast_in_dim(tau, get_aval(vhq).shape, tuple(range(nd - 2)))
        upd = lax.mul(lax.broadcast_in_dim(v, get_aval(q).shape, tuple(range(nd - 1))),
                      lax.broadcast_in_dim(lax.mul(vhq, tau), get_aval(q).shape,
                                           tuple(range(nd - 2)) + (nd - 1,)))
        q = lax.sub(q, upd)
    return q


def householder_product(a, taus):
    """The first ``n`` columns of ``Q = H_0 ... H_{k-1}`` for LAPACK-packed
    reflectors (``a``: ``(..., m, n)``, ``taus``: ``(..., k)``), as LAPACK's orgqr."""
    check_array("householder_product", a)
    check_array("householder_product", taus, 1)
    shape = get_aval(a).shape
    m, n = shape[-2:]
    k = get_aval(taus).shape[-1]
    if not (k <= n <= m) or get_aval(taus).shape[:-1] != shape[:-2]:
        raise ValueError(f"lax.linalg.householder_product: needs a (..., m, n) with m >= n "
                         f">= k and taus (..., k); got {shape} and {get_aval(taus).shape}")
    eye = lax.broadcast_in_dim(np.eye(m, n, dtype=get_aval(a).dtype), shape,
                               (len(shape) - 2, len(shape) - 1))
    return _apply_reflectors(a, taus, eye, reverse=False)


def ormqr(a, taus, c, *, left: bool = True, transpose: bool = False):
    """``Q c``, ``Q^H c``, ``c Q`` or ``c Q^H`` for the ``m x m`` ``Q`` of the packed
    reflectors in ``a`` and ``taus`` (LAPACK's ormqr/unmqr)."""
    for i, v in enumerate((a, taus, c)):
        check_array("ormqr", v, i)
    m = get_aval(a).shape[-2]
    shape = get_aval(a).shape[:-2] + (m, m)
    eye = lax.broadcast_in_dim(np.eye(m, dtype=get_aval(a).dtype), shape,
                               (len(shape) - 2, len(shape) - 1))
    q = _apply_reflectors(a, taus, eye, reverse=False)
    if transpose:
        q = _mH(q)
    return _matmul(q, c) if left else _matmul(c, q)
