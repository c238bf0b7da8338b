"""StableHLO as MLIR text: types, constants, a function builder, and jaxpr lowering.

plax writes StableHLO by string formatting, in MLIR's generic operation syntax
(``%3 = "stablehlo.add"(%1, %2) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>``),
which is uniform for every op; docs/design.md records it 10x faster to build than
jaxlib's MLIR bindings, and compilation dominates either way.

A lowering rule is ``rule(ctx, *operands, **params)``: ``ctx`` is the
``FunctionBuilder`` (with ``ctx.avals_in`` / ``ctx.avals_out`` set to the equation's
abstract values), each operand is the name of an SSA value (``"%3"``), and the rule
returns the name of its result (a list of names for a primitive with multiple
results).  Rules live in the registry's ``"lowering"`` table, so a primitive from
another package brings its own: ``registry.rules("lowering")[prim] = rule``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import ml_dtypes
import numpy as np

from plax_core import get_registry
from plax_core.caches import register_cache_clearer
from plax_core.jaxpr import ClosedJaxpr, Jaxpr, Literal

RULE_HINT = ("add one with registry.rules('lowering')[primitive] = rule in a "
             "plax_register_rules hook, where rule(ctx, *operands, **params) emits "
             "StableHLO text through ctx (see plax_xla.mlir)")

_ELEMENT_TYPES = {
    np.dtype(np.bool_): "i1",
    np.dtype(np.int8): "i8", np.dtype(np.int16): "i16",
    np.dtype(np.int32): "i32", np.dtype(np.int64): "i64",
    np.dtype(np.uint8): "ui8", np.dtype(np.uint16): "ui16",
    np.dtype(np.uint32): "ui32", np.dtype(np.uint64): "ui64",
    np.dtype(ml_dtypes.bfloat16): "bf16", np.dtype(np.float16): "f16",
    np.dtype(np.float32): "f32", np.dtype(np.float64): "f64",
    np.dtype(np.complex64): "complex<f32>", np.dtype(np.complex128): "complex<f64>",
}
_BITS_OF = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def lowering_rules():
    """The ``"lowering"`` rule table (primitive -> rule)."""
    return get_registry().rules("lowering")


def element_type(dtype) -> str:
    try:
        return _ELEMENT_TYPES[np.dtype(dtype)]
    except KeyError:
        raise TypeError(f"plax-xla cannot lower arrays of dtype {np.dtype(dtype)}") from None


class Ty:
    """The type of an SSA value: a shape, a dtype, and its MLIR spelling ``text``."""

    __slots__ = ("shape", "dtype", "text")

    def __init__(self, shape: tuple, dtype: np.dtype):
        self.shape = shape
        self.dtype = dtype
        dims = "".join(f"{d}x" for d in shape)
        self.text = f"tensor<{dims}{element_type(dtype)}>"

    ndim = property(lambda self: len(self.shape))

    def __repr__(self):
        return self.text


@functools.lru_cache(maxsize=8192)
def _ty(shape: tuple, dtype: np.dtype) -> Ty:
    return Ty(shape, dtype)


register_cache_clearer(_ty.cache_clear)


def ty(shape, dtype) -> Ty:
    """The (cached) ``Ty`` of arrays of ``shape`` and ``dtype``."""
    return _ty(tuple(int(d) for d in shape), np.dtype(dtype))


def aval_ty(aval) -> Ty:
    return _ty(aval.shape, aval.dtype)


def tensor_type(shape, dtype) -> str:
    """``tensor<2x3xf32>`` (``tensor<f32>`` for a scalar)."""
    return ty(shape, dtype).text


def i64_array(values: Sequence[int]) -> str:
    """A ``DenseI64ArrayAttr``: ``array<i64: 1, 2>``."""
    if not values:
        return "array<i64>"
    return "array<i64: " + ", ".join(str(int(v)) for v in values) + ">"


def scalar_literal(value, dtype) -> str:
    """One element in MLIR syntax; floats as exact hexadecimal bit patterns."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return "true" if bool(value) else "false"
    if dtype.kind in "iu":
        return str(int(value))
    if dtype.kind == "c":
        part = np.dtype(np.float32 if dtype.itemsize == 8 else np.float64)
        value = complex(value)
        return f"({scalar_literal(value.real, part)}, {scalar_literal(value.imag, part)})"
    bits = np.asarray(value, dtype).view(_BITS_OF[dtype.itemsize])
    return f"0x{int(bits):0{2 * dtype.itemsize}X}"


