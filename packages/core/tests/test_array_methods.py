"""The operators and methods of plax arrays and tracers (ArrayMethods), against NumPy."""

import operator
import pickle
import zlib

import numpy as np
import pytest

import plax_core
from plax_core import Array, dtypes, testing
from plax_core.config import config

N = testing.num_generated_cases()


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def put(x):
    return plax_core.device_put(x)


def close(got, want, dtype=None):
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    dt = np.dtype(dtype or got.dtype)
    if dt.kind in "biu":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, equal_nan=True, **testing.tolerance(dt))


# ------------------------------------------------------------------ operators

BINARY_OPERATORS = {  # symbol -> (operator function, NumPy ufunc, dtypes)
    "+": (operator.add, np.add, (np.float32, np.int32, np.bool_, np.complex64)),
    "-": (operator.sub, np.subtract, (np.float32, np.int32, np.uint8)),
    "*": (operator.mul, np.multiply, (np.float32, np.int16, np.bool_)),
    "/": (operator.truediv, np.true_divide, (np.float32, np.int32)),
    "//": (operator.floordiv, np.floor_divide, (np.float32, np.int32, np.uint16)),
    "%": (operator.mod, np.remainder, (np.float32, np.int8)),
    "**": (operator.pow, np.power, (np.float32,)),
    "==": (operator.eq, np.equal, (np.float32, np.int32, np.bool_)),
    "!=": (operator.ne, np.not_equal, (np.float32, np.int32)),
    "<": (operator.lt, np.less, (np.float32, np.int32)),
    "<=": (operator.le, np.less_equal, (np.float32, np.uint8)),
    ">": (operator.gt, np.greater, (np.float32, np.int32)),
    ">=": (operator.ge, np.greater_equal, (np.float16, np.int32)),
    "&": (operator.and_, np.bitwise_and, (np.int32, np.bool_, np.uint8)),
    "|": (operator.or_, np.bitwise_or, (np.int32, np.bool_)),
    "^": (operator.xor, np.bitwise_xor, (np.int8, np.bool_)),
    "<<": (operator.lshift, np.left_shift, (np.int32, np.uint8)),
    ">>": (operator.rshift, np.right_shift, (np.int32, np.uint8)),
}


def _operands(rng, symbol, dt, shape):
    dt = np.dtype(dt)
    low, high = (0, 3) if symbol in ("<<", ">>", "**") else (-3, 3)
    a = testing.random_array(rng, shape, dt, low, high)
    b = testing.random_array(rng, shape[1:] if shape else shape, dt, low, high)
    if symbol in ("/", "//", "%"):
        b = np.where(b == 0, np.ones_like(b), b)
    return a, b


@pytest.mark.parametrize("symbol", sorted(BINARY_OPERATORS))
@pytest.mark.parametrize("case", range(N))
def test_binary_operator_matches_ops_and_numpy(symbol, case):
    op, np_fn, dts = BINARY_OPERATORS[symbol]
    rng = rng_for(symbol, case)
    dt = np.dtype(dts[case % len(dts)])
    shape = testing.random_shapes(rng, 6)[case % 6]
    a, b = _operands(rng, symbol, dt, shape)
    got = op(put(a), put(b))
    comp = np.float32 if dt == np.float16 else dt
    with np.errstate(all="ignore"):
        want = np_fn(a.astype(comp), b.astype(comp))
    if symbol == "/" and dt.kind in "iu":
        want = want.astype(np.float32)
    assert isinstance(got, Array)
    close(got, want.astype(got.dtype))
    # reflected: NumPy array on the left, plax array on the right
    rgot = op(a, put(b))
    assert isinstance(rgot, Array)
    close(rgot, want.astype(got.dtype))


