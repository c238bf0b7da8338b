"""JVP and transpose rules for core's linear-algebra primitives.

Every tangent is written with lax operations that are linear in the input tangent
(matrix products with primal factors, triangular solves in ``b``, masks), so reverse
mode follows by transposition.  The formulas are the standard ones (as in JAX):

- cholesky (``A = L L^H``): ``dL = L Phi(L^-1 dA L^-H)``, ``Phi`` the lower triangle
  with the diagonal halved.
- triangular_solve: linear in ``b`` (its transpose solves with ``op(a)`` transposed);
  in ``a``: ``dx = -op(a)^-1 op(da) x`` (left side), ``-x op(da) op(a)^-1`` (right).
- lu: with ``P A = L U`` padded to square ``L`` (m x m) and ``U`` (n x n),
  ``X = L^-1 P dA U^-1``, ``dLU = L tril(X, -1) + triu(X) U``.
- qr (m >= n, reduced or square): ``C = Q^H dA R^-1``, ``Omega = tril(C,-1) -
  tril(C,-1)^H`` (+ the imaginary diagonal of C), ``dQ = Q (Omega - C) + dA R^-1``,
  ``dR = (C - Omega) R``.
- eigh: ``dw = Re diag(V^H dA V)``, ``dV = V (F * V^H dA V)`` with ``F_ij = 1/(w_j -
  w_i)`` off the diagonal.
- svd (reduced): from ``dS = U^H dA V`` as in JAX, with the extra terms for
  rectangular matrices.
- eig: eigenvalues ``dw = diag(V^-1 dA V)``; right eigenvectors ``dV = V (F * V^-1 dA
  V)`` projected to keep unit norm.  Left eigenvectors have no rule.
"""

from __future__ import annotations

import numpy as np

from plax_core import dtypes, lax
from plax_core.extend import JVP, TRANSPOSE
from plax_core.lax import (
    cholesky_p,
    eig_p,
    eigh_p,
    lu_p,
    qr_p,
    svd_p,
    triangular_solve_p,
)

from ..tangents import Zero, instantiate, is_undefined
from ._helpers import cast, dtype_of, shape_of

_HIGHEST = lax.Precision.HIGHEST


def _T(x):
    nd = len(shape_of(x))
    return lax.transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _conj(x):
    return lax.conj(x) if dtypes.is_complex(dtype_of(x)) else x


def _H(x):
    return _conj(_T(x))


def mm(a, b):
    """Matrix product over the trailing two dimensions; leading ones are batch."""
    nd = len(shape_of(a))
    batch = tuple(range(nd - 2))
    return lax.dot_general(a, b, (((nd - 1,), (nd - 2,)), (batch, batch)),
                           precision=_HIGHEST)


def _mask(x, fn):
    """``x`` times a constant 0/1 mask ``fn(ones((m, n)))`` on the trailing dims."""
    shape = shape_of(x)
    m = np.broadcast_to(fn(np.ones(shape[-2:], dtype_of(x))), shape)
    return lax.mul(x, np.ascontiguousarray(m))


def tril(x, k=0):
    return _mask(x, lambda o: np.tril(o, k))


def triu(x, k=0):
    return _mask(x, lambda o: np.triu(o, k))


def _eye_like(x, n=None, dtype=None):
    shape = shape_of(x)
    n = shape[-1] if n is None else n
    eye = np.eye(n, dtype=dtype or dtype_of(x))
    return np.ascontiguousarray(np.broadcast_to(eye, shape[:-2] + (n, n)))


def _row(v, rows=None):
    """A vector (batch..., k) repeated as the rows of (batch..., rows, k)."""
    shape = shape_of(v)
    nd = len(shape)
    rows = shape[-1] if rows is None else rows
    return lax.broadcast_in_dim(v, shape[:-1] + (rows, shape[-1]),
                                tuple(range(nd - 1)) + (nd,))


