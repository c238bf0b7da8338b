"""Lowering rules for core's elementwise primitives (``plax_core.prims.elementwise``).

Most are one StableHLO (or CHLO, which XLA legalizes) operation.  The semantics to
match are the NumPy kernels' (``plax_core.prims.elementwise_math``), which follow
XLA; where a StableHLO op differs, the rule spells the difference out:

- ``sign`` of an unsigned integer is ``x != 0`` (StableHLO's sign takes signed types);
- ``select_n`` with an integer selector clamps it into range (a chain of selects);
- ``convert_element_type`` to bool is ``x != 0`` and from complex to a real type
  keeps the real part, as the kernels do;
- ``pow`` with an integer exponent converts it to the base's dtype first;
- transcendental functions of float16/bfloat16 compute in float32 and round once, as
  the kernels do (arithmetic is exact either way).
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from plax_core import lax

from .mlir import FunctionBuilder, Ty, aval_ty, i64_array, ty

_F32 = np.dtype(np.float32)
_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))
_BOOL = np.dtype(np.bool_)


# ------------------------------------------------------------------ helpers (shared)

def out_ty(ctx: FunctionBuilder, i: int = 0) -> Ty:
    return aval_ty(ctx.avals_out[i])


def compare_type(dtype: np.dtype) -> str:
    if dtype.kind in "fcV":
        return "FLOAT"
    return "SIGNED" if dtype.kind == "i" else "UNSIGNED"


def compare(ctx: FunctionBuilder, x: str, y: str, direction: str) -> str:
    t = ctx.ty_of(x)
    return ctx.op("stablehlo.compare", [x, y], ty(t.shape, _BOOL),
                  {"comparison_direction": f"#stablehlo<comparison_direction {direction}>",
                   "compare_type": f"#stablehlo<comparison_type {compare_type(t.dtype)}>"})


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


def _is_half(dtype) -> bool:
    return np.dtype(dtype) in _HALF


# ------------------------------------------------------------------ rule makers

def _unop(name: str, upcast: bool = False):
    def rule(ctx, x, **params):
        t = ctx.ty_of(x)
        out = out_ty(ctx)
        if upcast and _is_half(t.dtype):
            y = ctx.op(name, [convert(ctx, x, _F32)], ty(t.shape, _F32))
            return convert(ctx, y, out.dtype)
        return ctx.op(name, [x], out)
    return rule


def _binop(name: str, upcast: bool = False):
    def rule(ctx, x, y, **params):
        t = ctx.ty_of(x)
        out = out_ty(ctx)
        if upcast and _is_half(t.dtype):
            x32, y32 = convert(ctx, x, _F32), convert(ctx, y, _F32)
            return convert(ctx, ctx.op(name, [x32, y32], ty(t.shape, _F32)), out.dtype)
        return ctx.op(name, [x, y], out)
    return rule


def _compare_rule(direction: str):
    def rule(ctx, x, y):
        return compare(ctx, x, y, direction)
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
    work = _F32 if _is_half(t.dtype) else t.dtype
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


def _copy(ctx, x):
    return x


def _pow(ctx, x, y):
    t = ctx.ty_of(x)
    y = convert(ctx, y, t.dtype)
    if _is_half(t.dtype):
        out = ctx.op("stablehlo.power", [convert(ctx, x, _F32), convert(ctx, y, _F32)],
                     ty(t.shape, _F32))
        return convert(ctx, out, t.dtype)
    return ctx.op("stablehlo.power", [x, y], t)


def _minmax(name: str, bool_name: str):
    def rule(ctx, x, y):
        t = ctx.ty_of(x)
        if t.dtype == _BOOL:
            return binary(ctx, bool_name, x, y)
        if t.dtype.kind == "c":
            return _complex_minmax(ctx, x, y, "GT" if name.endswith("maximum") else "LT")
        return binary(ctx, name, x, y)
    return rule


def _complex_minmax(ctx, x, y, direction):
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


def _clamp(ctx, lo, x, hi):
    t = ctx.ty_of(x)
    if t.dtype == _BOOL:
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
    if wt.dtype == _BOOL:
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
    if new_dtype == _BOOL and t.dtype != _BOOL:
        return compare(ctx, x, full_like(ctx, x, 0), "NE")
    return convert(ctx, x, new_dtype)


def _bitcast_convert_type(ctx, x, *, new_dtype):
    return ctx.op("stablehlo.bitcast_convert", [x], out_ty(ctx))


# ------------------------------------------------------------------ the table

def _direct(name):
    return _unop(name)


def elementwise_rules() -> dict:
    """primitive -> lowering rule, for every elementwise core primitive."""
    up = dict(upcast=True)
    unops = {
        lax.neg_p: _direct("stablehlo.negate"), lax.floor_p: _direct("stablehlo.floor"),
        lax.ceil_p: _direct("stablehlo.ceil"), lax.is_finite_p: _direct("stablehlo.is_finite"),
        lax.abs_p: _direct("stablehlo.abs"), lax.not_p: _direct("stablehlo.not"),
        lax.real_p: _direct("stablehlo.real"), lax.imag_p: _direct("stablehlo.imag"),
        lax.exp_p: _unop("stablehlo.exponential", **up),
        lax.log_p: _unop("stablehlo.log", **up),
        lax.log1p_p: _unop("stablehlo.log_plus_one", **up),
        lax.expm1_p: _unop("stablehlo.exponential_minus_one", **up),
        lax.tanh_p: _unop("stablehlo.tanh", **up),
        lax.logistic_p: _unop("stablehlo.logistic", **up),
        lax.sin_p: _unop("stablehlo.sine", **up), lax.cos_p: _unop("stablehlo.cosine", **up),
        lax.tan_p: _unop("stablehlo.tan", **up), lax.asin_p: _unop("chlo.asin", **up),
        lax.acos_p: _unop("chlo.acos", **up), lax.atan_p: _unop("chlo.atan", **up),
        lax.sinh_p: _unop("chlo.sinh", **up), lax.cosh_p: _unop("chlo.cosh", **up),
        lax.asinh_p: _unop("chlo.asinh", **up), lax.acosh_p: _unop("chlo.acosh", **up),
        lax.atanh_p: _unop("chlo.atanh", **up), lax.sqrt_p: _unop("stablehlo.sqrt", **up),
        lax.rsqrt_p: _unop("stablehlo.rsqrt", **up), lax.cbrt_p: _unop("stablehlo.cbrt", **up),
        lax.erf_p: _unop("chlo.erf", **up), lax.erfc_p: _unop("chlo.erfc", **up),
        lax.erf_inv_p: _unop("chlo.erf_inv", **up), lax.lgamma_p: _unop("chlo.lgamma", **up),
        lax.digamma_p: _unop("chlo.digamma", **up),
    }
    binops = {
        lax.add_p: _binop("stablehlo.add"), lax.sub_p: _binop("stablehlo.subtract"),
        lax.mul_p: _binop("stablehlo.multiply"), lax.div_p: _binop("stablehlo.divide"),
        lax.rem_p: _binop("stablehlo.remainder"),
        lax.nextafter_p: _binop("chlo.next_after"),
        lax.atan2_p: _binop("stablehlo.atan2", **up),
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
    }
    special = {
        lax.sign_p: _sign, lax.round_p: _round, lax.square_p: _square,
        lax.integer_pow_p: _integer_pow, lax.exp2_p: _exp2, lax.conj_p: _conj,
        lax.copy_p: _copy, lax.pow_p: _pow, lax.clamp_p: _clamp, lax.select_n_p: _select_n,
        lax.convert_element_type_p: _convert_element_type,
        lax.bitcast_convert_type_p: _bitcast_convert_type,
    }
    return {**unops, **binops, **special}
