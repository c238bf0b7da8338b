"""``numpy.linalg`` functions built on the linear-algebra primitives of ``plax.lax``.

Leading dimensions are batch dimensions throughout (NumPy's stacked-matrix rules);
``solve``/``inv``/``det``/``slogdet`` go through ``lu`` and triangular solves, the
spectral functions through ``svd`` and ``eigh``, so all of them are differentiable
(for matrices with distinct eigen/singular values where that matters).
"""

from __future__ import annotations

import operator
from typing import NamedTuple

import numpy as np

import plax_numpy as jnp
from plax_core import lax, ops
from plax_core.core import get_aval


class EighResult(NamedTuple):
    eigenvalues: object
    eigenvectors: object


class EigResult(NamedTuple):
    eigenvalues: object
    eigenvectors: object


class SVDResult(NamedTuple):
    U: object
    S: object
    Vh: object


class SlogdetResult(NamedTuple):
    sign: object
    logabsdet: object


class QRResult(NamedTuple):
    Q: object
    R: object


def _inexact(x, name):
    (x,) = ops.promote_dtypes_inexact(ops.operand(x, name))
    return x


def _matrix(x, name, square=True):
    x = _inexact(x, name)
    shape = get_aval(x).shape
    if len(shape) < 2:
        raise ValueError(f"{name}: expected an array of at least 2 dimensions (matrices), "
                         f"got shape {shape}")
    if square and shape[-1] != shape[-2]:
        raise ValueError(f"{name}: expected square matrices, got shape {shape}")
    return x


def _h(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2)) if jnp.iscomplexobj(x) else \
        jnp.swapaxes(x, -1, -2)


def _eps(x):
    return float(np.finfo(np.dtype(get_aval(x).dtype)).eps)


# ------------------------------------------------------------ decompositions

def cholesky(a, *, upper: bool = False, symmetrize_input: bool = True):
    """The lower (or ``upper``) Cholesky factor; NaNs where not positive definite."""
    a = _matrix(a, "cholesky")
    L = lax.cholesky(a, symmetrize_input=symmetrize_input)
    return _h(L) if upper else L


def qr(a, mode: str = "reduced"):
    """``numpy.linalg.qr``: modes 'reduced', 'complete', 'r' (and 'raw' is refused)."""
    a = _matrix(a, "qr", square=False)
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: unsupported mode {mode!r} (plax supports 'reduced', "
                         f"'complete' and 'r')")
    q, r = lax.qr(a, full_matrices=(mode == "complete"))
    return r if mode == "r" else QRResult(q, r)


def eigh(a, UPLO: str | None = None, symmetrize_input: bool = True):
    """Eigenvalues (ascending) and eigenvectors of Hermitian matrices."""
    a = _matrix(a, "eigh")
    lower = (UPLO or "L").upper() == "L"
    v, w = lax.eigh(a, lower=lower, symmetrize_input=symmetrize_input)
    return EighResult(w, v)


def eigvalsh(a, UPLO: str | None = "L", *, symmetrize_input: bool = True):
    """The eigenvalues of each Hermitian (symmetric) matrix, in ascending order."""
    return eigh(a, UPLO, symmetrize_input).eigenvalues


def svd(a, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False):
    """``numpy.linalg.svd``: ``SVDResult(U, S, Vh)`` or the singular values alone."""
    a = _matrix(a, "svd", square=False)
    if not compute_uv:
        return lax.svd(a, compute_uv=False)
    s, u, vt = lax.svd(a, full_matrices=full_matrices)
    return SVDResult(u, s, vt)


def svdvals(x):
    """The singular values of each matrix, in descending order."""
    return svd(x, compute_uv=False)


def eig(a):
    """Eigenvalues and right eigenvectors of general matrices (complex; CPU only)."""
    a = _matrix(a, "eig")
    w, v = lax.eig(a, compute_left_eigenvectors=False)
    return EigResult(w, v)


def eigvals(a):
    """The (complex) eigenvalues of each general square matrix of ``a``."""
    a = _matrix(a, "eigvals")
    (w,) = lax.eig(a, compute_left_eigenvectors=False, compute_right_eigenvectors=False)
    return w


# ------------------------------------------------------------ lu-based functions

def _permute_rows(perm, b):
    """``b[..., perm, :]`` as a one-hot matrix product (differentiable in b)."""
    n = get_aval(perm).shape[-1]
    onehot = (perm[..., :, None] == jnp.arange(n, dtype=perm.dtype)).astype(b.dtype)
    return jnp.matmul(onehot, b)


def _lu_solve(lu, perm, b):
    x = _permute_rows(perm, b)
    x = lax.triangular_solve(lu, x, left_side=True, lower=True, unit_diagonal=True)
    return lax.triangular_solve(lu, x, left_side=True, lower=False)


