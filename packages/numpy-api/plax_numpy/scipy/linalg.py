"""``plax.scipy.linalg``: SciPy's dense linear algebra on the lax primitives.

``expm`` is the scaling-and-squaring Padé(13) method (Higham 2005) with a static
number of squarings selected per matrix (so it traces under ``jit`` and is
differentiable); the other functions are thin layers over ``plax.lax`` and
``plax.numpy.linalg``.
"""

from __future__ import annotations

import numpy as np

import plax_numpy as jnp
from plax_core import lax, ops
from plax_core.core import get_aval

from .. import _linalg
from .._linalg import det, inv  # noqa: F401  (SciPy's names too)

__all__ = ["block_diag", "cho_factor", "cho_solve", "cholesky", "det", "eigh", "expm",
           "inv", "lu", "lu_factor", "lu_solve", "qr", "solve", "solve_triangular", "svd"]


def _inexact(x, name):
    (x,) = ops.promote_dtypes_inexact(ops.operand(x, name))
    return x


def cholesky(a, lower: bool = False, overwrite_a=False, check_finite=True):
    """SciPy's default is the upper factor."""
    return _linalg.cholesky(_inexact(a, "cholesky"), upper=not lower)


def cho_factor(a, lower: bool = False, overwrite_a=False, check_finite=True):
    """The Cholesky factor of ``a`` and whether it is ``lower``, for ``cho_solve``."""
    return cholesky(a, lower=lower), lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """Solve ``A x = b`` given ``(c, lower)`` from ``cho_factor``."""
    c, lower = c_and_lower
    c, b = ops.promote_dtypes_inexact(ops.operand(c, "cho_solve"), ops.operand(b, "cho_solve"))
    vector = get_aval(b).ndim == get_aval(c).ndim - 1
    if vector:
        b = b[..., None]
    # c c^H = a (lower) or c^H c = a (upper)
    y = lax.triangular_solve(c, b, left_side=True, lower=lower, transpose_a=not lower,
                             conjugate_a=not lower)
    x = lax.triangular_solve(c, y, left_side=True, lower=lower, transpose_a=lower,
                             conjugate_a=lower)
    return x[..., 0] if vector else x


def solve_triangular(a, b, trans=0, lower: bool = False, unit_diagonal: bool = False,
                     overwrite_b=False, debug=None, check_finite=True):
    """Solve ``op(a) x = b``; ``trans`` 0/'N', 1/'T' or 2/'C'."""
    a, b = ops.promote_dtypes_inexact(ops.operand(a, "solve_triangular"),
                                      ops.operand(b, "solve_triangular"))
    kind = {0: 0, "N": 0, 1: 1, "T": 1, 2: 2, "C": 2}.get(trans)
    if kind is None:
        raise ValueError(f"solve_triangular: invalid trans {trans!r}")
    vector = get_aval(b).ndim == get_aval(a).ndim - 1
    if vector:
        b = b[..., None]
    x = lax.triangular_solve(a, b, left_side=True, lower=lower, transpose_a=kind > 0,
                             conjugate_a=kind == 2, unit_diagonal=unit_diagonal)
    return x[..., 0] if vector else x


def lu_factor(a, overwrite_a=False, check_finite=True):
    """``(lu, piv)``: LAPACK's compact LU and its 0-based row swaps."""
    lu_, piv, _ = lax.lu(_inexact(a, "lu_factor"))
    return lu_, piv


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """Solve ``A x = b`` given ``(lu, piv)`` from ``lu_factor``."""
    lu_, piv = lu_and_piv
    m = get_aval(lu_).shape[-2]
    perm = lax.lu_pivots_to_permutation(piv, m)
    lu_, b = ops.promote_dtypes_inexact(lu_, ops.operand(b, "lu_solve"))
    vector = get_aval(b).ndim == 1
    if vector:
        b = b[:, None]
    if trans == 0:
        x = _linalg._lu_solve(lu_, perm, b)
    else:
        conj = trans == 2
        y = lax.triangular_solve(lu_, b, left_side=True, lower=False, transpose_a=True,
                                 conjugate_a=conj)
        y = lax.triangular_solve(lu_, y, left_side=True, lower=True, transpose_a=True,
                                 conjugate_a=conj, unit_diagonal=True)
        inv_perm = jnp.argsort(perm, axis=-1)
        x = _linalg._permute_rows(inv_perm.astype(np.int32), y)
    return x[..., 0] if vector else x


def lu(a, permute_l: bool = False, overwrite_a=False, check_finite=True):
    """``(p, l, u)`` with ``a = p @ l @ u`` (or ``(p @ l, u)`` with ``permute_l``)."""
    a = _inexact(a, "lu")
    lu_, _, perm = lax.lu(a)
    *batch, m, n = get_aval(a).shape
    k = min(m, n)
    dtype = get_aval(a).dtype
    lower = jnp.tril(lu_[..., :, :k], -1) + jnp.eye(m, k, dtype=dtype)
    upper = jnp.triu(lu_[..., :k, :])
    p = (perm[..., None, :] == jnp.arange(m, dtype=perm.dtype)[:, None]).astype(dtype)
    if permute_l:
        return jnp.matmul(p, lower), upper
    return p, lower, upper


