"""plax_core.ops (NumPy semantics over lax) against NumPy oracles.

Cases are generated over dtypes (Python scalars included, for weak types), shapes
(0-d, empty, broadcasting) and parameters; ``PLAX_NUM_GENERATED_CASES`` sets how many.
Expected dtypes follow JAX: the promotion join (from plax_core.dtypes, itself tested
against JAX's table) plus the per-function rules written out here.
"""

import contextlib
import zlib

import ml_dtypes
import numpy as np
import pytest

import plax_core
from plax_core import dtypes, ops, testing
from plax_core.config import config
from plax_core.core import get_aval

N = testing.num_generated_cases()

BOOL = [np.dtype(np.bool_)]
INTS = [np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64)]
UINTS = [np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64)]
FLOATS = [np.dtype(t) for t in (ml_dtypes.bfloat16, np.float16, np.float32, np.float64)]
COMPLEX = [np.dtype(np.complex64), np.dtype(np.complex128)]
ALL = BOOL + INTS + UINTS + FLOATS + COMPLEX
LOW = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))
PY = [int, float, complex, bool]  # Python scalars (weak, except bool)


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def needs_x64(*kinds):
    return any(isinstance(k, np.dtype) and k.itemsize == 8 and k.kind in "iuf"
               or isinstance(k, np.dtype) and k == np.complex128 for k in kinds)


@contextlib.contextmanager
def x64_if(flag):
    if flag:
        with config.override(enable_x64=True):
            yield
    else:
        yield


def value_of(rng, kind, shape, low=-3, high=3):
    """A NumPy array of ``kind`` (a dtype) or a Python scalar (kind a Python type)."""
    if isinstance(kind, type):
        v = testing.random_array(rng, (), np.dtype(kind), low, high).item()
        if kind is complex:
            return complex(v)
        return kind(v)
    return testing.random_array(rng, shape, kind, low, high)


def put(x):
    return x if type(x) in (bool, int, float, complex) else plax_core.device_put(x)


def compute_dtype(dt):
    return np.dtype(np.float32) if dt in LOW else dt


def oracle(fn, args, dt, out_dt=None):
    """``fn`` on the args cast to ``dt`` (float16/bfloat16 computed in float32)."""
    comp = compute_dtype(dt)
    arrs = [np.asarray(a).astype(comp) if not isinstance(a, np.ndarray) or a.dtype != comp
            else a for a in (np.asarray(x) for x in args)]
    with np.errstate(all="ignore"):
        out = np.asarray(fn(*arrs))
    return out.astype(out_dt or dt)


def check(got, want, dt=None):
    got_np = np.asarray(got)
    assert got_np.shape == want.shape, (got_np.shape, want.shape)
    dt = np.dtype(dt or want.dtype)
    if dt.kind in "biu":
        np.testing.assert_array_equal(got_np, want)
    else:
        tol = testing.tolerance(dt)
        np.testing.assert_allclose(got_np.astype(np.complex128 if dt.kind == "c" else
                                                 np.float64),
                                   want.astype(np.complex128 if dt.kind == "c" else
                                               np.float64), equal_nan=True, **tol)


def broadcastable_shapes(rng, n=2):
    base = testing.random_shapes(rng, 8)[int(rng.integers(0, 8))]
    out = []
    for _ in range(n):
        s = list(base[int(rng.integers(0, len(base) + 1)):]) if base else []
        s = [1 if rng.random() < 0.3 else d for d in s]
        out.append(tuple(s))
    return out


# ------------------------------------------------------------------ promote_args

JAX_PROMOTIONS = [  # (a, b, expected dtype, expected weak) -- from JAX's docs/behaviour
    (np.dtype(np.int8), 1, np.int8, False),
    (np.dtype(np.float16), 1.0, np.float16, False),
    (np.dtype(ml_dtypes.bfloat16), 2, ml_dtypes.bfloat16, False),
    (np.dtype(np.uint8), np.dtype(np.int8), np.int16, False),
    (np.dtype(np.int32), 1.0, np.float32, True),  # i4 v f* = f* (weak)
    (np.dtype(np.bool_), 1, np.int32, True),
    (np.dtype(np.bool_), True, np.bool_, False),
    (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16), np.float32, False),
    (np.dtype(np.int8), 1j, np.complex64, True),
    (np.dtype(np.float32), np.dtype(np.complex64), np.complex64, False),
    (np.dtype(np.uint32), np.dtype(np.int32), np.int32, False),  # x64 off
]


@pytest.mark.parametrize("a,b,want,weak", JAX_PROMOTIONS,
                         ids=[f"{a}-{b!r}" for a, b, *_ in JAX_PROMOTIONS])
