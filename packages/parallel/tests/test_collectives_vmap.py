"""Collectives under ``vmap(f, axis_name=...)``: values against NumPy, derivatives by
finite differences, JAX's errors.  No devices are needed: vmap turns each collective over
its own axis into an array operation over the batch axis."""

import numpy as np
import plax_parallel as pp
import pytest
from plax_parallel.testing import collective_cases, linear_cases

from plax_autodiff import grad, jvp, vjp
from plax_autodiff.test_util import check_grads, numerical_jvp
from plax_batching import vmap
from plax_core import lax

N = 4
RNG = np.random.RandomState(0)


def _x(*shape):
    return RNG.randn(*shape).astype(np.float32)


CASES = collective_cases(N)
LINEAR = linear_cases(N)


@pytest.mark.parametrize("name,f,shape,oracle", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("in_axis", [0, -1])
def test_collective_matches_numpy(name, f, shape, oracle, in_axis):
    X = _x(N, *shape)
    Xin = np.moveaxis(X, 0, in_axis)   # batch axis last exercises a non-leading batch dim
    out = vmap(f, in_axes=in_axis, axis_name="i")(Xin)
    np.testing.assert_allclose(np.asarray(out), oracle(X), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name,f,shape,oracle", LINEAR, ids=[c[0] for c in LINEAR])
def test_jvp_and_transpose_inside_vmap(name, f, shape, oracle):
    """jvp inside vmap = the directional derivative of the whole vmapped map; vjp inside
    vmap is its adjoint (psum transposes to psum, all_gather to psum_scatter, ...)."""
    X, T = _x(N, *shape), _x(N, *shape)
    G = vmap(f, axis_name="i")
    tangent = vmap(lambda x, t: jvp(f, (x,), (t,))[1], axis_name="i")(X, T)
    (expected,) = numerical_jvp(G, (X,), (T,), eps=1e-2)
    np.testing.assert_allclose(np.asarray(tangent), expected, rtol=1e-3, atol=1e-3)
    CT = _x(*np.asarray(tangent).shape)
    ct_in = vmap(lambda x, c: vjp(f, x)[1](c)[0], axis_name="i")(X, CT)
    lhs = float(np.sum(np.asarray(tangent, np.float64) * CT))
    rhs = float(np.sum(np.asarray(ct_in, np.float64) * T))
    np.testing.assert_allclose(lhs, rhs, rtol=1e-4, atol=1e-4)


def test_check_grads_through_collectives():
    def g(x):   # per-index: nonlinear around several collectives
        s = pp.psum(jnp_sin(x) * x, "i")
        gathered = pp.all_gather(x * s, "i", tiled=True)
        return pp.pmean(gathered.sum() * x, "i") + pp.ppermute(x, "i", [(0, 1), (1, 0)])

    X = _x(N, 2)
    check_grads(lambda X: vmap(g, axis_name="i")(X), (X,), order=2, atol=2e-2, rtol=2e-2)
    # grad inside vmap: the collectives' JVP and transpose rules themselves
    check_grads(lambda X: vmap(grad(lambda x: pp.psum(jnp_sin(x) * x, "i").sum()),
                               axis_name="i")(X), (X,), order=1, atol=2e-2, rtol=2e-2)


def jnp_sin(x):
    return lax.sin(x)


# Values obtained by running JAX 0.10.2 outside the repository:
#   vmap(grad(lambda x: psum(x**2, 'i')), axis_name='i')(arange(3.))  -> [0, 6, 12]
#   vmap(grad(lambda x: pmean(x**2, 'i')), axis_name='i')(arange(3.)) -> [0, 2, 4]
#   vmap(grad(lambda v: all_gather(v, 'i').sum()), axis_name='i')(arange(3.)) -> [3, 3, 3]
JAX_GRADS = [
    (lambda x: pp.psum(x ** 2, "i"), [0.0, 6.0, 12.0]),
    (lambda x: pp.pmean(x ** 2, "i"), [0.0, 2.0, 4.0]),
    (lambda x: pp.all_gather(x, "i").sum(), [3.0, 3.0, 3.0]),
]


@pytest.mark.parametrize("f,expected", JAX_GRADS)
def test_grad_inside_vmap_matches_jax(f, expected):
    out = vmap(grad(f), axis_name="i")(np.arange(3.0, dtype=np.float32))
    np.testing.assert_allclose(np.asarray(out), expected)


def test_pmax_is_not_differentiable():
    # JAX 0.10.2: NotImplementedError "Differentiation rule for 'pmax' not implemented"
    with pytest.raises(NotImplementedError, match="pmax"):
        vmap(grad(lambda x: pp.pmax(x, "i")), axis_name="i")(np.arange(3.0))


def test_constants_and_dtypes():
    x = np.arange(3.0, dtype=np.float32)
    # psum of a constant over a vmapped axis multiplies by its size; bools sum as int32;
    # pmean of an integer is a float (JAX 0.10.2: [3 3 3], int32, [2. 2. 2.])
    out = vmap(lambda v: pp.psum(1, "i"), axis_name="i")(x)
    np.testing.assert_array_equal(np.asarray(out), [3, 3, 3])
    b = vmap(lambda v: pp.psum(v > 0, "i"), axis_name="i")(x)
    assert np.asarray(b).dtype == np.int32 and list(np.asarray(b)) == [2, 2, 2]
    m = vmap(lambda v: pp.pmean(np.int32(2), "i"), axis_name="i")(x)
    assert np.asarray(m).dtype == np.float32
    np.testing.assert_allclose(np.asarray(m), [2.0, 2.0, 2.0])
    assert vmap(lambda v: v * pp.axis_size("i"), axis_name="i")(x).tolist() == [0, 3, 6]
    tree = vmap(lambda v: pp.psum({"a": v, "b": (v, 2 * v)}, "i"), axis_name="i")(x)
    np.testing.assert_allclose(np.asarray(tree["b"][1]), [6.0] * 3)


def test_nested_axes():
    X = _x(2, 3, 5)   # outer axis 'i' (2), inner axis 'j' (3)
    both = vmap(vmap(lambda v: pp.psum(v, ("i", "j")), axis_name="j"), axis_name="i")(X)
    np.testing.assert_allclose(np.asarray(both), np.broadcast_to(X.sum((0, 1)), X.shape),
                               rtol=1e-5)
    outer = vmap(vmap(lambda v: pp.psum(v, "i"), axis_name="j"), axis_name="i")(X)
    np.testing.assert_allclose(np.asarray(outer), np.broadcast_to(X.sum(0), X.shape),
                               rtol=1e-5)
    idx = vmap(vmap(lambda v: pp.axis_index(("i", "j")), axis_name="j"),
               axis_name="i")(X)
    # JAX 0.10.2: [[0 1 2] [3 4 5]]
    assert np.asarray(idx).tolist() == [[0, 1, 2], [3, 4, 5]]
    assert np.asarray(idx).dtype == np.int32
    assert vmap(lambda v: pp.axis_index("i"), axis_name="i")(X).tolist() == [0, 1]


def test_jit_inside_and_outside_vmap():
    from plax_xla import jit
    X = _x(N, 3)
    inner = vmap(jit(lambda v: pp.psum(v, "i")), axis_name="i")(X)
    outer = jit(vmap(lambda v: pp.psum(v, "i"), axis_name="i"))(X)
    for out in (inner, outer):
        np.testing.assert_allclose(np.asarray(out), np.broadcast_to(X.sum(0), X.shape),
                                   rtol=1e-5)


def test_unbound_axis_name_is_a_name_error():
    # JAX 0.10.2: NameError "unbound axis name: zz"
    with pytest.raises(NameError, match="unbound axis name: zz"):
        pp.psum(1.0, "zz")
    with pytest.raises(NameError, match="unbound axis name: zz"):
        vmap(lambda v: pp.axis_index("zz"), axis_name="i")(np.ones(3))
    with pytest.raises(NameError, match="zz"):
        pp.axis_size("zz")


def test_argument_errors():
    Y = _x(N, 2, 3)
    # JAX 0.10.2: ValueError "axis 3 is out of bounds for array of dimension 3" and
    # "all_to_all requires the size of the mapped axis axis_name to equal
    # x.shape[split_axis], but they are 4 and 2 respectively."
    with pytest.raises(ValueError, match="out of bounds"):
        vmap(lambda v: pp.all_gather(v, "i", axis=3), axis_name="i")(Y)
    with pytest.raises(ValueError, match="4 and 2"):
        vmap(lambda v: pp.all_to_all(v, "i", 0, 0), axis_name="i")(Y)
    with pytest.raises(ValueError, match="psum_scatter"):
        vmap(lambda v: pp.psum_scatter(v, "i"), axis_name="i")(Y)
    with pytest.raises(ValueError, match="unique"):
        vmap(lambda v: pp.ppermute(v, "i", [(0, 1), (0, 2)]), axis_name="i")(Y)
    with pytest.raises(ValueError, match="permutation"):
        vmap(lambda v: pp.pshuffle(v, "i", [0, 0, 1, 2]), axis_name="i")(Y)


def test_gather_and_scatter_over_two_names():
    """Over ('i', 'j'): row-major over the names, 'i' major (as JAX orders them)."""
    X = _x(2, 3, 4, 5)
    out = vmap(vmap(lambda v: pp.all_gather(v, ("i", "j"), axis=1), axis_name="j"),
               axis_name="i")(X)
    np.testing.assert_allclose(np.asarray(out)[1, 2], X.reshape(6, 4, 5).transpose(1, 0, 2))
    tiled = vmap(vmap(lambda v: pp.all_gather(v, ("i", "j"), tiled=True), axis_name="j"),
                 axis_name="i")(X)
    np.testing.assert_allclose(np.asarray(tiled)[0, 1], X.reshape(24, 5))
    Y = _x(2, 3, 6, 2)
    sc = vmap(vmap(lambda v: pp.psum_scatter(v, ("i", "j")), axis_name="j"),
              axis_name="i")(Y)
    np.testing.assert_allclose(np.asarray(sc), Y.sum((0, 1)).reshape(2, 3, 2), rtol=1e-5)
    Z = _x(2, 3, 2, 12)
    st = vmap(vmap(lambda v: pp.psum_scatter(v, ("i", "j"), scatter_dimension=1,
                                             tiled=True), axis_name="j"), axis_name="i")(Z)
    np.testing.assert_allclose(np.asarray(st)[1, 2], Z.sum((0, 1))[:, 10:12], rtol=1e-5)