def qr(a, overwrite_a=False, lwork=None, mode: str = "full", pivoting: bool = False,
       check_finite=True):
    """The QR decomposition of ``a`` (``mode`` as in SciPy: 'full', 'r', 'economic')."""
    if pivoting:
        raise NotImplementedError("qr: pivoting=True is not supported by plax")
    if mode not in ("full", "economic", "r"):
        raise ValueError(f"qr: unsupported mode {mode!r} ('full', 'economic' or 'r')")
    q, r = lax.qr(_inexact(a, "qr"), full_matrices=(mode == "full"))
    return (r,) if mode == "r" else (q, r)


def eigh(a, b=None, lower: bool = True, eigvals_only: bool = False, overwrite_a=False,
         overwrite_b=False, turbo=True, eigvals=None, type=1, check_finite=True):
    """Eigenvalues (ascending) and eigenvectors of a Hermitian matrix, as
    ``scipy.linalg.eigh``.
    """
    if b is not None:
        raise NotImplementedError("eigh: the generalized problem (b=...) is not supported")
    w, v = _linalg.eigh(_inexact(a, "eigh"), UPLO="L" if lower else "U")
    return w if eigvals_only else (w, v)


def svd(a, full_matrices: bool = True, compute_uv: bool = True, overwrite_a=False,
        check_finite=True, lapack_driver="gesdd"):
    """The singular value decomposition ``u, s, vh`` of ``a``, as ``scipy.linalg.svd``."""
    return _linalg.svd(_inexact(a, "svd"), full_matrices=full_matrices,
                       compute_uv=compute_uv)


def solve(a, b, lower: bool = False, overwrite_a=False, overwrite_b=False, check_finite=True,
          assume_a: str = "gen"):
    """Solve ``a x = b`` for ``x`` (``assume_a='pos'`` uses a Cholesky factorisation)."""
    if assume_a in ("pos", "positive definite"):
        return cho_solve(cho_factor(a, lower=True), b)
    return _linalg.solve(a, b)


def block_diag(*arrs):
    """A block-diagonal matrix from 0-, 1- or 2-d blocks (as SciPy)."""
    if not arrs:
        return jnp.zeros((1, 0))
    blocks = [jnp.atleast_2d(ops.operand(a, "block_diag")) for a in arrs]
    dtype = jnp.result_type(*blocks)
    cols = sum(get_aval(b).shape[1] for b in blocks)
    rows, start = [], 0
    for b in blocks:
        r, c = get_aval(b).shape
        rows.append(jnp.pad(b.astype(dtype), ((0, 0), (start, cols - start - c))))
        start += c
    return jnp.concatenate(rows, axis=0)


# Padé(13) coefficients b_0..b_13 and the 1-norm bound theta_13 (Higham 2005).
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
           1187353796428800.0, 129060195264000.0, 10559470521600.0, 670442572800.0,
           33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152
_MAX_SQUARINGS = 16


def expm(A, *, upper_triangular: bool = False, max_squarings: int = _MAX_SQUARINGS):
    """The matrix exponential (batched over leading dimensions)."""
    A = _inexact(A, "expm")
    shape = get_aval(A).shape
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"expm: expected square matrices, got shape {shape}")
    n = shape[-1]
    dtype = get_aval(A).dtype
    norm1 = jnp.max(jnp.sum(jnp.abs(A), axis=-2), axis=-1)
    s = jnp.clip(jnp.ceil(jnp.log2(jnp.maximum(norm1, 1e-30) / _THETA13)), 0, max_squarings)
    A = A / (2.0 ** s).astype(dtype)[..., None, None]
    eye = jnp.broadcast_to(jnp.eye(n, dtype=dtype), shape)
    b = _PADE13
    A2 = jnp.matmul(A, A)
    A4 = jnp.matmul(A2, A2)
    A6 = jnp.matmul(A4, A2)
    U = jnp.matmul(A, jnp.matmul(A6, b[13] * A6 + b[11] * A4 + b[9] * A2)
                   + b[7] * A6 + b[5] * A4 + b[3] * A2 + b[1] * eye)
    V = (jnp.matmul(A6, b[12] * A6 + b[10] * A4 + b[8] * A2)
         + b[6] * A6 + b[4] * A4 + b[2] * A2 + b[0] * eye)
    R = _linalg.solve(V - U, V + U)
    for i in range(max_squarings):
        R = jnp.where((i < s)[..., None, None], jnp.matmul(R, R), R)
    return R
