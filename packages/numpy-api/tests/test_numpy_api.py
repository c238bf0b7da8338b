"""plax.numpy (with nn, scipy.special and linalg) against NumPy/SciPy oracles.

Values are compared with NumPy on generated inputs; dtypes against JAX's rules (float32
by default, weakly typed Python scalars, integers promoted to float by float functions).
Imports only plax_core and plax_numpy (this file also runs with those two alone).
"""

import zlib

import ml_dtypes
import numpy as np
import pytest
import scipy.special

import plax_core
import plax_numpy as jnp
from plax_core import Array, testing
from plax_core.config import config

N = testing.num_generated_cases()
F32 = np.dtype(np.float32)


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def close(got, want, dtype=None, rtol=None, atol=None):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    dt = np.dtype(dtype or got.dtype)
    if dt.kind in "biu":
        np.testing.assert_array_equal(got, want)
        return
    tol = dict(testing.tolerance(dt))
    if rtol is not None:
        tol["rtol"] = rtol
    if atol is not None:
        tol["atol"] = atol
    big = np.complex128 if dt.kind == "c" else np.float64
    np.testing.assert_allclose(got.astype(big), want.astype(big), equal_nan=True, **tol)


def to_inexact(dt):
    dt = np.dtype(dt)
    if dt.kind in "fc" or dt == ml_dtypes.bfloat16:
        return dt
    return np.dtype(np.float64 if dt.itemsize == 8 else np.float32)


# ------------------------------------------------------------------ dtypes

def test_dtype_objects():
    assert np.dtype(jnp.float32) == np.float32
    assert jnp.zeros(2, jnp.bfloat16).dtype == ml_dtypes.bfloat16
    assert jnp.float32 == np.float32 and hash(jnp.float32) == hash(np.float32)
    x = jnp.float32(3)
    assert isinstance(x, Array) and x.dtype == np.float32 and not x.weak_type
    assert isinstance(np.float32(1), jnp.float32)
    assert jnp.array([1, 2]).astype(jnp.int8).dtype == np.int8
    assert jnp.issubdtype(jnp.bfloat16, jnp.floating)
    assert jnp.issubdtype(np.int8, jnp.integer) and not jnp.issubdtype(np.int8, jnp.floating)
    assert jnp.iinfo(jnp.int8).max == 127 and jnp.finfo(jnp.bfloat16).bits == 16
    assert jnp.result_type(jnp.float16, 1.0) == np.float16
    assert jnp.result_type(np.int8, np.uint8) == np.int16
    assert jnp.promote_types(jnp.bfloat16, jnp.float16) == np.float32
    assert jnp.dtype("float32") == np.float32
    assert jnp.float_ == np.float64 and jnp.int_ == np.int64
    assert jnp.bool is jnp.bool_
    assert jnp.isdtype(np.float32, "real floating") and not jnp.isdtype(np.int8, "bool")
    assert jnp.can_cast(np.int8, np.int16)
    with config.override(enable_x64=True):
        assert jnp.float64(1).dtype == np.float64


JAX_RESULT_DTYPES = [  # (expression, JAX's dtype, JAX's weak_type), x64 off
    ("sum(np.ones(3, np.uint8))", np.uint32, False),
    ("sum(np.ones(3, np.bool_))", np.int32, False),
    ("prod(np.ones(3, np.int16))", np.int32, False),
    ("sum(np.ones(3, np.float16))", np.float16, False),
    ("mean(np.ones(3, np.int8))", np.float32, False),
    ("var(np.ones(3, np.complex64))", np.float32, False),
    ("true_divide(np.ones(3, np.int8), 2)", np.float32, False),
    ("add(np.ones(3, np.float16), 1.0)", np.float16, False),
    ("multiply(np.ones(3, np.bool_), 2)", np.int32, True),
    ("add(np.ones(3, np.uint8), np.ones(3, np.int8))", np.int16, False),
    ("add(np.ones(3, jnp.bfloat16), np.ones(3, np.float16))", np.float32, False),
    ("add(np.ones(3, np.int32), 1.5)", np.float32, True),
    ("add(np.ones(3, np.float32), 1j)", np.complex64, False),
    ("add(1, 2)", np.int32, True),
    ("add(1, 2.0)", np.float32, True),
    ("exp(2)", np.float32, True),
    ("floor_divide(np.ones(3, np.bool_), True)", np.int32, False),
    ("arange(3.0)", np.float32, False),
    ("linspace(0, 1, 3)", np.float32, False),
    ("argmax(np.ones(3))", np.int32, False),
    ("full((2,), 1)", np.int32, True),
    ("array(2)", np.int32, True),
    ("array([2])", np.int32, False),
    ("zeros(2)", np.float32, False),
    ("matmul(np.ones((2, 2), np.int8), np.ones(2, np.float16))", np.float16, False),
    ("where(np.ones(2, bool), 1.0, np.zeros(2, np.float16))", np.float16, False),
]


@pytest.mark.parametrize("expr,dtype,weak", JAX_RESULT_DTYPES,
                         ids=[e for e, *_ in JAX_RESULT_DTYPES])
def test_result_dtypes_match_jax(expr, dtype, weak):
    out = eval("jnp." + expr, {"jnp": jnp, "np": np})
    assert out.dtype == np.dtype(dtype) and out.weak_type == weak


def test_ndarray_isinstance_for_arrays_and_tracers():
    x = jnp.ones(3)
    assert isinstance(x, jnp.ndarray)
    assert not isinstance(np.ones(3), jnp.ndarray)

    def f(t):
        assert isinstance(t, jnp.ndarray)
        return t

    plax_core.make_jaxpr(f)(1.0)
    with pytest.raises(TypeError):
        jnp.ndarray((2,))


