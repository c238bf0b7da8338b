"""``check_grads``: derivatives of any order checked against finite differences.

As JAX's ``jax.test_util.check_grads``: forward mode is compared with a central
difference along a random tangent; reverse mode through the identity
``<J t, c> == <t, J^T c>`` for random ``t`` and ``c``.  Order ``n > 1`` checks the
JVP and VJP functions themselves, recursively.  Every package's tests may use it
(``plax.test_util.check_grads`` re-exports it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from plax_core import dtypes, tree_util
from plax_core.core import get_aval

from . import api
from .tangents import float0, is_differentiable_dtype

__all__ = ["check_grads", "check_jvp", "check_vjp", "numerical_jvp"]

EPS = 1e-4

_TOLERANCE = {
    np.dtype(np.float16): 1e-1, np.dtype(dtypes.bfloat16): 1e-1,
    np.dtype(np.float32): 1e-2, np.dtype(np.complex64): 1e-2,
    np.dtype(np.float64): 1e-5, np.dtype(np.complex128): 1e-5,
}


def _tol(dtype, given):
    if given is not None:
        return given
    return _TOLERANCE.get(np.dtype(dtype), 1e-5)


def _host(x) -> np.ndarray:
    if isinstance(x, np.ndarray) and x.dtype == float0:
        return x
    return np.asarray(x)


def _leaves(tree) -> list[np.ndarray]:
    return [_host(x) for x in tree_util.tree_leaves(tree)]


def _rand_like(rng: np.random.RandomState, x):
    aval = get_aval(x) if not (isinstance(x, np.ndarray) and x.dtype == float0) else None
    if aval is None or not is_differentiable_dtype(aval.dtype):
        return np.zeros(np.shape(x), dtype=float0)
    shape = aval.shape
    if dtypes.is_complex(aval.dtype):
        return np.asarray(rng.randn(*shape) + 1j * rng.randn(*shape)).astype(aval.dtype)
    return np.asarray(rng.randn(*shape)).astype(aval.dtype)


def _perturb(args, tangents, scale):
    def one(x, t):
        if not is_differentiable_dtype(get_aval(x).dtype):
            return x
        dt = get_aval(x).dtype
        wide = np.complex128 if dtypes.is_complex(dt) else np.float64
        return (_host(x).astype(wide) + scale * _host(t).astype(wide)).astype(dt)
    return tree_util.tree_map(one, args, tangents)


def numerical_jvp(f: Callable, primals: Sequence, tangents: Sequence, eps: float = EPS):
    """Central difference ``(f(x + eps t) - f(x - eps t)) / (2 eps)`` (as NumPy arrays)."""
    f_pos = _leaves(f(*_perturb(primals, tangents, eps)))
    f_neg = _leaves(f(*_perturb(primals, tangents, -eps)))
    out = []
    for p, n in zip(f_pos, f_neg):
        if p.dtype == float0 or not (dtypes.is_inexact(p.dtype)):
            out.append(np.zeros(p.shape, dtype=float0))
            continue
        wide = np.complex128 if dtypes.is_complex(p.dtype) else np.float64
        out.append(((p.astype(wide) - n.astype(wide)) * (0.5 / eps)).astype(p.dtype))
    return out


def _conj(x):
    return x if x.dtype == float0 else np.conj(x)


def _check_close(what, got, expected, atol, rtol, err_msg):
    got, expected = _leaves(got), list(expected)
    if len(got) != len(expected):
        raise AssertionError(f"{err_msg}{what}: {len(got)} outputs, expected {len(expected)}")
    for i, (g, e) in enumerate(zip(got, expected)):
        if g.dtype == float0 or e.dtype == float0:
            continue
        if g.shape != e.shape:
            raise AssertionError(f"{err_msg}{what} output {i}: shape {g.shape}, expected "
                                 f"{e.shape}")
        dt = np.result_type(g.dtype, e.dtype)
        np.testing.assert_allclose(
            g.astype(np.complex128 if dtypes.is_complex(dt) else np.float64),
            e.astype(np.complex128 if dtypes.is_complex(dt) else np.float64),
            atol=_tol(dt, atol), rtol=_tol(dt, rtol),
            err_msg=f"{err_msg}{what} output {i}")


def _inner(xs, ys) -> complex:
    total = 0.0
    for x, y in zip(xs, ys):
        if x.dtype == float0 or y.dtype == float0:
            continue
        total = total + np.real(np.sum(np.conj(x.astype(np.complex128))
                                       * y.astype(np.complex128)))
    return total


def _dtype_of_leaves(tree):
    dts = [x.dtype for x in _leaves(tree) if x.dtype != float0 and dtypes.is_inexact(x.dtype)]
    if not dts:
        return np.dtype(np.float64)
    return min(dts, key=lambda d: d.itemsize if not dtypes.is_complex(d) else d.itemsize // 2)


def check_jvp(f: Callable, f_jvp: Callable, args, atol=None, rtol=None, eps=EPS,
              err_msg: str = ""):
    """``f_jvp(args, tangents)`` against ``f`` and a central difference."""
    rng = np.random.RandomState(0)
    tangents = tree_util.tree_map(lambda x: _rand_like(rng, x), args)
    v_out, t_out = f_jvp(args, tangents)
    v_expected = _leaves(f(*args))
    t_expected = numerical_jvp(f, args, tangents, eps=eps)
    _check_close("jvp primal", v_out, v_expected, atol, rtol, err_msg)
    tol = _tol(_dtype_of_leaves(args), atol)
    _check_close("jvp tangent", t_out, t_expected, tol, _tol(_dtype_of_leaves(args), rtol),
                 err_msg)


def check_vjp(f: Callable, f_vjp: Callable, args, atol=None, rtol=None, eps=EPS,
              err_msg: str = ""):
    """``<J t, c> == <t, J^T c>`` for random ``t``, ``c`` (``J t`` by central difference)."""
    rng = np.random.RandomState(0)
    v_out, vjp_fun = f_vjp(*args)
    _check_close("vjp primal", v_out, _leaves(f(*args)), atol, rtol, err_msg)
    tangents = tree_util.tree_map(lambda x: _rand_like(rng, x), args)
    tangent_out = numerical_jvp(f, args, tangents, eps=eps)
    cotangent = tree_util.tree_map(lambda x: _rand_like(rng, x), v_out)
    cotangent_out = [np.conj(c) if c.dtype != float0 else c
                     for c in _leaves(vjp_fun(tree_util.tree_map(_conj, cotangent)))]
    ip = _inner(_leaves(tangents), cotangent_out)
    ip_expected = _inner(tangent_out, _leaves(cotangent))
    dt = np.promote_types(_dtype_of_leaves(args), _dtype_of_leaves(v_out))
    scale = max(1.0, float(np.abs(ip_expected)))
    np.testing.assert_allclose(ip, ip_expected, atol=_tol(dt, atol) * scale,
                               rtol=_tol(dt, rtol), err_msg=f"{err_msg}vjp inner product")


def check_grads(f: Callable, args, order: int, modes=("fwd", "rev"), atol=None, rtol=None,
                eps=None):
    """Check ``f``'s derivatives up to ``order`` in the given modes at ``args`` (a tuple).

    Raises ``AssertionError`` naming the failing mode and order.
    """
    args = tuple(args)
    eps = EPS if eps is None else eps
    for m in modes:
        if m not in ("fwd", "rev"):
            raise ValueError(f"check_grads: unknown mode {m!r}; modes are 'fwd' and 'rev'")

    def _check(f, args, order, err_msg):
        if "fwd" in modes:
            msg = f"{err_msg}JVP of order {order}: "
            check_jvp(f, lambda a, t: api.jvp(f, a, t), args, atol, rtol, eps, msg)
            if order > 1:
                _check(lambda p, t: api.jvp(f, p, t), (args, args), order - 1, msg)
        if "rev" in modes:
            msg = f"{err_msg}VJP of order {order}: "
            check_vjp(f, lambda *a: api.vjp(f, *a), args, atol, rtol, eps, msg)
            if order > 1:
                def f_vjp(*a):
                    out, vjp_fun = api.vjp(f, *a)
                    return vjp_fun(out)
                _check(f_vjp, args, order - 1, msg)

    _check(f, args, order, "")