def test_promote_args_matches_jax_table(a, b, want, weak):
    x = put(np.ones((2,), a))
    y = b if not isinstance(b, np.dtype) else put(np.ones((2,), b))
    px, py = ops.promote_args("add", x, y)
    for p in (px, py):
        assert get_aval(p).dtype == np.dtype(want)
        assert get_aval(p).weak_type == weak
    out = ops.add(x, y)
    assert out.dtype == np.dtype(want) and out.weak_type == weak


def test_promote_args_python_scalars_stay_weak():
    out = ops.add(1.0, 2)
    assert out.dtype == np.float32 and out.weak_type
    w = ops.multiply(put(np.float16(2)), 3.0)
    assert w.dtype == np.float16 and not w.weak_type
    weak_arr = ops.add(plax_core.device_put(1.5), 1)
    assert weak_arr.weak_type and weak_arr.dtype == np.float32
    with config.override(enable_x64=True):
        assert ops.add(1.0, 2).dtype == np.float64
        assert ops.add(put(np.ones(2, np.int8)), 2).dtype == np.int8


def test_promote_args_broadcasting_error_names_function_and_shapes():
    # elementwise ops raise TypeError, broadcast_shapes ValueError (JAX 0.10.2's classes)
    with pytest.raises(TypeError, match=r"add: incompatible shapes for broadcasting: "
                                        r"\(3,\) and \(4,\)"):
        ops.add(put(np.ones(3, np.float32)), put(np.ones(4, np.float32)))
    with pytest.raises(TypeError, match=r"multiply: incompatible shapes.*\(2, 3\) and "
                                        r"\(3, 2\)"):
        ops.multiply(np.ones((2, 3)), np.ones((3, 2)))
    assert ops.broadcast_shapes((3, 1), (1, 4), ()) == (3, 4)
    with pytest.raises(ValueError, match=r"\(3,\), \(4,\) and \(5,\)"):
        ops.broadcast_shapes((3,), (4,), (5,))


def test_non_array_arguments_are_type_errors():
    with pytest.raises(TypeError, match="add: argument 1 has type str"):
        ops.add(put(np.ones(2, np.float32)), "a")
    with pytest.raises(TypeError, match="dict"):
        ops.negative({})


def test_lists_are_accepted_by_functions():
    out = ops.add([1, 2, 3], 1.5)  # a list is a strong int32 array; i4 v f* = f*
    assert out.dtype == np.float32 and out.weak_type
    np.testing.assert_allclose(np.asarray(out), [2.5, 3.5, 4.5])


# ------------------------------------------------------------------ binary ops

def _floordiv(a, b):
    return np.floor_divide(a, b)


NUMERIC = INTS + UINTS + FLOATS + COMPLEX
REAL = BOOL + INTS + UINTS + FLOATS
INTEGRAL = BOOL + INTS + UINTS

# name -> (ops function, NumPy oracle, allowed dtypes, Python scalars allowed,
#          result dtype rule (None: promoted), nonzero divisor, value range)
BINARY = {
    "add": (ops.add, np.add, ALL, PY, None, False),
    "subtract": (ops.subtract, np.subtract, NUMERIC, [int, float, complex], None, False),
    "multiply": (ops.multiply, np.multiply, ALL, PY, None, False),
    "true_divide": (ops.true_divide, np.true_divide, ALL, PY, "inexact", True),
    "floor_divide": (ops.floor_divide, _floordiv, INTS + UINTS + FLOATS, [int, float],
                     "numeric", True),
    "remainder": (ops.remainder, np.remainder, INTS + UINTS + FLOATS, [int, float],
                  "numeric", True),
    "maximum": (ops.maximum, np.maximum, REAL, PY[:2], None, False),
    "minimum": (ops.minimum, np.minimum, REAL, PY[:2], None, False),
    "equal": (ops.equal, np.equal, ALL, PY, "bool", False),
    "not_equal": (ops.not_equal, np.not_equal, ALL, PY, "bool", False),
    "less": (ops.less, np.less, REAL, PY[:2], "bool", False),
    "less_equal": (ops.less_equal, np.less_equal, REAL, PY[:2], "bool", False),
    "greater": (ops.greater, np.greater, REAL, PY[:2], "bool", False),
    "greater_equal": (ops.greater_equal, np.greater_equal, REAL, PY[:2], "bool", False),
    "bitwise_and": (ops.bitwise_and, np.bitwise_and, INTEGRAL, [int, bool], None, False),
    "bitwise_or": (ops.bitwise_or, np.bitwise_or, INTEGRAL, [int, bool], None, False),
    "bitwise_xor": (ops.bitwise_xor, np.bitwise_xor, INTEGRAL, [int, bool], None, False),
    "logical_and": (ops.logical_and, np.logical_and, ALL, PY, "bool", False),
    "logical_or": (ops.logical_or, np.logical_or, ALL, PY, "bool", False),
    "logical_xor": (ops.logical_xor, np.logical_xor, ALL, PY, "bool", False),
    "power": (ops.power, np.power, INTS + UINTS + FLOATS + COMPLEX, [float], "numeric",
              False),
}


