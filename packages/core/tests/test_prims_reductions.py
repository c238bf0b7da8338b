"""Reductions, argmax/argmin and dot_general: values against loop/einsum oracles,
abstract eval, jaxprs, identities of empty reductions, NaNs and ties, and errors."""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pytest

import plax_core
from plax_core import lax, testing
from plax_core.config import config
from plax_core.core import ShapedArray
from plax_core.prims import reductions
from plax_core.testing import num_generated_cases, random_shapes

BF16 = np.dtype(plax_core.dtypes.bfloat16)
ALL_DTYPES = [np.dtype(d) for d in (
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
    np.uint64, np.float16, BF16, np.float32, np.float64, np.complex64, np.complex128)]
X64 = {np.dtype(d) for d in (np.int64, np.uint64, np.float64, np.complex128)}
INTS = [d for d in ALL_DTYPES if d.kind in "iu"]
FLOATS = [np.dtype(np.float16), BF16, np.dtype(np.float32), np.dtype(np.float64)]
COMPLEX = [np.dtype(np.complex64), np.dtype(np.complex128)]
NUMBER = INTS + FLOATS + COMPLEX
BOOL = [np.dtype(np.bool_)]


def x64_for(*dts):
    need = any(np.dtype(d) in X64 for d in dts if d is not None)
    return config.override(enable_x64=True) if need else contextlib.nullcontext()


def random_array(rng, shape, dtype, **kw):
    return np.asarray(testing.random_array(rng, shape, dtype, **kw))


def eps(dtype):
    return float(plax_core.dtypes.finfo(np.dtype(dtype).type(0).real.dtype
                                        if np.dtype(dtype).kind == "c" else dtype).eps)


class Case(NamedTuple):
    fun: Callable
    args: list
    oracle: Callable
    tol: tuple = (0.0, 0.0)        # (rtol, atol); zero means exact


# --------------------------------------------------------------------- oracles

def wrap_int(v: int, dtype) -> int:
    """A Python int reduced into the range of an integer dtype (two's complement)."""
    info = np.iinfo(dtype)
    span = 1 << (8 * np.dtype(dtype).itemsize)
    return (v - int(info.min)) % span + int(info.min)


def loop_reduce(x, axes, row_fn, out_dtype):
    """Apply ``row_fn`` to the list of elements reduced into each output position."""
    keep = [i for i in range(x.ndim) if i not in axes]
    out_shape = tuple(x.shape[i] for i in keep)
    out = np.empty(out_shape, out_dtype)
    for oidx in np.ndindex(*out_shape):
        row = []
        for ridx in np.ndindex(*[x.shape[a] for a in axes]):
            full = [0] * x.ndim
            for k, i in zip(keep, oidx):
                full[k] = i
            for a, i in zip(axes, ridx):
                full[a] = i
            row.append(x[tuple(full)])
        out[oidx] = row_fn(row)
    return out


def _is_nan(v):
    return isinstance(v, (float, complex)) and v != v


def _py(v, dtype):
    if dtype.kind == "b":
        return bool(v)
    if dtype.kind in "iu":
        return int(v)
    if dtype.kind == "c":
        return complex(v)
    return float(v)


def row_sum(dtype):
    def fn(row):
        vals = [_py(v, dtype) for v in row]
        if dtype.kind in "iu":
            return wrap_int(sum(vals), dtype)
        return math.fsum(vals) if dtype.kind == "f" or dtype == BF16 else sum(vals, 0j)
    return fn


def row_prod(dtype):
    def fn(row):
        vals = [_py(v, dtype) for v in row]
        out = functools.reduce(lambda a, b: a * b, vals, 1)
        return wrap_int(out, dtype) if dtype.kind in "iu" else out
    return fn


def _order_key(v):
    return (v.real, v.imag) if isinstance(v, complex) else v


def row_extreme(dtype, pick):                  # pick = max or min
    def fn(row):
        vals = [_py(v, dtype) for v in row]
        if any(_is_nan(v) for v in vals):
            return math.nan
        if not vals:
            if dtype.kind == "b":
                return pick is min
            if dtype.kind in "iu":
                info = np.iinfo(dtype)
                return info.min if pick is max else info.max
            return -math.inf if pick is max else math.inf
        return pick(vals, key=_order_key)
    return fn


