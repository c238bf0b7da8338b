"""Elementwise primitives: values against NumPy/SciPy/Python oracles, abstract eval,
jaxprs, weak types and errors.

``OPS`` has one row per lax call: the primitive it binds, the dtypes it accepts, how to
draw its arguments and an oracle written here from the definition of the operation
(on float64/complex128 copies of float inputs, on the integers themselves otherwise).
Semantics where XLA differs from NumPy (integer division, shifts, conversions,
rounding) have Python-level oracles and explicit tables below.
"""

from __future__ import annotations

import contextlib
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
import scipy.special as sc

import plax_core
from plax_core import lax, make_jaxpr
from plax_core.config import config
from plax_core.core import Primitive, ShapedArray, get_aval
from plax_core.prims import elementwise as ew
from plax_core.testing import num_generated_cases, random_shapes

BF16 = np.dtype(plax_core.dtypes.bfloat16)
D = np.dtype
BOOL = [D(np.bool_)]
SINT = [D(t) for t in (np.int8, np.int16, np.int32, np.int64)]
UINT = [D(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64)]
INT = SINT + UINT
FLOAT = [BF16, D(np.float16), D(np.float32), D(np.float64)]
COMPLEX = [D(np.complex64), D(np.complex128)]
F32_64 = [D(np.float32), D(np.float64)]
INEXACT = FLOAT + COMPLEX
NUM = INT + INEXACT
ALL = BOOL + NUM
ORDERED = BOOL + INT + FLOAT
X64 = {D(t) for t in (np.int64, np.uint64, np.float64, np.complex128)}


def x64_for(*dts):
    if any(D(d) in X64 for d in dts):
        return config.override(enable_x64=True)
    return contextlib.nullcontext()


def same(dt):
    return dt


def to_bool(dt):
    return D(np.bool_)


def real_of(dt):
    return {D(np.complex64): D(np.float32), D(np.complex128): D(np.float64)}.get(dt, dt)


def complex_of(dt):
    return D(np.complex64) if dt in (D(np.float32), D(np.complex64)) else D(np.complex128)


def wide(x):
    """Float inputs as float64 and complex as complex128 (integers and bools as is)."""
    if x.dtype == BF16 or x.dtype.kind == "f":
        return x.astype(np.float64)
    return x.astype(np.complex128) if x.dtype.kind == "c" else x