@pytest.mark.parametrize("call", [
    lambda: jnp.reshape(np.ones(3), (3,)), lambda: jnp.transpose(np.ones(3)),
    lambda: jnp.squeeze(np.ones(3)), lambda: jnp.broadcast_to(np.ones(3), (3,)),
    lambda: jnp.real(np.ones(3)), lambda: jnp.conj(1.0), lambda: jnp.positive(2),
    lambda: jnp.abs(np.ones(2, np.uint8)), lambda: jnp.floor(np.arange(3)),
    lambda: jnp.round(3), lambda: jnp.clip(np.ones(2)), lambda: jnp.flip(1.0),
    lambda: jnp.atleast_1d(np.ones(2)), lambda: jnp.nan_to_num(np.arange(2)),
    lambda: jnp.concatenate([np.ones(2)]), lambda: jnp.asarray(np.ones(2)),
    lambda: jnp.roll(np.ones(3), 0), lambda: jnp.sum(np.ones(3), axis=())])
def test_results_are_plax_arrays_even_when_nothing_is_computed(call):
    assert isinstance(call(), Array)


def test_weak_types_survive_constants_inside_functions():
    for fn in (jnp.log2, jnp.log10, jnp.deg2rad, jnp.isnan, jnp.sinc, jnp.trunc):
        out = fn(2.0)
        assert out.weak_type == (out.dtype != np.bool_), fn
    assert jnp.floor_divide(7.0, 2).weak_type and jnp.remainder(7, 2).weak_type
    assert jnp.nn.relu(1.0).weak_type and jnp.nn.gelu(1.0).weak_type
    assert not jnp.log2(np.float32(2)).weak_type


def test_constants():
    assert jnp.pi == np.pi and jnp.e == np.e and jnp.inf == np.inf and np.isnan(jnp.nan)
    assert jnp.newaxis is None
    assert jnp.ones(3)[:, jnp.newaxis].shape == (3, 1)


# ------------------------------------------------------------------ creation

def test_array_and_asarray():
    assert jnp.array(1.0).weak_type and jnp.array(1.0).dtype == np.float32
    assert not jnp.array([1.0]).weak_type
    assert jnp.array([1, 2]).dtype == np.int32
    assert jnp.array([1, 2.5]).dtype == np.float32
    assert jnp.array([True, False]).dtype == np.bool_
    assert jnp.array(np.arange(3, dtype=np.int64)).dtype == np.int32
    assert jnp.array(1, dtype=jnp.int8).dtype == np.int8
    assert jnp.array([1, 2], ndmin=3).shape == (1, 1, 2)
    x = jnp.ones(3)
    assert jnp.asarray(x) is x
    assert jnp.array([x, x]).shape == (2, 3)
    assert jnp.asarray([[1, 2], [3, 4]], dtype=jnp.float16).dtype == np.float16
    with pytest.raises(TypeError):
        jnp.array("abc")
    with pytest.raises(TypeError):
        jnp.array(None)
    with config.override(enable_x64=True):
        assert jnp.array([1.0]).dtype == np.float64

    def f(t):
        return jnp.array([t, 2 * t, 3.0])

    closed = plax_core.make_jaxpr(f)(np.float32(1))
    out, = closed(np.float32(2))
    close(out, [2.0, 4.0, 3.0])


@pytest.mark.parametrize("fn,np_fn", [(jnp.zeros, np.zeros), (jnp.ones, np.ones),
                                      (jnp.empty, np.zeros)])
@pytest.mark.parametrize("shape", [(), 3, (2, 0), (2, 3)])
@pytest.mark.parametrize("dtype", [None, np.int8, jnp.bfloat16, np.bool_, np.complex64])
def test_zeros_ones_empty(fn, np_fn, shape, dtype):
    out = fn(shape, dtype)
    want_dt = np.dtype(dtype) if dtype is not None else F32
    assert out.dtype == want_dt and not out.weak_type
    close(out, np_fn(shape, want_dt))


def test_full_and_likes():
    out = jnp.full((2, 3), 1.5)
    assert out.dtype == np.float32 and out.weak_type  # as JAX
    assert jnp.full((2,), 2, dtype=np.int8).dtype == np.int8
    assert jnp.full(3, True).dtype == np.bool_
    close(jnp.full((2, 3), jnp.array([1.0, 2.0, 3.0])), np.full((2, 3), [1.0, 2.0, 3.0]))
    x = jnp.array([[1, 2]], dtype=jnp.int16)
    for fn, v in [(jnp.zeros_like, 0), (jnp.ones_like, 1), (jnp.empty_like, 0)]:
        out = fn(x)
        assert out.dtype == np.int16 and out.shape == (1, 2)
        close(out, np.full((1, 2), v))
    assert jnp.full_like(x, 7, dtype=np.float32).dtype == np.float32
    assert jnp.full_like(x, 7, shape=(3,)).shape == (3,)
    assert jnp.zeros_like(1.0).weak_type
    with pytest.raises(TypeError, match="negative dimensions"):  # JAX 0.10.2's class
        jnp.zeros((2, -1))


ARANGE_CASES = [((5,), None), ((5.0,), None), ((2, 9), None), ((2, 9, 3), None),
                ((0, 1, 0.1), None), ((10, 0, -2), None), ((-3,), None), ((5,), np.int8),
                ((0.5, 3.0), None), ((1, 4), np.float16), ((3,), np.float32),
                ((0, 1, 0.25), jnp.bfloat16)]


@pytest.mark.parametrize("args,dtype", ARANGE_CASES, ids=str)
def test_arange(args, dtype):
    out = jnp.arange(*args, dtype=dtype)
    if dtype is not None:
        want_dt = np.dtype(dtype)
    elif any(isinstance(a, float) for a in args):
        want_dt = F32
    else:
        want_dt = np.dtype(np.int32)
    assert out.dtype == want_dt and not out.weak_type
    close(out, np.arange(*args, dtype=np.float64 if want_dt == ml_dtypes.bfloat16
                         else want_dt).astype(want_dt))


def test_arange_stages_iota_and_needs_concrete_args():
    closed = plax_core.make_jaxpr(lambda: jnp.arange(4))()
    assert [e.primitive.name for e in closed.eqns] == ["iota"]
    with pytest.raises(plax_core.ConcretizationTypeError):
        plax_core.make_jaxpr(lambda n: jnp.arange(n))(3)
    with config.override(enable_x64=True):
        assert jnp.arange(3).dtype == np.int64 and jnp.arange(3.0).dtype == np.float64


