"""vmap of plax-autodiff's higher-order primitives (custom_jvp, custom_vjp, checkpoint).

The custom rules below are deliberately wrong (a marked derivative), so a test can
tell that differentiation, inside or outside ``vmap``, used them.  Skipped where
plax-autodiff is not installed (``nox -s batching`` installs core and batching only);
the transformations are reached through the registry, as any user of both would.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
from plax_batching import vmap
from plax_core import lax
from plax_core.core import ShapedArray
from plax_core.jaxpr import eval_jaxpr

pytestmark = pytest.mark.skipif(
    "custom_jvp_call" not in plax_core.get_registry().primitives,
    reason="plax-autodiff (custom_jvp, custom_vjp, checkpoint) is not installed")

T = plax_core.transformations


def close(a, b, **kw):
    kw.setdefault("rtol", 1e-5)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), **kw)


def total(f, **vmap_kw):
    """``x -> sum(vmap(f)(x))``: differentiating it puts the JVP below the vmap."""
    return lambda *args: lax.reduce_sum(vmap(f, **vmap_kw)(*args), (0,))


XS = np.array([0.1, 0.2, 0.3], np.float32)


# ------------------------------------------------------------------ custom_jvp

def marked_sin():
    """sin whose custom derivative is 2*cos (wrong on purpose)."""
    @T.custom_jvp
    def f(x):
        return lax.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), 2.0 * lax.cos(x) * t

    return f


def test_custom_jvp_values():
    f = marked_sin()
    close(vmap(f)(XS), np.sin(XS))
    m = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    close(vmap(f, in_axes=1, out_axes=1)(m), np.sin(m))
    close(vmap(vmap(f))(m), np.sin(m))


def test_custom_jvp_rule_used_inside_and_outside_vmap():
    f = marked_sin()
    close(vmap(T.grad(f))(XS), 2 * np.cos(XS))
    close(T.grad(total(f))(XS), 2 * np.cos(XS))
    y, t = T.jvp(vmap(f), (XS,), (np.ones(3, np.float32),))
    close(y, np.sin(XS))
    close(t, 2 * np.cos(XS))
    y, t = vmap(lambda x: T.jvp(f, (x,), (np.float32(1),)))(XS)
    close(t, 2 * np.cos(XS))
    close(T.jacrev(vmap(f))(XS), np.diag(2 * np.cos(XS)))
    close(T.jacfwd(vmap(f))(XS), np.diag(2 * np.cos(XS)))


def test_custom_jvp_second_order_and_nested_vmap():
    f = marked_sin()
    close(T.grad(total(T.grad(f)))(XS), -2 * np.sin(XS))
    close(vmap(T.grad(T.grad(f)))(XS), -2 * np.sin(XS))
    m = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    close(T.grad(lambda m: lax.reduce_sum(vmap(vmap(f))(m), (0, 1)))(m), 2 * np.cos(m))
    close(vmap(vmap(T.grad(f)))(m), 2 * np.cos(m))
    close(vmap(T.grad(total(f)))(m), 2 * np.cos(m))


def test_custom_jvp_unbatched_argument_and_closure():
    @T.custom_jvp
    def f(x, y):
        return lax.sin(x) * y

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, y), (tx, ty) = primals, tangents
        return f(x, y), 3.0 * tx * y + lax.sin(x) * ty      # marked: 3 for cos(x)

    y = np.float32(2.0)
    close(T.grad(total(f, in_axes=(0, None)), argnums=(0, 1))(XS, y)[0], 3.0 * y)
    close(T.grad(total(f, in_axes=(0, None)), argnums=1)(XS, y), np.sin(XS).sum())
    close(T.grad(total(f, in_axes=(None, 0)))(np.float32(0.5), XS), 3.0 * XS.sum())
    # a closed-over constant of the custom function is an operand: batched too
    c = np.array([1.0, 2.0, 3.0], np.float32)
    close(vmap(lambda x, c: f(x, np.float32(2.0)) + c)(XS, c), np.sin(XS) * 2 + c)


def test_custom_rules_closing_over_batched_values():
    """A custom function defined inside the vmapped function, closing over a batched
    value, differentiated outside the vmap: its jvp/fwd run on the vmap's own level."""
    def loss(w):
        def per_example(x):
            @T.custom_jvp
            def g(w):
                return w * x

            g.defjvp(lambda p, t: (g(p[0]), t[0] * x * 2.0))    # marked: 2x
            return g(w)
        return lax.reduce_sum(vmap(per_example)(XS), (0,))

    close(T.grad(loss)(np.float32(1.0)), 2.0 * XS.sum())

    def loss_vjp(w, bwd_closes_over_x):
        def per_example(x):
            @T.custom_vjp
            def g(w):
                return w * x

            def bwd(res, ct):
                return (ct * (x if bwd_closes_over_x else res) * 2.0,)   # marked: 2x
            g.defvjp(lambda w: (g(w), x), bwd)
            return g(w)
        return lax.reduce_sum(vmap(per_example)(XS), (0,))

    close(T.grad(loss_vjp)(np.float32(1.0), False), 2.0 * XS.sum())
    with pytest.raises(plax_core.core.EscapedTracerError, match="residuals"):
        T.grad(loss_vjp)(np.float32(1.0), True)