def tol(dt):
    if dt in (BF16, D(np.float16)):
        return dict(rtol=2e-2, atol=2e-2)
    if dt == D(np.float32):
        return dict(rtol=2e-5, atol=2e-6)
    if dt == D(np.complex64):
        return dict(rtol=1e-4, atol=1e-5)
    return dict(rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ Python oracles

def wrap(v: int, dt) -> int:
    bits = 8 * D(dt).itemsize
    v &= (1 << bits) - 1
    return v - (1 << bits) if D(dt).kind == "i" and v >> (bits - 1) else v


def pyloop(fn):
    """An oracle applying ``fn(*python_ints, dtype)`` elementwise on integer arrays."""
    def oracle(*xs):
        dt = xs[0].dtype
        xs = np.broadcast_arrays(*xs)
        out = [wrap(fn(*(int(v) for v in vals), dt), dt) for vals in zip(*(x.ravel() for x in xs))]
        return np.array(out, dtype=object).astype(dt).reshape(xs[0].shape)
    return oracle


def c_div(a, b, dt):
    if b == 0:
        return -1
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def c_rem(a, b, dt):
    if b == 0:
        return a
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def _shift(kind):
    def fn(a, b, dt):
        bits = 8 * D(dt).itemsize
        amount = b & ((1 << bits) - 1)                 # the amount as unsigned
        unsigned = a & ((1 << bits) - 1)
        signed = wrap(a, D(f"i{D(dt).itemsize}"))
        if kind == "left":
            return 0 if amount >= bits else unsigned << amount
        if kind == "logical":
            return 0 if amount >= bits else unsigned >> amount
        return signed >> min(amount, bits - 1)
    return fn


def nextafter_oracle(x, y):
    if x.dtype != BF16:
        return np.nextafter(x, y)
    table = np.arange(1 << 16, dtype=np.uint16).view(BF16).astype(np.float64)
    table = np.unique(table[~np.isnan(table)])          # sorted; -0.0 and 0.0 merge
    tiny = table[table > 0][0]
    out = []
    for a, b in zip(x.astype(np.float64).ravel(), y.astype(np.float64).ravel()):
        if np.isnan(a) or np.isnan(b):
            out.append(np.nan)
        elif a == b:
            out.append(b)
        elif a == 0:
            out.append(tiny if b > 0 else -tiny)
        else:
            i = np.searchsorted(table, a)
            out.append(table[i + 1] if b > a else table[i - 1])
    return np.array(out).astype(BF16).reshape(x.shape)


def complex_sign(x):
    mag = np.abs(x)
    return np.where(mag == 0, 0, x / np.where(mag == 0, 1, mag))


def real_or_complex(real_fn, complex_fn):
    return lambda x: complex_fn(x) if x.dtype.kind == "c" else real_fn(x)


# ------------------------------------------------------------------------ the table

@dataclass
class Op:
    id: str                          # test id
    prim: Primitive
    fun: Callable                    # the lax call on array arguments
    dtypes: list                     # dtypes accepted (of the first operand)
    oracle: Callable
    nargs: int = 1
    domain: object = (-3.0, 3.0)     # per-argument list, one range, or "full" (ints)
    out: Callable = same
    arg_dtypes: Callable | None = None   # dtype of the first operand -> all operand dtypes
    raw: bool = False                # oracle gets the arrays unwidened
    exact: bool = False              # compare exactly (always for bool/int results)
    discrete: bool = False           # draw floats from a grid of quarters (ties, equality)
    specials: bool = False           # sprinkle nan/inf/0 into float inputs
    weak_args: tuple = field(default=())  # Python scalars for the weak-type test

    def dtypes_of(self, dt):
        return self.arg_dtypes(dt) if self.arg_dtypes else [dt] * self.nargs

    def domains(self):
        return self.domain if isinstance(self.domain, list) else [self.domain] * self.nargs


def unop(name, dts, oracle, prim=None, fun=None, **kw):
    return Op(name, prim or getattr(ew, f"{name}_p"), fun or getattr(lax, name), dts,
              oracle, **kw)


def binop(name, dts, oracle, prim=None, fun=None, **kw):
    return unop(name, dts, oracle, prim, fun, nargs=2, **kw)


POS = (0.1, 5.0)
UNIT = (-0.9, 0.9)
OPS = [
    unop("neg", NUM, np.negative, domain="full"),
    unop("sign", NUM, real_or_complex(np.sign, complex_sign), specials=True),
    unop("floor", FLOAT, np.floor, discrete=True),
    unop("ceil", FLOAT, np.ceil, discrete=True),
    Op("round[afz]", ew.round_p, lambda x: lax.round(x, lax.RoundingMethod.AWAY_FROM_ZERO),
       FLOAT, lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5), discrete=True),
    Op("round[even]", ew.round_p, lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN),
       FLOAT, np.round, discrete=True),
    unop("is_finite", FLOAT, np.isfinite, out=to_bool, specials=True),
    unop("abs", SINT + INEXACT, np.abs, out=real_of, domain="full"),
    unop("square", NUM, lambda x: x * x, domain="full"),
    Op("integer_pow", ew.integer_pow_p, lambda x: lax.integer_pow(x, 3), NUM,
       lambda x: x * x * x, domain="full"),
    Op("reciprocal", ew.integer_pow_p, lax.reciprocal, INEXACT, lambda x: 1 / x, domain=POS),
    unop("exp", INEXACT, np.exp),
    unop("exp2", INEXACT, lambda x: np.exp(x * np.log(2.0))),
    unop("log", INEXACT, np.log, domain=POS),
    unop("log1p", INEXACT, np.log1p, domain=(-0.8, 3.0)),
    unop("expm1", INEXACT, np.expm1),
    unop("tanh", INEXACT, np.tanh),
    unop("logistic", INEXACT, real_or_complex(sc.expit, lambda x: 1 / (1 + np.exp(-x)))),
    unop("sin", INEXACT, np.sin),
    unop("cos", INEXACT, np.cos),
    unop("tan", INEXACT, np.tan, domain=(-1.2, 1.2)),
    unop("asin", INEXACT, np.arcsin, domain=UNIT),
    unop("acos", INEXACT, np.arccos, domain=UNIT),
    unop("atan", INEXACT, np.arctan),
    unop("sinh", INEXACT, np.sinh),
    unop("cosh", INEXACT, np.cosh),
    unop("asinh", INEXACT, np.arcsinh),
    unop("acosh", INEXACT, np.arccosh, domain=(1.1, 5.0)),
    unop("atanh", INEXACT, np.arctanh, domain=UNIT),
    unop("sqrt", INEXACT, np.sqrt, domain=POS),
    unop("rsqrt", INEXACT, lambda x: 1 / np.sqrt(x), domain=POS),
    unop("cbrt", FLOAT, np.cbrt),
    unop("erf", FLOAT, sc.erf),
    unop("erfc", FLOAT, sc.erfc),
    unop("erf_inv", FLOAT, sc.erfinv, domain=UNIT),
    unop("lgamma", FLOAT, sc.gammaln, domain=POS),
    unop("digamma", FLOAT, sc.psi, domain=POS),
    unop("real", COMPLEX, np.real, out=real_of, weak_args=(1 + 2j,)),
    unop("imag", COMPLEX, np.imag, out=real_of, weak_args=(1 + 2j,)),
    unop("conj", F32_64 + COMPLEX, lambda x: np.conj(x.astype(np.complex128)), out=complex_of),
    Op("not", ew.not_p, lax.bitwise_not, BOOL + INT, np.invert, domain="full"),
    Op("copy", ew.copy_p, ew._array_copy, ALL, lambda x: x, exact=True, domain="full",
       specials=True),
    binop("add", NUM, np.add, domain="full"),
    binop("sub", NUM, np.subtract, domain="full"),
    binop("mul", NUM, np.multiply, domain="full"),
    binop("div", NUM, lambda x, y: pyloop(c_div)(x, y) if x.dtype.kind in "iu" else x / y,
          domain=[(-9.0, 9.0), (-3.0, 3.0)]),
    binop("rem", INT + FLOAT, lambda x, y: (pyloop(c_rem)(x, y) if x.dtype.kind in "iu"
                                            else np.fmod(x, y)),
          domain=[(-9.0, 9.0), (-3.0, 3.0)]),
    binop("pow", INEXACT, np.power, domain=[(0.1, 3.0), (-2.0, 2.0)]),
    binop("max", ALL, np.maximum, discrete=True),
    binop("min", ALL, np.minimum, discrete=True),
    binop("nextafter", FLOAT, nextafter_oracle, raw=True, exact=True, discrete=True,
          specials=True),
    binop("atan2", FLOAT, np.arctan2),
    Op("and", ew.and_p, lax.bitwise_and, BOOL + INT, np.bitwise_and, 2, domain="full"),
    Op("or", ew.or_p, lax.bitwise_or, BOOL + INT, np.bitwise_or, 2, domain="full"),
    Op("xor", ew.xor_p, lax.bitwise_xor, BOOL + INT, np.bitwise_xor, 2, domain="full"),
    binop("shift_left", INT, pyloop(_shift("left")), domain=["full", (-2, 70)]),
    binop("shift_right_logical", INT, pyloop(_shift("logical")), domain=["full", (-2, 70)]),
    binop("shift_right_arithmetic", INT, pyloop(_shift("arith")), domain=["full", (-2, 70)]),
    binop("eq", ALL, np.equal, out=to_bool, discrete=True, specials=True),
    binop("ne", ALL, np.not_equal, out=to_bool, discrete=True, specials=True),
    binop("lt", ORDERED, np.less, out=to_bool, discrete=True, specials=True),
    binop("le", ORDERED, np.less_equal, out=to_bool, discrete=True, specials=True),
    binop("gt", ORDERED, np.greater, out=to_bool, discrete=True, specials=True),
    binop("ge", ORDERED, np.greater_equal, out=to_bool, discrete=True, specials=True),
    binop("complex", F32_64, lambda x, y: x + 1j * y, out=complex_of),
    Op("clamp", ew.clamp_p, lax.clamp, ORDERED,
       lambda lo, x, hi: np.minimum(np.maximum(x, lo), hi), 3, discrete=True),
    Op("select_n", ew.select_n_p, lax.select_n, ALL, lambda p, a, b: np.where(p, b, a), 3,
       arg_dtypes=lambda dt: [D(np.bool_), dt, dt], exact=True, domain="full"),
    Op("select", ew.select_n_p, lax.select, ALL, lambda p, a, b: np.where(p, a, b), 3,
       arg_dtypes=lambda dt: [D(np.bool_), dt, dt], exact=True, domain="full"),
]
OPS_BY_ID = {op.id: op for op in OPS}
CASES = [(op.id, dt) for op in OPS for dt in op.dtypes]
SPECIAL_TESTS = {"convert_element_type", "bitcast_convert_type"}   # tested further down