def _expected_dtype(rule, a, b):
    dt, weak = dtypes.result_type(a, b, return_weak_type_flag=True)
    if rule == "bool":
        return np.dtype(bool), False
    if rule == "inexact":
        return ops.to_inexact_dtype(dt), weak
    if rule == "numeric":
        return ops.to_numeric_dtype(dt), weak
    return dt, weak


def _draw_kinds(rng, allowed, py):
    kinds = []
    for _ in range(2):
        if py and rng.random() < 0.25:
            kinds.append(py[int(rng.integers(0, len(py)))])
        else:
            kinds.append(allowed[int(rng.integers(0, len(allowed)))])
    if all(isinstance(k, type) for k in kinds):
        kinds[0] = allowed[int(rng.integers(0, len(allowed)))]
    return kinds


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("case", range(N))
def test_binary_op_against_numpy(name, case):
    fn, np_fn, allowed, py, rule, nonzero = BINARY[name]
    rng = rng_for(name, case)
    if case < len(allowed):  # every dtype with itself first, then random pairs
        kinds = [allowed[case]] * 2
    else:
        kinds = _draw_kinds(rng, allowed, py)
    shapes = broadcastable_shapes(rng)
    with x64_if(needs_x64(*kinds)):
        low, high = (0, 3) if name == "power" else (-3, 3)
        args = [value_of(rng, k, s, low, high) for k, s in zip(kinds, shapes)]
        if nonzero:
            args = [a if i == 0 else _nonzero(a) for i, a in enumerate(args)]
        canon = [a if isinstance(a, (bool, int, float, complex))
                 else dtypes.coerce_to_array(a)[0] for a in args]
        if any(isinstance(k, np.dtype) and k.kind == "u" for k in kinds):
            canon = [abs(a) if type(a) is int else a for a in canon]  # else OverflowError
        want_dt, want_weak = _expected_dtype(rule, *canon)
        if name.startswith("bitwise") and want_dt.kind not in "biu":
            with pytest.raises(TypeError, match=name):  # e.g. int64 v uint64 = float64
                fn(*(put(a) for a in canon))
            return
        if name == "power" and not dtypes.is_inexact(want_dt):
            canon = [canon[0], np.abs(np.asarray(canon[1]))]
        got = fn(*(put(a) for a in canon))
        op_dt = want_dt if rule != "bool" else dtypes.result_type(*canon)
        if rule in ("inexact", "numeric"):
            op_dt = want_dt
        want = oracle(np_fn, canon, op_dt, want_dt)
        assert got.dtype == want_dt, (got.dtype, want_dt)
        assert got.weak_type == want_weak
        check(got, want, want_dt if rule != "bool" else None)


def _nonzero(a):
    if isinstance(a, (bool, int, float, complex)):
        return type(a)(1) if a == 0 else a
    a = np.array(a)
    a[a == 0] = 1
    return a


def test_binary_ops_reject_bool_where_numpy_does():
    b = put(np.array([True, False]))
    with pytest.raises(TypeError, match="subtract"):
        ops.subtract(b, b)
    with pytest.raises(TypeError, match="negative"):
        ops.negative(b)
    with pytest.raises(TypeError, match="bitwise_and"):
        ops.bitwise_and(put(np.ones(2, np.float32)), 1)
    with pytest.raises(TypeError, match="invert"):
        ops.invert(put(np.ones(2, np.float32)))


def test_floor_divide_and_remainder_signs():
    a = put(np.array([7, -7, 7, -7], np.int32))
    b = put(np.array([2, 2, -2, -2], np.int32))
    np.testing.assert_array_equal(np.asarray(ops.floor_divide(a, b)), [3, -4, -4, 3])
    np.testing.assert_array_equal(np.asarray(ops.remainder(a, b)), [1, 1, -1, -1])
    f = put(np.array([7.5, -7.5, 7.5, -7.5], np.float32))
    g = put(np.array([2.0, 2.0, -2.0, -2.0], np.float32))
    np.testing.assert_array_equal(np.asarray(ops.floor_divide(f, g)), [3, -4, -4, 3])
    np.testing.assert_array_equal(np.asarray(ops.remainder(f, g)), [1.5, 0.5, -0.5, -1.5])
    q, r = ops.divmod(a, b)
    np.testing.assert_array_equal(np.asarray(q), [3, -4, -4, 3])
    np.testing.assert_array_equal(np.asarray(r), [1, 1, -1, -1])
    assert ops.true_divide(a, b).dtype == np.float32


