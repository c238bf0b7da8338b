"""Lowering rule of ``fft`` (family ``fft``): one ``stablehlo.fft``; with an empty
operand or result it is a constant of zeros of the result's shape."""

from __future__ import annotations

from plax_core import lax
from plax_core.extend import LOWERING

from ..mlir import ty


def _fft(ctx, x, *, fft_type, fft_lengths):
    out = ctx.avals_out[0]
    t = ty(out.shape, out.dtype)
    if 0 in t.shape or 0 in ctx.ty_of(x).shape:
        return ctx.constant(0, t.dtype, t.shape)
    lengths = ", ".join(str(int(n)) for n in fft_lengths)
    return ctx.op("stablehlo.fft", [x], t, {
        "fft_type": f"#stablehlo<fft_type {lax.FftType(fft_type).name}>",
        "fft_length": f"array<i64: {lengths}>"})


RULES = {lax.fft_p: _fft}


def register(registry) -> None:
    registry.rules(LOWERING).update(RULES)
