"""``vmap``: JAX's user-facing vectorising map, over pytrees of arguments and results.

``in_axes`` is a prefix of the positional arguments (an int or None for all of them,
or a tuple/list with one entry per argument, nested as the arguments are); keyword
arguments are always mapped over their axis 0.  ``out_axes`` is a prefix of the
result.  Axes may be negative (counted from the end of the batched array).  An
output that does not depend on a mapped input is broadcast to ``out_axes``; one that
does cannot be returned with ``out_axes=None``.  ``axis_size`` gives the size when
no argument is mapped (and must agree with the mapped ones otherwise).

The function is traced once per call with ``BatchTracer`` arguments (see
``batching``); nothing is cached, so a vmapped function may close over anything.
"""

from __future__ import annotations

import inspect
import operator
from collections import Counter
from collections.abc import Callable
from functools import wraps
from typing import Any

from plax_core import tree_util
from plax_core.core import get_aval, is_array_like
from plax_core.jaxpr import flatten_fun

from .batching import batch_flat


def vmap(fun: Callable, in_axes: Any = 0, out_axes: Any = 0, axis_name: Any = None,
         axis_size: int | None = None, spmd_axis_name: Any = None) -> Callable:
    """``fun`` mapped over the axes ``in_axes`` of its arguments, stacked at ``out_axes``.

    Like ``jax.vmap``: ``vmap(f)(xs)`` equals stacking ``f(x)`` for every ``x`` along
    axis 0 of ``xs``, computed by batched primitives instead of a Python loop.
    ``axis_name`` names the mapped axis (kept for collectives); ``spmd_axis_name`` is
    accepted for compatibility and has no effect (plax has no sharding).
    """
    if not callable(fun):
        raise TypeError(f"vmap: fun must be callable, got {fun!r} of type "
                        f"{type(fun).__name__}")
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)   # a list at the top level means one entry per argument
    _check_axes_spec("in_axes", in_axes)
    if not (in_axes is None or isinstance(in_axes, tuple) or _is_int_like(in_axes)):
        raise ValueError(f"vmap in_axes must be an int, None, or a tuple of entries "
                         f"corresponding to the positional arguments passed to the "
                         f"function, but got {in_axes!r}.")
    _check_axes_spec("out_axes", out_axes)
    if axis_size is not None:
        try:
            axis_size = operator.index(axis_size)
        except TypeError:
            raise TypeError(f"vmap: axis_size must be an int, got {axis_size!r}") from None
        if axis_size < 0:
            raise ValueError(f"vmap: axis_size must be non-negative, got {axis_size}")

    @wraps(fun)
    def vmapped(*args, **kwargs):
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(f"vmap in_axes must be an int, None, or a tuple of entries "
                             f"corresponding to the positional arguments passed to the "
                             f"function, but got len(in_axes)={len(in_axes)}, "
                             f"len(args)={len(args)}")
        paths_leaves, in_tree = tree_util.tree_flatten_with_path((args, kwargs))
        flat_args = [x for _, x in paths_leaves]
        names = _ArgNames(fun, [p for p, _ in paths_leaves])
        flat_axes = flatten_axes("vmap in_axes", in_tree, (in_axes, 0), (args, kwargs))
        flat_axes = [_canonical_in_axis(x, a, names(i))
                     for i, (x, a) in enumerate(zip(flat_args, flat_axes))]
        size = _mapped_axis_size(flat_args, flat_axes, axis_size, names)
        flat_fun, store = flatten_fun(fun, in_tree)

        def out_dims():
            return flatten_axes("vmap out_axes", store["out_tree"], out_axes)

        def out_name(i):
            return f"output {_out_path(store['out_tree'], i)}"

        outs = batch_flat(flat_fun, size, flat_axes, out_dims, flat_args, axis_name,
                          out_name)
        return tree_util.tree_unflatten(store["out_tree"], outs)

    vmapped.__name__ = f"vmap({getattr(fun, '__name__', 'fun')})"
    vmapped.__qualname__ = vmapped.__name__
    return vmapped


# ------------------------------------------------------------------ axis specifications

def _check_axes_spec(what: str, spec):
    leaves = tree_util.tree_leaves(spec)
    if not all(type(a) is int or _is_int_like(a) for a in leaves):
        raise TypeError(f"vmap {what} must be an int, None, or (nested) container with "
                        f"those types as leaves, but got {spec!r}.")


def _is_int_like(a) -> bool:
    if isinstance(a, bool):
        return False
    try:
        operator.index(a)
        return True
    except TypeError:
        return False