def _col(v, cols=None):
    """A vector (batch..., k) repeated as the columns of (batch..., k, cols)."""
    shape = shape_of(v)
    cols = shape[-1] if cols is None else cols
    return lax.broadcast_in_dim(v, shape + (cols,), tuple(range(len(shape))))


# ------------------------------------------------------------------ cholesky

def _cholesky_jvp(primals, tangents):
    (a,), (da,) = primals, tangents
    L = cholesky_p.bind(a)
    da = instantiate(da)
    # only the lower triangle of a is read: the tangent is that of the Hermitian matrix
    da = lax.add(tril(da), _H(tril(da, -1)))
    tmp = lax.triangular_solve(L, da, left_side=False, lower=True, transpose_a=True,
                               conjugate_a=True)
    x = lax.triangular_solve(L, tmp, left_side=True, lower=True)
    n = shape_of(a)[-1]
    phi = _mask(x, lambda o: np.tril(o) / (1 + np.eye(n, dtype=o.dtype)))
    return L, mm(L, phi)


# ------------------------------------------------------------- triangular_solve

def _op(a, transpose_a, conjugate_a):
    if conjugate_a:
        a = _conj(a)
    return _T(a) if transpose_a else a


def _triangular_solve_jvp(primals, tangents, **params):
    (a, b), (da, db) = primals, tangents
    x = triangular_solve_p.bind(a, b, **params)
    out = Zero.from_value(x)
    if type(db) is not Zero:
        out = triangular_solve_p.bind(a, db, **params)
    if type(da) is not Zero:
        g = tril(da) if params["lower"] else triu(da)
        if params["unit_diagonal"]:
            g = tril(g, -1) if params["lower"] else triu(g, 1)
        g = _op(g, params["transpose_a"], params["conjugate_a"])
        rhs = mm(g, x) if params["left_side"] else mm(x, g)
        dx = lax.neg(triangular_solve_p.bind(a, rhs, **params))
        out = dx if type(out) is Zero else lax.add(out, dx)
    return x, out


def _triangular_solve_transpose(ct, a, b, **params):
    if is_undefined(a):
        raise ValueError("triangular_solve is linear in b only; a must be known")
    if type(ct) is Zero:
        return [None, Zero(b.aval)]
    flipped = dict(params, transpose_a=not params["transpose_a"])
    return [None, triangular_solve_p.bind(a, ct, **flipped)]


# ------------------------------------------------------------------ lu

def _lu_jvp(primals, tangents):
    (a,), (da,) = primals, tangents
    lu, pivots, perm = lu_p.bind(a)
    *batch, m, n = shape_of(a)
    k = min(m, n)
    da = instantiate(da)
    # P dA: rows of dA in the order of the permutation (a one-hot matrix product)
    onehot = lax.convert_element_type(
        lax.eq(_col(perm, m), lax.broadcasted_iota(np.int32, tuple(batch) + (m, m),
                                                len(batch) + 1)), dtype_of(a))
    x = mm(onehot, da)
    nd = len(batch) + 2
    zero = lax.full((), 0, dtype_of(a))
    lpad = [(0, 0, 0)] * nd
    lpad[-1] = (0, m - k, 0)
    lower = lax.pad(tril(lax.slice_in_dim(lu, 0, k, axis=nd - 1), -1), zero, lpad)
    lower = lax.add(lower, _eye_like(lower))
    upad = [(0, 0, 0)] * nd
    upad[-2] = (0, n - k, 0)
    upper = lax.pad(triu(lax.slice_in_dim(lu, 0, k, axis=nd - 2)), zero, upad)
    if n > k:
        eye = np.zeros((n, n), dtype_of(a))
        eye[np.arange(k, n), np.arange(k, n)] = 1
        upper = lax.add(upper, np.ascontiguousarray(np.broadcast_to(eye, shape_of(upper))))
    la = lax.triangular_solve(lower, x, left_side=True, lower=True, unit_diagonal=True)
    lau = lax.triangular_solve(upper, la, left_side=False, lower=False)
    dlu = lax.add(mm(lower, tril(lau, -1)), mm(triu(lau), upper))
    return [lu, pivots, perm], [dlu, Zero.from_value(pivots), Zero.from_value(perm)]


