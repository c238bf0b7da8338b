"""Structural primitives: values against loop/NumPy oracles, abstract eval, jaxprs, errors.

Each primitive has a case generator in ``CASES``: given a random generator and a
dtype it yields ``Case``s (the lax call as a closure over its static arguments, the
array arguments, and an oracle written here from the definition of the operation).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pytest

import plax_core
from plax_core import lax, testing
from plax_core.config import config
from plax_core.core import ShapedArray, get_aval
from plax_core.prims import structural
from plax_core.testing import num_generated_cases, random_shapes

BF16 = np.dtype(plax_core.dtypes.bfloat16)
ALL_DTYPES = [np.dtype(d) for d in (
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
    np.uint64, np.float16, BF16, np.float32, np.float64, np.complex64, np.complex128)]
X64 = {np.dtype(d) for d in (np.int64, np.uint64, np.float64, np.complex128)}
NUMERIC = [d for d in ALL_DTYPES if d != np.bool_]


def x64_for(dtype):
    return config.override(enable_x64=True) if dtype in X64 else contextlib.nullcontext()


class Case(NamedTuple):
    fun: Callable          # the lax call; static arguments are closed over
    args: list             # the array arguments (NumPy arrays or Python scalars)
    oracle: Callable       # NumPy arrays in -> expected NumPy array


def random_array(rng, shape, dtype, **kw):
    return np.asarray(testing.random_array(rng, shape, dtype, **kw))


def _shapes(rng, n):
    return random_shapes(rng, n)


def _size(rng, lo=0, hi=3):
    return int(rng.integers(lo, hi + 1))


# ----------------------------------------------------------------- case generators

def _loop_broadcast(x, shape, bd):
    out = np.empty(shape, x.dtype)
    for idx in np.ndindex(*shape):
        out[idx] = x[tuple(0 if x.shape[i] == 1 else idx[b] for i, b in enumerate(bd))]
    return out


def cases_broadcast_in_dim(rng, dtype, n):
    for s in _shapes(rng, n):
        out_rank = len(s) + _size(rng, 0, 2)
        bd = tuple(sorted(rng.choice(out_rank, len(s), replace=False).tolist()))
        shape = [_size(rng, 0, 3) for _ in range(out_rank)]
        for i, b in enumerate(bd):
            shape[b] = s[i] if s[i] != 1 else _size(rng, 1, 3)
        shape = tuple(shape)
        yield Case(lambda x, shape=shape, bd=bd: lax.broadcast_in_dim(x, shape, bd),
                   [random_array(rng, s, dtype)],
                   lambda x, shape=shape, bd=bd: _loop_broadcast(x, shape, bd))


def cases_reshape(rng, dtype, n):
    for s in _shapes(rng, n):
        size = int(np.prod(s))
        options = [(size,), s[::-1], (1,) + s, s + (1,)]
        if size % 2 == 0 and size:
            options.append((2, size // 2))
        new = options[_size(rng, 0, len(options) - 1)]
        dims = None if rng.random() < 0.5 else tuple(rng.permutation(len(s)).tolist())
        yield Case(lambda x, new=new, dims=dims: lax.reshape(x, new, dims),
                   [random_array(rng, s, dtype)],
                   lambda x, new=new, dims=dims: np.reshape(
                       x if dims is None else np.transpose(x, dims), new))


def _insert_ones(rng, s):
    k = _size(rng, 0, 2)
    positions = sorted(rng.choice(len(s) + k, k, replace=False).tolist())
    rest = iter(s)
    return tuple(1 if i in positions else next(rest) for i in range(len(s) + k)), positions


def cases_squeeze(rng, dtype, n):
    for s in _shapes(rng, n):
        shape, positions = _insert_ones(rng, s)
        dims = tuple(p - len(shape) if rng.random() < 0.5 else p for p in positions)
        yield Case(lambda x, dims=dims: lax.squeeze(x, dims),
                   [random_array(rng, shape, dtype)],
                   lambda x, s=s: np.reshape(x, s))


def cases_expand_dims(rng, dtype, n):
    for s in _shapes(rng, n):
        out_shape, positions = _insert_ones(rng, s)
        dims = tuple(p - len(out_shape) if rng.random() < 0.5 else p for p in positions)
        yield Case(lambda x, dims=dims: lax.expand_dims(x, dims),
                   [random_array(rng, s, dtype)],
                   lambda x, o=out_shape: np.reshape(x, o))


def cases_transpose(rng, dtype, n):
    for s in _shapes(rng, n):
        perm = tuple(rng.permutation(len(s)).tolist())

        def oracle(x, perm=perm):
            out = np.empty(tuple(x.shape[p] for p in perm), x.dtype)
            for idx in np.ndindex(*out.shape):
                src = [0] * x.ndim
                for i, p in enumerate(perm):
                    src[p] = idx[i]
                out[idx] = x[tuple(src)]
            return out
        yield Case(lambda x, perm=perm: lax.transpose(x, perm),
                   [random_array(rng, s, dtype)], oracle)


def cases_rev(rng, dtype, n):
    for s in _shapes(rng, n):
        dims = tuple(d for d in range(len(s)) if rng.random() < 0.5)

        def oracle(x, dims=dims):
            out = np.empty_like(x)
            for idx in np.ndindex(*x.shape):
                out[idx] = x[tuple(x.shape[i] - 1 - j if i in dims else j
                                   for i, j in enumerate(idx))]
            return out
        yield Case(lambda x, dims=dims: lax.rev(x, dims),
                   [random_array(rng, s, dtype)], oracle)


def cases_slice(rng, dtype, n):
    for s in _shapes(rng, n):
        start = [_size(rng, 0, d) for d in s]
        limit = [_size(rng, a, d) for a, d in zip(start, s)]
        strides = None if rng.random() < 0.3 else [_size(rng, 1, 3) for _ in s]

        def oracle(x, start=start, limit=limit, strides=strides):
            st = strides or [1] * x.ndim
            shape = [len(range(a, b, c)) for a, b, c in zip(start, limit, st)]
            out = np.empty(shape, x.dtype)
            for idx in np.ndindex(*shape):
                out[idx] = x[tuple(a + i * c for a, i, c in zip(start, idx, st))]
            return out
        yield Case(lambda x, a=start, b=limit, c=strides: lax.slice(x, a, b, c),
                   [random_array(rng, s, dtype)], oracle)


def _clamp_starts(shape, starts, sizes):
    return [min(max(i + d if i < 0 else i, 0), d - k) for i, d, k in zip(starts, shape, sizes)]


def cases_dynamic_slice(rng, dtype, n):
    for s in _shapes(rng, n):
        sizes = [_size(rng, 0, d) for d in s]
        starts = [int(rng.integers(-d - 2, d + 3)) for d in s]   # negative, out of range

        def oracle(x, starts=starts, sizes=sizes):
            st = _clamp_starts(x.shape, starts, sizes)
            out = np.empty(sizes, x.dtype)
            for idx in np.ndindex(*sizes):
                out[idx] = x[tuple(a + i for a, i in zip(st, idx))]
            return out
        yield Case(lambda x, st=starts, sz=sizes: lax.dynamic_slice(x, st, sz),
                   [random_array(rng, s, dtype)], oracle)


def cases_dynamic_update_slice(rng, dtype, n):
    for s in _shapes(rng, n):
        sizes = [_size(rng, 0, d) for d in s]
        starts = [int(rng.integers(-d - 2, d + 3)) for d in s]

        def oracle(x, u, starts=starts):
            st = _clamp_starts(x.shape, starts, u.shape)
            out = x.copy()
            for idx in np.ndindex(*u.shape):
                out[tuple(a + i for a, i in zip(st, idx))] = u[idx]
            return out
        yield Case(lambda x, u, st=starts: lax.dynamic_update_slice(x, u, st),
                   [random_array(rng, s, dtype), random_array(rng, sizes, dtype)], oracle)


def _pad_oracle(x, v, config):
    shape = [lo + hi + d + max(d - 1, 0) * i for d, (lo, hi, i) in zip(x.shape, config)]
    out = np.full(shape, v, x.dtype)
    for idx in np.ndindex(*x.shape):
        pos = tuple(lo + j * (i + 1) for j, (lo, _, i) in zip(idx, config))
        if all(0 <= p < d for p, d in zip(pos, shape)):
            out[pos] = x[idx]
    return out


def cases_pad(rng, dtype, n):
    for s in _shapes(rng, n):
        while True:
            config = [(int(rng.integers(-2, 4)), int(rng.integers(-2, 4)), _size(rng, 0, 2))
                      for _ in s]
            if all(lo + hi + d + max(d - 1, 0) * i >= 0
                   for d, (lo, hi, i) in zip(s, config)):
                break
        yield Case(lambda x, v, c=config: lax.pad(x, v, c),
                   [random_array(rng, s, dtype), random_array(rng, (), dtype)],
                   lambda x, v, c=config: _pad_oracle(x, v, c))


def cases_concatenate(rng, dtype, n):
    for s in _shapes(rng, n):
        if not s:
            s = (2,)
        dim = _size(rng, 0, len(s) - 1)
        k = _size(rng, 1, 3)
        shapes = [s[:dim] + (_size(rng, 0, 3),) + s[dim + 1:] for _ in range(k)]
        yield Case(lambda *xs, dim=dim: lax.concatenate(xs, dim),
                   [random_array(rng, sh, dtype) for sh in shapes],
                   lambda *xs, dim=dim: np.concatenate(xs, dim))


def cases_iota(rng, dtype, n):
    for s in _shapes(rng, n):
        if not s:
            size = _size(rng, 0, 5)
            yield Case(lambda size=size: lax.iota(dtype, size), [],
                       lambda size=size: np.array(list(range(size))).astype(dtype))
            continue
        dim = _size(rng, 0, len(s) - 1)

        def oracle(s=s, dim=dim):
            out = np.empty(s, dtype)
            for idx in np.ndindex(*s):
                out[idx] = idx[dim]
            return out
        yield Case(lambda s=s, dim=dim: lax.broadcasted_iota(dtype, s, dim), [], oracle)


CASES = {
    "broadcast_in_dim": (cases_broadcast_in_dim, ALL_DTYPES),
    "reshape": (cases_reshape, ALL_DTYPES),
    "squeeze": (cases_squeeze, ALL_DTYPES),
    "expand_dims": (cases_expand_dims, ALL_DTYPES),
    "transpose": (cases_transpose, ALL_DTYPES),
    "rev": (cases_rev, ALL_DTYPES),
    "slice": (cases_slice, ALL_DTYPES),
    "dynamic_slice": (cases_dynamic_slice, ALL_DTYPES),
    "dynamic_update_slice": (cases_dynamic_update_slice, ALL_DTYPES),
    "pad": (cases_pad, ALL_DTYPES),
    "concatenate": (cases_concatenate, ALL_DTYPES),
    "iota": (cases_iota, NUMERIC),
}
PRIMS = {p.name: p for p in vars(structural).values() if isinstance(p, plax_core.Primitive)}


def _cases(name, dtype):
    gen, _ = CASES[name]
    seed = (sorted(CASES).index(name), ALL_DTYPES.index(dtype))
    return list(gen(np.random.default_rng(seed), dtype, num_generated_cases()))


def _params(name):
    return [pytest.param(name, d, id=f"{name}-{d.name}") for d in CASES[name][1]]


ALL_PARAMS = [p for name in CASES for p in _params(name)]


def test_every_primitive_has_a_test_row():
    assert set(PRIMS) == set(CASES), "add a case generator to CASES for each primitive"


def _check_value(out, expected, dtype):
    assert out.dtype == dtype, (out.dtype, dtype)
    got = np.asarray(out)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_array_equal(got, expected.astype(dtype))


@pytest.mark.parametrize("name,dtype", ALL_PARAMS)
def test_values_against_oracle(name, dtype):
    with x64_for(dtype):
        for case in _cases(name, dtype):
            out = case.fun(*case.args)
            _check_value(out, case.oracle(*case.args), dtype)


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
            assert out.aval == ShapedArray(np.shape(out), dtype, False)
            # the staged jaxpr computes the same values
            (again,) = closed(*case.args)
            np.testing.assert_array_equal(np.asarray(again), np.asarray(out))


# ------------------------------------------------------------------- weak types

def weak(values, dtype=np.float32):
    """A weakly typed plax array holding ``values`` (as a Python scalar would give)."""
    from plax_core.prims.elementwise import convert_element_type_p
    return convert_element_type_p.bind(np.asarray(values, dtype), new_dtype=np.dtype(dtype),
                                       weak_type=True)


WEAK_CALLS = {
    "broadcast_in_dim": (lambda x: lax.broadcast_in_dim(x, (2, 3), (1,)), True),
    "reshape": (lambda x: lax.reshape(x, (3, 1)), True),
    "squeeze": (lambda x: lax.squeeze(lax.reshape(x, (1, 3)), (0,)), True),
    "expand_dims": (lambda x: lax.expand_dims(x, (0,)), True),
    "transpose": (lambda x: lax.transpose(x, (0,)), True),
    "rev": (lambda x: lax.rev(x, (0,)), True),
    "slice": (lambda x: lax.slice(x, (1,), (3,)), True),
    "dynamic_slice": (lambda x: lax.dynamic_slice(x, (1,), (2,)), True),
    "dynamic_update_slice": (lambda x: lax.dynamic_update_slice(x, weak([5.0]), (1,)), True),
    "pad": (lambda x: lax.pad(x, 0.0, ((1, 1, 0),)), True),
    "concatenate": (lambda x: lax.concatenate([x, x], 0), True),
    "iota": (lambda x: lax.iota(np.float32, 3), False),
}


def test_weak_type_table_covers_every_primitive():
    assert set(WEAK_CALLS) == set(PRIMS)


@pytest.mark.parametrize("name", sorted(WEAK_CALLS))
def test_weak_type_propagates(name):
    fun, expect_weak = WEAK_CALLS[name]
    x = weak([1.0, 2.0, 3.0])
    out = fun(x)
    assert out.weak_type is expect_weak
    assert plax_core.make_jaxpr(fun)(x).out_avals[0].weak_type is expect_weak


def test_python_scalar_operands_are_weak():
    out = lax.broadcast_in_dim(2.0, (2,), ())
    assert out.aval == ShapedArray((2,), np.float32, True)
    np.testing.assert_array_equal(np.asarray(out), [2.0, 2.0])
    out = lax.reshape(3, (1, 1))
    assert out.aval == ShapedArray((1, 1), np.int32, True)


def test_strong_and_weak_mixtures_are_strong():
    strong = np.arange(3, dtype=np.float32)
    assert not lax.concatenate([strong, weak([1.0])], 0).weak_type
    assert not lax.pad(strong, 1.0, ((1, 0, 0),)).weak_type
    assert not lax.dynamic_update_slice(weak([1.0, 2.0]), np.float32([3.0]), (0,)).weak_type
    assert not lax.dynamic_update_slice(strong, weak([1.0]), (0,)).weak_type


def test_python_scalar_takes_the_operand_dtype():
    x = np.arange(4, dtype=np.float16)
    out = lax.pad(x, 7, ((1, 0, 0),))
    assert out.dtype == np.float16 and not out.weak_type
    np.testing.assert_array_equal(np.asarray(out), [7, 0, 1, 2, 3])
    out = lax.dynamic_update_index_in_dim(np.zeros(3, np.int8), 5, 1, 0)
    np.testing.assert_array_equal(np.asarray(out), np.int8([0, 5, 0]))
    with pytest.raises(TypeError, match="pad requires arguments to have the same dtypes"):
        lax.pad(np.arange(3, dtype=np.int32), 0.5, ((1, 0, 0),))


# ------------------------------------------------------------- specific semantics

def test_pad_negative_and_interior():
    x = np.arange(1, 6, dtype=np.int32)
    for cfg in [(0, 0, 1), (-1, 2, 1), (2, -3, 2), (-4, -4, 3), (-5, 0, 0), (0, -5, 0),
                (-9, 5, 0), (3, -7, 0)]:
        out = lax.pad(x, np.int32(-1), (cfg,))
        np.testing.assert_array_equal(np.asarray(out), _pad_oracle(x, -1, [cfg]))
    # hand-checked: interior 1 -> 1 p 2 p 3 p 4 p 5; drop one low, add two high
    np.testing.assert_array_equal(
        np.asarray(lax.pad(x, np.int32(0), ((-1, 2, 1),))), [0, 2, 0, 3, 0, 4, 0, 5, 0, 0])
    # cropping everything of an empty axis
    assert lax.pad(np.zeros((0, 2), np.float32), np.float32(1), ((0, 0, 3), (-1, -1, 0))).shape \
        == (0, 0)
    np.testing.assert_array_equal(
        np.asarray(lax.pad(np.zeros((0,), np.float32), np.float32(1), ((2, 1, 5),))), [1, 1, 1])


def test_slice_with_strides():
    x = np.arange(20).reshape(4, 5).astype(np.int32)
    out = lax.slice(x, (1, 0), (4, 5), (2, 3))
    np.testing.assert_array_equal(np.asarray(out), [[5, 8], [15, 18]])
    assert lax.slice(x, (2, 2), (2, 5), (3, 1)).shape == (0, 3)


def test_dynamic_slice_clamps_like_xla():
    x = np.arange(5, dtype=np.int32)
    for start, expected in [(0, [0, 1, 2]), (1, [1, 2, 3]), (4, [2, 3, 4]), (100, [2, 3, 4]),
                            (-1, [2, 3, 4]), (-4, [1, 2, 3]), (-100, [0, 1, 2])]:
        np.testing.assert_array_equal(np.asarray(lax.dynamic_slice(x, (start,), (3,))), expected)
        np.testing.assert_array_equal(
            np.asarray(lax.dynamic_slice_in_dim(x, np.int64(start), 3)), expected)
    # without negative wrap-around a negative start clamps to 0
    np.testing.assert_array_equal(
        np.asarray(lax.dynamic_slice(x, (-1,), (3,), allow_negative_indices=False)), [0, 1, 2])
    out = lax.dynamic_update_slice(x, np.int32([9, 9]), (7,))
    np.testing.assert_array_equal(np.asarray(out), [0, 1, 2, 9, 9])


def test_dynamic_slice_with_traced_and_array_indices():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    idx = np.array([1, -3], np.int32)
    out = lax.dynamic_slice(x, plax_core.device_put(idx), (2, 2))
    np.testing.assert_array_equal(np.asarray(out), x[1:3, 1:3])

    def f(i, j):
        return lax.dynamic_slice(x, (i, j), (2, 2))
    for i, j in [(1, -3), (-1, 2), (5, 0), (np.uint8(200), np.int16(-7))]:
        closed = plax_core.make_jaxpr(f)(i, j)
        assert sum(e.primitive.name == "dynamic_slice" for e in closed.eqns) == 1
        ds = [e for e in closed.eqns if e.primitive.name == "dynamic_slice"][0]
        assert all(v.aval.dtype == np.int32 for v in ds.invars[1:])
        (got,) = closed(i, j)
        st = _clamp_starts((3, 4), [int(i), int(j)], (2, 2))
        np.testing.assert_array_equal(np.asarray(got), x[st[0]:st[0] + 2, st[1]:st[1] + 2])
        np.testing.assert_array_equal(np.asarray(f(i, j)), np.asarray(got))


def test_dynamic_index_and_update_in_dim():
    x = np.arange(12, dtype=np.int32).reshape(3, 4)
    np.testing.assert_array_equal(np.asarray(lax.dynamic_index_in_dim(x, 2, 1)), x[:, 2:3])
    out = lax.dynamic_index_in_dim(x, -1, 0, keepdims=False)
    np.testing.assert_array_equal(np.asarray(out), x[2])
    out = lax.dynamic_update_index_in_dim(x, np.int32([7, 8, 9]), 1, 1)
    expected = x.copy()
    expected[:, 1] = [7, 8, 9]
    np.testing.assert_array_equal(np.asarray(out), expected)
    out = lax.dynamic_update_slice_in_dim(x, np.zeros((3, 2), np.int32), 3, axis=1)
    expected = x.copy()
    expected[:, 2:] = 0
    np.testing.assert_array_equal(np.asarray(out), expected)


def test_slice_and_index_in_dim():
    x = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    np.testing.assert_array_equal(np.asarray(lax.slice_in_dim(x, 1, None, 2, axis=2)),
                                  x[:, :, 1::2])
    np.testing.assert_array_equal(np.asarray(lax.slice_in_dim(x, -2, -1, axis=1)), x[:, 1:2])
    np.testing.assert_array_equal(np.asarray(lax.index_in_dim(x, -1, 1)), x[:, 2:3])
    np.testing.assert_array_equal(np.asarray(lax.index_in_dim(x, 0, 2, keepdims=False)),
                                  x[:, :, 0])
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 1 with size 3"):
        lax.index_in_dim(x, 3, 1)


def test_broadcast_helpers_and_collapse():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = lax.broadcast(x, (4, 1))
    assert out.shape == (4, 1, 2, 3)
    np.testing.assert_array_equal(np.asarray(out), np.broadcast_to(x, (4, 1, 2, 3)))
    assert lax.broadcast_to_rank(x, 4).shape == (1, 1, 2, 3)
    assert lax.broadcast_to_rank(1.0, 1).aval == ShapedArray((1,), np.float32, True)
    y = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    assert lax.collapse(y, 1).shape == (2, 12)
    assert lax.collapse(y, 0, 2).shape == (6, 4)
    np.testing.assert_array_equal(np.asarray(lax.collapse(y, 1, 3)), y.reshape(2, 12))


def test_concatenate_empty_arrays():
    a = np.zeros((0, 3), np.float32)
    b = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(np.asarray(lax.concatenate([a, b, a], 0)), b)
    assert lax.concatenate([a, a], 0).shape == (0, 3)
    assert lax.concatenate([np.zeros((2, 0), np.int8)] * 3, 1).shape == (2, 0)
    assert lax.concatenate([np.zeros((0, 0), np.int8), np.zeros((0, 2), np.int8)], 1).shape \
        == (0, 2)


@pytest.mark.parametrize("dtype", [d for d in NUMERIC], ids=lambda d: d.name)
def test_iota_each_dtype(dtype):
    with x64_for(dtype):
        out = lax.iota(dtype, 7)
        assert out.aval == ShapedArray((7,), dtype, False)
        np.testing.assert_array_equal(np.asarray(out), np.array([0, 1, 2, 3, 4, 5, 6], dtype))
        assert lax.iota(dtype, 0).shape == (0,)


def test_iota_wraps_in_narrow_types_and_canonicalises_dtype():
    np.testing.assert_array_equal(np.asarray(lax.iota(np.uint8, 258))[-3:], [255, 0, 1])
    assert lax.iota(np.int64, 3).dtype == np.int32    # without x64
    assert lax.iota(int, 3).dtype == np.int32
    assert lax.iota(float, 3).dtype == np.float32


def test_iteration_uses_index_in_dim():
    x = plax_core.device_put(np.arange(6, dtype=np.int32).reshape(3, 2))
    rows = list(x)
    assert len(rows) == 3 and rows[1].shape == (2,)
    np.testing.assert_array_equal(np.asarray(rows[2]), [4, 5])


# -------------------------------------------------------------------------- errors

F32 = np.zeros((2, 3), np.float32)

ERRORS = [
    ("broadcast_in_dim", lambda: lax.broadcast_in_dim(F32, (2, 4), (0, 1)), TypeError,
     r"operand dimension sizes must either be 1.*\(2, 3\).*\(2, 4\)"),
    ("broadcast_in_dim", lambda: lax.broadcast_in_dim(F32, (2, 3), (0,)), TypeError,
     "must have length equal to operand ndim"),
    ("broadcast_in_dim", lambda: lax.broadcast_in_dim(F32, (3, 2, 3), (2, 1)), TypeError,
     "strictly increasing"),
    ("broadcast_in_dim", lambda: lax.broadcast_in_dim(F32, (2, 3), (0, 2)), TypeError,
     "subset of output dimensions"),
    ("broadcast_in_dim", lambda: lax.broadcast_in_dim(F32, (2, -3), (0, 1)), ValueError,
     r"broadcast_in_dim: shape must be non-negative, got \(2, -3\)"),
    ("broadcast_in_dim", lambda: lax.broadcast_in_dim(F32, (2, 3.0), (0, 1)), TypeError,
     "broadcast_in_dim: shape must be a sequence of non-negative integers"),
    ("broadcast_in_dim", lambda: lax.broadcast_in_dim("abc", (2,), ()), TypeError,
     "lax.broadcast_in_dim: argument 0 has type str, which is not a valid plax array type"),
    ("reshape", lambda: lax.reshape(F32, (4, 2)), ValueError,  # JAX 0.10.2's class
     r"reshape total size must be unchanged.*\(4, 2\).*\(2, 3\)"),
    ("reshape", lambda: lax.reshape(F32, (6,), (0, 0)), TypeError,
     "must be a permutation of operand dimensions"),
    ("reshape", lambda: lax.reshape(F32, (-1, 6)), ValueError, "reshape: new_sizes must be"),
    ("reshape", lambda: lax.reshape([1, 2], (2,)), TypeError, "argument 0 has type list"),
    ("squeeze", lambda: lax.squeeze(F32, (0,)), ValueError,
     r"cannot select an axis to squeeze out which has size not equal to one"),
    ("squeeze", lambda: lax.squeeze(F32, (2,)), ValueError, "out of bounds"),
    ("squeeze", lambda: lax.squeeze(np.zeros((1, 2)), (0, -2)), ValueError, "unique"),
    ("expand_dims", lambda: lax.expand_dims(F32, (0, 0)), ValueError, "repeated axis"),
    ("expand_dims", lambda: lax.expand_dims(F32, (3,)), ValueError, "out of bounds"),
    ("transpose", lambda: lax.transpose(F32, (0, 0)), TypeError,
     r"isn't a permutation.*\(0, 0\).*\(2, 3\)"),
    ("transpose", lambda: lax.transpose(F32, (1, 0, 2)), TypeError, "isn't a permutation"),
    # JAX 0.10.2 raises TypeError from lax.rev
    ("rev", lambda: lax.rev(F32, (0, 0)), TypeError, "rev: dimensions must be unique"),
    ("rev", lambda: lax.rev(F32, (2,)), TypeError, r"out of range for an array of rank 2"),
    ("rev", lambda: lax.rev(F32, (-1,)), TypeError, r"out of range"),
    ("slice", lambda: lax.slice(F32, (0, 0), (3, 3)), TypeError,
     "limit_indices must be less than or equal to operand shape"),
    ("slice", lambda: lax.slice(F32, (0, -1), (2, 3)), TypeError, "greater than or equal to zero"),
    ("slice", lambda: lax.slice(F32, (2, 0), (1, 3)), TypeError,
     "limit_indices must be greater than or equal to start_indices"),
    ("slice", lambda: lax.slice(F32, (0, 0), (2, 3), (1, 0)), TypeError, "strides must be "
     "positive"),
    ("slice", lambda: lax.slice(F32, (0,), (2,)), TypeError, "length equal to the number"),
    ("dynamic_slice", lambda: lax.dynamic_slice(F32, (0, 0), (3, 1)), TypeError,
     "slice_sizes must be less than or equal to operand shape"),
    ("dynamic_slice", lambda: lax.dynamic_slice(F32, (0,), (1, 1)), ValueError,
     "length of start_indices must match"),
    ("dynamic_slice", lambda: lax.dynamic_slice(F32, (0, 0), (1, -1)), ValueError,
     "dynamic_slice: slice_sizes must be non-negative"),
    ("dynamic_slice", lambda: lax.dynamic_slice(F32, (0, 1.5), (1, 1)), TypeError,
     "start indices must be scalar integers, got f32"),
    ("dynamic_slice", lambda: lax.dynamic_slice(F32, (0, np.float32(1)), (1, 1)), TypeError,
     "start indices must be scalar integers"),
    ("dynamic_slice", lambda: lax.dynamic_slice(F32, (0, np.zeros(2, np.int32)), (1, 1)),
     TypeError, "scalar integers"),
    ("dynamic_slice", lambda: lax.dynamic_slice(F32, (0, True), (1, 1)), TypeError,
     "start indices must be integers"),
    ("dynamic_slice", lambda: structural.dynamic_slice_p.bind(
        F32, np.int32(0), np.int16(0), slice_sizes=(1, 1)), TypeError, "same type"),
    ("dynamic_update_slice", lambda: lax.dynamic_update_slice(F32, np.zeros((3, 1), np.float32),
                                                               (0, 0)), TypeError,
     "update shape must be smaller than operand shape"),
    ("dynamic_update_slice", lambda: lax.dynamic_update_slice(F32, np.zeros(2, np.float32),
                                                               (0, 0)), TypeError,
     "same rank"),
    ("dynamic_update_slice", lambda: lax.dynamic_update_slice(F32, np.zeros((1, 1), np.int32),
                                                               (0, 0)), TypeError,
     "same dtypes, got float32 \\(operand\\) and int32 \\(update\\)"),
    ("pad", lambda: lax.pad(F32, np.float32(0), ((0, 0, 0),)), ValueError,
     "length of padding_config must equal"),
    ("pad", lambda: lax.pad(F32, np.float32(0), ((0, 0, -1), (0, 0, 0))), ValueError,
     "interior padding must be nonnegative"),
    ("pad", lambda: lax.pad(F32, np.float32(0), ((-2, -1, 0), (0, 0, 0))), ValueError,
     r"dimension size after padding is not at least 0"),
    ("pad", lambda: lax.pad(F32, np.int32(0), ((0, 0, 0), (0, 0, 0))), TypeError,
     "same dtype, got float32 and int32"),
    ("pad", lambda: lax.pad(F32, np.zeros(2, np.float32), ((0, 0, 0), (0, 0, 0))), TypeError,
     "padding_value must be a scalar"),
    ("pad", lambda: lax.pad(F32, np.float32(0), ((0, 0), (0, 0))), ValueError,
     r"\(low, high, interior\)"),
    ("concatenate", lambda: lax.concatenate([F32, np.zeros((2, 3), np.int32)], 0), TypeError,
     "concatenate requires arguments to have the same dtypes, got float32, int32"),
    ("concatenate", lambda: lax.concatenate([F32, np.zeros((3, 3), np.float32)], 1), TypeError,
     "differ in dimensions other than the one being concatenated"),
    ("concatenate", lambda: lax.concatenate([F32, np.zeros(3, np.float32)], 0), TypeError,
     "different numbers of dimensions"),
    ("concatenate", lambda: lax.concatenate([F32], 2), TypeError, "dimension out of bounds"),
    ("concatenate", lambda: lax.concatenate([np.float32(1)], 0), TypeError,
     "dimension out of bounds"),
    ("concatenate", lambda: lax.concatenate([], 0), ValueError, "non-empty"),
    ("concatenate", lambda: lax.concatenate([F32, None], 0), TypeError,
     "argument 1 has type NoneType"),
    ("iota", lambda: lax.iota(np.float32, -1), ValueError, "iota: size must be a non-negative"),
    ("iota", lambda: lax.iota(np.float32, 2.0), TypeError, "iota: size must be"),
    ("iota", lambda: lax.iota(np.bool_, 3), TypeError, "iota does not accept dtype bool"),
    ("iota", lambda: lax.iota("int3", 3), TypeError, "dtype"),
    ("iota", lambda: lax.broadcasted_iota(np.int32, (2, 3), 2), ValueError,
     "iota dimension must be between 0 and len"),
    ("iota", lambda: lax.broadcasted_iota(np.int32, (2, -3), 0), ValueError, "non-negative"),
]


def test_every_primitive_has_error_cases():
    assert {e[0] for e in ERRORS} >= set(PRIMS)


@pytest.mark.parametrize("name,fun,exc,match", ERRORS,
                         ids=[f"{e[0]}-{i}" for i, e in enumerate(ERRORS)])
def test_errors(name, fun, exc, match):
    with pytest.raises(exc, match=match):
        fun()


@pytest.mark.parametrize("name,fun,exc,match",
                         [e for e in ERRORS if e[0] not in ("iota", "concatenate")],
                         ids=[f"{e[0]}-{i}" for i, e in enumerate(ERRORS)
                              if e[0] not in ("iota", "concatenate")])
def test_errors_are_the_same_under_make_jaxpr(name, fun, exc, match):
    with pytest.raises(exc, match=match):
        plax_core.make_jaxpr(fun)()


def test_traced_sizes_are_concretization_errors():
    def f(n):
        return lax.broadcast_in_dim(1.0, (n,), ())
    with pytest.raises(plax_core.errors.TracerIntegerConversionError):  # a TypeError, as in JAX
        plax_core.make_jaxpr(f)(3)


def test_params_are_hashable_and_printed():
    def f(x):
        y = lax.pad(x, 0.0, ((1, 2, 0),))
        return lax.dynamic_slice(lax.broadcast_in_dim(y, (2, 6), (1,)), (0, 1), (2, 2))
    closed = plax_core.make_jaxpr(f)(np.ones(3, np.float32))
    for eqn in closed.eqns:
        hash(tuple(sorted(eqn.params.items())))
    text = str(closed)
    assert "broadcast_in_dim[broadcast_dimensions=(1,) shape=(2, 6) sharding=None]" in text
    assert "padding_config=((1, 2, 0),)" in text


def test_results_do_not_alias_inputs():
    x = np.arange(6, dtype=np.float32)
    out = lax.reshape(x, (2, 3))
    x[0] = 100
    assert np.asarray(out)[0, 0] == 0
    for fn in (lambda v: lax.slice(v, (0,), (3,)), lambda v: lax.transpose(v, (0,)),
               lambda v: lax.squeeze(lax.expand_dims(v, (0,)), (0,))):
        y = np.arange(6, dtype=np.float32)
        out = fn(y)
        y[:] = -1
        assert np.asarray(out)[0] == 0


def test_all_exported_functions_exist():
    for name in structural.__all__:
        assert callable(getattr(lax, name)), name
    assert all(not n.endswith("_p") for n in structural.__all__)
    assert all(getattr(structural, f"{name}_p") is prim for name, prim in PRIMS.items())


def test_get_aval_of_results():
    out = lax.iota(np.int32, 3)
    assert get_aval(out) == ShapedArray((3,), np.int32)
