"""vmap's API: in_axes/out_axes pytrees, axis_size, nesting, staging, the README MLP, errors."""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
from plax_batching import BatchTracer, batch_jaxpr, batch_jaxpr_out_dims, vmap
from plax_core import lax
from plax_core.core import Primitive
from plax_core.registry import MissingRuleError

F32 = np.float32


def rnd(*shape, seed=0):
    return np.random.default_rng(seed + sum(shape)).normal(size=shape).astype(F32)


def loop(f, *args, in_axes, size):
    """The oracle: f on each example (unmapped arguments as they are), stacked on axis 0."""
    outs = []
    for b in range(size):
        ex = [a if ax is None else np.take(a, b, axis=ax) for a, ax in zip(args, in_axes)]
        outs.append(f(*ex))
    return plax_core.tree_util.tree_map(lambda *xs: np.stack([np.asarray(x) for x in xs]),
                                        *outs)


# ------------------------------------------------------------------ in_axes / out_axes

def test_default_maps_leading_axis():
    x, y = rnd(4, 3), rnd(4, 3, seed=1)
    np.testing.assert_array_equal(vmap(lax.mul)(x, y), x * y)


@pytest.mark.parametrize("axes", [(0, 0), (1, None), (-1, 0), (None, -2), [0, 1]])
def test_in_axes_positions(axes):
    ex = [rnd(3, 3), rnd(3, 3, seed=1)]   # examples along axis 0
    x, y = (e[0] if a is None else np.moveaxis(e, 0, a) for e, a in zip(ex, axes))

    def f(a, b):
        return lax.sub(lax.mul(a, a), b)

    np.testing.assert_allclose(vmap(f, in_axes=axes)(x, y),
                               loop(f, x, y, in_axes=tuple(axes), size=3))


def test_in_axes_pytree_prefix_and_kwargs():
    params = {"w": rnd(5, 3), "b": rnd(3)}
    xs = [rnd(2, 5, seed=2), rnd(5, 2, seed=3)]
    scale = rnd(2, seed=4)

    def f(p, pair, *, scale):
        a, b = pair
        return {"out": lax.add(lax.mul(lax.dot(a, p["w"]), scale), p["b"]),
                "other": lax.dot(b, p["w"])}

    out = vmap(f, in_axes=({"w": None, "b": None}, [0, 1]))(params, xs, scale=scale)
    for i in range(2):
        ref = f(params, (xs[0][i], xs[1][:, i]), scale=scale[i])
        np.testing.assert_allclose(out["out"][i], ref["out"], rtol=1e-6)
        np.testing.assert_allclose(out["other"][i], ref["other"], rtol=1e-6)
    # None for a whole subtree; a dict prefix inside a tuple
    out = vmap(f, in_axes=(None, [0, 1]))(params, xs, scale=scale)
    assert out["out"].shape == (2, 3)


def test_out_axes_pytree_and_negative():
    x = rnd(4, 2, 3)

    def f(a):
        return a, (lax.neg(a), {"s": lax.reduce_sum(a, (0,))})

    a, (b, c) = vmap(f, out_axes=(1, (-1, {"s": 0})))(x)
    np.testing.assert_array_equal(a, np.moveaxis(x, 0, 1))
    np.testing.assert_array_equal(b, np.moveaxis(-x, 0, -1))
    np.testing.assert_allclose(c["s"], x.sum(1), rtol=1e-6)


def test_unbatched_output_is_broadcast_and_none_passes_it_through():
    x, c = rnd(3, 2), rnd(2, seed=1)

    def f(a):
        return lax.add(a, c), lax.neg(c), 2.0

    out, const, scalar = vmap(f, out_axes=(0, 1, 0))(x)
    np.testing.assert_array_equal(const, np.broadcast_to(-c[:, None], (2, 3)))
    np.testing.assert_array_equal(np.asarray(scalar), np.full(3, 2.0, F32))
    _, const, _ = vmap(f, out_axes=(0, None, None))(x)
    np.testing.assert_array_equal(const, -c)