LINSPACE_CASES = [
    dict(start=0, stop=1, num=5), dict(start=0, stop=1, num=5, endpoint=False),
    dict(start=-2.5, stop=3, num=7), dict(start=0, stop=10, num=4, dtype=np.int32),
    dict(start=1, stop=0, num=3), dict(start=0, stop=1, num=1), dict(start=0, stop=1, num=0),
    dict(start=[0.0, 1.0], stop=[1.0, 3.0], num=4), dict(start=[0.0, 1.0], stop=2.0, num=3,
                                                          axis=-1),
    dict(start=0, stop=1, num=6, dtype=np.float16), dict(start=2, stop=5, num=4, retstep=True),
]


@pytest.mark.parametrize("kw", LINSPACE_CASES, ids=str)
def test_linspace(kw):
    out = jnp.linspace(**kw)
    np_kw = dict(kw)
    want = np.linspace(**np_kw)
    if kw.get("retstep"):
        (out, step), (want, want_step) = out, want
        close(step, want_step, rtol=1e-6)
    want_dt = np.dtype(kw["dtype"]) if "dtype" in kw else F32
    assert out.dtype == want_dt and not out.weak_type
    close(out, want.astype(want_dt), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="non-negative"):
        jnp.linspace(0, 1, -1)


@pytest.mark.parametrize("n,m,k", [(3, None, 0), (3, 4, 1), (4, 2, -1), (2, 2, 5), (0, 3, 0)])
def test_eye_identity_tri(n, m, k):
    close(jnp.eye(n, m, k), np.eye(n, m, k, dtype=np.float32))
    assert jnp.eye(n, m, k, dtype=np.int8).dtype == np.int8
    close(jnp.tri(n, m, k), np.tri(n, m, k, dtype=np.float32))
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    close(jnp.tril(a, k), np.tril(a, k))
    close(jnp.triu(a, k), np.triu(a, k))
    close(jnp.identity(n), np.identity(n, dtype=np.float32))


def test_meshgrid():
    x, y = np.arange(3.0, dtype=np.float32), np.arange(2.0, dtype=np.float32)
    for indexing in ("xy", "ij"):
        for got, want in zip(jnp.meshgrid(x, y, indexing=indexing),
                             np.meshgrid(x, y, indexing=indexing)):
            close(got, want)


# ------------------------------------------------------------------ elementwise

DOMAIN = {"positive": (0.1, 3.0), "unit": (-0.95, 0.95), "ge1": (1.05, 3.0),
          "any": (-3.0, 3.0), "prob": (0.05, 0.95)}
FLOAT_FUNCS = {  # name -> (numpy function, domain)
    "exp": (np.exp, "any"), "exp2": (np.exp2, "any"), "expm1": (np.expm1, "any"),
    "log": (np.log, "positive"), "log2": (np.log2, "positive"),
    "log10": (np.log10, "positive"), "log1p": (np.log1p, "positive"),
    "sqrt": (np.sqrt, "positive"), "cbrt": (np.cbrt, "any"),
    "sin": (np.sin, "any"), "cos": (np.cos, "any"), "tan": (np.tan, "unit"),
    "arcsin": (np.arcsin, "unit"), "arccos": (np.arccos, "unit"),
    "arctan": (np.arctan, "any"), "sinh": (np.sinh, "any"), "cosh": (np.cosh, "any"),
    "tanh": (np.tanh, "any"), "arcsinh": (np.arcsinh, "any"),
    "arccosh": (np.arccosh, "ge1"), "arctanh": (np.arctanh, "unit"),
    "deg2rad": (np.deg2rad, "any"), "rad2deg": (np.rad2deg, "any"),
    "reciprocal": (np.reciprocal, "positive"), "sinc": (np.sinc, "any"),
    "fabs": (np.fabs, "any"),
}
FLOAT_DTYPES = [np.float32, np.float16, ml_dtypes.bfloat16, np.float64]


@pytest.mark.parametrize("name", sorted(FLOAT_FUNCS))
@pytest.mark.parametrize("case", range(N))
def test_float_function_against_numpy(name, case):
    np_fn, domain = FLOAT_FUNCS[name]
    rng = rng_for(name, case)
    shape = testing.random_shapes(rng, 6)[case % 6]
    lo, hi = DOMAIN[domain]
    kind = case % 4
    if kind == 3 and domain in ("any", "positive", "ge1"):  # integers promote to float
        x = rng.integers(int(np.ceil(lo)), int(hi) + 1, size=shape).astype(np.int32)
        want_dt = F32
    else:
        dt = np.dtype(FLOAT_DTYPES[case % 4 if kind != 3 else 0])
        x = rng.uniform(lo, hi, shape).astype(dt)
        want_dt = dt
    with config.override(enable_x64=want_dt == np.float64):
        got = getattr(jnp, name)(x)
        assert got.dtype == want_dt and not got.weak_type
        with np.errstate(all="ignore"):
            want = np_fn(x.astype(np.float64))
        close(got, want.astype(want_dt), dtype=want_dt)


def test_float_functions_of_python_scalars_are_weak():
    out = jnp.sqrt(4)
    assert out.dtype == np.float32 and out.weak_type and float(out) == 2.0
    assert jnp.exp(jnp.array(1, dtype=jnp.int8)).dtype == np.float32
    assert jnp.sin(np.float16(1)).dtype == np.float16
    with config.override(enable_x64=True):
        assert jnp.log(np.arange(1, 3)).dtype == np.float64  # int64 -> float64
        assert jnp.log(np.arange(1, 3, dtype=np.int32)).dtype == np.float32


INT_PASSTHROUGH = {"floor": np.floor, "ceil": np.ceil, "rint": np.rint, "trunc": np.trunc,
                   "fix": np.fix, "round": np.round, "around": np.round}


