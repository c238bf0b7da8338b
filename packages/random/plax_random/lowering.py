"""Lowering of ``threefry2x32_p`` to StableHLO (loaded only where plax-xla is).

The cipher becomes one private ``func.func`` per operand types and rounds, and each
equation a ``func.call`` of it.  Two emitters, chosen by the number of cipher blocks:

* below ``UNROLL_MIN_BLOCKS`` (2**20), the 20 rounds run as JAX's CPU lowering runs
  them: a ``stablehlo.while`` of five steps of four rounds and a key injection (the
  rotation constants and key words rotate through the loop state).  Unrolled, XLA
  fused the whole cipher into every consumer of the bits: JAX's ``mnist_vae``
  ``evaluate``, where one 78,400-word draw feeds 100 slices, compiled in 86 s instead
  of ~5 s (JAX: 9 s).
* from it up, unrolled: XLA fuses counters, cipher and the sampler's arithmetic into
  one pass over memory.  ``normal(key, (10_000_000,))`` took ~0.3x JAX's time this way
  against ~1x rolled (each loop step reads and copies both counter-sized words).  The
  price: a draw this large feeding many separate consumers (slices) compiles slowly.

Scalar key words (a draw's key) stay scalars in the function and the loop state:
counter-sized copies there made the 10M draw 3x slower than JAX.  Rounds that are
not a multiple of four are emitted unrolled.  The rules use plax-xla's public builder
(``plax_xla.mlir``), imported here only.
"""

from __future__ import annotations

import numpy as np

from plax_xla.mlir import FunctionBuilder, dense_constant, ty

from .threefry import PARITY, ROTATIONS, threefry2x32_p


def _splat(b: FunctionBuilder, v, t):
    """``v`` as a value of the tensor type ``t`` (a scalar key word is broadcast)."""
    if b.ty_of(v).shape == t.shape:
        return v
    return b.op("stablehlo.broadcast_in_dim", [v], t, {"broadcast_dimensions": "array<i64>"})


def _parity(b: FunctionBuilder, k0, k1):
    """The third key word ``k0 ^ k1 ^ PARITY`` (scalar when both key words are)."""
    kt = b.ty_of(k0) if b.ty_of(k0).shape else b.ty_of(k1)
    k0, k1 = _splat(b, k0, kt), _splat(b, k1, kt)
    both = b.op("stablehlo.xor", [k0, k1], kt)
    return b.op("stablehlo.xor", [both, b.constant(np.uint32(PARITY), np.uint32, kt.shape)], kt)


def _rounds(b: FunctionBuilder, k0, k1, x0, x1, rounds: int):
    """Emit the cipher unrolled on SSA values; returns ``(y0, y1)``."""
    t = b.ty_of(x0)
    consts = {}

    def const(v):
        if v not in consts:
            consts[v] = b.constant(np.uint32(v), np.uint32, t.shape)
        return consts[v]

    def op(name, a, c):
        return b.op(f"stablehlo.{name}", [a, c], t)

    ks = [_splat(b, k, t) for k in (k0, k1, _parity(b, k0, k1))]
    x0 = op("add", x0, ks[0])
    x1 = op("add", x1, ks[1])
    for r in range(rounds):
        rot = ROTATIONS[r % 8]
        x0 = op("add", x0, x1)
        x1 = op("or", op("shift_left", x1, const(rot)),
                op("shift_right_logical", x1, const(32 - rot)))
        x1 = op("xor", x0, x1)
        if (r + 1) % 4 == 0:
            i = (r + 1) // 4
            x0 = op("add", x0, ks[i % 3])
            x1 = op("add", op("add", x1, ks[(i + 1) % 3]), const(i))
    return [x0, x1]