def test_axis_size_with_nothing_mapped():
    c = rnd(2)
    out = vmap(lambda a: lax.neg(a), in_axes=None, axis_size=4)(c)
    np.testing.assert_array_equal(out, np.broadcast_to(-c, (4, 2)))
    out = vmap(lambda: lax.iota(np.int32, 3), axis_size=2)()
    np.testing.assert_array_equal(out, [[0, 1, 2], [0, 1, 2]])


def test_operators_and_arrays_inside_vmap():
    x = plax_core.device_put(rnd(3, 4))
    out = vmap(lambda a: (a * 2.0 + 1.0).sum())(x)
    np.testing.assert_allclose(out, (np.asarray(x) * 2 + 1).sum(1), rtol=1e-6)


def test_tracer_shape_is_per_example():
    seen = []

    def f(a):
        seen.append((type(a), a.shape, a.dtype))
        return a

    vmap(f, in_axes=1)(rnd(2, 5, 3))
    assert seen == [(BatchTracer, (2, 3), np.dtype(F32))]


# ------------------------------------------------------------------ nesting and staging

def test_nested_vmap_outer_product():
    x, y = rnd(3), rnd(4, seed=1)
    out = vmap(vmap(lax.mul, (None, 0)), (0, None))(x, y)
    np.testing.assert_allclose(out, np.outer(x, y), rtol=1e-6)


def test_nested_vmap_closing_over_outer_batched_value():
    xs, ys = rnd(3, 2), rnd(4, 2, seed=1)

    def outer(x):
        return vmap(lambda y: lax.reduce_sum(lax.mul(x, y), (0,)))(ys)   # x from outer vmap

    np.testing.assert_allclose(vmap(outer)(xs), xs @ ys.T, rtol=1e-5)


def test_inner_vmap_returning_outer_value():
    xs = rnd(3, 2)

    def outer(x):
        return vmap(lambda i: x, in_axes=0)(np.arange(4.0, dtype=F32))   # unbatched inside

    out = vmap(outer)(xs)
    np.testing.assert_array_equal(out, np.broadcast_to(xs[:, None, :], (3, 4, 2)))


def test_triple_nesting_with_mixed_axes():
    x = rnd(2, 3, 4)
    f = vmap(vmap(vmap(lambda a: lax.mul(a, a)), in_axes=1), in_axes=2)
    np.testing.assert_allclose(f(x), np.transpose(x * x, (2, 1, 0)), rtol=1e-6)


def test_make_jaxpr_of_vmap_and_vmap_of_staged_function():
    x, w = rnd(5, 3), rnd(3, 2, seed=1)
    f = vmap(lambda a: lax.tanh(lax.dot(a, w)))
    closed = plax_core.make_jaxpr(f)(x)
    assert "dot_general" in str(closed)
    (out,) = plax_core.eval_jaxpr(closed.jaxpr, closed.consts, x)
    np.testing.assert_allclose(out, np.tanh(x @ w), rtol=1e-5)
    inner = plax_core.make_jaxpr(lambda a: lax.tanh(lax.dot(a, w)))(x[0])
    g = vmap(lambda a: inner(a)[0])
    np.testing.assert_allclose(g(x), np.tanh(x @ w), rtol=1e-5)


def test_batch_jaxpr():
    closed = plax_core.make_jaxpr(lambda a, b: (lax.mul(a, b), lax.neg(b)))(rnd(3), rnd(3))
    assert batch_jaxpr_out_dims(closed, 4, [1, None]) == [True, False]
    batched = batch_jaxpr(closed, 4, [1, None], [0, None])
    assert [a.shape for a in batched.in_avals] == [(3, 4), (3,)]
    x, y = rnd(3, 4), rnd(3, seed=1)
    prod, neg = plax_core.eval_jaxpr(batched.jaxpr, batched.consts, x, y)
    np.testing.assert_allclose(prod, (x * y[:, None]).T, rtol=1e-6)
    np.testing.assert_array_equal(neg, -y)