@pytest.mark.parametrize("name", sorted(INT_PASSTHROUGH))
@pytest.mark.parametrize("dt", [np.float32, np.float16, np.int32, np.uint8])
def test_rounding_functions(name, dt):
    rng = rng_for(name, str(dt))
    x = (rng.uniform(-5, 5, (4, 5)) * 2).round() / 2  # many exact halves
    x = np.abs(x).astype(dt) if np.dtype(dt).kind == "u" else x.astype(dt)
    got = getattr(jnp, name)(x)
    assert got.dtype == np.dtype(dt)
    close(got, INT_PASSTHROUGH[name](x).astype(dt))


NUMERIC_UNARY = {"negative": np.negative, "positive": np.positive, "abs": np.abs,
                 "absolute": np.absolute, "sign": np.sign, "square": np.square,
                 "conj": np.conj, "conjugate": np.conjugate, "real": np.real,
                 "imag": np.imag, "angle": np.angle}


@pytest.mark.parametrize("name", sorted(NUMERIC_UNARY))
@pytest.mark.parametrize("dt", [np.float32, np.int8, np.int32, np.complex64])
def test_numeric_unary_against_numpy(name, dt):
    x = testing.random_array(rng_for(name, str(dt)), (3, 4), np.dtype(dt))
    got = getattr(jnp, name)(x)
    want = NUMERIC_UNARY[name](x)
    if name == "angle":  # NumPy gives float16 for int8; JAX the default float
        assert got.dtype == F32
        want = NUMERIC_UNARY[name](x.astype(np.complex128 if x.dtype.kind == "c"
                                            else np.float64))
    else:
        assert got.dtype == want.dtype, (got.dtype, want.dtype)
    close(got, want.astype(got.dtype))


FLOAT_BINARY = {"arctan2": np.arctan2, "hypot": np.hypot, "logaddexp": np.logaddexp,
                "logaddexp2": np.logaddexp2, "nextafter": np.nextafter, "fmax": np.fmax,
                "fmin": np.fmin, "fmod": np.fmod, "copysign": np.copysign,
                "heaviside": np.heaviside, "float_power": np.float_power,
                "atan2": np.arctan2}


@pytest.mark.parametrize("name", sorted(FLOAT_BINARY))
@pytest.mark.parametrize("case", range(N))
def test_float_binary_against_numpy(name, case):
    rng = rng_for(name, case)
    shapes = [((3,), (2, 3)), ((), (4,)), ((2, 1), (1, 3)), ((0,), (1,))][case % 4]
    dt = [np.float32, np.float16][case % 2]
    a = rng.uniform(-3, 3, shapes[0]).astype(dt)
    b = rng.uniform(-3, 3, shapes[1]).astype(dt)
    if name == "float_power":
        a = np.abs(a)
    if name in ("fmax", "fmin") and a.size:
        a.flat[0] = np.nan
    if name == "heaviside":
        a = np.round(a)
    got = getattr(jnp, name)(a, b)
    assert got.dtype == np.dtype(dt)
    with np.errstate(all="ignore"):
        want = FLOAT_BINARY[name](a, b) if name == "nextafter" else \
            FLOAT_BINARY[name](a.astype(np.float32), b.astype(np.float32))
    close(got, np.asarray(want).astype(dt))


ARITHMETIC = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
              "divide": np.divide, "true_divide": np.true_divide,
              "floor_divide": np.floor_divide, "remainder": np.remainder, "mod": np.mod,
              "power": np.power, "maximum": np.maximum, "minimum": np.minimum,
              "equal": np.equal, "not_equal": np.not_equal, "less": np.less,
              "less_equal": np.less_equal, "greater": np.greater,
              "greater_equal": np.greater_equal, "logical_and": np.logical_and,
              "logical_or": np.logical_or, "logical_xor": np.logical_xor,
              "bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or,
              "bitwise_xor": np.bitwise_xor, "left_shift": np.left_shift,
              "right_shift": np.right_shift}


@pytest.mark.parametrize("name", sorted(ARITHMETIC))
def test_arithmetic_functions_exported(name):
    a = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
    b = np.array([3, 1, 2], np.int32)
    got = getattr(jnp, name)(a, b)
    want = ARITHMETIC[name](a, b)
    close(got, want.astype(got.dtype))
    # lists and Python scalars are accepted too
    got = getattr(jnp, name)(a.tolist(), 2)
    close(got, ARITHMETIC[name](a, 2).astype(got.dtype))


def test_logical_not_invert_and_predicates():
    x = np.array([0.0, -0.0, 1.5, np.inf, -np.inf, np.nan], np.float32)
    for name in ("isfinite", "isnan", "isinf", "isposinf", "isneginf", "signbit",
                 "logical_not"):
        got = getattr(jnp, name)(x)
        assert got.dtype == np.bool_
        close(got, getattr(np, name)(x))
    i = np.array([0, 3, -2], np.int8)
    for name in ("isfinite", "isnan", "isinf", "invert", "bitwise_not", "logical_not"):
        close(getattr(jnp, name)(i), getattr(np, name if name != "bitwise_not"
                                             else "invert")(i))
    c = np.array([1 + 1j, np.inf + 0j, complex(0, np.nan)], np.complex64)
    for name in ("isfinite", "isnan", "isinf"):
        close(getattr(jnp, name)(c), getattr(np, name)(c))
    close(jnp.nan_to_num(x), np.nan_to_num(x))
    close(jnp.isclose(x, x + 1e-9), np.isclose(x, x + 1e-9))
    assert bool(jnp.allclose(np.ones(3), np.ones(3) + 1e-9))
    assert bool(jnp.array_equal(np.ones(3), np.ones(3)))
    assert not bool(jnp.array_equal(np.ones(3), np.ones(4)))
    assert jnp.iscomplexobj(c) and jnp.isrealobj(x)