@pytest.mark.parametrize("symbol", ["+", "-", "*", "/", "//", "%", "**", "<", "=="])
@pytest.mark.parametrize("scalar", [2, 2.5, True])
def test_python_scalars_on_either_side_are_weak(symbol, scalar):
    op, np_fn, _ = BINARY_OPERATORS[symbol]
    x16 = np.array([1.0, 2.0, 3.0], np.float16)
    for left in (True, False):
        args = (put(x16), scalar) if left else (scalar, put(x16))
        if scalar is True and symbol in ("-",):
            continue
        got = op(*args)
        want_dt = np.bool_ if symbol in ("<", "==") else np.float16
        assert got.dtype == want_dt and not got.weak_type
        np_args = (x16.astype(np.float32), np.float32(scalar)) if left else (
            np.float32(scalar), x16.astype(np.float32))
        close(got, np_fn(*np_args).astype(want_dt))
    weak = put(1.5)  # a weakly typed plax array (from a Python float)
    assert weak.weak_type
    assert (weak + 1).weak_type and (weak * 2.0).dtype == np.float32
    assert (1 + put(np.int8(3))).dtype == np.int8


def test_numpy_scalars_and_arrays_on_the_left_give_plax_arrays():
    x = put(np.array([1.0, 2.0], np.float32))
    for left in (np.float32(2), np.array([1.0, 1.0], np.float32), np.int32(3)):
        out = left + x
        assert isinstance(out, Array), type(out)
        close(out, np.asarray(left) + np.array([1.0, 2.0], np.float32))
    assert isinstance(np.array([[1.0, 0.0], [0.0, 1.0]], np.float32) @ x, Array)


@pytest.mark.parametrize("symbol,fn", [("-", operator.neg), ("+", operator.pos),
                                       ("abs", abs), ("~", operator.invert)])
@pytest.mark.parametrize("dt", [np.float32, np.int32, np.int8, np.uint8, np.bool_,
                                np.complex64])
def test_unary_operators(symbol, fn, dt):
    dt = np.dtype(dt)
    a = testing.random_array(rng_for(symbol, str(dt)), (2, 3), dt)
    bad = (symbol in ("-", "+") and dt == np.bool_) or (symbol == "~" and dt.kind in "fc")
    if bad:
        with pytest.raises(TypeError):
            fn(put(a))
        return
    got = fn(put(a))
    want = fn(a)
    close(got, want.astype(got.dtype))


