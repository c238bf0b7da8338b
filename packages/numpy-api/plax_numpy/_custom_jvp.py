"""JAX's custom derivative rules for functions whose composed derivative is wrong at a point.

Where JAX defines a function with ``jax.custom_jvp`` (``relu`` is 0 at 0, ``logaddexp``
splits a tie evenly, ``xlogy`` is 0 at x == 0, ...), the derivative that autodiff would
compose from the primitives differs from JAX's at the special points.  ``with_jvp``
attaches JAX's rule.  plax-numpy depends on plax-core alone, so the rule goes through the
``custom_jvp`` transformation that plax-autodiff registers (``plax_core.transformations``):
without plax-autodiff there are no derivatives to get wrong, and the plain function runs.
Calls whose arguments are all concrete (no tracer: nothing to differentiate) also run the
plain function, so eager code pays nothing.  The special functions computed by iteration
(series and continued fractions in ``while_loop``, which reverse mode cannot enter) use
``times_tangent`` and ``forward_derivative`` in their rules.
"""

from __future__ import annotations

import functools

import numpy as np

import plax_core
from plax_core.core import Tracer


def with_jvp(jvp):
    """Decorator: ``fun(*arrays)`` whose derivative is ``jvp(primals, tangents) ->
    (out, tangent_out)`` (the contract of ``custom_jvp.defjvp``)."""

    def wrap(fun):
        made = []

        @functools.wraps(fun)
        def call(*args):
            if not any(isinstance(a, Tracer) for a in args):
                return fun(*args)
            if not made:
                try:
                    custom_jvp = plax_core.transformations.custom_jvp
                except AttributeError:     # plax-autodiff not installed: no derivatives
                    return fun(*args)
                f = custom_jvp(fun)
                # primals may reach the rule as Python scalars (grad of a scalar)
                f.defjvp(lambda primals, tangents: jvp(
                    tuple(_asarray(p) for p in primals), tangents))
                made.append(f)
            return made[0](*args)

        call.plain = fun
        return call

    return wrap


def with_jvps(*rules):
    """``with_jvp`` from one rule per argument, ``rule(g, ans, *args)`` (None: zero),
    summed, as ``custom_jvp.defjvps``."""

    def wrap(fun):
        def jvp(primals, tangents):
            ans = fun(*primals)
            out = None
            for rule, t in zip(rules, tangents):
                if rule is not None:
                    term = rule(t, ans, *primals)
                    out = term if out is None else plax_core.lax.add(out, term)
            return ans, out if out is not None else plax_core.lax.full_like(ans, 0)

        return with_jvp(jvp)(fun)

    return wrap


def _asarray(p):
    from plax_numpy import asarray
    return asarray(p)


def times_tangent(derivative, tangent):
    """``derivative() * tangent``; zero without calling ``derivative`` where the tangent is a
    known zero (an argument not differentiated): no 0 * inf = NaN from an infinite
    derivative, and no forward pass through a loop that nothing needs."""
    from plax_numpy import zeros_like
    if not isinstance(tangent, Tracer) and not np.any(np.asarray(tangent)):
        return zeros_like(tangent)
    return derivative() * tangent


def forward_derivative(fun, primals, argnum):
    """d fun / d primals[argnum] at ``primals`` (forward mode, through any loops).

    A value of the primals alone, to be multiplied by the tangent: a tangent pushed through
    a ``while_loop`` could not be transposed by ``grad``.
    """
    from plax_numpy import ones_like, zeros_like
    tangents = [zeros_like(p) for p in primals]
    tangents[argnum] = ones_like(primals[argnum])
    return plax_core.transformations.jvp(fun, tuple(primals), tuple(tangents))[1]