class _NoAxis:
    """Stands for None inside an axis tree (None is an empty pytree node otherwise)."""

    def __repr__(self):
        return "None"


_NO_AXIS = _NoAxis()


def flatten_axes(name: str, treedef, axis_tree, values=None) -> list[int | None]:
    """One axis per leaf of ``treedef``, from ``axis_tree``, a prefix of its structure."""
    proxy = tree_util.tree_map(lambda a: _NO_AXIS if a is None else a, axis_tree,
                               is_leaf=lambda a: a is None)
    axis_leaves, axis_treedef = tree_util.tree_flatten(proxy)
    dummy = tree_util.tree_unflatten(treedef, [object()] * treedef.num_leaves)
    try:
        subtrees = axis_treedef.flatten_up_to(dummy)
    except ValueError as err:
        raise ValueError(
            f"{name} specification must be a tree prefix of the corresponding value, got "
            f"specification {axis_tree!r} for value tree {treedef!r}.\n{err}") from None
    out = []
    for axis, sub in zip(axis_leaves, subtrees):
        n = len(tree_util.tree_leaves(sub))
        out.extend([None if axis is _NO_AXIS else operator.index(axis)] * n)
    return out


def _canonical_in_axis(x, axis, name: str):
    if axis is None:
        return None
    if not is_array_like(x):
        raise TypeError(f"vmap was requested to map {name} along axis {axis}, but it is "
                        f"a {type(x).__name__}, not an array; pass arrays (or give it "
                        f"in_axes None)")
    aval = get_aval(x)
    if not -aval.ndim <= axis < aval.ndim:
        raise ValueError(f"vmap was requested to map {name} along axis {axis}, which "
                         f"implies that its rank should be at least "
                         f"{axis + 1 if axis >= 0 else -axis}, but is only {aval.ndim} (its "
                         f"shape is {aval.shape})")
    return axis % aval.ndim


def _mapped_axis_size(flat_args, flat_axes, axis_size, names) -> int:
    mapped = [(i, get_aval(x), a) for i, (x, a) in enumerate(zip(flat_args, flat_axes))
              if a is not None]
    if not mapped:
        if axis_size is None:
            if not flat_args:
                raise ValueError("vmap wrapped function must be passed at least one "
                                 "argument containing an array, or axis_size must be given")
            raise ValueError("vmap must have at least one non-None value in in_axes, or "
                             "axis_size must be given")
        return axis_size
    sizes = [aval.shape[a] for _, aval, a in mapped]
    if len(set(sizes)) == 1 and axis_size in (None, sizes[0]):
        return sizes[0]
    lines = ["vmap got inconsistent sizes for array axes to be mapped:"]
    if axis_size is not None:
        lines.append(f"  * the `axis_size` argument was {axis_size};")
    counts = Counter(sizes).most_common()
    for rank, (size, count) in enumerate(counts):
        where = [f"axis {a} of {names(i)} of type {aval.str_short()}"
                 for (i, aval, a), s in zip(mapped, sizes) if s == size]
        if count == 1:
            head = f"one axis had size {size}:"
        elif rank == 0 and count > 1:
            head = f"most axes ({count} of them) had size {size}:"
        else:
            head = f"some axes ({count} of them) had size {size}:"
        shown = "; ".join(where[:6]) + (f"; and {len(where) - 6} more" if len(where) > 6
                                         else "")
        lines.append(f"  * {head} {shown};")
    raise ValueError("\n".join(lines)[:-1])


class _ArgNames:
    """Names flat arguments as JAX does: ``argument x`` or ``args[0]['w']``."""

    def __init__(self, fun, paths):
        self.paths = paths
        try:
            self.params = list(inspect.signature(fun).parameters.values())
        except (TypeError, ValueError):
            self.params = []

    def __call__(self, i: int) -> str:
        path = self.paths[i]
        group, key, rest = path[0].idx, path[1], path[2:]
        tail = tree_util.keystr(rest)
        if group == 1:
            return f"argument {key.key}{tail}"
        pos = key.idx
        if pos < len(self.params) and self.params[pos].kind in (
                inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            return f"argument {self.params[pos].name}{tail}"
        return f"args[{pos}]{tail}"


def _out_path(out_tree, i: int) -> str:
    paths = [p for p, _ in tree_util.tree_flatten_with_path(
        tree_util.tree_unflatten(out_tree, list(range(out_tree.num_leaves))))[0]]
    return "tree" + tree_util.keystr(paths[i]) if paths[i] else "(the result)"
