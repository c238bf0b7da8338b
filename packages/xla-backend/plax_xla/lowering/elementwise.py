"""Lowering rules of core's elementwise primitives (family ``elementwise``).

Most are one StableHLO (or CHLO, which XLA legalizes) operation.  The semantics to
match are the NumPy kernels' (``plax_core.prims.elementwise_math``), which follow
XLA; where a StableHLO op differs, the rule spells the difference out:

- ``sign`` of an unsigned integer is ``x != 0`` (StableHLO's sign takes signed types);
- ``select_n`` with an integer selector clamps it into range (a chain of selects);
- ``convert_element_type`` to bool is ``x != 0`` and from complex to a real type
  keeps the real part, as the kernels do;
- ``pow`` with an integer exponent converts it to the base's dtype first;
- transcendental functions of float16/bfloat16 compute in float32 and round once, as
  the kernels do (arithmetic is exact either way);
- ``stop_gradient`` is the identity.
"""

from __future__ import annotations

import numpy as np

from plax_core import lax
from plax_core.extend import LOWERING

from ..mlir import Ty, i64_array, ty
from ._helpers import (
    BOOL,
    F32,
    binary,
    compare,
    complex_minmax,
    convert,
    full_like,
    is_half,
    out_ty,
)

# ------------------------------------------------------------------ rule makers


def _unop(name: str, upcast: bool = False):
    def rule(ctx, x, **params):
        t = ctx.ty_of(x)
        out = out_ty(ctx)
        if upcast and is_half(t.dtype):
            y = ctx.op(name, [convert(ctx, x, F32)], ty(t.shape, F32))
            return convert(ctx, y, out.dtype)
        return ctx.op(name, [x], out)
    return rule


def _binop(name: str, upcast: bool = False):
    def rule(ctx, x, y, **params):
        t = ctx.ty_of(x)
        out = out_ty(ctx)
        if upcast and is_half(t.dtype):
            x32, y32 = convert(ctx, x, F32), convert(ctx, y, F32)
            return convert(ctx, ctx.op(name, [x32, y32], ty(t.shape, F32)), out.dtype)
        return ctx.op(name, [x, y], out)
    return rule


def _compare_rule(direction: str):
    def rule(ctx, x, y):
        return compare(ctx, x, y, direction)
    return rule


def _minmax(name: str, bool_name: str):
    def rule(ctx, x, y):
        t = ctx.ty_of(x)
        if t.dtype == BOOL:
            return binary(ctx, bool_name, x, y)
        if t.dtype.kind == "c":
            return complex_minmax(ctx, x, y, "GT" if name.endswith("maximum") else "LT")
        return binary(ctx, name, x, y)
    return rule


# ------------------------------------------------------------------ special rules

def _sign(ctx, x):
    t = ctx.ty_of(x)
    if t.dtype.kind == "u":
        return convert(ctx, compare(ctx, x, full_like(ctx, x, 0), "NE"), t.dtype)
    return ctx.op("stablehlo.sign", [x], t)


def _round(ctx, x, *, rounding_method):
    name = "round_nearest_even" if int(rounding_method) == 1 else "round_nearest_afz"
    return ctx.op(f"stablehlo.{name}", [x], ctx.ty_of(x))


def _square(ctx, x):
    return binary(ctx, "stablehlo.multiply", x, x)


def _integer_pow(ctx, x, *, y):
    """Repeated squaring in the kernel's order; a negative power is 1 / x**-y."""
    if y == 0:
        return full_like(ctx, x, 1)
    n, acc, base = abs(y), None, x
    while n:
        if n & 1:
            acc = base if acc is None else binary(ctx, "stablehlo.multiply", acc, base)
        n >>= 1
        if n:
            base = binary(ctx, "stablehlo.multiply", base, base)
    if y < 0:
        return binary(ctx, "stablehlo.divide", full_like(ctx, x, 1), acc)
    return acc