def solve(a, b):
    """``x`` with ``a @ x == b``; ``b`` is a vector when it has one dimension."""
    a = _matrix(a, "solve")
    a, b = ops.promote_dtypes_inexact(a, ops.operand(b, "solve"))
    b_nd = get_aval(b).ndim
    vector = b_nd == 1
    if vector:
        b = b[:, None]
    n, rows = get_aval(a).shape[-1], get_aval(b).shape[-2]
    if rows != n:
        raise ValueError(f"solve: a has shape {get_aval(a).shape}, so b needs {n} rows (its "
                         f"{'only' if vector else 'second-to-last'} dimension), got {rows}")
    batch = np.broadcast_shapes(get_aval(a).shape[:-2], get_aval(b).shape[:-2])
    a = jnp.broadcast_to(a, batch + get_aval(a).shape[-2:])
    b = jnp.broadcast_to(b, batch + get_aval(b).shape[-2:])
    lu, _, perm = lax.lu(a)
    x = _lu_solve(lu, perm, b)
    return x[..., 0] if vector else x


def inv(a):
    """The inverse of each square matrix of ``a``."""
    a = _matrix(a, "inv")
    shape = get_aval(a).shape
    eye = jnp.broadcast_to(jnp.eye(shape[-1], dtype=get_aval(a).dtype), shape)
    return solve(a, eye)


def _lu_parity(pivots):
    k = get_aval(pivots).shape[-1]
    swaps = jnp.sum(pivots != jnp.arange(k, dtype=pivots.dtype), axis=-1)
    return 1 - 2 * (swaps % 2)


def slogdet(a):
    """``(sign, log|det|)`` of square matrices."""
    a = _matrix(a, "slogdet")
    n = get_aval(a).shape[-1]
    if n == 0:
        shape = get_aval(a).shape[:-2]
        return SlogdetResult(jnp.ones(shape, get_aval(a).dtype),
                             jnp.zeros(shape, jnp.real(a).dtype))
    lu, pivots, _ = lax.lu(a)
    diag = jnp.diagonal(lu, axis1=-2, axis2=-1)
    absdiag = jnp.abs(diag)
    logdet = jnp.sum(jnp.log(absdiag), axis=-1)
    parity = _lu_parity(pivots).astype(get_aval(a).dtype)
    if jnp.iscomplexobj(a):
        sign = jnp.prod(diag / absdiag.astype(diag.dtype), axis=-1) * parity
    else:
        sign = jnp.prod(jnp.sign(diag), axis=-1) * parity
    return SlogdetResult(sign, logdet)


def det(a):
    """The determinant of each square matrix of ``a`` (through an LU factorisation)."""
    a = _matrix(a, "det")
    n = get_aval(a).shape[-1]
    if n == 0:
        return jnp.ones(get_aval(a).shape[:-2], get_aval(a).dtype)
    lu, pivots, _ = lax.lu(a)
    diag = jnp.diagonal(lu, axis1=-2, axis2=-1)
    return jnp.prod(diag, axis=-1) * _lu_parity(pivots).astype(get_aval(a).dtype)


# ------------------------------------------------------------ svd-based functions

def pinv(a, rtol=None, hermitian: bool = False, *, rcond=None):
    """Moore-Penrose pseudo-inverse; singular values below ``rtol * max(s)`` are cut
    (default ``10 * max(m, n) * eps``, as JAX)."""
    a = _matrix(a, "pinv", square=False)
    m, n = get_aval(a).shape[-2:]
    rtol = rcond if rtol is None else rtol
    if rtol is None:
        rtol = 10.0 * max(m, n) * _eps(jnp.real(a))
    if m == 0 or n == 0:
        return jnp.zeros(get_aval(a).shape[:-2] + (n, m), get_aval(a).dtype)
    u, s, vh = svd(a, full_matrices=False)
    cutoff = jnp.asarray(rtol)[..., None] * jnp.max(s, axis=-1, keepdims=True)
    big = s > cutoff
    s_inv = jnp.where(big, 1.0 / jnp.where(big, s, 1.0), 0.0).astype(s.dtype)
    return jnp.matmul(_h(vh) * s_inv[..., None, :].astype(a.dtype), _h(u))


def lstsq(a, b, rcond=None, *, numpy_resid: bool = False):
    """Least squares: ``(x, residuals, rank, s)`` as ``numpy.linalg.lstsq``."""
    a = _matrix(a, "lstsq", square=False)
    a, b = ops.promote_dtypes_inexact(a, ops.operand(b, "lstsq"))
    if get_aval(a).ndim != 2:
        raise ValueError(f"lstsq: a must be 2-d, got shape {get_aval(a).shape}")
    vector = get_aval(b).ndim == 1
    if vector:
        b = b[:, None]
    m, n = get_aval(a).shape
    if rcond is None:
        rcond = _eps(jnp.real(a)) * max(m, n)
    u, s, vh = svd(a, full_matrices=False)
    mask = s >= jnp.asarray(rcond, s.dtype) * s[0] if s.shape[0] else s > 0
    rank = jnp.sum(mask).astype(np.int32)
    safe = jnp.where(mask, s, 1).astype(s.dtype)
    s_inv = jnp.where(mask, 1 / safe, 0).astype(s.dtype)[:, None].astype(a.dtype)
    uTb = jnp.matmul(_h(u), b)
    x = jnp.matmul(_h(vh), s_inv * uTb)
    resid = jnp.sum(jnp.abs(b - jnp.matmul(a, x)) ** 2, axis=0)
    if vector:
        x = x[:, 0]
        resid = resid.reshape(-1)[:1] if m > n else jnp.zeros((0,), resid.dtype)
    elif not m > n:
        resid = jnp.zeros((0,), resid.dtype)
    return x, resid, rank, s