def draw(rng, shape, dt, domain, discrete=False, specials=False):
    dt = D(dt)
    if dt == np.bool_:
        return rng.random(shape) < 0.5
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = (info.min, info.max) if domain == "full" else domain
        lo, hi = max(int(lo), info.min), min(int(hi), info.max)
        return rng.integers(lo, hi, size=shape, dtype=dt, endpoint=True)
    lo, hi = (-3.0, 3.0) if domain == "full" else domain

    def reals():
        if discrete:
            return rng.integers(int(lo * 4), int(hi * 4) + 1, size=shape) / 4
        return rng.uniform(lo, hi, shape)

    vals = reals() + (1j * reals() if dt.kind == "c" else 0)
    if specials and dt.kind != "c" and vals.size:
        mask = rng.random(shape) < 0.25
        vals = np.where(mask, rng.choice([np.nan, np.inf, -np.inf, 0.0, -0.0], shape), vals)
    with np.errstate(all="ignore"):
        return np.asarray(vals).astype(dt)


def check_against_oracle(op, result, args, out_dt):
    got = np.asarray(result)
    with np.errstate(all="ignore"):
        want = np.asarray(op.oracle(*(args if op.raw else [wide(a) for a in args])))
    if op.exact or out_dt.kind in "biu":
        np.testing.assert_array_equal(wide(got), wide(want.astype(out_dt)))
    else:
        np.testing.assert_allclose(wide(got), want, **tol(out_dt))


@pytest.mark.parametrize("op_id,dtype", CASES, ids=[f"{i}-{d.name}" for i, d in CASES])
def test_op_values_avals_and_jaxpr(op_id, dtype):
    op = OPS_BY_ID[op_id]
    rng = np.random.default_rng(zlib.crc32(f"{op_id}-{dtype.name}".encode()))
    arg_dts = op.dtypes_of(dtype)
    out_dt = op.out(dtype)
    with x64_for(*arg_dts):
        for shape in random_shapes(rng, num_generated_cases()):
            args = [draw(rng, shape, d, dom, op.discrete, op.specials)
                    for d, dom in zip(arg_dts, op.domains())]
            result = op.fun(*args)
            # (a) values
            assert result.shape == shape and result.dtype == out_dt
            check_against_oracle(op, result, args, out_dt)
            # (b) abstract evaluation agrees with the result
            jaxpr = make_jaxpr(op.fun)(*args)
            eqn, = jaxpr.eqns
            expected = ShapedArray(shape, out_dt, False)
            assert get_aval(result) == expected
            assert op.prim.abstract_eval(*map(get_aval, args), **eqn.params) == expected
            # (c) one equation of the primitive with the right output type
            assert eqn.primitive is op.prim
            assert eqn.outvars[0].aval == expected
            assert jaxpr.out_avals == [expected]