@pytest.mark.parametrize("dt", [np.int8, np.int32, np.uint8, np.float16, np.float32,
                                np.complex64])
@pytest.mark.parametrize("exponent", [0, 1, 2, 3, 5])
def test_power_with_python_int_exponent_uses_integer_pow(dt, exponent):
    x = np.arange(-2, 3).astype(dt) if np.dtype(dt).kind != "u" else np.arange(5).astype(dt)
    got = ops.power(put(x), exponent)
    assert got.dtype == np.dtype(dt)
    check(got, oracle(lambda v: v ** exponent, [x], np.dtype(dt)))
    jaxpr = plax_core.make_jaxpr(lambda v: ops.power(v, exponent))(x)
    assert [e.primitive.name for e in jaxpr.eqns] == ["integer_pow"]


def test_power_edge_cases():
    with pytest.raises(ValueError, match="negative integer powers"):
        ops.power(put(np.arange(3, dtype=np.int32)), -1)
    x = put(np.array([2.0, 4.0], np.float32))
    np.testing.assert_allclose(np.asarray(ops.power(x, -1)), [0.5, 0.25])
    base = put(np.array([0, 1, 2, 3, -2], np.int32))
    exp = put(np.array([0, 5, 10, 3, 3], np.int32))
    np.testing.assert_array_equal(np.asarray(ops.power(base, exp)), [1, 1, 1024, 27, -8])
    np.testing.assert_allclose(np.asarray(ops.power(2.0, x)), [4.0, 16.0])


@pytest.mark.parametrize("case", range(N))
def test_shifts_against_numpy(case):
    rng = rng_for("shift", case)
    dt = (INTS + UINTS)[case % 8]
    with x64_if(needs_x64(dt)):
        a = testing.random_array(rng, (5,), dt, 0, 100)
        s = rng.integers(0, 4, size=(5,)).astype(dt)
        check(ops.left_shift(put(a), put(s)), np.left_shift(a, s).astype(dt))
        check(ops.right_shift(put(a), put(s)), np.right_shift(a, s).astype(dt))
        neg = (-a).astype(dt)
        check(ops.right_shift(put(neg), put(s)), np.right_shift(neg, s).astype(dt))


# ------------------------------------------------------------------ unary ops

UNARY = {  # name -> (ops fn, oracle, allowed dtypes)
    "negative": (ops.negative, np.negative, NUMERIC),
    "positive": (ops.positive, np.positive, NUMERIC),
    "invert": (ops.invert, np.invert, INTEGRAL),
    "absolute": (ops.absolute, np.absolute, ALL),
    "conj": (ops.conj, np.conj, NUMERIC + BOOL),
    "real": (ops.real, np.real, ALL),
    "imag": (ops.imag, np.imag, ALL),
    "logical_not": (ops.logical_not, np.logical_not, ALL),
    "round": (ops.round, lambda v: np.round(v), NUMERIC),
    "round_1": (lambda v: ops.round(v, 1), lambda v: np.round(v, 1), FLOATS + COMPLEX),
    "round_-1": (lambda v: ops.round(v, -1), lambda v: np.round(v, -1), INTS + FLOATS),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("case", range(N))
def test_unary_op_against_numpy(name, case):
    fn, np_fn, allowed = UNARY[name]
    rng = rng_for(name, case)
    dt = allowed[case % len(allowed)]
    shape = testing.random_shapes(rng, 6)[case % 6]
    with x64_if(needs_x64(dt)):
        x = testing.random_array(rng, shape, dt, -30 if "round" in name else -3,
                                 30 if "round" in name else 3)
        if name == "round_-1" and dt.kind in "iu":
            x = (x // 5 * 5 + rng.integers(0, 2, size=x.shape) * 5).astype(dt)
        canon = dtypes.coerce_to_array(x)[0]
        got = fn(put(canon))
        out_dt = np.dtype(got.dtype)
        want = oracle(np_fn, [canon], canon.dtype, out_dt)
        if name in ("real", "imag", "absolute") and canon.dtype.kind == "c":
            assert out_dt == {np.dtype(np.complex64): np.float32,
                              np.dtype(np.complex128): np.float64}[canon.dtype]
        elif name == "logical_not":
            assert out_dt == np.bool_
        else:
            assert out_dt == canon.dtype
        check(got, want)


def test_round_halves_to_even():
    x = put(np.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.25], np.float32))
    np.testing.assert_array_equal(np.asarray(ops.round(x)), [0, 2, 2, -0, -2, 0])
    np.testing.assert_allclose(np.asarray(ops.round(x, 1)), np.round(np.asarray(x), 1))
    np.testing.assert_array_equal(np.asarray(ops.round(put(np.array([15, 25, -15],
                                                                    np.int32)), -1)),
                                  [20, 20, -20])


