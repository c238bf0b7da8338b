"""Lowering rules of the linear-algebra primitives (family ``linalg``).

StableHLO has ``cholesky`` and ``triangular_solve`` ops.  The decompositions it
lacks (``lu``, ``qr``, ``eigh``, ``svd``, ``eig``) call jaxlib's LAPACK kernels, which
jaxlib ships as XLA FFI handlers for the CPU (``jaxlib.cpu._lapack.registrations()``:
``lapack_sgetrf_ffi`` and friends).  They are registered once with
``xla_client.register_custom_call_target(name, capsule, platform="cpu",
api_version=1)`` after ``_lapack.initialize()`` (which binds SciPy's LAPACK), and
called as ``stablehlo.custom_call`` with ``api_version = 4``, the kernel's attributes
in a ``backend_config`` dictionary (characters as ``ui8``: ``uplo = 76`` for 'L',
``mode = 86`` for 'V') and column-major layouts for matrix operands and results.
Leading dimensions are batch dimensions: the kernels loop over them.  The GPU
(cuSOLVER) kernels are not wired up: these five primitives lower for the CPU only.

Post-processing (masking triangles, 1-based pivots, the permutation, padding for a
full ``q``) is written with lax operations and inlined by tracing them to a jaxpr.
"""

from __future__ import annotations

import threading

import numpy as np

from plax_core import lax
from plax_core.extend import LOWERING, ClosedJaxpr, ShapedArray, get_aval, trace_to_jaxpr
from plax_core.prims.linalg import real_dtype

from ..mlir import dense_constant, lower_closed_call, ty

_registered = False
_register_lock = threading.Lock()


def ensure_lapack_registered():
    """Register jaxlib's LAPACK FFI kernels with XLA's CPU custom-call registry (once,
    even when many threads lower linear algebra at the same time)."""
    global _registered
    if _registered:
        return
    with _register_lock:
        if _registered:
            return
        from jaxlib import xla_client as xc
        from jaxlib.cpu import _lapack
        _lapack.initialize()
        for name, capsule in _lapack.registrations().items():
            if name.endswith("_ffi"):
                xc.register_custom_call_target(name, capsule, platform="cpu",
                                               api_version=1)
        _registered = True


_PREFIX = {np.dtype(np.float32): "s", np.dtype(np.float64): "d",
           np.dtype(np.complex64): "c", np.dtype(np.complex128): "z"}


def _target(dtype, real_name: str, complex_name: str | None = None) -> str:
    dtype = np.dtype(dtype)
    name = complex_name if complex_name and dtype.kind == "c" else real_name
    return f"lapack_{_PREFIX[dtype]}{name}_ffi"


def _layout(rank: int, matrix: bool) -> str:
    if matrix and rank >= 2:
        order = [rank - 2, rank - 1] + list(range(rank - 3, -1, -1))
    else:
        order = list(range(rank - 1, -1, -1))
    return f"dense<[{', '.join(map(str, order))}]> : tensor<{rank}xindex>"


def lapack_call(ctx, target: str, operands, results, attrs: dict | None = None,
                vectors: tuple = ()):
    """A LAPACK FFI custom call; ``results`` are ``(Ty, is_matrix)`` pairs, and
    ``vectors`` the indices of operands that are (batches of) vectors."""
    ensure_lapack_registered()
    op_layouts = ", ".join(_layout(ctx.ty_of(o).ndim, i not in vectors)
                           for i, o in enumerate(operands))
    res_layouts = ", ".join(_layout(t.ndim, m) for t, m in results)
    config = ", ".join(f"{k} = {v} : ui8" for k, v in (attrs or {}).items())
    return ctx.op("stablehlo.custom_call", list(operands), [t for t, _ in results], {
        "call_target_name": f'"{target}"',
        "api_version": "4 : i32",
        "operand_layouts": f"[{op_layouts}]",
        "result_layouts": f"[{res_layouts}]",
        "backend_config": "{" + config + "}",
    })


def inline(ctx, fn, *args):
    """Trace ``fn`` (lax operations) at the types of ``args`` and emit it inline."""
    avals = [ShapedArray(ctx.ty_of(a).shape, ctx.ty_of(a).dtype) for a in args]
    jaxpr, consts = trace_to_jaxpr(lambda *xs: list(fn(*xs)), avals)
    return lower_closed_call(ctx, ClosedJaxpr(jaxpr, consts), list(args))