def row_bitwise(dtype, op, identity_bool):
    def fn(row):
        if dtype.kind == "b":
            return functools.reduce(op, [bool(v) for v in row], identity_bool)
        start = -1 if op is _and else 0
        return wrap_int(functools.reduce(op, [int(v) for v in row], start), dtype)
    return fn


def _and(a, b):
    return a & b


def _or(a, b):
    return a | b


def _xor(a, b):
    return a ^ b


def _sum_tol(dtype, k):
    if dtype.kind in "biu":
        return (0.0, 0.0)
    e = eps(dtype)
    return (4 * e, 4 * e * max(k, 1) * 3)


def _random_axes(rng, ndim):
    return tuple(int(a) for a in sorted(rng.choice(ndim, int(rng.integers(0, ndim + 1)),
                                                   replace=False)))


# ---------------------------------------------------------------- case generators

def _reduce_cases(fun_name, row_fn_for, values=None):
    def gen(rng, dtype, n):
        for s in random_shapes(rng, n):
            axes = _random_axes(rng, len(s))
            if len(s) == 2 and s[0] == 0 and rng.random() < 0.5:
                axes = (0,)                                  # reduce a zero-size axis
            kw = values(dtype) if values else {}
            x = random_array(rng, s, dtype, **kw)
            if dtype.kind == "f" or dtype == BF16:
                x = np.where(rng.random(s) < 0.05, np.nan, x).astype(dtype) \
                    if fun_name in ("reduce_max", "reduce_min") else x
            k = int(np.prod([s[a] for a in axes]))
            tol = _sum_tol(dtype, k) if fun_name in ("reduce_sum", "reduce_prod") else (0, 0)
            yield Case(lambda x, axes=axes: getattr(lax, fun_name)(x, axes), [x],
                       lambda x, axes=axes: loop_reduce(x, axes, row_fn_for(dtype),
                                                        np.complex128 if dtype.kind == "c"
                                                        else (np.float64 if dtype.kind == "f"
                                                              or dtype == BF16 else object)),
                       tol)
    return gen


def _prod_values(dtype):
    return dict(low=0.8, high=1.25) if dtype.kind in "fc" or dtype == BF16 else {}


def _argminmax_oracle(x, axis, pick):
    def fn(row):
        vals = [float(v) if x.dtype.kind == "f" or x.dtype == BF16 else int(v) for v in row]
        for i, v in enumerate(vals):
            if v != v:
                return i
        best = pick(vals)
        return vals.index(best)
    return loop_reduce(x, (axis,), fn, object)


def _arg_cases(name, pick):
    def gen(rng, dtype, n):
        for s in random_shapes(rng, n, allow_empty=False):
            s = s or (3,)
            axis = int(rng.integers(0, len(s)))
            x = random_array(rng, s, dtype, low=-2, high=2)   # many ties
            if dtype.kind == "f" or dtype == BF16:
                x = np.where(rng.random(s) < 0.1, np.nan, x).astype(dtype)
            index_dtype = [np.int32, np.int16, np.uint8, np.int8][int(rng.integers(0, 4))]
            yield Case(lambda x, a=axis, i=index_dtype: getattr(lax, name)(x, a, i), [x],
                       lambda x, a=axis: _argminmax_oracle(x, a, pick))
    return gen


def _random_dot_dims(rng):
    """Random operand shapes and dimension numbers, with dims in arbitrary positions."""
    nb, nc, nl, nr = (int(rng.integers(0, k)) for k in (3, 3, 3, 3))
    b = [int(rng.integers(0, 4)) for _ in range(nb)]
    c = [int(rng.integers(0, 4)) for _ in range(nc)]
    lf = [int(rng.integers(0, 4)) for _ in range(nl)]
    rf = [int(rng.integers(0, 4)) for _ in range(nr)]
    lperm = rng.permutation(nb + nc + nl)
    rperm = rng.permutation(nb + nc + nr)
    # position of logical dim j of lhs (batch, contract, free) is lperm[j]
    lshape, rshape = [0] * (nb + nc + nl), [0] * (nb + nc + nr)
    for j, size in enumerate(b + c + lf):
        lshape[lperm[j]] = size
    for j, size in enumerate(b + c + rf):
        rshape[rperm[j]] = size
    lb = tuple(int(p) for p in lperm[:nb])
    lc = tuple(int(p) for p in lperm[nb:nb + nc])
    rb = tuple(int(p) for p in rperm[:nb])
    rc = tuple(int(p) for p in rperm[nb:nb + nc])
    return tuple(lshape), tuple(rshape), ((lc, rc), (lb, rb)), int(np.prod(c))


