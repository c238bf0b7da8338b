"""A short tour of plax: arrays with plax.numpy, and the jaxprs plax traces them to.

Run it with `python3 -m nox -s demo`, or `python examples/tour.py` where plax is
installed. grad, vmap and jit join the tour with issues #3 to #5.
"""

import numpy as np

import plax
import plax.numpy as jnp


def section(title):
    print(f"\n== {title} ==")


section("arrays")
x = jnp.arange(6.0).reshape((2, 3))
print("x =", x)
print("x.shape =", x.shape, " x.dtype =", x.dtype, "(float32 by default, as in JAX)")
print("zeros:", jnp.zeros((2, 2)))
print("ones_like(x):", jnp.ones_like(x))
print("linspace(0, 1, 5):", jnp.linspace(0.0, 1.0, 5))
print("eye(3):", jnp.eye(3))

section("arithmetic and broadcasting")
y = x * 2.0 + 1  # Python scalars are weakly typed: the result stays float32
print("x * 2.0 + 1 =", y, y.dtype)
print("x - x.mean(axis=0) =", x - x.mean(axis=0))
print("sum, max, std:", x.sum(), jnp.max(x), jnp.std(x))

section("linear algebra and elementwise math")
w = jnp.dot(x, x.T)
print("dot(x, x.T) =", w)
print("x @ x.T == dot(x, x.T):", np.array_equal(np.asarray(x @ x.T), np.asarray(w)))
print("tanh(dot(x, x.T) / 10) =", jnp.tanh(w / 10.0))
np.testing.assert_allclose(np.asarray(jnp.tanh(w / 10.0)),
                           np.tanh(np.asarray(w) / 10.0), rtol=1e-6)
print("matches NumPy: yes")

section("jaxprs: what plax traces a function to")


def f(x):
    return jnp.tanh(x) * 2.0


print("make_jaxpr(f)(1.0):")
print(plax.make_jaxpr(f)(1.0))


def layer(w, b, x):
    return jnp.tanh(jnp.dot(x, w) + b)


print("make_jaxpr(layer)(w, b, x):")
print(plax.make_jaxpr(layer)(jnp.ones((3, 4)), jnp.zeros(4), jnp.ones((2, 3))))

print("\ndone.")
