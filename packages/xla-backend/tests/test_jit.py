"""jit: caching and retracing, static and donated arguments, pytrees, AOT, errors."""

import functools

import numpy as np
import pytest

import plax_core
from plax_core import lax, make_jaxpr
from plax_core.array import Array
from plax_core.config import config
from plax_core.core import ConcretizationTypeError
from plax_xla import DeletedArrayError, jit


def arr(x, dtype=np.float32):
    return plax_core.device_put(np.asarray(x, dtype))


class Counter:
    """A function that counts how often it is traced (run in Python)."""

    def __init__(self, fun):
        self.fun, self.n = fun, 0
        functools.update_wrapper(self, fun)

    def __call__(self, *args, **kwargs):
        self.n += 1
        return self.fun(*args, **kwargs)


def test_matches_eager():
    x = arr(np.linspace(-2, 2, 12).reshape(3, 4))
    f = lambda x: x * x + x * 2.0  # noqa: E731
    np.testing.assert_allclose(np.asarray(jit(f)(x)), np.asarray(f(x)), rtol=1e-6)
    out = jit(f)(x)
    assert isinstance(out, Array) and out.dtype == np.float32 and out.shape == (3, 4)


def test_cache_hit_and_retrace_on_new_shape_and_dtype():
    f = Counter(lambda x: lax.sin(x) * 2.0)
    g = jit(f)
    g(arr([1.0, 2.0]))
    g(arr([3.0, 4.0]))
    assert f.n == 1 and g._cache_size() == 1           # same avals: cached
    g(arr([1.0, 2.0, 3.0]))
    assert f.n == 2                                     # new shape: retrace
    g(arr([1.0, 2.0], np.float16))
    assert f.n == 3                                     # new dtype: retrace
    g(arr([5.0, 6.0]))
    assert f.n == 3 and g._cache_size() == 3


def test_python_scalars_are_weak_and_share_a_trace():
    f = Counter(lambda x, y: x * y)
    g = jit(f)
    out = g(arr([1.0, 2.0]), 3.0)
    g(arr([1.0, 2.0]), 4.0)
    assert f.n == 1 and out.dtype == np.float32 and not out.weak_type
    np.testing.assert_allclose(np.asarray(g(arr([1.0, 2.0]), 4.0)), [4.0, 8.0])
    weak = jit(lambda a: a + 1)(2.0)
    assert weak.weak_type and weak.dtype == np.float32 and float(weak) == 3.0
    g(arr([1.0, 2.0]), np.float32(4.0))                 # a strong scalar: new aval
    assert f.n == 2


def test_retrace_on_config_change():
    f = Counter(lambda x: x + 1)
    g = jit(f)
    g(arr([1.0]))
    with config.override(enable_x64=True):
        g(arr([1.0]))
    assert f.n == 2


def test_static_argnums_and_argnames():
    f = Counter(lambda x, n, *, mode="add": x + n if mode == "add" else x * n)
    g = jit(f, static_argnums=1, static_argnames="mode")
    x = arr([1.0, 2.0])
    np.testing.assert_allclose(np.asarray(g(x, 2)), [3.0, 4.0])
    g(x, 2)
    assert f.n == 1
    np.testing.assert_allclose(np.asarray(g(x, 3, mode="mul")), [3.0, 6.0])
    assert f.n == 2
    h = jit(lambda x, reps: x * len(reps), static_argnames="reps")
    assert float(h(arr(1.0), reps=(1, 2, 3))) == 3.0
    assert float(h(arr(1.0), (1, 2))) == 2.0           # a static name passed by position


def test_unhashable_static_argument_is_a_clear_error():
    g = jit(lambda x, shape: x, static_argnums=1)
    with pytest.raises(ValueError, match=r"Non-hashable static arguments.*list.*tuple"):
        g(arr([1.0]), [1, 2])


def test_invalid_argument_type():
    with pytest.raises(TypeError, match=r"not a valid plax array type.*static_argnums"):
        jit(lambda x, s: x)(arr(1.0), "hello")