@pytest.mark.parametrize("op_id", list(OPS_BY_ID))
def test_op_rejects_other_dtypes(op_id):
    op = OPS_BY_ID[op_id]
    for dt in ALL:
        if dt in op.dtypes:
            continue
        args = [np.zeros((2,), d) for d in op.dtypes_of(dt)]
        with x64_for(dt), pytest.raises(TypeError, match=op.prim.name):
            op.fun(*args)


def _weak_args(op):
    if op.weak_args:
        return op.weak_args
    doms = op.domains()
    if FLOAT[2] in op.dtypes:
        return tuple(float(d[0] + 0.3 * (i + 1) * (d[1] - d[0])) if d != "full" else 1.5
                     for i, d in enumerate(doms))
    return tuple(i + 1 for i in range(op.nargs)) if INT[2] in op.dtypes else ()


@pytest.mark.parametrize("op_id", [op.id for op in OPS if op.nargs <= 2])
def test_op_weak_type_from_python_scalars(op_id):
    op = OPS_BY_ID[op_id]
    args = _weak_args(op)
    if not args:
        pytest.skip("no weakly typed Python scalar fits this operation")
    result = op.fun(*args)
    in_dt = get_aval(args[0]).dtype
    out_dt = op.out(in_dt)
    assert result.dtype == out_dt and result.shape == ()
    assert result.weak_type == (out_dt != np.bool_)
    eqn, = make_jaxpr(op.fun)(*args).eqns
    assert eqn.outvars[0].aval == get_aval(result)
    # Mixed with a strongly typed array, the scalar takes the array's dtype.
    strong = np.full((2,), args[0], in_dt)
    mixed = op.fun(strong, *args[1:])
    assert not mixed.weak_type and mixed.dtype == out_dt and mixed.shape == (2,)


@pytest.mark.parametrize("op_id", list(OPS_BY_ID))
def test_op_rejects_non_arrays(op_id):
    op = OPS_BY_ID[op_id]
    for bad in ("a", None, {"x": 1}, [1.0, 2.0]):
        args = [bad] + [np.zeros((), d) for d in op.dtypes_of(op.dtypes[0])[1:]]
        with pytest.raises(TypeError, match=f"argument 0 has type {type(bad).__name__}"):
            op.fun(*args)


def test_every_primitive_has_a_test_row():
    prims = {v.name for v in vars(ew).values() if isinstance(v, Primitive)}
    covered = {op.prim.name for op in OPS} | SPECIAL_TESTS
    assert prims - covered == set(), f"elementwise primitives without tests: {prims - covered}"
    assert covered - prims == set()


def test_all_exports_exist():
    for name in ew.__all__:
        assert callable(getattr(lax, name)), name


# ------------------------------------------------------------- XLA-specific semantics

def test_integer_div_rem_truncate_and_divide_by_zero_like_xla():
    x = np.array([7, -7, 7, -7, 5, -5, 0, -128, -128, 127], np.int8)
    y = np.array([2, 2, -2, -2, 0, 0, 0, -1, 1, -1], np.int8)
    np.testing.assert_array_equal(lax.div(x, y), [3, -3, -3, 3, -1, -1, -1, -128, -128, -127])
    np.testing.assert_array_equal(lax.rem(x, y), [1, -1, 1, -1, 5, -5, 0, 0, 0, 0])
    u = np.array([7, 7, 0, 255], np.uint8)
    v = np.array([2, 0, 0, 16], np.uint8)
    np.testing.assert_array_equal(lax.div(u, v), [3, 255, 255, 15])   # x / 0 = all ones
    np.testing.assert_array_equal(lax.rem(u, v), [1, 7, 0, 15])       # x % 0 = x


def test_unsigned_neg_wraps_and_sign_of_unsigned():
    u = np.array([0, 1, 200], np.uint8)
    np.testing.assert_array_equal(lax.neg(u), [0, 255, 56])
    np.testing.assert_array_equal(lax.sign(u), [0, 1, 1])
    np.testing.assert_array_equal(lax.abs(np.array([-128, -3], np.int8)), [-128, 3])


def test_round_methods_on_ties():
    x = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999997, -1.7, np.inf, np.nan], np.float32)
    afz = lax.round(x)
    even = lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)
    np.testing.assert_array_equal(afz, [1, 2, 3, -1, -3, 0, -2, np.inf, np.nan])
    np.testing.assert_array_equal(even, [0, 2, 2, -0.0, -2, 0, -2, np.inf, np.nan])
    assert str(make_jaxpr(lambda a: lax.round(a, 1))(x).eqns[0].params["rounding_method"]) in (
        "1", "RoundingMethod.TO_NEAREST_EVEN")
    with pytest.raises(ValueError, match="rounding_method"):
        lax.round(x, 2)


def test_max_min_propagate_nan_and_order_complex_lexicographically():
    x = np.array([1.0, np.nan, 3.0], np.float32)
    y = np.array([np.nan, 2.0, 1.0], np.float32)
    np.testing.assert_array_equal(lax.max(x, y), [np.nan, np.nan, 3.0])
    np.testing.assert_array_equal(lax.min(x, y), [np.nan, np.nan, 1.0])
    a = np.array([1 + 5j, 2 + 0j], np.complex64)
    b = np.array([1 + 2j, 1 + 9j], np.complex64)
    np.testing.assert_array_equal(lax.max(a, b), [1 + 5j, 2 + 0j])
    np.testing.assert_array_equal(lax.min(a, b), [1 + 2j, 1 + 9j])


