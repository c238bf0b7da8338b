"""Control flow: cond/switch, while_loop/fori_loop, scan/map, associative_scan.

Values against Python loops, the jaxprs they stage (printing included), closed-over
values as explicit operands, and the errors of the lax functions and of the
primitives' abstract evaluation.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
from plax_core import lax, testing
from plax_core.core import ShapedArray
from plax_core.jaxpr import ClosedJaxpr, make_jaxpr
from plax_core.prims.control_flow import cond_p, scan_p, trace_closed, while_p

F32 = np.float32
N = testing.num_generated_cases(10)


def close(a, b, **kw):
    kw.setdefault("rtol", 1e-5)
    kw.setdefault("atol", 1e-6)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), **kw)


def eqns_named(closed, name):
    return [e for e in closed.jaxpr.eqns if e.primitive.name == name]


def rand(rng, shape, dtype=F32):
    return testing.random_array(rng, shape, dtype)


# --------------------------------------------------------------------------- cond

@pytest.mark.parametrize("pred", [True, False, 0, 3, np.bool_(True), np.int32(0)])
def test_cond_values(pred):
    x = np.arange(3, dtype=F32)
    out = lax.cond(pred, lambda x: lax.sin(x), lambda x: x * 2.0, x)
    close(out, np.sin(x) if pred else x * 2)


def test_cond_pytrees_and_several_operands():
    a, b = np.float32(2.0), {"w": np.arange(3, dtype=F32)}
    out = lax.cond(False, lambda a, b: (a, b["w"] * a), lambda a, b: (a + 1, b["w"]), a, b)
    close(out[0], 3.0)
    close(out[1], np.arange(3))


def test_cond_old_five_argument_form():
    out = lax.cond(True, 2.0, lambda x: x * 3.0, np.ones(2, F32), lambda y: y[0])
    close(out, 6.0)
    out = lax.cond(False, 2.0, lambda x: x * 3.0, np.float32(5.0), lambda y: y)
    close(out, 5.0)


def test_cond_closure_becomes_operand():
    w = np.arange(3, dtype=F32) + 1

    def f(x, p):
        return lax.cond(p, lambda x: x * w, lambda x: x - x, x)

    closed = make_jaxpr(f)(np.ones(3, F32), True)
    eqn, = eqns_named(closed, "cond")
    assert len(eqn.invars) == 3       # index, the closed-over w, x
    for br in eqn.params["branches"]:
        assert isinstance(br, ClosedJaxpr) and br.consts == []
    close(closed(np.ones(3, F32), True)[0], w)
    close(f(np.ones(3, F32), False), np.zeros(3))


def test_cond_inside_a_trace_closes_over_tracers():
    def f(x, y):
        return lax.cond(x[0] > 0, lambda: y * 2.0, lambda: y + x)

    closed = make_jaxpr(f)(np.ones(2, F32), np.ones(2, F32))
    eqn, = eqns_named(closed, "cond")
    assert len(eqn.invars) == 3       # index, x, y: the tracers are operands
    x = np.array([1.0, 2.0], F32)
    close(closed(x, x)[0], x * 2)
    close(closed(-x, x)[0], x - x)


def test_cond_weak_types_join():
    out = lax.cond(True, lambda: 1.0, lambda: np.float32(2.0))
    assert out.dtype == F32 and not out.weak_type
    out = lax.cond(True, lambda: 1.0, lambda: 2.0)
    assert out.weak_type


def test_switch_values_and_clamping():
    branches = [lambda x: x + 1.0, lambda x: x * 10.0, lambda x: -x]
    x = np.float32(2.0)
    for i, want in [(-5, 3.0), (0, 3.0), (1, 20.0), (2, -2.0), (3, -2.0), (100, -2.0)]:
        close(lax.switch(i, branches, x), want)
        close(make_jaxpr(lambda i, x: lax.switch(i, branches, x))(i, x)(i, x)[0], want)


def test_switch_single_branch_is_a_call():
    closed = make_jaxpr(lambda i, x: lax.switch(i, [lambda x: x * 2.0], x))(0, 1.0)
    assert not eqns_named(closed, "cond")


def test_cond_errors():
    x = np.ones(3, F32)
    with pytest.raises(TypeError, match="Pred must be a scalar"):
        lax.cond(np.array([True, False]), lambda x: x, lambda x: x, x)
    with pytest.raises(TypeError, match="Pred type must be either boolean or number"):
        lax.cond(1.5, lambda x: x, lambda x: x, x)
    with pytest.raises(TypeError, match="should be callable"):
        lax.cond(True, 1, lambda x: x, x)
    with pytest.raises(TypeError, match="same type structure"):
        lax.cond(True, lambda x: (x, x), lambda x: x, x)
    with pytest.raises(TypeError, match=r"identical types: output \[1\] is f32\[3\] in "
                                        r"false_fun but f32\[2\] in true_fun"):
        lax.cond(True, lambda x: (x, x[:2]), lambda x: (x, x), x)
    with pytest.raises(TypeError, match=r"f32\[3\] in false_fun but i32\[3\] in true_fun"):
        lax.cond(True, lambda x: x.astype(np.int32), lambda x: x, x)


def test_switch_errors():
    with pytest.raises(ValueError, match="Empty branch sequence"):
        lax.switch(0, [], 1.0)
    with pytest.raises(TypeError, match="sequence of callables"):
        lax.switch(0, [1], 1.0)
    with pytest.raises(TypeError, match="Index type must be an integer"):
        lax.switch(1.0, [lambda x: x, lambda x: x], 1.0)
    with pytest.raises(TypeError, match="Branch index must be scalar"):
        lax.switch(np.zeros(2, np.int32), [lambda x: x, lambda x: x], 1.0)
    with pytest.raises(TypeError, match="branch 0 and branch 2 output must have identical "
                                        "types: the output is f32"):
        lax.switch(0, [lambda x: x, lambda x: x, lambda x: x.astype(np.int32)], np.float32(1))


# -------------------------------------------------------------------------- while

def test_while_loop_values_match_python():
    rng = np.random.default_rng(0)
    for _ in range(N):
        n = int(rng.integers(0, 6))
        x = rand(rng, (3,))

        def cond(c, n=n):
            return c[0] < n

        def body(c):
            return c[0] + 1, lax.sin(c[1]) + c[1]

        i, y = lax.while_loop(cond, body, (0, x))
        ref = x
        for _ in range(n):
            ref = np.sin(ref) + ref
        assert int(i) == n
        close(y, ref)


def test_while_loop_staged():
    closed = make_jaxpr(lambda x, n: lax.while_loop(lambda c: c[1] < n,
                                                    lambda c: (c[0] * 2.0, c[1] + 1),
                                                    (x, 0)))(1.0, 3)
    eqn, = eqns_named(closed, "while")
    assert eqn.params["cond_nconsts"] == 1     # n, closed over by cond_fun
    assert eqn.params["body_nconsts"] == 0
    assert [float(v) for v in closed(1.0, 3)] == [8.0, 3.0]
    text = str(closed)
    assert "while[" in text and "body_jaxpr=" in text and "cond_jaxpr=" in text
    assert "lt" in text


def test_while_loop_promotes_weak_initial_carry():
    out = lax.while_loop(lambda c: c < 5.0, lambda c: c + np.float32(1.5), 0)
    assert out.dtype == F32 and float(out) == 6.0


def test_while_loop_errors():
    with pytest.raises(TypeError, match="cond_fun must return a boolean scalar"):
        lax.while_loop(lambda c: c, lambda c: c, 1.0)
    with pytest.raises(TypeError, match="cond_fun must return a boolean scalar"):
        lax.while_loop(lambda c: c > np.zeros(2, F32), lambda c: c, np.ones(2, F32))
    with pytest.raises(TypeError, match="(?s)while_loop body function carry input and carry "
                                        "output must have equal types.*the input carry "
                                        "component c\\[1\\] has type f32\\[2\\] but the "
                                        "corresponding output carry component has type "
                                        "f32\\[1\\], so the shapes do not match"):
        lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1][:1]),
                       (0, np.ones(2, F32)))
    with pytest.raises(TypeError, match="same pytree structure"):
        lax.while_loop(lambda c: c[0] < 3, lambda c: c[0], (0, 1.0))
    with pytest.raises(TypeError, match="should be callable"):
        lax.while_loop(None, lambda c: c, 1.0)


def test_fori_loop_static_bounds_use_scan():
    body = lambda i, x: x * 2.0 + i            # noqa: E731
    closed = make_jaxpr(lambda x: lax.fori_loop(0, 4, body, x))(1.0)
    assert eqns_named(closed, "scan") and not eqns_named(closed, "while")
    assert eqns_named(closed, "scan")[0].params["length"] == 4
    ref = 1.0
    for i in range(4):
        ref = ref * 2 + i
    close(lax.fori_loop(0, 4, body, 1.0), ref)
    close(lax.fori_loop(np.int32(2), np.int32(4), body, 1.0), (1.0 * 2 + 2) * 2 + 3)
    close(lax.fori_loop(5, 2, body, 1.0), 1.0)     # no iterations


def test_fori_loop_traced_bounds_use_while():
    body = lambda i, x: x + i                   # noqa: E731
    closed = make_jaxpr(lambda n, x: lax.fori_loop(1, n, body, x))(5, 0.0)
    assert eqns_named(closed, "while") and not eqns_named(closed, "scan")
    assert float(closed(5, 0.0)[0]) == 1 + 2 + 3 + 4
    with pytest.raises(ValueError, match="statically known"):
        make_jaxpr(lambda n: lax.fori_loop(0, n, body, 0.0, unroll=2))(3)
    with pytest.raises(TypeError, match="must have equal types"):
        lax.fori_loop(np.int32(0), np.int16(3), body, 0.0)


# --------------------------------------------------------------------------- scan

def python_scan(f, init, xs, reverse=False):
    carry, ys = init, []
    order = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
    for i in order:
        carry, y = f(carry, xs[i])
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, np.stack(ys) if ys else None


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_values_match_python(reverse):
    rng = np.random.default_rng(1)
    for _ in range(N):
        length, d = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        w = rand(rng, (d, d))
        xs, h0 = rand(rng, (length, d)), rand(rng, (d,))

        def step(h, x, w=w):
            h = lax.tanh(lax.dot(w, h) + x)
            return h, h * 2.0

        def ref_step(h, x, w=w):
            h = np.tanh(w @ h + x)
            return h, 2 * h

        h, ys = lax.scan(step, h0, xs, reverse=reverse)
        ref_h, ref_ys = python_scan(ref_step, h0, xs, reverse)
        close(h, ref_h, rtol=1e-4)
        close(ys, ref_ys, rtol=1e-4)


def test_scan_pytrees_xs_none_and_unroll():
    xs = {"a": np.arange(4, dtype=F32), "b": np.arange(8, dtype=np.int32).reshape(4, 2)}
    (c, k), ys = lax.scan(lambda c, x: ((c[0] + x["a"], c[1] + 1), {"s": x["b"] * c[1]}),
                          (0.0, 0), xs, unroll=2)
    close(c, 6.0)
    assert int(k) == 4
    np.testing.assert_array_equal(np.asarray(ys["s"]), xs["b"] * np.arange(4)[:, None])
    c, ys = lax.scan(lambda c, _: (c * 2.0, c), 1.0, None, length=3, unroll=True)
    close(c, 8.0)
    close(ys, [1.0, 2.0, 4.0])
    c, ys = lax.scan(lambda c, x: (c + x, c), np.float32(1), np.zeros((0,), F32))
    close(c, 1.0)
    assert np.asarray(ys).shape == (0,)


def test_scan_staged_jaxpr():
    w = np.ones(3, F32)
    closed = make_jaxpr(lambda h, xs: lax.scan(lambda c, x: (c * w + x, c), h, xs))(
        np.zeros(3, F32), np.ones((5, 3), F32))
    eqn, = eqns_named(closed, "scan")
    p = eqn.params
    assert (p["length"], p["num_consts"], p["num_carry"], p["reverse"], p["unroll"]) == \
        (5, 1, 1, False, 1)
    assert p["linear"] == (False, False, False)
    assert p["jaxpr"].consts == []
    text = str(closed)
    assert "scan[" in text and "jaxpr=" in text and "length=5" in text
    assert text.count("{ lambda") == 2


def test_scan_errors():
    f = lambda c, x: (c, x)                     # noqa: E731
    with pytest.raises(ValueError, match="different leading axis sizes: 3, 4"):
        lax.scan(f, 0.0, (np.ones(3), np.ones(4)))
    with pytest.raises(ValueError, match="`length` argument of 5 which disagrees"):
        lax.scan(f, 0.0, np.ones(3), length=5)
    with pytest.raises(ValueError, match="no values to scan over"):
        lax.scan(f, 0.0, None)
    with pytest.raises(ValueError, match="no leading axis"):
        lax.scan(f, 0.0, np.float32(1))
    with pytest.raises(TypeError, match="scan body output must be a pair"):
        lax.scan(lambda c, x: c, 0.0, np.ones(3))
    with pytest.raises(TypeError, match="(?s)scan body function carry input and carry output "
                                        "must have equal types.*the dtypes do not match"):
        lax.scan(lambda c, x: (c.astype(np.int32), x), np.float32(0), np.ones(3, F32))
    with pytest.raises(ValueError, match="positive"):
        lax.scan(f, 0.0, np.ones(3), unroll=0)


def test_map():
    xs = np.arange(12, dtype=F32).reshape(4, 3)
    close(lax.map(lambda x: lax.reduce_sum(x * x, (0,)), xs), (xs * xs).sum(1))
    out = lax.map(lambda t: {"s": t[0] + t[1]}, (xs, xs))
    close(out["s"], 2 * xs)


def test_map_batch_size():
    if "vmap" not in plax_core.get_registry().transformations:
        with pytest.raises(NotImplementedError, match="vmap"):
            lax.map(lambda x: x, np.ones(3), batch_size=2)
        return
    xs = np.arange(7, dtype=F32)
    close(lax.map(lambda x: x * 2.0, xs, batch_size=3), xs * 2)


# --------------------------------------------------------------- associative_scan

@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 8, 9])
def test_associative_scan_matches_cumulative_ops(n):
    x = np.arange(1, n + 1, dtype=np.int32)
    np.testing.assert_array_equal(np.asarray(lax.associative_scan(lax.add, x)), np.cumsum(x))
    np.testing.assert_array_equal(np.asarray(lax.associative_scan(lax.add, x, reverse=True)),
                                  np.cumsum(x[::-1])[::-1])
    np.testing.assert_array_equal(np.asarray(lax.associative_scan(lax.max, x[::-1])),
                                  np.maximum.accumulate(x[::-1]))
    b = np.arange(n) % 3 == 0
    np.testing.assert_array_equal(np.asarray(lax.associative_scan(lax.bitwise_or, b)),
                                  np.logical_or.accumulate(b))


def test_associative_scan_axis_and_pytree():
    x = np.arange(24, dtype=F32).reshape(2, 6, 2)
    close(lax.associative_scan(lax.add, x, axis=1), np.cumsum(x, 1))
    close(lax.associative_scan(lax.add, x, axis=-1), np.cumsum(x, -1))
    # h_t = a_t * h_{t-1} + b_t as an associative scan over (a, b) pairs
    rng = np.random.default_rng(2)
    a, b = rand(rng, (7,)), rand(rng, (7,))

    def compose(p, q):
        return q[0] * p[0], q[0] * p[1] + q[1]

    _, h = lax.associative_scan(compose, (a, b))
    ref, hs = 0.0, []
    for at, bt in zip(a, b):
        ref = at * ref + bt
        hs.append(ref)
    close(h, hs, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="same first dimension"):
        lax.associative_scan(compose, (np.ones(3), np.ones(4)))


# ------------------------------------------------------ primitives' abstract eval

def avals_of(*shapes_dtypes):
    return [ShapedArray(s, d) for s, d in shapes_dtypes]


def test_cond_abstract_eval_names_branch_and_output():
    b0, _ = trace_closed(lambda x: [x, x], avals_of(((3,), F32)))
    b1, _ = trace_closed(lambda x: [x, x[0]], avals_of(((3,), F32)))
    i32, x = ShapedArray((), np.int32), ShapedArray((3,), F32)
    with pytest.raises(TypeError, match="output 1 is f32\\[3\\] in branch 0 and f32\\[\\] "
                                        "in branch 1"):
        cond_p.abstract_eval(i32, x, branches=(b0, b1))
    with pytest.raises(TypeError, match="int32 scalar"):
        cond_p.abstract_eval(ShapedArray((), F32), x, branches=(b0, b0))
    with pytest.raises(TypeError, match="branch 0 expects input 0 of type f32\\[3\\]"):
        cond_p.abstract_eval(i32, ShapedArray((2,), F32), branches=(b0, b0))


def test_while_abstract_eval_refuses_a_carry_that_changes_type():
    cond, _ = trace_closed(lambda x: [lax.lt(x[0], 1.0)], avals_of(((3,), F32)))
    body, _ = trace_closed(lambda x: [x[:2]], avals_of(((3,), F32)))
    with pytest.raises(TypeError, match="body_jaxpr must return the carry's types"):
        while_p.abstract_eval(ShapedArray((3,), F32), cond_jaxpr=cond, body_jaxpr=body,
                              cond_nconsts=0, body_nconsts=0)
    bad_cond, _ = trace_closed(lambda x: [x], avals_of(((3,), F32)))
    with pytest.raises(TypeError, match="one bool\\[\\] scalar"):
        while_p.abstract_eval(ShapedArray((3,), F32), cond_jaxpr=bad_cond, body_jaxpr=cond,
                              cond_nconsts=0, body_nconsts=0)


def test_scan_abstract_eval_checks_lengths_and_types():
    body, _ = trace_closed(lambda c, x: [c + x, c], avals_of(((), F32), ((), F32)))
    params = dict(jaxpr=body, length=4, reverse=False, num_consts=0, num_carry=1,
                  linear=(False, False), unroll=1)
    c = ShapedArray((), F32)
    out = scan_p.abstract_eval(c, ShapedArray((4,), F32), **params)
    assert [a.shape for a in out] == [(), (4,)]
    with pytest.raises(TypeError, match="leading axis of size length=4, but xs\\[0\\] has "
                                        "type f32\\[3\\]"):
        scan_p.abstract_eval(c, ShapedArray((3,), F32), **params)
    with pytest.raises(TypeError, match="expects carry 0 of type f32\\[\\]"):
        scan_p.abstract_eval(ShapedArray((), np.int32), ShapedArray((4,), F32), **params)


# ------------------------------------------------------------------------ nesting

def test_nested_control_flow():
    def f(x):
        def outer(c, t):
            inner = lax.cond(t > 0, lambda c: lax.fori_loop(0, 3, lambda i, v: v + i, c),
                             lambda c: c * 2.0, c)
            return inner, inner
        return lax.while_loop(lambda c: c[1] < 2,
                              lambda c: (lax.scan(outer, c[0], np.array([1, -1, 1]))[0],
                                         c[1] + 1), (x, 0))[0]

    def ref(x):
        for _ in range(2):
            for t in (1, -1, 1):
                x = x + 3 if t > 0 else x * 2
        return x

    close(f(1.5), ref(1.5))
    close(make_jaxpr(f)(1.5)(1.5)[0], ref(1.5))