def _rolled(b: FunctionBuilder, k0, k1, x0, x1, rounds: int):
    """The cipher as a ``stablehlo.while`` of ``rounds // 4`` steps of four rounds and a
    key injection (JAX's CPU lowering has the same loop).  The loop keeps XLA from
    fusing the 20 unrolled rounds into every consumer of the random bits: a program
    where one draw feeds 100 slices compiled in minutes unrolled, seconds rolled.
    Scalar key words stay scalars in the loop state (splat where they are added):
    counter-sized key words in the state cost XLA a copy of each per step, which made
    a 10M-element draw 3x slower than JAX."""
    t = b.ty_of(x0)
    u32, i32 = ty((), np.uint32), ty((), np.int32)

    def op(name, a, c, rt=t):
        return b.op(f"stablehlo.{name}", [a, c], rt)

    keys = [k0, k1, _parity(b, k0, k1)]
    if len({b.ty_of(k).shape for k in keys}) > 1:    # they rotate: one type for all
        keys = [_splat(b, k, t) for k in keys]
    x0, x1 = op("add", x0, _splat(b, k0, t)), op("add", x1, _splat(b, k1, t))
    # the two rotation groups as two u32[4] loop values (swapped each step), as JAX's
    # loop has them: eight scalars instead cost XLA a copy each per step, and the
    # larger loop state kept XLA's CPU compiler from running the loop as one call
    # (normal(key, (16,)) ran 1.6x JAX's time)
    u32x4 = ty((4,), np.uint32)
    rots = [dense_constant(b, np.array(ROTATIONS[:4], np.uint32)),
            dense_constant(b, np.array(ROTATIONS[4:], np.uint32))]
    init = [b.constant(0, np.int32), x0, x1, keys[1], keys[2], keys[0], *rots]
    ktypes = [b.ty_of(k) for k in (keys[1], keys[2], keys[0])]
    types = [i32, t, t, *ktypes, u32x4, u32x4]
    steps = rounds // 4

    def cond(i, *rest):
        return [b.op("stablehlo.compare", [i, b.constant(steps, np.int32)], ty((), np.bool_),
                     {"comparison_direction": "#stablehlo<comparison_direction LT>",
                      "compare_type": "#stablehlo<comparison_type SIGNED>"})]

    def rotation(group, j):
        one = b.op("stablehlo.slice", [group], ty((1,), np.uint32),
                   {"start_indices": f"array<i64: {j}>", "limit_indices": f"array<i64: {j + 1}>",
                    "strides": "array<i64: 1>"})
        return b.op("stablehlo.reshape", [one], u32)

    def body(i, x0, x1, ka, kb, kc, now, later):
        for j in range(4):
            r = rotation(now, j)
            x0 = op("add", x0, x1)
            left = _splat(b, r, t)
            right = _splat(b, op("subtract", b.constant(np.uint32(32), np.uint32), r, u32), t)
            x1 = op("or", op("shift_left", x1, left), op("shift_right_logical", x1, right))
            x1 = op("xor", x0, x1)
        i1 = op("add", i, b.constant(1, np.int32), i32)
        count = b.op("stablehlo.convert", [i1], u32)
        kb1 = b.op("stablehlo.add", [kb, _splat(b, count, b.ty_of(kb))], b.ty_of(kb))
        x0 = op("add", x0, _splat(b, ka, t))
        x1 = op("add", x1, _splat(b, kb1, t))
        return [i1, x0, x1, kb, kc, ka, later, now]

    regions = [b.region(types, cond), b.region(types, body)]
    outs = b.op("stablehlo.while", init, types, regions=regions)
    return outs[1:3]


# From this many cipher blocks up the rounds are emitted unrolled (see the docstring).
UNROLL_MIN_BLOCKS = 2 ** 20


def _emitter(rounds: int, blocks: int):
    """The emitter for a cipher of ``rounds`` over ``blocks`` counter pairs."""
    return _rolled if rounds % 4 == 0 and blocks < UNROLL_MIN_BLOCKS else _rounds


def _threefry_lowering(ctx, k0, k1, x0, x1, *, rounds):
    types = [ctx.ty_of(a) for a in (k0, k1, x0, x1)]
    t = types[2]
    key = ("threefry2x32", rounds, *(a.text for a in types))
    entry = ctx.functions.get(key)
    if entry is None:
        inner = FunctionBuilder()
        params = [inner.arg(f"%arg{i}", a) for i, a in enumerate(types)]
        outs = _emitter(rounds, int(np.prod(t.shape)))(inner, *params, rounds)
        fname = f"@threefry2x32_{len(ctx.functions)}"
        body = list(inner.lines)
        body.append(f'"func.return"({", ".join(outs)}) : ({t.text}, {t.text}) -> ()')
        sig = ", ".join(f"{p}: {a.text}" for p, a in zip(params, types))
        text = (f"  func.func private {fname}({sig}) -> ({t.text}, {t.text}) {{\n    "
                + "\n    ".join(body) + "\n  }\n")
        entry = ctx.functions[key] = (fname, text)
    return ctx.op("func.call", [k0, k1, x0, x1], [t, t], {"callee": entry[0]})


LOWERING_RULES = {threefry2x32_p: _threefry_lowering}
