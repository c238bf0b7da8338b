"""``plax.numpy.vectorize``, ``ufunc`` and ``frompyfunc`` against NumPy's own."""
import numpy as np
import pytest

import plax_numpy as jnp
from plax_core import transformations

SIGNATURE_CASES = [  # (function, signature, input shapes)
    (lambda a, b: a @ b, "(m,n),(n)->(m)", [(2, 3, 4), (4,)]),
    (lambda a, b: a @ b, "(m,n),(n)->(m)", [(3, 4), (5, 1, 4)]),
    (lambda x: x.sum(), "(n)->()", [(2, 1, 3)]),
    (lambda x, y: x * 2 + y, None, [(3, 1), (4,)]),
    (lambda x: x ** 2, None, [(1, 3, 1)]),
    (lambda x, y: x - y, None, [(), (2, 1)]),
]


@pytest.mark.parametrize("fun, signature, shapes", SIGNATURE_CASES)
def test_vectorize_matches_numpy(fun, signature, shapes):
    rng = np.random.default_rng(0)
    args = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    expected = np.vectorize(fun, signature=signature)(*args)
    got = jnp.vectorize(fun, signature=signature)(*args)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_multiple_outputs_excluded_and_none():
    h = jnp.vectorize(lambda x: (x.sum(), x.max()), signature="(n)->(),()")
    s, m = h(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(s, [3.0, 12.0])
    np.testing.assert_array_equal(m, [2.0, 5.0])
    p = jnp.vectorize(lambda x, p: x ** p, excluded={1})
    np.testing.assert_array_equal(p(np.arange(3.0), 2), [0.0, 1.0, 4.0])
    q = jnp.vectorize(lambda x, y: x if y is None else x + y)
    np.testing.assert_array_equal(q(np.arange(3.0), None), [0.0, 1.0, 2.0])


def test_vectorize_composes_with_grad():
    grad = transformations.grad
    g = grad(lambda x: jnp.vectorize(jnp.sin)(x).sum())(np.ones(3, np.float32))
    np.testing.assert_allclose(g, np.cos(np.ones(3)), rtol=1e-6)


@pytest.mark.parametrize("call, error, match", [
    (lambda: jnp.vectorize(lambda a, b: a @ b, signature="(m,n),(n)->(m)")(
        np.ones((2, 4)), np.ones(5)), ValueError, "inconsistent size for core dimension"),
    (lambda: jnp.vectorize(lambda a: a, signature="(n)->()")(np.ones(3)), ValueError,
     "does not match core dimensions"),
    (lambda: jnp.vectorize(lambda a: a, signature="(n,m)->()")(np.ones(3)), ValueError,
     "does not have enough dimensions"),
    (lambda: jnp.vectorize(lambda a: a, signature="(n)->(),()")(np.ones(3)), TypeError,
     "must be a tuple"),
    (lambda: jnp.vectorize(lambda a: a, signature="(n)->()")(np.ones(3), np.ones(3)),
     TypeError, "wrong number of positional arguments"),
    (lambda: jnp.vectorize(lambda a: a, excluded={1.5}), TypeError, "exclude integer"),
    (lambda: jnp.vectorize(lambda a: a, excluded={-1}), ValueError, "negative"),
    (lambda: jnp.vectorize(lambda a: a, signature="n->m")(1.0), ValueError, "signature"),
])
def test_vectorize_errors_are_jax_classes(call, error, match):
    # The classes are JAX 0.10.2's (obtained by running it outside the repository).
    with pytest.raises(error, match=match):
        call()


def test_frompyfunc_methods_match_numpy():
    add = jnp.frompyfunc(lambda a, b: a + b, 2, 1, identity=0)
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(add(x, 1.0), np.add(x, 1.0))
    np.testing.assert_array_equal(add.outer(np.arange(3), np.arange(2)),
                                  np.add.outer(np.arange(3), np.arange(2)))
    for axis in (0, 1):
        np.testing.assert_array_equal(add.reduce(x, axis=axis), np.add.reduce(x, axis=axis))
        np.testing.assert_array_equal(add.accumulate(x, axis=axis),
                                      np.add.accumulate(x, axis=axis))
    np.testing.assert_array_equal(add.reduce(x, axis=None), np.add.reduce(x, axis=None))
    np.testing.assert_array_equal(add.reduce(x, axis=1, keepdims=True, initial=5.0),
                                  np.add.reduce(x, axis=1, keepdims=True, initial=5.0))
    expected = np.zeros(4)
    np.add.at(expected, [0, 0, 2], 1.0)
    np.testing.assert_array_equal(add.at(np.zeros(4), np.array([0, 0, 2]), 1.0), expected)
    assert add.reduce(np.zeros(0)) == 0
    assert isinstance(add, jnp.ufunc) and add.nin == 2 and add.nout == 1
    with pytest.raises(ValueError, match="no identity"):
        jnp.frompyfunc(lambda a, b: a * b, 2, 1).reduce(np.zeros(0))
