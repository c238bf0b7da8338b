"""Structured control flow: the higher-order primitives ``cond``, ``while`` and ``scan``.

Their parameters are jaxprs, traced from the user's functions by the ``lax`` functions
below.  Values a traced function closes over (tracers of an outer transformation, or
concrete arrays) are never left inside a parameter: they become explicit leading
operands (the *consts*), so every transformation sees them.  Every jaxpr parameter is
therefore a ``ClosedJaxpr`` whose ``consts`` are empty when built here (rules of other
packages keep that habit; a consumer should still honour non-empty ``consts``).

The primitives, for an interpreter, a transformation or a lowering:

``cond``  operands ``(index, *ops)``; param ``branches``: a tuple of ``ClosedJaxpr``,
    each ``ops -> outs`` with identical output types.  ``index`` is an int32 scalar;
    it selects ``branches[index]``, clamped into ``[0, len(branches) - 1]`` (the lax
    functions clamp before binding, so a lowering may use ``stablehlo.case`` as is).
    ``lax.cond`` binds ``branches=(false_fun, true_fun)`` with ``index = int32(pred)``.
    Branches take every op, including the consts of all branches (unused ones ignored).

``while`` operands ``(*cond_consts, *body_consts, *init)``; params ``cond_jaxpr``
    (``cond_consts + carry -> bool[]``), ``body_jaxpr`` (``body_consts + carry ->
    carry``), ``cond_nconsts``, ``body_nconsts`` (ints).  Outputs: the final carry.
    The predicate is always a scalar (a batched predicate is reduced inside the
    jaxprs by plax-batching), so it lowers to one ``stablehlo.while``.

``scan``  operands ``(*consts, *init, *xs)``; params ``jaxpr`` (``consts + carry +
    x_slices -> carry + y_slices``), ``length`` (int, the trip count; every ``xs`` has
    it as leading dimension), ``reverse`` (bool: iterate ``length-1 .. 0``),
    ``num_consts``, ``num_carry`` (ints), ``linear`` (a tuple of bools, one per
    operand; informational only, no rule needs it) and ``unroll`` (int >= 1: how many
    iterations a lowering may put in one loop step; semantics do not depend on it).
    Outputs: the final carry, then each ``y`` stacked along a new leading axis of
    size ``length`` (iteration ``i`` writes row ``i``, also when ``reverse``).

Abstract evaluation compares types by shape and dtype (weak types may differ between
a carry and its update, as in JAX) and names the branch, operand or output at fault.
The NumPy implementations are Python loops over ``eval_jaxpr``.
"""

from __future__ import annotations

import inspect
import operator
from collections.abc import Callable, Sequence

import numpy as np

from .. import dtypes, tree_util
from ..core import Primitive, ShapedArray, Tracer, get_aval, is_array_like
from ..jaxpr import ClosedJaxpr, Jaxpr, Var, eval_jaxpr, trace_to_jaxpr
from ..plugins import get_registry
from ..util import split_list as _split
from . import elementwise as ew
from . import structural as st

__all__ = ["associative_scan", "cond", "fori_loop", "map", "scan", "switch", "while_loop"]

_INT32 = np.dtype(np.int32)
_BOOL = np.dtype(np.bool_)


# ------------------------------------------------------------------ jaxpr helpers
# (plax-autodiff and plax-batching build their rules from these)

def typematch(a: ShapedArray, b: ShapedArray) -> bool:
    """Same shape and dtype (weak types may differ)."""
    return a.shape == b.shape and a.dtype == b.dtype


def convert_constvars(jaxpr: Jaxpr) -> ClosedJaxpr:
    """``jaxpr`` with its constvars turned into leading inputs (no consts left)."""
    return ClosedJaxpr(Jaxpr([], [*jaxpr.constvars, *jaxpr.invars], jaxpr.outvars,
                             jaxpr.eqns), [])


def trace_closed(flat_fun: Callable, in_avals: Sequence[ShapedArray]):
    """Trace ``flat_fun``: ``(jaxpr taking the closed-over values first, those values)``."""
    jaxpr, consts = trace_to_jaxpr(flat_fun, list(in_avals))
    return convert_constvars(jaxpr), list(consts)


def lift_consts(closed: ClosedJaxpr):
    """``(closed without consts, taking them as leading inputs, the consts)``."""
    if not closed.consts:
        return closed, []
    return convert_constvars(closed.jaxpr), list(closed.consts)