def _einsum_oracle(lhs, rhs, dims, out_dtype):
    (lc, rc), (lb, rb) = dims
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    lsub, rsub = [None] * lhs.ndim, [None] * rhs.ndim
    batch, lfree, rfree = [], [], []
    for l_, r_ in zip(lb, rb):
        lsub[l_] = rsub[r_] = ch = next(letters)
        batch.append(ch)
    for l_, r_ in zip(lc, rc):
        lsub[l_] = rsub[r_] = next(letters)
    for i in range(lhs.ndim):
        if lsub[i] is None:
            lsub[i] = ch = next(letters)
            lfree.append(ch)
    for i in range(rhs.ndim):
        if rsub[i] is None:
            rsub[i] = ch = next(letters)
            rfree.append(ch)
    spec = f"{''.join(lsub)},{''.join(rsub)}->{''.join(batch + lfree + rfree)}"
    out_dtype = np.dtype(out_dtype)
    if out_dtype.kind in "biu":
        wide = np.int64
    elif out_dtype.kind == "c":
        wide = np.complex128
    else:
        wide = np.float64
    with np.errstate(all="ignore"):
        out = np.einsum(spec, lhs.astype(wide), rhs.astype(wide))
    return out != 0 if out_dtype.kind == "b" else out


def _dot_cases(rng, dtype, n):
    for _ in range(n):
        ls, rs, dims, k = _random_dot_dims(rng)
        lhs, rhs = random_array(rng, ls, dtype), random_array(rng, rs, dtype)
        tol = (0.0, 0.0) if dtype.kind in "biu" else (4 * eps(dtype), 4 * eps(dtype) * 9 * k)
        yield Case(lambda a, b, d=dims: lax.dot_general(a, b, d), [lhs, rhs],
                   lambda a, b, d=dims: _einsum_oracle(a, b, d, dtype), tol)


_OUT = {"reduce_sum": row_sum, "reduce_prod": row_prod}
CASES = {
    "reduce_sum": (_reduce_cases("reduce_sum", row_sum), NUMBER),
    "reduce_prod": (_reduce_cases("reduce_prod", row_prod, _prod_values), NUMBER),
    "reduce_max": (_reduce_cases("reduce_max", lambda d: row_extreme(d, max)), ALL_DTYPES),
    "reduce_min": (_reduce_cases("reduce_min", lambda d: row_extreme(d, min)), ALL_DTYPES),
    "reduce_and": (_reduce_cases("reduce_and", lambda d: row_bitwise(d, _and, True)),
                   BOOL + INTS),
    "reduce_or": (_reduce_cases("reduce_or", lambda d: row_bitwise(d, _or, False)),
                  BOOL + INTS),
    "reduce_xor": (_reduce_cases("reduce_xor", lambda d: row_bitwise(d, _xor, False)),
                   BOOL + INTS),
    "argmax": (_arg_cases("argmax", max), BOOL + INTS + FLOATS),
    "argmin": (_arg_cases("argmin", min), BOOL + INTS + FLOATS),
    "dot_general": (_dot_cases, ALL_DTYPES),
}
PRIMS = {p.name: p for p in vars(reductions).values() if isinstance(p, plax_core.Primitive)}


def _cases(name, dtype):
    gen, _ = CASES[name]
    seed = (sorted(CASES).index(name), ALL_DTYPES.index(dtype))
    return list(gen(np.random.default_rng(seed), dtype, num_generated_cases()))


ALL_PARAMS = [pytest.param(name, d, id=f"{name}-{d.name}")
              for name in CASES for d in CASES[name][1]]


def test_every_primitive_has_a_test_row():
    assert set(PRIMS) == set(CASES), "add a case generator to CASES for each primitive"