def _empty(ctx, prim, x, **params):
    """Outputs of a primitive on an operand with no elements: its NumPy result."""
    t = ctx.ty_of(x)
    outs = prim.impl(np.zeros(t.shape, t.dtype), **params)
    outs = outs if prim.multiple_results else [outs]
    names = [dense_constant(ctx, o) for o in outs]
    return names if prim.multiple_results else names[0]


def _tri_mask(x, lower: bool):
    shape = get_aval(x).shape
    mask = np.broadcast_to(np.tril(np.ones(shape[-2:], bool)) if lower
                           else np.triu(np.ones(shape[-2:], bool)), shape)
    return lax.select(np.ascontiguousarray(mask), x, lax.full(shape, 0, get_aval(x).dtype))


# ------------------------------------------------------------------ StableHLO ops

def _cholesky(ctx, a):
    t = ctx.ty_of(a)
    if 0 in t.shape:
        return _empty(ctx, lax.cholesky_p, a)
    # Only the lower triangle is read: make the operand Hermitian from it.
    (a,) = inline(ctx, lambda x: [lax.add(_tri_mask(x, True), _adjoint(
        lax.sub(x, _tri_mask(x, False))))], a)
    out = ctx.op("stablehlo.cholesky", [a], t, {"lower": "true"})
    return inline(ctx, lambda x: [_nan_unless_finite(_tri_mask(x, True))], out)[0]


def _nan_unless_finite(x):
    """Whole matrices of NaN where XLA's factor broke down (not positive definite), as the
    NumPy implementation and JAX give, instead of XLA's partly-NaN, partly-zero result."""
    aval = get_aval(x)
    nd = aval.ndim
    finite = (lax.bitwise_and(lax.is_finite(lax.real(x)), lax.is_finite(lax.imag(x)))
              if aval.dtype.kind == "c" else lax.is_finite(x))
    ok = lax.reduce_and(finite, (nd - 2, nd - 1))
    ok = lax.broadcast_in_dim(ok, aval.shape, tuple(range(nd - 2)))
    return lax.select(ok, x, lax.full(aval.shape, np.nan, aval.dtype))


def _adjoint(x):
    aval = get_aval(x)
    nd = aval.ndim
    xt = lax.transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))
    return lax.conj(xt) if aval.dtype.kind == "c" else xt


def _triangular_solve(ctx, a, b, *, left_side, lower, transpose_a, conjugate_a,
                      unit_diagonal):
    t = ctx.ty_of(b)
    if 0 in t.shape or 0 in ctx.ty_of(a).shape:
        return ctx.constant(0, t.dtype, t.shape)
    complex_ = t.dtype.kind == "c"
    if conjugate_a and complex_ and not transpose_a:
        (a,) = inline(ctx, lambda x: [lax.conj(x)], a)
    kind = ("NO_TRANSPOSE" if not transpose_a else
            "ADJOINT" if conjugate_a and complex_ else "TRANSPOSE")

    def flag(v):
        return "true" if v else "false"

    return ctx.op("stablehlo.triangular_solve", [a, b], t, {
        "left_side": flag(left_side), "lower": flag(lower),
        "unit_diagonal": flag(unit_diagonal),
        "transpose_a": f"#stablehlo<transpose {kind}>"})


# ------------------------------------------------------------------ LAPACK calls

def _lu(ctx, a):
    t = ctx.ty_of(a)
    if 0 in t.shape:
        return _empty(ctx, lax.lu_p, a)
    *batch, m, n = t.shape
    batch = tuple(batch)
    i32 = np.dtype(np.int32)
    lu, ipiv, _info = lapack_call(ctx, _target(t.dtype, "getrf"), [a], [
        (t, True), (ty(batch + (min(m, n),), i32), False), (ty(batch, i32), False)])

    def post(ipiv):
        piv = lax.sub(ipiv, lax.full(get_aval(ipiv).shape, 1, i32))
        return [piv, lax.lu_pivots_to_permutation(piv, m)]

    piv, perm = inline(ctx, post, ipiv)
    return [lu, piv, perm]