def test_pytrees_in_and_out():
    @jit
    def f(params, xs, scale=1.0):
        return {"out": (params["w"] * xs[0] + params["b"]) * scale, "aux": [xs[1], None]}

    params = {"w": arr([2.0]), "b": arr([1.0])}
    out = f(params, (arr([3.0]), arr([5.0])), scale=2.0)
    assert set(out) == {"out", "aux"} and out["aux"][1] is None
    np.testing.assert_allclose(np.asarray(out["out"]), [14.0])
    np.testing.assert_allclose(np.asarray(out["aux"][0]), [5.0])


def test_decorator_forms_and_methods():
    @functools.partial(jit, static_argnums=(1,))
    def f(x, k):
        return x * k

    @jit(static_argnames="k")
    def g(x, k):
        return x + k

    class Model:
        def __init__(self, scale):
            self.scale = scale

        @functools.partial(jit, static_argnums=0)
        def apply(self, x):
            return x * self.scale

        def __hash__(self):
            return hash(self.scale)

        def __eq__(self, other):
            return isinstance(other, Model) and other.scale == self.scale

    assert float(f(arr(2.0), 3)) == 6.0
    assert float(g(arr(2.0), k=3)) == 5.0
    assert float(Model(4.0).apply(arr(2.0))) == 8.0
    assert jit(f).__name__ == "f" and "jitted" in repr(jit(lambda x: x))


def test_nested_jit_is_one_program_calling_the_inner_one():
    inner = jit(lambda x: lax.exp(x))
    outer = jit(lambda x: inner(x) + inner(2.0 * x))
    x = arr([0.0, 1.0])
    np.testing.assert_allclose(np.asarray(outer(x)), np.exp([0, 1]) + np.exp([0, 2]),
                               rtol=1e-6)
    (call,) = make_jaxpr(outer)(x).eqns            # as JAX: jit[name=<lambda> jaxpr=...]
    body = call.params["jaxpr"]
    assert [e.primitive.name for e in body.eqns].count("jit") == 2
    assert [e.params["jaxpr"].eqns[0].primitive.name for e in body.eqns
            if e.primitive.name == "jit"] == ["exp", "exp"]
    text = outer.lower(x).as_text()                # the inner body lowered once
    assert text.count("stablehlo.exponential") == 1 and text.count('"func.call"') == 2


def test_closed_over_constants():
    table = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    on_device = arr(table)
    f = jit(lambda x: x + table + on_device + np.float32(0.5))
    np.testing.assert_allclose(np.asarray(f(arr(np.ones((2, 3))))), 2 * table + 1.5)


def test_outputs_that_are_inputs_or_constants():
    f = jit(lambda x, y: (x, 3.0, y, x))
    x, y = arr([1.0]), arr([2], np.int32)
    a, b, c, d = f(x, y)
    assert np.asarray(a).tolist() == [1.0] and float(b) == 3.0 and b.weak_type
    assert c.dtype == np.int32 and np.asarray(d).tolist() == [1.0]
    assert jit(lambda: ())() == ()


def test_zero_size_and_x64():
    f = jit(lambda x: x.sum(0) if hasattr(x, "sum") else lax.reduce_sum(x, (0,)))
    assert f(arr(np.zeros((0, 3)))).shape == (3,)
    with config.override(enable_x64=True):
        x = plax_core.device_put(np.arange(3, dtype=np.float64))
        out = jit(lambda x: x * 1e-300)(x)
        assert out.dtype == np.float64 and np.asarray(out)[1] == 1e-300