@pytest.mark.parametrize("case", range(N))
def test_clip_against_numpy(case):
    rng = rng_for("clip", case)
    dt = (INTS + FLOATS)[case % 8]
    with x64_if(needs_x64(dt)):
        x = testing.random_array(rng, (4, 3), dt)
        lo, hi = (-1, 2) if case % 2 else (put(np.full((3,), -1, dt)), None)
        got = ops.clip(put(x), lo, hi)
        want = np.clip(x.astype(compute_dtype(dt)), -1, 2 if hi is not None else None)
        assert got.dtype == dtypes.canonicalize_dtype(dt)
        check(got, want.astype(got.dtype))


@pytest.mark.parametrize("src", ALL, ids=str)
def test_astype_to_every_dtype(src):
    rng = rng_for("astype", str(src))
    with config.override(enable_x64=True):
        x = testing.random_array(rng, (5,), src, 0, 3)
        for dst in ALL:
            got = ops.astype(put(x), dst)
            assert got.dtype == dst and not got.weak_type
            want = (x.real if src.kind == "c" and dst.kind != "c" else x).astype(dst)
            check(got, want, dst)
    assert ops.astype(put(np.ones(2, np.float32)), np.float64).dtype == np.float32


# ------------------------------------------------------------------ matmul / dot

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((1, 2, 3), (5, 3, 4)),
                 ((6, 1, 2, 3), (5, 3, 4)), ((0, 3), (3, 2)), ((2, 0), (0, 2)),
                 ((7, 2, 3), (3,)), ((3,), (7, 3, 2))]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES, ids=str)
@pytest.mark.parametrize("dts", [(np.float32, np.float32), (np.int8, np.int32),
                                 (np.float16, np.float32), (np.complex64, np.float32)],
                         ids=str)
def test_matmul_against_numpy(sa, sb, dts):
    rng = rng_for("matmul", sa, sb, dts)
    a = testing.random_array(rng, sa, np.dtype(dts[0]))
    b = testing.random_array(rng, sb, np.dtype(dts[1]))
    got = ops.matmul(put(a), put(b))
    want_dt = dtypes.result_type(a, b)
    assert got.dtype == want_dt
    check(got, oracle(np.matmul, [a, b], want_dt))
    check(ops.dot(put(a), put(b)) if len(sb) <= 2 else got,
          oracle(np.dot if len(sb) <= 2 else np.matmul, [a, b], want_dt))


def test_matmul_errors():
    # JAX 0.10.2's classes: TypeError for contracting sizes, ValueError for rank/batch
    with pytest.raises(TypeError, match=r"matmul: contracting dimensions differ.*\(2, 3\).*"
                                        r"\(4, 5\)"):
        ops.matmul(np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match="at least 1 dimension"):
        ops.matmul(1.0, np.ones(3))
    with pytest.raises(ValueError, match=r"matmul: incompatible shapes.*\(2,\) and \(3,\)"):
        ops.matmul(np.ones((2, 2, 3)), np.ones((3, 3, 4)))
    with pytest.raises(TypeError, match=r"dot: shapes \(2, 3\) and \(4,\) not aligned"):
        ops.dot(np.ones((2, 3)), np.ones(4))
    np.testing.assert_allclose(np.asarray(ops.dot(2.0, np.ones(3))), [2, 2, 2])


def test_matmul_stages_one_dot_general():
    jaxpr = plax_core.make_jaxpr(ops.matmul)(np.ones((2, 3), np.float32),
                                             np.ones((3, 4), np.float32))
    assert [e.primitive.name for e in jaxpr.eqns] == ["dot_general"]


# ------------------------------------------------------------------ reductions

def _sum_dtype(dt):
    if dt.kind == "b":
        return dtypes.default_int_dtype()
    if dt.kind == "i" and dt.itemsize < dtypes.default_int_dtype().itemsize:
        return dtypes.default_int_dtype()
    if dt.kind == "u" and dt.itemsize < dtypes.default_uint_dtype().itemsize:
        return dtypes.default_uint_dtype()
    return dt


def _mean_dtype(dt):
    if dt.kind in "fc" or dt == ml_dtypes.bfloat16:
        return dt
    return dtypes.canonicalize_dtype(np.float64 if dt.itemsize == 8 else np.float32)


def _var_dtype(dt):
    if dt.kind in "biu":
        return dtypes.default_float_dtype()
    return {np.dtype(np.complex64): np.dtype(np.float32),
            np.dtype(np.complex128): np.dtype(np.float64)}.get(dt, dt)


