"""The batching trace: tracers that carry a value and the position of its batch axis.

A ``BatchTracer`` stands for one example of a batch.  It holds ``val``, the whole
batch, and ``batch_dim``, the axis of ``val`` that indexes the examples (or
``not_mapped``, which is None, when every example sees the same value).  Its abstract
value is ``val``'s with that axis removed, so the traced function sees per-example
shapes.

When a primitive meets batch tracers, ``BatchTrace.process_primitive`` looks up its
rule in the registry's ``"batching"`` table (one dict lookup) and calls
``rule(args, dims, **params)``: ``args`` are the batched values (of the level below),
``dims`` their batch axes, and the rule returns ``(out, out_dim)`` (lists of both for
a primitive with multiple results).  A primitive whose operands are all unbatched is
simply bound to the values; its rule is never called.

Each ``vmap`` pushes its own main trace, so nested vmaps stay apart: a batch tracer
of an outer vmap inside an inner one is an unbatched constant there, and the inner
rule's output is again a value of the outer level, batched by the outer rules.

The helpers here move, insert and match batch axes; rules and ``vmap`` use them, and
``batch_jaxpr`` batches a closed jaxpr (for higher-order primitives).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from plax_core.extend import (
    ClosedJaxpr,
    ShapedArray,
    Trace,
    Tracer,
    eval_jaxpr,
    full_lower,
    get_aval,
    get_registry,
    new_main,
    trace_to_jaxpr,
)
from plax_core.lax import broadcast_in_dim_p, transpose_p

not_mapped = None

RULE_HINT = ("add one with registry.rules('batching')[primitive] = rule in a "
             "plax_register_rules hook, where rule(args, dims, **params) returns "
             "(out, out_dim); see plax_batching.rules")


def batching_rules():
    """The ``"batching"`` rule table (a dict from primitive to rule)."""
    return get_registry().rules("batching")


class BatchInfo:
    """What a vmap level knows: the size of its axis and its name (for collectives).

    Public protocol: a main trace whose ``payload`` has ``name`` and ``size`` binds the
    axis ``name`` (plax-parallel's collectives find their vmapped axes this way).
    """

    __slots__ = ("size", "name")

    def __init__(self, size: int, name: Any = None):
        self.size = size
        self.name = name

    def __repr__(self):
        return f"BatchInfo(size={self.size}, name={self.name!r})"


class BatchTracer(Tracer):
    __slots__ = ("val", "batch_dim")

    def __init__(self, trace, val, batch_dim: int | None):
        self._trace = trace
        self.val = val
        self.batch_dim = batch_dim

    @property
    def aval(self) -> ShapedArray:
        aval = get_aval(self.val)
        if self.batch_dim is None:
            return aval
        shape = aval.shape[:self.batch_dim] + aval.shape[self.batch_dim + 1:]
        return ShapedArray(shape, aval.dtype, aval.weak_type)

    def full_lower(self):
        if self.batch_dim is None:
            return full_lower(self.val)
        return self


# The batch levels whose rules are running, innermost last: a rule that calls user code
# back (a custom JVP rule) may run it on its own level, where the values that code
# closes over live (``rule_main``).
_rule_mains: list = []


def rule_main():
    """The main trace of the vmap level whose batching rule is running (or None)."""
    return _rule_mains[-1] if _rule_mains else None


class BatchTrace(Trace):
    """Interprets primitives on batched values with the ``"batching"`` rules."""

    def pure(self, val):
        return BatchTracer(self, val, not_mapped)

    lift = pure

    @property
    def axis_size(self) -> int:
        return self.main.payload.size

    @property
    def axis_name(self):
        return self.main.payload.name

    def process_primitive(self, primitive, tracers, params):
        vals = [t.val for t in tracers]
        dims = [t.batch_dim for t in tracers]
        # A primitive over named axes (a collective: psum, axis_index, ...) sets
        # ``batching_axis_data``: its rule also receives this level's ``BatchInfo``
        # (``.name``, ``.size``) as ``axis_data``, even when no operand is batched.
        named = getattr(primitive, "batching_axis_data", False)
        if all(d is None for d in dims) and not named:
            out = primitive.bind(*vals, **params)
            if primitive.multiple_results:
                return [BatchTracer(self, o, not_mapped) for o in out]
            return BatchTracer(self, out, not_mapped)
        rule = batching_rules()[primitive]
        if named:
            params = dict(params, axis_data=self.main.payload)
        _rule_mains.append(self.main)
        try:
            out, out_dim = rule(vals, dims, **params)
        finally:
            _rule_mains.pop()
        if primitive.multiple_results:
            return [BatchTracer(self, o, d) for o, d in zip(out, out_dim)]
        return BatchTracer(self, out, out_dim)


# ------------------------------------------------------------------ moving axes

def shape_of(x) -> tuple[int, ...]:
    return get_aval(x).shape


def ndim_of(x) -> int:
    return len(get_aval(x).shape)


def axis_size_of(args: Sequence[Any], dims: Sequence[int | None]) -> int:
    """The batch size, read from the first batched argument."""
    for x, d in zip(args, dims):
        if d is not None:
            return shape_of(x)[d]
    raise ValueError("internal error: no batched argument")


def moveaxis(x, src: int, dst: int):
    """``x`` with its axis ``src`` moved to position ``dst`` (one transpose, or none)."""
    if src == dst:
        return x
    perm = list(range(ndim_of(x)))
    perm.insert(dst, perm.pop(src))
    return transpose_p.bind(x, permutation=tuple(perm))


def broadcast(x, size: int, axis: int):
    """``x`` with a new axis of ``size`` inserted at ``axis`` (every slice equal to x)."""
    shape = shape_of(x)
    out_shape = shape[:axis] + (size,) + shape[axis:]
    dims = tuple(i if i < axis else i + 1 for i in range(len(shape)))
    return broadcast_in_dim_p.bind(x, shape=out_shape, broadcast_dimensions=dims,
                                   sharding=None)


def bring(x, src: int | None, dst: int, size: int):
    """``x`` batched at ``dst``: moved there, or broadcast there if unbatched."""
    return broadcast(x, size, dst) if src is None else moveaxis(x, src, dst)


def bdim_at_front(x, bdim: int | None, size: int):
    return bring(x, bdim, 0, size)


def shift_axes(axes: Sequence[int], bdim: int) -> tuple[int, ...]:
    """Per-example axes as axes of the batched value whose batch axis is ``bdim``."""
    return tuple(a + (a >= bdim) for a in axes)


def matchaxis(size: int, src: int | None, dst: int | None, x, what: str = "output"):
    """``x`` (batched at ``src``) batched at ``dst`` instead, as ``vmap`` returns it.

    An unbatched value is broadcast when ``dst`` is an axis; a batched value cannot be
    returned unbatched (``dst`` None), as in JAX.
    """
    if src == dst:
        return x
    if dst is None:
        raise ValueError(f"vmap has mapped {what} but out_axes is None: an output that "
                         f"depends on a mapped input must be given an out_axes axis (an "
                         f"int), not None")
    if src is None:
        return broadcast(x, size, dst)
    return moveaxis(x, src, dst)


# ------------------------------------------------------------------ batching a function

def batch_flat(flat_fun: Callable, axis_size: int, in_dims: Sequence[int | None],
               out_dims: Callable[[], Sequence[int | None]] | Sequence[int | None],
               args: Sequence[Any], axis_name: Any = None,
               out_names: Callable[[int], str] | None = None) -> list:
    """Run ``flat_fun`` (flat arrays in, flat arrays out) over a batch.

    ``args[i]`` is batched at ``in_dims[i]`` (a non-negative axis, or None); the
    outputs are returned batched at ``out_dims`` (a list, or a thunk called after
    ``flat_fun`` ran, when the output structure is known only then), whose axes may be
    negative (counted from the end of the batched output).
    """
    with new_main(BatchTrace, BatchInfo(axis_size, axis_name)) as main:
        trace = BatchTrace(main)
        in_tracers = [x if d is None else BatchTracer(trace, x, d)
                      for x, d in zip(args, in_dims)]
        outs = flat_fun(*in_tracers)
        out_tracers = [trace.full_raise(o) for o in outs]
        vals = [t.val for t in out_tracers]
        src_dims = [t.batch_dim for t in out_tracers]
    dst_dims = out_dims() if callable(out_dims) else out_dims
    results = []
    for i, (x, src, dst) in enumerate(zip(vals, src_dims, dst_dims)):
        what = out_names(i) if out_names is not None else "output"
        if dst is not None:
            rank = ndim_of(x) + (src is None)
            if not -rank <= dst < rank:
                aval = get_aval(x)
                per_example = aval if src is None else aval.update(
                    shape=aval.shape[:src] + aval.shape[src + 1:])
                raise ValueError(f"vmap out_axes specification {dst} is out of range for "
                                 f"{what} of type {per_example.str_short()}: the batched "
                                 f"output has rank {rank}, so out_axes must be in "
                                 f"[{-rank}, {rank})")
            dst %= rank
        results.append(matchaxis(axis_size, src, dst, x, what))
    return results


def batched_aval(aval: ShapedArray, size: int, dim: int | None) -> ShapedArray:
    if dim is None:
        return aval
    return aval.update(shape=aval.shape[:dim] + (size,) + aval.shape[dim:])


def batch_jaxpr(closed: ClosedJaxpr, axis_size: int, in_dims: Sequence[int | None],
                out_dims: Sequence[int | None], axis_name: Any = None) -> ClosedJaxpr:
    """A closed jaxpr computing ``closed`` over a batch (for higher-order primitives).

    Its inputs are ``closed``'s inputs batched at ``in_dims`` and its outputs are
    batched at ``out_dims`` (None: unbatched, an error if the output depends on a
    batched input; use ``batch_jaxpr_out_dims`` to find out which outputs are).
    """
    in_avals = [batched_aval(a, axis_size, d) for a, d in zip(closed.in_avals, in_dims)]

    def run(*args):
        return batch_flat(lambda *xs: eval_jaxpr(closed.jaxpr, closed.consts, *xs),
                          axis_size, in_dims, out_dims, args, axis_name)

    jaxpr, consts = trace_to_jaxpr(run, in_avals)
    return ClosedJaxpr(jaxpr, consts)


def batch_jaxpr_out_dims(closed: ClosedJaxpr, axis_size: int,
                         in_dims: Sequence[int | None]) -> list[bool]:
    """Which outputs of ``closed`` depend on its batched inputs (are batched)."""
    in_avals = [batched_aval(a, axis_size, d) for a, d in zip(closed.in_avals, in_dims)]
    found: list[bool] = []

    def run(*args):
        with new_main(BatchTrace, BatchInfo(axis_size)) as main:
            trace = BatchTrace(main)
            tracers = [x if d is None else BatchTracer(trace, x, d)
                       for x, d in zip(args, in_dims)]
            outs = [trace.full_raise(o)
                    for o in eval_jaxpr(closed.jaxpr, closed.consts, *tracers)]
            found.extend(t.batch_dim is not None for t in outs)
            return [t.val for t in outs]

    trace_to_jaxpr(run, in_avals)
    return found
