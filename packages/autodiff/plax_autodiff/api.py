"""The user-facing transformations, with JAX's signatures and error messages.

``jvp`` runs forward mode; ``linearize`` adds partial evaluation and returns the
linear map at a point; ``vjp`` transposes that linear map; ``grad`` and
``value_and_grad`` call ``vjp`` with a unit cotangent.  ``jacfwd``/``jacrev`` push a
standard basis through the linear map (``linearize``) or pull one back through
``vjp``: with ``vmap`` when a real one is installed (``plax_core.transformations``),
otherwise one basis vector at a time.  Pytrees everywhere; flat lists inside.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence

import numpy as np

from plax_core import dtypes, get_registry, lax, tree_util
from plax_core.core import get_aval, is_array_like
from plax_core.jaxpr import eval_jaxpr
from plax_core.registry import MissingRuleError

from .jvp import jvp_flat
from .partial_eval import linearize_flat
from .tangents import (
    UndefinedPrimal,
    Zero,
    float0,
    float0_zeros,
    instantiate,
    is_differentiable_dtype,
    tangent_aval,
    value_aval,
    zeros_like_aval,
)
from .transpose import backward_pass

# ------------------------------------------------------------------- helpers


def _fun_name(fun) -> str:
    return getattr(fun, "__name__", type(fun).__name__)


def _check_arrays(fname: str, what: str, leaves):
    for x in leaves:
        if not is_array_like(x) and not (isinstance(x, np.ndarray) and x.dtype == float0):
            raise TypeError(f"{fname}: {what} must be arrays or pytrees of arrays, got a "
                            f"value of type {type(x).__name__}: {x!r}")


def _flatten_fun(fun: Callable, in_tree, has_aux: bool = False, fname: str = "grad"):
    """``fun`` on pytrees as a function of flat lists; output trees land in ``store``."""
    store: dict = {}

    def flat_fun(*flat_args):
        args = tree_util.tree_unflatten(in_tree, flat_args)
        out = fun(*args)
        if has_aux:
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise TypeError(f"{fname} with has_aux=True requires {_fun_name(fun)} to "
                                f"return a pair (output, auxiliary_data), but it returned "
                                f"{_describe(out)}")
            out, aux = out
            aux_leaves, store["aux_tree"] = tree_util.tree_flatten(aux)
        out_leaves, store["out_tree"] = tree_util.tree_flatten(out)
        for o in out_leaves:
            if not is_array_like(o):
                raise TypeError(f"{fname}: {_fun_name(fun)} must return arrays or pytrees "
                                f"of arrays, but its output contains a value of type "
                                f"{type(o).__name__}: {o!r}")
        return (out_leaves, aux_leaves) if has_aux else out_leaves

    return flat_fun, store


def _describe(x) -> str:
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of length {len(x)}"
    return f"a value of type {type(x).__name__}"


def _normalize_argnums(fname: str, argnums, nargs: int) -> tuple[int, ...]:
    single = isinstance(argnums, (int, np.integer))
    nums = (argnums,) if single else tuple(argnums)
    out = []
    for a in nums:
        try:
            a = operator.index(a)
        except TypeError:
            raise TypeError(f"{fname}: argnums must be an int or a tuple of ints, got "
                            f"{argnums!r}") from None
        if not -nargs <= a < nargs:
            need = a + 1 if a >= 0 else -a
            raise TypeError(f"{fname}: differentiating with respect to argnums={argnums} "
                            f"requires at least {need} positional arguments to be passed by "
                            f"the caller, but got only {nargs} positional arguments.")
        out.append(a % nargs)
    if len(set(out)) != len(out):
        raise ValueError(f"{fname}: argnums must not contain duplicates, got {argnums!r}")
    return tuple(out)


def _argnums_partial(fname: str, fun: Callable, argnums, args, kwargs):
    """``fun`` as a function of the arguments ``argnums`` only, and those arguments."""
    nums = _normalize_argnums(fname, argnums, len(args))

    def partial_fun(*dyn):
        full = list(args)
        for i, d in zip(nums, dyn):
            full[i] = d
        return fun(*full, **kwargs)

    functools.update_wrapper(partial_fun, fun, updated=())
    return partial_fun, tuple(args[i] for i in nums)


def _check_input_dtype(fname: str, holomorphic: bool, allow_int: bool, x):
    dt = value_aval(x).dtype
    if holomorphic:
        if not dtypes.is_complex(dt):
            raise TypeError(f"{fname} with holomorphic=True requires inputs with complex "
                            f"dtype, but got {dt.name}.")
    if dtypes.is_inexact(dt):
        return
    if allow_int and (dtypes.is_int(dt) or dtypes.is_bool(dt) or dt == float0):
        return
    hint = (" If you want to use Boolean- or integer-valued inputs, use vjp or set "
            "allow_int to True." if fname in ("grad", "value_and_grad", "jacrev") else "")
    raise TypeError(f"{fname} requires real- or complex-valued inputs (input dtype that is "
                    f"a sub-dtype of np.inexact), but got {dt.name}.{hint}")


# ---------------------------------------------------------------------- jvp

def jvp(fun: Callable, primals, tangents, has_aux: bool = False):
    """Forward mode: ``(fun(*primals), J(primals) @ tangents)`` (and ``aux``).

    ``primals`` and ``tangents`` are tuples (or lists) of the same structure; a
    tangent has its primal's shape and dtype (float0 for integer or boolean primals).
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(f"primal and tangent arguments to jvp must be tuples or lists; "
                        f"found {type(primals).__name__} and {type(tangents).__name__}.")
    flat_primals, in_tree = tree_util.tree_flatten(tuple(primals))
    flat_tangents, tangent_tree = tree_util.tree_flatten(tuple(tangents))
    if in_tree != tangent_tree:
        raise TypeError(f"primal and tangent arguments to jvp must have the same tree "
                        f"structure; primals have tree structure {in_tree} whereas tangents "
                        f"have tree structure {tangent_tree}.")
    _check_arrays("jvp", "primals", flat_primals)
    _check_arrays("jvp", "tangents", flat_tangents)
    tangents_in = [_check_tangent(get_aval(p), t) for p, t in zip(flat_primals, flat_tangents)]
    flat_fun, store = _flatten_fun(fun, in_tree, has_aux, "jvp")
    out_primals, out_tangents, aux = jvp_flat(flat_fun, flat_primals, tangents_in, has_aux)
    out_tree = store["out_tree"]
    out_tangents = [_materialize(t, p) for p, t in zip(out_primals, out_tangents)]
    result = (tree_util.tree_unflatten(out_tree, out_primals),
              tree_util.tree_unflatten(out_tree, out_tangents))
    if has_aux:
        return result + (tree_util.tree_unflatten(store["aux_tree"], aux),)
    return result