def _compare(got, expected, dtype, tol):
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if tol == (0.0, 0.0) or tol == (0, 0):
        if dtype == BF16:   # NumPy's NaN-aware comparison does not know bfloat16
            np.testing.assert_array_equal(got.astype(np.float32),
                                          np.asarray(expected, dtype).astype(np.float32))
        elif dtype.kind in "fc":
            np.testing.assert_array_equal(got, np.asarray(expected, dtype))
        else:
            np.testing.assert_array_equal(got.astype(object), expected.astype(object))
    else:
        np.testing.assert_allclose(got.astype(np.complex128 if dtype.kind == "c"
                                              else np.float64),
                                   expected, rtol=tol[0], atol=tol[1])


@pytest.mark.parametrize("name,dtype", ALL_PARAMS)
def test_values_against_oracle(name, dtype):
    with x64_for(dtype):
        for case in _cases(name, dtype):
            out = case.fun(*case.args)
            expected = case.oracle(*case.args)
            out_dtype = np.dtype(dtype) if name not in ("argmax", "argmin") else out.dtype
            assert out.dtype == out_dtype
            if name in ("argmax", "argmin"):
                assert out.dtype.kind in "iu"
            _compare(np.asarray(out), np.asarray(expected), out_dtype, case.tol)


@pytest.mark.parametrize("name,dtype", ALL_PARAMS)
def test_jaxpr_and_abstract_eval_agree_with_result(name, dtype):
    with x64_for(dtype):
        for case in _cases(name, dtype)[:4]:
            out = case.fun(*case.args)
            closed = plax_core.make_jaxpr(case.fun)(*case.args)
            assert [e.primitive.name for e in closed.eqns] == [name], str(closed)
            eqn = closed.eqns[0]
            aval = PRIMS[name].abstract_eval(*(v.aval for v in eqn.invars), **eqn.params)
            assert aval == eqn.outvars[0].aval == out.aval
            assert not out.weak_type
            (again,) = closed(*case.args)
            np.testing.assert_array_equal(np.asarray(again), np.asarray(out))


# ---------------------------------------------------------------- identities

@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: d.name)
def test_empty_reductions_give_the_identity(dtype):
    with x64_for(dtype):
        x = np.zeros((2, 0, 3), dtype)
        expected = {
            "reduce_sum": 0, "reduce_prod": 1,
            "reduce_max": (False if dtype.kind == "b" else
                           np.iinfo(dtype).min if dtype.kind in "iu" else -np.inf),
            "reduce_min": (True if dtype.kind == "b" else
                           np.iinfo(dtype).max if dtype.kind in "iu" else np.inf),
            "reduce_and": True if dtype.kind == "b" else -1,
            "reduce_or": 0, "reduce_xor": 0,
        }
        for name, value in expected.items():
            if dtype not in CASES[name][1]:
                continue
            out = getattr(lax, name)(x, (1,))
            assert out.shape == (2, 3) and out.dtype == dtype
            want = np.full((2, 3), value if value != -1 else wrap_int(-1, dtype),
                           dtype=object).astype(dtype)
            np.testing.assert_array_equal(np.asarray(out), want, err_msg=name)
            # reducing every axis of an empty array gives a scalar identity too
            full = getattr(lax, name)(x, (0, 1, 2))
            assert full.shape == () and np.asarray(full) == want[0, 0]


@pytest.mark.parametrize("name", [n for n in CASES if n.startswith("reduce_")])
def test_empty_axes_tuple_is_the_identity_map(name):
    for dtype in CASES[name][1][:3] + [np.dtype(np.float32)] * (name not in (
            "reduce_and", "reduce_or", "reduce_xor")):
        x = random_array(np.random.default_rng(1), (2, 3), dtype)
        out = getattr(lax, name)(x, ())
        assert out.shape == (2, 3) and out.dtype == dtype
        np.testing.assert_array_equal(np.asarray(out), x)
    assert getattr(lax, name)(np.int32(5), ()).shape == ()


def test_negative_zero_survives_an_empty_sum():
    out = lax.reduce_sum(np.float32([-0.0]), ())
    assert np.signbit(np.asarray(out))[0]


