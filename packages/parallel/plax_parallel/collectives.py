"""Collectives over named axes as primitives: ``psum`` & co., with JAX's signatures.

Every collective names the axes it works over (``axes``, a tuple of names) and binds a
``CollectivePrimitive``: besides the usual trace of its operands, ``bind`` also hands the
operation to the ``vmap`` levels that bind one of its names, so ``psum(1.0, 'i')`` under
``vmap(..., axis_name='i')`` sees the batch even though its operand is a constant.  Under
``vmap`` the batching rules (``rules.py``) turn a collective over the vmapped axis into
plain array operations over the batch axis; under ``pmap``/``shard_map`` it is staged and
lowered to XLA's collectives (``lowering.py``).  An unbound name raises JAX's NameError.
"""

from __future__ import annotations

import math

import numpy as np

from plax_core import dtypes, lax, tree_util
from plax_core.extend import Primitive, ShapedArray, find_top_trace, full_lower, get_aval

from .axis_env import as_names, frame


class CollectivePrimitive(Primitive):
    """A primitive over named axes (its ``axes`` or ``axis_name`` parameter)."""

    batching_axis_data = True   # plax-batching passes the vmap level's BatchInfo

    def __init__(self, name: str):
        super().__init__(name, family="parallel")

    def bind(self, *args, **params):
        names = params["axes"] if "axes" in params else (params["axis_name"],)
        mains = [frame(n, self.name).main for n in names]
        top = max([a._trace.main for a in args if hasattr(a, "_trace")] +
                  [m for m in mains if m is not None], key=lambda m: m.level, default=None)
        trace = find_top_trace(args)
        if top is not None and top.level > trace.main.level:
            trace = top.with_cur_sublevel()
        tracers = [trace.full_raise(a) for a in args]
        return full_lower(trace.process_primitive(self, tracers, params))


def _unbound_impl(name):
    def impl(*args, **params):
        names = params.get("axes", (params.get("axis_name"),))
        raise NameError(f"unbound axis name: {names[0]}. {name} ran outside any vmap, "
                        f"pmap or shard_map that binds it.")
    return impl


psum_p = CollectivePrimitive("psum")
pmax_p = CollectivePrimitive("pmax")
pmin_p = CollectivePrimitive("pmin")
all_gather_p = CollectivePrimitive("all_gather")
psum_scatter_p = CollectivePrimitive("psum_scatter")
all_to_all_p = CollectivePrimitive("all_to_all")
ppermute_p = CollectivePrimitive("ppermute")
axis_index_p = CollectivePrimitive("axis_index")

PRIMITIVES = (psum_p, pmax_p, pmin_p, all_gather_p, psum_scatter_p, all_to_all_p,
              ppermute_p, axis_index_p)
for _p in PRIMITIVES:
    _p.def_impl(_unbound_impl(_p.name))


# ------------------------------------------------------------------ abstract evaluation

def _same(x, **params):
    return ShapedArray(x.shape, x.dtype, x.weak_type)


def _axis_check(fun, what, axis, ndim, extra=0):
    if not 0 <= axis < ndim + extra:
        raise ValueError(f"{fun}: {what} {axis} is out of bounds for array of dimension "
                         f"{ndim + extra}")


def _all_gather_aval(x, *, axes, axis, tiled, axis_size):
    shape = list(x.shape)
    if tiled:
        _axis_check("all_gather", "axis", axis, len(shape))
        shape[axis] *= axis_size
    else:
        _axis_check("all_gather", "axis", axis, len(shape), extra=1)
        shape.insert(axis, axis_size)
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _psum_scatter_aval(x, *, axes, scatter_dimension, tiled, axis_size):
    shape = list(x.shape)
    sd = scatter_dimension
    _axis_check("psum_scatter", "scatter_dimension", sd, len(shape))
    if tiled:
        if shape[sd] % axis_size:
            raise ValueError(f"psum_scatter: the size of scatter_dimension {sd} "
                             f"({shape[sd]}) must be divisible by the size of the named "
                             f"axis ({axis_size}) when tiled=True")
        shape[sd] //= axis_size
    else:
        if shape[sd] != axis_size:
            raise ValueError(f"psum_scatter requires the size of scatter_dimension {sd} "
                             f"to equal the size of the named axis, but they are "
                             f"{shape[sd]} and {axis_size}; pass tiled=True to split it "
                             f"into equal blocks instead")
        del shape[sd]
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _all_to_all_aval(x, *, axes, split_axis, concat_axis, tiled, axis_size):
    shape = list(x.shape)
    _axis_check("all_to_all", "split_axis", split_axis, len(shape))
    _axis_check("all_to_all", "concat_axis", concat_axis, len(shape))
    if tiled:
        if shape[split_axis] % axis_size:
            raise ValueError(f"all_to_all: the size of split_axis {split_axis} "
                             f"({shape[split_axis]}) must be divisible by the size of the "
                             f"named axis ({axis_size}) when tiled=True")
        shape[split_axis] //= axis_size
        shape[concat_axis] *= axis_size
    else:
        if shape[split_axis] != axis_size:
            raise ValueError(f"all_to_all requires the size of the mapped axis "
                             f"{axes[0]} to equal x.shape[split_axis], but they are "
                             f"{axis_size} and {shape[split_axis]} respectively.")
        del shape[split_axis]
        shape.insert(concat_axis, axis_size)
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