def _check_tangent(p_aval, tangent):
    """The tangent for a primal of type ``p_aval``, checked (``Zero`` for float0)."""
    t_aval = value_aval(tangent)
    if p_aval.shape != t_aval.shape:
        raise ValueError(f"jvp called with different primal and tangent shapes; got "
                         f"primal shape {p_aval.shape} and tangent shape {t_aval.shape}")
    expected = tangent_aval(p_aval).dtype
    got = t_aval.dtype
    if expected == float0:
        if got != float0:
            raise TypeError(f"primal and tangent arguments to jvp do not match; dtypes must "
                            f"be equal, or in case of int/bool primal dtype the tangent "
                            f"dtype must be float0. Got primal dtype {p_aval.dtype.name} and "
                            f"so expected tangent dtype float0, but got tangent dtype "
                            f"{got.name} instead.")
        return Zero(tangent_aval(p_aval))
    if got != expected and type(tangent) not in (int, float, complex):
        raise TypeError(f"primal and tangent arguments to jvp do not match; dtypes must be "
                        f"equal, or in case of int/bool primal dtype the tangent dtype must "
                        f"be float0. Got primal dtype {p_aval.dtype.name} and tangent dtype "
                        f"{got.name}.")
    if got != expected:
        tangent = lax.convert_element_type(tangent, expected)
    return tangent


def _materialize(t, primal):
    """A tangent at the API boundary: zeros as arrays, float0 for integer outputs."""
    if type(t) is Zero:
        return zeros_like_aval(tangent_aval(get_aval(primal)))
    return t


# ---------------------------------------------------------------- linearize