def test_divmod_round_and_matmul_operators():
    a = np.array([7, -7, 5], np.int32)
    q, r = divmod(put(a), 2)
    np.testing.assert_array_equal(np.asarray(q), a // 2)
    np.testing.assert_array_equal(np.asarray(r), a % 2)
    q, r = divmod(9, put(a))
    np.testing.assert_array_equal(np.asarray(q), 9 // a)
    assert float(round(put(np.float32(2.5)))) == 2.0
    np.testing.assert_allclose(np.asarray(round(put(np.float32(2.567)), 2)), 2.57,
                               rtol=1e-6)
    m = np.arange(6, dtype=np.float32).reshape(2, 3)
    close(put(m) @ put(m.T), m @ m.T)
    close(m @ put(m.T), m @ m.T)
    with pytest.raises(NotImplementedError):
        pow(put(m), 2, 3)


def test_comparison_with_non_arrays_falls_back():
    x = put(np.array([1.0, 2.0], np.float32))
    assert (x == None) is False  # noqa: E711
    assert (x != None) is True  # noqa: E711
    assert (x == "a") is False
    assert x != "a"
    with pytest.raises(TypeError):
        x < "a"  # noqa: B015
    with pytest.raises(TypeError):
        x + "a"  # noqa: B018
    with pytest.raises(TypeError):
        x + [1, 2]  # noqa: B018  (lists are not operands, as in JAX)
    eq = x == x
    assert isinstance(eq, Array) and eq.dtype == np.bool_
    assert x in [None, x] or True  # list membership uses ==, which must not crash


def test_hashing_is_refused():
    with pytest.raises(TypeError, match="unhashable"):
        hash(put(np.ones(2)))
    with pytest.raises(TypeError):
        {put(np.ones(2)): 1}


# ------------------------------------------------------------------ conversion

def test_repr_like_jax():
    assert repr(put(np.array([1.0, 2.0], np.float32))) == "Array([1., 2.], dtype=float32)"
    assert repr(put(1.5)) == "Array(1.5, dtype=float32, weak_type=True)"
    assert repr(put(np.array([1, 2], np.int32))) == "Array([1, 2], dtype=int32)"
    assert repr(put(np.array([True]))) == "Array([ True], dtype=bool)"
    two = repr(put(np.zeros((2, 2), np.float32)))
    assert two == "Array([[0., 0.],\n       [0., 0.]], dtype=float32)"


def test_python_conversions():
    x = put(np.array([1.0, 2.0], np.float32))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(x)
    assert bool(put(np.array([3.0], np.float32))) is True
    assert float(put(np.float32(2.5))) == 2.5
    assert int(put(np.int32(3))) == 3
    assert complex(put(np.complex64(1 + 2j))) == 1 + 2j
    assert x.item(1) == 2.0 and put(np.float32(4)).item() == 4.0
    assert x.tolist() == [1.0, 2.0]
    assert np.asarray(x).dtype == np.float32
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    assert len(x) == 2 and [float(v) for v in x] == [1.0, 2.0]
    assert operator.index(put(np.int32(1))) == 1
    assert f"{put(np.float32(2.25)):.1f}" == "2.2"
    y = pickle.loads(pickle.dumps(x))
    np.testing.assert_array_equal(np.asarray(y), [1.0, 2.0])


def test_dlpack_round_trip_and_block_until_ready():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    x = put(a)
    back = np.from_dlpack(x)
    np.testing.assert_array_equal(back, a)
    assert x.block_until_ready() is x
    assert plax_core.block_until_ready({"a": x})["a"] is x


# ------------------------------------------------------------------ methods

def test_indexing_operator_against_numpy():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = put(a)
    for idx in [0, -1, (1, 2), (slice(None), 1), (..., -1), (None, 1, ..., None),
                (slice(None, None, -1), slice(1, None, 2)), (1, slice(3, 0, -2), -2), ()]:
        np.testing.assert_array_equal(np.asarray(x[idx]), a[idx])
    np.testing.assert_array_equal(np.asarray(x[2]), a[1])      # clamps, as in JAX
    with pytest.raises(TypeError, match="immutable"):
        x[0] = 1.0
    np.testing.assert_array_equal(np.asarray(x.at[0].set(1.0))[0], np.ones((3, 4)))
    np.testing.assert_array_equal(np.asarray(x[np.array([1, 0])]), a[[1, 0]])


def test_attributes_T_mT_real_imag():
    a = (np.arange(6) + 1j * np.arange(6)[::-1]).astype(np.complex64).reshape(2, 3)
    x = put(a)
    np.testing.assert_array_equal(np.asarray(x.T), a.T)
    np.testing.assert_array_equal(np.asarray(put(np.ones((4, 2, 3))).mT).shape, (4, 3, 2))
    np.testing.assert_array_equal(np.asarray(x.real), a.real)
    np.testing.assert_array_equal(np.asarray(x.imag), a.imag)
    assert x.real.dtype == np.float32
    r = put(np.array([1.0, 2.0], np.float32))
    np.testing.assert_array_equal(np.asarray(r.imag), [0.0, 0.0])
    np.testing.assert_array_equal(np.asarray(x.conj()), a.conj())
    np.testing.assert_array_equal(np.asarray(x.conjugate()), a.conj())


def test_shape_methods():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = put(a)
    assert x.reshape(6, 4).shape == (6, 4)
    assert x.reshape((4, -1)).shape == (4, 6)
    assert x.reshape([24]).shape == (24,)
    assert x.transpose().shape == (4, 3, 2)
    assert x.transpose(1, 0, 2).shape == (3, 2, 4)
    assert x.transpose((2, 0, 1)).shape == (4, 2, 3)
    np.testing.assert_array_equal(np.asarray(x.swapaxes(0, 2)), a.swapaxes(0, 2))
    assert put(np.ones((1, 3, 1))).squeeze().shape == (3,)
    assert put(np.ones((1, 3, 1))).squeeze(0).shape == (3, 1)
    np.testing.assert_array_equal(np.asarray(x.ravel()), a.ravel())
    np.testing.assert_array_equal(np.asarray(x.flatten()), a.flatten())
    assert x.astype(np.int8).dtype == np.int8
    with config.override(enable_x64=True):
        assert put(np.ones(2, np.float32)).astype(np.float64).dtype == np.float64


REDUCTION_METHODS = ["sum", "prod", "mean", "var", "std", "max", "min", "all", "any",
                     "argmax", "argmin"]


@pytest.mark.parametrize("method", REDUCTION_METHODS)
@pytest.mark.parametrize("case", range(N))
def test_reduction_methods_against_numpy(method, case):
    rng = rng_for(method, case)
    shape = testing.random_shapes(rng, 6, allow_empty=False)[case % 6]
    a = testing.random_array(rng, shape, np.float32, -2, 2)
    nd = len(shape)
    if method in ("argmax", "argmin"):
        axis = None if not nd or case % 2 else -1
    else:
        axis = None if not nd or case % 3 == 0 else ((-1,) if case % 3 == 1 else 0)
    keepdims = bool(case % 2)
    got = getattr(put(a), method)(axis=axis, keepdims=keepdims)
    want = getattr(np, method)(a, axis=axis, keepdims=keepdims)
    close(got, np.asarray(want).astype(got.dtype))


def test_method_keyword_arguments():
    a = np.arange(6, dtype=np.int8).reshape(2, 3)
    x = put(a)
    assert x.sum().dtype == np.int32
    assert x.sum(dtype=np.float32).dtype == np.float32
    assert int(x.max(initial=9)) == 9
    assert float(x.var(ddof=1)) == pytest.approx(np.var(a, ddof=1))
    assert float(x.std(axis=None, ddof=1)) == pytest.approx(np.std(a, ddof=1), rel=1e-6)
    np.testing.assert_array_equal(np.asarray(x.clip(1, 4)), a.clip(1, 4))
    np.testing.assert_array_equal(np.asarray(x.clip(max=2)), a.clip(max=2))
    np.testing.assert_array_equal(np.asarray(x.round()), a)
    np.testing.assert_array_equal(np.asarray(x.dot(x.T)), a.astype(np.int32) @ a.T)
    np.testing.assert_array_equal(np.asarray(x.all(axis=1)), a.all(axis=1))
    np.testing.assert_array_equal(np.asarray(x.any(axis=0, keepdims=True)),
                                  a.any(axis=0, keepdims=True))
    with pytest.raises(NotImplementedError, match="out"):
        x.sum(out=np.zeros(()))


# ------------------------------------------------------------------ tracers

def test_tracers_have_the_same_operators_and_methods():
    def f(x, y):
        z = (x + 1) * y - x / 2.0
        z = z[:, ::-1].T @ y.reshape(2, 3)
        return z.sum(axis=0), -z.max(), (x > 1).any(), x.mean(keepdims=True), abs(z).argmax()

    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.ones((2, 3), np.float32)
    eager = f(put(a), put(b))
    closed = plax_core.make_jaxpr(f)(a, b)
    staged = closed(a, b)
    for e, s in zip(eager, staged):
        close(s, np.asarray(e))
    names = {eq.primitive.name for eq in closed.eqns}
    assert {"add", "mul", "sub", "div", "rev", "transpose", "dot_general",
            "reduce_sum", "reduce_max", "gt", "reduce_or", "argmax"} <= names


def test_tracer_equality_and_concrete_errors():
    def f(x):
        assert (x == None) is False  # noqa: E711
        with pytest.raises(TypeError):
            hash(x)
        with pytest.raises(plax_core.ConcretizationTypeError):
            bool(x > 0)
        return x == x

    closed = plax_core.make_jaxpr(f)(np.ones(2, np.float32))
    assert closed.out_avals[0].dtype == np.bool_


def test_weak_type_survives_operators_on_tracers():
    closed = plax_core.make_jaxpr(lambda x: x * 2 + 1.0)(1.0)
    assert closed.out_avals[0].weak_type
    closed = plax_core.make_jaxpr(lambda x: x * 2 + 1.0)(np.float16(1.0))
    assert closed.out_avals[0].dtype == np.float16 and not closed.out_avals[0].weak_type


def test_integer_scalar_arrays_index():
    x = put(np.arange(5, dtype=np.float32))
    assert float(x[put(np.int32(3))]) == 3.0
    assert float(x[np.int64(-1)]) == 4.0
    assert dtypes.default_int_dtype() == np.int32