def test_where_clip_nonzero():
    c = np.array([[True, False, True]])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    close(jnp.where(c, x, -1), np.where(c, x, -1))
    assert jnp.where(c, x, -1).dtype == np.float32
    close(jnp.where(x > 2, 1, 0), np.where(x > 2, 1, 0))
    assert jnp.where(x > 2, 1, 0).dtype == np.int32 and jnp.where(x > 2, 1, 0).weak_type
    close(jnp.where(x, 1.0, 2.0), np.where(x, 1.0, 2.0))
    with pytest.raises(ValueError, match=r"where: incompatible shapes.*\(2,\)"):
        jnp.where(np.ones(2, bool), x, 0)
    with pytest.raises(ValueError, match="both or neither"):
        jnp.where(c, x)
    for got, want in zip(jnp.where(x > 2), np.where(x > 2)):
        close(got, want.astype(np.int32))
    for got, want in zip(jnp.nonzero(x), np.nonzero(x)):
        close(got, want.astype(np.int32))
    close(jnp.argwhere(x > 3), np.argwhere(x > 3).astype(np.int32))
    with pytest.raises(plax_core.ConcretizationTypeError):
        plax_core.make_jaxpr(lambda v: jnp.where(v > 0))(x)
    close(jnp.clip(x, 1, 4), np.clip(x, 1, 4))
    close(jnp.clip(x, max=2), np.clip(x, None, 2))
    close(jnp.clip(x, np.array([0, 3, 1], np.float32)), np.clip(x, [0, 3, 1], None))


# ------------------------------------------------------------------ reductions

REDUCTIONS = ["sum", "prod", "mean", "var", "std", "max", "amax", "min", "amin", "all",
              "any", "argmax", "argmin", "ptp", "count_nonzero"]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("case", range(N))
def test_reductions_against_numpy(name, case):
    rng = rng_for(name, case)
    shape = [(3,), (2, 3), (2, 3, 4), (4, 1, 2), ()][case % 5]
    dt = [np.float32, np.int32, np.float16, np.int8, np.bool_][case % 5]
    x = testing.random_array(rng, shape, np.dtype(dt), -2, 2)
    nd = len(shape)
    axis = [None, 0, -1, (0, -1) if nd > 1 else None][case % 4] if nd else None
    if name in ("argmax", "argmin") and isinstance(axis, tuple):
        axis = -1
    keepdims = bool(case % 2)
    if name == "ptp" and dt == np.bool_:
        with pytest.raises(TypeError, match="subtract"):  # as NumPy and JAX
            jnp.ptp(x)
        return
    if name == "count_nonzero":
        got = jnp.count_nonzero(x, axis=axis, keepdims=keepdims)
        want = np.count_nonzero(x, axis=axis, keepdims=keepdims)
    else:
        got = getattr(jnp, name)(x, axis=axis, keepdims=keepdims)
        np_name = {"amax": "max", "amin": "min"}.get(name, name)
        xin = x.astype(np.float32) if dt == np.float16 else x
        if name == "ptp" and dt == np.bool_:
            xin = x.astype(np.int32)
        want = getattr(np, np_name)(xin, axis=axis, keepdims=keepdims)
    if name in ("mean", "var", "std"):
        assert got.dtype == (np.float16 if dt == np.float16 else F32)
    if name in ("sum", "prod"):
        assert got.dtype == ({np.float32: F32, np.float16: np.float16}.get(dt, np.int32))
    close(got, np.asarray(want).astype(got.dtype), dtype=got.dtype)


def test_reduction_options():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    close(jnp.var(x, ddof=1), np.var(x, ddof=1))
    close(jnp.std(x, axis=0, ddof=1), np.std(x, axis=0, ddof=1))
    close(jnp.sum(x, dtype=np.int32), np.sum(x, dtype=np.int32))
    close(jnp.mean(x, axis=1, dtype=np.float16), np.mean(x, axis=1).astype(np.float16))
    close(jnp.max(x, axis=0, initial=6), np.max(x, axis=0, initial=6))
    close(jnp.sum(x, where=x > 3), np.sum(x, where=x > 3))
    close(jnp.average(x, axis=1, weights=[1, 2, 3, 4]),
          np.average(x, axis=1, weights=[1, 2, 3, 4]))
    close(jnp.average(x), np.average(x))
    avg, wsum = jnp.average(x, axis=0, weights=np.ones((3, 4)), returned=True)
    want_avg, want_wsum = np.average(x, axis=0, weights=np.ones((3, 4)), returned=True)
    close(avg, want_avg)
    close(wsum, want_wsum)
    with pytest.raises(ValueError, match="zero-size array to reduction operation max"):
        jnp.max(np.zeros((0,), np.float32))


# ------------------------------------------------------------------ shapes

def test_shape_functions():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    close(jnp.reshape(a, (6, -1)), a.reshape(6, -1))
    close(jnp.reshape(a, shape=(4, 6)), a.reshape(4, 6))
    close(jnp.ravel(a), a.ravel())
    close(jnp.transpose(a, (2, 0, 1)), np.transpose(a, (2, 0, 1)))
    close(jnp.permute_dims(a, (1, 0, 2)), np.transpose(a, (1, 0, 2)))
    close(jnp.swapaxes(a, 0, 2), np.swapaxes(a, 0, 2))
    close(jnp.moveaxis(a, -1, 0), np.moveaxis(a, -1, 0))
    close(jnp.expand_dims(a, (0, 2)), np.expand_dims(a, (0, 2)))
    close(jnp.squeeze(a[:1]), np.squeeze(a[:1]))
    close(jnp.broadcast_to(a[0, 0], (3, 4)), np.broadcast_to(a[0, 0], (3, 4)))
    for got, want in zip(jnp.broadcast_arrays(a[0], a[:, :1, :1]),
                         np.broadcast_arrays(a[0], a[:, :1, :1])):
        close(got, want)
    assert jnp.broadcast_shapes((3, 1), (4,)) == (3, 4)
    assert jnp.shape(a) == (2, 3, 4) and jnp.ndim(a) == 3 and jnp.size(a) == 24
    assert jnp.size(a, 1) == 3 and jnp.shape(3.0) == () and jnp.ndim([1, 2]) == 1
    assert jnp.isscalar(1.0) and jnp.isscalar(jnp.array(1.0)) and not jnp.isscalar(a)
    close(jnp.matrix_transpose(a), np.swapaxes(a, -1, -2))
    for fn in ("atleast_1d", "atleast_2d", "atleast_3d"):
        for v in (np.float32(1), np.ones(3, np.float32), np.ones((2, 3), np.float32)):
            close(getattr(jnp, fn)(v), getattr(np, fn)(v))
    xs = jnp.atleast_2d(1.0, np.ones(2))
    assert [x.shape for x in xs] == [(1, 1), (1, 2)]
    close(jnp.flip(a), np.flip(a))
    close(jnp.flip(a, 1), np.flip(a, 1))
    close(jnp.fliplr(a[0]), np.fliplr(a[0]))
    close(jnp.flipud(a[0]), np.flipud(a[0]))
    for got, want in zip(jnp.split(a, 2, axis=2), np.split(a, 2, axis=2)):
        close(got, want)
    for got, want in zip(jnp.array_split(a, 3, axis=2), np.array_split(a, 3, axis=2)):
        close(got, want)
    for got, want in zip(jnp.split(a, [1, -1], axis=1), np.split(a, [1, -1], axis=1)):
        close(got, want)
    close(jnp.tile(a[0], (2, 1, 2)), np.tile(a[0], (2, 1, 2)))
    close(jnp.repeat(a[0], 2, axis=1), np.repeat(a[0], 2, axis=1))
    close(jnp.repeat(a[0], [1, 0, 2], axis=0), np.repeat(a[0], [1, 0, 2], axis=0))
    close(jnp.repeat(a[0], 2), np.repeat(a[0], 2))
    close(jnp.roll(a, 2), np.roll(a, 2))
    close(jnp.roll(a, (1, -1), (1, 2)), np.roll(a, (1, -1), (1, 2)))


