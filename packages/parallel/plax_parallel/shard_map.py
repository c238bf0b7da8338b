"""``shard_map(f, mesh, in_specs, out_specs)``: ``f`` once per device, on its shard.

Each argument is split over the mesh as its ``PartitionSpec`` says; ``f`` sees the
per-device block and may call collectives over the mesh's axis names (bound while it
is traced); the per-device results are put together as ``out_specs`` says.  The
backend compiles one SPMD program whose body is manually partitioned (plax-xla:
``compile_shard_map``); the collectives lower to XLA's with groups of partition ids.
Like ``pmap``, it is not a primitive yet: under an outer transformation (``jit``,
``grad``, ``vmap``) it computes the same values through nested ``vmap``s over the mesh
axes, in that transformation's one-device program.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from plax_core import lax, transformations, tree_util
from plax_core.extend import ShapedArray, Tracer, get_aval, get_backend, trace_to_jaxpr
from plax_core.sharding import Mesh, NamedSharding, PartitionSpec

from .axis_env import extend_axis_env
from .lowering_context import axis_context


def _is_spec(x) -> bool:
    return isinstance(x, PartitionSpec) or x is None


def _specs_for(specs, trees, what) -> list:
    """One PartitionSpec per flat argument: one spec for all, or one per argument
    (applied to each of its leaves), or a pytree matching an argument."""
    if _is_spec(specs):
        return [specs or PartitionSpec()] * sum(t.num_leaves for t in trees)
    specs = tuple(specs)
    if len(specs) != len(trees):
        raise ValueError(f"shard_map {what} has {len(specs)} entries but the function was "
                         f"called with {len(trees)} positional arguments")
    out = []
    for spec, tree in zip(specs, trees):
        if _is_spec(spec):
            out += [spec or PartitionSpec()] * tree.num_leaves
        else:
            leaves = tree_util.tree_leaves(spec, is_leaf=_is_spec)
            if len(leaves) != tree.num_leaves:
                raise ValueError(f"shard_map {what}: {spec!r} does not match an argument "
                                 f"with {tree.num_leaves} leaves")
            out += [s or PartitionSpec() for s in leaves]
    return out


def _local_shape(mesh: Mesh, spec: PartitionSpec, shape, what: str) -> tuple:
    if len(spec) > len(shape):
        raise ValueError(f"shard_map: {what} has spec {spec} with {len(spec)} entries, but "
                         f"its shape {tuple(shape)} has only {len(shape)} dimensions")
    out = []
    for d, size in enumerate(shape):
        k = math.prod(mesh.shape[n] for n in spec.names_of(d))
        if size % k:
            raise ValueError(f"shard_map: {what} of shape {tuple(shape)} cannot be split by "
                             f"{spec}: dimension {d} (size {size}) is not divisible by "
                             f"{k}, the number of devices it is split over")
        out.append(size // k)
    return tuple(out)


def _global_shape(mesh: Mesh, spec: PartitionSpec, shape) -> tuple:
    return tuple(s * math.prod(mesh.shape[n] for n in spec.names_of(d))
                 for d, s in enumerate(shape))


def _to_blocks(x, mesh: Mesh, spec: PartitionSpec):
    """``x`` reshaped to ``(*mesh axes it is split over, in mesh order, *block shape)``."""
    shape = get_aval(x).shape
    split_shape, owner = [], []            # owner: the mesh axis of each new dim, or None
    for d, size in enumerate(shape):
        names = spec.names_of(d)
        k = math.prod(mesh.shape[n] for n in names)
        split_shape += [mesh.shape[n] for n in names] + [size // k]
        owner += list(names) + [None]
    x = lax.reshape(x, tuple(split_shape))
    front = [owner.index(n) for n in mesh.axis_names if n in owner]
    rest = [i for i, o in enumerate(owner) if o is None]
    return lax.transpose(x, tuple(front + rest)), [n for n in mesh.axis_names if n in owner]


def _from_blocks(y, mesh: Mesh, spec: PartitionSpec):
    """The inverse of ``_to_blocks`` for an output ``(*every mesh axis, *block)``; mesh
    axes the spec does not name must hold equal values (index 0 is kept)."""
    names = list(mesh.axis_names)
    used = [n for d in range(len(spec)) for n in spec.names_of(d)]
    for n in reversed(names):              # drop replicated mesh axes, last first
        if n not in used:
            k = names.index(n)
            y = lax.index_in_dim(y, 0, axis=k, keepdims=False)
            names.pop(k)
    block = get_aval(y).shape[len(names):]
    order, out_shape = [], []
    for d, size in enumerate(block):
        dn = spec.names_of(d)
        order += [names.index(n) for n in dn] + [len(names) + d]
        out_shape.append(size * math.prod(mesh.shape[n] for n in dn))
    return lax.reshape(lax.transpose(y, tuple(order)), tuple(out_shape))


def _flat_fun(f, trees, store):
    """``f`` taking the leaves of its arguments (``trees``, one per argument) and
    returning its output leaves; the output structure goes to ``store["tree"]``."""
    counts = [t.num_leaves for t in trees]

    def flat_fun(*leaves):
        rebuilt, k = [], 0
        for tree, c in zip(trees, counts):
            rebuilt.append(tree_util.tree_unflatten(tree, list(leaves[k:k + c])))
            k += c
        out_leaves, store["tree"] = tree_util.tree_flatten(f(*rebuilt))
        return out_leaves

    return flat_fun


def _out_spec_leaves(out_specs, n_out: int) -> list:
    """One PartitionSpec per output leaf (``None`` means replicated)."""
    if _is_spec(out_specs):
        return [out_specs or PartitionSpec()] * n_out
    return [s or PartitionSpec() for s in tree_util.tree_leaves(out_specs, is_leaf=_is_spec)]


def _via_vmap(f, mesh, specs, out_specs, trees, flat):
    """shard_map under jit/grad/vmap: nested vmaps over the mesh axes (same values, in
    the enclosing transformation's one-device program)."""
    blocked = [_to_blocks(x, mesh, s) for x, s in zip(flat, specs)]
    store = {}
    fun = _flat_fun(f, trees, store)
    for name in reversed(mesh.axis_names):          # innermost vmap: the last mesh axis
        # each level takes its mesh axis at position 0 (the outer ones are consumed)
        in_axes = tuple(0 if name in used else None for _, used in blocked)
        fun = transformations.vmap(fun, in_axes=in_axes, out_axes=0, axis_name=name,
                                   axis_size=mesh.shape[name])
    outs = fun(*[x for x, _ in blocked])
    out_tree = store["tree"]
    o_specs = _out_spec_leaves(out_specs, out_tree.num_leaves)
    return tree_util.tree_unflatten(out_tree, [_from_blocks(y, mesh, s)
                                               for y, s in zip(outs, o_specs)])


def shard_map(f: Callable, mesh: Mesh, in_specs: Any, out_specs: Any, check_rep: bool = True,
              auto=frozenset(), check_vma: bool | None = None) -> Callable:
    """JAX's ``shard_map``: ``f`` on every device's block, collectives over mesh axes."""
    if not isinstance(mesh, Mesh):
        raise TypeError(f"shard_map: mesh must be a plax.sharding.Mesh, got "
                        f"{type(mesh).__name__}")
    cache: dict = {}

    @functools.wraps(f)
    def wrapped(*args):
        trees, flat = [], []
        for a in args:
            leaves, tree = tree_util.tree_flatten(a)
            trees.append(tree)
            flat += leaves
        specs = _specs_for(in_specs, trees, "in_specs")
        if any(isinstance(x, Tracer) for x in flat):
            return _via_vmap(f, mesh, specs, out_specs, trees, flat)
        avals = [get_aval(x) for x in flat]
        local = [ShapedArray(_local_shape(mesh, s, a.shape, f"argument leaf {k}"), a.dtype,
                             a.weak_type) for k, (s, a, x) in enumerate(zip(specs, avals, flat))]
        key = (tuple(trees), tuple(local), tuple(map(tuple, specs)))
        entry = cache.get(key)
        if entry is None:
            entry = cache[key] = _compile(trees, specs, local, avals)
        exe, out_tree = entry
        return tree_util.tree_unflatten(out_tree, exe(flat))

    def _compile(trees, specs, local, avals):
        store = {}
        with extend_axis_env(mesh.shape.items()):
            jaxpr, consts = trace_to_jaxpr(_flat_fun(f, trees, store), local)
        out_tree = store["tree"]
        n_out = out_tree.num_leaves
        o_specs = _out_spec_leaves(out_specs, n_out)
        if len(o_specs) != n_out:
            raise ValueError(f"shard_map out_specs has {len(o_specs)} specs for "
                             f"{n_out} outputs")
        out_local = [v.aval for v in jaxpr.outvars]
        global_out = [ShapedArray(_global_shape(mesh, s, a.shape), a.dtype, a.weak_type)
                      for s, a in zip(o_specs, out_local)]
        global_in = [ShapedArray(a.shape, a.dtype, a.weak_type) for a in avals]
        be = get_backend()
        if not hasattr(be, "compile_shard_map"):
            raise NotImplementedError(f"shard_map needs a backend that runs on several "
                                      f"devices (plax-xla); the active one is {be!r}")
        with axis_context(mesh.shape, mode="partition"):
            exe = be.compile_shard_map(jaxpr, consts, mesh,
                                       [NamedSharding(mesh, s) for s in specs],
                                       [NamedSharding(mesh, s) for s in o_specs],
                                       global_in, global_out, getattr(f, "__name__", "f"))
        return exe, out_tree

    return wrapped


__all__ = ["shard_map"]