def _np_reduce(np_fn, x, axis, keepdims, dt, **kw):
    comp = compute_dtype(dt) if dt.kind != "c" else dt
    with np.errstate(all="ignore"):
        return np.asarray(np_fn(x.astype(comp) if x.dtype != comp else x, axis=axis,
                                keepdims=keepdims, **kw)).astype(dt)


REDUCTIONS = {  # name -> (ops fn, NumPy fn, dtypes, result dtype rule)
    "sum": (ops.sum, np.sum, ALL, _sum_dtype),
    "prod": (ops.prod, np.prod, ALL, _sum_dtype),
    "max": (ops.max, np.max, REAL, lambda d: d),
    "min": (ops.min, np.min, REAL, lambda d: d),
    "all": (ops.all, np.all, ALL, lambda d: np.dtype(bool)),
    "any": (ops.any, np.any, ALL, lambda d: np.dtype(bool)),
    "mean": (ops.mean, np.mean, ALL, _mean_dtype),
    "var": (ops.var, np.var, ALL, _var_dtype),
    "std": (ops.std, np.std, ALL, _var_dtype),
}


def _random_axis(rng, ndim):
    r = rng.random()
    if r < 0.25 or ndim == 0:
        return None
    if r < 0.6:
        a = int(rng.integers(0, ndim))
        return a - ndim if rng.random() < 0.5 else a
    k = int(rng.integers(0, ndim + 1))
    axes = rng.permutation(ndim)[:k]
    return tuple(int(a) - ndim if rng.random() < 0.5 else int(a) for a in axes)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy: "Mean of empty slice"
@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("case", range(N))
def test_reduction_against_numpy(name, case):
    fn, np_fn, allowed, rule = REDUCTIONS[name]
    rng = rng_for(name, case)
    dt = allowed[case % len(allowed)]
    shape = testing.random_shapes(rng, 8, allow_empty=name not in ("max", "min"))[case % 8]
    axis = _random_axis(rng, len(shape))
    keepdims = bool(rng.random() < 0.5)
    with x64_if(needs_x64(dt)):
        x = dtypes.coerce_to_array(testing.random_array(rng, shape, dt, -2, 2))[0]
        want_dt = rule(x.dtype)
        got = fn(put(x), axis=axis, keepdims=keepdims)
        assert got.dtype == want_dt and not got.weak_type
        if name in ("var", "std"):
            comp = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)
            with np.errstate(all="ignore"):
                want = np.asarray(np_fn(comp, axis=axis, keepdims=keepdims)).astype(want_dt)
        elif name == "mean":
            want = _np_reduce(np_fn, x.astype(want_dt if want_dt.kind == "c"
                                              else np.float64), axis, keepdims,
                              np.dtype(np.float64) if want_dt.kind != "c" else want_dt)
            want = want.astype(want_dt)
        else:
            want = _np_reduce(np_fn, x, axis, keepdims,
                              want_dt if name not in ("all", "any") else x.dtype)
            want = want.astype(want_dt)
        check(got, want, want_dt)


def test_reduction_dtype_argument_and_initial_and_where():
    x = put(np.arange(6, dtype=np.int8).reshape(2, 3))
    assert ops.sum(x).dtype == np.int32
    assert ops.sum(x, dtype=np.float16).dtype == np.float16
    assert ops.mean(x).dtype == np.float32
    assert ops.sum(put(np.ones(3, np.float16))).dtype == np.float16
    np.testing.assert_array_equal(np.asarray(ops.max(x, axis=1, initial=3)), [3, 5])
    np.testing.assert_array_equal(np.asarray(ops.sum(x, axis=0, initial=10)), [13, 15, 17])
    mask = np.array([[True, False, True], [False, True, True]])
    assert int(ops.sum(x, where=mask)) == 0 + 2 + 4 + 5
    assert int(ops.max(x, where=mask, initial=-1)) == 5
    assert float(ops.mean(x, where=mask)) == pytest.approx((0 + 2 + 4 + 5) / 4)
    np.testing.assert_allclose(float(ops.var(put(np.arange(4.0, dtype=np.float32)),
                                             ddof=1)), np.var(np.arange(4.0), ddof=1))