def test_integer_reductions_wrap():
    x = np.full(10, 100, np.int8)
    assert int(lax.reduce_sum(x, (0,))) == wrap_int(1000, np.int8)
    assert int(lax.reduce_prod(np.int8([16, 16, 3]), (0,))) == 0
    assert int(lax.reduce_prod(np.uint8([16, 17]), (0,))) == 16
    assert int(lax.reduce_sum(np.uint16([65535, 2]), (0,))) == 1


def test_low_precision_sums_accumulate_wide():
    x = np.full(4096, 1, np.float16)
    assert float(lax.reduce_sum(x, (0,))) == 4096.0    # a float16 accumulator stops at 2048


def test_max_min_nan_and_complex_order():
    x = np.float32([[1, np.nan, 3], [4, 5, 6]])
    np.testing.assert_array_equal(np.asarray(lax.reduce_max(x, (1,))), [np.nan, 6])
    np.testing.assert_array_equal(np.asarray(lax.reduce_min(x, (1,))), [np.nan, 4])
    z = np.complex64([1 + 5j, 2 - 1j, 2 - 3j])
    assert complex(lax.reduce_max(z, (0,))) == 2 - 1j
    assert complex(lax.reduce_min(z, (0,))) == 1 + 5j


# ------------------------------------------------------------------ argmax/argmin

def test_argmax_nan_and_ties():
    x = np.float32([[1, 3, 3, np.nan, np.nan], [2, 2, 1, 0, 2], [np.nan, 0, 9, 9, 1]])
    np.testing.assert_array_equal(np.asarray(lax.argmax(x, 1, np.int32)), [3, 0, 0])
    np.testing.assert_array_equal(np.asarray(lax.argmin(x, 1, np.int32)), [3, 3, 0])
    np.testing.assert_array_equal(np.asarray(lax.argmax(x, 0, np.int32)), [2, 0, 2, 0, 0])
    b = np.array([[False, True, True], [False, False, False]])
    np.testing.assert_array_equal(np.asarray(lax.argmax(b, 1, np.int32)), [1, 0])
    np.testing.assert_array_equal(np.asarray(lax.argmin(b, 1, np.int32)), [0, 0])
    bf = np.array([1, np.inf, np.nan, np.inf], BF16)
    assert int(lax.argmax(bf, 0, np.int32)) == 2
    assert int(lax.argmin(np.array([np.inf, -np.inf, -np.inf]), 0, np.int32)) == 1


def test_argmax_index_dtype():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = lax.argmax(x, 1, np.uint8)
    assert out.aval == ShapedArray((2,), np.uint8, False)
    assert lax.argmax(x, 0, np.int64).dtype == np.int32     # canonicalised without x64
    with config.override(enable_x64=True):
        assert lax.argmax(x, 0, np.int64).dtype == np.int64
    assert not lax.argmax(lax.reduce_max(1.0, ()) if False else
                          lax.broadcast_in_dim(1.0, (3,), ()), 0, np.int32).weak_type


# -------------------------------------------------------------------- dot_general

def test_dot_general_batch_dims_against_einsum():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)     # b, i, k, j
    b = rng.standard_normal((5, 2, 4, 6)).astype(np.float32)     # j, b, k, l
    out = lax.dot_general(a, b, (((2, 3), (2, 0)), ((0,), (1,))))
    np.testing.assert_allclose(np.asarray(out), np.einsum("bikj,jbkl->bil", a, b),
                               rtol=1e-5, atol=1e-5)
    out = lax.dot_general(a, b, (((2,), (2,)), ((0, 3), (1, 0))))
    assert out.shape == (2, 5, 3, 6)
    np.testing.assert_allclose(np.asarray(out), np.einsum("bikj,jbkl->bjil", a, b),
                               rtol=1e-5, atol=1e-5)


def test_int_dot_wraps_in_the_int_type():
    a = np.full((1, 4), 100, np.int8)
    b = np.full((4, 1), 2, np.int8)
    out = lax.dot(a, b)
    assert out.dtype == np.int8 and int(np.asarray(out)[0, 0]) == wrap_int(800, np.int8)
    out = lax.dot(a, b, preferred_element_type=np.int32)
    assert out.dtype == np.int32 and int(np.asarray(out)[0, 0]) == 800
    u = np.full(3, 200, np.uint8)
    assert int(lax.dot(u, u)) == wrap_int(120000, np.uint8)
    assert int(lax.dot(u, u, preferred_element_type=np.uint32)) == 120000