def _qr(ctx, a, *, full_matrices):
    t = ctx.ty_of(a)
    if 0 in t.shape:
        return _empty(ctx, lax.qr_p, a, full_matrices=full_matrices)
    *batch, m, n = t.shape
    batch = tuple(batch)
    k = min(m, n)
    r_full, tau = lapack_call(ctx, _target(t.dtype, "geqrf"), [a], [
        (t, True), (ty(batch + (k,), t.dtype), False)])
    cols = m if full_matrices else k
    nd = len(batch) + 2

    def shape_q(x):
        # orgqr wants an m x cols matrix whose first k columns hold the reflectors
        if n > cols:
            x = lax.slice_in_dim(x, 0, cols, axis=nd - 1)
        elif n < cols:
            pads = [(0, 0, 0)] * nd
            pads[-1] = (0, cols - n, 0)
            x = lax.pad(x, lax.full((), 0, t.dtype), pads)
        return [x]

    (qin,) = inline(ctx, shape_q, r_full)
    (q,) = lapack_call(ctx, _target(t.dtype, "orgqr", "ungqr"), [qin, tau],
                       [(ty(batch + (m, cols), t.dtype), True)], vectors=(1,))
    rows = m if full_matrices else k

    def make_r(x):
        return [lax.slice_in_dim(_tri_mask(x, False), 0, rows, axis=nd - 2)]

    (r,) = inline(ctx, make_r, r_full)
    return [q, r]


def _eigh(ctx, a, *, lower, sort_eigenvalues):
    t = ctx.ty_of(a)
    if 0 in t.shape:
        return _empty(ctx, lax.eigh_p, a, lower=lower, sort_eigenvalues=sort_eigenvalues)
    batch = t.shape[:-2]
    n = t.shape[-1]
    v, w, _info = lapack_call(ctx, _target(t.dtype, "syevd", "heevd"), [a], [
        (t, True), (ty(batch + (n,), real_dtype(t.dtype)), False),
        (ty(batch, np.int32), False)], {"mode": ord("V"), "uplo": ord("L" if lower else "U")})
    return [v, w]          # syevd/heevd sort the eigenvalues ascending


def _svd(ctx, a, *, full_matrices, compute_uv):
    t = ctx.ty_of(a)
    if 0 in t.shape:
        return _empty(ctx, lax.svd_p, a, full_matrices=full_matrices,
                      compute_uv=compute_uv)
    *batch, m, n = t.shape
    batch = tuple(batch)
    k = min(m, n)
    full = full_matrices and compute_uv
    ku, kv = (m, n) if full else (k, k)
    _, s, u, vt, _info = lapack_call(ctx, _target(t.dtype, "gesdd"), [a], [
        (t, True), (ty(batch + (k,), real_dtype(t.dtype)), False),
        (ty(batch + (m, ku), t.dtype), True), (ty(batch + (kv, n), t.dtype), True),
        (ty(batch, np.int32), False)], {"mode": ord("A" if full else "S")})
    return [s, u, vt] if compute_uv else [s]


def _eig(ctx, a, *, compute_left_eigenvectors, compute_right_eigenvectors):
    t = ctx.ty_of(a)
    if 0 in t.shape:
        return _empty(ctx, lax.eig_p, a, compute_left_eigenvectors=compute_left_eigenvectors,
                      compute_right_eigenvectors=compute_right_eigenvectors)
    batch = t.shape[:-2]
    n = t.shape[-1]
    cdt = ctx.avals_out[0].dtype
    vecs = [(ty(t.shape, cdt), True)] * 2
    attrs = {"compute_left": ord("V" if compute_left_eigenvectors else "N"),
             "compute_right": ord("V" if compute_right_eigenvectors else "N")}
    info = (ty(batch, np.int32), False)
    if t.dtype.kind == "c":
        w, vl, vr, _ = lapack_call(ctx, _target(t.dtype, "geev"), [a],
                                   [(ty(batch + (n,), cdt), False), *vecs, info], attrs)
    else:
        wt = (ty(batch + (n,), t.dtype), False)
        wr, wi, vl, vr, _ = lapack_call(ctx, _target(t.dtype, "geev"), [a],
                                        [wt, wt, *vecs, info], attrs)
        (w,) = inline(ctx, lambda re, im: [lax.complex(re, im)], wr, wi)
    out = [w]
    if compute_left_eigenvectors:
        out.append(vl)
    if compute_right_eigenvectors:
        out.append(vr)
    return out


RULES = {
    lax.cholesky_p: _cholesky, lax.triangular_solve_p: _triangular_solve, lax.lu_p: _lu,
    lax.qr_p: _qr, lax.eigh_p: _eigh, lax.svd_p: _svd, lax.eig_p: _eig,
}


def register(registry) -> None:
    registry.rules(LOWERING).update(RULES)
