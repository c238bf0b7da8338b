"""``plax.export``: a jitted function as a serialisable artifact that runs without its source.

``export(jit(f))(*args)`` traces ``f`` for the arguments' shapes and dtypes (arrays,
Python scalars or ``ShapeDtypeStruct``s, in any pytree of tuples, lists, dicts and
None) and lowers it to one self-contained StableHLO module: the constants ``f``
closes over are written into the module, and ``main`` takes exactly the flattened
non-static arguments.  The result is an ``Exported`` with JAX's main attributes
(``fun_name``, ``in_tree``, ``in_avals``, ``out_tree``, ``out_avals``,
``platforms``, ``mlir_module()``); ``serialize()`` gives bytes, ``deserialize``
reads them back in any process, and ``Exported.call(*args)`` checks the arguments'
structure, shapes and dtypes (``ValueError``, as JAX) and runs the module.

``call`` works eagerly and under ``jit`` (and ``make_jaxpr``): there it binds
``call_exported_p``, whose lowering copies the module's functions into the
enclosing program (``main`` becomes a private function) and calls it, so XLA
compiles it together with the rest.  Like JAX without shape polymorphism, ``vmap``
of a call is refused (no batching rule: ``NotImplementedError``); unlike JAX,
``grad`` is too (plax does not serialize VJPs).  Programs with host callbacks
(``debug.print``, ``pure_callback``) cannot be exported: their Python functions do
not travel (``NotImplementedError``, as JAX).

Serialized format, version 1 (``FORMAT_VERSION``; a later plax reads older versions
or refuses them with a ``ValueError`` naming both)::

    8 bytes   magic b"PLAXEXP\\0"
    4 bytes   format version, little-endian uint32
    8 bytes   length N of the header, little-endian uint64
    N bytes   header: UTF-8 JSON with fun_name, platforms, in_tree, out_tree,
              in_avals and out_avals ([shape, dtype name, weak_type]), the jaxlib
              version that wrote it and the SHA-256 of the module
    rest      the module: StableHLO text (generic MLIR syntax, as plax writes it)

Trees are stored as nested JSON (``["leaf"]``, ``["none"]``, ``["tuple", [...]]``,
``["list", [...]]``, ``["dict", [[key, child], ...]]`` with str or int keys): only
these standard containers serialize; a namedtuple, a dataclass or a custom pytree
node raises ``ValueError`` at ``serialize()`` (JAX needs
``register_pytree_node_serialization`` for them; plax has none).  The module is
StableHLO text, not a versioned portable artifact: it is read by the jaxlib that
plax-xla pins, and the header records which jaxlib wrote it.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
from collections.abc import Sequence

import ml_dtypes
import numpy as np

from plax_core import core, tree_util
from plax_core.backend import get_backend
from plax_core.core import Primitive, ShapedArray, ShapeDtypeStruct

from . import client
from .backend import XlaBackend
from .callbacks import has_callbacks
from .devices import backend_for
from .executable import Executable
from .jit import JitFunction
from .mlir import FunctionBuilder, aval_ty, lower_closed_call, module_text

__all__ = ["Exported", "export", "deserialize", "default_export_platform",
           "call_exported_p", "FORMAT_VERSION"]

FORMAT_VERSION = 1
_MAGIC = b"PLAXEXP\0"
_PREFIX = struct.Struct("<8sIQ")
# plax's platform names -> JAX's (what ``Exported.platforms`` holds)
_JAX_PLATFORM = {"cpu": "cpu", "gpu": "cuda", "cuda": "cuda"}


def default_export_platform() -> str:
    """The platform ``export`` targets by default: the default backend's (JAX's name)."""
    return _JAX_PLATFORM[_xla_backend().platform]


def _xla_backend() -> XlaBackend:
    backend = get_backend()
    if isinstance(backend, XlaBackend):
        return backend
    return backend_for("cpu")                  # PLAX_PLATFORMS=numpy: run on the CPU


def _aval(x) -> ShapedArray:
    """The abstract value of an argument of ``export(...)(...)`` or ``Exported.call``."""
    if isinstance(x, ShapeDtypeStruct):
        return ShapedArray(x.shape, x.dtype, x.weak_type)
    if isinstance(x, core.Tracer):
        return x.aval
    return core.get_aval(x)


class Exported:
    """A function lowered for one argument signature, ready to serialize and call.

    Attributes as JAX's ``jax.export.Exported``: ``fun_name``, ``in_tree`` (of
    ``(args, kwargs)``), ``in_avals``, ``out_tree``, ``out_avals``, ``platforms``,
    ``calling_convention_version`` (plax's ``FORMAT_VERSION``), ``nr_devices``.
    """

    nr_devices = 1
    ordered_effects = ()
    unordered_effects = ()
    calling_convention_version = FORMAT_VERSION

    def __init__(self, fun_name: str, in_tree, in_avals, out_tree, out_avals,
                 platforms: Sequence[str], module: str):
        self.fun_name = fun_name
        self.in_tree = in_tree
        self.in_avals = tuple(in_avals)
        self.out_tree = out_tree
        self.out_avals = tuple(out_avals)
        self.platforms = tuple(platforms)
        self._module = module
        self._executables: dict = {}

    def __repr__(self):
        ins = ", ".join(a.str_short() for a in self.in_avals)
        outs = ", ".join(a.str_short() for a in self.out_avals)
        return f"Exported({self.fun_name}: ({ins}) -> ({outs}) on {self.platforms})"

    def mlir_module(self) -> str:
        """The StableHLO module (MLIR text) that ``call`` runs."""
        return self._module

    @property
    def mlir_module_serialized(self) -> bytes:
        """The StableHLO module as bytes (its text, UTF-8 encoded)."""
        return self._module.encode()

    # ------------------------------------------------------------------ calling

    def call(self, *args, **kwargs):
        """Run the exported function on ``args`` (checked against ``in_tree`` and
        ``in_avals``); eagerly, or staged into an enclosing ``jit``."""
        flat = self._check_call(args, kwargs)
        backend = _xla_backend()
        self._check_platform(backend)
        if len(core.trace_stack()) > 1:
            outs = call_exported_p.bind(*flat, exported=self)
        else:
            outs = self._executable(backend).call_flat([backend.buffer(x)[0]
                                                        for x in flat])
        return tree_util.tree_unflatten(self.out_tree, outs)

    def _executable(self, backend) -> Executable:
        exe = self._executables.get(backend)
        if exe is None:
            exe = self._executables[backend] = Executable(
                backend, self._module, [], self.in_avals, self.out_avals, self.out_tree)
        return exe

    def _check_platform(self, backend) -> None:
        platform = _JAX_PLATFORM[backend.platform]
        if platform not in self.platforms:
            raise ValueError(f"Function '{self.fun_name}' was exported for platforms "
                             f"{self.platforms} but it is used on ('{platform}',). "
                             f"Export it again with platforms=['{platform}'].")

    def _check_call(self, args, kwargs) -> list:
        """The flat arguments, after JAX's checks (all ``ValueError``s)."""
        leaves, tree = tree_util.tree_flatten_with_path((args, kwargs))
        if tree != self.in_tree:
            raise ValueError(
                f"The invocation args and kwargs must have the same pytree structure as "
                f"when the function '{self.fun_name}' was exported, but they have the "
                f"following structural differences: called with (args, kwargs) of "
                f"structure {tree}, exported for {self.in_tree}.")
        flat = []
        for (path, x), want in zip(leaves, self.in_avals):
            got = _aval(x)
            where = _arg_name(path)
            if got.ndim != want.ndim:
                raise ValueError(f"Rank mismatch for {where}: expected {want.shape} and "
                                 f"called with {got.shape} (exported function "
                                 f"'{self.fun_name}' takes {want.str_short()} there).")
            for d, (g, w) in enumerate(zip(got.shape, want.shape)):
                if g != w:
                    raise ValueError(
                        f"Shape mismatch for {where}.shape[{d}] (expected same "
                        f"constant): expected {want.shape} and called with {got.shape} "
                        f"(exported function '{self.fun_name}' takes "
                        f"{want.str_short()} there; export it again for other shapes).")
            if got.dtype != want.dtype:
                raise ValueError(f"Dtype mismatch for {where}: expected {want.dtype} and "
                                 f"called with {got.dtype} (exported function "
                                 f"'{self.fun_name}' takes {want.str_short()} there; "
                                 f"cast the argument with .astype({want.dtype.name})).")
            flat.append(x)
        return flat

    # ------------------------------------------------------------------ bytes

    def serialize(self, vjp_order: int = 0) -> bytearray:
        """The artifact as bytes (format in the module docstring)."""
        if vjp_order:
            raise NotImplementedError(f"Exported.serialize: vjp_order={vjp_order}; plax "
                                      f"does not serialize VJPs of exported functions. "
                                      f"Pass vjp_order=0.")
        header = {
            "fun_name": self.fun_name,
            "platforms": list(self.platforms),
            "in_tree": _encode_tree(self.in_tree, self.fun_name, "input"),
            "out_tree": _encode_tree(self.out_tree, self.fun_name, "output"),
            "in_avals": [_encode_aval(a) for a in self.in_avals],
            "out_avals": [_encode_aval(a) for a in self.out_avals],
            "jaxlib_version": client.JAXLIB_VERSION,
            "module_sha256": hashlib.sha256(self._module.encode()).hexdigest(),
        }
        head = json.dumps(header, sort_keys=True).encode()
        return bytearray(_PREFIX.pack(_MAGIC, FORMAT_VERSION, len(head)) + head
                         + self._module.encode())


def deserialize(blob: bytes | bytearray) -> Exported:
    """The ``Exported`` that ``serialize`` wrote into ``blob``."""
    blob = bytes(blob)
    if len(blob) < _PREFIX.size or blob[:8] != _MAGIC:
        raise ValueError(f"deserialize: the {len(blob)} bytes given are not a plax export "
                         f"artifact (it starts with {_MAGIC!r}; write one with "
                         f"plax.export.export(jit(f))(*args).serialize()).")
    _, version, n = _PREFIX.unpack_from(blob)
    if version != FORMAT_VERSION:
        raise ValueError(f"deserialize: the artifact has format version {version}; this "
                         f"plax reads version {FORMAT_VERSION}. Export it again with this "
                         f"plax.")
    try:
        header = json.loads(blob[_PREFIX.size:_PREFIX.size + n].decode())
        module = blob[_PREFIX.size + n:].decode()
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"deserialize: the artifact's header is corrupt ({e})") from None
    if hashlib.sha256(module.encode()).hexdigest() != header["module_sha256"]:
        raise ValueError(f"deserialize: the module of exported function "
                         f"'{header['fun_name']}' is truncated or corrupt (its SHA-256 "
                         f"does not match the header's).")
    return Exported(header["fun_name"], _decode_tree(header["in_tree"]),
                    [_decode_aval(a) for a in header["in_avals"]],
                    _decode_tree(header["out_tree"]),
                    [_decode_aval(a) for a in header["out_avals"]],
                    header["platforms"], module)