def jaxpr_as_fun(closed: ClosedJaxpr) -> Callable:
    return lambda *args: eval_jaxpr(closed.jaxpr, closed.consts, *args)


def move_binders(closed: ClosedJaxpr, in_order=None, out_order=None) -> ClosedJaxpr:
    """``closed`` with its inputs (outputs) reordered: new position k is old in_order[k]."""
    j = closed.jaxpr
    invars = j.invars if in_order is None else [j.invars[i] for i in in_order]
    outvars = j.outvars if out_order is None else [j.outvars[i] for i in out_order]
    return ClosedJaxpr(Jaxpr(j.constvars, invars, outvars, j.eqns), closed.consts)


def add_unused_inputs(closed: ClosedJaxpr, avals: Sequence[ShapedArray],
                      at: int | None = None) -> ClosedJaxpr:
    """``closed`` taking extra inputs of types ``avals`` that it ignores (at ``at``)."""
    j = closed.jaxpr
    at = len(j.invars) if at is None else at
    invars = [*j.invars[:at], *[Var(a) for a in avals], *j.invars[at:]]
    return ClosedJaxpr(Jaxpr(j.constvars, invars, j.outvars, j.eqns), closed.consts)


def join_consts(jaxprs: Sequence[ClosedJaxpr], consts: Sequence[Sequence]):
    """Jaxprs that each take their own consts first -> jaxprs that all take one joint
    list of consts first (each ignoring the others'): ``(new jaxprs, joint consts)``.
    A value several jaxprs close over is passed once."""
    joint: list = []
    slots: dict[int, list[int]] = {}
    placed = []
    for closed, cs in zip(jaxprs, consts):
        mine: dict[int, Var] = {}
        for v, c in zip(closed.jaxpr.invars[:len(cs)], cs):
            slot = next((s for s in slots.get(id(c), []) if s not in mine), None)
            if slot is None:
                slot = len(joint)
                joint.append(c)
                slots.setdefault(id(c), []).append(slot)
            mine[slot] = v
        placed.append(mine)
    out = []
    for closed, cs, mine in zip(jaxprs, consts, placed):
        j = closed.jaxpr
        lead = [mine[i] if i in mine else Var(get_aval(c)) for i, c in enumerate(joint)]
        out.append(ClosedJaxpr(Jaxpr(j.constvars, lead + j.invars[len(cs):], j.outvars,
                                     j.eqns), closed.consts))
    return out, joint


def _fresh_outputs(outs) -> list[np.ndarray]:
    """Results of an impl as new host arrays (never aliasing an operand)."""
    return [np.array(np.asarray(o), copy=True) for o in outs]


def _check_inputs(prim: str, what: str, expected, got, names=None):
    if len(expected) != len(got):
        raise TypeError(f"{prim}: {what} takes {len(expected)} inputs, but it is given "
                        f"{len(got)} operands")
    for i, (e, g) in enumerate(zip(expected, got)):
        if not typematch(e, g):
            name = names(i) if names else f"input {i}"
            raise TypeError(f"{prim}: {what} expects {name} of type {e.str_short()}, "
                            f"but the operand has type {g.str_short()}")


# --------------------------------------------------------------------------- cond

cond_p = Primitive("cond", multiple_results=True)


def _cond_abstract_eval(index, *ops, branches):
    if not branches:
        raise TypeError("cond: needs at least one branch, got none")
    if index.shape != () or index.dtype != _INT32:
        raise TypeError(f"cond: the branch index must be an int32 scalar, got "
                        f"{index.str_short()}")
    for i, br in enumerate(branches):
        _check_inputs("cond", f"branch {i}", br.in_avals, ops)
    first = branches[0].out_avals
    for i, br in enumerate(branches[1:], 1):
        outs = br.out_avals
        if len(outs) != len(first):
            raise TypeError(f"cond: every branch must return the same outputs, but branch "
                            f"0 returns {len(first)} arrays and branch {i} returns "
                            f"{len(outs)}")
        for j, (a, b) in enumerate(zip(first, outs)):
            if not typematch(a, b):
                raise TypeError(f"cond: every branch must return the same types, but output "
                                f"{j} is {a.str_short()} in branch 0 and {b.str_short()} "
                                f"in branch {i}")
    return [a.update(weak_type=all(br.out_avals[j].weak_type for br in branches))
            for j, a in enumerate(first)]


def _cond_impl(index, *ops, branches):
    i = min(max(int(np.asarray(index)), 0), len(branches) - 1)
    return _fresh_outputs(jaxpr_as_fun(branches[i])(*ops))


