"""custom_jvp, custom_vjp and closure_convert: the custom rule is the one used."""

from __future__ import annotations

import numpy as np
import pytest

import plax_autodiff as ad
import plax_core
from plax_autodiff.api import _real_vmap
from plax_autodiff.test_util import check_grads
from plax_core import lax
from plax_core.config import config


@pytest.fixture
def x64():
    with config.override(enable_x64=True):
        yield


def close(a, b, **kw):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), **kw)


# ------------------------------------------------------------------ custom_jvp

def make_marked_sin():
    """sin whose custom derivative is 2*cos (wrong on purpose, to see it is used)."""
    @ad.custom_jvp
    def f(x):
        return lax.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals
        return f(x), 2.0 * lax.cos(x) * t

    return f


def make_marked_sin_fixed():
    @ad.custom_jvp
    def f(x):
        return lax.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), 2.0 * lax.cos(x) * t

    return f


def test_custom_jvp_rule_is_used_forward_and_reverse(x64):
    f = make_marked_sin_fixed()
    x = 0.3
    close(f(x), np.sin(x))
    y, t = ad.jvp(f, (x,), (1.0,))
    close(y, np.sin(x))
    close(t, 2 * np.cos(x))
    close(ad.grad(f)(x), 2 * np.cos(x))
    close(ad.grad(ad.grad(f))(x), -2 * np.sin(x))
    close(ad.jacrev(f)(np.array([0.1, 0.2])), np.diag(2 * np.cos([0.1, 0.2])))


def test_custom_jvp_log1pexp_is_stable():
    @ad.custom_jvp
    def log1pexp(x):
        return lax.log(1.0 + lax.exp(x))

    @log1pexp.defjvp
    def log1pexp_jvp(primals, tangents):
        (x,), (x_dot,) = primals, tangents
        ans = log1pexp(x)
        return ans, x_dot * (1.0 - 1.0 / (1.0 + lax.exp(x)))

    assert float(ad.grad(log1pexp)(100.0)) == 1.0
    naive = lambda x: lax.log(1.0 + lax.exp(x))      # noqa: E731
    assert np.isnan(float(ad.grad(naive)(100.0)))
    close(ad.grad(ad.grad(log1pexp))(0.0), 0.25, rtol=1e-6)


def test_custom_jvp_defjvps(x64):
    @ad.custom_jvp
    def f(x, y):
        return lax.sin(x) * y

    f.defjvps(lambda x_dot, ans, x, y: lax.cos(x) * x_dot * y,
              lambda y_dot, ans, x, y: lax.sin(x) * y_dot)
    close(ad.grad(f, argnums=(0, 1))(0.5, 3.0), (np.cos(0.5) * 3.0, np.sin(0.5)))
    check_grads(f, (0.5, 3.0), order=2)
    y, t = ad.jvp(f, (0.5, 3.0), (1.0, 0.0))
    close(t, np.cos(0.5) * 3.0)


def test_custom_jvp_nondiff_argnums(x64):
    from functools import partial

    @partial(ad.custom_jvp, nondiff_argnums=(0,))
    def app(f, x):
        return f(x)

    @app.defjvp
    def app_jvp(f, primals, tangents):
        (x,), (x_dot,) = primals, tangents
        return f(x), 3.0 * x_dot       # marked

    assert float(app(lambda x: x * x, 2.0)) == 4.0
    assert float(ad.grad(lambda x: app(lambda v: v * v, x))(2.0)) == 3.0


def test_custom_jvp_pytrees_and_kwargs(x64):
    @ad.custom_jvp
    def f(d, scale=1.0):
        return {"s": lax.sin(d["x"]) * scale}

    @f.defjvp
    def f_jvp(primals, tangents):
        (d, scale), (dd, ds) = primals, tangents
        return f(d, scale), {"s": lax.cos(d["x"]) * dd["x"] * scale + lax.sin(d["x"]) * ds}

    g = ad.grad(lambda x: f({"x": x}, scale=2.0)["s"])(0.2)
    close(g, 2 * np.cos(0.2))


