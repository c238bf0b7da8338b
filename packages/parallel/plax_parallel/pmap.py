"""``pmap``: run a function on N devices at once, one slice of the mapped axis each.

The function is traced once with per-device shapes while its ``axis_name`` is bound
(``axis_env``), so the collectives inside are staged; the backend compiles the jaxpr
for N devices (plax-xla: ``compile_pmap``, an N-replica XLA program whose collectives
are XLA's) and runs it.  Outputs are arrays sharded over the devices along axis 0.
A backend that cannot run on several devices (the NumPy one) runs ``pmap`` as
``vmap`` with the same axis name, which gives the same values.

pmap is not a primitive yet: under an outer transformation (``grad(pmap(f))``,
``jit(pmap(f))``, ``vmap(pmap(f))``) it computes the same values through ``vmap`` over
its named axis, inside that transformation's one-device program.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from plax_core import transformations, tree_util
from plax_core.extend import ShapedArray, Tracer, get_aval, get_backend, trace_to_jaxpr

from .axis_env import extend_axis_env
from .lowering_context import axis_context


class _Anonymous:
    """The axis name of a pmap given none (no collective can name it)."""

    def __repr__(self):
        return "<pmap axis>"


def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    return tuple(x) if isinstance(x, (tuple, list)) else (int(x),)


def _per_arg(spec, n_args: int, what: str) -> list:
    if spec is None or isinstance(spec, int):
        return [spec] * n_args
    spec = list(spec)
    if len(spec) != n_args:
        raise ValueError(f"pmap {what} specification must be an int, None, or a tuple with "
                         f"one entry per positional argument; got {len(spec)} entries for "
                         f"{n_args} arguments")
    return spec


def _leaf_axes(spec, value, i: int) -> list:
    """The mapped axis of each leaf of argument ``i``: ``spec`` is an int, None, or a
    pytree prefix of the argument (tuples, lists, dicts) holding them."""
    if spec is None or isinstance(spec, int):
        return [spec] * len(tree_util.tree_leaves(value))
    if isinstance(spec, (tuple, list)) and isinstance(value, (tuple, list)) and len(
            spec) == len(value):
        return [a for s, v in zip(spec, value) for a in _leaf_axes(s, v, i)]
    if isinstance(spec, dict) and isinstance(value, dict) and spec.keys() == value.keys():
        return [a for k in sorted(value) for a in _leaf_axes(spec[k], value[k], i)]
    raise ValueError(f"pmap in_axes entry {spec!r} for argument {i} is not an int, None, "
                     f"or a pytree prefix of that argument")


def pmap(fun: Callable | None = None, axis_name: Any = None, *, in_axes: Any = 0,
         out_axes: Any = 0, static_broadcasted_argnums: int | Sequence[int] = (),
         devices: Sequence | None = None, backend: str | None = None,
         axis_size: int | None = None, donate_argnums: int | Sequence[int] = (),
         global_arg_shapes=None) -> Callable:
    """JAX's ``pmap``: ``fun`` on every device at once, mapped over ``in_axes``.

    Arrays are split along their mapped axis, one slice per device (a ``None`` axis
    gives every device the whole argument); ``axis_name`` names the devices for the
    collectives inside (``psum`` & co.).  ``donate_argnums`` is accepted and, for now,
    does not donate.
    """
    if fun is None:
        return functools.partial(pmap, axis_name=axis_name, in_axes=in_axes,
                                 out_axes=out_axes,
                                 static_broadcasted_argnums=static_broadcasted_argnums,
                                 devices=devices, backend=backend, axis_size=axis_size,
                                 donate_argnums=donate_argnums)
    if not callable(fun):
        raise TypeError(f"pmap: the first argument must be a function, got "
                        f"{type(fun).__name__}")
    static = _as_tuple(static_broadcasted_argnums)
    name = _Anonymous() if axis_name is None else axis_name
    cache: dict = {}

    @functools.wraps(fun)
    def pmapped(*args, **kwargs):
        if kwargs:
            raise TypeError("pmap: keyword arguments are not supported by plax's pmap yet; "
                            "pass them positionally")
        nargs = len(args)
        for i in static:
            if not -nargs <= i < nargs:
                raise ValueError(f"pmap: static_broadcasted_argnums {i} is out of range "
                                 f"for {nargs} positional arguments")
        static_idx = {i % nargs for i in static}
        axes = _per_arg(in_axes, nargs, "in_axes")
        dyn = [i for i in range(nargs) if i not in static_idx]
        if any(isinstance(leaf, Tracer) for i in dyn
               for leaf in tree_util.tree_leaves(args[i])):
            return _under_transformation(args, dyn, axes)
        flat, flat_axes, trees = [], [], []
        for i in dyn:
            leaves, tree = tree_util.tree_flatten(args[i])
            trees.append(tree)
            for leaf, ax in zip(leaves, _leaf_axes(axes[i], args[i], i)):
                nd = len(get_aval(leaf).shape)
                if ax is not None:
                    if not -nd <= ax < nd:
                        raise ValueError(f"pmap in_axes {ax} is out of bounds for argument "
                                         f"{i} of rank {nd}")
                    ax %= nd
                flat.append(leaf)
                flat_axes.append(ax)
        sizes = {get_aval(x).shape[a] for x, a in zip(flat, flat_axes) if a is not None}
        if len(sizes) > 1:
            detail = ", ".join(f"argument leaf {k} of shape {get_aval(x).shape} mapped "
                               f"over axis {a}"
                               for k, (x, a) in enumerate(zip(flat, flat_axes))
                               if a is not None)
            raise ValueError(f"pmap got inconsistent sizes for array axes to be mapped: "
                             f"{sorted(sizes)} ({detail})")
        if not sizes:
            if axis_size is None:
                raise ValueError("pmap requires at least one argument with a mapped axis.")
            n = int(axis_size)
        else:
            n = sizes.pop()
        be = get_backend()
        devs = list(devices) if devices is not None else be.devices()
        if n > len(devs):
            raise ValueError(f"pmap: the mapped axis has {n} entries, but only "
                             f"{len(devs)} devices are available; use at most {len(devs)} "
                             f"(XLA_FLAGS=--xla_force_host_platform_device_count=N or "
                             f"plax.config.update('jax_num_cpu_devices', N), set before "
                             f"the first operation, gives N CPU devices)")
        devs = devs[:n]
        per_avals = []
        for x, a in zip(flat, flat_axes):
            av = get_aval(x)
            shape = av.shape if a is None else av.shape[:a] + av.shape[a + 1:]
            per_avals.append(ShapedArray(shape, av.dtype, av.weak_type))
        statics = tuple((i, args[i]) for i in sorted(static_idx))
        tree_key = tuple(trees)
        key = (tree_key, tuple(per_avals), tuple(flat_axes), statics, n,
               tuple(id(d) for d in devs))
        try:
            entry = cache.get(key)
        except TypeError:            # an unhashable static argument: no caching
            entry, key = None, None
        if entry is None:
            entry = _compile(fun, args, dyn, trees, per_avals, flat_axes, name, n, devs,
                             be, statics)
            if key is not None:
                cache[key] = entry
        run, out_tree = entry
        outs = run(flat, flat_axes)
        return tree_util.tree_unflatten(out_tree, outs)

    def _under_transformation(args, dyn, axes):
        """pmap under grad, vmap or jit: the same values through vmap over the named
        axis (the enclosing transformation's program runs on one device)."""
        sizes = {get_aval(leaf).shape[a % len(get_aval(leaf).shape)]
                 for i in dyn
                 for leaf, a in zip(tree_util.tree_leaves(args[i]),
                                    _leaf_axes(axes[i], args[i], i)) if a is not None}
        n = sizes.pop() if len(sizes) == 1 else axis_size
        have = len(list(devices) if devices is not None else get_backend().devices())
        if n is not None and n > have:
            raise ValueError(f"pmap: the mapped axis has {n} entries, but only {have} "
                             f"devices are available")

        def per_call(*dyn_args):
            full = list(args)
            for i, a in zip(dyn, dyn_args):
                full[i] = a
            return fun(*full)

        vmapped = transformations.vmap(per_call, in_axes=tuple(axes[i] for i in dyn),
                                       out_axes=out_axes, axis_name=name, axis_size=n)
        return vmapped(*[args[i] for i in dyn])

    def _flat_out_axes(out_tree):
        n_out = out_tree.num_leaves
        if out_axes is None or isinstance(out_axes, int):
            return [out_axes] * n_out
        leaves = tree_util.tree_leaves(out_axes, is_leaf=lambda x: x is None)
        if len(leaves) != n_out:
            raise ValueError(f"pmap out_axes {out_axes!r} does not match the {n_out} "
                             f"outputs of the function")
        return leaves

    def _compile(fun, args, dyn, trees, per_avals, flat_axes, name, n, devs, be, statics):
        store = {}
        counts = [t.num_leaves for t in trees]

        def flat_fun(*leaves):
            full = list(args)
            k = 0
            for i, tree, c in zip(dyn, trees, counts):
                full[i] = tree_util.tree_unflatten(tree, list(leaves[k:k + c]))
                k += c
            out = fun(*full)
            out_leaves, out_tree = tree_util.tree_flatten(out)
            store["tree"] = out_tree
            return out_leaves

        with extend_axis_env([(name, n)]):
            jaxpr, consts = trace_to_jaxpr(flat_fun, per_avals)
        out_tree = store["tree"]
        o_axes = _flat_out_axes(out_tree)
        mapped = [a is not None for a in flat_axes]
        if hasattr(be, "compile_pmap"):
            with axis_context({name: n}):
                exe = be.compile_pmap(jaxpr, consts, mapped, n, devs,
                                      getattr(fun, "__name__", "fun"))

            def run(flat, flat_axes):
                return exe(flat, flat_axes, o_axes)
            return run, out_tree

        # A single-device backend: the same values through vmap over the named axis.
        from plax_core.extend import eval_jaxpr

        def body(*leaves):
            return eval_jaxpr(jaxpr, consts, *leaves)

        vmapped = transformations.vmap(body, in_axes=tuple(flat_axes), out_axes=o_axes,
                                       axis_name=name, axis_size=n)

        def run_vmap(flat, flat_axes):
            return list(vmapped(*flat))
        return run_vmap, out_tree

    return pmapped


__all__ = ["pmap"]
