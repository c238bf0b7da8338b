"""debug.print, debug.callback, pure_callback and io_callback under every transformation.

The expected texts were obtained by running the same programs with JAX 0.10.2 (and
``jax.effects_barrier()``) outside this repository; they are pinned here as data.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

import plax
import plax.debug
import plax.experimental
from plax import grad, jit, lax, vmap
from plax_core import ShapeDtypeStruct
from plax_core.callbacks import effects_barrier, pure_callback

X = np.array([1.0, 2.5, 3.0], np.float32)


def _three_prints(x):
    plax.debug.print("x = {}", x)
    plax.debug.print("x={x} y={y}", x=x, y=x * 2)
    plax.debug.print("{0} and {1:.3f}", x[0], x[1])
    return x * 2


def _sin_print(x):
    plax.debug.print("x: {}", x)
    return lax.sin(x)


def _scan_body(c, xs):
    plax.debug.print("c={} x={}", c, xs)
    return c + xs, c


def _while_body(c):
    plax.debug.print("i={}", c)
    return c + 1


def _cond(p, x):
    return lax.cond(p, lambda x: (plax.debug.print("true {}", x), x)[1],
                    lambda x: (plax.debug.print("false {}", x), x)[1], x)


# name -> (program, JAX 0.10.2's output)
CASES = {
    "eager": (lambda: _three_prints(X),
              "x = [1.  2.5 3. ]\nx=[1.  2.5 3. ] y=[2. 5. 6.]\n1.0 and 2.500\n"),
    "jit": (lambda: jit(_three_prints)(X),
            "x = [1.  2.5 3. ]\nx=[1.  2.5 3. ] y=[2. 5. 6.]\n1.0 and 2.500\n"),
    "vmap": (lambda: vmap(lambda r: (plax.debug.print("row {}", r), r)[1])(
        np.arange(6.0, dtype=np.float32).reshape(3, 2)),
        "row [0. 1.]\nrow [2. 3.]\nrow [4. 5.]\n"),
    "jit_vmap_kwarg": (lambda: jit(vmap(lambda r: (plax.debug.print("v={v}", v=r), r)[1]))(
        np.arange(3)), "v=0\nv=1\nv=2\n"),
    "grad": (lambda: grad(_sin_print)(2.0), "x: 2.0\n"),
    "jit_grad": (lambda: jit(grad(_sin_print))(2.0), "x: 2.0\n"),
    "scan": (lambda: lax.scan(_scan_body, 0.0, np.arange(3.0, dtype=np.float32)),
             "c=0.0 x=0.0\nc=0.0 x=1.0\nc=1.0 x=2.0\n"),
    "jit_scan": (lambda: jit(lambda xs: lax.scan(_scan_body, 0.0, xs))(
        np.arange(3.0, dtype=np.float32)), "c=0.0 x=0.0\nc=0.0 x=1.0\nc=1.0 x=2.0\n"),
    "jit_cond": (lambda: jit(_cond)(True, 1.5), "true 1.5\n"),
    "jit_while": (lambda: jit(lambda n: lax.while_loop(lambda c: c < n, _while_body, 0))(3),
                  "i=0\ni=1\ni=2\n"),
    "ints_bools": (lambda: jit(lambda a, b: (plax.debug.print("{} {} {}", a, b,
                                                              np.int32(7)), a)[1])(
        np.arange(4).reshape(2, 2), True), "[[0 1]\n [2 3]] True 7\n"),
    "f32_scalar": (lambda: jit(lambda a: (plax.debug.print("{}", a), a)[1])(np.float32(0.1)),
                   "0.10000000149011612\n"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_debug_print_matches_jax(name, capsys):
    program, expected = CASES[name]
    program()
    effects_barrier()
    assert capsys.readouterr().out == expected


NUMPY_PROGRAM = """
import numpy as np
import plax, plax.debug
from plax import grad, jit, lax, vmap
import plax_core
assert type(plax_core.get_backend()).__name__ == "NumpyBackend"
def g(x):
    plax.debug.print("x: {}", x)
    return lax.sin(x)
def body(c, xs):
    plax.debug.print("c={} x={}", c, xs)
    return c + xs, c
