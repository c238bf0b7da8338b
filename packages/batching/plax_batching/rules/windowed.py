"""Batching rules for the windowed primitives (family ``windowed``: ``conv_general_dilated``,
``reduce_window_*``).

A window reduction gets a window of size 1 (stride 1, no padding, no dilation) along
the batch axis, which stays where it is.

A convolution folds the vmapped axis into one of its own dimensions, as JAX does:

- only lhs batched: the vmapped axis joins the lhs batch dimension (inside each batch
  group when ``batch_group_count > 1``, so that the groups stay major);
- only rhs batched: it joins the kernel's output features (inside each feature or
  batch group);
- both batched: the examples become feature groups (or more batch groups when
  ``batch_group_count > 1``): lhs features and kernel output features gain the
  vmapped axis as their major part.

The result is then split back out of the output's batch or feature dimension.  A
vmapped axis of size 0 gives zeros of the right shape.
"""

from __future__ import annotations

from plax_core import lax
from plax_core.extend import BATCHING, ShapedArray, get_aval
from plax_core.lax import (
    conv_general_dilated_p,
    reduce_window_max_p,
    reduce_window_min_p,
    reduce_window_sum_p,
)

from ..batching import ndim_of, shape_of


def _into(src: int, dst: int, x):
    """Merge axis ``src`` of ``x`` into axis ``dst`` (numbered without ``src``), as its
    major part."""
    shape = shape_of(x)
    perm = [i for i in range(len(shape)) if i != src]
    perm.insert(dst, src)
    new_shape = [shape[i] for i in range(len(shape)) if i != src]
    new_shape[dst] *= shape[src]
    return lax.reshape(x, new_shape, perm)


def _out_of(src: int, size1: int, x):
    """Split axis ``src`` of ``x`` into ``(size1, rest)``."""
    shape = list(shape_of(x))
    shape[src:src + 1] = [size1, shape[src] // size1]
    return lax.reshape(x, shape)


def _into_groups(x, bdim: int, axis: int, groups: int):
    """Merge the vmapped axis ``bdim`` into axis ``axis`` (per-example numbering), inside
    each of ``groups`` major groups of that axis: ``(groups, rest)`` becomes
    ``(groups, batch, rest)``, flattened."""
    if groups == 1:
        return _into(bdim, axis, x)
    split = axis + (bdim <= axis)            # the axis in x's numbering
    x = _out_of(split, groups, x)            # ... groups at split, rest at split + 1
    bdim = bdim + (split < bdim)
    # merge the batch axis into `rest`, whose index without bdim is axis + 1
    x = _into(bdim, axis + 1, x)
    return _into(axis, axis, x)              # groups back into (batch * rest)


def _out_of_groups(x, axis: int, groups: int, size: int):
    """Inverse of ``_into_groups`` on an output axis: ``(groups, size, rest)`` flattened
    at ``axis`` becomes a new axis ``size`` at ``axis`` and ``(groups, rest)`` after it."""
    if groups == 1:
        return _out_of(axis, size, x)
    x = _out_of(axis, groups, x)             # groups, size * rest
    x = _out_of(axis + 1, size, x)           # groups, size, rest
    # move `size` in front of `groups`, then merge groups back into rest
    x = _swap_to_front(x, axis + 1, axis)  # size, groups, rest
    return _into(axis + 1, axis + 1, x)      # size, groups * rest


def _swap_to_front(x, src: int, dst: int):
    perm = list(range(ndim_of(x)))
    perm.insert(dst, perm.pop(src))
    return lax.transpose(x, perm)


def _conv_rule(args, dims, *, window_strides, padding, lhs_dilation, rhs_dilation,
               dimension_numbers, feature_group_count, batch_group_count, precision,
               preferred_element_type):
    (lhs, rhs), (ld, rd) = args, dims
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    G, B = feature_group_count, batch_group_count
    params = dict(window_strides=window_strides, padding=padding, lhs_dilation=lhs_dilation,
                  rhs_dilation=rhs_dilation, dimension_numbers=dimension_numbers,
                  precision=precision, preferred_element_type=preferred_element_type)
    size = shape_of(lhs)[ld] if ld is not None else shape_of(rhs)[rd]
    if size == 0:
        la, ra = get_aval(lhs), get_aval(rhs)
        one_l = la if ld is None else ShapedArray(la.shape[:ld] + la.shape[ld + 1:], la.dtype)
        one_r = ra if rd is None else ShapedArray(ra.shape[:rd] + ra.shape[rd + 1:], ra.dtype)
        aval = conv_general_dilated_p.abstract_eval(
            one_l, one_r, feature_group_count=G, batch_group_count=B, **params)
        return lax.full((0,) + aval.shape, 0, aval.dtype), 0
    bind = conv_general_dilated_p.bind
    if ld is not None and rd is not None:
        if B > 1:
            new_lhs = _into(ld, lhs_spec[0], lhs)
            B *= size
        else:
            new_lhs = _into(ld, lhs_spec[1], lhs)
            G *= size
        new_rhs = _into(rd, rhs_spec[0], rhs)
        out = bind(new_lhs, new_rhs, feature_group_count=G, batch_group_count=B, **params)
        return _out_of(out_spec[1], size, out), out_spec[1]
    if ld is not None:
        new_lhs = _into_groups(lhs, ld, lhs_spec[0], B)
        out = bind(new_lhs, rhs, feature_group_count=G, batch_group_count=B, **params)
        return _out_of(out_spec[0], size, out), out_spec[0]
    groups = max(G, B)
    new_rhs = _into_groups(rhs, rd, rhs_spec[0], groups)
    out = bind(lhs, new_rhs, feature_group_count=G, batch_group_count=B, **params)
    return _out_of_groups(out, out_spec[1], groups, size), out_spec[1]


def _reduce_window_rule(prim):
    def rule(args, dims, *, window_dimensions, window_strides, padding, base_dilation,
             window_dilation):
        (x,), (d,) = args, dims

        def ins(t, v):
            return tuple(t[:d]) + (v,) + tuple(t[d:])

        out = prim.bind(x, window_dimensions=ins(window_dimensions, 1),
                        window_strides=ins(window_strides, 1), padding=ins(padding, (0, 0)),
                        base_dilation=ins(base_dilation, 1),
                        window_dilation=ins(window_dilation, 1))
        return out, d
    return rule


def register(registry) -> None:
    """Fill the ``batching`` table for the windowed primitives."""
    table = registry.rules(BATCHING)
    table[conv_general_dilated_p] = _conv_rule
    for prim in (reduce_window_sum_p, reduce_window_max_p, reduce_window_min_p):
        table[prim] = _reduce_window_rule(prim)


__all__ = ["register"]
