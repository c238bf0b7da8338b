"""``custom_jvp`` and ``custom_vjp``: functions with user-defined derivative rules.

Calling a decorated function traces it to a jaxpr and binds a higher-order
primitive whose parameters are that jaxpr and the user's rule (as a flat Python
function).  Constants the function closes over become leading operands
(``num_consts``), so every transformation sees them.

- ``custom_jvp_call``: evaluates its jaxpr; its JVP rule calls the user's rule.
  Under ``linearize``/``grad`` the rule's tangent computation is staged like any
  other, so custom JVPs give reverse mode for free.
- ``custom_vjp_call``: evaluates its jaxpr; its JVP rule runs the user's ``fwd`` on
  the primals and emits ``custom_lin`` on the tangents, a linear primitive holding
  the residuals whose transpose calls the user's ``bwd``.  ``custom_lin`` can only
  be transposed: forward mode of a ``custom_vjp`` function is an error, as in JAX.

They are ``HigherOrderPrimitive``s that name their callee, their ``num_consts`` and
the role of each Python callable (``jvp``, ``fwd``, ``bwd``), so other transformations
(vmap, jit's lowering) handle them with their generic rules for such primitives.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

from plax_core import tree_util
from plax_core.core import get_aval
from plax_core.extend import HigherOrderPrimitive
from plax_core.jaxpr import eval_jaxpr, trace_to_jaxpr

from .partial_eval import closure_convert_jaxpr
from .tangents import (
    Zero,
    add_tangents,
    float0,
    instantiate,
    is_differentiable_dtype,
    tangent_aval,
    value_aval,
    zeros_like_aval,
)


def _resolve_args(fun, args, kwargs):
    """Keyword arguments bound to positions, as custom rules take positional ones."""
    if not kwargs:
        return tuple(args)
    try:
        sig = inspect.signature(fun)
    except (TypeError, ValueError):
        raise TypeError(f"keyword arguments could not be resolved to positions for "
                        f"{getattr(fun, '__name__', fun)}") from None
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    if bound.kwargs:
        raise TypeError(f"{getattr(fun, '__name__', 'fun')} with custom derivatives takes "
                        f"keyword-only arguments {sorted(bound.kwargs)}, which cannot be "
                        f"differentiated; pass them positionally")
    return tuple(bound.args)


def _split_nondiff(nondiff_argnums, args):
    nondiff = {i: args[i] for i in nondiff_argnums}
    dyn = tuple(a for i, a in enumerate(args) if i not in nondiff)
    return nondiff, dyn


def _merge(nondiff, dyn, total):
    it = iter(dyn)
    return [nondiff[i] if i in nondiff else next(it) for i in range(total)]


def _trace_flat(name, fun, nondiff, dyn_args, nargs):
    """Trace ``fun`` at the types of ``dyn_args``: closed jaxpr, consts, trees."""
    flat_args, in_tree = tree_util.tree_flatten(dyn_args)
    store = {}

    def flat_fun(*flat):
        out = fun(*_merge(nondiff, tree_util.tree_unflatten(in_tree, flat), nargs))
        leaves, store["out_tree"] = tree_util.tree_flatten(out)
        return leaves

    jaxpr, consts = trace_to_jaxpr(flat_fun, [get_aval(x) for x in flat_args])
    closed, consts = closure_convert_jaxpr(jaxpr, consts)
    return closed, consts, flat_args, in_tree, store["out_tree"]


def _check_out_tangents(name, out_tree, out_avals, tangents_out, tangent_tree):
    if tangent_tree != out_tree:
        raise TypeError(f"Custom JVP rule of {name} must produce primal and tangent outputs "
                        f"with equal container (pytree) structures, but got {out_tree} and "
                        f"{tangent_tree} respectively.")
    for aval, t in zip(out_avals, tangents_out):
        expected = tangent_aval(aval)
        got = value_aval(t)
        if got.shape != expected.shape:
            raise ValueError(f"Custom JVP rule of {name} must produce primal and tangent "
                             f"outputs with equal shapes, got {aval.shape} and {got.shape}.")
        if got.dtype != expected.dtype and expected.dtype != float0 and not got.weak_type:
            raise TypeError(f"Custom JVP rule of {name} must produce a tangent output of "
                            f"dtype {expected.dtype.name} (the tangent type of a "
                            f"{aval.dtype.name} primal output), got {got.dtype.name}.")


# ------------------------------------------------------------------ custom_jvp

# (HigherOrderPrimitives: other packages' generic rules batch and lower them.)
custom_jvp_call_p = HigherOrderPrimitive("custom_jvp_call", callee="call_jaxpr",
                                         num_consts="num_consts", callables={"jvp": "jvp"})


class custom_jvp:
    """A function with a custom JVP rule, as ``jax.custom_jvp``::

        @custom_jvp
        def f(x, y): return sin(x) * y

        @f.defjvp
        def f_jvp(primals, tangents):
            (x, y), (x_dot, y_dot) = primals, tangents
            return f(x, y), cos(x) * x_dot * y + sin(x) * y_dot

    The rule is used by ``jvp`` and, through linearization, by ``grad``/``vjp``.
    ``nondiff_argnums`` arguments are passed to the rule first, undifferentiated.
    """

    def __init__(self, fun: Callable, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp = None
        self.symbolic_zeros = False

    def __get__(self, instance, owner=None):
        return self if instance is None else functools.partial(self, instance)

    def defjvp(self, jvp: Callable, symbolic_zeros: bool = False) -> Callable:
        """Set the rule ``jvp(*nondiff_args, primals, tangents) -> (out, tangent_out)``."""
        self.jvp = jvp
        self.symbolic_zeros = symbolic_zeros
        return jvp

    def defjvps(self, *jvps) -> None:
        """Set the rule from one function per argument, ``jvp_i(g_i, ans, *primals)``,
        whose contributions are summed (None: the argument has zero derivative)."""
        if self.nondiff_argnums:
            raise TypeError("defjvps is not compatible with nondiff_argnums; use defjvp")

        def jvp(primals, tangents):
            ans = self(*primals)
            out = tree_util.tree_map(lambda a: Zero(tangent_aval(get_aval(a))), ans)
            for fn, t in zip(jvps, tangents):
                if fn is not None:
                    out = tree_util.tree_map(add_tangents, out, fn(t, ans, *primals),
                                             is_leaf=lambda x: type(x) is Zero)
            return ans, tree_util.tree_map(instantiate, out, is_leaf=lambda x: type(x) is Zero)

        self.defjvp(jvp)

    def __call__(self, *args, **kwargs):
        name = getattr(self.fun, "__name__", "fun")
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {name} using "
                                 f"defjvp.")
        args = _resolve_args(self.fun, args, kwargs)
        nondiff, dyn = _split_nondiff(self.nondiff_argnums, args)
        closed, consts, flat_args, in_tree, out_tree = _trace_flat(
            name, self.fun, nondiff, dyn, len(args))
        out_avals = closed.out_avals
        rule = self.jvp
        nondiff_vals = [nondiff[i] for i in sorted(nondiff)]

        def flat_jvp(*primals_and_tangents):
            n = len(primals_and_tangents) // 2
            primals = tree_util.tree_unflatten(in_tree, primals_and_tangents[:n])
            tangents = tree_util.tree_unflatten(in_tree, primals_and_tangents[n:])
            out = rule(*nondiff_vals, primals, tangents)
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise TypeError(f"Custom JVP rule of {name} must return a pair (primal "
                                f"outputs, tangent outputs), got {type(out).__name__}.")
            primals_out, p_tree = tree_util.tree_flatten(out[0])
            tangents_out, t_tree = tree_util.tree_flatten(out[1])
            if p_tree != out_tree:
                raise TypeError(f"Custom JVP rule of {name} must produce primal outputs with "
                                f"the same container (pytree) structure as the function, "
                                f"got {p_tree} and {out_tree}.")
            _check_out_tangents(name, out_tree, out_avals, tangents_out, t_tree)
            return list(primals_out) + list(tangents_out)

        outs = custom_jvp_call_p.bind(*consts, *flat_args, call_jaxpr=closed, jvp=flat_jvp,
                                      num_consts=len(consts),
                                      symbolic_zeros=self.symbolic_zeros)
        return tree_util.tree_unflatten(out_tree, outs)


# ------------------------------------------------------------------ custom_vjp

custom_vjp_call_p = HigherOrderPrimitive("custom_vjp_call", callee="call_jaxpr",
                                         num_consts="num_consts",
                                         callables={"fwd": "fwd", "bwd": "bwd"})

custom_lin_p = HigherOrderPrimitive("custom_lin", callee=None, linear_call=True,
                                    callables={"bwd": "bwd"})


def _custom_lin_impl(*args, **params):
    raise TypeError("can't apply forward-mode autodiff (jvp) to a custom_vjp function.")


custom_lin_p.def_impl(_custom_lin_impl)
custom_lin_p.def_abstract_eval(lambda *avals, out_avals, **params: list(out_avals))


class custom_vjp:
    """A function with a custom VJP rule, as ``jax.custom_vjp``::

        @custom_vjp
        def f(x, y): return sin(x) * y

        def f_fwd(x, y): return f(x, y), (cos(x), sin(x), y)      # output, residuals
        def f_bwd(res, g):                                          # residuals, cotangent
            cos_x, sin_x, y = res
            return (cos_x * g * y, sin_x * g)                       # one per argument

        f.defvjp(f_fwd, f_bwd)

    ``nondiff_argnums`` arguments are passed to ``bwd`` first.  Forward mode (``jvp``)
    of such a function is an error, as in JAX.
    """

    def __init__(self, fun: Callable, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd = None
        self.bwd = None
        self.symbolic_zeros = False

    def __get__(self, instance, owner=None):
        return self if instance is None else functools.partial(self, instance)

    def defvjp(self, fwd: Callable, bwd: Callable, symbolic_zeros: bool = False) -> None:
        """Set the rule: ``fwd(*args) -> (out, residuals)`` runs on the way forward,
        ``bwd(residuals, out_cotangent) -> tuple of input cotangents`` on the way back.
        ``symbolic_zeros`` is accepted for JAX's signature."""
        self.fwd, self.bwd = fwd, bwd
        self.symbolic_zeros = symbolic_zeros

    def __call__(self, *args, **kwargs):
        name = getattr(self.fun, "__name__", "fun")
        if self.fwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {name} using "
                                 f"defvjp.")
        args = _resolve_args(self.fun, args, kwargs)
        nargs = len(args)
        nondiff, dyn = _split_nondiff(self.nondiff_argnums, args)
        closed, consts, flat_args, in_tree, out_tree = _trace_flat(
            name, self.fun, nondiff, dyn, nargs)
        fwd, bwd = self.fwd, self.bwd
        nondiff_vals = [nondiff[i] for i in sorted(nondiff)]
        in_avals = [get_aval(x) for x in flat_args]
        res_store: dict = {}

        def flat_fwd(*flat_primals):
            primals = tree_util.tree_unflatten(in_tree, flat_primals)
            out = fwd(*_merge(nondiff, primals, nargs))
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise TypeError(f"Custom VJP fwd rule of {name} must return a pair (output, "
                                f"residuals), got {type(out).__name__}.")
            out_leaves, fwd_tree = tree_util.tree_flatten(out[0])
            if fwd_tree != out_tree:
                raise TypeError(f"Custom VJP fwd rule of {name} must produce primal outputs "
                                f"with the same container (pytree) structure as the "
                                f"function: got {fwd_tree} and {out_tree}.")
            res_leaves, res_store["tree"] = tree_util.tree_flatten(out[1])
            return list(out_leaves) + list(res_leaves)

        def flat_bwd(res_leaves, ct_leaves):
            res = tree_util.tree_unflatten(res_store["tree"], res_leaves)
            cts = tree_util.tree_unflatten(out_tree, ct_leaves)
            cts_in = bwd(*nondiff_vals, res, cts)
            if not isinstance(cts_in, (tuple, list)) or len(cts_in) != len(dyn):
                raise TypeError(f"Custom VJP bwd rule of {name} must produce a tuple of "
                                f"length equal to the number of differentiable arguments "
                                f"({len(dyn)}), with the structure of those arguments, but "
                                f"got {_describe(cts_in)}.")
            out = []
            for i, (arg, ct) in enumerate(zip(dyn, cts_in)):
                arg_leaves, arg_tree = tree_util.tree_flatten(arg)
                if ct is None:
                    ct_leaves = [None] * len(arg_leaves)
                else:
                    ct_leaves, ct_tree = tree_util.tree_flatten(
                        ct, is_leaf=lambda x: x is None)
                    if len(ct_leaves) != len(arg_leaves):
                        raise TypeError(f"Custom VJP bwd rule of {name} produced a "
                                        f"cotangent with structure {ct_tree} for argument "
                                        f"{i} of structure {arg_tree}.")
                out.extend(ct_leaves)
            for a, ct in zip(in_avals, out):
                if ct is not None and value_aval(ct).shape != a.shape:
                    raise ValueError(f"Custom VJP bwd rule of {name} produced a cotangent "
                                     f"of shape {value_aval(ct).shape} for an argument of "
                                     f"shape {a.shape}; they must be equal.")
            return [zeros_like_aval(tangent_aval(a)) if ct is None else ct
                    for a, ct in zip(in_avals, out)]

        outs = custom_vjp_call_p.bind(*consts, *flat_args, call_jaxpr=closed, fwd=flat_fwd,
                                      bwd=flat_bwd, num_consts=len(consts),
                                      symbolic_zeros=self.symbolic_zeros)
        return tree_util.tree_unflatten(out_tree, outs)