def test_lower_as_text_and_compile():
    f = jit(lambda x, y: lax.dot_general(x, y, (((1,), (0,)), ((), ()))))
    x, y = arr(np.ones((2, 3))), arr(np.ones((3, 4)))
    lowered = f.lower(x, y)
    text = lowered.as_text()
    assert "stablehlo.dot_general" in text and "tensor<2x3xf32>" in text
    compiled = lowered.compile()
    np.testing.assert_allclose(np.asarray(compiled(x, y)), 3 * np.ones((2, 4)))
    # Compiled.as_text is XLA's optimized HLO, as in JAX (Lowered.as_text is StableHLO)
    hlo = compiled.as_text()
    assert hlo.startswith("HloModule jit_") and "ENTRY" in hlo and "f32[2,3]" in hlo
    assert "stablehlo" not in hlo
    # abstract arguments, as JAX's lower/trace/eval_shape take them
    sds = plax_core.ShapeDtypeStruct((2, 3), np.float32)
    assert f.lower(sds, y).as_text() == text
    assert f.eval_shape(sds, y).shape == (2, 4) and f.trace(sds, y).out_avals[0].shape == (2, 4)
    with pytest.raises(TypeError, match="not a valid plax array type"):
        f(sds, y)                                  # a call needs values
    with pytest.raises(TypeError, match="compiled for arguments"):
        compiled(y, x)
    shapes = f.eval_shape(x, y)
    assert shapes.shape == (2, 4) and shapes.dtype == np.float32
    assert str(f.trace(x, y)).count("dot_general") == 1


def test_concretization_error_names_function_argument_and_fix():
    def relu_branch(x, y):
        if (x * 2.0).sum() > 0:
            return x
        return y

    with pytest.raises(ConcretizationTypeError) as info:
        jit(relu_branch)(arr([1.0]), arr([2.0]))
    msg = str(info.value)
    assert "relu_branch" in msg and "'x'" in msg and "'y'" not in msg.split("Fixes")[0]
    assert "lax.cond" in msg and "static_arg" in msg


def test_shape_error_is_reported_at_trace_time():
    f = jit(lambda x, y: lax.add(x, y))
    with pytest.raises(TypeError, match="incompatible shapes"):
        f(arr(np.ones(3)), arr(np.ones(4)))


def test_donation_deletes_the_donated_input():
    f = jit(lambda x, y: x + y, donate_argnums=0)
    x, y = arr([1.0, 2.0]), arr([3.0, 4.0])
    out = f(x, y)
    np.testing.assert_allclose(np.asarray(out), [4.0, 6.0])
    np.testing.assert_allclose(np.asarray(y), [3.0, 4.0])
    assert x._value.is_deleted()
    with pytest.raises(DeletedArrayError, match="donated"):
        np.asarray(x)
    with pytest.raises(DeletedArrayError):
        f(x, y)


def test_jit_on_the_numpy_backend_just_calls_the_function():
    with config.override(platforms="numpy"):
        out = jit(lambda x: x * 2.0)(plax_core.device_put(np.ones(2, np.float32)))
        assert plax_core.get_backend().name == "numpy"
        assert out._backend.name == "numpy"
    assert plax_core.get_backend().name == "xla"


def test_kwargs_and_integer_boolean_arguments():
    f = jit(lambda x, *, flag, n: lax.select_n(flag, x, x + n))
    x = arr([1, 2], np.int32)
    out = f(x, flag=arr([True, False], np.bool_), n=arr(10, np.int32))
    assert out.tolist() == [11, 2]


def test_vmap_of_jit_and_jit_of_vmap(require):
    vmap = require("vmap")
    f = jit(lambda x, y: lax.dot_general(x, y, (((0,), (0,)), ((), ()))))
    xs, ys = arr(np.arange(12.0).reshape(4, 3)), arr(np.ones((4, 3)))
    expected = np.arange(12.0).reshape(4, 3).sum(1)
    np.testing.assert_allclose(np.asarray(vmap(f)(xs, ys)), expected)
    np.testing.assert_allclose(np.asarray(jit(vmap(f))(xs, ys)), expected)
    np.testing.assert_allclose(np.asarray(jit(vmap(f, in_axes=(0, None)))(xs, ys[0])),
                               expected)
