"""Custom derivatives for the special functions computed by iteration.

Series and continued fractions run in ``lax.while_loop``, which reverse mode cannot
differentiate, and their derivatives have closed forms anyway. ``with_jvp`` attaches a
JVP rule through ``plax_core.transformations.custom_jvp`` when plax-autodiff is installed;
without it (or when no argument is a tracer, so no derivative can be asked for) the plain
function runs, so plax-numpy keeps working on plax-core alone.
"""

from __future__ import annotations

import functools

import numpy as np

import plax_numpy as jnp
from plax_core import Tracer
from plax_core.plugins import get_registry


def with_jvp(rule):
    """Decorator: ``fun(*args)`` differentiated by ``rule(primals, tangents) -> (out, t)``.

    ``rule`` may call ``forward_derivative`` to push tangents through ``fun``'s loops.
    """
    def wrap(fun):
        built = {}

        @functools.wraps(fun)
        def call(*args):
            if not any(isinstance(a, Tracer) for a in args):
                return fun(*args)
            custom_jvp = get_registry().transformations.get("custom_jvp")
            if custom_jvp is None:
                return fun(*args)
            wrapped = built.get(custom_jvp)
            if wrapped is None:
                wrapped = custom_jvp(fun)
                # Primals may reach the rule as Python scalars (from grad of a scalar).
                wrapped.defjvp(lambda primals, tangents: rule(
                    tuple(jnp.asarray(p) for p in primals), tangents))
                built[custom_jvp] = wrapped
            return wrapped(*args)
        return call
    return wrap


def times_tangent(derivative, tangent):
    """``derivative() * tangent``; zero without calling ``derivative`` where the tangent is a
    known zero (an argument not differentiated): no 0 * inf = NaN from an infinite
    derivative, and no forward pass through a loop that nothing needs."""
    if not isinstance(tangent, Tracer) and not np.any(np.asarray(tangent)):
        return jnp.zeros_like(tangent)
    return derivative() * tangent


def forward_derivative(fun, primals, argnum):
    """d fun / d primals[argnum] at ``primals`` (forward mode, through any loops).

    A value of the primals alone, to be multiplied by the tangent: a tangent pushed through
    a ``while_loop`` could not be transposed by ``grad``.
    """
    jvp = get_registry().transformations["jvp"]
    tangents = [jnp.zeros_like(p) for p in primals]
    tangents[argnum] = jnp.ones_like(primals[argnum])
    return jvp(fun, tuple(primals), tuple(tangents))[1]