def test_no_transpose_for_matching_batch_dims():
    """Operands batched at the same axis need no data movement."""
    jaxpr = plax_core.make_jaxpr(vmap(lambda a, b: lax.add(lax.mul(a, b), a), in_axes=1,
                                      out_axes=1))(rnd(2, 3), rnd(2, 3))
    assert "transpose" not in str(jaxpr) and "broadcast" not in str(jaxpr)
    jaxpr = plax_core.make_jaxpr(vmap(lambda a, b: lax.dot(a, b), in_axes=(1, 0),
                                      out_axes=0))(rnd(4, 3), rnd(3, 4, 2))
    assert "transpose" not in str(jaxpr)


# ------------------------------------------------------------------ the README MLP

def predict(params, inputs):
    for w, b in params:
        outputs = lax.add(lax.dot(inputs, w), b)
        inputs = lax.tanh(outputs)
    return outputs


def mlp_params(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(m, n)).astype(F32) / np.sqrt(m), rng.normal(size=n).astype(F32))
            for m, n in zip(sizes[:-1], sizes[1:])]


def test_readme_predict_in_axes_none_zero():
    params = mlp_params([5, 8, 8, 3])
    batch = rnd(7, 5)
    out = vmap(predict, in_axes=(None, 0))(params, batch)
    ref = np.stack([np.asarray(predict(params, x)) for x in batch])
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)
    h = batch
    for w, b in params[:-1]:
        h = np.tanh(h @ w + b)
    np.testing.assert_allclose(out, h @ params[-1][0] + params[-1][1], rtol=1e-4, atol=1e-5)


def test_readme_predict_batched_params_nested():
    """An ensemble of MLPs (params mapped) over a batch of inputs (nested vmap)."""
    ensemble = [mlp_params([4, 6, 2], seed=s) for s in range(3)]
    stacked = plax_core.tree_util.tree_map(lambda *xs: np.stack(xs), *ensemble)
    batch = rnd(5, 4)
    out = vmap(vmap(predict, in_axes=(None, 0)), in_axes=(0, None))(stacked, batch)
    ref = np.stack([np.stack([np.asarray(predict(p, x)) for x in batch]) for p in ensemble])
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ errors

def test_inconsistent_sizes_lists_each_argument():
    def f(x, y, z):
        return x

    with pytest.raises(ValueError) as err:
        vmap(f, in_axes=(0, 1, 0))(rnd(3, 2), rnd(5, 2), {"k": rnd(3)})
    msg = str(err.value)
    assert msg.startswith("vmap got inconsistent sizes for array axes to be mapped:")
    assert "most axes (2 of them) had size 3: axis 0 of argument x of type f32[3,2]; " \
           "axis 0 of argument z['k'] of type f32[3]" in msg
    assert "one axis had size 2: axis 1 of argument y of type f32[5,2]" in msg


def test_inconsistent_with_axis_size_and_kwargs():
    with pytest.raises(ValueError, match=r"the `axis_size` argument was 4;\n.*one axis had "
                                         r"size 3: axis 0 of argument a of type"):
        vmap(lambda *, a: a, axis_size=4)(a=rnd(3))
    with pytest.raises(ValueError, match=r"axis 0 of args\[1\] of type f32\[2\]"):
        vmap(lambda *xs: xs[0])(rnd(3), rnd(2))


def test_in_axes_structure_mismatch():
    with pytest.raises(ValueError, match=r"len\(in_axes\)=2, len\(args\)=1"):
        vmap(lambda x: x, in_axes=(0, 0))(rnd(3))
    with pytest.raises(ValueError, match=r"vmap in_axes specification must be a tree "
                                         r"prefix of the corresponding value"):
        vmap(lambda p: p["a"], in_axes=({"b": 0},))({"a": rnd(3)})
    with pytest.raises(ValueError, match="tree prefix"):
        vmap(lambda p: p[0], in_axes=((0, 0, 0),))((rnd(3), rnd(3)))
    with pytest.raises(ValueError, match=r"an int, None, or a tuple of entries"):
        vmap(lambda x: x, in_axes={"x": 0})
    with pytest.raises(TypeError, match=r"in_axes must be an int, None, or \(nested\) "
                                        r"container with those types as leaves"):
        vmap(lambda x: x, in_axes=("0",))
    with pytest.raises(TypeError, match=r"out_axes must be an int, None"):
        vmap(lambda x: x, out_axes=1.5)