def linearize(fun: Callable, *primals, has_aux: bool = False):
    """``fun(*primals)`` and the linear map ``tangents -> J(primals) @ tangents``.

    The forward pass runs once; the returned function only evaluates the linear jaxpr
    (whose constants are the residuals saved from the forward pass).
    """
    flat_primals, in_tree = tree_util.tree_flatten(primals)
    _check_arrays("linearize", "primals", flat_primals)
    flat_fun, store = _flatten_fun(fun, in_tree, has_aux, "linearize")
    diff = [is_differentiable_dtype(get_aval(p).dtype) for p in flat_primals]
    out_primals, jaxpr, residuals, out_zero, aux = linearize_flat(
        flat_fun, flat_primals, diff, has_aux)
    out_tree = store["out_tree"]
    in_avals = [get_aval(p) for p in flat_primals]

    def f_jvp(*tangents):
        flat_t, t_tree = tree_util.tree_flatten(tangents)
        if t_tree != in_tree:
            raise TypeError(f"linearized function called on tangents with tree structure "
                            f"{t_tree}, but the primals had tree structure {in_tree}")
        checked = [_check_tangent(a, t) for a, t in zip(in_avals, flat_t)]
        lin_in = [instantiate(t) for t, d in zip(checked, diff) if d]
        lin_out = iter(eval_jaxpr(jaxpr, residuals, *lin_in))
        outs = [_materialize(Zero(tangent_aval(get_aval(p))), p) if z else next(lin_out)
                for p, z in zip(out_primals, out_zero)]
        return tree_util.tree_unflatten(out_tree, outs)

    out = tree_util.tree_unflatten(out_tree, out_primals)
    if has_aux:
        return out, f_jvp, tree_util.tree_unflatten(store["aux_tree"], aux)
    return out, f_jvp


# ---------------------------------------------------------------------- vjp

def _vjp_flat(flat_fun, flat_primals, has_aux: bool):
    """Reverse mode on flat lists: outputs, a flat pullback, and aux."""
    diff = [is_differentiable_dtype(get_aval(p).dtype) for p in flat_primals]
    out_primals, jaxpr, residuals, out_zero, aux = linearize_flat(
        flat_fun, flat_primals, diff, has_aux)
    in_avals = [get_aval(p) for p in flat_primals]

    def pullback(flat_cts):
        cts = [ct for ct, z in zip(flat_cts, out_zero) if not z]
        args = [UndefinedPrimal(v.aval) for v in jaxpr.invars]
        cts_in = iter(backward_pass(jaxpr, residuals, args, cts))
        out = []
        for aval, d in zip(in_avals, diff):
            if d:
                ct = next(cts_in)
                out.append(zeros_like_aval(ct.aval) if type(ct) is Zero else ct)
            else:
                out.append(float0_zeros(aval.shape))
        return out

    return out_primals, pullback, aux


def vjp(fun: Callable, *primals, has_aux: bool = False, reduce_axes=()):
    """Reverse mode: ``fun(*primals)`` and ``vjp_fun(cotangent) -> cotangents`` (a tuple,
    one per primal); with ``has_aux`` also the auxiliary data."""
    flat_primals, in_tree = tree_util.tree_flatten(primals)
    _check_arrays("vjp", "primals", flat_primals)
    flat_fun, store = _flatten_fun(fun, in_tree, has_aux, "vjp")
    out_primals, pullback, aux = _vjp_flat(flat_fun, flat_primals, has_aux)
    out_tree = store["out_tree"]
    out_avals = [get_aval(o) for o in out_primals]

    def vjp_fun(ct):
        flat_ct, ct_tree = tree_util.tree_flatten(ct)
        if ct_tree != out_tree:
            raise TypeError(f"Tree structure of cotangent input {ct_tree}, does not match "
                            f"structure of primal output {out_tree}.")
        _check_arrays("vjp", "cotangents", flat_ct)
        flat_ct = [_check_cotangent(a, c) for a, c in zip(out_avals, flat_ct)]
        return tree_util.tree_unflatten(in_tree, pullback(flat_ct))

    out = tree_util.tree_unflatten(out_tree, out_primals)
    if has_aux:
        return out, vjp_fun, tree_util.tree_unflatten(store["aux_tree"], aux)
    return out, vjp_fun


