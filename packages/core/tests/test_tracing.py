"""Tracing, jaxprs, nesting, and the errors that tracing raises."""

import numpy as np
import pytest

import plax_core
from plax_core import core, lax
from plax_core.jaxpr import Jaxpr, JaxprTrace, eval_jaxpr, make_jaxpr


def test_make_jaxpr_prints_like_jax():
    jaxpr = make_jaxpr(lambda x: lax.mul(lax.tanh(x), 2.0))(1.0)
    text = str(jaxpr)
    assert text.splitlines()[0] == "{ lambda ; a:f32[]. let"
    assert "b:f32[] = tanh a" in text
    assert "c:f32[] = mul b 2.0:f32[]" in text
    assert text.rstrip().endswith("in (c,) }")


def test_make_jaxpr_captures_array_constants_as_constvars():
    const = plax_core.device_put(np.arange(3.0, dtype=np.float32))
    closed = make_jaxpr(lambda x: lax.add(x, const))(np.ones(3, np.float32))
    assert len(closed.jaxpr.constvars) == 1
    np.testing.assert_array_equal(np.asarray(closed.consts[0]), np.arange(3.0))
    out, = closed(np.ones(3, np.float32))
    np.testing.assert_array_equal(np.asarray(out), np.arange(3.0) + 1)


def test_make_jaxpr_pytrees_and_static_argnums():
    def f(params, n):
        return {"y": lax.mul(params["w"], float(n)), "z": params["b"]}

    closed, shape = make_jaxpr(f, static_argnums=1, return_shape=True)(
        {"w": np.ones((2, 3), np.float32), "b": np.zeros(2, np.float32)}, 3)
    assert [a.shape for a in closed.in_avals] == [(2,), (2, 3)]  # dict keys sorted
    assert shape["y"].shape == (2, 3) and shape["y"].dtype == np.float32


def test_eval_jaxpr_matches_direct_evaluation():
    def f(x, y):
        return lax.sub(lax.sin(x), lax.mul(x, y))

    x = np.linspace(-1, 1, 5).astype(np.float32)
    y = np.full(5, 0.5, np.float32)
    closed = make_jaxpr(f)(x, y)
    out, = eval_jaxpr(closed.jaxpr, closed.consts, x, y)
    np.testing.assert_allclose(np.asarray(out), np.sin(x) - x * y, rtol=1e-6)


def test_nested_make_jaxpr_of_make_jaxpr_stages_inner_ops_once():
    def inner(x):
        return lax.exp(x)

    def outer(x):
        closed = make_jaxpr(inner)(x)
        return eval_jaxpr(closed.jaxpr, closed.consts, x)[0]

    closed = make_jaxpr(outer)(1.0)
    assert [e.primitive.name for e in closed.eqns] == ["exp"]


def test_weak_types_flow_through_jaxprs():
    closed = make_jaxpr(lambda x: lax.add(x, 1.0))(2.0)
    assert closed.in_avals[0].weak_type
    assert closed.out_avals[0].weak_type
    closed = make_jaxpr(lambda x: lax.add(x, 1.0))(np.float32(2.0))
    assert not closed.out_avals[0].weak_type


def test_branching_on_a_tracer_is_a_clear_error():
    def f(x):
        if lax.gt(x, 0.0):
            return x
        return lax.neg(x)

    with pytest.raises(core.ConcretizationTypeError, match="lax.cond"):
        make_jaxpr(f)(1.0)


def test_escaped_tracer_is_detected():
    leaked = []

    def f(x):
        leaked.append(x)
        return x

    make_jaxpr(f)(1.0)

    def g(y):
        return lax.add(y, leaked[0])

    with pytest.raises(core.EscapedTracerError):
        make_jaxpr(g)(1.0)


def test_non_array_output_is_a_clear_error():
    with pytest.raises(TypeError, match="returned a value of type str"):
        make_jaxpr(lambda x: "hello")(1.0)


def test_non_array_argument_is_a_clear_error():
    with pytest.raises(TypeError, match="not a valid plax array"):
        make_jaxpr(lambda x: x)(object())


def test_trace_levels_nest_and_unwind():
    levels = []

    class Recorder(core.Trace):
        def pure(self, val):
            return val

        def process_primitive(self, primitive, tracers, params):
            raise AssertionError("not reached")

    base = core.cur_level()
    with core.new_main(Recorder) as outer:
        with core.new_main(Recorder) as inner:
            levels += [outer.level, inner.level]
        assert core.cur_level() == outer.level
    assert core.cur_level() == base
    assert levels == [base + 1, base + 2]


def test_jaxpr_trace_is_public_for_other_transformations():
    assert issubclass(JaxprTrace, core.Trace)
    jaxpr, consts = plax_core.trace_to_jaxpr(
        lambda x: [lax.cos(x)], [core.ShapedArray((2,), np.float32)])
    assert isinstance(jaxpr, Jaxpr) and consts == []
    assert jaxpr.out_avals == [core.ShapedArray((2,), np.float32)]


def test_literals_keep_their_dtype_and_weak_type_when_evaluated():
    closed = make_jaxpr(lambda: lax.add(2, 3))()
    out, = closed()
    assert out.dtype == np.int32 and out.weak_type and int(out) == 5
    closed = make_jaxpr(lambda x: lax.mul(x, np.float32(3)))(np.float32(2))
    assert "mul a 3.0:f32[]" in str(closed)
    out, = closed(np.float32(2))
    assert out.dtype == np.float32 and not out.weak_type