def test_shifts_out_of_range_amounts():
    x = np.array([-8, -8, -8, 8, 8], np.int32)
    y = np.array([1, 32, -1, 33, 31], np.int32)
    np.testing.assert_array_equal(lax.shift_left(x, y), [-16, 0, 0, 0, 0])
    np.testing.assert_array_equal(lax.shift_right_logical(x, y),
                                  [2147483644, 0, 0, 0, 0])
    np.testing.assert_array_equal(lax.shift_right_arithmetic(x, y), [-4, -1, -1, 0, 0])
    u = np.array([0x80], np.uint8)
    np.testing.assert_array_equal(lax.shift_right_arithmetic(u, np.array([1], np.uint8)),
                                  [0xC0])


def test_nextafter_edge_cases():
    for dt in FLOAT:
        x = np.array([0.0, 0.0, 1.0, 1.0, np.nan], dt)
        y = np.array([1.0, -1.0, 1.0, 2.0, 0.0], dt)
        with x64_for(dt):
            out = np.asarray(lax.nextafter(x, y)).astype(np.float64)
        tiny = float(plax_core.dtypes.finfo(dt).smallest_subnormal)
        np.testing.assert_array_equal(out[:3], [tiny, -tiny, 1.0])
        assert out[3] == 1.0 + float(plax_core.dtypes.finfo(dt).eps) and np.isnan(out[4])


def test_digamma_and_lgamma_at_poles():
    x = np.array([0.0, -1.0, -2.0, -0.5], np.float32)
    d = np.asarray(lax.digamma(x))
    assert np.isnan(d[:3]).all() and np.isclose(d[3], sc.psi(-0.5))
    g = np.asarray(lax.lgamma(x))
    assert np.isinf(g[:3]).all() and np.isclose(g[3], sc.gammaln(-0.5))


def test_integer_pow_exponents_and_errors():
    x = np.array([-2.0, 0.5, 3.0], np.float32)
    for y in (0, 1, 2, 5, -1, -3):
        np.testing.assert_allclose(lax.integer_pow(x, y), x.astype(np.float64) ** y,
                                   rtol=1e-6)
    np.testing.assert_array_equal(lax.integer_pow(np.array([3, 100], np.int8), 2),
                                  [9, 16])                 # 10000 wraps to 16
    with pytest.raises(TypeError, match="Integers cannot be raised to negative powers"):
        lax.integer_pow(np.array([2], np.int32), -1)
    with pytest.raises(TypeError, match="must be a Python int"):
        lax.integer_pow(x, 2.0)
    assert make_jaxpr(lambda a: lax.integer_pow(a, 3))(x).eqns[0].params == {"y": 3}


def test_pow_integer_and_python_exponents():
    x = np.array([0.5, 2.0, 3.0], np.float32)
    out = lax.pow(x, np.array([2, -1, 3], np.int32))
    np.testing.assert_allclose(out, [0.25, 0.5, 27.0])
    assert out.dtype == np.float32
    r = lax.pow(x, 2)
    eqn = make_jaxpr(lambda a: lax.pow(a, 2))(x).eqns[-1]
    assert eqn.invars[1].aval.dtype == np.int32 and r.dtype == np.float32
    assert lax.pow(2.0, 0.5).weak_type
    with pytest.raises(TypeError, match="pow"):
        lax.pow(x, np.ones(3, np.float16))
    with pytest.raises(TypeError, match="pow does not accept dtype int32"):
        lax.pow(np.ones(3, np.int32), 2)


# ----------------------------------------------------------- convert and bitcast

def convert_oracle(x, dst):
    dst = D(dst)
    if x.dtype.kind == "c" and dst.kind != "c":
        x = x.real
    if dst == np.bool_:
        return x != 0
    if dst.kind in "iu" and x.dtype.kind in "iub":
        return np.array([wrap(int(v), dst) for v in x.ravel()], object).astype(dst).reshape(
            x.shape)
    if dst.kind in "iu":
        info = np.iinfo(dst)
        out = []
        for v in x.astype(np.float64).ravel():
            out.append(0 if math.isnan(v) else info.max if v >= info.max else
                       info.min if v <= info.min else math.trunc(v))
        return np.array(out, object).astype(dst).reshape(x.shape)
    with np.errstate(all="ignore"):
        return x.astype(dst)


SPECIAL_FLOATS = [np.nan, np.inf, -np.inf, 1e10, -1e10, 0.5, -0.5, 1.7, -1.7, 2.5, 300.7,
                  -300.7, 0.0, -0.0, 65504.0, 2.0**31, -2.0**31, 2.0**63, 2.0**64]


def convert_inputs(rng, src):
    if src.kind in "fcV" or src == BF16:
        vals = np.array(SPECIAL_FLOATS + list(rng.uniform(-300, 300, 9)))
        if src.kind == "c":
            vals = vals + 1j * rng.uniform(-3, 3, vals.shape)
        with np.errstate(all="ignore"):
            return vals.astype(src)
    info = np.iinfo(src) if src.kind in "iu" else None
    if info is None:
        return rng.random(12) < 0.5
    return np.concatenate([np.array([info.min, info.max, 0, 1], src),
                           rng.integers(info.min, info.max, 12, dtype=src, endpoint=True)])