def test_custom_jvp_tangent_batched_where_primal_is_not():
    """The rule's tangent depends on a batched input the primal does not use: the
    output is batched after all."""
    @T.custom_jvp
    def f(x, y):
        return x * 1.0

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, y), (tx, _) = primals, tangents
        return f(x, y), tx * y

    x = np.float32(1.5)
    out, t = T.jvp(lambda x: vmap(f, in_axes=(None, 0))(x, XS), (x,), (np.float32(1),))
    close(out, np.full(3, x))
    close(t, XS)
    close(T.grad(total(f, in_axes=(None, 0)))(x, XS), XS.sum())
    # Staged before the rule ran, the output types are fixed: a clear error.
    closed = plax_core.make_jaxpr(vmap(f, in_axes=(None, 0)))(x, XS)
    with pytest.raises(ValueError, match="staged"):
        T.jvp(lambda x: eval_jaxpr(closed.jaxpr, closed.consts, x, XS)[0], (x,),
              (np.float32(1),))


def test_custom_jvp_integer_argument():
    @T.custom_jvp
    def f(x, n):
        return x * lax.convert_element_type(n, np.float32)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, n), (tx, _) = primals, tangents
        return f(x, n), 3.0 * tx * lax.convert_element_type(n, np.float32)

    ns = np.array([1, 2, 3], np.int32)
    close(T.grad(total(f))(XS, ns), 3.0 * ns)
    close(vmap(T.grad(f))(XS, ns), 3.0 * ns)


def test_custom_jvp_under_staging():
    f = marked_sin()
    g = T.grad(total(f))
    closed = plax_core.make_jaxpr(g)(XS)
    close(eval_jaxpr(closed.jaxpr, closed.consts, XS)[0], 2 * np.cos(XS))
    closed = plax_core.make_jaxpr(vmap(f))(XS)
    h = lambda x: lax.reduce_sum(eval_jaxpr(closed.jaxpr, closed.consts, x)[0], (0,))  # noqa: E731
    close(T.grad(h)(XS), 2 * np.cos(XS))


# ------------------------------------------------------------------ custom_vjp

def marked_cube():
    @T.custom_vjp
    def cube(x):
        return x * x * x

    def fwd(x):
        return cube(x), x

    def bwd(x, g):
        return (30.0 * x * x * g,)      # marked: 10x the true derivative

    cube.defvjp(fwd, bwd)
    return cube