class FunctionBuilder:
    """Accumulates the body of one ``func.func`` in generic MLIR syntax.

    ``vals`` maps every SSA name to its ``Ty``; rules read operand shapes and dtypes
    from it (``ctx.ty_of(x)``) and pass result types as ``Ty`` objects.
    """

    def __init__(self):
        self._blocks: list[list[str]] = [[]]
        self._count = 0
        self.vals: dict[str, Ty] = {}
        self.avals_in: list = []
        self.avals_out: list = []
        # private functions of the module (outlined jit calls): key -> (name, text);
        # a builder for one of them shares its parent's dict
        self.functions: dict = {}

    @property
    def lines(self) -> list[str]:
        return self._blocks[-1]

    def _fresh(self) -> str:
        self._count += 1
        return f"%{self._count}"

    def arg(self, name: str, t: Ty) -> str:
        self.vals[name] = t
        return name

    def ty_of(self, x: str) -> Ty:
        return self.vals[x]

    def op(self, name: str, operands: Sequence[str], results, attrs: dict | None = None,
           regions: Sequence[str] = ()):
        """Emit one operation; returns its result name (a list for a list of results).

        ``results`` is a ``Ty`` (one result) or a list of them; ``attrs`` maps attribute
        names to their MLIR text; ``regions`` are texts made with ``region``.
        """
        single = isinstance(results, Ty)
        types = [results] if single else list(results)
        vals = self.vals
        in_types = ", ".join(vals[o].text for o in operands)
        attr_text = ""
        if attrs:
            attr_text = " {" + ", ".join(f"{k} = {v}" for k, v in attrs.items()) + "}"
        region_text = " (" + ", ".join(regions) + ")" if regions else ""
        call = f'"{name}"({", ".join(operands)}){region_text}{attr_text} : ({in_types}) -> '
        if not types:
            self.lines.append(call + "()")
            return []
        res = self._fresh()
        if len(types) == 1:
            self.lines.append(f"{res} = {call}{types[0].text}")
            vals[res] = types[0]
            return res if single else [res]
        sig = "(" + ", ".join(t.text for t in types) + ")"
        self.lines.append(f"{res}:{len(types)} = {call}{sig}")
        names = [f"{res}#{i}" for i in range(len(types))]
        vals.update(zip(names, types))
        return names

    def region(self, arg_types: Sequence[Ty], body: Callable[..., Sequence[str]]) -> str:
        """A one-block region: ``body(*block_args)`` emits ops and returns the results."""
        self._blocks.append([])
        args = []
        for t in arg_types:
            name = self._fresh()
            self.vals[name] = t
            args.append(name)
        results = body(*args)
        self.op("stablehlo.return", list(results), [])
        lines = self._blocks.pop()
        if args:
            lines.insert(0, "^bb0(" + ", ".join(f"{a}: {t.text}"
                                                 for a, t in zip(args, arg_types)) + "):")
        return "{\n" + "\n".join("  " + ln for ln in lines) + "\n}"

    def constant(self, value, dtype, shape: tuple = ()) -> str:
        """A constant of ``shape`` filled with the scalar ``value``."""
        t = ty(shape, dtype)
        text = f"dense<{scalar_literal(value, t.dtype)}> : {t.text}"
        return self.op("stablehlo.constant", [], t, {"value": text})