def test_preferred_element_type():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 512)).astype(BF16)
    y = rng.standard_normal(512).astype(BF16)
    out = lax.dot(x, y, preferred_element_type=np.float32)
    assert out.aval == ShapedArray((3,), np.float32, False)
    exact = x.astype(np.float64) @ y.astype(np.float64)
    np.testing.assert_allclose(np.asarray(out), exact, rtol=1e-5, atol=1e-4)
    assert np.abs(np.asarray(lax.dot(x, y)).astype(np.float64) - exact).max() > 1e-3
    ints = np.arange(6, dtype=np.int16).reshape(2, 3)
    out = lax.dot_general(ints, ints, (((1,), (1,)), ((), ())),
                          preferred_element_type=np.float32)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(out), (ints @ ints.T).astype(np.float32))
    b = np.array([[True, True], [False, True]])
    out = lax.dot(b, b, preferred_element_type=np.int32)
    np.testing.assert_array_equal(np.asarray(out), b.astype(np.int32) @ b.astype(np.int32))
    # mixed input dtypes are allowed when the result type is given
    out = lax.dot(np.ones((2, 2), np.int8), np.ones((2, 2), np.float32),
                  preferred_element_type=np.float32)
    np.testing.assert_array_equal(np.asarray(out), np.full((2, 2), 2.0))
    with config.override(enable_x64=True):
        out = lax.dot(np.ones(3, np.float32), np.ones(3, np.float32),
                      preferred_element_type=np.float64)
        assert out.dtype == np.float64


def test_bool_dot_is_or_of_ands():
    a = np.array([[True, False], [False, False]])
    b = np.array([[False, True], [True, True]])
    out = lax.dot(a, b)
    assert out.dtype == np.bool_
    np.testing.assert_array_equal(np.asarray(out), [[False, True], [False, False]])


def test_dot_and_batch_matmul():
    rng = np.random.default_rng(0)
    m, v = rng.standard_normal((3, 4)), rng.standard_normal(4)
    for a, b in [(m, v), (v, m.T), (v, v), (m, m.T)]:
        np.testing.assert_allclose(np.asarray(lax.dot(a, b)), np.dot(a, b).astype(np.float32),
                                   rtol=1e-5, atol=1e-5)
    x, y = rng.standard_normal((5, 2, 3)), rng.standard_normal((5, 3, 4))
    np.testing.assert_allclose(np.asarray(lax.batch_matmul(x, y)), np.matmul(x, y),
                               rtol=1e-5, atol=1e-5)
    # JAX 0.10.2 raises ValueError from lax.dot
    with pytest.raises(ValueError, match=r"Incompatible shapes for dot: got \(3, 4\) and \(3,\)"):
        lax.dot(m, np.ones(3))
    with pytest.raises(ValueError, match="Incompatible shapes for dot"):
        lax.dot(np.ones((2, 2, 2)), np.ones(2))
    with pytest.raises(ValueError, match="at least 2D"):
        lax.batch_matmul(v, v)
    with pytest.raises(ValueError, match="same ndim"):
        lax.batch_matmul(x, m)


def test_dot_general_zero_size_contraction_is_zero():
    out = lax.dot_general(np.ones((2, 0), np.float32), np.ones((0, 3), np.float32),
                          (((1,), (0,)), ((), ())))
    np.testing.assert_array_equal(np.asarray(out), np.zeros((2, 3)))
    out = lax.dot(np.ones((0,), np.bool_), np.ones((0,), np.bool_))
    assert out.shape == () and not bool(out)


def test_precision_is_a_hashable_param():
    a = np.ones((2, 2), np.float32)
    for p, want in [(None, None), ("highest", (lax.Precision.HIGHEST,) * 2),
                    (lax.Precision.HIGH, (lax.Precision.HIGH,) * 2),
                    (("default", "highest"), (lax.Precision.DEFAULT, lax.Precision.HIGHEST))]:
        closed = plax_core.make_jaxpr(lambda x, p=p: lax.dot(x, x, precision=p))(a)
        assert closed.eqns[0].params["precision"] == want
        hash(tuple(closed.eqns[0].params.items()))
    assert "precision=(Precision.HIGHEST, Precision.HIGHEST)" in str(
        plax_core.make_jaxpr(lambda x: lax.dot(x, x, precision="highest"))(a))
    with pytest.raises(ValueError):
        lax.dot(a, a, precision="fast")


