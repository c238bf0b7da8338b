"""A short tour of plax: arrays with plax.numpy, the jaxprs plax traces them to, and the
transformations grad, vmap and jit, with random numbers from plax.random.

Run it with `python3 -m nox -s demo`, or `python examples/tour.py` where plax is
installed (`--fast` shrinks the timing section).
"""

import sys
import time

import numpy as np

import plax
import plax.numpy as jnp

_START = time.perf_counter()


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


section("grad: derivatives of Python functions")


def loss(w, x, y):
    return jnp.mean((jnp.tanh(jnp.dot(x, w)) - y) ** 2)


print("grad(tanh)(0.5) =", plax.grad(jnp.tanh)(0.5), " 1 - tanh(0.5)**2 =",
      1 - np.tanh(0.5) ** 2)
print("grad(grad(sin))(1.0) =", plax.grad(plax.grad(jnp.sin))(1.0), " -sin(1) =", -np.sin(1.0))
w0, x0, y0 = jnp.ones(3), jnp.arange(6.0).reshape((2, 3)) / 6, jnp.array([0.5, -0.5])
print("grad of a loss w.r.t. its weights:", plax.grad(loss)(w0, x0, y0))
print("value_and_grad:", plax.value_and_grad(loss)(w0, x0, y0))
print("hessian(lambda x: jnp.sum(x ** 3))([1, 2]) =",
      plax.hessian(lambda x: jnp.sum(x ** 3))(jnp.array([1.0, 2.0])))

section("vmap: automatic batching")
batch = jnp.arange(12.0).reshape((4, 3))
print("vmap(jnp.dot, in_axes=(0, None))(batch, w) =",
      plax.vmap(jnp.dot, in_axes=(0, None))(batch, w0))
per_example = plax.vmap(plax.grad(loss), in_axes=(None, 0, 0))(w0, x0, y0)
print("per-example gradients, vmap(grad(loss)):", per_example.shape)
print("jacfwd(tanh) of a vector is diagonal:\n",
      plax.jacfwd(jnp.tanh)(jnp.array([0.0, 1.0, 2.0])))

section("random: explicit keys (JAX's threefry bits)")
key = plax.random.PRNGKey(0)
k1, k2 = plax.random.split(key)
print("PRNGKey(0) =", key)
print("normal(k1, (3,)) =", plax.random.normal(k1, (3,)))
print("uniform(k2, (3,)) =", plax.random.uniform(k2, (3,)))
print("the same key gives the same numbers:",
      np.array_equal(np.asarray(plax.random.normal(k1, (3,))),
                     np.asarray(plax.random.normal(k1, (3,)))))

section("jit: compile with XLA")
fast = "--fast" in sys.argv[1:]
if not hasattr(plax, "jit"):
    print("jit is not installed (plax-xla); skipping")
else:
    n = 300 if fast else 2000
    big = plax.random.normal(key, (n, n))

    def f(x):
        return jnp.sum(jnp.tanh(x * x + x * 2.0) / (1.0 + jnp.abs(x)), axis=0)

    jf = plax.jit(f)
    jf(big).block_until_ready()           # compile once

    def timed(fn, reps=5):
        start = time.perf_counter()
        for _ in range(reps):
            out = fn(big)
        out.block_until_ready()
        return (time.perf_counter() - start) / reps, out

    t_eager, out_eager = timed(f)
    t_jit, out_jit = timed(jf)
    np.testing.assert_allclose(np.asarray(out_jit), np.asarray(out_eager), rtol=1e-4,
                               atol=1e-4)
    print(f"f on a {n}x{n} array: {t_eager * 1e3:.1f} ms op by op, {t_jit * 1e3:.1f} ms "
          f"jitted ({t_eager / t_jit:.1f}x faster); same result")
    print("the compiled program is traced from this jaxpr:")
    print(plax.make_jaxpr(f)(jnp.ones((2, 2))))

print(f"\ndone: the tour took {time.perf_counter() - _START:.1f} s.")