@pytest.mark.parametrize("src", ALL, ids=lambda d: d.name)
def test_convert_element_type_against_oracle(src):
    rng = np.random.default_rng(src.num)
    for dst in ALL:
        with x64_for(src, dst):
            x = convert_inputs(rng, src)
            out = lax.convert_element_type(x, dst)
            assert get_aval(out) == ShapedArray(x.shape, dst, False)
            np.testing.assert_array_equal(wide(np.asarray(out)), wide(convert_oracle(x, dst)),
                                          err_msg=f"{src} -> {dst}")
            eqn, = make_jaxpr(lambda a, dst=dst: lax.convert_element_type(a, dst))(x).eqns
            assert eqn.primitive is ew.convert_element_type_p
            assert eqn.params["new_dtype"] == dst and eqn.params["weak_type"] is False
            assert ew.convert_element_type_p.abstract_eval(get_aval(x), **eqn.params) == \
                eqn.outvars[0].aval == get_aval(out)


def test_convert_element_type_edge_values():
    f = np.array([1.7, -1.7, np.nan, np.inf, -np.inf, 1e10, -1e10], np.float32)
    np.testing.assert_array_equal(lax.convert_element_type(f, np.int32),
                                  [1, -1, 0, 2**31 - 1, -2**31, 2**31 - 1, -2**31])
    np.testing.assert_array_equal(lax.convert_element_type(f, np.uint8),
                                  [1, 0, 0, 255, 0, 255, 0])
    np.testing.assert_array_equal(lax.convert_element_type(f, np.bool_), [1, 1, 1, 1, 1, 1, 1])
    np.testing.assert_array_equal(
        lax.convert_element_type(np.array([True, False]), np.float32), [1.0, 0.0])
    c = np.array([1.5 + 2j, -2.5 - 1j, 0 + 1j], np.complex64)
    np.testing.assert_array_equal(lax.convert_element_type(c, np.float32), [1.5, -2.5, 0.0])
    np.testing.assert_array_equal(lax.convert_element_type(c, np.int32), [1, -2, 0])
    np.testing.assert_array_equal(lax.convert_element_type(c, np.bool_), [True, True, False])
    # Python scalars are folded: no equation, a concrete strongly typed result.
    out = lax.convert_element_type(2.7, np.int32)
    assert int(out) == 2 and not out.weak_type and out.dtype == np.int32
    assert float(lax.convert_element_type(2**40, np.float32)) == 2.0**40
    assert int(lax.convert_element_type(1e40, np.int32)) == 2**31 - 1
    assert make_jaxpr(lambda: lax.convert_element_type(2.0, np.int32))().eqns == []
    with pytest.raises(TypeError, match="dtype"):
        lax.convert_element_type(f, "float128")
    with pytest.raises(TypeError, match="new_dtype"):
        ew.convert_element_type_p.abstract_eval(get_aval(f), new_dtype="int32",
                                                weak_type=False)
    weak = ew.convert_element_type_p.bind(f, new_dtype=D(np.float16), weak_type=True)
    assert weak.weak_type and weak.dtype == np.float16


BITCAST_DTYPES = INT + FLOAT


@pytest.mark.parametrize("src", BITCAST_DTYPES, ids=lambda d: d.name)
def test_bitcast_convert_type_against_numpy_views(src):
    rng = np.random.default_rng(src.num)
    for dst in BITCAST_DTYPES:
        ratio = dst.itemsize // src.itemsize
        for base in [(), (3,), (2, 0)] if ratio <= 1 else [(ratio,), (2, ratio), (0, ratio)]:
            with x64_for(src, dst):
                x = draw(rng, base, src, "full" if src.kind in "iu" else (-9, 9))
                out = lax.bitcast_convert_type(x, dst)
                c = np.array(x, order="C")
                want = (c.view(dst) if ratio == 1 else c[..., None].view(dst) if ratio < 1
                        else c.view(dst)[..., 0])
                assert out.shape == want.shape and out.dtype == dst
                np.testing.assert_array_equal(np.asarray(out).view(f"u{dst.itemsize}"),
                                              want.view(f"u{dst.itemsize}"))
                eqn, = make_jaxpr(lambda a, d=dst: lax.bitcast_convert_type(a, d))(x).eqns
                assert eqn.outvars[0].aval == get_aval(out) == ShapedArray(want.shape, dst)


def test_bitcast_shapes_and_errors():
    f = np.array([1.0, -2.0], np.float32)
    np.testing.assert_array_equal(lax.bitcast_convert_type(f, np.int32),
                                  f.view(np.int32))
    assert lax.bitcast_convert_type(f, np.uint8).shape == (2, 4)
    assert lax.bitcast_convert_type(np.float32(1.0), np.uint8).shape == (4,)
    back = lax.bitcast_convert_type(lax.bitcast_convert_type(f, np.uint8), np.float32)
    np.testing.assert_array_equal(back, f)
    with pytest.raises(ValueError, match="last dimension must be 4"):
        lax.bitcast_convert_type(np.zeros((2, 3), np.uint8), np.float32)
    for bad in (np.bool_, np.complex64):
        with pytest.raises(TypeError, match="bool or complex"):
            lax.bitcast_convert_type(f, bad)
    with pytest.raises(TypeError, match="bool or complex"):
        lax.bitcast_convert_type(np.zeros(4, np.bool_), np.uint8)
    weak = lax.bitcast_convert_type(1.0, np.int32)
    assert not weak.weak_type and int(weak) == 0x3F800000


