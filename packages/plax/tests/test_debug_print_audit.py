"""debug.print under more compositions than test_callbacks.py: eager control flow,
vmap of cond (batched and unbatched predicate), of scan, of while_loop and of
vmap, grad of scan, jit(vmap(grad)), ordered prints, fori_loop, and the dtypes and
format specs JAX's formatting handles.

The expected texts were obtained by running the same programs with JAX 0.10.2 (and
``jax.effects_barrier()``) outside this repository; they are pinned here as data.
"""

import numpy as np
import pytest

import plax
import plax.debug
from plax import grad, jit, lax, vmap

dprint = plax.debug.print


def _cond(p, x):
    return lax.cond(p, lambda x: (dprint("true {}", x), x)[1],
                    lambda x: (dprint("false {}", x), x)[1], x)


def _scan_body(c, x):
    dprint("c={} x={}", c, x)
    return c + x, c * x


def _while_body(c):
    dprint("i={}", c)
    return c + 1


X = np.arange(3.0, dtype=np.float32)
M = np.arange(6.0, dtype=np.float32).reshape(3, 2)
F2 = np.array([1.0, 2.0], np.float32)

# name -> (program, JAX 0.10.2's output)
CASES = {
    "eager_cond": (lambda: _cond(True, 1.5), "true 1.5\n"),
    "eager_cond_false": (lambda: _cond(False, np.float32(2.0)), "false 2.0\n"),
    "eager_while": (lambda: lax.while_loop(lambda c: c < 3, _while_body, 0),
                    "i=0\ni=1\ni=2\n"),
    # a batched predicate runs both branches (a select), each once per example
    "vmap_cond_batched_pred": (lambda: vmap(_cond)(np.array([True, False]), F2),
                               "false 1.0\nfalse 2.0\ntrue 1.0\ntrue 2.0\n"),
    "vmap_cond_unbatched_pred": (lambda: vmap(_cond, in_axes=(None, 0))(True, F2),
                                 "true 1.0\ntrue 2.0\n"),
    "grad_scan": (lambda: grad(lambda xs: lax.scan(_scan_body, 1.0, xs)[0])(X),
                  "c=1.0 x=0.0\nc=1.0 x=1.0\nc=2.0 x=2.0\n"),
    "jit_grad_scan": (lambda: jit(grad(lambda xs: lax.scan(_scan_body, 1.0, xs)[0]))(X),
                      "c=1.0 x=0.0\nc=1.0 x=1.0\nc=2.0 x=2.0\n"),
    # a batched predicate: every example prints while any is still looping
    "vmap_while": (lambda: vmap(lambda n: lax.while_loop(lambda c: c < n, _while_body, 0))(
        np.array([1, 3], np.int32)), "i=0\ni=0\ni=1\ni=1\ni=1\ni=2\n"),
    "vmap_two_args": (lambda: vmap(lambda a, b: (dprint("a={} b={}", a, b), a)[1],
                                   in_axes=(0, None))(X, np.float32(7)),
                      "a=0.0 b=7.0\na=1.0 b=7.0\na=2.0 b=7.0\n"),
    "vmap_vmap": (lambda: vmap(vmap(lambda a: (dprint("{}", a), a)[1]))(M),
                  "0.0\n2.0\n4.0\n1.0\n3.0\n5.0\n"),
    "jit_vmap_grad": (lambda: jit(vmap(grad(lambda x: (dprint("x={}", x), x * x)[1])))(X),
                      "x=0.0\nx=1.0\nx=2.0\n"),
    "ordered": (lambda: jit(lambda x: [dprint("o{}", x + i, ordered=True)
                                       for i in range(3)] and x)(np.float32(1)),
                "o1.0\no2.0\no3.0\n"),
    "fori": (lambda: lax.fori_loop(0, 3, lambda i, c: (dprint("i={i} c={c}", i=i, c=c),
                                                       c + i)[1], 0),
             "i=0 c=0\ni=1 c=0\ni=2 c=1\n"),
    "f16_int8_uint32": (lambda: jit(lambda a, b, c: dprint("{} {} {}", a, b, c))(
        np.float16(1.5), np.arange(3, dtype=np.int8), np.array([1, 2], np.uint32)),
        "1.5 [0 1 2] [1 2]\n"),
    "complex_bool": (lambda: jit(lambda a, b: dprint("{} {}", a, b))(
        np.array([1 + 2j], np.complex64), np.array([True, False])), "[1.+2.j] [ True False]\n"),
    "format_spec": (lambda: jit(lambda a: dprint("{:>8.2f}|{!s}", a, a))(np.float32(3.14159)),
                    "    3.14|3.14159\n"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_debug_print_matches_jax(name, capsys):
    program, expected = CASES[name]
    program()
    plax.effects_barrier()
    assert capsys.readouterr().out == expected


def test_vmap_of_scan_prints_each_example_at_each_step(capsys):
    """JAX 0.10.2 printed ``c=0.0 x=0.0 / c=0.0 x=4.0 / c=0.0 x=2.0 / c=0.0 x=1.0 /
    c=4.0 x=5.0 / c=2.0 x=3.0``: the examples' (unordered) callbacks of one step come
    in XLA's schedule order, the steps in order.  Compare step by step."""
    vmap(lambda xs: lax.scan(_scan_body, 0.0, xs))(M)
    plax.effects_barrier()
    lines = capsys.readouterr().out.splitlines()
    steps = [sorted(lines[:3]), sorted(lines[3:])]
    assert steps == [["c=0.0 x=0.0", "c=0.0 x=2.0", "c=0.0 x=4.0"],
                     ["c=0.0 x=1.0", "c=2.0 x=3.0", "c=4.0 x=5.0"]]


def test_callbacks_have_run_when_the_call_returns(capsys):
    """plax-xla waits for a program's host callbacks before its call returns, so the
    output is there before effects_barrier (which then has nothing to wait for)."""
    jit(lambda x: (dprint("now {}", x), x)[1])(np.float32(4.0))
    assert capsys.readouterr().out == "now 4.0\n"
    plax.effects_barrier()
    assert capsys.readouterr().out == ""


# vmap_method -> (shapes the callback saw under jit(vmap(in_axes=(0, None))) over (3, 2)
# and (2,) float32, shapes under vmap(vmap(..., (0, None)), (None, 0)) over (2,) and
# (2,)), as JAX 0.10.2 calls it ("legacy_vectorized" fails nested in JAX too: the
# unbatched operand keeps its shape and the result does not fit)
PURE_VMAP = {
    "sequential": ([((2,), (2,))] * 3, [((), ())] * 4),
    "sequential_unrolled": ([((2,), (2,))] * 3, [((), ())] * 4),
    "expand_dims": ([((3, 2), (1, 2))], [((1, 2), (2, 1))]),
    "broadcast_all": ([((3, 2), (3, 2))], [((2, 2), (2, 2))]),
    "legacy_vectorized": ([((3, 2), (2,))], None),
}


@pytest.mark.parametrize("method", sorted(PURE_VMAP))
def test_pure_callback_vmap_methods_flat_and_nested(method):
    shapes = []

    def cb(x, y):
        shapes.append((np.shape(x), np.shape(y)))
        return np.asarray(x) + np.asarray(y)

    a = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    b = np.array([10.0, 20.0], np.float32)
    flat, nested = PURE_VMAP[method]
    f = vmap(lambda x, y: plax.pure_callback(cb, plax.ShapeDtypeStruct((2,), np.float32),
                                             x, y, vmap_method=method), in_axes=(0, None))
    np.testing.assert_array_equal(np.asarray(jit(f)(a, b)), a + b)
    assert shapes == flat
    shapes.clear()
    g = vmap(vmap(lambda x, y: plax.pure_callback(cb, plax.ShapeDtypeStruct((), np.float32),
                                                  x, y, vmap_method=method),
                  in_axes=(0, None)), in_axes=(None, 0))
    if nested is None:
        with pytest.raises(RuntimeError, match="Incorrect output shape"):
            g(a[0], b)
        return
    np.testing.assert_array_equal(np.asarray(g(a[0], b)), a[0][None, :] + b[:, None])
    assert shapes == nested