def test_out_axes_structure_mismatch():
    with pytest.raises(ValueError, match=r"vmap out_axes specification must be a tree "
                                         r"prefix"):
        vmap(lambda x: (x, x), out_axes=(0, 0, 0))(rnd(3))


def test_axis_out_of_range():
    with pytest.raises(ValueError, match=r"map argument x along axis 2, which implies that "
                                         r"its rank should be at least 3, but is only 2 "
                                         r"\(its shape is \(3, 4\)\)"):
        vmap(lambda x: x, in_axes=2)(rnd(3, 4))
    with pytest.raises(ValueError, match=r"along axis -3, which implies that its rank "
                                         r"should be at least 3"):
        vmap(lambda x: x, in_axes=-3)(rnd(3, 4))
    with pytest.raises(ValueError, match=r"rank should be at least 1, but is only 0"):
        vmap(lambda x: x)(1.0)
    with pytest.raises(ValueError, match=r"out_axes specification 3 is out of range for "
                                         r"output \(the result\) of type f32\[4\]"):
        vmap(lambda x: x, out_axes=3)(rnd(3, 4))
    with pytest.raises(ValueError, match=r"out_axes specification -3 .* output tree\[1\]"):
        vmap(lambda x: (x, x), out_axes=(0, -3))(rnd(3, 4))


def test_out_axes_none_for_batched_output():
    with pytest.raises(ValueError, match=r"vmap has mapped output tree\['b'\] but out_axes "
                                         r"is None"):
        vmap(lambda x: {"a": 1.0, "b": x}, out_axes={"a": None, "b": None})(rnd(3, 2))
    with pytest.raises(ValueError, match="vmap has mapped output"):
        vmap(lambda x: x, out_axes=None)(rnd(3))


def test_nothing_mapped():
    with pytest.raises(ValueError, match="at least one non-None value in in_axes"):
        vmap(lambda x: x, in_axes=None)(rnd(3))
    with pytest.raises(ValueError, match="at least one argument containing an array"):
        vmap(lambda: 1.0)()


def test_mapping_a_non_array():
    with pytest.raises(TypeError, match="map argument s along axis 0, but it is a str"):
        vmap(lambda s, x: x)("abc", rnd(3))
    out = vmap(lambda s, x: x, in_axes=(None, 0))("abc", rnd(3))   # unmapped: passed as is
    assert out.shape == (3,)


def test_missing_rule_is_a_clear_error():
    prim = Primitive("plax_batching_test_noop")
    prim.def_abstract_eval(lambda x: x)
    prim.def_impl(lambda x: x)
    assert np.asarray(vmap(prim.bind, in_axes=None, axis_size=2)(rnd(3))).shape == (2, 3)
    with pytest.raises(MissingRuleError, match=r"No 'batching' rule for primitive "
                                               r"'plax_batching_test_noop'.*registry\."
                                               r"rules\('batching'\)"):
        vmap(prim.bind)(rnd(3))


def test_errors_name_the_vmapped_function():
    def my_fun(x):
        return x

    assert vmap(my_fun).__name__ == "vmap(my_fun)"
    with pytest.raises(TypeError, match="fun must be callable"):
        vmap(3)


def test_per_example_shape_errors_come_from_the_primitive():
    with pytest.raises(TypeError, match="add got incompatible shapes"):
        vmap(lambda a, b: lax.add_p.bind(a, b), in_axes=(0, None))(rnd(2, 3), rnd(3, 3))
