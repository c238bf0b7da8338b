"""Every core primitive under ``check_grads``: orders 1 and 2, forward and reverse.

``OPS`` has one row per differentiable use of a primitive: the function to check, a
generator of its arguments (kept away from kinks and poles), and the dtypes to try.
Elementwise rows run over generated shapes (``PLAX_NUM_GENERATED_CASES``), including
0-d and empty ones.  ``NONDIFF`` rows cover the primitives whose outputs are integers
or booleans: their tangents must be float0 zeros.  ``test_every_primitive_checked``
fails when core gains a primitive that neither table exercises.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import plax_autodiff as ad
import plax_core
from plax_autodiff.test_util import check_grads
from plax_core import lax
from plax_core.config import config
from plax_core.testing import num_generated_cases, random_shapes

F32, F64, C64, C128 = (np.dtype(t) for t in (np.float32, np.float64, np.complex64,
                                            np.complex128))
P = {name[:-2]: v for name, v in vars(lax).items() if name.endswith("_p")}


# ------------------------------------------------------------------ generators

def uniform(lo, hi):
    def gen(rng, shape, dtype):
        x = rng.uniform(lo, hi, shape)
        if np.dtype(dtype).kind == "c":
            x = x + 1j * rng.uniform(lo, hi, shape)
        return np.asarray(x).astype(dtype)
    return gen


def away_from_zero(lo=0.3, hi=2.0):
    def gen(rng, shape, dtype):
        x = rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)
        if np.dtype(dtype).kind == "c":
            x = x + 1j * rng.uniform(lo, hi, shape)
        return np.asarray(x).astype(dtype)
    return gen


def off_grid(rng, shape, dtype):
    """Away from the integers and the half-integers (floor, ceil, round jump there)."""
    return (rng.integers(-3, 3, shape) + rng.uniform(0.1, 0.4, shape)).astype(dtype)


def unary(gen):
    return lambda rng, shape, dtype: (gen(rng, shape, dtype),)


def binary(gen_x, gen_y):
    return lambda rng, shape, dtype: (gen_x(rng, shape, dtype), gen_y(rng, shape, dtype))


def distinct(rng, shape, dtype):
    """Two arrays that never tie (max/min are not differentiable at ties)."""
    x = rng.uniform(-2, 2, shape)
    gap = rng.uniform(0.2, 1.0, shape) * rng.choice([-1.0, 1.0], shape)
    return x.astype(dtype), (x + gap).astype(dtype)


def rem_args(rng, shape, dtype):
    y = rng.uniform(0.7, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
    x = (rng.integers(-3, 3, shape) + rng.uniform(0.2, 0.8, shape)) * y
    return x.astype(dtype), y.astype(dtype)


def clamp_args(rng, shape, dtype):
    x = rng.uniform(0.2, 0.8, shape) * rng.choice([-1.0, 1.0], shape)
    x = x + np.sign(x) * rng.choice([0.0, 1.0], shape)            # inside or outside [-1, 1]
    return np.asarray(-1.0, dtype), x.astype(dtype), np.asarray(1.0, dtype)


# ------------------------------------------------------------------------ table

@dataclass
class Op:
    name: str                        # the primitive checked
    fun: Callable
    args: Callable                   # (rng, shape, dtype) -> tuple of arrays
    dtypes: tuple = (F64,)
    shapes: tuple | None = None      # None: generated shapes (elementwise)
    tol: float | None = None

    def id(self, i=""):
        return f"{self.name}{i}"


def _integer_pow(y):
    return lambda x: lax.integer_pow(x, y)


def _select_two(which):
    return lambda x, y: lax.select_n(which, x, y)


REAL_C = (F64, C128)

OPS = [
    Op("neg", lax.neg, unary(uniform(-3, 3)), REAL_C),
    Op("sign", lax.sign, unary(away_from_zero())),
    Op("floor", lax.floor, unary(off_grid)),
    Op("ceil", lax.ceil, unary(off_grid)),
    Op("round", lax.round, unary(off_grid)),
    Op("round", lambda x: lax.round(x, 1), unary(off_grid)),
    Op("abs", lax.abs, unary(away_from_zero()), REAL_C),
    Op("square", lax.square, unary(uniform(-3, 3)), REAL_C),
    Op("integer_pow", _integer_pow(0), unary(uniform(-2, 2))),
    Op("integer_pow", _integer_pow(1), unary(uniform(-2, 2))),
    Op("integer_pow", _integer_pow(3), unary(uniform(-2, 2)), REAL_C),
    Op("integer_pow", _integer_pow(-2), unary(away_from_zero(0.5, 2.0))),
    Op("exp", lax.exp, unary(uniform(-2, 2)), REAL_C),
    Op("exp2", lax.exp2, unary(uniform(-2, 2))),
    Op("log", lax.log, unary(uniform(0.3, 3)), REAL_C),
    Op("log1p", lax.log1p, unary(uniform(-0.7, 3))),
    Op("expm1", lax.expm1, unary(uniform(-2, 2))),
    Op("tanh", lax.tanh, unary(uniform(-2, 2)), REAL_C),
    Op("logistic", lax.logistic, unary(uniform(-3, 3))),
    Op("sin", lax.sin, unary(uniform(-3, 3)), REAL_C),
    Op("cos", lax.cos, unary(uniform(-3, 3)), REAL_C),
    Op("tan", lax.tan, unary(uniform(-1.2, 1.2))),
    Op("asin", lax.asin, unary(uniform(-0.9, 0.9))),
    Op("acos", lax.acos, unary(uniform(-0.9, 0.9))),
    Op("atan", lax.atan, unary(uniform(-3, 3))),
    Op("sinh", lax.sinh, unary(uniform(-2, 2))),
    Op("cosh", lax.cosh, unary(uniform(-2, 2))),
    Op("asinh", lax.asinh, unary(uniform(-3, 3))),
    Op("acosh", lax.acosh, unary(uniform(1.2, 3))),
    Op("atanh", lax.atanh, unary(uniform(-0.8, 0.8))),
    Op("sqrt", lax.sqrt, unary(uniform(0.3, 3)), REAL_C),
    Op("rsqrt", lax.rsqrt, unary(uniform(0.3, 3))),
    Op("cbrt", lax.cbrt, unary(away_from_zero())),
    Op("erf", lax.erf, unary(uniform(-2, 2))),
    Op("erfc", lax.erfc, unary(uniform(-2, 2))),
    Op("erf_inv", lax.erf_inv, unary(uniform(-0.8, 0.8))),
    Op("lgamma", lax.lgamma, unary(uniform(0.5, 4))),
    Op("digamma", lax.digamma, unary(uniform(0.5, 4))),
    Op("digamma", lax.digamma, unary(uniform(-1.8, -1.2))),
    Op("real", lax.real, unary(uniform(-2, 2)), (C128,)),
    Op("imag", lax.imag, unary(uniform(-2, 2)), (C128,)),
    Op("conj", lax.conj, unary(uniform(-2, 2)), REAL_C),
    Op("copy", lambda x: P["copy"].bind(x), unary(uniform(-2, 2)), REAL_C),
    Op("convert_element_type",
       lambda x: lax.convert_element_type(lax.mul(lax.convert_element_type(x, C128), 2.0),
                                          F64),
       unary(uniform(-2, 2))),
    Op("convert_element_type",
       lambda x: lax.convert_element_type(lax.convert_element_type(x, F32), F64),
       unary(uniform(-2, 2)), tol=1e-2),
    Op("add", lax.add, binary(uniform(-2, 2), uniform(-2, 2)), REAL_C),
    Op("sub", lax.sub, binary(uniform(-2, 2), uniform(-2, 2)), REAL_C),
    Op("mul", lax.mul, binary(uniform(-2, 2), uniform(-2, 2)), REAL_C),
    Op("div", lax.div, binary(uniform(-2, 2), away_from_zero(0.5, 2)), REAL_C),
    Op("rem", lax.rem, rem_args),
    Op("pow", lax.pow, binary(uniform(0.3, 2), uniform(-2, 2)), REAL_C),
    Op("pow", lambda x: lax.pow(x, np.array(3, np.int32)), unary(uniform(-2, 2))),
    Op("pow", lambda x: lax.pow(x, np.array(-2, np.int32)), unary(away_from_zero())),
    Op("max", lax.max, distinct),
    Op("min", lax.min, distinct),
    Op("atan2", lax.atan2, binary(away_from_zero(), away_from_zero())),
    Op("clamp", lax.clamp, clamp_args),
    Op("complex", lax.complex, binary(uniform(-2, 2), uniform(-2, 2))),
    Op("select_n", _select_two(True), binary(uniform(-2, 2), uniform(-2, 2)), REAL_C),
    # (stop_gradient of a value that does not vary, so finite differences agree)
    Op("stop_gradient", lambda x: lax.add(x, plax_core.ad_util.stop_gradient(lax.mul(x, 0.0))),
       unary(uniform(-2, 2))),
]


def _fixed(name, fun, *shapes, dtypes=(F64,), tol=None, gen=uniform(-2, 2)):
    def args(rng, _shape, dtype):
        return tuple(gen(rng, s, dtype) for s in shapes)
    return Op(name, fun, args, dtypes, shapes=((),), tol=tol)


def _dot(dims):
    return lambda a, b: lax.dot_general(a, b, dims)


OPS += [
    _fixed("select_n", lambda x, y, z: lax.select_n(np.array([[0, 2, 1], [2, 1, 0]], np.int32),
                                                    x, y, z), (2, 3), (2, 3), (2, 3)),
    _fixed("select_n", lambda x, y: lax.select_n(
        np.array([[True, False, True], [False, False, True]]), x, y), (2, 3), (2, 3)),
    _fixed("broadcast_in_dim", lambda x: lax.broadcast_in_dim(x, (2, 3, 4), (1,)), (3,)),
    _fixed("broadcast_in_dim", lambda x: lax.broadcast_in_dim(x, (2, 3, 4), (1, 2)), (3, 1)),
    _fixed("broadcast_in_dim", lambda x: lax.broadcast_in_dim(x, (2, 3), ()), ()),
    _fixed("reshape", lambda x: lax.reshape(x, (6, 2)), (3, 4)),
    _fixed("reshape", lambda x: lax.reshape(x, (4, 3), dimensions=(1, 0)), (3, 4)),
    _fixed("squeeze", lambda x: lax.squeeze(x, (1, 3)), (2, 1, 3, 1)),
    _fixed("expand_dims", lambda x: lax.expand_dims(x, (0, 2)), (2, 3)),
    _fixed("transpose", lambda x: lax.transpose(x, (2, 0, 1)), (2, 3, 4)),
    _fixed("rev", lambda x: lax.rev(x, (0, 2)), (2, 3, 4)),
    _fixed("slice", lambda x: lax.slice(x, (1, 0), (4, 3)), (5, 4)),
    _fixed("slice", lambda x: lax.slice(x, (0, 1), (5, 4), (2, 2)), (5, 4)),
    _fixed("dynamic_slice", lambda x: lax.dynamic_slice(x, (1, 2), (2, 2)), (5, 4)),
    _fixed("dynamic_slice", lambda x: lax.dynamic_slice(x, (np.int32(4), np.int32(-1)),
                                                        (3, 2)), (5, 4)),
    _fixed("dynamic_update_slice", lambda x, u: lax.dynamic_update_slice(x, u, (1, 1)),
           (5, 4), (2, 3)),
    _fixed("dynamic_update_slice", lambda x, u: lax.dynamic_update_slice(x, u, (4, 0)),
           (5, 4), (3, 4)),
    _fixed("pad", lambda x, v: lax.pad(x, v, [(1, 2, 1), (-1, 0, 2)]), (4, 3), ()),
    _fixed("pad", lambda x, v: lax.pad(x, v, [(0, -2, 0)]), (5,), ()),
    _fixed("concatenate", lambda x, y, z: lax.concatenate([x, y, z], 0), (2, 3), (4, 3),
           (1, 3)),
    _fixed("concatenate", lambda x, y: lax.concatenate([x, y], 1), (2, 1), (2, 3)),
    _fixed("reduce_sum", lambda x: lax.reduce_sum(x, (0, 1)), (3, 4), dtypes=REAL_C),
    _fixed("reduce_sum", lambda x: lax.reduce_sum(x, (1,)), (3, 4)),
    _fixed("reduce_max", lambda x: lax.reduce_max(x, (1,)), (3, 4)),
    _fixed("reduce_max", lambda x: lax.reduce_max(x, (0, 1)), (3, 4)),
    _fixed("reduce_min", lambda x: lax.reduce_min(x, (0,)), (3, 4)),
    _fixed("reduce_prod", lambda x: lax.reduce_prod(x, (0,)), (5, 2), gen=away_from_zero()),
    _fixed("reduce_prod", lambda x: lax.reduce_prod(x, (0, 1)), (3, 2), dtypes=REAL_C),
    _fixed("reduce_prod", lambda x: lax.reduce_prod(x, (1,)), (2, 0)),
    _fixed("dot_general", _dot((((1,), (0,)), ((), ()))), (3, 4), (4,), dtypes=REAL_C),
    _fixed("dot_general", _dot((((1,), (0,)), ((), ()))), (3, 4), (4, 2)),
    _fixed("dot_general", _dot((((0,), (1,)), ((), ()))), (4, 3), (2, 4)),
    _fixed("dot_general", _dot((((2,), (1,)), ((0,), (0,)))), (2, 3, 4), (2, 4, 5)),
    _fixed("dot_general", _dot((((1, 3), (2, 0)), ((0,), (1,)))), (2, 3, 4, 5),
           (5, 2, 3, 6)),
    _fixed("dot_general", _dot((((), ()), ((), ()))), (2,), (3,)),
    _fixed("dot_general", lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((), ())),
                                                       preferred_element_type=np.float64),
           (3, 4), (4, 2), dtypes=(F32,), tol=2e-2),
]


def _shapes_for(op):
    if op.shapes is not None:
        return list(op.shapes)
    rng = np.random.default_rng(zlib.crc32(op.name.encode()))
    return random_shapes(rng, max(num_generated_cases(), 3))


CASES = [pytest.param(op, shape, dtype, id=f"{op.id(i)}-{shape}-{dtype.name}")
         for i, op in enumerate(OPS) for shape in _shapes_for(op) for dtype in op.dtypes]


@pytest.mark.parametrize("op,shape,dtype", CASES)
def test_check_grads(op, shape, dtype):
    rng = np.random.default_rng(zlib.crc32(f"{op.name}{shape}{dtype}".encode()))
    with config.override(enable_x64=True):
        args = op.args(rng, shape, dtype)
        check_grads(op.fun, args, order=2, modes=("fwd", "rev"), atol=op.tol, rtol=op.tol)


F32_OPS = [op for op in OPS if op.name in ("sin", "mul", "tanh", "dot_general", "reduce_max",
                                           "log", "pad", "div")]


@pytest.mark.parametrize("op", F32_OPS, ids=[op.name for op in F32_OPS])
def test_check_grads_float32(op):
    rng = np.random.default_rng(0)
    args = op.args(rng, (3,) if op.shapes is None else (), F32)
    check_grads(op.fun, args, order=1, modes=("fwd", "rev"), atol=5e-2, rtol=5e-2)


# -------------------------------------------------------- non-differentiable outputs

I32 = np.dtype(np.int32)


def _ints(*shapes):
    def gen(rng):
        return tuple(rng.integers(-5, 5, s).astype(I32) for s in shapes)
    return gen


def _floats(*shapes):
    def gen(rng):
        return tuple(rng.uniform(-2, 2, s).astype(np.float32) for s in shapes)
    return gen


def _bools(*shapes):
    def gen(rng):
        return tuple(rng.random(s) < 0.5 for s in shapes)
    return gen


NONDIFF = [
    ("eq", lax.eq, _floats(3, 3)), ("ne", lax.ne, _floats(3, 3)),
    ("lt", lax.lt, _floats(3, 3)), ("le", lax.le, _floats(3, 3)),
    ("gt", lax.gt, _floats(3, 3)), ("ge", lax.ge, _floats(3, 3)),
    ("is_finite", lax.is_finite, _floats(3)),
    ("argmax", lambda x: lax.argmax(x, 0, np.int32), _floats((4, 2))),
    ("argmin", lambda x: lax.argmin(x, 1, np.int32), _floats((4, 2))),
    ("and", lax.bitwise_and, _ints(3, 3)), ("or", lax.bitwise_or, _bools(3, 3)),
    ("xor", lax.bitwise_xor, _ints(3, 3)), ("not", lax.bitwise_not, _bools(3)),
    ("shift_left", lax.shift_left, _ints(3, 3)),
    ("shift_right_logical", lax.shift_right_logical, _ints(3, 3)),
    ("shift_right_arithmetic", lax.shift_right_arithmetic, _ints(3, 3)),
    ("reduce_and", lambda x: lax.reduce_and(x, (0,)), _bools(4)),
    ("reduce_or", lambda x: lax.reduce_or(x, (0,)), _bools(4)),
    ("reduce_xor", lambda x: lax.reduce_xor(x, (0,)), _ints(4)),
    ("bitcast_convert_type", lambda x: lax.bitcast_convert_type(x, np.int32),
     lambda rng: (rng.uniform(-2, 2, 3).astype(np.float32),)),
    ("convert_element_type", lambda x: lax.convert_element_type(x, np.int32), _floats(3)),
    ("sign", lax.sign, _ints(3)), ("neg", lax.neg, _ints(3)), ("add", lax.add, _ints(3, 3)),
    ("max", lax.max, _ints(3, 3)),
    ("iota", lambda x: lax.add(x, lax.iota(np.int32, 3)), _ints(3)),
]


@pytest.mark.parametrize("name,fun,gen", NONDIFF, ids=[r[0] for r in NONDIFF])
def test_nondifferentiable_outputs_have_float0_tangents(name, fun, gen):
    args = gen(np.random.default_rng(1))
    tangents = tuple(np.zeros(a.shape, ad.float0) if a.dtype.kind in "iub"
                     else np.ones_like(a) for a in args)
    out, t_out = ad.jvp(fun, args, tangents)
    assert t_out.dtype == ad.float0 and t_out.shape == np.shape(out)
    out, vjp_fun = ad.vjp(fun, *args)
    cts = vjp_fun(np.zeros(np.shape(out), ad.float0))
    for a, ct in zip(args, cts):
        expected = ad.float0 if a.dtype.kind in "iub" else a.dtype
        assert np.asarray(ct).dtype == expected
        if expected != ad.float0:
            np.testing.assert_array_equal(np.asarray(ct), 0)


# ------------------------------------------------------------------ edge cases

def test_abs_at_zero_is_one():
    assert float(ad.grad(lax.abs)(0.0)) == 1.0
    assert float(ad.grad(lax.abs)(-0.0)) == 1.0


def test_sqrt_at_zero_under_where_is_nan_like_jax():
    def f(x):
        return lax.select(lax.gt(x, 0.0), lax.sqrt(x), lax.full_like(x, 0.0))
    assert np.isnan(float(ad.grad(f)(0.0)))

    def safe(x):       # the double-where trick gives 0
        pos = lax.gt(x, 0.0)
        return lax.select(pos, lax.sqrt(lax.select(pos, x, lax.full_like(x, 1.0))),
                          lax.full_like(x, 0.0))
    assert float(ad.grad(safe)(0.0)) == 0.0


def test_integer_pow_at_zero_is_exact():
    assert float(ad.grad(lambda x: lax.integer_pow(x, 2))(0.0)) == 0.0
    assert float(ad.grad(lambda x: lax.integer_pow(x, 1))(0.0)) == 1.0
    assert float(ad.grad(lambda x: lax.integer_pow(x, 0))(0.0)) == 0.0
    assert float(ad.grad(ad.grad(lambda x: lax.integer_pow(x, 3)))(0.0)) == 0.0


def test_pow_with_integer_exponent_at_zero():
    x = np.float32(0.0)
    y = np.array(2, np.int32)
    assert float(ad.grad(lambda x: lax.pow(x, y))(x)) == 0.0
    assert float(ad.grad(lambda x: lax.pow(x, np.array(0, np.int32)))(x)) == 0.0
    assert float(ad.grad(lambda x: lax.pow(x, 1.0))(x)) == 1.0
    assert float(ad.grad(lambda y: lax.pow(0.0, y))(2.0)) == 0.0     # log(0) replaced


def test_max_min_ties_split_evenly():
    g = ad.grad(lambda x, y: lax.max(x, y), argnums=(0, 1))(1.0, 1.0)
    assert [float(v) for v in g] == [0.5, 0.5]
    g = ad.grad(lambda x, y: lax.min(x, y), argnums=(0, 1))(2.0, 2.0)
    assert [float(v) for v in g] == [0.5, 0.5]
    g = ad.grad(lambda x, y: lax.max(x, y), argnums=(0, 1))(3.0, 1.0)
    assert [float(v) for v in g] == [1.0, 0.0]


def test_reduce_max_ties_split_evenly():
    x = np.array([1.0, 3.0, 3.0, 2.0], np.float32)
    g = ad.grad(lambda x: lax.reduce_max(x, (0,)))(x)
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.5, 0.5, 0.0])


def test_reduce_prod_with_zeros():
    x = np.array([2.0, 0.0, 3.0, 4.0])
    with config.override(enable_x64=True):
        g = ad.grad(lambda x: lax.reduce_prod(x, (0,)))(x)
        np.testing.assert_allclose(np.asarray(g), [0.0, 24.0, 0.0, 0.0])
        x2 = np.array([2.0, 0.0, 3.0, 0.0])
        np.testing.assert_allclose(np.asarray(ad.grad(lambda x: lax.reduce_prod(x, (0,)))(x2)),
                                   [0.0, 0.0, 0.0, 0.0])


def test_stop_gradient_blocks_derivatives():
    f = lambda x: lax.mul(x, plax_core.ad_util.stop_gradient(x))     # noqa: E731
    assert float(ad.grad(f)(3.0)) == 3.0
    assert float(ad.jvp(f, (3.0,), (1.0,))[1]) == 3.0
    assert float(ad.grad(ad.grad(f))(3.0)) == 0.0     # d/dx stop_gradient(x), as in JAX
    g = lambda x: plax_core.ad_util.stop_gradient(lax.mul(x, x))     # noqa: E731
    assert float(ad.grad(g)(3.0)) == 0.0
    i = np.array(3, np.int32)
    assert plax_core.ad_util.stop_gradient(i) is i


def test_nextafter_has_no_derivative():
    with pytest.raises(plax_core.MissingRuleError, match="nextafter"):
        ad.grad(lambda x: lax.nextafter(x, 2.0))(1.0)


def test_shapes_drawn_include_scalars_and_empty():
    shapes = _shapes_for(OPS[0])
    assert () in shapes and any(0 in s for s in shapes)


def test_jit_call_primitive_grads():
    """jit's call primitive bound directly: the generic rules of higher-order primitives
    (rules/higher_order.py) give its derivatives, against finite differences."""
    from plax_core.extend import ClosedJaxpr, ShapedArray, trace_to_jaxpr
    from plax_core.lax import jit_p

    def body(x, y):
        return [lax.mul(lax.sin(x), y), lax.exp(lax.mul(x, y))]

    with config.override(enable_x64=True):
        aval = ShapedArray((3,), F64)
        jaxpr, consts = trace_to_jaxpr(body, [aval, aval])
        closed = ClosedJaxpr(jaxpr, consts)

        def f(x, y):
            a, b = jit_p.bind(x, y, name="body", jaxpr=closed)
            return lax.add(a, b)

        x, y = np.array([0.3, -1.2, 2.0]), np.array([0.5, 1.5, -0.7])
        np.testing.assert_allclose(np.asarray(f(x, y)), np.sin(x) * y + np.exp(x * y))
        check_grads(f, (x, y), order=2)


# -------------------------------------------------------------------- coverage

# Primitives that check_grads cannot exercise, and why.
NOT_CHECKED = {
    "nextafter": "no derivative (see plugin.UNSUPPORTED)",
    "iota": "takes no operands (checked in NONDIFF as a constant)",
}


def test_every_primitive_checked():
    registry = plax_core.get_registry()
    checked = {op.name for op in OPS} | {r[0] for r in NONDIFF} | set(NOT_CHECKED)
    checked |= {"custom_jvp_call", "custom_vjp_call", "custom_lin", "checkpoint"}  # own tests
    checked |= {"cond", "scan", "while"}  # test_control_flow_ad.py
    checked |= {"conv_general_dilated", "reduce_window_sum", "reduce_window_max",
                "reduce_window_min"}  # test_rules_windowed.py
    checked |= {"gather", "scatter", "scatter-add", "scatter-mul", "scatter-min",
                "scatter-max"}  # test_rules_indexing.py
    checked |= {"sort", "top_k", "cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp",
                "reduce_precision", "population_count", "clz"}  # test_rules_sorting.py
    checked |= {"cholesky", "triangular_solve", "lu", "qr", "eigh", "svd", "eig",
                "fft"}  # test_rules_linalg.py
    checked |= {"psum", "pmax", "pmin", "all_gather", "psum_scatter", "all_to_all",
                "ppermute", "axis_index"}  # packages/parallel/tests/test_collectives_vmap.py
    checked |= {"sharding_constraint"}  # packages/parallel/tests/test_sharding.py
    checked |= {"jit"}  # test_jit_call_primitive_grads
    checked |= {"threefry2x32"}  # plax-random: packages/random/tests/test_threefry_primitive.py
    checked |= {"adjacent_diff"}  # third-party plugin plax-diffop: core's test_thirdparty.py
    # No derivative, as in JAX (grad raises; debug_callback's is zero): plax/tests/test_callbacks.py
    checked |= {"debug_callback", "io_callback", "pure_callback"}
    missing = sorted(set(registry.primitives) - checked)
    assert not missing, f"primitives without a check_grads test: {missing}"
