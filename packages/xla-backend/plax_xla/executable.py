"""A traced jaxpr as one compiled XLA program, ready to call with device buffers.

``lower_module`` writes the StableHLO of a whole jaxpr: its non-scalar constants
become the leading parameters of ``main`` (scalar ones are ``Literal``s, written
inline), then the flattened arguments; donated arguments carry
``jax.buffer_donor = true`` so XLA may reuse their buffers for outputs (PJRT then
deletes the donated input).  ``Executable`` holds the loaded program, the constants'
device buffers and one result handler per output, so a call is one
``execute_sharded`` and a wrap of each output in a plax ``Array``.
"""

from __future__ import annotations

from collections.abc import Sequence

from plax_core import tree_util
from plax_core.array import Array
from plax_core.core import get_aval

from .backend import XlaBackend, check_nans, execute
from .callbacks import has_callbacks
from .mlir import FunctionBuilder, aval_ty, lower_jaxpr, module_text


def lower_module(name: str, jaxpr, consts: Sequence, donated: Sequence[bool] = ()) -> str:
    """The StableHLO text of ``jaxpr`` with ``consts`` as leading parameters."""
    ctx = FunctionBuilder()
    const_args = [ctx.arg(f"%c{i}", aval_ty(get_aval(c))) for i, c in enumerate(consts)]
    in_args = [ctx.arg(f"%arg{i}", aval_ty(v.aval)) for i, v in enumerate(jaxpr.invars)]
    outs = lower_jaxpr(ctx, jaxpr, const_args, in_args)
    donated = list(donated) + [False] * (len(in_args) - len(donated))
    attrs = [None] * len(const_args) + ["jax.buffer_donor = true" if d else None
                                        for d in donated]
    return module_text(f"jit_{name}", ctx, const_args + in_args, attrs, outs)


class Executable:
    """One compiled program: call it with the flat argument buffers."""

    __slots__ = ("backend", "exe", "text", "const_bufs", "handlers", "out_avals",
                 "out_tree", "in_avals", "single_out", "donates", "host_callbacks")

    def __init__(self, backend: XlaBackend, text: str, consts: Sequence, in_avals,
                 out_avals, out_tree, donates: bool = False):
        self.backend = backend
        self.text = text
        self.exe = backend.context.compile(text)
        self.const_bufs = [backend.buffer(c)[0] for c in consts]
        self.handlers = [backend.context.result_handler(a) for a in out_avals]
        self.in_avals = tuple(in_avals)
        self.out_avals = list(out_avals)
        self.out_tree = out_tree
        self.single_out = tree_util.treedef_is_leaf(out_tree) and len(out_avals) == 1
        self.donates = donates
        self.host_callbacks = has_callbacks(text)

    def call_flat(self, bufs: list) -> list[Array]:
        """The outputs (flat list of Arrays) for the flat argument buffers ``bufs``."""
        if self.const_bufs:
            bufs = self.const_bufs + bufs
        outs = execute(self.exe, bufs, self.handlers, self.host_callbacks)
        backend = self.backend
        outs = [Array(o, a, backend) for o, a in zip(outs, self.out_avals)]
        if backend._debug_nans:
            check_nans("a jit-compiled function", outs)
        return outs

    def call(self, bufs: list):
        """The output pytree for the flat argument buffers ``bufs``."""
        outs = self.call_flat(bufs)
        if self.single_out:
            return outs[0]
        return tree_util.tree_unflatten(self.out_tree, outs)