# ---------------------------------------------------------------- weak types

def test_weak_types():
    w = lax.broadcast_in_dim(2.0, (2, 3), ())
    assert w.weak_type
    for name in ("reduce_sum", "reduce_max", "reduce_min", "reduce_prod"):
        assert getattr(lax, name)(w, (0,)).weak_type, name
    wi = lax.broadcast_in_dim(3, (4,), ())
    for name in ("reduce_and", "reduce_or", "reduce_xor"):
        assert getattr(lax, name)(wi, (0,)).weak_type, name
    assert lax.dot_general(w, w, (((1,), (1,)), ((), ()))).weak_type
    assert not lax.dot_general(w, np.ones((2, 3), np.float32), (((1,), (1,)), ((), ()))
                               ).weak_type
    assert not lax.dot_general(w, w, (((1,), (1,)), ((), ())),
                               preferred_element_type=np.float32).weak_type
    assert not lax.argmax(w, 0, np.int32).weak_type
    # a Python scalar operand takes the other operand's dtype
    out = lax.dot_general(2, np.arange(3, dtype=np.int8), (((), ()), ((), ())))
    assert out.dtype == np.int8 and not out.weak_type
    np.testing.assert_array_equal(np.asarray(out), [0, 2, 4])


# ------------------------------------------------------------------------ errors

F32 = np.zeros((2, 3), np.float32)

