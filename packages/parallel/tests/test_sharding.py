"""Sharded arrays, jit with shardings, with_sharding_constraint and shard_map on 4 and 8
CPU devices, against NumPy and against unsharded jit."""

import numpy as np
import plax_parallel as pp
import pytest
from plax_parallel.testing import collective_cases, need_devices

import plax_core
import plax_numpy as jnp
from plax_core.sharding import Mesh, NamedSharding, P, SingleDeviceSharding
from plax_xla import jit

RNG = np.random.RandomState(2)


def _x(*shape):
    return RNG.randn(*shape).astype(np.float32)


def _mesh(shape, names):
    need_devices(int(np.prod(shape)))
    return Mesh(np.array(plax_core.devices()[:int(np.prod(shape))]).reshape(shape), names)


SPECS = [P(), P("x"), P("x", "y"), P(None, "y"), P("y", "x"), P(("x", "y")), P(None, ("y", "x"))]


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_device_put_and_addressable_shards(spec):
    mesh = _mesh((2, 2), ("x", "y"))
    x = _x(4, 8)
    a = plax_core.device_put(x, NamedSharding(mesh, spec))
    assert a.sharding == NamedSharding(mesh, spec)
    assert a.is_fully_replicated == (spec == P())
    np.testing.assert_array_equal(np.asarray(a), x)
    shards = a.addressable_shards
    assert [s.device for s in shards] == mesh.device_list
    replicas = {}
    for s in shards:   # each shard holds x[index] on its device
        np.testing.assert_array_equal(np.asarray(s.data), x[s.index])
        key = tuple((sl.start, sl.stop) for sl in s.index)
        assert s.replica_id == replicas.get(key, 0)
        replicas[key] = s.replica_id + 1
    # the same layout as NumPy-side devices_indices_map
    assert a.sharding.devices_indices_map(x.shape) == {s.device: s.index for s in shards}
    np.testing.assert_allclose(np.asarray(a * 2 + 1), x * 2 + 1, rtol=1e-6)


def test_single_device_arrays_and_errors():
    x = plax_core.device_put(np.ones(3))
    assert x.sharding == SingleDeviceSharding(plax_core.devices()[0])
    assert x.is_fully_replicated and len(x.addressable_shards) == 1
    mesh = _mesh((2, 2), ("x", "y"))
    with pytest.raises(ValueError, match="not in the mesh"):
        NamedSharding(mesh, P("z"))
    with pytest.raises(ValueError, match="twice"):
        NamedSharding(mesh, P("x", "x"))
    with pytest.raises(ValueError, match="cannot be split"):
        plax_core.device_put(np.ones((3, 4)), NamedSharding(mesh, P("x")))
    with pytest.raises(ValueError, match="axis name"):
        Mesh(np.array(plax_core.devices()[:4]).reshape(2, 2), ("x",))