def test_reduction_errors():
    empty = put(np.zeros((0, 3), np.float32))
    with pytest.raises(ValueError, match="zero-size array to reduction operation max which "
                                         "has no identity"):
        ops.max(empty)
    with pytest.raises(ValueError, match="operation min"):
        ops.min(empty, axis=0)
    assert ops.max(empty, axis=1).shape == (0,)
    assert float(ops.sum(empty)) == 0.0
    with pytest.raises(np.exceptions.AxisError):
        ops.sum(put(np.ones(3, np.float32)), axis=1)
    with pytest.raises(ValueError, match="duplicate"):
        ops.sum(put(np.ones((2, 2), np.float32)), axis=(0, -2))
    with pytest.raises(ValueError, match="'initial'"):
        ops.max(put(np.ones((2, 3), np.float32)), where=np.ones((2, 3), bool))
    with pytest.raises(NotImplementedError, match="out"):
        ops.sum(empty, out=np.zeros(3))
    with pytest.raises(ValueError, match="argmax of an empty sequence"):
        ops.argmax(empty)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("case", range(N))
def test_arg_reductions_against_numpy(name, case):
    rng = rng_for(name, case)
    dt = REAL[case % len(REAL)]
    shape = testing.random_shapes(rng, 8, allow_empty=False)[case % 8]
    axis = None if not shape or rng.random() < 0.3 else int(rng.integers(-len(shape),
                                                                         len(shape)))
    keepdims = bool(rng.random() < 0.5)
    with x64_if(needs_x64(dt)):
        x = dtypes.coerce_to_array(testing.random_array(rng, shape, dt))[0]
        got = getattr(ops, name)(put(x), axis=axis, keepdims=keepdims)
        want = getattr(np, name)(x.astype(compute_dtype(x.dtype)), axis=axis,
                                 keepdims=keepdims)
        assert got.dtype == dtypes.default_int_dtype()
        np.testing.assert_array_equal(np.asarray(got), want)


def test_reduce_dispatch():
    x = put(np.arange(6, dtype=np.float32).reshape(2, 3))
    for op in ("sum", "prod", "max", "min", "mean", "var", "std", "all", "any"):
        np.testing.assert_allclose(np.asarray(ops.reduce(op, x, axis=-1)),
                                   getattr(np, op)(np.asarray(x), axis=-1), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(ops.reduce("argmax", x, axis=0)), [1, 1, 1])
    with pytest.raises(ValueError, match="unknown reduction"):
        ops.reduce("median", x)


# ------------------------------------------------------------------ shapes

def test_reshape_transpose_squeeze_expand():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = put(a)
    for shape in [(6, 4), (-1,), (4, -1), (2, 3, 4), (24, 1)]:
        np.testing.assert_array_equal(np.asarray(ops.reshape(x, shape)), a.reshape(shape))
    with pytest.raises(TypeError, match=r"reshape.*\(2, 3, 4\).*\(5, -1\)"):
        ops.reshape(x, (5, -1))
    with pytest.raises(TypeError, match="cannot reshape"):
        ops.reshape(x, (5, 5))
    with pytest.raises(NotImplementedError, match="order"):
        ops.reshape(x, (24,), order="F")
    for axes in [None, (1, 0, 2), (-1, 0, 1)]:
        np.testing.assert_array_equal(np.asarray(ops.transpose(x, axes)),
                                      np.transpose(a, axes))
    with pytest.raises(TypeError, match="permutation"):  # JAX's class
        ops.transpose(x, (0, 0, 1))
    np.testing.assert_array_equal(np.asarray(ops.swapaxes(x, 0, -1)), np.swapaxes(a, 0, -1))
    np.testing.assert_array_equal(np.asarray(ops.moveaxis(x, 0, -1)), np.moveaxis(a, 0, -1))
    np.testing.assert_array_equal(np.asarray(ops.moveaxis(x, (0, 1), (2, 0))),
                                  np.moveaxis(a, (0, 1), (2, 0)))
    y = put(a.reshape(2, 1, 3, 1, 4))
    assert ops.squeeze(y).shape == (2, 3, 4)
    assert ops.squeeze(y, axis=-2).shape == (2, 1, 3, 4)
    with pytest.raises(ValueError, match="squeeze"):
        ops.squeeze(y, axis=0)
    assert ops.expand_dims(x, (0, -1)).shape == (1, 2, 3, 4, 1)
    assert ops.ravel(x).shape == (24,)
    assert ops.broadcast_to(put(np.ones(3)), (2, 3)).shape == (2, 3)
    with pytest.raises(ValueError, match="broadcast_to"):
        ops.broadcast_to(put(np.ones(3)), (3, 2))


# ------------------------------------------------------------------ indexing

def _random_index(rng, ndim):
    items = []
    real = 0
    use_ellipsis = rng.random() < 0.3
    while real < ndim and rng.random() < 0.85:
        r = rng.random()
        if r < 0.15:
            items.append(None)
            continue
        if r < 0.45:
            items.append(int(rng.integers(-4, 4)))
        else:
            def bound():
                return None if rng.random() < 0.3 else int(rng.integers(-6, 7))
            step = None if rng.random() < 0.3 else int(rng.choice([-3, -2, -1, 1, 2, 3]))
            items.append(slice(bound(), bound(), step))
        real += 1
    if use_ellipsis:
        items.insert(int(rng.integers(0, len(items) + 1)), Ellipsis)
    if len(items) == 1 and rng.random() < 0.5:
        return items[0]
    return tuple(items)