for _p in (psum_p, pmax_p, pmin_p, ppermute_p):
    _p.def_abstract_eval(_same)
all_gather_p.def_abstract_eval(_all_gather_aval)
psum_scatter_p.def_abstract_eval(_psum_scatter_aval)
all_to_all_p.def_abstract_eval(_all_to_all_aval)
axis_index_p.def_abstract_eval(lambda *, axis_name: ShapedArray((), np.dtype(np.int32)))


# ------------------------------------------------------------------ user functions

def _check_groups(fun, axis_index_groups):
    if axis_index_groups is not None:
        raise NotImplementedError(f"{fun}: axis_index_groups is not supported by plax; "
                                  f"split the axis with a nested vmap/pmap instead")


def _single(fun, axis_name):
    names = as_names(axis_name)
    if len(names) != 1:
        raise NotImplementedError(f"{fun} over several axis names {names} is not "
                                  f"supported by plax yet; name one axis")
    return names


def _size(names, fun):
    size = 1
    for n in names:
        size *= frame(n, fun).size
    return size


def _map(fun, x):
    leaves, tree = tree_util.tree_flatten(x)
    return tree_util.tree_unflatten(tree, [fun(leaf) for leaf in leaves])


def psum(x, axis_name, *, axis_index_groups=None):
    """Sum ``x`` (a pytree) over the named axis or axes; booleans are summed as int32."""
    _check_groups("psum", axis_index_groups)
    names = as_names(axis_name)

    def one(leaf):
        if get_aval(leaf).dtype == np.bool_:
            leaf = lax.convert_element_type(leaf, np.int32)
        return psum_p.bind(leaf, axes=names)
    return _map(one, x)


def pmean(x, axis_name, *, axis_index_groups=None):
    """Mean of ``x`` over the named axis or axes (integers give floats, as in JAX)."""
    _check_groups("pmean", axis_index_groups)
    names = as_names(axis_name)
    n = _size(names, "pmean")

    def one(leaf):
        s = psum(leaf, names)
        dt = get_aval(s).dtype
        if not dtypes.is_inexact(dt):
            s = lax.convert_element_type(s, dtypes.default_float_dtype())
            dt = get_aval(s).dtype
        return lax.div(s, np.asarray(n, dt))
    return _map(one, x)


def pmax(x, axis_name, *, axis_index_groups=None):
    """Maximum of ``x`` over the named axis or axes (not differentiable, as in JAX)."""
    _check_groups("pmax", axis_index_groups)
    names = as_names(axis_name)
    return _map(lambda leaf: pmax_p.bind(leaf, axes=names), x)


def pmin(x, axis_name, *, axis_index_groups=None):
    """Minimum of ``x`` over the named axis or axes (not differentiable, as in JAX)."""
    _check_groups("pmin", axis_index_groups)
    names = as_names(axis_name)
    return _map(lambda leaf: pmin_p.bind(leaf, axes=names), x)


def all_gather(x, axis_name, *, axis_index_groups=None, axis=0, tiled=False):
    """Every index's ``x`` stacked along a new ``axis`` (concatenated when ``tiled``)."""
    _check_groups("all_gather", axis_index_groups)
    names = as_names(axis_name)
    size = _size(names, "all_gather")

    def one(leaf):
        ndim = len(get_aval(leaf).shape)
        ax = axis + (ndim + (not tiled) if axis < 0 else 0)
        params = dict(axes=names, axis=ax, tiled=bool(tiled), axis_size=size)
        _all_gather_aval(get_aval(leaf), **params)     # checked here: vmap never asks
        if len(names) == 1:
            return all_gather_p.bind(leaf, **params)
        # Several names: gather over the last, then the others (row-major order, the
        # first name major), and merge the stacked axes.
        out = leaf
        for n in reversed(names):
            out = all_gather_p.bind(out, axes=(n,), axis=ax, tiled=False,
                                    axis_size=frame(n, "all_gather").size)
        shape = get_aval(out).shape
        merged = len(names) + bool(tiled)
        return lax.reshape(out, shape[:ax] + (math.prod(shape[ax:ax + merged]),)
                           + shape[ax + merged:])
    return _map(one, x)


