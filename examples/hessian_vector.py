"""Hessian-vector products by forward-over-reverse differentiation.

``hvp(f, x, v) = jvp(grad(f), (x,), (v,))[1]`` costs a small constant times one
gradient and never forms the Hessian.  This example checks it against the full
``hessian(f)(x) @ v`` and against reverse-over-reverse (``grad`` of ``<grad f, v>``),
then times both approaches on a larger problem, where only the HVP stays cheap.

    python examples/hessian_vector.py
    python examples/hessian_vector.py --fast
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import plax.numpy as jnp
from plax import grad, hessian, jit, jvp, random


def f(x):
    """A smooth non-quadratic function of a vector."""
    return jnp.sum(jnp.tanh(x) ** 2) + jnp.sum(x[:-1] * x[1:]) + 0.1 * jnp.sum(x ** 4)


def hvp(f, x, v):
    """Forward-over-reverse: the directional derivative of grad f along v."""
    return jvp(grad(f), (x,), (v,))[1]


def hvp_rev_rev(f, x, v):
    """Reverse-over-reverse: the gradient of x -> <grad f(x), v>."""
    return grad(lambda x: jnp.vdot(grad(f)(x), v))(x)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args(argv)
    if args.fast:
        args.size = 50

    k1, k2 = random.split(random.PRNGKey(0))
    x = random.normal(k1, (20,))
    v = random.normal(k2, (20,))
    full = np.asarray(hessian(f)(x)) @ np.asarray(v)
    fwd_rev = np.asarray(hvp(f, x, v))
    rev_rev = np.asarray(hvp_rev_rev(f, x, v))
    np.testing.assert_allclose(fwd_rev, full, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(rev_rev, full, rtol=1e-4, atol=1e-4)
    print("n = 20: forward-over-reverse HVP == hessian(f)(x) @ v == reverse-over-reverse HVP")
    print("  max |difference| from the full Hessian:",
          f"{np.abs(fwd_rev - full).max():.2e}")

    n = args.size
    x = random.normal(k1, (n,))
    v = random.normal(k2, (n,))
    fast_hvp = jit(lambda x, v: hvp(f, x, v))
    full_hessian = jit(hessian(f))
    fast_hvp(x, v).block_until_ready()
    full_hessian(x).block_until_ready()

    def timed(fn, *a, reps=5):
        start = time.perf_counter()
        for _ in range(reps):
            out = fn(*a)
        out.block_until_ready()
        return (time.perf_counter() - start) / reps, out

    t_hvp, out = timed(fast_hvp, x, v)
    t_full, h = timed(full_hessian, x)
    np.testing.assert_allclose(np.asarray(out), np.asarray(h) @ np.asarray(v), rtol=1e-3,
                               atol=1e-3)
    print(f"n = {n}: jit HVP {t_hvp * 1e3:.2f} ms; jit full Hessian ({n}x{n}) "
          f"{t_full * 1e3:.2f} ms, then a matrix-vector product; results agree")


if __name__ == "__main__":
    main()
