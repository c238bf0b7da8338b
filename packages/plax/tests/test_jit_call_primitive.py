"""``jit`` under another trace stages one ``jit_p`` call, traced once per signature.

Values marked JAX were obtained by running JAX 0.10.2 outside the repository on the
same functions and inputs (float32); the others are closed forms computed with NumPy.
"""

from pathlib import Path

import numpy as np
import pytest

import plax
import plax.numpy as jnp
from plax import grad, jit, jvp, make_jaxpr, vjp, vmap
from plax_core import get_registry, lax
from plax_core.extend import HigherOrderPrimitive

X = np.float32(0.7)
XS = np.array([0.1, 0.5, 2.0], np.float32)


def counted():
    """``f(x) = 2 sin x`` jitted, with the number of times ``f`` was traced."""
    count = [0]

    def f(x):
        count[0] += 1
        return jnp.sin(x) * 2.0

    return jit(f), count


def test_make_jaxpr_shows_one_call_equation():
    jf, _ = counted()
    closed = make_jaxpr(jf)(X)
    assert [e.primitive for e in closed.eqns] == [lax.jit_p]
    eqn = closed.eqns[0]
    assert eqn.params["name"] == "f"
    assert [e.primitive.name for e in eqn.params["jaxpr"].eqns] == ["sin", "mul"]
    text = str(closed)
    # JAX 0.10.2 prints `b:f32[] = jit[\n name=f\n jaxpr={ lambda ; a:f32[]. let ...`
    assert text.count("jit[") == 1 and "name=f" in text
    assert text.index("name=f") < text.index("jaxpr=")


def test_nested_jit_is_a_call_inside_a_call():
    jf, _ = counted()
    closed = make_jaxpr(jit(jf))(X)
    (outer,) = closed.eqns
    (inner,) = outer.params["jaxpr"].eqns
    assert outer.primitive is lax.jit_p and inner.primitive is lax.jit_p


def test_inner_jit_is_traced_once_per_signature():
    jf, count = counted()
    jf(X)                                       # top level: traced, compiled
    assert count[0] == 1
    np.testing.assert_allclose(jit(jf)(X), 2 * np.sin(X), rtol=1e-6)
    grad(jf)(X)
    jvp(jf, (X,), (np.float32(1.0),))
    vjp(jf, X)[1](np.float32(1.0))
    jit(grad(jf))(X)
    make_jaxpr(jf)(X)
    jit(lambda x: jf(x) + jf(x + 1.0))(X)       # two calls, one trace
    assert count[0] == 1
    vmap(jf)(XS)                                # per-example f32[]: the same signature
    assert count[0] == 1
    jf(XS)                                      # a new signature
    assert count[0] == 2
    jit(lambda v: jf(v) * 2)(XS)
    assert count[0] == 2
    jf(1.0)                                     # a weakly typed Python scalar: new avals
    assert count[0] == 3


@pytest.mark.parametrize("name,fun,want", [
    # JAX 0.10.2 values
    ("grad", lambda jf: grad(jf)(X), 1.5296844244003296),
    ("jit(grad)", lambda jf: jit(grad(jf))(X), 1.5296844244003296),
    ("grad(grad)", lambda jf: grad(grad(jf))(X), -1.2884353399276733),
    ("jit(grad(grad))", lambda jf: jit(grad(grad(jf)))(X), -1.2884353399276733),
    ("jit(jit)", lambda jf: jit(jit(jf))(X), 2 * np.sin(X)),
    ("vjp", lambda jf: vjp(jf, X)[1](np.float32(1.0))[0], 1.5296844244003296),
    ("jvp", lambda jf: jvp(jf, (X,), (np.float32(3.0),)),
     (1.2884353399276733, 4.589053153991699)),
    ("vmap", lambda jf: vmap(jf)(XS),
     [0.1996668428182602, 0.9588510990142822, 1.8185948133468628]),
    ("jit(vmap)", lambda jf: jit(vmap(jf))(XS),
     [0.1996668428182602, 0.9588510990142822, 1.8185948133468628]),
    ("vmap(grad)", lambda jf: vmap(grad(jf))(XS),
     [1.9900083541870117, 1.7551651000976562, -0.832293689250946]),
    ("grad(vmap)", lambda jf: grad(lambda v: vmap(jf)(v).sum())(XS), 2 * np.cos(XS)),
])
def test_transformations_of_a_jitted_function(name, fun, want):
    jf, _ = counted()
    got = fun(jf)
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want), rtol=2e-6,
                               atol=1e-6, err_msg=name)


def test_jit_under_scan_and_its_gradient():
    jf, count = counted()

    def body(c, x):
        return c + jf(x), jf(x) * c

    c, ys = lax.scan(body, np.float32(1.0), XS)
    # JAX 0.10.2
    np.testing.assert_allclose(c, 3.9771127700805664, rtol=1e-6)
    np.testing.assert_allclose(ys, [0.1996668428182602, 1.1503019332885742,
                                    3.925469398498535], rtol=1e-6)
    g = grad(lambda c0: lax.scan(body, c0, XS)[0] + lax.scan(body, c0, XS)[1].sum())
    np.testing.assert_allclose(g(np.float32(1.0)), 3.9771125316619873, rtol=1e-6)
    assert count[0] == 1