# ------------------------------------------------------------------ qr

def _qr_jvp(primals, tangents, *, full_matrices):
    (a,), (da,) = primals, tangents
    q, r = qr_p.bind(a, full_matrices=full_matrices)
    m, n = shape_of(a)[-2:]
    if m < n or (full_matrices and m != n):
        raise NotImplementedError(
            f"the derivative of qr is implemented for m >= n with reduced matrices (or "
            f"square ones), got a {m}x{n} matrix with full_matrices={full_matrices}")
    da = instantiate(da)
    dx_rinv = lax.triangular_solve(r, da, left_side=False, lower=False)
    c = mm(_H(q), dx_rinv)
    low = tril(c, -1)
    omega = lax.sub(low, _H(low))
    if dtypes.is_complex(dtype_of(a)):
        imag_diag = lax.sub(c, cast(lax.real(c), dtype_of(a)))
        omega = lax.add(omega, _mask(imag_diag, lambda o: np.eye(*o.shape, dtype=o.dtype)))
    dq = lax.add(mm(q, lax.sub(omega, c)), dx_rinv)
    dr = mm(lax.sub(c, omega), r)
    return [q, r], [dq, dr]


# ------------------------------------------------------------------ eigh

def _gap_reciprocals(w, dtype):
    """``F[i, j] = 1 / (w[j] - w[i])`` off the diagonal, 0 on it."""
    eye = _eye_like(_col(w), dtype=dtype_of(w))
    diff = lax.sub(_row(w), _col(w))
    f = lax.sub(lax.div(np.ones((), dtype_of(w)), lax.add(diff, eye)), eye)
    return cast(f, dtype)


def _eigh_jvp(primals, tangents, *, lower, sort_eigenvalues):
    (a,), (da,) = primals, tangents
    v, w = eigh_p.bind(a, lower=lower, sort_eigenvalues=sort_eigenvalues)
    da = instantiate(da)
    # only one triangle of a is read
    da = (lax.add(tril(da), _H(tril(da, -1))) if lower
          else lax.add(triu(da), _H(triu(da, 1))))
    vdv = mm(mm(_H(v), da), v)
    dv = mm(v, lax.mul(_gap_reciprocals(w, dtype_of(a)), vdv))
    dw = _diagonal(vdv)
    if dtypes.is_complex(dtype_of(dw)):
        dw = lax.real(dw)
    return [v, w], [dv, dw]


def _diagonal(x):
    """The diagonal of the trailing square matrices: ``sum(x * eye, -1)``."""
    nd = len(shape_of(x))
    return lax.reduce_sum(_mask(x, lambda o: np.eye(*o.shape, dtype=o.dtype)), (nd - 1,))


# ------------------------------------------------------------------ svd

