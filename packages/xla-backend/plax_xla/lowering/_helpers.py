"""Building blocks the family modules share (this package only).

Small emitters over the ``FunctionBuilder`` (compare, convert, select, transpose,
reshape, iota, a one-region reduce) and the pieces of reductions that several
families reuse: the min/max region bodies (booleans as or/and, complex numbers
lexicographically with NaN propagating) and their identities, and the MLIR text of
precision and padding attributes.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from ..mlir import FunctionBuilder, Ty, aval_ty, i64_array, ty

F32 = np.dtype(np.float32)
I32 = np.dtype(np.int32)
BOOL = np.dtype(np.bool_)
HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))


def is_half(dtype) -> bool:
    return np.dtype(dtype) in HALF


def out_ty(ctx: FunctionBuilder, i: int = 0) -> Ty:
    return aval_ty(ctx.avals_out[i])


def compare_type(dtype: np.dtype) -> str:
    if dtype.kind in "fcV":
        return "FLOAT"
    return "SIGNED" if dtype.kind == "i" else "UNSIGNED"


def compare(ctx: FunctionBuilder, x: str, y: str, direction: str, kind: str | None = None
            ) -> str:
    """``x <direction> y`` as booleans; ``kind`` (``TOTALORDER``...) defaults to the
    comparison type of the operands' dtype."""
    t = ctx.ty_of(x)
    kind = compare_type(t.dtype) if kind is None else kind
    return ctx.op("stablehlo.compare", [x, y], ty(t.shape, BOOL),
                  {"comparison_direction": f"#stablehlo<comparison_direction {direction}>",
                   "compare_type": f"#stablehlo<comparison_type {kind}>"})


def convert(ctx: FunctionBuilder, x: str, dtype) -> str:
    t = ctx.ty_of(x)
    dtype = np.dtype(dtype)
    if t.dtype == dtype:
        return x
    return ctx.op("stablehlo.convert", [x], ty(t.shape, dtype))


def full_like(ctx: FunctionBuilder, x: str, value, dtype=None) -> str:
    t = ctx.ty_of(x)
    return ctx.constant(value, t.dtype if dtype is None else dtype, t.shape)


def select(ctx: FunctionBuilder, pred: str, on_true: str, on_false: str) -> str:
    return ctx.op("stablehlo.select", [pred, on_true, on_false], ctx.ty_of(on_true))


def binary(ctx: FunctionBuilder, name: str, x: str, y: str) -> str:
    return ctx.op(name, [x, y], ctx.ty_of(x))


def transpose(ctx: FunctionBuilder, x: str, perm) -> str:
    t = ctx.ty_of(x)
    if tuple(perm) == tuple(range(t.ndim)):
        return x
    return ctx.op("stablehlo.transpose", [x], ty([t.shape[p] for p in perm], t.dtype),
                  {"permutation": i64_array(perm)})


def reshape(ctx: FunctionBuilder, x: str, shape) -> str:
    t = ctx.ty_of(x)
    if tuple(shape) == t.shape:
        return x
    return ctx.op("stablehlo.reshape", [x], ty(shape, t.dtype))


_IOTA_NATIVE = {np.dtype(t) for t in (np.int32, np.int64, np.uint32, np.uint64,
                                      np.float32, np.float64)}


def iota(ctx: FunctionBuilder, shape, dtype, dimension: int) -> str:
    dtype = np.dtype(dtype)
    work = dtype if dtype in _IOTA_NATIVE else np.dtype(np.int64)
    out = ctx.op("stablehlo.iota", [], ty(shape, work),
                 {"iota_dimension": f"{dimension} : i64"})
    return convert(ctx, out, dtype)


def reduce(ctx: FunctionBuilder, x: str, init_value, axes, body) -> str:
    """``x`` reduced over ``axes`` by ``body(ctx, a, b)`` from ``init_value``."""
    t = ctx.ty_of(x)
    if not axes:
        return x
    scalar = ty((), t.dtype)
    init = ctx.constant(init_value, t.dtype)
    region = ctx.region([scalar, scalar], lambda a, b: [body(ctx, a, b)])
    out_shape = tuple(d for i, d in enumerate(t.shape) if i not in axes)
    return ctx.op("stablehlo.reduce", [x, init], ty(out_shape, t.dtype),
                  {"dimensions": i64_array(sorted(axes))}, regions=[region])


# ------------------------------------------------------------------ region bodies

def complex_minmax(ctx, x, y, direction):
    """Lexicographic (real, imag) max/min of complex numbers; NaN propagates."""
    t = ctx.ty_of(x)
    part = ty(t.shape, np.float32 if t.dtype == np.complex64 else np.float64)
    rx, ix = ctx.op("stablehlo.real", [x], part), ctx.op("stablehlo.imag", [x], part)
    ry, iy = ctx.op("stablehlo.real", [y], part), ctx.op("stablehlo.imag", [y], part)
    pick = select(ctx, compare(ctx, rx, ry, "EQ"), compare(ctx, ix, iy, direction),
                  compare(ctx, rx, ry, direction))
    out = select(ctx, pick, x, y)
    nan = binary(ctx, "stablehlo.or", compare(ctx, x, x, "NE"), compare(ctx, y, y, "NE"))
    return select(ctx, nan, ctx.constant(complex("nan+nanj"), t.dtype, t.shape), out)


def op_body(name):
    """A region body applying the binary op ``name``."""
    def body(ctx, a, b):
        return ctx.op(name, [a, b], ctx.ty_of(a))
    return body


def minmax_body(direction, bool_op, float_op):
    """A max (``GT``) / min (``LT``) region body for every dtype."""
    def body(ctx, a, b):
        dtype = ctx.ty_of(a).dtype
        if dtype == BOOL:
            return ctx.op(bool_op, [a, b], ctx.ty_of(a))
        if dtype.kind == "c":
            return complex_minmax(ctx, a, b, direction)
        return ctx.op(float_op, [a, b], ctx.ty_of(a))
    return body


MAX_BODY = minmax_body("GT", "stablehlo.or", "stablehlo.maximum")
MIN_BODY = minmax_body("LT", "stablehlo.and", "stablehlo.minimum")


def max_identity(dtype):
    if dtype.kind in "fcV":
        return -np.inf
    return False if dtype == BOOL else np.iinfo(dtype).min


def min_identity(dtype):
    if dtype.kind in "fcV":
        return np.inf
    return True if dtype == BOOL else np.iinfo(dtype).max


# ------------------------------------------------------------------ attributes

_PRECISION = {0: "DEFAULT", 1: "HIGH", 2: "HIGHEST"}


def precision_attr(precision) -> str:
    names = ["DEFAULT", "DEFAULT"] if precision is None else [
        _PRECISION.get(getattr(p, "value", 0), "DEFAULT") for p in precision]
    return "[" + ", ".join(f"#stablehlo<precision {n}>" for n in names) + "]"


def padding_attr(padding) -> str:
    """``[(lo, hi), ...]`` as a ``tensor<Nx2xi64>`` attribute."""
    if not padding:
        return "dense<> : tensor<0x2xi64>"
    rows = ", ".join(f"[{int(lo)}, {int(hi)}]" for lo, hi in padding)
    return f"dense<[{rows}]> : tensor<{len(padding)}x2xi64>"