def test_concatenate_and_stack():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.arange(3, dtype=np.int8).reshape(1, 3)
    out = jnp.concatenate([a, b])
    assert out.dtype == np.float32
    close(out, np.concatenate([a, b]))
    close(jnp.concatenate([a, a], axis=-1), np.concatenate([a, a], axis=-1))
    close(jnp.concatenate([a, b], axis=None), np.concatenate([a, b], axis=None))
    close(jnp.concat([a, a]), np.concatenate([a, a]))
    close(jnp.concatenate(jnp.array(a)), np.concatenate(a))
    close(jnp.stack([a, a], axis=1), np.stack([a, a], axis=1))
    close(jnp.stack([a, a], axis=-1), np.stack([a, a], axis=-1))
    close(jnp.vstack([a, b]), np.vstack([a, b]))
    close(jnp.hstack([a, a]), np.hstack([a, a]))
    close(jnp.hstack([np.ones(2), np.zeros(3)]), np.hstack([np.ones(2), np.zeros(3)]))
    close(jnp.dstack([a, a]), np.dstack([a, a]))
    close(jnp.column_stack([np.ones(2), np.zeros(2)]),
          np.column_stack([np.ones(2), np.zeros(2)]))
    with pytest.raises(TypeError, match=r"concatenate: .*dimension 1.*\(2, 3\).*\(2, 4\)"):
        jnp.concatenate([a, np.ones((2, 4))])
    with pytest.raises(ValueError, match=r"stack: .*\(2, 3\).*\(1, 3\)"):
        jnp.stack([a, b])
    with pytest.raises(ValueError, match="zero-dimensional"):
        jnp.concatenate([1.0, 2.0])
    with pytest.raises(ValueError, match="at least one"):
        jnp.stack([])


# ------------------------------------------------------------------ products

@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 4)),
                                   ((2, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((), (3,))])
def test_dot_matmul_inner_outer(sa, sb):
    rng = rng_for("dot", sa, sb)
    a = rng.normal(size=sa).astype(np.float32)
    b = rng.normal(size=sb).astype(np.float32)
    close(jnp.dot(a, b), np.dot(a, b))
    if sa and sb:
        close(jnp.matmul(a, b), np.matmul(a, b))
    bt = np.swapaxes(b, -1, -2) if b.ndim > 1 else b
    close(jnp.inner(a, bt), np.inner(a, bt))
    close(jnp.outer(a, b), np.outer(a, b))


def test_vdot_tensordot_trace_diagonal_kron():
    rng = rng_for("products")
    c = (rng.normal(size=(2, 3)) + 1j * rng.normal(size=(2, 3))).astype(np.complex64)
    close(jnp.vdot(c, c), np.vdot(c, c))
    a = rng.normal(size=(2, 3, 4)).astype(np.float32)
    b = rng.normal(size=(3, 4, 5)).astype(np.float32)
    close(jnp.tensordot(a, b), np.tensordot(a, b))
    close(jnp.tensordot(a, b, axes=([1, 2], [0, 1])), np.tensordot(a, b, ([1, 2], [0, 1])))
    close(jnp.tensordot(a, b, axes=([-1], [1])), np.tensordot(a, b, ([-1], [1])))
    close(jnp.tensordot(a, b, axes=0), np.tensordot(a, b, axes=0))
    with pytest.raises(TypeError, match=r"tensordot: shape mismatch.*\(2, 3, 4\).*"
                                        r"\(3, 4, 5\)"):
        jnp.tensordot(a, b, axes=([0], [0]))
    m = rng.normal(size=(3, 4, 4)).astype(np.float32)
    for off in (-1, 0, 2):
        close(jnp.diagonal(m, off, 1, 2), np.diagonal(m, off, 1, 2))
        close(jnp.trace(m, off, 1, 2), np.trace(m, off, 1, 2))
    close(jnp.kron(m[0, :2, :3], m[1, :2, :2]), np.kron(m[0, :2, :3], m[1, :2, :2]))
    close(jnp.vecdot(a, a), np.sum(a * a, axis=-1))


EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]), ("ij->ji", [(2, 3)]), ("ij->", [(2, 3)]), ("i,i", [(4,), (4,)]),
    ("i,j->ij", [(2,), (3,)]), ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (5, 3, 4)]), ("ij,jk,kl->il", [(2, 3), (3, 4),
                                                                      (4, 5)]),
    ("abc,cd,b->ad", [(2, 3, 4), (4, 5), (3,)]), ("iij->j", [(3, 3, 2)]),
    ("ij,ij->i", [(3, 4), (3, 4)]), ("i...->...", [(3, 2, 2)]), ("ab,ba->", [(3, 2), (2, 3)]),
    ("ijk,ikl,ilm->ijm", [(2, 3, 4), (2, 4, 5), (2, 5, 3)]), ("ij,kl->ijkl", [(2, 2), (3, 1)]),
]