# ------------------------------------------------------------------ exporting

def export(fun_jit, *, platforms: Sequence[str] | None = None,
           disabled_checks: Sequence = ()):
    """``export(jit(f))(*args, **kwargs)``: ``f`` lowered for the arguments' shapes
    and dtypes as an ``Exported`` (arrays, scalars or ``ShapeDtypeStruct`` objects)."""
    if not isinstance(fun_jit, JitFunction):
        raise ValueError(f"Function to be exported must be the result of `jit` but is: "
                         f"{fun_jit!r}. Export plax.jit(f) instead of f.")
    if platforms is None:
        targets = (default_export_platform(),)
    else:
        unknown = [p for p in platforms if p not in _JAX_PLATFORM]
        if unknown:
            raise ValueError(f"export: unknown platforms {unknown}; plax exports for "
                             f"'cpu' and 'cuda'.")
        targets = tuple(dict.fromkeys(_JAX_PLATFORM[p] for p in platforms))

    def do_export(*args, **kwargs) -> Exported:
        static_pos, _, dyn_args, dyn_kwargs, _ = fun_jit._split(args, kwargs)
        flat, in_tree = tree_util.tree_flatten((dyn_args, dyn_kwargs))
        avals = [_aval(x) for x in flat]
        closed, out_tree = fun_jit._trace(args, kwargs, in_tree, avals, static_pos)
        if any(isinstance(c, core.Tracer) for c in closed.consts):
            raise ValueError(f"export: function '{fun_jit._name}' closes over values "
                             f"being traced by an outer transformation; export it "
                             f"outside of other transformations.")
        ctx = FunctionBuilder()
        params = [ctx.arg(f"%arg{i}", aval_ty(a)) for i, a in enumerate(avals)]
        outs = lower_closed_call(ctx, closed, params)
        text = module_text(f"jit_{fun_jit._name}", ctx, params, [None] * len(params),
                           outs)
        if has_callbacks(text):
            raise NotImplementedError(
                f"export: function '{fun_jit._name}' uses host callbacks (debug.print, "
                f"debug.callback, pure_callback or io_callback): serialization of "
                f"host_callbacks is not implemented, as in JAX; their Python functions "
                f"cannot travel. Remove the callbacks from the exported function.")
        return Exported(fun_jit._name, in_tree, avals, out_tree, closed.out_avals,
                        targets, text)

    return do_export