def _exp2(ctx, x):
    t = ctx.ty_of(x)
    work = F32 if is_half(t.dtype) else t.dtype
    xw = convert(ctx, x, work)
    two = ctx.constant(2, work, t.shape)
    if work.kind == "c":       # scale the parts by a real ln 2: inf * (ln2 + 0j) is nan
        part = ty(t.shape, np.float32 if work == np.complex64 else np.float64)
        ln2 = ctx.constant(np.log(2), part.dtype, t.shape)
        re, im = (binary(ctx, "stablehlo.multiply", ctx.op(f"stablehlo.{p}", [xw], part), ln2)
                  for p in ("real", "imag"))
        out = ctx.op("stablehlo.exponential",
                     [ctx.op("stablehlo.complex", [re, im], ty(t.shape, work))],
                     ty(t.shape, work))
    else:
        out = ctx.op("stablehlo.power", [two, xw], ty(t.shape, work))
    return convert(ctx, out, t.dtype)


def _conj(ctx, x, *, input_dtype):
    out = out_ty(ctx)
    t = ctx.ty_of(x)
    part = ty(t.shape, np.float32 if out.dtype == np.complex64 else np.float64)
    if t.dtype.kind != "c":
        x = convert(ctx, x, part.dtype)
        return ctx.op("stablehlo.complex", [x, full_like(ctx, x, 0)], out)
    re = ctx.op("stablehlo.real", [x], part)
    im = ctx.op("stablehlo.negate", [ctx.op("stablehlo.imag", [x], part)], part)
    return ctx.op("stablehlo.complex", [re, im], out)


def _identity(ctx, x, **params):
    return x


def _pow(ctx, x, y):
    t = ctx.ty_of(x)
    y = convert(ctx, y, t.dtype)
    if is_half(t.dtype):
        out = ctx.op("stablehlo.power", [convert(ctx, x, F32), convert(ctx, y, F32)],
                     ty(t.shape, F32))
        return convert(ctx, out, t.dtype)
    return ctx.op("stablehlo.power", [x, y], t)


def _clamp(ctx, lo, x, hi):
    t = ctx.ty_of(x)
    if t.dtype == BOOL:
        lo, hi = (_broadcast_scalar(ctx, b, t) for b in (lo, hi))
        return binary(ctx, "stablehlo.and", binary(ctx, "stablehlo.or", x, lo), hi)
    return ctx.op("stablehlo.clamp", [lo, x, hi], t)


def _broadcast_scalar(ctx, x, t: Ty) -> str:
    if ctx.ty_of(x).shape == t.shape:
        return x
    return ctx.op("stablehlo.broadcast_in_dim", [x], ty(t.shape, ctx.ty_of(x).dtype),
                  {"broadcast_dimensions": i64_array(())})


def _select_n(ctx, which, *cases):
    if len(cases) == 1:
        return cases[0]
    wt = ctx.ty_of(which)
    if wt.dtype == BOOL:
        return ctx.op("stablehlo.select", [which, cases[1], cases[0]], ctx.ty_of(cases[0]))
    out = cases[0]
    for i in range(1, len(cases)):
        pred = compare(ctx, which, full_like(ctx, which, i), "GE")
        out = ctx.op("stablehlo.select", [pred, cases[i], out], ctx.ty_of(cases[0]))
    return out


def _convert_element_type(ctx, x, *, new_dtype, weak_type=False, sharding=None):
    t = ctx.ty_of(x)
    new_dtype = np.dtype(new_dtype)
    if t.dtype.kind == "c" and new_dtype.kind != "c":
        x = ctx.op("stablehlo.real", [x],
                   ty(t.shape, np.float32 if t.dtype == np.complex64 else np.float64))
        t = ctx.ty_of(x)
    if new_dtype == BOOL and t.dtype != BOOL:
        return compare(ctx, x, full_like(ctx, x, 0), "NE")
    return convert(ctx, x, new_dtype)


def _bitcast_convert_type(ctx, x, *, new_dtype):
    return ctx.op("stablehlo.bitcast_convert", [x], out_ty(ctx))


# ------------------------------------------------------------------ the table

_UP = dict(upcast=True)