# ------------------------------------------------------------------ jaxprs

def lower_jaxpr(ctx: FunctionBuilder, jaxpr: Jaxpr, consts: Sequence[str],
                args: Sequence[str]) -> list[str]:
    """Emit ``jaxpr``'s equations; returns the names of its outputs."""
    saved = ctx.avals_in, ctx.avals_out
    env: dict = {}

    def read(v):
        if isinstance(v, Literal):
            return ctx.constant(v.val, v.aval.dtype)
        return env[v]

    env.update(zip(jaxpr.constvars, consts))
    env.update(zip(jaxpr.invars, args))
    rules = lowering_rules()
    for eqn in jaxpr.eqns:
        ins = [read(v) for v in eqn.invars]
        rule = rules[eqn.primitive]
        ctx.avals_in = [v.aval for v in eqn.invars]
        ctx.avals_out = [v.aval for v in eqn.outvars]
        outs = rule(ctx, *ins, **eqn.params)
        if not eqn.primitive.multiple_results:
            outs = [outs]
        env.update(zip(eqn.outvars, outs))
    ctx.avals_in, ctx.avals_out = saved
    return [read(v) for v in jaxpr.outvars]


def lower_closed_call(ctx: FunctionBuilder, closed, args: Sequence[str]) -> list[str]:
    """Inline a ``ClosedJaxpr`` (or ``Jaxpr``) param; its constants become constants."""
    if isinstance(closed, ClosedJaxpr):
        jaxpr, consts = closed.jaxpr, closed.consts
    else:
        jaxpr, consts = closed, []
    const_names = [dense_constant(ctx, c) for c in consts]
    return lower_jaxpr(ctx, jaxpr, const_names, args)


def dense_constant(ctx: FunctionBuilder, value) -> str:
    """An arbitrary host array as a constant (a splat, or raw little-endian bytes)."""
    value = np.ascontiguousarray(np.asarray(value))
    flat = value.reshape(-1)
    if value.ndim == 0 or (value.size and (flat == flat[0]).all()):
        return ctx.constant(flat[0] if value.size else 0, value.dtype, value.shape)
    if value.dtype == np.bool_:
        as_u8 = dense_constant(ctx, value.astype(np.uint8))
        zero = ctx.constant(0, np.uint8, value.shape)
        return ctx.op("stablehlo.compare", [as_u8, zero], ty(value.shape, np.bool_),
                      {"comparison_direction": "#stablehlo<comparison_direction NE>",
                       "compare_type": "#stablehlo<comparison_type UNSIGNED>"})
    t = ty(value.shape, value.dtype)
    data = value.astype(value.dtype.newbyteorder("<")).tobytes().hex().upper()
    return ctx.op("stablehlo.constant", [], t, {"value": f'dense<"0x{data}"> : {t.text}'})


def module_text(name: str, ctx: FunctionBuilder, arg_names: Sequence[str],
                arg_attrs: Sequence[str | None], results: Sequence[str]) -> str:
    """A complete module whose ``main`` takes ``arg_names`` and returns ``results``."""
    params = []
    for a, attr in zip(arg_names, arg_attrs):
        params.append(f"{a}: {ctx.vals[a].text}" + (f" {{{attr}}}" if attr else ""))
    out_types = [ctx.vals[r].text for r in results]
    body = list(ctx.lines)
    body.append(f'"func.return"({", ".join(results)}) : ({", ".join(out_types)}) -> ()')
    safe = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "main"
    functions = "".join(text for _, text in ctx.functions.values())
    return (f"module @{safe} attributes {{mhlo.num_partitions = 1 : i32, "
            f"mhlo.num_replicas = 1 : i32}} {{\n{functions}"
            f"  func.func public @main({', '.join(params)}) -> "
            f"({', '.join(out_types)}) {{\n    "
            + "\n    ".join(body) + "\n  }\n}\n")