@pytest.mark.parametrize("subscripts,shapes", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
@pytest.mark.parametrize("optimize", ["auto", "greedy", False])
def test_einsum_against_numpy(subscripts, shapes, optimize):
    rng = rng_for("einsum", subscripts)
    ops_ = [rng.normal(size=s).astype(np.float32) for s in shapes]
    got = jnp.einsum(subscripts, *ops_, optimize=optimize)
    want = np.einsum(subscripts, *ops_)
    assert got.dtype == np.float32
    close(got, want, rtol=1e-4, atol=1e-5)


def test_einsum_dtypes_errors_and_tracing():
    a = np.arange(6, dtype=np.int8).reshape(2, 3)
    b = np.ones((3, 2), np.float16)
    out = jnp.einsum("ij,jk->ik", a, b)
    assert out.dtype == np.float16
    close(out, np.einsum("ij,jk->ik", a, b.astype(np.float32)).astype(np.float16))
    assert jnp.einsum("ij,jk->ik", a, a.T).dtype == np.int8
    with pytest.raises(ValueError, match=r"einsum: .*\(2, 3\)"):
        jnp.einsum("ij,jk->ik", a, np.ones((4, 2)))
    closed = plax_core.make_jaxpr(lambda x, y: jnp.einsum("ij,jk->ik", x, y))(
        np.ones((2, 3), np.float32), np.ones((3, 4), np.float32))
    assert [e.primitive.name for e in closed.eqns] == ["dot_general"]
    assert jnp.einsum_path("ij,jk->ik", a, a.T)[0]


def test_mismatched_shapes_name_function_and_shapes():
    # JAX 0.10.2's classes: TypeError for elementwise broadcasting and contraction sizes
    with pytest.raises(TypeError, match=r"add: incompatible shapes for broadcasting: "
                                        r"\(3,\) and \(4,\)"):
        jnp.add(np.ones(3), np.ones(4))
    with pytest.raises(TypeError, match=r"arctan2: incompatible shapes.*\(2, 3\) and \(2,\)"):
        jnp.arctan2(np.ones((2, 3)), np.ones(2))
    with pytest.raises(TypeError, match=r"matmul: .*\(2, 3\) and \(2, 3\)"):
        jnp.matmul(np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(TypeError, match=r"dot: shapes \(2, 3\) and \(2, 3\) not aligned"):
        jnp.dot(np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"broadcast_to: .*\(3,\) to shape \(4,\)"):
        jnp.broadcast_to(np.ones(3), (4,))
    with pytest.raises(TypeError, match="reshape"):
        jnp.reshape(np.ones(6), (4, 2))


# ------------------------------------------------------------------ nn / scipy / linalg

def _np_gelu(x, approximate):
    if approximate:
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + scipy.special.erf(x / np.sqrt(2)))


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


NN = {
    "relu": lambda x: np.maximum(x, 0), "relu6": lambda x: np.clip(x, 0, 6),
    "sigmoid": scipy.special.expit, "softplus": lambda x: np.logaddexp(x, 0),
    "log_sigmoid": lambda x: -np.logaddexp(-x, 0),
    "gelu": lambda x: _np_gelu(x, True),
    "silu": lambda x: x * scipy.special.expit(x), "swish": lambda x: x * scipy.special.expit(x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "celu": lambda x: np.maximum(x, 0) + np.minimum(0, np.expm1(x)),
    "selu": lambda x: 1.0507009873554804934193349852946 * np.where(
        x > 0, x, 1.6732632423543772848170429916717 * np.expm1(x)),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.01 * x),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "hard_silu": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "soft_sign": lambda x: x / (np.abs(x) + 1),
    "softmax": lambda x: _np_softmax(x, -1),
    "log_softmax": lambda x: np.log(_np_softmax(x, -1)),
    "logsumexp": lambda x: scipy.special.logsumexp(x),
    "standardize": lambda x: (x - x.mean(-1, keepdims=True)) / np.sqrt(
        x.var(-1, keepdims=True) + 1e-5),
    "tanh": np.tanh,
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's oracle on empty arrays
@pytest.mark.parametrize("name", sorted(NN))
@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 0)], ids=str)
def test_nn_against_numpy(name, shape):
    if name in ("softmax", "log_softmax", "standardize") and shape == ():
        return
    x = rng_for(name, shape).uniform(-4, 4, shape).astype(np.float32)
    got = getattr(jnp.nn, name)(x)
    assert got.dtype == np.float32
    if x.size == 0 and name in ("softmax", "log_softmax", "logsumexp"):  # NumPy max fails
        want = np.full((), -np.inf, np.float32) if name == "logsumexp" else x
        close(got, want)
        return
    with np.errstate(all="ignore"):
        close(got, NN[name](x.astype(np.float64)).astype(np.float32), rtol=2e-5, atol=2e-6)


def test_nn_options():
    x = np.linspace(-3, 3, 13).astype(np.float32)
    close(jnp.nn.gelu(x, approximate=False), _np_gelu(x.astype(np.float64), False))
    close(jnp.nn.elu(x, 0.5), np.where(x > 0, x, 0.5 * np.expm1(x)))
    close(jnp.nn.leaky_relu(x, 0.2), np.where(x >= 0, x, 0.2 * x))
    m = x[:12].reshape(3, 4)
    close(jnp.nn.softmax(m, axis=0), _np_softmax(m, 0))
    close(jnp.nn.log_softmax(m, axis=(0, 1)), np.log(_np_softmax(m.ravel(), 0)).reshape(3, 4),
          rtol=1e-5)
    close(jnp.nn.glu(m), m[:, :2] * scipy.special.expit(m[:, 2:]))
    assert jnp.nn.relu(np.array([-1, 2], np.int32)).dtype == np.int32
    oh = jnp.nn.one_hot(np.array([0, 2, 1, 5]), 3)
    assert oh.dtype == np.float32
    close(oh, np.eye(3, dtype=np.float32)[[0, 2, 1]].tolist() + [[0, 0, 0]])
    assert jnp.nn.one_hot(np.array([1]), 2, dtype=np.int8).dtype == np.int8
    close(jnp.nn.one_hot(np.array([[1, 0]]), 2, axis=0), np.array([[[0, 1]], [[1, 0]]]))
    big = np.array([1000.0, 1000.0], np.float32)
    close(jnp.nn.softmax(big), [0.5, 0.5])
    assert np.isfinite(np.asarray(jnp.nn.softplus(big))).all()