def _describe(x) -> str:
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of length {len(x)}"
    return f"a value of type {type(x).__name__}"


# --------------------------------------------------------------- closure_convert

def closure_convert(fun: Callable, *example_args):
    """``(converted_fun, consts)``: ``converted_fun(*args, *consts)`` computes
    ``fun(*args)`` with the floating-point values ``fun`` closes over as explicit
    arguments (so a ``custom_vjp`` rule can differentiate with respect to them)."""
    flat_args, in_tree = tree_util.tree_flatten(example_args)
    store = {}

    def flat_fun(*flat):
        out = fun(*tree_util.tree_unflatten(in_tree, flat))
        leaves, store["out_tree"] = tree_util.tree_flatten(out)
        return leaves

    jaxpr, consts = trace_to_jaxpr(flat_fun, [get_aval(x) for x in flat_args])
    hoist = [is_differentiable_dtype(get_aval(c).dtype) for c in consts]
    hoisted = [c for c, h in zip(consts, hoist) if h]
    kept = [c for c, h in zip(consts, hoist) if not h]
    n_args = len(example_args)

    def converted_fun(*args_and_consts):
        args, hconsts = args_and_consts[:n_args], args_and_consts[n_args:]
        hit, kit = iter(hconsts), iter(kept)
        all_consts = [next(hit) if h else next(kit) for h in hoist]
        flat, tree = tree_util.tree_flatten(tuple(args))
        if tree != in_tree:
            raise TypeError(f"closure_convert: the converted function was called with "
                            f"arguments of structure {tree}, expected {in_tree}")
        out = eval_jaxpr(jaxpr, all_consts, *flat)
        return tree_util.tree_unflatten(store["out_tree"], out)

    return converted_fun, hoisted


# (their JVP and transpose rules: rules/higher_order.py)
PRIMITIVES = [custom_jvp_call_p, custom_vjp_call_p, custom_lin_p]