def test_custom_jvp_closure_over_differentiated_value_is_an_error(x64):
    def outer(a):
        @ad.custom_jvp
        def f(x):
            return a * lax.sin(x)

        @f.defjvp
        def f_jvp(primals, tangents):
            (x,), (t,) = primals, tangents
            return f(x), a * lax.cos(x) * t

        return f(0.5)

    with pytest.raises(TypeError, match="differentiation of a custom_jvp function with "
                                        "respect to a closed-over value"):
        ad.grad(outer)(2.0)
    # Closing over a value that is not differentiated is fine.
    close(ad.grad(lambda x: outer(2.0) * x)(1.0), 2.0 * np.sin(0.5))


def test_custom_jvp_errors():
    @ad.custom_jvp
    def f(x):
        return x

    with pytest.raises(AttributeError, match="No JVP defined"):
        f(1.0)

    @ad.custom_jvp
    def g(x):
        return lax.sin(x)

    g.defjvp(lambda primals, tangents: g(*primals))
    with pytest.raises(TypeError, match="must return a pair"):
        ad.jvp(g, (1.0,), (1.0,))

    @ad.custom_jvp
    def h(x):
        return lax.sin(x)

    h.defjvp(lambda primals, tangents: (h(*primals), np.ones(3, np.float32)))
    with pytest.raises(ValueError, match="equal shapes"):
        ad.jvp(h, (1.0,), (1.0,))


def test_custom_jvp_in_jaxpr():
    f = make_marked_sin_fixed()
    text = str(plax_core.make_jaxpr(f)(1.0))
    assert "custom_jvp_call" in text


# ------------------------------------------------------------------ custom_vjp

def make_cube():
    @ad.custom_vjp
    def cube(x):
        return x * x * x

    def fwd(x):
        return cube(x), x

    def bwd(x, g):
        return (30.0 * x * x * g,)      # marked: 10x the true derivative

    cube.defvjp(fwd, bwd)
    return cube


def test_custom_vjp_rule_is_used(x64):
    cube = make_cube()
    assert float(cube(2.0)) == 8.0
    assert float(ad.grad(cube)(2.0)) == 120.0
    assert float(ad.grad(ad.grad(cube))(2.0)) == 120.0       # d/dx 30 x^2
    out, vjp_fun = ad.vjp(cube, 2.0)
    assert float(vjp_fun(1.0)[0]) == 120.0


def test_custom_vjp_forward_mode_is_an_error():
    cube = make_cube()
    with pytest.raises(TypeError, match=r"can't apply forward-mode autodiff \(jvp\) to a "
                                        r"custom_vjp function"):
        ad.jvp(cube, (2.0,), (1.0,))


def test_custom_vjp_clip_gradient(x64):
    from functools import partial

    @partial(ad.custom_vjp, nondiff_argnums=(0, 1))
    def clip_gradient(lo, hi, x):
        return x

    def fwd(lo, hi, x):
        return x, None

    def bwd(lo, hi, _, g):
        return (lax.clamp(lo, g, hi),)

    clip_gradient.defvjp(fwd, bwd)
    f = lambda x: lax.sin(clip_gradient(-0.5, 0.5, x * 3.0))      # noqa: E731
    close(ad.grad(f)(0.0), 0.5 * 3.0)                 # cos(0) = 1 clipped to 0.5
    close(ad.grad(f)(0.6), np.cos(1.8) * 3.0)         # cos(1.8) = -0.23 not clipped


def test_custom_vjp_pytrees_and_none_cotangent(x64):
    @ad.custom_vjp
    def f(params, x):
        return {"y": params["w"] * x}

    def fwd(params, x):
        return f(params, x), (params["w"], x)

    def bwd(res, ct):
        w, x = res
        return ({"w": ct["y"] * x}, None)

    f.defvjp(fwd, bwd)
    g = ad.grad(lambda p, x: f(p, x)["y"], argnums=(0, 1))({"w": 3.0}, 2.0)
    assert float(g[0]["w"]) == 2.0 and float(g[1]) == 0.0


