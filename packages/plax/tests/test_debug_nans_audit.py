"""jax_debug_nans names the primitive that made the NaN, inside control flow, nested
jit, grad and eagerly: the names JAX 0.10.2 gives (obtained by running the same
programs with JAX outside this repository; control-flow primitives are named as a
whole, as JAX does: its de-optimized re-run keeps them as one operation)."""

import numpy as np
import pytest

import plax
import plax.numpy as jnp
from plax import grad, jit, lax

# name -> (program, primitive JAX 0.10.2 names)
CASES = {
    "scan": (lambda: jit(lambda x: lax.scan(lambda c, x: (c + lax.log(x), None), 0.0,
                                            x)[0])(np.array([1.0, -1.0], np.float32)),
             "scan"),
    "nested_jit": (lambda: jit(lambda x: jit(lambda y: lax.sqrt(y))(x) + 1)(np.float32(-1)),
                   "sqrt"),
    "cond": (lambda: jit(lambda x: lax.cond(x < 0, lambda x: lax.log(x), lambda x: x, x))(
        np.float32(-2)), "cond"),
    "grad": (lambda: jit(grad(lambda x: lax.sqrt(x) * 0.0))(np.float32(0.0)), "mul"),
    "eager_div": (lambda: jnp.array(0.0) / jnp.array(0.0), "div"),
    "while": (lambda: jit(lambda x: lax.while_loop(lambda c: c[0] < 2, lambda c: (
        c[0] + 1, lax.log(c[1])), (0, x))[1])(np.float32(-1)), "while"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_debug_nans_names_the_primitive_as_jax(name):
    program, primitive = CASES[name]
    with plax.config.override(jax_debug_nans=True):
        with pytest.raises(FloatingPointError,
                           match=rf"^invalid value \(nan\) encountered in {primitive} at "
                                 rf".*test_debug_nans_audit\.py:\d+"):
            program()
    program()                      # off again: no check