SPECIAL = {
    "expit": (scipy.special.expit, (-5, 5)), "logit": (scipy.special.logit, (0.05, 0.95)),
    "erf": (scipy.special.erf, (-3, 3)), "erfc": (scipy.special.erfc, (-3, 3)),
    "erfinv": (scipy.special.erfinv, (-0.95, 0.95)),
    "gammaln": (scipy.special.gammaln, (0.1, 8)), "digamma": (scipy.special.digamma, (0.1, 8)),
    "gamma": (scipy.special.gamma, (-3.5, 5)), "ndtr": (scipy.special.ndtr, (-4, 4)),
    "ndtri": (scipy.special.ndtri, (0.05, 0.95)), "log_ndtr": (scipy.special.log_ndtr, (-4, 4)),
    "entr": (scipy.special.entr, (0, 3)),
}


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_scipy_special_against_scipy(name):
    fn, (lo, hi) = SPECIAL[name]
    x = rng_for(name).uniform(lo, hi, (3, 5)).astype(np.float32)
    got = getattr(jnp.scipy.special, name)(x)
    assert got.dtype == np.float32
    close(got, fn(x.astype(np.float64)), rtol=1e-4, atol=1e-5)
    assert getattr(jnp.scipy.special, name)(np.array([1], np.int32)).dtype == np.float32


def test_scipy_special_two_argument_and_logsumexp():
    sp = jnp.scipy.special
    x = np.array([0.0, 0.5, 2.0], np.float32)
    y = np.array([0.0, 1.5, 3.0], np.float32)
    close(sp.xlogy(x, y), scipy.special.xlogy(x, y))
    close(sp.xlog1py(x, y), scipy.special.xlog1py(x, y))
    a = rng_for("lse").normal(size=(3, 4)).astype(np.float32)
    for axis in (None, 0, -1, (0, 1)):
        for keepdims in (False, True):
            close(sp.logsumexp(a, axis=axis, keepdims=keepdims),
                  scipy.special.logsumexp(a, axis=axis, keepdims=keepdims), rtol=1e-5)
    b = np.array([1.0, -2.0, 0.5, 1.0], np.float32)
    out, sign = sp.logsumexp(a, axis=1, b=b, return_sign=True)
    want, want_sign = scipy.special.logsumexp(a, axis=1, b=b, return_sign=True)
    close(out, want, rtol=1e-5)
    close(sign, want_sign)
    close(sp.logsumexp(np.array([-np.inf, -np.inf], np.float32)), -np.inf)
    close(sp.softmax(a, axis=1), scipy.special.softmax(a, axis=1))
    close(sp.log_softmax(a, axis=0), scipy.special.log_softmax(a, axis=0), rtol=1e-5)


@pytest.mark.parametrize("ord_", [None, 1, 2, np.inf, -np.inf, 0, 3, 0.5])
def test_linalg_vector_norm(ord_):
    v = rng_for("norm", str(ord_)).normal(size=(7,)).astype(np.float32)
    close(jnp.linalg.norm(v, ord_), np.linalg.norm(v, ord_), rtol=1e-5)
    m = v[:6].reshape(2, 3)
    close(jnp.linalg.norm(m, ord_, axis=1), np.linalg.norm(m, ord_, axis=1), rtol=1e-5)
    close(jnp.linalg.norm(m, ord_, axis=0, keepdims=True),
          np.linalg.norm(m, ord_, axis=0, keepdims=True), rtol=1e-5)


@pytest.mark.parametrize("ord_", [None, "fro", 1, -1, np.inf, -np.inf])
def test_linalg_matrix_norm(ord_):
    m = rng_for("mnorm", str(ord_)).normal(size=(3, 4)).astype(np.float32)
    close(jnp.linalg.norm(m, ord_), np.linalg.norm(m, ord_), rtol=1e-5)
    t = m.reshape(1, 3, 4)
    close(jnp.linalg.norm(t, ord_, axis=(1, 2)), np.linalg.norm(t, ord_, axis=(1, 2)),
          rtol=1e-5)
    c = (m + 1j * m).astype(np.complex64)
    got = jnp.linalg.norm(c, ord_)
    assert got.dtype == np.float32
    close(got, np.linalg.norm(c, ord_), rtol=1e-5)


def test_linalg_issue9_functions_exist():
    # (tested in depth in test_linalg_fft.py)
    close(jnp.linalg.inv(2 * np.eye(2)), 0.5 * np.eye(2), rtol=1e-6)
    close(jnp.linalg.norm(np.eye(2), 2), 1.0, rtol=1e-6)
    with pytest.raises(AttributeError):
        jnp.linalg.not_a_function  # noqa: B018


def test_plugin_module_registers_nothing():
    from plax_numpy import plugin

    class Registry:
        pass

    assert plugin.plax_register_rules(Registry()) is None


# ------------------------------------------------------------------ tracing

def test_functions_work_under_make_jaxpr():
    def f(x, y):
        z = jnp.einsum("ij,jk->ik", jnp.sin(x), y)
        z = jnp.concatenate([z, jnp.zeros_like(z)], axis=0)
        return jnp.nn.softmax(jnp.where(z > 0, z, 0.0)).sum(axis=-1), jnp.linalg.norm(z)

    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = np.ones((3, 2), np.float32)
    eager = f(x, y)
    closed = plax_core.make_jaxpr(f)(x, y)
    for e, s in zip(eager, closed(x, y)):
        close(s, np.asarray(e))