def test_custom_vjp_errors():
    @ad.custom_vjp
    def f(x, y):
        return x * y

    with pytest.raises(AttributeError, match="No VJP defined"):
        f(1.0, 2.0)
    f.defvjp(lambda x, y: (f(x, y), (x, y)), lambda res, g: (g,))
    with pytest.raises(TypeError, match="bwd rule of f must produce a tuple of length .*2"):
        ad.grad(f)(1.0, 2.0)
    f.defvjp(lambda x, y: (f(x, y), (x, y)), lambda res, g: (np.ones(3, np.float32), g))
    with pytest.raises(ValueError, match=r"cotangent of shape \(3,\) for an argument of "
                                         r"shape \(\)"):
        ad.grad(f)(1.0, 2.0)


def test_custom_vjp_closure_and_closure_convert(x64):
    def loss(a):
        @ad.custom_vjp
        def f(x):
            return a * x

        f.defvjp(lambda x: (f(x), x), lambda x, g: (a * g,))
        return f(2.0)

    with pytest.raises(TypeError, match="custom_vjp function with respect to a closed-over"):
        ad.grad(loss)(3.0)

    def loss2(a):
        fun = lambda x: a * x       # noqa: E731
        converted, consts = ad.closure_convert(fun, 2.0)

        @ad.custom_vjp
        def f(x, *consts):
            return converted(x, *consts)

        def fwd(x, *consts):
            return f(x, *consts), (x, consts)

        def bwd(res, g):
            x, consts = res
            _, vjp_fun = ad.vjp(converted, x, *consts)
            return vjp_fun(g)

        f.defvjp(fwd, bwd)
        return f(2.0, *consts)

    assert len(ad.closure_convert(lambda x: 3.0 * x, 1.0)[1]) == 0
    close(ad.grad(loss2)(3.0), 2.0)


# --------------------------------------------------- composition with vmap / jit

def _transformation(name):
    t = plax_core.get_registry().transformations.get(name)
    if t is None:
        return None
    try:
        t(lambda x: x)
    except NotImplementedError:
        return None
    return t


def _installed_vmap():
    """plax-batching's vmap, or a skip where it is not installed.  Where it is, it must
    batch the custom primitives (a missing rule fails the test, not skips it)."""
    vmap = _real_vmap()
    if vmap is None:
        pytest.skip("plax-batching (vmap) is not installed")
    return vmap


def _sum(x):
    return lax.reduce_sum(x, (0,))


def test_custom_jvp_composes_with_vmap():
    vmap = _installed_vmap()
    f = make_marked_sin_fixed()
    xs = np.array([0.1, 0.2, 0.3], np.float32)
    close(vmap(ad.grad(f))(xs), 2 * np.cos(xs), rtol=1e-6)
    close(ad.grad(lambda x: _sum(vmap(f)(x)))(xs), 2 * np.cos(xs), rtol=1e-6)


def test_custom_vjp_composes_with_vmap():
    vmap = _installed_vmap()
    cube = make_cube()
    xs = np.array([0.1, 0.2, 0.3], np.float32)
    close(vmap(ad.grad(cube))(xs), 30 * xs * xs, rtol=1e-6)
    close(ad.grad(lambda x: _sum(vmap(cube)(x)))(xs), 30 * xs * xs, rtol=1e-6)


@pytest.mark.skipif(_transformation("jit") is None, reason="plax-xla (jit) is not installed yet")
def test_custom_rules_compose_with_jit():
    jit = _transformation("jit")
    f = make_marked_sin_fixed()
    close(jit(ad.grad(f))(0.3), 2 * np.cos(0.3), rtol=1e-6)
    close(ad.grad(jit(f))(0.3), 2 * np.cos(0.3), rtol=1e-6)
    cube = make_cube()
    close(jit(ad.grad(cube))(2.0), 120.0)
