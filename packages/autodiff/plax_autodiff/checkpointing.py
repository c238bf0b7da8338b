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
from plax_core.jaxpr import ClosedJaxpr, eval_jaxpr, trace_to_jaxpr

from .jvp import jvp_jaxpr
from .partial_eval import closure_convert_jaxpr, dce_jaxpr, partial_eval_jaxpr
from .tangents import Zero, is_differentiable_dtype, is_zero, tangent_aval
from .transpose import backward_pass

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


def _checkpoint_jvp(primals, tangents, *, jaxpr, prevent_cse, differentiated, policy):
    nonzeros = [not is_zero(t) for t in tangents]
    jvp_closed, out_nonzeros = jvp_jaxpr(jaxpr, nonzeros, instantiate_out=False)
    converted, consts = closure_convert_jaxpr(jvp_closed.jaxpr, jvp_closed.consts)
    nz_tangents = [t for t, nz in zip(tangents, _effective(jaxpr, nonzeros)) if nz]
    outs = checkpoint_p.bind(*consts, *primals, *nz_tangents, jaxpr=converted,
                             prevent_cse=prevent_cse, differentiated=True, policy=policy)
    n = len(jaxpr.out_avals)
    primals_out, rest = outs[:n], iter(outs[n:])
    tangents_out = [next(rest) if nz else Zero(tangent_aval(a))
                    for a, nz in zip(jaxpr.out_avals, out_nonzeros)]
    return primals_out, tangents_out


def _effective(jaxpr, nonzeros):
    """The inputs ``jvp_jaxpr`` gave a tangent argument (differentiable ones only)."""
    return [nz and is_differentiable_dtype(a.dtype) for nz, a in zip(nonzeros, jaxpr.in_avals)]


def _checkpoint_partial_eval(trace, tracers, *, jaxpr, prevent_cse, differentiated, policy):
    unknowns = [not t.is_known for t in tracers]
    if policy is checkpoint_policies.everything_saveable or not any(unknowns):
        # Save everything: partially evaluate the body inline, like any other code.
        args = [t.const if t.is_known else t for t in tracers]
        return eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *args)
    known, unknown, out_unknowns, num_res = partial_eval_jaxpr(jaxpr, unknowns)
    n_known_out = len(out_unknowns) - sum(out_unknowns)

    # Known outputs now; the residuals the known part would hand over are not kept.
    known_body, _ = dce_jaxpr(known.jaxpr, [True] * n_known_out + [False] * num_res)
    known_outs = iter(eval_jaxpr(known_body, known.consts,
                                 *[t.const for t in tracers if t.is_known]))

    # Unknown outputs: one equation over all the inputs that recomputes the residuals.
    def recompute(*args):
        known_in = [a for a, u in zip(args, unknowns) if not u]
        unknown_in = [a for a, u in zip(args, unknowns) if u]
        res = eval_jaxpr(known.jaxpr, known.consts, *known_in)[n_known_out:]
        return eval_jaxpr(unknown.jaxpr, unknown.consts, *res, *unknown_in)

    body, consts = trace_to_jaxpr(recompute, [t.aval for t in tracers])
    body, _ = dce_jaxpr(body)
    staged = iter(trace.stage(
        checkpoint_p, tracers,
        dict(jaxpr=ClosedJaxpr(body, consts), prevent_cse=prevent_cse, differentiated=True,
             policy=policy),
        [v.aval for v in body.outvars]))
    return [next(staged) if u else next(known_outs) for u in out_unknowns]


def _checkpoint_transpose(cts, *args, jaxpr, prevent_cse, differentiated, policy):
    return backward_pass(jaxpr.jaxpr, jaxpr.consts, args, cts)


PRIMITIVES = [checkpoint_p]
JVP_RULES = {checkpoint_p: _checkpoint_jvp}
TRANSPOSE_RULES = {checkpoint_p: _checkpoint_transpose}
PARTIAL_EVAL_RULES = {checkpoint_p: _checkpoint_partial_eval}