def test_custom_vjp_rule_used_inside_and_outside_vmap():
    cube = marked_cube()
    close(vmap(cube)(XS), XS ** 3)
    close(vmap(T.grad(cube))(XS), 30 * XS * XS)
    close(T.grad(total(cube))(XS), 30 * XS * XS)
    close(T.jacrev(vmap(cube))(XS), np.diag(30 * XS * XS))
    out, pullback = T.vjp(vmap(cube), XS)
    close(pullback(np.array([1.0, 2.0, 3.0], np.float32))[0], 30 * XS * XS * [1, 2, 3])
    m = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    close(T.grad(lambda m: lax.reduce_sum(vmap(vmap(cube))(m), (0, 1)))(m), 30 * m * m)
    close(vmap(T.grad(total(cube)))(m), 30 * m * m)


def test_custom_vjp_unbatched_argument_gets_the_summed_cotangent():
    @T.custom_vjp
    def mul(w, x):
        return w * x

    def fwd(w, x):
        return mul(w, x), (w, x)

    def bwd(res, g):
        w, x = res
        return 3.0 * x * g, 5.0 * w * g      # marked

    mul.defvjp(fwd, bwd)
    w = np.float32(2.0)
    close(T.grad(total(mul, in_axes=(None, 0)))(w, XS), 3.0 * XS.sum())
    close(T.grad(total(mul, in_axes=(None, 0)), argnums=1)(w, XS), np.full(3, 5.0 * w))
    close(vmap(T.grad(mul), in_axes=(None, 0))(w, XS), 3.0 * XS)
    ws = np.array([1.0, 2.0, 4.0], np.float32)
    close(T.grad(total(mul, in_axes=(0, None)), argnums=1)(ws, np.float32(0.5)),
          5.0 * ws.sum())


def test_custom_vjp_integer_argument_and_pytree_residuals():
    @T.custom_vjp
    def f(x, n):
        return x * lax.convert_element_type(n, np.float32)

    def fwd(x, n):
        return f(x, n), {"n": n, "x": x}

    def bwd(res, g):
        return 7.0 * lax.convert_element_type(res["n"], np.float32) * g, None

    f.defvjp(fwd, bwd)
    ns = np.array([1, 2, 3], np.int32)
    close(T.grad(total(f))(XS, ns), 7.0 * ns)
    close(T.grad(total(f, in_axes=(0, None)))(XS, np.int32(2)), np.full(3, 14.0))
    close(vmap(T.grad(f))(XS, ns), 7.0 * ns)


def test_custom_lin_batched_and_transposed():
    """A batched linear map through custom_lin still transposes with the user's bwd."""
    from plax_autodiff.tangents import UndefinedPrimal
    from plax_autodiff.transpose import backward_pass
    cube = marked_cube()
    aval = ShapedArray((3,), np.float32)
    ts = np.array([1.0, 2.0, 3.0], np.float32)
    ct = np.array([1.0, -1.0, 2.0], np.float32)

    # the residual (x) unbatched, the tangents batched
    x = np.float32(0.5)
    _, f_jvp = T.linearize(cube, x)
    closed = plax_core.make_jaxpr(vmap(f_jvp))(ts)
    assert "custom_lin" in str(closed)
    (got,) = backward_pass(closed.jaxpr, closed.consts, [UndefinedPrimal(aval)], [ct])
    close(got, 30 * x * x * ct)

    # the residuals batched too: linearize inside the vmap
    closed = plax_core.make_jaxpr(vmap(lambda x, t: T.linearize(cube, x)[1](t)))(XS, ts)
    assert "custom_lin" in str(closed)
    got = backward_pass(closed.jaxpr, closed.consts, [XS, UndefinedPrimal(aval)], [ct])
    close(got[1], 30 * XS * XS * ct)

    # evaluating it is forward mode of a custom_vjp function: JAX's error
    with pytest.raises(TypeError, match="forward-mode"):
        vmap(f_jvp)(ts)


