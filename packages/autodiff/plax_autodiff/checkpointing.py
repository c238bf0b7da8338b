"""``checkpoint`` (``remat``): recompute a function's intermediates in the backward pass.

``checkpoint(f)`` traces ``f`` to a jaxpr and binds the ``checkpoint`` primitive with
it.  Evaluating the primitive just evaluates the jaxpr.  Its rules make the
difference:

- JVP: the primitive again, around the JVP of the jaxpr;
- partial evaluation (under ``linearize``/``vjp``): the known outputs (the primal
  results) are computed now, but nothing computed inside is kept as a residual.
  The unknown outputs (the tangents) are staged as one ``checkpoint`` equation over
  *all* the inputs, so only the inputs are saved;
- transpose: the backward pass over the body, which first recomputes the body's
  primal values from the saved inputs, then transposes its linear part.

With ``policy=None`` (or ``checkpoint_policies.nothing_saveable``) nothing is saved;
``checkpoint_policies.everything_saveable`` saves everything (no recomputation).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from plax_core import tree_util
from plax_core.core import get_aval
from plax_core.extend import HigherOrderPrimitive
from plax_core.jaxpr import trace_to_jaxpr

from .partial_eval import closure_convert_jaxpr

# (its callee evaluates it; other packages' generic rules batch and lower it)
checkpoint_p = HigherOrderPrimitive("checkpoint", callee="jaxpr")


class checkpoint_policies:
    """Which intermediate values ``checkpoint`` may keep (JAX's names)."""

    @staticmethod
    def nothing_saveable(*args, **params) -> bool:
        return False

    @staticmethod
    def everything_saveable(*args, **params) -> bool:
        return True


def checkpoint(fun: Callable, *, prevent_cse: bool = True, policy: Callable | None = None,
               static_argnums=()) -> Callable:
    """``fun`` whose intermediate values are recomputed, not stored, for reverse mode."""
    if policy not in (None, checkpoint_policies.nothing_saveable,
                      checkpoint_policies.everything_saveable):
        raise NotImplementedError("checkpoint supports policy=None, "
                                  "checkpoint_policies.nothing_saveable and "
                                  "checkpoint_policies.everything_saveable")
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def fun_remat(*args, **kwargs):
        nums = {i % len(args) for i in static} if args else set()
        dyn = tuple(a for i, a in enumerate(args) if i not in nums)
        flat_args, in_tree = tree_util.tree_flatten((dyn, kwargs))
        store = {}

        def flat_fun(*flat):
            dyn_args, kw = tree_util.tree_unflatten(in_tree, flat)
            it = iter(dyn_args)
            full = [args[i] if i in nums else next(it) for i in range(len(args))]
            out = fun(*full, **kw)
            leaves, store["out_tree"] = tree_util.tree_flatten(out)
            return leaves

        jaxpr, consts = trace_to_jaxpr(flat_fun, [get_aval(x) for x in flat_args])
        closed, consts = closure_convert_jaxpr(jaxpr, consts)
        outs = checkpoint_p.bind(*consts, *flat_args, jaxpr=closed, prevent_cse=prevent_cse,
                                 differentiated=False, policy=policy)
        return tree_util.tree_unflatten(store["out_tree"], outs)

    return fun_remat


remat = checkpoint


# (its JVP, partial-evaluation and transpose rules: rules/higher_order.py)
PRIMITIVES = [checkpoint_p]