def _check_cotangent(out_aval, ct):
    ct_aval = value_aval(ct)
    if ct_aval.shape != out_aval.shape:
        raise ValueError(f"Shape of cotangent input to vjp pullback function "
                         f"{ct_aval.shape} must be the same as the shape of corresponding "
                         f"primal input {out_aval.shape}.")
    expected = tangent_aval(out_aval).dtype
    if expected == float0:
        return Zero(tangent_aval(out_aval))
    if ct_aval.dtype != expected:
        if type(ct) in (int, float, complex) or ct_aval.weak_type:
            return lax.convert_element_type(ct, expected)
        raise TypeError(f"Type of cotangent input to vjp pullback function "
                        f"({ct_aval.dtype.name}) is not the expected tangent type "
                        f"({expected.name}) of corresponding primal output with dtype "
                        f"{out_aval.dtype.name}.")
    return ct


# --------------------------------------------------------------------- grad

def value_and_grad(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False,
                   allow_int: bool = False, reduce_axes=()):
    """A function returning ``fun``'s value and its gradient w.r.t. ``argnums``."""
    _check_callable("value_and_grad", fun)

    @functools.wraps(fun)
    def value_and_grad_f(*args, **kwargs):
        return _value_and_grad("value_and_grad", fun, argnums, has_aux, holomorphic,
                               allow_int, args, kwargs)

    return value_and_grad_f


def grad(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False,
         allow_int: bool = False, reduce_axes=()):
    """The gradient of scalar-valued ``fun`` w.r.t. positional argument(s) ``argnums``.

    ``grad(f)(x)`` has the structure of ``x``; with a tuple ``argnums`` it is a tuple
    of such gradients; with ``has_aux`` it is ``(gradient, aux)``.
    """
    _check_callable("grad", fun)

    @functools.wraps(fun)
    def grad_f(*args, **kwargs):
        (_, aux), g = _value_and_grad("grad", fun, argnums, has_aux, holomorphic, allow_int,
                                      args, kwargs, split_aux=True)
        return (g, aux) if has_aux else g

    return grad_f


def _check_callable(fname, fun):
    if not callable(fun):
        raise TypeError(f"{fname} expected a callable as its first argument, got "
                        f"{type(fun).__name__}: {fun!r}")


def _value_and_grad(fname, fun, argnums, has_aux, holomorphic, allow_int, args, kwargs,
                    split_aux=False):
    f_partial, dyn_args = _argnums_partial(fname, fun, argnums, args, kwargs)
    flat_args, in_tree = tree_util.tree_flatten(dyn_args)
    _check_arrays(fname, "arguments", flat_args)
    for x in flat_args:
        _check_input_dtype(fname, holomorphic, allow_int, x)
    flat_fun, store = _flatten_fun(f_partial, in_tree, has_aux, fname)
    out_primals, pullback, aux = _vjp_flat(flat_fun, flat_args, has_aux)
    if len(out_primals) != 1 or store["out_tree"] != tree_util.tree_structure(0):
        raise TypeError(f"Gradient only defined for scalar-output functions. Output was "
                        f"{_describe_out(store['out_tree'], out_primals)}. For functions "
                        f"with array or pytree outputs use jacrev, or vjp with a "
                        f"cotangent.")
    ans = out_primals[0]
    _check_scalar_output(fname, ans, holomorphic)
    g = tree_util.tree_unflatten(in_tree, pullback([lax.full_like(ans, 1)]))
    if isinstance(argnums, (int, np.integer)):
        g = g[0]
    if has_aux:
        return (ans, tree_util.tree_unflatten(store["aux_tree"], aux)), g
    return ((ans, None) if split_aux else ans), g


def _describe_out(out_tree, outs) -> str:
    if len(outs) == 1 and out_tree == tree_util.tree_structure(0):
        return f"an array of shape {get_aval(outs[0]).shape}"
    return f"a pytree {out_tree}"


def _check_scalar_output(fname, ans, holomorphic):
    aval = get_aval(ans)
    if aval.shape != ():
        raise TypeError(f"Gradient only defined for scalar-output functions. Output had "
                        f"shape: {aval.shape}. For functions with array outputs use jacrev "
                        f"(the full Jacobian), or vjp with a cotangent of that shape.")
    dt = aval.dtype
    if holomorphic:
        if not dtypes.is_complex(dt):
            raise TypeError(f"{fname} with holomorphic=True requires outputs with complex "
                            f"dtype, but got {dt.name}.")
    elif not dtypes.is_float(dt):
        if dtypes.is_complex(dt):
            raise TypeError(f"{fname} requires real-valued outputs (output dtype that is a "
                            f"sub-dtype of np.floating), but got {dt.name}. For holomorphic "
                            f"differentiation, pass holomorphic=True. For differentiation of "
                            f"non-holomorphic functions involving complex outputs, use "
                            f"plax.vjp directly.")
        raise TypeError(f"{fname} requires real-valued outputs (output dtype that is a "
                        f"sub-dtype of np.floating), but got {dt.name}. A function "
                        f"returning integers or booleans has no gradient.")