ERRORS = [
    ("reduce_sum", lambda: lax.reduce_sum(F32, (2,)), ValueError,
     r"reduce_sum: axes \(2,\) out of range for an array of rank 2"),
    ("reduce_sum", lambda: lax.reduce_sum(F32, (-1,)), ValueError, "out of range"),
    ("reduce_sum", lambda: lax.reduce_sum(F32, (0, 0)), ValueError,
     r"reduce_sum: duplicate axes \(0, 0\)"),
    ("reduce_sum", lambda: lax.reduce_sum(np.ones(2, bool), (0,)), TypeError,
     "reduce_sum does not accept dtype bool"),
    ("reduce_sum", lambda: lax.reduce_sum(F32, 0), TypeError, "axes must be a sequence"),
    ("reduce_sum", lambda: lax.reduce_sum(F32, (0.0,)), TypeError, "axes must be a sequence"),
    ("reduce_sum", lambda: lax.reduce_sum("x", (0,)), TypeError,
     "lax.reduce_sum: argument 0 has type str, which is not a valid plax array type"),
    ("reduce_prod", lambda: lax.reduce_prod(np.ones(2, bool), (0,)), TypeError,
     "reduce_prod does not accept dtype bool"),
    ("reduce_prod", lambda: lax.reduce_prod(F32, (3,)), ValueError, "out of range"),
    ("reduce_max", lambda: lax.reduce_max(F32, (0, 1, 2)), ValueError, "out of range"),
    ("reduce_max", lambda: lax.reduce_max(None, (0,)), TypeError, "NoneType"),
    ("reduce_min", lambda: lax.reduce_min(F32, (1, 1)), ValueError, "duplicate"),
    ("reduce_and", lambda: lax.reduce_and(F32, (0,)), TypeError,
     "reduce_and does not accept dtype float32"),
    ("reduce_or", lambda: lax.reduce_or(np.ones(2, np.complex64), (0,)), TypeError,
     "reduce_or does not accept dtype complex64"),
    ("reduce_xor", lambda: lax.reduce_xor(F32, (0,)), TypeError, "reduce_xor does not accept"),
    ("argmax", lambda: lax.argmax(F32, 2, np.int32), ValueError, "invalid axis 2"),
    ("argmax", lambda: lax.argmax(np.zeros((2, 0)), 1, np.int32), ValueError,
     "non-empty reduced dimension"),
    ("argmax", lambda: lax.argmax(F32, 0, np.float32), TypeError,
     "index_dtype must be an integer type"),
    ("argmax", lambda: lax.argmax(np.ones(2, np.complex64), 0, np.int32), TypeError,
     "argmax does not accept dtype complex64"),
    ("argmin", lambda: lax.argmin(np.float32(1), 0, np.int32), ValueError, "invalid axis"),
    ("argmin", lambda: lax.argmin(F32, 0, bool), TypeError, "index_dtype must be an integer"),
    ("dot_general", lambda: lax.dot_general(np.ones((2, 3)), np.ones((4, 5)),
                                            (((1,), (0,)), ((), ()))), TypeError,
     r"dot_general requires contracting dimensions to have the same shape, "
     r"got \(3,\) and \(4,\)"),
    ("dot_general", lambda: lax.dot_general(np.ones((2, 3)), np.ones((3, 3)),
                                            (((1,), (0,)), ((1,), (1,)))), TypeError,
     r"lhs dimension numbers to be distinct, got lhs_batch \(1,\) and lhs_contracting"),
    ("dot_general", lambda: lax.dot_general(np.ones((2, 3)), np.ones((4, 3)),
                                            (((1,), (1,)), ((0,), (0,)))), TypeError,
     r"batch dimensions to have the same shape, got \(2,\) and \(4,\)"),
    ("dot_general", lambda: lax.dot_general(np.ones((2, 3)), np.ones((3, 2)),
                                            (((1,), (0,)), ((0,), ()))), TypeError,
     "equal numbers of lhs_batch and rhs_batch"),
    ("dot_general", lambda: lax.dot_general(np.ones((2, 3)), np.ones((3, 2)),
                                            (((1, 0), (0,)), ((), ()))), TypeError,
     "equal numbers of lhs_contracting and rhs_contracting"),
    ("dot_general", lambda: lax.dot_general(np.ones((2, 3)), np.ones((3, 2)),
                                            (((2,), (0,)), ((), ()))), TypeError,
     "nonnegative and less than the number of axes of the lhs"),
    ("dot_general", lambda: lax.dot_general(np.ones((2, 3)), np.ones((3, 2)),
                                            (((1,), (-1,)), ((), ()))), TypeError,
     "nonnegative and less than the number of axes of the rhs"),
    ("dot_general", lambda: lax.dot_general(np.ones(3, np.float32), np.ones(3, np.int32),
                                            (((0,), (0,)), ((), ()))), TypeError,
     "dot_general requires arguments to have the same dtypes, got float32, int32"),
    # JAX 0.10.2 accepts float -> int (the result is converted) but not complex -> int8
    ("dot_general", lambda: lax.dot_general(np.ones(3, np.complex64),
                                            np.ones(3, np.complex64),
                                            (((0,), (0,)), ((), ())),
                                            preferred_element_type=np.int8), TypeError,
     "must not be narrower"),
    ("dot_general", lambda: lax.dot_general(np.ones(3, np.int32), np.ones(3, np.int32),
                                            (((0,), (0,)), ((), ())),
                                            preferred_element_type=np.int8), TypeError,
     "must not be narrower"),
    ("dot_general", lambda: lax.dot_general(np.ones(3), np.ones(3), ((0, 0), ((), ()))),
     TypeError, "dimension_numbers must be"),
    ("dot_general", lambda: lax.dot_general(np.ones(3), np.ones(3), "ij"), TypeError,
     "dimension_numbers must be"),
    ("dot_general", lambda: lax.dot_general(np.ones(3, np.int32), 1.5,
                                            (((), ()), ((), ()))), TypeError,
     "same dtypes"),
]


def test_every_primitive_has_error_cases():
    assert {e[0] for e in ERRORS} >= set(PRIMS)


@pytest.mark.parametrize("name,fun,exc,match", ERRORS,
                         ids=[f"{e[0]}-{i}" for i, e in enumerate(ERRORS)])
def test_errors(name, fun, exc, match):
    with pytest.raises(exc, match=match):
        fun()
    with pytest.raises(exc, match=match):
        plax_core.make_jaxpr(fun)()


def test_all_exported_functions_exist():
    for name in reductions.__all__:
        assert getattr(lax, name) is getattr(reductions, name), name
    assert all(getattr(reductions, f"{name}_p") is prim for name, prim in PRIMS.items())