def _svd_jvp(primals, tangents, *, full_matrices, compute_uv):
    (a,), (da,) = primals, tangents
    if compute_uv and full_matrices:
        raise NotImplementedError("the derivative of svd is not implemented for "
                                  "full_matrices=True (use full_matrices=False)")
    s, u, vt = svd_p.bind(a, full_matrices=False, compute_uv=True)
    da = instantiate(da)
    dtype = dtype_of(a)
    v = _H(vt)
    ds_mat = mm(mm(_H(u), da), v)
    ds = _diagonal(ds_mat)
    if dtypes.is_complex(dtype_of(ds)):
        ds = lax.real(ds)
    if not compute_uv:
        return [s], [ds]
    srow, scol = _row(s), _col(s)
    eye = _eye_like(srow, dtype=dtype_of(s))
    s_diffs = lax.mul(lax.add(srow, scol), lax.sub(srow, scol))
    one = np.ones((), dtype_of(s))
    f = cast(lax.sub(lax.div(one, lax.add(s_diffs, eye)), eye), dtype)
    dss = lax.mul(cast(srow, dtype), ds_mat)
    sds = lax.mul(cast(scol, dtype), ds_mat)
    zeros = cast(lax.eq(s, np.zeros((), dtype_of(s))), dtype_of(s))
    s_inv = lax.sub(lax.div(one, lax.add(s, zeros)), zeros)
    s_inv_mat = lax.mul(cast(_row(s_inv), dtype), cast(eye, dtype))
    half = np.array(0.5, dtype)
    du_dv_diag = lax.mul(lax.mul(half, lax.sub(ds_mat, _H(ds_mat))), s_inv_mat)
    du = mm(u, lax.add(lax.mul(f, lax.add(dss, _H(dss))), du_dv_diag))
    dv = mm(v, lax.mul(f, lax.add(sds, _H(sds))))
    m, n = shape_of(a)[-2:]
    if m > n:
        dav = mm(da, v)
        du = lax.add(du, lax.div(lax.sub(dav, mm(u, mm(_H(u), dav))),
                                 cast(_row(s, m), dtype)))
    if n > m:
        dahu = mm(_H(da), u)
        dv = lax.add(dv, lax.div(lax.sub(dahu, mm(v, mm(vt, dahu))),
                                 cast(_row(s, n), dtype)))
    return [s, u, vt], [ds, du, _H(dv)]


# ------------------------------------------------------------------ eig

def _eig_jvp(primals, tangents, *, compute_left_eigenvectors, compute_right_eigenvectors):
    (a,), (da,) = primals, tangents
    if compute_left_eigenvectors:
        raise NotImplementedError("the derivative of eig's left eigenvectors is not "
                                  "implemented (use compute_left_eigenvectors=False)")
    outs = eig_p.bind(a, compute_left_eigenvectors=False,
                      compute_right_eigenvectors=True)
    w, v = outs
    cdt = dtype_of(w)
    da = cast(instantiate(da), cdt)
    vinv_da_v = _solve(v, mm(da, v))
    dw = _diagonal(vinv_da_v)
    if not compute_right_eigenvectors:
        return [w], [dw]
    du = mm(v, lax.mul(_gap_reciprocals(w, cdt), vinv_da_v))
    # keep unit norm: remove the component of each column along itself (real part)
    proj = lax.reduce_sum(lax.real(lax.mul(lax.conj(v), du)), (len(shape_of(v)) - 2,))
    dv = lax.sub(du, lax.mul(v, cast(_row(proj), cdt)))
    return [w, v], [dw, dv]


def _solve(a, b):
    """``a^-1 b`` through lu and two triangular solves (a is a primal constant)."""
    lu, _, perm = lu_p.bind(a)
    *batch, m, _ = shape_of(a)
    onehot = lax.convert_element_type(
        lax.eq(_col(perm, m), lax.broadcasted_iota(np.int32, tuple(batch) + (m, m),
                                                len(batch) + 1)), dtype_of(a))
    pb = mm(onehot, b)
    y = lax.triangular_solve(lu, pb, left_side=True, lower=True, unit_diagonal=True)
    return lax.triangular_solve(lu, y, left_side=True, lower=False)


# --------------------------------------------------------------------- tables

JVP_RULES = {
    cholesky_p: _cholesky_jvp,
    triangular_solve_p: _triangular_solve_jvp,
    lu_p: _lu_jvp,
    qr_p: _qr_jvp,
    eigh_p: _eigh_jvp,
    svd_p: _svd_jvp,
    eig_p: _eig_jvp,
}

TRANSPOSE_RULES = {triangular_solve_p: _triangular_solve_transpose}

# Not linear in any operand (triangular_solve is linear in b: it has a transpose rule).
NONLINEAR = (cholesky_p, lu_p, qr_p, eigh_p, svd_p, eig_p)


def register(registry) -> None:
    """Fill the ``"jvp"`` and ``"transpose"`` tables for the linear-algebra primitives."""
    registry.rules(JVP).update(JVP_RULES)
    registry.rules(TRANSPOSE).update(TRANSPOSE_RULES)