# ---------------------------------------------------------------- jacobians

def _real_vmap():
    """The installed ``vmap`` if it is a real one (not a stub), else None."""
    vmap = get_registry().transformations.get("vmap")
    if vmap is None:
        return None
    try:
        vmap(lambda x: x)
    except NotImplementedError:
        return None
    return vmap


def _map_over_basis(fun: Callable, basis: Sequence[np.ndarray], size: int,
                    out_avals: Sequence) -> list:
    """``fun`` (flat list in, flat list out) over the leading axis of each basis array,
    results stacked on a new leading axis: with vmap if installed, else a loop."""
    vmap = _real_vmap()
    if vmap is not None and size:
        try:
            return list(vmap(lambda *b: list(fun(*b)))(*basis))
        except MissingRuleError as err:
            if err.transformation in ("jvp", "transpose"):
                raise
            # vmap does not support some primitive yet: fall back to a loop.
    rows = [fun(*[b[i] for b in basis]) for i in range(size)]
    out = []
    for k, aval in enumerate(out_avals):
        if aval.dtype == float0:
            out.append(float0_zeros((size,) + aval.shape))
            continue
        if not size:
            out.append(zeros_like_aval(aval.update(shape=(0,) + aval.shape)))
            continue
        parts = [lax.broadcast_in_dim(row[k], (1,) + aval.shape,
                                      tuple(range(1, 1 + len(aval.shape)))) for row in rows]
        out.append(parts[0] if size == 1 else lax.concatenate(parts, 0))
    return out


def _std_basis(avals) -> tuple[list[np.ndarray], int]:
    """For values of types ``avals``: one array per value, of shape ``(N,) + shape``,
    that together hold the N standard basis vectors of the flattened space."""
    sizes = [a.size for a in avals]
    total = sum(sizes)
    out, start = [], 0
    for a, n in zip(avals, sizes):
        dt = tangent_aval(a).dtype
        block = np.zeros((total, n), dtype=dt if dt != float0 else np.float32)
        block[np.arange(start, start + n), np.arange(n)] = 1
        out.append(block.reshape((total,) + a.shape) if dt != float0 else
                   float0_zeros((total,) + a.shape))
        start += n
    return out, total


def _split_rows(x, sizes: Sequence[int], shapes: Sequence[tuple], tail: tuple):
    """Split the leading axis of ``x`` (shape ``(N,) + tail``) into blocks of ``sizes``
    reshaped to ``shapes[i] + tail``."""
    out, start = [], 0
    total = get_aval(x).shape[0]
    for n, shape in zip(sizes, shapes):
        block = x
        if n != total:
            block = lax.slice(x, [start] + [0] * len(tail), [start + n] + list(tail))
        out.append(lax.reshape(block, tuple(shape) + tuple(tail)))
        start += n
    return out