def matrix_rank(M, rtol=None, *, tol=None):
    """The rank of each matrix: the number of singular values above ``rtol``."""
    M = _inexact(M, "matrix_rank")
    if get_aval(M).ndim < 2:
        return jnp.any(M != 0).astype(np.int32)
    s = svdvals(M)
    m, n = get_aval(M).shape[-2:]
    if tol is None:
        rtol = max(m, n) * _eps(s) if rtol is None else rtol
        tol = jnp.max(s, axis=-1, keepdims=True) * jnp.asarray(rtol)[..., None]
    else:
        tol = jnp.asarray(tol)[..., None]
    return jnp.sum(s > tol, axis=-1).astype(np.int32)


def matrix_power(a, n: int):
    """``a`` to the integer power ``n`` by repeated squaring (``inv`` for n < 0)."""
    a = ops.operand(a, "matrix_power")
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"matrix_power: exponent must be an integer, got {n!r}") from None
    shape = get_aval(a).shape
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"matrix_power: expected square matrices, got shape {shape}")
    if n == 0:
        return jnp.broadcast_to(jnp.eye(shape[-1], dtype=get_aval(a).dtype), shape)
    if n < 0:
        a, n = inv(a), -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else jnp.matmul(result, base)
        n >>= 1
        if n:
            base = jnp.matmul(base, base)
    return result


def cond(x, p=None):
    """Condition number in norm ``p`` (2-norm by default: ``s_max / s_min``)."""
    x = _matrix(x, "cond", square=p not in (None, 2, -2))
    if p in (None, 2, -2):
        s = svdvals(x)
        return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    from .linalg import norm
    return norm(x, ord=p, axis=(-2, -1)) * norm(inv(x), ord=p, axis=(-2, -1))


def multi_dot(arrays, *, precision=None):
    """The product of a chain of matrices (first and last may be vectors)."""
    arrays = list(arrays)
    if len(arrays) < 2:
        raise ValueError("multi_dot: expecting at least two arrays")
    out = arrays[0]
    for x in arrays[1:]:
        out = jnp.dot(out, x)
    return out


def tensorinv(a, ind: int = 2):
    """The inverse of ``a`` seen as a tensor map, with ``ind`` leading input axes."""
    a = _inexact(a, "tensorinv")
    shape = get_aval(a).shape
    inv_shape = shape[ind:] + shape[:ind]
    rows = int(np.prod(shape[:ind]))
    return inv(a.reshape(rows, -1)).reshape(inv_shape)


def tensorsolve(a, b, axes=None):
    """``x`` such that ``tensordot(a, x, x.ndim) == b``."""
    a = _inexact(a, "tensorsolve")
    nd = get_aval(a).ndim
    if axes is not None:
        allaxes = [i for i in range(nd) if i not in [x % nd for x in axes]]
        a = jnp.transpose(a, allaxes + [x % nd for x in axes])
    b_nd = get_aval(ops.operand(b, "tensorsolve")).ndim
    out_shape = get_aval(a).shape[b_nd:]
    rows = int(np.prod(get_aval(a).shape[:b_nd]))
    x = solve(a.reshape(rows, -1), jnp.ravel(b))
    return x.reshape(out_shape)


def spectral_matrix_norm(x, ord, axes, keepdims):
    """Matrix norms through singular values: ord 2, -2 and 'nuc'."""
    nd = get_aval(x).ndim
    row, col = axes
    xm = jnp.moveaxis(x, (row, col), (nd - 2, nd - 1))
    s = svdvals(xm)
    out = (jnp.max(s, axis=-1) if ord == 2 else jnp.min(s, axis=-1) if ord == -2
           else jnp.sum(s, axis=-1))
    if keepdims:
        out = jnp.expand_dims(out, tuple(sorted((row, col))))
    return out


__all__ = ["EigResult", "EighResult", "QRResult", "SVDResult", "SlogdetResult", "cholesky",
           "cond", "det", "eig", "eigh", "eigvals", "eigvalsh", "inv", "lstsq",
           "matrix_power", "matrix_rank", "multi_dot", "pinv", "qr", "slogdet", "solve",
           "svd", "svdvals", "tensorinv", "tensorsolve"]