# ------------------------------------------------------- select_n, clamp, complex

def test_select_n_integer_which_and_errors():
    which = np.array([0, 1, 2, 2, 5, -1], np.int32)
    cases = [np.full(6, v, np.float32) for v in (10.0, 20.0, 30.0)]
    np.testing.assert_array_equal(lax.select_n(which, *cases), [10, 20, 30, 30, 30, 10])
    np.testing.assert_array_equal(lax.select_n(np.int32(1), *cases), cases[1])
    np.testing.assert_array_equal(lax.select_n(True, cases[0], 1.0), np.ones(6))
    with pytest.raises(TypeError, match="boolean `which` cannot have more than 2"):
        lax.select_n(np.array([True] * 6), *cases)
    with pytest.raises(TypeError, match="must be boolean or integer"):
        lax.select_n(np.zeros(6, np.float32), *cases)
    with pytest.raises(TypeError, match="same shapes"):
        lax.select_n(True, np.zeros(2, np.float32), np.zeros(3, np.float32))
    with pytest.raises(TypeError, match="`which` must be scalar or have the same shape"):
        lax.select_n(np.array([True, False]), np.zeros(3, np.float32), np.ones(3, np.float32))
    with pytest.raises(TypeError, match="same dtypes"):
        lax.select_n(True, np.zeros(3, np.float32), np.zeros(3, np.int32))
    with pytest.raises(ValueError, match="at least one case"):
        lax.select_n(True)


def test_select_broadcasts_scalars_and_keeps_weak_types():
    pred = np.array([True, False, True])
    out = lax.select(pred, np.arange(3, dtype=np.float32), 0.0)
    np.testing.assert_array_equal(out, [0, 0, 2])
    assert out.dtype == np.float32 and not out.weak_type
    assert lax.select(pred, 1.0, 0.0).weak_type and lax.select(pred, 1.0, 0.0).shape == (3,)
    jaxpr = make_jaxpr(lambda p: lax.select(p, 1.0, 0.0))(pred)
    assert [e.primitive.name for e in jaxpr.eqns] == ["broadcast_in_dim"] * 2 + ["select_n"]


def test_clamp_scalar_bounds_weak_types_and_errors():
    x = np.array([-3, 0, 5, 9], np.int16)
    out = lax.clamp(np.int16(0), x, 6)
    np.testing.assert_array_equal(out, [0, 0, 5, 6])
    assert out.dtype == np.int16 and not out.weak_type
    assert lax.clamp(0.0, 2.5, 1.0).weak_type
    eqn, = make_jaxpr(lambda a: lax.clamp(0, a, 6))(x).eqns
    assert [v.aval.shape for v in eqn.invars] == [(), (4,), ()]
    with pytest.raises(TypeError, match=r"clamp requires min.shape == operand.shape"):
        lax.clamp(np.zeros(3, np.int16), x, np.int16(1))
    with pytest.raises(TypeError, match="same dtypes"):
        lax.clamp(np.float32(0), x, np.int16(1))
    with pytest.raises(TypeError, match="clamp does not accept dtype complex64"):
        lax.clamp(0j, np.zeros(2, np.complex64), 1j)


def test_complex_real_imag_conj():
    x, y = np.array([1.0, -2.0], np.float32), np.array([0.5, 3.0], np.float32)
    z = lax.complex(x, y)
    assert z.dtype == np.complex64
    np.testing.assert_array_equal(lax.real(z), x)
    np.testing.assert_array_equal(lax.imag(z), y)
    np.testing.assert_array_equal(lax.conj(z), x - 1j * y)
    np.testing.assert_array_equal(lax.conj(x), x.astype(np.complex64))
    assert make_jaxpr(lax.conj)(x).eqns[0].params == {"input_dtype": D(np.float32)}
    np.testing.assert_array_equal(lax.complex(np.float32(np.inf), np.float32(0)), np.inf)
    for bad in (np.float16, BF16):
        with pytest.raises(TypeError, match="float32/float64"):
            lax.complex(np.zeros(2, bad), np.zeros(2, bad))
        with pytest.raises(TypeError, match="conj does not accept"):
            lax.conj(np.zeros(2, bad))


# ------------------------------------------------- Python scalars, shapes, errors