def psum_scatter(x, axis_name, *, scatter_dimension=0, axis_index_groups=None,
                 tiled=False):
    """``psum`` whose result is split along ``scatter_dimension``: index i keeps block i."""
    _check_groups("psum_scatter", axis_index_groups)
    names = as_names(axis_name)
    size = _size(names, "psum_scatter")

    def one(leaf):
        ndim = len(get_aval(leaf).shape)
        sd = scatter_dimension + (ndim if scatter_dimension < 0 else 0)
        params = dict(axes=names, scatter_dimension=sd, tiled=bool(tiled), axis_size=size)
        _psum_scatter_aval(get_aval(leaf), **params)
        if len(names) == 1:
            return psum_scatter_p.bind(leaf, **params)
        # Several names: scatter blocks over the first name, then sub-blocks over the
        # next (index (i, j) keeps block i * size_j + j); untiled, the blocks are 1 long.
        out = leaf
        for n in names:
            out = psum_scatter_p.bind(out, axes=(n,), scatter_dimension=sd, tiled=True,
                                      axis_size=frame(n, "psum_scatter").size)
        if not tiled:
            shape = get_aval(out).shape
            out = lax.reshape(out, shape[:sd] + shape[sd + 1:])
        return out
    return _map(one, x)


def all_to_all(x, axis_name, split_axis, concat_axis, *, axis_index_groups=None,
               tiled=False):
    """Block ``i`` of ``x`` along ``split_axis`` goes to index ``i``, stacked on ``concat_axis``."""
    _check_groups("all_to_all", axis_index_groups)
    names = _single("all_to_all", axis_name)
    size = _size(names, "all_to_all")

    def one(leaf):
        ndim = len(get_aval(leaf).shape)
        params = dict(axes=names, split_axis=split_axis + (ndim if split_axis < 0 else 0),
                      concat_axis=concat_axis + (ndim if concat_axis < 0 else 0),
                      tiled=bool(tiled), axis_size=size)
        _all_to_all_aval(get_aval(leaf), **params)
        return all_to_all_p.bind(leaf, **params)
    return _map(one, x)


def ppermute(x, axis_name, perm):
    """Send ``x`` from index ``src`` to ``dst`` for each ``(src, dst)`` in ``perm``.

    Indices that receive nothing get zeros.
    """
    names = _single("ppermute", axis_name)
    size = _size(names, "ppermute")
    perm = tuple((int(s), int(d)) for s, d in perm)
    srcs, dsts = [s for s, _ in perm], [d for _, d in perm]
    if len(set(srcs)) != len(srcs) or len(set(dsts)) != len(dsts):
        raise ValueError(f"ppermute sources and destinations must be unique, got {perm}")
    for i in srcs + dsts:
        if not 0 <= i < size:
            raise ValueError(f"ppermute: index {i} in perm {perm} is out of range for "
                             f"axis {names[0]!r} of size {size}")
    return _map(lambda leaf: ppermute_p.bind(leaf, axes=names, perm=perm), x)


def pshuffle(x, axis_name, perm):
    """Index ``i`` receives index ``perm[i]``'s ``x`` (``perm`` a permutation)."""
    perm = [int(p) for p in perm]
    if sorted(perm) != list(range(len(perm))):
        raise ValueError(f"pshuffle: perm must be a permutation of range({len(perm)}), "
                         f"got {perm}")
    return ppermute(x, axis_name, [(src, dst) for dst, src in enumerate(perm)])


def axis_index(axis_name):
    """This index along the named axis (int32); for a tuple, the row-major flat index."""
    names = as_names(axis_name)
    out = None
    for n in names:
        size = frame(n, "axis_index").size
        i = axis_index_p.bind(axis_name=n)
        out = i if out is None else lax.add(lax.mul(out, np.int32(size)), i)
    return out


def axis_size(axis_name) -> int:
    """The size of the named axis (the product, for a tuple of names), a Python int."""
    return _size(as_names(axis_name), "axis_size")


__all__ = ["all_gather", "all_to_all", "axis_index", "axis_size", "pmax", "pmean", "pmin",
           "ppermute", "pshuffle", "psum", "psum_scatter"]