cond_p.def_abstract_eval(_cond_abstract_eval)
cond_p.def_impl(_cond_impl)


# -------------------------------------------------------------------------- while

while_p = Primitive("while", multiple_results=True)


def _while_abstract_eval(*avals, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cconsts, bconsts, carry = _split(avals, cond_nconsts, body_nconsts)
    _check_inputs("while", "cond_jaxpr", cond_jaxpr.in_avals, cconsts + carry)
    _check_inputs("while", "body_jaxpr", body_jaxpr.in_avals, bconsts + carry)
    pred = cond_jaxpr.out_avals
    if len(pred) != 1 or pred[0].shape != () or pred[0].dtype != _BOOL:
        raise TypeError(f"while: cond_jaxpr must return one bool[] scalar, got "
                        f"({', '.join(a.str_short() for a in pred)})")
    outs = body_jaxpr.out_avals
    if len(outs) != len(carry) or not all(typematch(a, b) for a, b in zip(carry, outs)):
        raise TypeError(f"while: body_jaxpr must return the carry's types "
                        f"({', '.join(a.str_short() for a in carry)}), got "
                        f"({', '.join(a.str_short() for a in outs)})")
    return list(outs)


def _while_impl(*args, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cconsts, bconsts, carry = _split(args, cond_nconsts, body_nconsts)
    cond_fun, body_fun = jaxpr_as_fun(cond_jaxpr), jaxpr_as_fun(body_jaxpr)
    while bool(np.asarray(cond_fun(*cconsts, *carry)[0])):
        carry = body_fun(*bconsts, *carry)
    return _fresh_outputs(carry)


while_p.def_abstract_eval(_while_abstract_eval)
while_p.def_impl(_while_impl)


# --------------------------------------------------------------------------- scan

scan_p = Primitive("scan", multiple_results=True)


def _unstacked(aval: ShapedArray) -> ShapedArray:
    return aval.update(shape=aval.shape[1:])


def _stacked(aval: ShapedArray, length: int) -> ShapedArray:
    return aval.update(shape=(length, *aval.shape))


def _scan_abstract_eval(*avals, jaxpr, length, reverse, num_consts, num_carry, linear,
                        unroll):
    consts, carry, xs = _split(avals, num_consts, num_carry)
    if len(linear) != len(avals):
        raise TypeError(f"scan: linear has {len(linear)} entries for {len(avals)} operands")
    for i, x in enumerate(xs):
        if not x.shape or x.shape[0] != length:
            raise TypeError(f"scan: every scanned-over operand needs a leading axis of size "
                            f"length={length}, but xs[{i}] has type {x.str_short()}")
    names = (lambda i: f"const {i}" if i < num_consts else
             f"carry {i - num_consts}" if i < num_consts + num_carry else
             f"x {i - num_consts - num_carry}")
    _check_inputs("scan", "jaxpr", jaxpr.in_avals, consts + carry + [_unstacked(x) for x in xs],
                  names)
    outs = jaxpr.out_avals
    if len(outs) < num_carry or not all(typematch(a, b) for a, b in zip(carry, outs)):
        raise TypeError(f"scan: the body must return the carry's types "
                        f"({', '.join(a.str_short() for a in carry)}) first, got "
                        f"({', '.join(a.str_short() for a in outs[:num_carry])})")
    return [*outs[:num_carry], *[_stacked(y, length) for y in outs[num_carry:]]]


def _scan_impl(*args, jaxpr, length, reverse, num_consts, num_carry, linear, unroll):
    consts, carry, xs = _split(args, num_consts, num_carry)
    xs = [np.asarray(x) for x in xs]
    ys = [np.zeros((length, *a.shape), a.dtype) for a in jaxpr.out_avals[num_carry:]]
    body = jaxpr_as_fun(jaxpr)
    for step in range(length):
        i = length - 1 - step if reverse else step
        outs = body(*consts, *carry, *[x[i, ...] for x in xs])
        carry = outs[:num_carry]
        for buf, y in zip(ys, outs[num_carry:]):
            buf[i] = np.asarray(y)
    return [*_fresh_outputs(carry), *ys]


scan_p.def_abstract_eval(_scan_abstract_eval)
scan_p.def_impl(_scan_impl)


# ------------------------------------------------------------ tracing user functions

def _flat_avals(fname: str, what: str, leaves) -> list[ShapedArray]:
    out = []
    for x in leaves:
        if isinstance(x, (list, tuple)) or not is_array_like(x):
            raise TypeError(f"{fname}: {what} must be arrays or pytrees of arrays, got a "
                            f"value of type {type(x).__name__}: {x!r}")
        out.append(get_aval(x))
    return out


def _cast_outputs(leaves, avals):
    """``leaves`` converted where their dtype or weak type differs from ``avals``."""
    out = []
    for x, a in zip(leaves, avals):
        b = get_aval(x)
        if b.dtype != a.dtype or b.weak_type != a.weak_type:
            x = ew.convert_element_type_p.bind(x, new_dtype=a.dtype, weak_type=a.weak_type,
                                               sharding=None)
        out.append(x)
    return out


def _trace_fun(fname: str, what: str, fun: Callable, args_tree, in_avals, split_out=None,
               cast_to=None):
    """Trace ``fun(*args)`` (args flattened by ``args_tree``): ``(jaxpr, consts, out_tree)``.

    ``split_out(out)`` turns the output into a tuple of pytrees to flatten (default:
    the output itself); ``cast_to`` (avals) converts the flat outputs at the end.
    """
    store = {}

    def flat_fun(*flat):
        out = fun(*tree_util.tree_unflatten(args_tree, flat))
        parts = split_out(out) if split_out else (out,)
        leaves, trees = [], []
        for part in parts:
            part_leaves, tree = tree_util.tree_flatten(part)
            _flat_avals(fname, f"the outputs of {what}", part_leaves)
            leaves += part_leaves
            trees.append(tree)
        store["trees"] = trees if split_out else trees[0]
        return _cast_outputs(leaves, cast_to) if cast_to is not None else leaves

    closed, consts = trace_closed(flat_fun, in_avals)
    return closed, consts, store["trees"]


def _out_names(tree, avals) -> list[str]:
    paths = tree_util.tree_flatten_with_path(tree_util.tree_unflatten(tree, avals))[0]
    return [f"output {tree_util.keystr(p)}" if p else "the output" for p, _ in paths]


def _join_weak(avals_per_branch):
    """Per output: weak only if every branch's is (a strong branch decides)."""
    return [avals[0].update(weak_type=all(a.weak_type for a in avals))
            for avals in zip(*avals_per_branch)]


def _bind_cond(fname: str, index, funs, names, operands):
    ops_flat, in_tree = tree_util.tree_flatten(tuple(operands))
    in_avals = _flat_avals(fname, "operands", ops_flat)
    traced = [_trace_fun(fname, n, f, in_tree, in_avals) for f, n in zip(funs, names)]
    jaxpr0, _, tree0 = traced[0]
    for (jaxpr, _, tree), name in zip(traced[1:], names[1:]):
        if tree != tree0:
            raise TypeError(f"{names[0]} and {name} output must have same type structure, "
                            f"got {tree0} and {tree}.")
        labels = _out_names(tree0, jaxpr0.out_avals)
        for label, a, b in zip(labels, jaxpr0.out_avals, jaxpr.out_avals):
            if not typematch(a, b):
                raise TypeError(f"{names[0]} and {name} output must have identical types: "
                                f"{label} is {a.str_short()} in {names[0]} but "
                                f"{b.str_short()} in {name}.")
    joint = _join_weak([t[0].out_avals for t in traced])
    traced = [t if t[0].out_avals == joint else
              _trace_fun(fname, n, f, in_tree, in_avals, cast_to=joint)
              for t, f, n in zip(traced, funs, names)]
    branches, consts = join_consts([t[0] for t in traced], [t[1] for t in traced])
    outs = cond_p.bind(index, *consts, *ops_flat, branches=tuple(branches))
    return tree_util.tree_unflatten(tree0, outs)


# ------------------------------------------------------------------- cond, switch

def _describe_tree(x) -> str:
    return f"a {type(x).__name__} of length {len(x)}" if isinstance(x, (tuple, list)) \
        else f"a value of type {type(x).__name__}"


def cond(pred, true_fun: Callable, false_fun: Callable, *operands):
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``, as one primitive.

    ``pred`` is a boolean (or integer: nonzero is true) scalar.  Both functions must
    return the same pytree of arrays with the same shapes and dtypes.  The 2019 form
    ``cond(pred, true_operand, true_fun, false_operand, false_fun)`` works too.
    """
    if (len(operands) == 2 and not callable(true_fun) and callable(false_fun)
            and callable(operands[1])):
        true_op, t_fun, false_op, f_fun = true_fun, false_fun, operands[0], operands[1]
        return cond(pred, lambda ops: t_fun(ops[0]), lambda ops: f_fun(ops[1]),
                    (true_op, false_op))
    if not (callable(true_fun) and callable(false_fun)):
        raise TypeError("lax.cond: true_fun and false_fun arguments should be callable.")
    if pred is None:
        raise TypeError("cond predicate is None")
    if isinstance(pred, (list, tuple)) or not is_array_like(pred):
        raise TypeError(f"Pred must be a scalar, got {pred!r} of type {type(pred)}")
    aval = get_aval(pred)
    if aval.shape != ():
        raise TypeError(f"Pred must be a scalar, got {pred} of shape {aval.shape}.")
    if aval.dtype != _BOOL:
        if not dtypes.is_int(aval.dtype):
            raise TypeError(f"Pred type must be either boolean or number, got "
                            f"{aval.dtype.name}.")
        pred = ew.ne(pred, 0)
    index = ew.convert_element_type(pred, _INT32)
    return _bind_cond("lax.cond", index, [false_fun, true_fun], ["false_fun", "true_fun"],
                      operands)


def switch(index, branches: Sequence[Callable], *operands):
    """``branches[index](*operands)``, with ``index`` clamped into range (as JAX)."""
    if not isinstance(branches, (list, tuple)) or not all(callable(b) for b in branches):
        raise TypeError("branches argument should be a sequence of callables.")
    if not branches:
        raise ValueError("Empty branch sequence")
    if isinstance(index, (list, tuple)) or not is_array_like(index):
        raise TypeError(f"Branch index must be scalar, got {index!r} of type {type(index)}")
    aval = get_aval(index)
    if aval.shape != ():
        raise TypeError(f"Branch index must be scalar, got {index} of shape {aval.shape}.")
    if not dtypes.is_int(aval.dtype):
        raise TypeError(f"Index type must be an integer, got {index} of type "
                        f"{aval.dtype.name}")
    if len(branches) == 1:
        return branches[0](*operands)
    index = ew.convert_element_type(index, _INT32)
    index = ew.clamp_p.bind(np.int32(0), index, np.int32(len(branches) - 1))
    return _bind_cond("lax.switch", index, list(branches),
                      [f"branch {i}" for i in range(len(branches))], operands)


# ------------------------------------------------------------------- loop carries

def _carry_label(fun) -> Callable:
    try:
        name = next(iter(inspect.signature(fun).parameters), None)
    except (TypeError, ValueError):
        name = None
    if name:
        return lambda p: (f"the input carry component {name}{tree_util.keystr(p)}" if p
                          else f"the input carry {name}")
    return lambda p: (f"the input carry at path {tree_util.keystr(p)}" if p
                      else "the input carry")


def _check_carry(what: str, fun, init, out_tree, out_avals):
    """JAX's errors for a loop body whose carry changes structure or type."""
    label = _carry_label(fun)
    path_leaves, in_tree = tree_util.tree_flatten_with_path(init)
    if in_tree != out_tree:
        raise TypeError(f"{what} function carry input and carry output must have the same "
                        f"pytree structure, but they differ:\n  the input tree structure is "
                        f"{in_tree}\n  the output tree structure is {out_tree}\n\nRevise the "
                        f"function so that its carry output has the same pytree structure "
                        f"as its carry input.")
    diffs = []
    for (path, x), b in zip(path_leaves, out_avals):
        a = get_aval(x)
        if not typematch(a, b):
            why = " and also ".join(w for w, bad in (("the dtypes do not match",
                                                       a.dtype != b.dtype),
                                                      ("the shapes do not match",
                                                       a.shape != b.shape)) if bad)
            diffs.append(f"  * {label(path)} has type {a.str_short()} but the corresponding "
                         f"output carry component has type {b.str_short()}, so {why}\n")
    if diffs:
        raise TypeError(f"{what} function carry input and carry output must have equal "
                        f"types (e.g. shapes and dtypes of arrays), but they differ:\n"
                        f"{''.join(diffs)}\nRevise the function so that all output types "
                        f"(e.g. shapes and dtypes) match the corresponding input types.")


def _promote_weak(init_flat, out_avals) -> tuple[list, bool]:
    """Weakly typed initial carries take the type their update has (JAX's rule)."""
    changed, out = False, list(init_flat)
    if len(out) != len(out_avals):
        return out, False
    for i, (x, b) in enumerate(zip(init_flat, out_avals)):
        a = get_aval(x)
        if a.weak_type and not typematch(a, b) and a.shape == b.shape:
            out[i] = ew.convert_element_type_p.bind(
                x, new_dtype=dtypes.result_type(a, b), weak_type=False, sharding=None)
            changed = True
    return out, changed


# -------------------------------------------------------------- while_loop, fori_loop

def while_loop(cond_fun: Callable, body_fun: Callable, init_val):
    """``while cond_fun(val): val = body_fun(val)``, as one ``while`` primitive.

    The carry ``val`` keeps its pytree structure, shapes and dtypes.  Forward-mode
    differentiation works; reverse mode needs a static trip count (``fori_loop``
    with concrete bounds, or ``scan``).
    """
    if not (callable(cond_fun) and callable(body_fun)):
        raise TypeError("lax.while_loop: cond_fun and body_fun arguments should be "
                        "callable.")
    init_flat, init_tree = tree_util.tree_flatten(init_val)
    for _ in range(2):
        avals = _flat_avals("lax.while_loop", "init_val", init_flat)
        args_tree = tree_util.tree_structure((tree_util.tree_unflatten(init_tree, avals),))
        cond_jaxpr, cond_consts, _ = _trace_fun("lax.while_loop", "cond_fun", cond_fun,
                                                args_tree, avals)
        pred = cond_jaxpr.out_avals
        if len(pred) != 1 or pred[0].shape != () or pred[0].dtype != _BOOL:
            raise TypeError(f"cond_fun must return a boolean scalar, but got output type(s) "
                            f"[{', '.join(a.str_short() for a in pred)}].")
        body_jaxpr, body_consts, body_tree = _trace_fun("lax.while_loop", "body_fun",
                                                        body_fun, args_tree, avals)
        init_flat, changed = _promote_weak(init_flat, body_jaxpr.out_avals)
        if not changed:
            break
    _check_carry("while_loop body", body_fun, tree_util.tree_unflatten(init_tree, init_flat),
                 body_tree, body_jaxpr.out_avals)
    outs = while_p.bind(*cond_consts, *body_consts, *init_flat, cond_jaxpr=cond_jaxpr,
                        body_jaxpr=body_jaxpr, cond_nconsts=len(cond_consts),
                        body_nconsts=len(body_consts))
    return tree_util.tree_unflatten(init_tree, outs)


def _bound_dtype(lower, upper):
    lo, hi = dtypes.dtype(lower), dtypes.dtype(upper)
    if lo == hi:
        dt = lo
    elif dtypes.is_signed(lo) and dtypes.is_signed(hi) and \
            dtypes.is_weakly_typed(lower) != dtypes.is_weakly_typed(upper):
        dt = hi if dtypes.is_weakly_typed(lower) else lo
    else:
        raise TypeError(f"lower and upper arguments to fori_loop must have equal types, "
                        f"got {lo.name} and {hi.name}")
    if not dtypes.is_int(dt):
        raise TypeError(f"fori_loop: lower and upper must be integers, got {dt.name}")
    return dt


def _as_index(x, dt):
    return x if dtypes.dtype(x) == dt else ew.convert_element_type(x, dt)


def fori_loop(lower, upper, body_fun: Callable, init_val, *, unroll=None):
    """``for i in range(lower, upper): val = body_fun(i, val)``.

    With concrete bounds (Python or NumPy integers, concrete arrays) this is a
    ``scan`` of ``max(upper - lower, 0)`` steps, so reverse-mode differentiation
    works; with traced bounds it is a ``while_loop`` (forward mode only).
    """
    if not callable(body_fun):
        raise TypeError("lax.fori_loop: body_fun argument should be callable.")
    dt = _bound_dtype(lower, upper)
    if not isinstance(lower, Tracer) and not isinstance(upper, Tracer):
        length = max(int(np.asarray(upper)) - int(np.asarray(lower)), 0)

        def step(carry, _):
            i, val = carry
            return (ew.add(i, 1), body_fun(i, val)), None

        (_, result), _ = scan(step, (_as_index(lower, dt), init_val), None, length=length,
                              unroll=1 if unroll is None else unroll)
        return result
    if unroll is not None:
        raise ValueError("Can only use `unroll` in `fori_loop` if the loop bounds are "
                         "statically known.")

    def body(carry):
        i, hi, val = carry
        return ew.add(i, 1), hi, body_fun(i, val)

    _, _, result = while_loop(lambda c: ew.lt(c[0], c[1]), body,
                              (_as_index(lower, dt), _as_index(upper, dt), init_val))
    return result


# ----------------------------------------------------------------------- scan, map

def _canonical_unroll(unroll, length: int) -> int:
    if isinstance(unroll, (bool, np.bool_)):
        return max(length, 1) if unroll else 1
    try:
        unroll = operator.index(unroll)
    except TypeError:
        raise TypeError(f"`unroll` must be a `bool` or a positive `int`, got {unroll!r}") \
            from None
    if unroll < 1:
        raise ValueError("`unroll` must be a `bool` or a positive `int`.")
    return unroll


def _scan_length(xs_flat, xs_avals, length):
    for x, a in zip(xs_flat, xs_avals):
        if not a.shape:
            raise ValueError(f"scan got value with no leading axis to scan over: {x}.")
    lengths = [a.shape[0] for a in xs_avals]
    if length is not None:
        length = operator.index(length)
        if any(n != length for n in lengths):
            raise ValueError(f"scan got `length` argument of {length} which disagrees with "
                             f"leading axis sizes {lengths}.")
        return length
    if len(set(lengths)) > 1:
        raise ValueError(f"scan got values with different leading axis sizes: "
                         f"{', '.join(str(n) for n in lengths)}.")
    if not lengths:
        raise ValueError("scan got no values to scan over and `length` not provided.")
    return lengths[0]


def scan(f: Callable, init, xs=None, length: int | None = None, reverse: bool = False,
         unroll: int | bool = 1, _split_transpose: bool = False):
    """Scan ``f: (carry, x) -> (carry, y)`` over the leading axis of ``xs``.

    Returns ``(final carry, stacked ys)``, like::

        carry, ys = init, []
        for x in xs:                      # reversed(xs) when reverse=True
            carry, y = f(carry, x)
            ys.append(y)
        return carry, stack(ys)           # ys in the order of xs

    as one ``scan`` primitive (one loop when compiled, whatever ``length`` is).
    """
    if not callable(f):
        raise TypeError("lax.scan: f argument should be a callable.")
    xs_flat, xs_tree = tree_util.tree_flatten(xs)
    xs_avals = _flat_avals("lax.scan", "xs", xs_flat)
    length = _scan_length(xs_flat, xs_avals, length)
    unroll = _canonical_unroll(unroll, length)
    x_avals = [_unstacked(a) for a in xs_avals]
    init_flat, init_tree = tree_util.tree_flatten(init)
    for _ in range(2):
        carry_avals = _flat_avals("lax.scan", "init", init_flat)
        args_tree = tree_util.tree_structure(
            (tree_util.tree_unflatten(init_tree, carry_avals),
             tree_util.tree_unflatten(xs_tree, x_avals)))
        jaxpr, consts, (carry_tree, y_tree) = _trace_fun(
            "lax.scan", "f", f, args_tree, carry_avals + x_avals, split_out=_split_pair)
        n_carry_out = carry_tree.num_leaves
        init_flat, changed = _promote_weak(init_flat, jaxpr.out_avals[:n_carry_out]
                                           if n_carry_out == len(init_flat) else [])
        if not changed:
            break
    _check_carry("scan body", f, tree_util.tree_unflatten(init_tree, init_flat), carry_tree,
                 jaxpr.out_avals[:n_carry_out])
    operands = [*consts, *init_flat, *xs_flat]
    outs = scan_p.bind(*operands, jaxpr=jaxpr, length=length, reverse=bool(reverse),
                       num_consts=len(consts), num_carry=len(init_flat),
                       linear=(False,) * len(operands), unroll=unroll)
    return (tree_util.tree_unflatten(carry_tree, outs[:len(init_flat)]),
            tree_util.tree_unflatten(y_tree, outs[len(init_flat):]))


def _split_pair(out):
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise TypeError(f"scan body output must be a pair, got {_describe_tree(out)}.")
    return tuple(out)


def map(f: Callable, xs, *, batch_size: int | None = None):  # noqa: A001
    """``stack([f(x) for x in xs])`` over the leading axis of (a pytree) ``xs``, as a scan.

    With ``batch_size``, ``f`` is vmapped over chunks of that many rows (needs the
    ``vmap`` transformation, i.e. plax-batching, installed).
    """
    if batch_size is None:
        _, ys = scan(lambda _, x: ((), f(x)), (), xs)
        return ys
    vmap = get_registry().transformations.get("vmap")
    if vmap is None:
        raise NotImplementedError("lax.map with batch_size needs the vmap transformation "
                                  "(install plax-batching)")
    leaves, tree = tree_util.tree_flatten(xs)
    n = _scan_length(leaves, _flat_avals("lax.map", "xs", leaves), None)
    batch_size = operator.index(batch_size)
    full, rest = divmod(n, batch_size)
    chunks = [st.reshape(st.slice_in_dim(x, 0, full * batch_size),
                         (full, batch_size, *get_aval(x).shape[1:])) for x in leaves]
    _, ys = scan(lambda _, x: ((), vmap(f)(x)), (), tree_util.tree_unflatten(tree, chunks))
    ys = tree_util.tree_map(lambda y: st.reshape(y, (full * batch_size, *y.shape[2:])), ys)
    if rest:
        tail = [st.slice_in_dim(x, full * batch_size, n) for x in leaves]
        tail_ys = vmap(f)(tree_util.tree_unflatten(tree, tail))
        ys = tree_util.tree_map(lambda a, b: st.concatenate([a, b], 0), ys, tail_ys)
    return ys


# --------------------------------------------------------------- associative_scan

def _interleave(a, b, axis: int):
    """``a[0], b[0], a[1], b[1], ...`` along ``axis`` (``a`` may be one longer)."""
    na, nb = get_aval(a).shape[axis], get_aval(b).shape[axis]
    ndim = get_aval(a).ndim
    a_cfg, b_cfg = [(0, 0, 0)] * ndim, [(0, 0, 0)] * ndim
    a_cfg[axis] = (0, 1 if na == nb else 0, 1)
    b_cfg[axis] = (1, 0 if na == nb else 1, 1)
    dt = get_aval(a).dtype
    zero = np.zeros((), dt)
    combine = ew.bitwise_or if dt == _BOOL else ew.add
    return combine(st.pad(a, zero, a_cfg), st.pad(b, zero, b_cfg))


def associative_scan(fn: Callable, elems, reverse: bool = False, axis: int = 0):
    """Inclusive prefix scan with an associative ``fn`` in O(log n) parallel steps.

    ``fn(a, b)`` combines two pytrees shaped like ``elems`` slices along ``axis``
    (elementwise over that axis).  Result ``k`` combines elements ``0..k``.
    """
    if not callable(fn):
        raise TypeError("lax.associative_scan: fn argument should be callable.")
    leaves, tree = tree_util.tree_flatten(elems)
    avals = _flat_avals("lax.associative_scan", "elems", leaves)
    if not leaves:
        raise ValueError("lax.associative_scan: elems must contain at least one array")
    axis = st.canonical_axis("associative_scan", axis, avals[0].ndim)
    n = avals[0].shape[axis]
    if any(a.ndim <= axis or a.shape[axis] != n for a in avals[1:]):
        raise ValueError(f"Array inputs to associative_scan must have the same first "
                         f"dimension. (saw: {[a.shape for a in avals]})")
    if reverse:
        leaves = [st.rev(x, (axis,)) for x in leaves]

    def combine(a, b):
        out = fn(tree_util.tree_unflatten(tree, a), tree_util.tree_unflatten(tree, b))
        out_leaves, out_tree = tree_util.tree_flatten(out)
        if out_tree != tree:
            raise TypeError(f"lax.associative_scan: fn must return a pytree with the "
                            f"structure of elems ({tree}), got {out_tree}")
        return out_leaves

    def sl(x, start, stop, stride=1):
        return st.slice_in_dim(x, start, stop, stride, axis)

    def prefix(xs):
        size = get_aval(xs[0]).shape[axis]
        if size < 2:
            return xs
        pairs = combine([sl(x, 0, size - 1, 2) for x in xs], [sl(x, 1, size, 2) for x in xs])
        odd = prefix(pairs)                  # results at positions 1, 3, 5, ...
        rest = [sl(x, 2, size, 2) for x in xs]
        if size % 2 == 0:
            odd_head = [sl(o, 0, get_aval(o).shape[axis] - 1) for o in odd]
            even = combine(odd_head, rest)
        else:
            even = combine(odd, rest)
        even = [st.concatenate([sl(x, 0, 1), e], axis) for x, e in zip(xs, even)]
        return [_interleave(e, o, axis) for e, o in zip(even, odd)]

    out = prefix(leaves)
    if reverse:
        out = [st.rev(x, (axis,)) for x in out]
    return tree_util.tree_unflatten(tree, out)


def all_primitives() -> list[Primitive]:
    return [cond_p, while_p, scan_p]