def test_a_jitted_closure_over_an_outer_tracer():
    """The value closed over is a tracer of grad: it becomes an operand of the call."""
    def outer(x):
        inner = jit(lambda y: x * jnp.sin(y))
        return inner(x)

    # d/dx x sin x = sin x + x cos x
    np.testing.assert_allclose(grad(outer)(X), np.sin(X) + X * np.cos(X), rtol=1e-6)
    np.testing.assert_allclose(jit(grad(outer))(X), np.sin(X) + X * np.cos(X), rtol=1e-6)
    np.testing.assert_allclose(vmap(outer)(XS), XS * np.sin(XS), rtol=1e-6)


def test_a_persistent_jit_closing_over_a_tracer_is_not_cached():
    box = {}

    @jit
    def inner(y):
        return box["x"] * y

    def outer(x):
        box["x"] = x
        return inner(2.0)

    assert grad(outer)(np.float32(1.0)) == 2.0
    assert grad(outer)(np.float32(5.0)) == 2.0        # a stale tracer would fail here


def test_static_arguments_and_pytrees_under_grad():
    @jit
    def f(p, n):
        return {"y": p["w"] ** n, "n": n}

    f = jit(f, static_argnums=1)
    g = grad(lambda w: f({"w": w}, 3)["y"])
    np.testing.assert_allclose(g(np.float32(2.0)), 12.0)


def test_nested_call_constants_are_program_parameters():
    """A large array an inner jit closes over is passed to the compiled program, not
    written into its text."""
    table = np.arange(10000, dtype=np.float32)
    inner = jit(lambda x: x * table)
    outer = jit(lambda x: inner(x) + 1.0)
    np.testing.assert_allclose(outer(np.float32(2.0)), 2 * table + 1)
    text = outer.lower(np.float32(2.0)).as_text()
    assert len(text) < 10000
    # the staged call keeps its constant, as JAX prints it: { lambda a:f32[10000]; ...
    (call,) = make_jaxpr(outer)(np.float32(2.0)).eqns
    inner_call = call.params["jaxpr"].eqns[0]
    assert inner_call.primitive is lax.jit_p
    assert len(inner_call.params["jaxpr"].consts) == 1


def test_eager_batched_call_is_compiled():
    """vmap(jit(f)) at top level binds jit_p on arrays: it runs as one program."""
    jf, _ = counted()
    out = vmap(jf)(jnp.asarray(XS))
    assert isinstance(out, plax.Array)
    np.testing.assert_allclose(out, 2 * np.sin(XS), rtol=1e-6)


def test_higher_order_primitives_use_the_generic_rules():
    """autodiff's call primitives are HigherOrderPrimitives in family higher_order; the
    batching and lowering tables have rules for them without naming them."""
    registry = get_registry()
    names = ("custom_jvp_call", "custom_vjp_call", "custom_lin", "checkpoint", "jit")
    for name in names:
        prim = registry.primitives[name]
        assert isinstance(prim, HigherOrderPrimitive), name
        assert prim.family == "higher_order", name
        assert prim in registry.rules("batching"), name
        if prim.callee is not None:
            assert prim in registry.rules("lowering"), name
    assert lax.jit_p in registry.rules("jvp") and lax.jit_p in registry.rules("transpose")
    packages = Path(__file__).resolve().parents[2]
    for pkg in ("batching/plax_batching", "xla-backend/plax_xla"):
        for path in (packages / pkg).rglob("*.py"):
            source = path.read_text()
            for name in names[:4]:
                assert f'"{name}"' not in source, (path, name)


def test_custom_rules_still_apply_through_jit():
    @plax.custom_jvp
    def f(x):
        return jnp.sin(x)

    f.defjvp(lambda p, t: (f(p[0]), 10.0 * t[0]))
    jf = jit(f)
    assert grad(jf)(X) == 10.0
    np.testing.assert_allclose(vmap(grad(jf))(XS), [10.0] * 3)
    np.testing.assert_allclose(jit(vmap(grad(jit(f))))(XS), [10.0] * 3)


def test_eager_grad_of_jit_transforms_the_call_once_per_signature(monkeypatch):
    """The JVP, partial evaluation and transpose of a call are built once; later eager
    ``grad(jit(f))`` calls reuse them (and so hit the compiled executables)."""
    from plax_autodiff.rules import higher_order

    builds = {"jvp": 0, "partial_eval": 0, "trace": 0}
    for attr, name in (("jvp_jaxpr", "jvp"), ("partial_eval_jaxpr", "partial_eval"),
                       ("trace_to_jaxpr", "trace")):
        real = getattr(higher_order, attr)

        def spy(*args, _real=real, _name=name, **kwargs):
            builds[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(higher_order, attr, spy)
    jf, traces = counted()
    g = grad(lambda x: jf(x) * jf(x))
    first = g(X)
    after_first = dict(builds)
    assert all(after_first.values()), after_first
    for x in (X, np.float32(-1.3)):
        np.testing.assert_allclose(g(x), 8 * np.sin(x) * np.cos(x), rtol=1e-5)
    assert builds == after_first
    assert traces[0] == 1
    np.testing.assert_allclose(first, 8 * np.sin(X) * np.cos(X), rtol=1e-5)
    plax.clear_caches()
    g(X)
    assert builds["jvp"] == after_first["jvp"] + 1