def _jax_clamped(idx, shape):
    """NumPy's index with JAX's rule for static ints: count from the end once, then clamp
    into the axis (an int on an empty axis stays, and still raises)."""
    items = list(idx) if isinstance(idx, tuple) else [idx]
    n_real = sum(i is not None and i is not Ellipsis for i in items)
    if Ellipsis in items:
        k = items.index(Ellipsis)
        items[k:k + 1] = [slice(None)] * max(len(shape) - n_real, 0)
    out, dim = [], 0
    for it in items:
        if isinstance(it, int) and dim < len(shape) and shape[dim]:
            it = min(max(it + shape[dim] if it < 0 else it, 0), shape[dim] - 1)
        dim += it is not None
        out.append(it)
    return tuple(out)


@pytest.mark.parametrize("case", range(4 * N))
def test_basic_indexing_against_numpy(case):
    rng = rng_for("getitem", case)
    shape = [(), (5,), (4, 3), (3, 0, 2), (2, 3, 4), (1, 5, 2, 3)][case % 6]
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    x = put(a)
    idx = _random_index(rng, len(shape))
    try:
        want = a[_jax_clamped(idx, shape)]
    except IndexError:
        with pytest.raises(IndexError):
            ops.getitem(x, idx)
        return
    got = ops.getitem(x, idx)
    assert got.shape == want.shape, idx
    np.testing.assert_array_equal(np.asarray(got), want)


def test_indexing_errors():
    x = put(np.arange(6, dtype=np.float32).reshape(2, 3))
    # out-of-bounds static ints clamp, as in JAX (x[0, 5] is x[0, 2]; x[-3] is x[0])
    assert float(ops.getitem(x, (0, 5))) == 2.0
    np.testing.assert_array_equal(np.asarray(ops.getitem(x, -3)), [0, 1, 2])
    with pytest.raises(IndexError, match="index 0 is out of bounds for axis 0 with size 0"):
        ops.getitem(put(np.zeros((0, 3), np.float32)), 0)
    with pytest.raises(IndexError, match="too many indices for array: array is "
                                         "2-dimensional, but 3 were indexed"):
        ops.getitem(x, (0, 0, 0))
    with pytest.raises(IndexError, match="single ellipsis"):
        ops.getitem(x, (Ellipsis, Ellipsis))
    np.testing.assert_array_equal(np.asarray(ops.getitem(x, ([0, 1], 3))), [2, 5])
    with pytest.raises(TypeError, match="Indexer must have integer or boolean type"):
        ops.getitem(x, 1.5)
    with pytest.raises(IndexError, match="only integers"):
        ops.getitem(x, object())


def test_indexing_with_integer_arrays_and_traced_scalars():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    x = put(a)
    np.testing.assert_array_equal(np.asarray(ops.getitem(x, np.int32(-1))), a[-1])
    np.testing.assert_array_equal(np.asarray(ops.getitem(x, put(np.int32(1)))), a[1])
    closed = plax_core.make_jaxpr(lambda v, i: ops.getitem(v, (i, slice(None, None, -1))))(
        a, np.int32(0))
    for i in (-3, -1, 0, 2):
        out, = closed(a, np.int32(i))
        np.testing.assert_array_equal(np.asarray(out), a[i, ::-1])


def test_indexing_stages_slice_rev_reshape():
    jaxpr = plax_core.make_jaxpr(lambda v: ops.getitem(v, (1, slice(None, None, -2))))(
        np.ones((2, 3), np.float32))
    assert [e.primitive.name for e in jaxpr.eqns] == ["rev", "slice", "reshape"]
    jaxpr = plax_core.make_jaxpr(lambda v: ops.getitem(v, ...))(np.ones((2, 3), np.float32))
    assert jaxpr.eqns == []


# ------------------------------------------------------------------ tracing

def test_ops_work_on_tracers_and_stage():
    def f(x, y):
        z = ops.add(ops.multiply(x, 2.0), y)
        return ops.mean(ops.getitem(z, (slice(None), 0)), keepdims=True)

    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = np.ones((3,), np.float32)
    closed = plax_core.make_jaxpr(f)(x, y)
    out, = closed(x, y)
    np.testing.assert_allclose(np.asarray(out), np.mean((x * 2 + y)[:, 0], keepdims=True))
    assert np.asarray(f(put(x), put(y))).shape == (1,)