def _arg_name(path) -> str:
    """``args[0]['w']`` / ``kwargs['k']`` for a path into ``(args, kwargs)``."""
    head, rest = path[0], path[1:]
    return ("args" if head.idx == 0 else "kwargs") + tree_util.keystr(rest)


# ------------------------------------------------------------------ staged calls

call_exported_p = Primitive("call_exported", multiple_results=True, family="higher_order")


@call_exported_p.def_abstract_eval
def _call_exported_abstract_eval(*avals, exported):
    return list(exported.out_avals)


_FUNC = re.compile(r"^  func\.func (public|private) @([\w$.]+)\(", re.M)


def lower_call_exported(ctx, *args, exported):
    """``func.call`` of the exported module's ``main``, its functions copied into
    the enclosing module (once per exported function) under fresh names."""
    key = ("call_exported", id(exported))
    entry = ctx.functions.get(key)
    if entry is None:
        text = exported.mlir_module()
        body = text[text.index("{\n", text.index("attributes")) + 2:text.rindex("}")]
        # a "." never occurs in jit's outlined names, so these cannot collide
        prefix = f"exported{len(ctx.functions)}."
        names = [m.group(2) for m in _FUNC.finditer(body)]
        for name in names:
            body = re.sub(rf"@{re.escape(name)}\b", f"@{prefix}{name}", body)
        body = body.replace(f"func.func public @{prefix}main(",
                            f"func.func private @{prefix}main(")
        entry = ctx.functions[key] = (f"@{prefix}main", body)
    return ctx.op("func.call", list(args), [aval_ty(a) for a in ctx.avals_out],
                  {"callee": entry[0]})