def test_rules_with_per_example_reductions():
    """Rules whose per-example shapes matter (a reduction): they must run batched."""
    @T.custom_jvp
    def sum_sin(x):
        return lax.reduce_sum(lax.sin(x), (0,))

    @sum_sin.defjvp
    def sum_sin_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return sum_sin(x), 2.0 * lax.reduce_sum(lax.cos(x) * t, (0,))    # marked: 2x

    @T.custom_vjp
    def norm2(x):
        return lax.reduce_sum(x * x, (0,))

    def fwd(x):
        return norm2(x), x

    def bwd(x, g):
        return (3.0 * x * lax.broadcast_in_dim(g, x.shape, ()),)        # marked: 3x, not 2x

    norm2.defvjp(fwd, bwd)
    m = np.arange(12, dtype=np.float32).reshape(3, 4) / 10
    close(vmap(sum_sin)(m), np.sin(m).sum(1))
    close(vmap(T.grad(sum_sin))(m), 2 * np.cos(m))
    close(T.grad(total(sum_sin))(m), 2 * np.cos(m))
    close(T.grad(total(sum_sin, in_axes=1))(m.T), 2 * np.cos(m.T))
    close(vmap(norm2)(m), (m * m).sum(1))
    close(vmap(T.grad(norm2))(m), 3 * m)
    close(T.grad(total(norm2))(m), 3 * m)
    close(T.grad(total(norm2, in_axes=1))(m.T), 3 * m.T)

    from plax_autodiff.tangents import UndefinedPrimal
    from plax_autodiff.transpose import backward_pass
    ct = np.array([1.0, -1.0, 2.0], np.float32)
    closed = plax_core.make_jaxpr(vmap(lambda x, t: T.linearize(norm2, x)[1](t)))(m, m)
    got = backward_pass(closed.jaxpr, closed.consts,
                        [m, UndefinedPrimal(ShapedArray(m.shape, np.float32))], [ct])
    close(got[1], 3 * m * ct[:, None])


# ------------------------------------------------------------------ checkpoint

def test_checkpoint_values_and_derivatives():
    g = T.checkpoint(lambda x: lax.sin(lax.sin(x)))
    expected = np.cos(np.sin(XS)) * np.cos(XS)
    close(vmap(g)(XS), np.sin(np.sin(XS)))
    close(vmap(T.grad(g))(XS), expected)
    close(T.grad(total(g))(XS), expected)
    closed = plax_core.make_jaxpr(T.grad(total(g)))(XS)
    assert str(closed).count(" sin ") == 3     # sin(x) recomputed in the backward pass
    close(eval_jaxpr(closed.jaxpr, closed.consts, XS)[0], expected)
    plain = plax_core.make_jaxpr(T.grad(total(lambda x: lax.sin(lax.sin(x)))))(XS)
    assert str(plain).count(" sin ") == 2


def test_checkpoint_with_batched_and_unbatched_closures():
    def per_example(x, c):
        return T.checkpoint(lambda y: lax.sin(y) * c)(x)

    cs = np.array([1.0, 2.0, 3.0], np.float32)
    close(vmap(per_example)(XS, cs), np.sin(XS) * cs)
    close(vmap(per_example, in_axes=(0, None))(XS, np.float32(2)), np.sin(XS) * 2)
    close(T.grad(total(per_example), argnums=(0, 1))(XS, cs)[1], np.sin(XS))
    close(T.grad(total(per_example, in_axes=(0, None)), argnums=1)(XS, np.float32(2)),
          np.sin(XS).sum())
    close(vmap(T.grad(per_example, argnums=1))(XS, cs), np.sin(XS))


def test_checkpoint_of_custom_functions():
    f, cube = marked_sin(), marked_cube()
    g = T.checkpoint(lambda x: cube(f(x)))
    s = np.sin(XS)
    close(T.grad(total(g))(XS), 30 * s * s * 2 * np.cos(XS))
    close(vmap(T.grad(g))(XS), 30 * s * s * 2 * np.cos(XS))