jit(lambda x: plax.debug.print("{0} and {1:.3f}", x[0], x[1]))(np.array([1.0, 2.5], np.float32))
rows = np.arange(4.0, dtype=np.float32).reshape(2, 2)
vmap(lambda r: (plax.debug.print("row {}", r), r)[1])(rows)
grad(g)(2.0)
lax.scan(body, 0.0, np.arange(3.0, dtype=np.float32))
"""


def test_debug_print_on_the_numpy_backend():
    env = {**os.environ, "PLAX_PLATFORMS": "numpy"}
    out = subprocess.run([sys.executable, "-c", NUMPY_PROGRAM], env=env, check=True,
                         capture_output=True, text=True).stdout
    assert out == ("1.0 and 2.500\nrow [0. 1.]\nrow [2. 3.]\nx: 2.0\n"
                   "c=0.0 x=0.0\nc=0.0 x=1.0\nc=1.0 x=2.0\n")


def test_debug_print_is_not_dropped_and_keeps_order(capsys):
    def f(x):
        for i in range(6):
            plax.debug.print("step {i}: {}", x + i, i=i)   # results unused
        return x
    jaxpr = plax.make_jaxpr(f)(1.0)
    assert sum(e.primitive.name == "debug_callback" for e in jaxpr.jaxpr.eqns) == 6
    jit(f)(1.0)
    assert capsys.readouterr().out == "".join(f"step {i}: {1.0 + i}\n" for i in range(6))


def test_debug_print_in_grad_of_discarded_value(capsys):
    def f(x):
        plax.debug.print("y={}", x * 3.0)    # in the forward pass only, never DCE'd
        return x * x
    assert float(jit(grad(f))(2.0)) == 4.0
    assert capsys.readouterr().out == "y=6.0\n"


def test_debug_callback_gets_numpy_values_and_static_leaves():
    seen = []
    jit(lambda x: (plax.debug.callback(lambda a, tag: seen.append((tag, a.tolist())),
                                       x, "tag"), x)[1])(X)
    assert seen == [("tag", X.tolist())]


def _record(shapes):
    def cb(x, y):
        shapes.append((np.shape(x), np.shape(y)))
        return np.asarray(x) + np.asarray(y)
    return cb


# vmap_method -> the shapes the callback saw, as JAX 0.10.2 calls it for
# vmap(in_axes=(0, None)) over (3, 2) and (2,) float32 arguments
VMAP_SHAPES = {
    "sequential": [((2,), (2,))] * 3,
    "expand_dims": [((3, 2), (1, 2))],
    "broadcast_all": [((3, 2), (3, 2))],
}


@pytest.mark.parametrize("method", sorted(VMAP_SHAPES))
@pytest.mark.parametrize("jitted", [False, True])
def test_pure_callback_vmap_methods(method, jitted):
    shapes = []
    a = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    b = np.array([10.0, 20.0], np.float32)
    f = vmap(lambda x, y: pure_callback(_record(shapes), ShapeDtypeStruct((2,), np.float32),
                                        x, y, vmap_method=method), in_axes=(0, None))
    out = (jit(f) if jitted else f)(a, b)
    np.testing.assert_array_equal(np.asarray(out), a + b)
    assert shapes == VMAP_SHAPES[method]


def test_pure_callback_results_and_pytrees():
    def cb(d):
        return {"s": np.sin(d["x"]), "n": np.int32(d["x"].size)}
    out = jit(lambda x: pure_callback(cb, {"s": ShapeDtypeStruct((3,), np.float32),
                                                "n": ShapeDtypeStruct((), np.int32)},
                                           {"x": x}))(X)
    np.testing.assert_allclose(np.asarray(out["s"]), np.sin(X), rtol=1e-6)
    assert int(out["n"]) == 3 and out["n"].dtype == np.int32


def test_pure_callback_errors_are_jaxs():
    with pytest.raises(NotImplementedError, match="Got vmap_method=None"):
        vmap(lambda x: pure_callback(lambda x: x, ShapeDtypeStruct((), np.float32), x))(X)
    with pytest.raises(ValueError, match="Pure callbacks do not support JVP"):
        grad(lambda x: pure_callback(lambda x: x, ShapeDtypeStruct((), np.float32), x,
                                     vmap_method="sequential"))(1.0)
    wrong = "Incorrect output shape for return value #0: Expected: \\(3,\\), Actual: \\(2,\\)"
    for run in (lambda f: f(X), lambda f: jit(f)(X)):
        with pytest.raises(RuntimeError, match=wrong):
            run(lambda x: pure_callback(lambda x: np.zeros(2, np.float32),
                                        ShapeDtypeStruct((3,), np.float32), x))
    # a wrong dtype is cast, as JAX does
    out = jit(lambda x: pure_callback(lambda x: np.zeros(3, np.float64),
                                      ShapeDtypeStruct((3,), np.float32), x))(X)
    assert out.dtype == np.float32


def test_io_callback():
    log = []

    def cb(x):
        log.append(float(x))
        return np.float32(x) * 2

    f = jit(lambda x: plax.experimental.io_callback(cb, ShapeDtypeStruct((), np.float32), x,
                                                    ordered=True) + 1.0)
    assert float(f(1.5)) == 4.0 and log == [1.5]
    with pytest.raises(ValueError, match="Cannot `vmap` ordered IO callback."):
        vmap(lambda x: plax.experimental.io_callback(cb, ShapeDtypeStruct((), np.float32),
                                                     x, ordered=True))(X)
    with pytest.raises(ValueError, match="IO callbacks do not support JVP."):
        grad(lambda x: plax.experimental.io_callback(cb, ShapeDtypeStruct((), np.float32),
                                                     x))(1.0)
    log.clear()
    out = vmap(lambda x: plax.experimental.io_callback(cb, ShapeDtypeStruct((), np.float32),
                                                       x))(X)
    np.testing.assert_array_equal(np.asarray(out), X * 2)
    assert log == X.tolist()