def test_python_scalars_take_the_array_dtype_weakly():
    x16 = np.ones(3, np.float16)
    out = lax.add(x16, 2.0)
    assert out.dtype == np.float16 and not out.weak_type
    np.testing.assert_array_equal(out, [3, 3, 3])
    both = lax.add(2.0, 3)
    assert both.dtype == np.float32 and both.weak_type and float(both) == 5.0
    assert lax.add(2, 3).dtype == np.int32 and lax.add(2, 3).weak_type
    assert lax.mul(np.ones(2, np.complex64), 2.0).dtype == np.complex64
    assert lax.add(np.uint8(250), 5).dtype == np.uint8
    with pytest.raises(OverflowError, match="Python int 1000 too large to convert to int8"):
        lax.add(np.ones(2, np.int8), 1000)
    with pytest.raises(OverflowError, match="-1 too large to convert to uint8"):
        lax.sub(np.ones(2, np.uint8), -1)
    with pytest.raises(TypeError, match=r"got int32 and a Python float"):
        lax.add(np.ones(2, np.int32), 2.5)
    with pytest.raises(TypeError, match=r"got float32 and a Python complex"):
        lax.add(np.ones(2, np.float32), 1j)
    with pytest.raises(TypeError, match=r"got bool and a Python int"):
        lax.bitwise_and(np.ones(2, np.bool_), 1)
    assert lax.bitwise_and(np.ones(2, np.bool_), True).dtype == np.bool_
    with config.override(enable_x64=True):
        assert lax.add(2.0, 3.0).dtype == np.float64
        assert lax.add(np.ones(2, np.float32), 2.0).dtype == np.float32


def test_zero_dim_operands_broadcast_in_the_lax_function():
    x = np.ones((2, 3), np.float32)
    jaxpr = make_jaxpr(lambda a: lax.add(a, 2.0))(x)
    text = str(jaxpr)
    assert [e.primitive.name for e in jaxpr.eqns] == ["broadcast_in_dim", "add"]
    assert "broadcast_dimensions=() shape=(2, 3)" in text and "2.0:f32[]" in text
    out = lax.sub(np.float32(1), x)
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(out, np.zeros((2, 3)))
    assert make_jaxpr(lambda a, b: lax.mul(a, b))(x, np.float32(2)).eqns[0].primitive.name \
        == "broadcast_in_dim"
    assert [e.primitive.name for e in make_jaxpr(lax.mul)(1.0, 2.0).eqns] == ["mul"]


def test_standard_binary_args():
    x = np.ones((2,), np.int16)
    a, b = ew.standard_binary_args("add", x, 3)
    assert get_aval(b) == ShapedArray((2,), np.int16, True)
    assert a is x
    with pytest.raises(TypeError, match="lax.add: argument 1 has type str"):
        ew.standard_binary_args("add", x, "3")


def test_error_messages_name_the_operation_and_operands():
    x = np.ones(3, np.float32)
    with pytest.raises(TypeError, match=r"add got incompatible shapes for broadcasting: "
                                        r"\(3,\), \(4,\)"):
        lax.add(x, np.ones(4, np.float32))
    with pytest.raises(TypeError, match=r"add requires arguments to have the same dtypes, "
                                        r"got float32, int32 \(plax.numpy.add promotes"):
        lax.add(x, np.ones(3, np.int32))
    with pytest.raises(TypeError, match="sub requires arguments to have the same dtypes"):
        lax.sub(x, np.ones(3, np.float16))
    with pytest.raises(TypeError, match="add does not accept dtype bool"):
        lax.add(np.ones(3, np.bool_), np.ones(3, np.bool_))
    with pytest.raises(TypeError, match="lax.mul: argument 1 has type str"):
        lax.mul(x, "2")
    with pytest.raises(TypeError, match="abs does not accept dtype uint8"):
        lax.abs(np.ones(3, np.uint8))
    with pytest.raises(TypeError, match="lt does not accept dtype complex64"):
        lax.lt(np.ones(2, np.complex64), np.ones(2, np.complex64))
    with pytest.raises(TypeError, match="takes 2 operand"):
        ew.add_p.abstract_eval(get_aval(x))


# ----------------------------------------------------------------- full and friends

def test_full_full_like_zeros_like_array():
    out = lax.full((2, 3), 1.5)
    assert get_aval(out) == ShapedArray((2, 3), np.float32, True)
    np.testing.assert_array_equal(out, np.full((2, 3), 1.5))
    out = lax.full((2,), 7, np.int8)
    assert get_aval(out) == ShapedArray((2,), np.int8, False)
    assert lax.full((), True).dtype == np.bool_
    assert float(lax.full((), 2**40, np.float32)) == 2.0**40
    x = np.arange(6, dtype=np.float16).reshape(2, 3)
    like = lax.full_like(x, 3)
    assert get_aval(like) == ShapedArray((2, 3), np.float16, False)
    np.testing.assert_array_equal(like, np.full((2, 3), 3))
    weak = lax.full_like(lax.add(1.0, 1.0), 0, shape=(4,))
    assert get_aval(weak) == ShapedArray((4,), np.float32, True)
    assert lax.full_like(x, 1, dtype=np.int32, shape=(5,)).dtype == np.int32
    z = lax.zeros_like_array(np.ones((3,), np.complex64))
    assert get_aval(z) == ShapedArray((3,), np.complex64, False)
    np.testing.assert_array_equal(z, np.zeros(3))
    jaxpr = make_jaxpr(lax.zeros_like_array)(x)
    assert [e.primitive.name for e in jaxpr.eqns] == ["broadcast_in_dim"]
    traced = make_jaxpr(lambda v: lax.full((3,), v, np.float32))(np.int32(2))
    assert [e.primitive.name for e in traced.eqns] == ["convert_element_type",
                                                         "broadcast_in_dim"]
    with pytest.raises(TypeError, match="scalar fill_value"):
        lax.full((2,), np.ones(2))
    with pytest.raises(ValueError, match="non-negative"):
        lax.full((-1,), 0.0)
    with pytest.raises(TypeError, match="full"):
        lax.full((2,), "a")