def jacfwd(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False):
    """The Jacobian of ``fun`` by forward mode: one JVP per input element.

    The result has the output's structure, each leaf holding the input's structure,
    with leaves of shape ``out_shape + in_shape``.
    """
    _check_callable("jacfwd", fun)

    @functools.wraps(fun)
    def jacfun(*args, **kwargs):
        f_partial, dyn_args = _argnums_partial("jacfwd", fun, argnums, args, kwargs)
        flat_in, in_tree = tree_util.tree_flatten(dyn_args)
        for x in flat_in:
            _check_input_dtype("jacfwd", holomorphic, False, x)
        flat_fun, store = _flatten_fun(f_partial, in_tree, has_aux, "jacfwd")
        diff = [True] * len(flat_in)
        out_primals, jaxpr, residuals, out_zero, aux = linearize_flat(
            flat_fun, flat_in, diff, has_aux)
        in_avals = [get_aval(x) for x in flat_in]
        out_avals = [tangent_aval(get_aval(o)) for o in out_primals]
        if holomorphic:
            for a in out_avals:
                if not dtypes.is_complex(a.dtype):
                    raise TypeError(f"jacfwd with holomorphic=True requires outputs with "
                                    f"complex dtype, but got {a.dtype.name}.")

        def push(*tangents):
            lin_out = iter(eval_jaxpr(jaxpr, residuals, *tangents))
            return [zeros_like_aval(a) if z else next(lin_out)
                    for a, z in zip(out_avals, out_zero)]

        basis, total = _std_basis(in_avals)
        columns = _map_over_basis(push, basis, total, out_avals)   # (N,) + out_shape
        jac_leaves = []
        for col, out_aval in zip(columns, out_avals):
            blocks = _split_rows(col, [a.size for a in in_avals], [a.shape for a in in_avals],
                                 out_aval.shape)
            per_input = []
            for block, in_aval in zip(blocks, in_avals):
                n_in, n_out = len(in_aval.shape), len(out_aval.shape)
                perm = tuple(range(n_in, n_in + n_out)) + tuple(range(n_in))
                per_input.append(lax.transpose(block, perm) if perm != tuple(range(len(perm)))
                                 else block)
            jac_leaves.append(_unflatten_args(argnums, in_tree, per_input))
        jac = tree_util.tree_unflatten(store["out_tree"], jac_leaves)
        if has_aux:
            return jac, tree_util.tree_unflatten(store["aux_tree"], aux)
        return jac

    return jacfun


def _unflatten_args(argnums, in_tree, leaves):
    tree = tree_util.tree_unflatten(in_tree, leaves)
    return tree[0] if isinstance(argnums, (int, np.integer)) else tree


def jacrev(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False,
           allow_int: bool = False):
    """The Jacobian of ``fun`` by reverse mode: one VJP per output element.

    Same result structure as ``jacfwd``.
    """
    _check_callable("jacrev", fun)

    @functools.wraps(fun)
    def jacfun(*args, **kwargs):
        f_partial, dyn_args = _argnums_partial("jacrev", fun, argnums, args, kwargs)
        flat_in, in_tree = tree_util.tree_flatten(dyn_args)
        for x in flat_in:
            _check_input_dtype("jacrev", holomorphic, allow_int, x)
        flat_fun, store = _flatten_fun(f_partial, in_tree, has_aux, "jacrev")
        out_primals, pullback, aux = _vjp_flat(flat_fun, flat_in, has_aux)
        in_avals = [tangent_aval(get_aval(x)) for x in flat_in]
        out_avals = [get_aval(o) for o in out_primals]
        if holomorphic:
            for a in out_avals:
                if not dtypes.is_complex(a.dtype):
                    raise TypeError(f"jacrev with holomorphic=True requires outputs with "
                                    f"complex dtype, but got {a.dtype.name}.")
        basis, total = _std_basis(out_avals)
        cts_out = [tangent_aval(a) for a in out_avals]

        def pull(*cts):
            cts = [Zero(a) if a.dtype == float0 else c for a, c in zip(cts_out, cts)]
            return pullback(cts)

        rows = _map_over_basis(pull, basis, total, in_avals)       # (M,) + in_shape
        per_output = [[] for _ in out_avals]
        for row, in_aval in zip(rows, in_avals):
            if in_aval.dtype == float0:
                blocks = [float0_zeros(o.shape + in_aval.shape) for o in out_avals]
            else:
                blocks = _split_rows(row, [a.size for a in out_avals],
                                     [a.shape for a in out_avals], in_aval.shape)
            for j, block in enumerate(blocks):
                per_output[j].append(block)
        jac_leaves = [_unflatten_args(argnums, in_tree, leaves) for leaves in per_output]
        jac = tree_util.tree_unflatten(store["out_tree"], jac_leaves)
        if has_aux:
            return jac, tree_util.tree_unflatten(store["aux_tree"], aux)
        return jac

    return jacfun


def hessian(fun: Callable, argnums=0, has_aux: bool = False, holomorphic: bool = False):
    """The Hessian of scalar-valued ``fun``: ``jacfwd(jacrev(fun))``."""
    return jacfwd(jacrev(fun, argnums, has_aux=has_aux, holomorphic=holomorphic),
                  argnums, has_aux=has_aux, holomorphic=holomorphic)
