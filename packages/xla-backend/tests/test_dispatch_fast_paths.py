"""The eager and jit fast paths give what the general paths give.

Array operators on concrete arrays skip promotion when it has nothing to do and take
Python scalars from the backend's constant cache (``array_methods``,
``XlaBackend.constant``); ``jit`` calls with pytrees of Arrays skip ``tree_flatten``
(``jit._fast_flatten``).  Each test compares a fast path with the general one
(``ops.add`` etc. never take the operator fast path) or with NumPy.
"""

import operator
import threading
from collections import namedtuple

import ml_dtypes
import numpy as np
import pytest

import plax_core
from plax_core import make_jaxpr, ops
from plax_core.plugins import get_backend
from plax_xla import jit

DTYPES = ["int8", "uint8", "int32", "float16", "bfloat16", "float32", "complex64"]
SCALARS = [0, -1, 2, 300, 2**31, 2**70, 0.0, -0.0, 0.1, 1e300, float("nan"), 1j, True]
OPS = [(operator.add, "add"), (operator.sub, "subtract"), (operator.mul, "multiply"),
       (operator.truediv, "true_divide")]


def put(x, dtype=np.float32):
    return plax_core.device_put(np.asarray(x, dtype))


def outcome(fn, *args):
    """(dtype, weak_type, bytes) of ``fn(*args)``, or (exception class, message)."""
    try:
        r = fn(*args)
    except Exception as e:  # noqa: BLE001 - the exception itself is what we compare
        return type(e), str(e)
    return r.dtype, r.weak_type, np.asarray(r).tobytes()


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3,), ()])
def test_operator_with_scalar_matches_general_path(dtype, shape):
    dt = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.dtype(dtype)
    x = put(np.arange(1, 4)[: shape[0] if shape else 1].reshape(shape), dt)
    for op, name in OPS:
        general = getattr(ops, name)
        for s in SCALARS:
            assert outcome(op, x, s) == outcome(general, x, s), (name, s)
            assert outcome(op, s, x) == outcome(general, s, x), (name, s)


@pytest.mark.parametrize("op,name", OPS)
def test_operator_with_array_matches_general_path(op, name):
    x, y = put([1.5, -2.0, 3.0]), put([0.5, 4.0, -1.0])
    weak = ops.add(put([0.0, 0.0, 0.0]) * 0, 0.0)           # still strong: x's dtype
    weak_arr = plax_core.lax.convert_element_type(y, np.float32)
    for a, b in [(x, y), (y, x), (x, weak), (x, weak_arr), (x, put([1, 2, 3], np.int32)),
                 (put([1, 2, 3], np.int32), put([4, 5, 6], np.int32)),
                 (x, put([1.0], np.float32))]:
        assert outcome(op, a, b) == outcome(getattr(ops, name), a, b)


def test_scalar_expression_matches_numpy():
    xs = np.array([0.1, -2.5, 3.0, 1e-3] * 4, np.float32)
    x = put(xs)
    for _ in range(3):      # later rounds reuse the cached constants
        got = np.asarray(x * 2.0 + 1.0)
        np.testing.assert_array_equal(got, xs * np.float32(2.0) + np.float32(1.0))
        np.testing.assert_array_equal(np.asarray(1.0 - x / 4), np.float32(1.0) - xs / 4)


def test_signed_zero_constants_are_distinct():
    x = put([1.0, 2.0])
    assert not np.signbit(np.asarray(x * 0.0)).any()
    assert np.signbit(np.asarray(x * -0.0)).all()
    assert not np.signbit(np.asarray(x * 0.0)).any()
    assert np.signbit(np.asarray(x * complex(0, -0.0) + 0j).imag).all() == np.signbit(
        (np.array([1, 2], np.complex64) * complex(0, -0.0)).imag).all()


def test_deleted_constant_is_put_again():
    x = put([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(np.asarray(x * 7.0), [7.0, 14.0, 21.0])
    backend = get_backend()
    for key in list(backend._constants.keys()):
        if key[:2] == (float, 7.0):
            backend._constants.get(key)._value.delete()
    np.testing.assert_array_equal(np.asarray(x * 7.0), [7.0, 14.0, 21.0])


def test_constants_are_cached_not_grown():
    x = put(np.ones(5))
    x * 3.25
    n = len(get_backend()._constants)
    for _ in range(50):
        x * 3.25 + 3.25
    assert len(get_backend()._constants) == n


def test_operators_are_still_staged_under_transformations():
    x = put([1.0, 2.0])
    text = str(make_jaxpr(lambda x: x * 2.0 + 1.0)(x))
    assert "mul" in text and "add" in text
    np.testing.assert_array_equal(np.asarray(jit(lambda x: x * 2.0 - 1.0)(x)), [1.0, 3.0])


def test_eager_operators_from_threads():
    x = put(np.arange(16))
    errors = []

    def work(k):
        try:
            for _ in range(50):
                got = np.asarray(x * float(k) + 1.0)
                np.testing.assert_array_equal(got, np.arange(16, dtype=np.float32) * k + 1)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


# ------------------------------------------------------------------ jit pytrees

class Counter:
    def __init__(self, fun):
        self.fun, self.n = fun, 0

    def __call__(self, *args):
        self.n += 1
        return self.fun(*args)


def scale(tree):
    return plax_core.tree_util.tree_map(lambda a: a * 0.5, tree)


def test_jit_pytree_fast_path_outputs_and_cache():
    f = Counter(scale)
    jf = jit(f)
    state = {"b": [put([1.0, 2.0]), (put([3.0]), None)], "a": put(np.ones((2, 2)))}
    for _ in range(3):
        out = jf(state)
        np.testing.assert_array_equal(np.asarray(out["b"][0]), [0.5, 1.0])
        np.testing.assert_array_equal(np.asarray(out["b"][1][0]), [1.5])
        assert out["b"][1][1] is None
        np.testing.assert_array_equal(np.asarray(out["a"]), np.full((2, 2), 0.5))
    assert f.n == 1 and len(jf._fast) == 1
    jf({"b": [put([1.0, 2.0]), (put([3.0]), None)], "c": put(np.ones((2, 2)))})
    jf({"b": [put([1.0, 2.0]), [put([3.0]), None]], "a": put(np.ones((2, 2)))})
    jf({"b": [put([1, 2], np.int32), (put([3.0]), None)], "a": put(np.ones((2, 2)))})
    assert f.n == 4


def test_jit_pytree_fast_path_falls_back():
    f = Counter(scale)
    jf = jit(f)
    Pair = namedtuple("Pair", "a b")
    out = jf(Pair(put([2.0]), put([4.0])))
    assert type(out) is Pair and np.asarray(out.b).tolist() == [2.0]
    assert float(jf([put([2.0]), 3.0])[1]) == 1.5
    with pytest.raises(TypeError, match="orderable"):
        jf({1: put([1.0]), "a": put([2.0])})
    jf(Pair(put([2.0]), put([4.0])))
    assert f.n == 2        # the namedtuple call was cached by the general path