@pytest.mark.parametrize("n", [4, 8])
def test_jit_with_shardings_matches_unsharded_jit(n):
    mesh = _mesh((n // 2, 2), ("x", "y"))
    x, w = _x(n * 2, 6), _x(6, 4)

    def f(x, w):
        return jnp.tanh(x @ w).sum(axis=1), x * 2

    ins = (NamedSharding(mesh, P("x", "y")), NamedSharding(mesh, P("y")))
    outs = (NamedSharding(mesh, P("x")), NamedSharding(mesh, P(None, "y")))
    got = jit(f, in_shardings=ins, out_shardings=outs)(x, w)
    want = jit(f)(x, w)
    for g, w_, s in zip(got, want, outs):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w_), rtol=1e-5, atol=1e-5)
        assert g.sharding == s
        for shard in g.addressable_shards:
            np.testing.assert_allclose(np.asarray(shard.data), np.asarray(w_)[shard.index],
                                       rtol=1e-5, atol=1e-5)
    # results left to XLA: propagated from the inputs, same values
    free = jit(lambda x: x * 3, in_shardings=NamedSharding(mesh, P("x")))(x)
    np.testing.assert_allclose(np.asarray(free), x * 3, rtol=1e-6)
    assert free.sharding.layout(2).tiles == (n // 2, 1)
    # a sharded input is reused, and with_sharding_constraint inside is honoured
    xs = plax_core.device_put(x, ins[0])
    g = jit(lambda x: pp.with_sharding_constraint(x + 1, NamedSharding(mesh, P(None, "y"))),
            in_shardings=ins[0])(xs)
    np.testing.assert_allclose(np.asarray(g), x + 1, rtol=1e-6)
    assert g.sharding.layout(2).tiles == (1, 2)
    # under grad and vmap: the values of the one-device jit
    from plax_autodiff import grad
    from plax_batching import vmap
    sj = jit(lambda v: jnp.sum(jnp.sin(v) * v), in_shardings=ins[0])
    np.testing.assert_allclose(np.asarray(grad(sj)(x)), np.sin(x) + x * np.cos(x),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(vmap(sj)(np.stack([x, x]))),
                               [np.sum(np.sin(x) * x)] * 2, rtol=1e-5)


def test_jit_with_shardings_repeated_calls_follow_each_argument_layout():
    """The per-call fast path (one pass over the argument pytree, keyed by avals and
    argument shardings) must reshard an argument whose layout changed between calls
    and give the values of the first call every time."""
    mesh = _mesh((2, 2), ("x", "y"))
    rows, cols, repl = (NamedSharding(mesh, P("x")), NamedSharding(mesh, P(None, "y")),
                        NamedSharding(mesh, P()))
    w, x = _x(4, 4), _x(8, 4)
    step = jit(lambda p, x: {"w": p["w"] - 0.1 * (x.T @ x), "n": p["n"] + 1},
               in_shardings=(repl, rows), out_shardings=repl)
    want = {"w": w - 0.1 * (x.T @ x), "n": np.float32(3)}
    equal_rows = NamedSharding(_mesh((2, 2), ("x", "y")), P("x"))   # a new, equal object
    assert equal_rows == rows and hash(equal_rows) == hash(rows)
    for xs in [plax_core.device_put(x, rows), plax_core.device_put(x, cols), x,
               plax_core.device_put(x, rows), plax_core.device_put(x, equal_rows)]:
        for p in [{"w": w, "n": np.float32(2)},
                  {"w": plax_core.device_put(w, repl), "n": plax_core.device_put(
                      np.float32(2), repl)},
                  {"w": plax_core.device_put(w, cols), "n": plax_core.device_put(
                      np.float32(2), repl)}]:
            got = step(p, xs)
            assert got["w"].sharding == repl
            np.testing.assert_allclose(np.asarray(got["w"]), want["w"], rtol=1e-5, atol=1e-5)
            np.testing.assert_array_equal(np.asarray(got["n"]), want["n"])


def test_jit_with_shardings_takes_keyword_and_static_arguments():
    mesh = _mesh((2, 2), ("x", "y"))
    rows = NamedSharding(mesh, P("x"))
    x, b = _x(8, 4), _x(4)

    def f(x, *, bias, power=1):
        return (x + bias) ** power

    g = jit(f, in_shardings=(rows,), out_shardings=rows, static_argnames="power")
    for power in (1, 2, 2):
        got = g(x, bias=b, power=power)
        assert got.sharding == rows
        np.testing.assert_allclose(np.asarray(got), (x + b) ** power, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(g(plax_core.device_put(x, rows), bias=b)), x + b,
                               rtol=1e-6)


def test_with_sharding_constraint_eager_vmap_grad():
    mesh = _mesh((2, 2), ("x", "y"))
    s = NamedSharding(mesh, P("x"))
    x = _x(4, 6)
    eager = pp.with_sharding_constraint(x, s)
    assert eager.sharding == s
    with mesh:
        assert pp.with_sharding_constraint(x, P("x")).sharding == s
    from plax_autodiff import grad
    from plax_batching import vmap
    g = grad(lambda v: jnp.sum(jit(lambda u: pp.with_sharding_constraint(u * u, s))(v)))(x)
    np.testing.assert_allclose(np.asarray(g), 2 * x, rtol=1e-5)
    b = vmap(lambda v: jit(lambda u: pp.with_sharding_constraint(u, s))(v))(
        np.stack([x, x]))
    np.testing.assert_allclose(np.asarray(b), np.stack([x, x]))
    with pytest.raises(ValueError, match="needs a mesh"):
        pp.with_sharding_constraint(x, P("x"))


def _shmap_cases():
    out = []
    for n in (4, 8):
        for case in collective_cases(n):
            out.append(pytest.param(n, *case, id=f"{case[0]}-{n}dev"))
    return out


@pytest.mark.parametrize("n,name,f,shape,oracle", _shmap_cases())
def test_collectives_under_shard_map_match_numpy(n, name, f, shape, oracle):
    """A 1-d mesh 'i': each device's block is one index's operand (leading axis 1)."""
    mesh = _mesh((n,), ("i",))
    X = _x(n, *shape)
    body = shard_body(f)
    out = pp.shard_map(body, mesh, in_specs=P("i"), out_specs=P("i"))(X)
    np.testing.assert_allclose(np.asarray(out), oracle(X), rtol=1e-5, atol=1e-5)


def shard_body(f):
    def body(block):            # block: (1, *shape) -> f on the operand, stacked back
        out = f(block[0])
        return jnp.expand_dims(out, 0)
    return body


def test_shard_map_on_a_2d_mesh():
    mesh = _mesh((4, 2), ("x", "y"))
    x = _x(8, 6)
    f = pp.shard_map(lambda b: pp.psum(b, "x"), mesh, in_specs=P("x", "y"),
                     out_specs=P(None, "y"))
    np.testing.assert_allclose(np.asarray(f(x)), x.reshape(4, 2, 6).sum(0), rtol=1e-5)
    both = pp.shard_map(lambda b: pp.psum(b, ("x", "y")), mesh, in_specs=P("x", "y"),
                        out_specs=P())(x)
    np.testing.assert_allclose(np.asarray(both), x.reshape(4, 2, 2, 3).sum((0, 2)), rtol=1e-5)
    idx = pp.shard_map(lambda b: b * 0 + pp.axis_index("y") * 10 + pp.axis_index("x"),
                       mesh, in_specs=P("x", "y"), out_specs=P("x", "y"))(x)
    rows, cols = np.indices(x.shape)
    np.testing.assert_array_equal(np.asarray(idx), (cols // 3) * 10 + rows // 2)
    gather = pp.shard_map(lambda b: pp.all_gather(b, "y", axis=1, tiled=True), mesh,
                          in_specs=P("x", "y"), out_specs=P("x"))
    np.testing.assert_allclose(np.asarray(gather(x)), x)
    ring = pp.shard_map(lambda b: pp.ppermute(b, "x", [(i, (i + 1) % 4) for i in range(4)]),
                        mesh, in_specs=P("x", "y"), out_specs=P("x", "y"))
    np.testing.assert_allclose(np.asarray(ring(x)), np.roll(x, 2, 0))
    # over both mesh axes at once
    g2 = pp.shard_map(lambda b: pp.all_gather(b, ("x", "y"), tiled=True), mesh,
                      in_specs=P(("x", "y")), out_specs=P())(x)
    np.testing.assert_allclose(np.asarray(g2), x)
    y = _x(8, 8, 2)
    s2 = pp.shard_map(lambda b: pp.psum_scatter(b[0], ("x", "y"), tiled=True), mesh,
                      in_specs=P(("x", "y")), out_specs=P(("x", "y")))(y)
    np.testing.assert_allclose(np.asarray(s2), y.sum(0), rtol=1e-5, atol=1e-5)
    # a training-style step: per-device gradient, averaged over the data axis
    w = _x(6, 3)

    def step(xb, w):
        from plax_autodiff import grad
        g = grad(lambda w: jnp.sum(jnp.tanh(xb @ w) ** 2))(w)
        return pp.psum(g, "x")

    g = pp.shard_map(step, mesh, in_specs=(P("x"), P()), out_specs=P())(x, w)
    from plax_autodiff import grad
    want = grad(lambda w: jnp.sum(jnp.tanh(x @ w) ** 2))(w)
    np.testing.assert_allclose(np.asarray(g), np.asarray(want), rtol=1e-4, atol=1e-5)


def test_device_queries_and_array_constructors():
    need_devices(4)
    assert pp.device_count() == len(plax_core.devices())
    assert pp.local_device_count() == pp.device_count()
    assert pp.process_index() == 0 and pp.process_count() == 1
    mesh = _mesh((2, 2), ("x", "y"))
    s = NamedSharding(mesh, P("x", "y"))
    x = _x(4, 6)
    a = pp.make_array_from_callback(x.shape, s, lambda index: x[index])
    np.testing.assert_array_equal(np.asarray(a), x)
    assert a.sharding == s
    b = pp.make_array_from_single_device_arrays(
        x.shape, s, [sh.data for sh in a.addressable_shards])
    np.testing.assert_array_equal(np.asarray(b), x)
    c = pp.make_array_from_process_local_data(s, x)
    np.testing.assert_array_equal(np.asarray(c), x)
    assert pp.process_allgather(np.ones(3)).shape == (1, 3)     # one process: stacked
    assert pp.process_allgather(np.ones(3), tiled=True).shape == (3,)
    np.testing.assert_array_equal(pp.process_allgather(a), x)    # a global array, whole


def test_shard_map_under_jit_grad_vmap():
    """Under an outer transformation shard_map gives the same values (nested vmaps)."""
    from plax_autodiff import grad
    from plax_batching import vmap
    mesh = _mesh((2, 2), ("x", "y"))
    x, w = _x(4, 6), _x(6, 3)

    def body(xb, wb):
        return pp.psum(jnp.tanh(xb @ wb), "y")     # wb: the block of rows 'y' holds

    sm = pp.shard_map(body, mesh, in_specs=(P("x", "y"), P("y")), out_specs=P("x"))
    eager = np.asarray(sm(x, w))
    np.testing.assert_allclose(eager, np.tanh(x[:, :3] @ w[:3]) + np.tanh(x[:, 3:] @ w[3:]),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(jit(sm)(x, w)), eager, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(vmap(sm, in_axes=(0, None))(np.stack([x, x]), w)),
                               np.stack([eager, eager]), rtol=1e-5, atol=1e-6)
    g = grad(lambda w: jnp.sum(sm(x, w)))(w)
    want = np.concatenate([x[:, :3].T @ (1 - np.tanh(x[:, :3] @ w[:3]) ** 2),
                           x[:, 3:].T @ (1 - np.tanh(x[:, 3:] @ w[3:]) ** 2)])
    np.testing.assert_allclose(np.asarray(g), want, rtol=1e-4, atol=1e-5)
    tiled = pp.shard_map(lambda b: pp.all_gather(b, "x", tiled=True), mesh,
                         in_specs=P("x", ("y",)), out_specs=P(None, "y"))
    np.testing.assert_allclose(np.asarray(jit(tiled)(x)), np.asarray(tiled(x)))
