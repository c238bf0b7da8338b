"""The public transformations: JAX's README examples, pytrees, argnums, aux outputs,
Python control flow, higher orders, perturbation confusion, jacobians, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import plax_autodiff as ad
import plax_core
from plax_autodiff.test_util import check_grads
from plax_core import lax
from plax_core.config import config


@pytest.fixture
def x64():
    with config.override(enable_x64=True):
        yield


def tanh(x):
    y = lax.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)


def close(a, b, **kw):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), **kw)


# ---------------------------------------------------------------- README examples

def test_readme_grad_tanh_float32():
    g = ad.grad(tanh)(1.0)
    assert np.asarray(g).dtype == np.float32
    close(g, 0.41997434, rtol=1e-6)
    close(ad.grad(ad.grad(ad.grad(tanh)))(1.0), 0.62162673, rtol=1e-5)


def test_readme_grad_tanh_float64(x64):
    g = ad.grad(tanh)(1.0)
    assert np.asarray(g).dtype == np.float64
    close(g, 1 - np.tanh(1.0) ** 2, rtol=1e-14)
    close(g, 0.41997434161402614, rtol=1e-14)


def abs_val(x):
    if x > 0:
        return x
    else:
        return -x


def test_readme_abs_val_python_control_flow():
    abs_val_grad = ad.grad(abs_val)
    assert float(abs_val_grad(1.0)) == 1.0
    assert float(abs_val_grad(-1.0)) == -1.0


def test_readme_hessian_composition():
    jit = lambda f: f   # noqa: E731  (identity until plax-xla lands)

    def hessian(fun):
        return jit(ad.jacfwd(ad.jacrev(fun)))

    def f(x):
        return lax.reduce_sum(lax.mul(lax.mul(x, x), x), (0,))

    x = np.array([1.0, 2.0, 3.0], np.float32)
    close(hessian(f)(x), np.diag(6 * x), rtol=1e-6)
    close(ad.hessian(f)(x), np.diag(6 * x), rtol=1e-6)


# ------------------------------------------------------------------ basic API

def test_jvp_and_linearize(x64):
    x = np.array([0.1, 0.5, 2.0])
    t = np.array([1.0, -1.0, 0.5])
    y, y_dot = ad.jvp(lax.sin, (x,), (t,))
    close(y, np.sin(x))
    close(y_dot, np.cos(x) * t)
    y2, f_jvp = ad.linearize(lax.sin, x)
    close(y2, np.sin(x))
    close(f_jvp(t), np.cos(x) * t)
    close(f_jvp(2 * t), 2 * np.cos(x) * t)


def test_vjp_pytrees(x64):
    def f(params, x):
        return {"out": params["w"] * x + params["b"], "sq": x * x}

    params = {"w": np.array([1.0, 2.0]), "b": np.array([0.5, -0.5])}
    x = np.array([3.0, 4.0])
    out, vjp_fun = ad.vjp(f, params, x)
    ct = {"out": np.array([1.0, 1.0]), "sq": np.array([0.0, 1.0])}
    g_params, g_x = vjp_fun(ct)
    close(g_params["w"], x)
    close(g_params["b"], [1.0, 1.0])
    close(g_x, params["w"] + np.array([0.0, 2 * 4.0]))


def test_grad_argnums_and_has_aux(x64):
    def f(x, y, z):
        return x * y * z, {"aux": x + 1}

    gx, aux = ad.grad(f, has_aux=True)(2.0, 3.0, 4.0)
    assert float(gx) == 12.0 and float(aux["aux"]) == 3.0
    g, aux = ad.grad(f, argnums=(0, 2), has_aux=True)(2.0, 3.0, 4.0)
    assert isinstance(g, tuple) and [float(v) for v in g] == [12.0, 6.0]
    g = ad.grad(lambda x, y: x * y, argnums=-1)(2.0, 5.0)
    assert float(g) == 2.0
    (v, aux), g = ad.value_and_grad(f, argnums=1, has_aux=True)(2.0, 3.0, 4.0)
    assert float(v) == 24.0 and float(g) == 8.0 and float(aux["aux"]) == 3.0
    v, g = ad.value_and_grad(lambda x: x * x)(3.0)
    assert (float(v), float(g)) == (9.0, 6.0)


def test_grad_of_pytree_input_and_kwargs(x64):
    def loss(params, scale=1.0):
        return scale * lax.reduce_sum(params["a"] * params["a"], (0,)) + params["b"][0] ** 3

    params = {"a": np.array([1.0, 2.0]), "b": [np.float64(2.0)]}
    g = ad.grad(loss)(params, scale=2.0)
    close(g["a"], [4.0, 8.0])
    close(g["b"][0], 12.0)


def test_integer_inputs_allow_int():
    g = ad.grad(lambda x, n: x * n, argnums=(0, 1), allow_int=True)(2.0, 3)
    assert float(g[0]) == 3.0
    assert np.asarray(g[1]).dtype == ad.float0
    y, t = ad.jvp(lambda x, n: x * n, (2.0, 3), (1.0, np.zeros((), ad.float0)))
    assert float(t) == 3.0


def test_jvp_of_integer_output_is_float0():
    y, t = ad.jvp(lambda x: lax.convert_element_type(x, np.int32), (2.5,), (1.0,))
    assert int(y) == 2 and t.dtype == ad.float0


def test_stop_gradient_exported():
    f = lambda x: x * ad.stop_gradient(x)   # noqa: E731
    assert float(ad.grad(f)(3.0)) == 3.0


# ------------------------------------------- control flow, closures, recursion

def test_python_loops_and_recursion(x64):
    def power(x, n):
        return x if n == 1 else x * power(x, n - 1)

    assert float(ad.grad(power)(2.0, 5)) == 5 * 2.0 ** 4

    def loop(x):
        acc = x
        for i in range(4):
            acc = lax.sin(acc) if i % 2 else acc * x
        return acc

    check_grads(loop, (0.7,), order=2)

    def while_loop(x):
        while x < 10.0:
            x = x * 2.0
        return x

    assert float(ad.grad(while_loop)(3.0)) == 4.0


def test_closures(x64):
    def make(a):
        return lambda x: a * lax.sin(x)

    assert float(ad.grad(make(2.0))(0.0)) == 2.0
    g = ad.grad(lambda a: ad.grad(make(a))(0.0))(3.0)
    assert float(g) == 1.0


def test_third_and_fourth_derivatives(x64):
    f = lax.sin
    x = 0.3
    close(ad.grad(ad.grad(ad.grad(f)))(x), -np.cos(x))
    close(ad.grad(ad.grad(ad.grad(ad.grad(f))))(x), np.sin(x))
    df3 = ad.jacfwd(ad.grad(ad.jacrev(f)))
    close(df3(x), -np.cos(x))
    check_grads(tanh, (0.4,), order=3)


# ------------------------------------------------------- perturbation confusion

def test_perturbation_confusion_classic():
    assert float(ad.grad(lambda x: ad.grad(lambda y: x * y)(2.0))(3.0)) == 1.0


def test_perturbation_confusion_variants():
    # d/dx (x * d/dy (x + y)) = 1
    f = lambda x: x * ad.grad(lambda y: x + y)(1.0)      # noqa: E731
    assert float(ad.grad(f)(3.0)) == 1.0
    # forward over forward
    g = lambda x: ad.jvp(lambda y: x * y, (2.0,), (1.0,))[1]   # noqa: E731
    assert float(ad.jvp(g, (3.0,), (1.0,))[1]) == 1.0
    # forward over reverse and reverse over forward
    assert float(ad.jvp(lambda x: ad.grad(lambda y: x * y)(2.0), (3.0,), (1.0,))[1]) == 1.0
    assert float(ad.grad(lambda x: ad.jvp(lambda y: x * y, (2.0,), (1.0,))[1])(3.0)) == 1.0

    # nested closures three deep
    def h(x):
        def inner(y):
            return ad.grad(lambda z: x * y * z)(1.0)
        return ad.grad(inner)(2.0)
    assert float(ad.grad(h)(5.0)) == 1.0


# ----------------------------------------------------------------- jacobians

def test_jacfwd_jacrev_agree_with_finite_differences(x64):
    def f(x, y):
        return {"a": lax.sin(x) * y[0], "b": lax.reduce_sum(x * x, (0,)) * y}

    x = np.array([0.3, -0.7, 1.1])
    y = np.array([2.0, -1.0])
    jf = ad.jacfwd(f, argnums=(0, 1))(x, y)
    jr = ad.jacrev(f, argnums=(0, 1))(x, y)
    for key in ("a", "b"):
        for i in range(2):
            close(jf[key][i], jr[key][i], rtol=1e-12, atol=1e-12)
    assert np.shape(jf["a"][0]) == (3, 3) and np.shape(jf["b"][1]) == (2, 2)
    # against central differences, column by column
    eps = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = eps
        fd = (np.asarray(f(x + e, y)["a"]) - np.asarray(f(x - e, y)["a"])) / (2 * eps)
        close(np.asarray(jf["a"][0])[:, j], fd, rtol=1e-6, atol=1e-8)


def test_jacobian_shapes_and_scalar_cases(x64):
    x = np.arange(6.0).reshape(2, 3)
    f = lambda x: lax.reshape(x * 2.0, (3, 2))   # noqa: E731
    assert np.shape(ad.jacfwd(f)(x)) == (3, 2, 2, 3)
    assert np.shape(ad.jacrev(f)(x)) == (3, 2, 2, 3)
    close(ad.jacfwd(lax.sin)(0.5), np.cos(0.5))
    close(ad.jacrev(lax.sin)(0.5), np.cos(0.5))
    h = ad.hessian(lambda x: lax.reduce_sum(lax.sin(x), (0, 1)))(x)
    assert np.shape(h) == (2, 3, 2, 3)
    close(np.asarray(h).reshape(6, 6), np.diag(-np.sin(x).ravel()), atol=1e-12)


def test_jacobian_has_aux(x64):
    jac, aux = ad.jacrev(lambda x: (lax.sin(x), x + 1), has_aux=True)(np.array([0.0, 1.0]))
    close(jac, np.diag(np.cos([0.0, 1.0])))
    close(aux, [1.0, 2.0])
    jac, aux = ad.jacfwd(lambda x: (lax.sin(x), x + 1), has_aux=True)(np.array([0.0, 1.0]))
    close(jac, np.diag(np.cos([0.0, 1.0])))


def test_hessian_of_quadratic_form(x64):
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    f = lambda x: lax.dot_general(x, lax.dot_general(A, x, (((1,), (0,)), ((), ()))),  # noqa
                                  (((0,), (0,)), ((), ())))
    close(ad.hessian(f)(np.array([0.5, -1.0])), 2 * A)


# ---------------------------------------------------------------------- errors

def test_grad_of_non_scalar_output():
    with pytest.raises(TypeError, match=r"scalar-output.*shape: \(3,\).*jacrev.*vjp"):
        ad.grad(lax.sin)(np.ones(3, np.float32))


def test_grad_of_non_float_output():
    with pytest.raises(TypeError, match="real-valued outputs.*int32"):
        ad.grad(lambda x: lax.convert_element_type(x, np.int32))(1.0)
    with pytest.raises(TypeError, match="holomorphic=True"):
        ad.grad(lambda x: lax.complex(x, x))(1.0)


def test_grad_with_integer_input():
    with pytest.raises(TypeError, match="grad requires real- or complex-valued inputs.*"
                                        "int32.*allow_int"):
        ad.grad(lambda x: x * 2)(3)


def test_argnums_out_of_range():
    with pytest.raises(TypeError, match=r"argnums=\(0, 3\) requires at least 4 positional "
                                        r"arguments.*only 2"):
        ad.grad(lambda x, y: x * y, argnums=(0, 3))(1.0, 2.0)
    with pytest.raises(TypeError, match="argnums=2 requires at least 3"):
        ad.jacrev(lambda x: x, argnums=2)(1.0)


def test_has_aux_wrong_structure():
    with pytest.raises(TypeError, match=r"has_aux=True requires .* to return a pair"):
        ad.grad(lambda x: x * 2.0, has_aux=True)(1.0)
    with pytest.raises(TypeError, match="has_aux=True.*tuple of length 3"):
        ad.vjp(lambda x: (x, x, x), 1.0, has_aux=True)


def test_non_array_output():
    with pytest.raises(TypeError, match="must return arrays"):
        ad.grad(lambda x: "hello")(1.0)


def test_jvp_argument_errors():
    with pytest.raises(TypeError, match="tuples or lists"):
        ad.jvp(lax.sin, 1.0, 1.0)
    with pytest.raises(ValueError, match="different primal and tangent shapes"):
        ad.jvp(lax.sin, (np.ones(3, np.float32),), (np.ones(2, np.float32),))
    with pytest.raises(TypeError, match="tangent dtype must be float0"):
        ad.jvp(lambda n: n, (np.int32(1),), (np.int32(1),))


def test_vjp_cotangent_errors():
    _, vjp_fun = ad.vjp(lax.sin, np.ones(3, np.float32))
    with pytest.raises(ValueError, match=r"Shape of cotangent.*\(2,\)"):
        vjp_fun(np.ones(2, np.float32))
    with pytest.raises(TypeError, match="Tree structure of cotangent"):
        vjp_fun((np.ones(3, np.float32),))


def test_missing_rule_names_primitive():
    weird = plax_core.Primitive("weird_op_without_rules")
    weird.def_abstract_eval(lambda x: x)
    weird.def_impl(lambda x: x)
    with pytest.raises(plax_core.MissingRuleError, match="'jvp'.*'weird_op_without_rules'"):
        ad.grad(lambda x: weird.bind(x))(1.0)


def test_control_flow_on_tangent_errors_clearly():
    def f(x):
        _, f_jvp = ad.linearize(lax.sin, x)
        t = f_jvp(x)
        return x if t > 0 else -x    # the tangent is a value here: fine

    assert float(f(0.5)) == 0.5
    with pytest.raises(plax_core.ConcretizationTypeError):
        plax_core.make_jaxpr(lambda x: ad.grad(abs_val)(x))(1.0)


def test_escaped_tracer_is_an_error():
    leaked = []

    def f(x):
        leaked.append(x)
        return x * 2.0

    ad.grad(f)(1.0)
    with pytest.raises(plax_core.EscapedTracerError):
        ad.grad(lambda y: y * leaked[0])(1.0)


def test_transformations_registered():
    registry = plax_core.get_registry()
    for name in ("grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "hessian",
                 "linearize"):
        assert registry.transformations[name] is getattr(ad, name)


def test_jacobians_without_vmap(monkeypatch, x64):
    """The loop over basis vectors (used while no real vmap is installed)."""
    import plax_autodiff.api as api
    monkeypatch.setattr(api, "_real_vmap", lambda: None)
    x = np.array([0.3, -0.7, 1.1])
    f = lambda x: lax.sin(x) * lax.reduce_sum(x, (0,))     # noqa: E731
    jf, jr = ad.jacfwd(f)(x), ad.jacrev(f)(x)
    expected = np.diag(np.cos(x) * x.sum()) + np.sin(x)[:, None]
    close(jf, expected, rtol=1e-12)
    close(jr, expected, rtol=1e-12)
    h = ad.hessian(lambda x: lax.reduce_sum(x * x * x, (0,)))(x)
    close(h, np.diag(6 * x), rtol=1e-12)
    assert np.shape(ad.jacfwd(f)(np.zeros(0))) == (0, 0)


def test_holomorphic_and_complex(x64):
    g = ad.grad(lambda z: z * z, holomorphic=True)(1.0 + 1.0j)
    close(g, 2.0 + 2.0j)
    with pytest.raises(TypeError, match="holomorphic=True requires inputs with complex"):
        ad.grad(lambda z: z * z, holomorphic=True)(1.0)
    jac = ad.jacfwd(lambda z: lax.exp(z), holomorphic=True)(np.array([0.5j, 1.0]))
    close(jac, np.diag(np.exp([0.5j, 1.0])))
    # a real function of a complex input (non-holomorphic) goes through vjp
    out, vjp_fun = ad.vjp(lambda z: lax.real(z * lax.conj(z)), 1.0 + 2.0j)
    close(out, 5.0)
    close(vjp_fun(1.0)[0], 2.0 - 4.0j)


def test_has_aux_everywhere(x64):
    f = lambda x: (lax.sin(x), {"twice": 2.0 * x})   # noqa: E731
    y, t, aux = ad.jvp(f, (0.5,), (1.0,), has_aux=True)
    close(t, np.cos(0.5))
    close(aux["twice"], 1.0)
    assert not isinstance(aux["twice"], plax_core.Tracer)
    y, f_jvp, aux = ad.linearize(f, 0.5, has_aux=True)
    close(f_jvp(2.0), 2 * np.cos(0.5))
    y, vjp_fun, aux = ad.vjp(f, 0.5, has_aux=True)
    close(vjp_fun(1.0)[0], np.cos(0.5))


def test_constant_tangent_from_custom_rule(x64):
    @ad.custom_jvp
    def f(x):
        return lax.sin(x)

    f.defjvp(lambda primals, tangents: (f(*primals), np.float64(7.0)))
    assert float(ad.jvp(f, (0.1,), (1.0,))[1]) == 7.0
    assert float(ad.grad(f)(0.1)) == 0.0       # a constant tangent is not linear in t


def test_partial_eval_jaxpr_splits_known_and_unknown(x64):
    from plax_autodiff.partial_eval import partial_eval_jaxpr
    closed = plax_core.make_jaxpr(lambda x, y: (lax.sin(x) * y, lax.cos(x)))(1.0, 2.0)
    known, unknown, out_unknowns, num_res = partial_eval_jaxpr(closed, [False, True])
    assert out_unknowns == [True, False]
    k_out = known(np.float64(0.3))
    close(k_out[0], np.cos(0.3))
    res = k_out[1:]
    assert len(res) == num_res == 1
    close(unknown(*res, np.float64(2.0))[0], np.sin(0.3) * 2.0)


def test_jvp_jaxpr(x64):
    from plax_autodiff.jvp import jvp_jaxpr
    closed = plax_core.make_jaxpr(lambda x, n: lax.sin(x) * n)(1.0, 2.0)
    jvp_closed, out_nz = jvp_jaxpr(closed, [True, False], instantiate_out=False)
    assert out_nz == [True]
    y, t = jvp_closed(np.float64(0.4), np.float64(3.0), np.float64(1.0))
    close(y, np.sin(0.4) * 3.0)
    close(t, np.cos(0.4) * 3.0)