RULES = {
    # one op
    lax.neg_p: _unop("stablehlo.negate"), lax.floor_p: _unop("stablehlo.floor"),
    lax.ceil_p: _unop("stablehlo.ceil"), lax.is_finite_p: _unop("stablehlo.is_finite"),
    lax.abs_p: _unop("stablehlo.abs"), lax.not_p: _unop("stablehlo.not"),
    lax.real_p: _unop("stablehlo.real"), lax.imag_p: _unop("stablehlo.imag"),
    # one op, float16/bfloat16 computed in float32
    lax.exp_p: _unop("stablehlo.exponential", **_UP),
    lax.log_p: _unop("stablehlo.log", **_UP),
    lax.log1p_p: _unop("stablehlo.log_plus_one", **_UP),
    lax.expm1_p: _unop("stablehlo.exponential_minus_one", **_UP),
    lax.tanh_p: _unop("stablehlo.tanh", **_UP),
    lax.logistic_p: _unop("stablehlo.logistic", **_UP),
    lax.sin_p: _unop("stablehlo.sine", **_UP), lax.cos_p: _unop("stablehlo.cosine", **_UP),
    lax.tan_p: _unop("stablehlo.tan", **_UP), lax.asin_p: _unop("chlo.asin", **_UP),
    lax.acos_p: _unop("chlo.acos", **_UP), lax.atan_p: _unop("chlo.atan", **_UP),
    lax.sinh_p: _unop("chlo.sinh", **_UP), lax.cosh_p: _unop("chlo.cosh", **_UP),
    lax.asinh_p: _unop("chlo.asinh", **_UP), lax.acosh_p: _unop("chlo.acosh", **_UP),
    lax.atanh_p: _unop("chlo.atanh", **_UP), lax.sqrt_p: _unop("stablehlo.sqrt", **_UP),
    lax.rsqrt_p: _unop("stablehlo.rsqrt", **_UP), lax.cbrt_p: _unop("stablehlo.cbrt", **_UP),
    lax.erf_p: _unop("chlo.erf", **_UP), lax.erfc_p: _unop("chlo.erfc", **_UP),
    lax.erf_inv_p: _unop("chlo.erf_inv", **_UP), lax.lgamma_p: _unop("chlo.lgamma", **_UP),
    lax.digamma_p: _unop("chlo.digamma", **_UP),
    # binary
    lax.add_p: _binop("stablehlo.add"), lax.sub_p: _binop("stablehlo.subtract"),
    lax.mul_p: _binop("stablehlo.multiply"), lax.div_p: _binop("stablehlo.divide"),
    lax.rem_p: _binop("stablehlo.remainder"),
    lax.nextafter_p: _binop("chlo.next_after"),
    lax.atan2_p: _binop("stablehlo.atan2", **_UP),
    lax.and_p: _binop("stablehlo.and"), lax.or_p: _binop("stablehlo.or"),
    lax.xor_p: _binop("stablehlo.xor"),
    lax.shift_left_p: _binop("stablehlo.shift_left"),
    lax.shift_right_logical_p: _binop("stablehlo.shift_right_logical"),
    lax.shift_right_arithmetic_p: _binop("stablehlo.shift_right_arithmetic"),
    lax.complex_p: _binop("stablehlo.complex"),
    lax.eq_p: _compare_rule("EQ"), lax.ne_p: _compare_rule("NE"),
    lax.lt_p: _compare_rule("LT"), lax.le_p: _compare_rule("LE"),
    lax.gt_p: _compare_rule("GT"), lax.ge_p: _compare_rule("GE"),
    lax.max_p: _minmax("stablehlo.maximum", "stablehlo.or"),
    lax.min_p: _minmax("stablehlo.minimum", "stablehlo.and"),
    # spelled out
    lax.sign_p: _sign, lax.round_p: _round, lax.square_p: _square,
    lax.integer_pow_p: _integer_pow, lax.exp2_p: _exp2, lax.conj_p: _conj,
    lax.copy_p: _identity, lax.stop_gradient_p: _identity, lax.pow_p: _pow,
    lax.clamp_p: _clamp, lax.select_n_p: _select_n,
    lax.convert_element_type_p: _convert_element_type,
    lax.bitcast_convert_type_p: _bitcast_convert_type,
}


def register(registry) -> None:
    registry.rules(LOWERING).update(RULES)