# ------------------------------------------------------------------ trees and avals

def _encode_tree(treedef, fun_name: str, which: str):
    leaf = object()
    return _encode_node(tree_util.tree_unflatten(treedef, [leaf] * treedef.num_leaves),
                        leaf, fun_name, which)


def _encode_node(x, leaf, fun_name, which):
    if x is leaf:
        return ["leaf"]
    if x is None:
        return ["none"]
    if type(x) in (tuple, list):
        return [type(x).__name__, [_encode_node(c, leaf, fun_name, which) for c in x]]
    if type(x) is dict and all(type(k) in (str, int) for k in x):
        return ["dict", [[k, _encode_node(c, leaf, fun_name, which)]
                         for k, c in x.items()]]
    raise ValueError(f"Exported.serialize: the {which} tree of '{fun_name}' holds a node "
                     f"of type {type(x).__name__}; plax serializes pytrees of tuples, "
                     f"lists, dicts (str or int keys) and None only. Convert it to one "
                     f"of those (a namedtuple to a tuple, a dataclass to a dict).")


def _decode_tree(node):
    def build(n):
        kind = n[0]
        if kind == "leaf":
            return 0
        if kind == "none":
            return None
        if kind == "tuple":
            return tuple(build(c) for c in n[1])
        if kind == "list":
            return [build(c) for c in n[1]]
        if kind == "dict":
            return {k: build(c) for k, c in n[1]}
        raise ValueError(f"deserialize: unknown tree node {kind!r} in the artifact")
    return tree_util.tree_structure(build(node))


def _encode_aval(a) -> list:
    return [list(a.shape), np.dtype(a.dtype).name, bool(a.weak_type)]


def _decode_aval(a) -> ShapedArray:
    shape, name, weak = a
    try:
        dtype = np.dtype(name)
    except TypeError:
        dtype = np.dtype(getattr(ml_dtypes, name))
    return ShapedArray(tuple(shape), dtype, weak)
