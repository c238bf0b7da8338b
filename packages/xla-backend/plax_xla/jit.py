"""``jit``: trace a function once per argument signature, compile it with XLA, cache it.

``jit(f)(*args)`` flattens the arguments, looks up (argument tree, abstract values
with weak types, static argument values, ``config.trace_context()``) in the
function's cache, and on a miss traces ``f`` to a jaxpr, lowers it to StableHLO and
compiles it (the compile itself is cached by module text, so a retrace that yields
the same program does not compile again).  Calls with only ``Array`` positional
arguments take a shorter path keyed on their avals alone.

Under another transformation (``grad(jit(f))``, ``vmap(jit(f))``, a ``jit`` nested
in a ``jit`` being traced, ``make_jaxpr``), ``jit`` binds core's call primitive
``jit_p`` with ``f``'s jaxpr (``jit[name=f jaxpr={...}]``, as JAX 0.10.2 prints it):
that jaxpr is traced once per argument signature and cached like an executable, the
outer transformation transforms it as a unit (the generic rules of higher-order
primitives), and the outermost ``jit`` compiles everything at once, inlining the
calls.  Values ``f`` closes over that are tracers of an outer transformation become
leading operands of the call (such a trace is not cached).  A ``jit_p`` equation
evaluated eagerly (``vmap(jit(f))(x)`` binds a batched call) compiles its jaxpr
(``call_compiled``).  When the default backend is not an XLA one
(``PLAX_PLATFORMS=numpy``), a top-level ``jit`` call just calls ``f``.

Both caches of a jitted function are thread-safe LRUs of ``executable_cache_size``
entries; threads that miss on the same key trace and compile it once, and
``plax.clear_caches()`` empties every function's caches.
"""

from __future__ import annotations

import functools
import inspect
import operator
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from plax_core import core, dtypes, errors, tree_util
from plax_core.array import Array
from plax_core.backend import get_backend
from plax_core.caches import LRUCache
from plax_core.config import config, executable_cache_size
from plax_core.config import disable_jit as _disable_jit
from plax_core.core import ShapedArray, ShapeDtypeStruct
from plax_core.jaxpr import ClosedJaxpr, Jaxpr, JaxprEqn, Var, flatten_fun, trace_to_jaxpr
from plax_core.lax import jit_p
from plax_core.util import is_hashable

from .backend import XlaBackend
from .errors import explain_concretization_error
from .executable import Executable, lower_module
from .sharded import ShardedValue

_PY_SCALARS = (bool, int, float, complex)
_EMPTY = frozenset()


def jit(fun: Callable | None = None, /, *, in_shardings=None, out_shardings=None,
        static_argnums: int | Iterable[int] | None = None,
        static_argnames: str | Iterable[str] | None = None,
        donate_argnums: int | Iterable[int] | None = None,
        donate_argnames: str | Iterable[str] | None = None,
        keep_unused: bool = False, device=None, backend: str | None = None,
        inline: bool = False):
    """``fun`` compiled with XLA on first call for each argument shape and dtype.

    Like ``jax.jit``: ``static_argnums``/``static_argnames`` arguments are passed as
    Python values (hashed into the cache key; a new value retraces), other arguments
    are traced as arrays (Python scalars as weakly typed ones), and
    ``donate_argnums``/``donate_argnames`` arguments' buffers may be reused for the
    outputs (the donated arrays are deleted).  Usable as a decorator, with or without
    arguments, and on methods.
    """
    if fun is None:
        return functools.partial(jit, in_shardings=in_shardings, out_shardings=out_shardings,
                                 static_argnums=static_argnums,
                                 static_argnames=static_argnames,
                                 donate_argnums=donate_argnums,
                                 donate_argnames=donate_argnames, keep_unused=keep_unused,
                                 device=device, backend=backend, inline=inline)
    if not callable(fun):
        raise TypeError(f"jit: fun must be callable, got {fun!r} of type "
                        f"{type(fun).__name__}")
    if in_shardings is not None or out_shardings is not None:
        from .spmd import sharded_jit  # one SPMD program over a mesh's devices
        return sharded_jit(fun, in_shardings, out_shardings,
                           _ints("static_argnums", static_argnums),
                           _names("static_argnames", static_argnames))
    return JitFunction(fun, static_argnums, static_argnames, donate_argnums,
                       donate_argnames, device, backend)


def _ints(name: str, value) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, (int, np.integer)):
        return (operator.index(value),)
    try:
        return tuple(operator.index(v) for v in value)
    except TypeError:
        raise TypeError(f"jit: {name} must be an int or a sequence of ints, got "
                        f"{value!r}") from None


def _names(name: str, value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    try:
        names = tuple(value)
    except TypeError:
        names = None
    if names is None or not all(isinstance(n, str) for n in names):
        raise TypeError(f"jit: {name} must be a str or a sequence of str, got {value!r}")
    return names


def _check_argnums(fun_name: str, what: str, nums: tuple[int, ...], params) -> None:
    """JAX's check at ``jit`` time: every index names a positional parameter
    (negative ones counted from the end) unless ``fun`` takes ``*args``."""
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return
    n = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
    if any(not -n <= i < n for i in nums):
        names = ", ".join(p.name for p in params
                          if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
        raise ValueError(f"Jitted function {fun_name} has {what}={nums}, but only accepts "
                         f"{n} positional arguments ({names}). Valid indices are "
                         f"{-n} to {n - 1}.")


def _check_argnames(fun_name: str, what: str, names: tuple[str, ...], params) -> None:
    """JAX's check at ``jit`` time: every name is a parameter that can be passed by
    keyword, unless ``fun`` takes ``**kwargs``."""
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return
    by_name = {p.name: p for p in params}
    positional_only = sorted({n for n in names if n in by_name
                              and by_name[n].kind is by_name[n].POSITIONAL_ONLY})
    if positional_only:
        raise ValueError(f"Jitted function {fun_name} has invalid argnames "
                         f"{positional_only} in {what}. These are positional-only: "
                         f"use {what.replace('names', 'nums')} instead.")
    unknown = sorted({n for n in names if n not in by_name
                      or by_name[n].kind is by_name[n].VAR_POSITIONAL})
    if unknown:
        takes = ", ".join(p.name for p in params if p.kind in (
            p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)) or "none"
        raise ValueError(f"Jitted function {fun_name} has invalid argnames {unknown} in "
                         f"{what}. Function does not take these args (its keyword "
                         f"arguments: {takes}).")


class JitFunction:
    """The callable ``jit`` returns: a cache of compiled programs for ``fun``."""

    def __init__(self, fun, static_argnums, static_argnames, donate_argnums,
                 donate_argnames, device=None, backend=None):
        functools.update_wrapper(self, fun)
        self._fun = fun
        self._name = _fun_name(fun)
        try:
            self._signature = inspect.signature(fun)
        except (TypeError, ValueError):
            self._signature = None
        params = list(self._signature.parameters.values()) if self._signature else []
        positional = [p.name for p in params
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        argnums = {"static_argnums": _ints("static_argnums", static_argnums),
                   "donate_argnums": _ints("donate_argnums", donate_argnums)}
        argnames = {"static_argnames": _names("static_argnames", static_argnames),
                    "donate_argnames": _names("donate_argnames", donate_argnames)}
        if self._signature is not None:     # (JAX checks whenever it can inspect fun)
            for what, nums in argnums.items():
                _check_argnums(self._name, what, nums, params)
            for what, names in argnames.items():
                _check_argnames(self._name, what, names, params)
        elif argnames["donate_argnames"]:
            raise ValueError(f"Getting the signature of function {fun!r} failed, so jit "
                             f"cannot tell which positions donate_argnames "
                             f"{list(argnames['donate_argnames'])} name. Pass "
                             f"donate_argnums instead of donate_argnames.")
        static_nums, donate_nums = map(set, argnums.values())
        static_names, donate_names = map(set, argnames.values())
        # Each set of positions also holds the positions of the named parameters, and
        # each set of names the names of the non-negative numbered ones (as JAX infers
        # them: a negative index is resolved per call, and only positionally).
        for nums, names in ((static_nums, static_names), (donate_nums, donate_names)):
            nums.update(i for i, n in enumerate(positional) if n in names)
            names.update(positional[i] for i in list(nums) if 0 <= i < len(positional))
        both = static_names & donate_names
        if both:
            raise ValueError(f"Jitted function {self._name}: static_argnames and "
                             f"donate_argnames cannot intersect. Argument names "
                             f"{sorted(both)} appear in both (after adding the names of "
                             f"static_argnums and donate_argnums); a static argument "
                             f"has no buffer to donate.")
        self._static_nums = frozenset(static_nums)
        self._static_names = frozenset(static_names)
        self._donate_nums = frozenset(donate_nums)
        self._donate_names = frozenset(donate_names)
        self._simple = not (static_nums or static_names or donate_nums or donate_names)
        self._device = device
        self._backend_name = backend
        self._cache = LRUCache(executable_cache_size)
        # flat (shape, dtype, weak_type)s -> (config.trace_context(), Executable), for
        # calls with only Array positional arguments; an entry made under another
        # configuration is ignored (and replaced by the slow path).
        self._fast = LRUCache(executable_cache_size)
        # the same keys as _cache -> (ClosedJaxpr, out_tree): f traced once per signature,
        # for the executables and for the jit_p calls staged under other traces.
        self._jaxprs = LRUCache(executable_cache_size)

    def __repr__(self):
        return f"<jitted function {self._name}>"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return functools.partial(self, instance)

    # ------------------------------------------------------------------ calling

    def _backend(self):
        if self._backend_name is not None:
            from .devices import backend_for
            return backend_for(self._backend_name)
        if self._device is not None:
            from .devices import backend_for
            return backend_for(self._device.platform)
        return get_backend()

    def __call__(self, *args, **kwargs):
        if _disable_jit.value:
            return self._fun(*args, **kwargs)
        if len(core.trace_stack()) > 1:
            return self._stage(args, kwargs)           # a jit_p call (see module doc)
        backend = self._backend()
        if not isinstance(backend, XlaBackend):
            return self._fun(*args, **kwargs)
        if self._simple and not kwargs:
            bufs, sig = [], []
            if _fast_flatten(args, backend, bufs, sig):
                hit = self._fast.get(tuple(sig))
                if hit is not None and hit[0] is config.trace_context():
                    try:
                        return hit[1].call(bufs)
                    except FloatingPointError as e:     # debug_nans: find the op
                        from .debug_nans import rerun_op_by_op
                        rerun_op_by_op(self, args, kwargs, e)
        exe, flat = self._executable(backend, args, kwargs)
        bufs = [backend.buffer(x)[0] for x in flat]
        try:
            return exe.call(bufs)
        except FloatingPointError as e:                 # debug_nans: find the op
            from .debug_nans import rerun_op_by_op
            rerun_op_by_op(self, args, kwargs, e)

    def _stage(self, args, kwargs):
        """``jit_p`` bound on the arguments (tracers of an outer transformation)."""
        (key, flat, in_tree, avals, statics, dyn_args, dyn_kwargs, static_pos,
         donated) = self._key(args, kwargs)
        closed, out_tree, leading = self._traced(key, args, kwargs, in_tree, avals,
                                                 static_pos)
        outs = jit_p.bind(*leading, *flat, name=self._name, jaxpr=closed)
        return tree_util.tree_unflatten(out_tree, outs)

    def _traced(self, key, args, kwargs, in_tree, avals, static_pos):
        """``(ClosedJaxpr, out_tree, leading operands)`` of ``fun`` at this signature,
        traced once and cached unless it closes over tracers (they become leading
        inputs of the jaxpr, and the leading operands)."""
        hit = self._jaxprs.get(key)
        if hit is not None:
            return (*hit, ())
        closed, out_tree = self._trace(args, kwargs, in_tree, avals, static_pos)
        lifted = [isinstance(c, core.Tracer) for c in closed.consts]
        if not any(lifted):
            self._jaxprs.put(key, (closed, out_tree))
            return closed, out_tree, ()
        jaxpr, consts = closed.jaxpr, closed.consts
        moved = [v for v, t in zip(jaxpr.constvars, lifted) if t]
        new = Jaxpr([v for v, t in zip(jaxpr.constvars, lifted) if not t],
                    moved + list(jaxpr.invars), jaxpr.outvars, jaxpr.eqns)
        return (ClosedJaxpr(new, [c for c, t in zip(consts, lifted) if not t]), out_tree,
                [c for c, t in zip(consts, lifted) if t])

    def _split(self, args, kwargs):
        """(static values, dynamic positional args, dynamic kwargs, donated positions)."""
        if self._simple:
            return _EMPTY, (), args, kwargs, _EMPTY
        n = len(args)
        static_pos = {i % n for i in self._static_nums if -n <= i < n}
        statics = tuple((i, args[i]) for i in sorted(static_pos))
        statics += tuple(sorted((k, v) for k, v in kwargs.items()
                                if k in self._static_names))
        dyn_args = tuple(a for i, a in enumerate(args) if i not in static_pos)
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in self._static_names}
        donated = {i % n for i in self._donate_nums if -n <= i < n}
        return static_pos, statics, dyn_args, dyn_kwargs, donated

    def _key(self, args, kwargs, abstract: bool = False):
        """The cache key of a call and its parts; ``abstract`` (``lower``, ``trace``,
        ``eval_shape``) also accepts ``ShapeDtypeStruct`` arguments, as JAX does."""
        static_pos, statics, dyn_args, dyn_kwargs, donated = self._split(args, kwargs)
        try:
            hash(statics)
        except TypeError as e:
            culprit = next((s for s in statics if not is_hashable(s[1])), statics[0])
            raise ValueError(
                f"Non-hashable static arguments are not supported. jit-compiled function "
                f"{self._name} got static argument {_describe_arg(culprit[0])} of type "
                f"{type(culprit[1]).__name__}: {culprit[1]!r} ({e}). Static arguments are "
                f"cache keys: pass a hashable value (a tuple instead of a list), or make "
                f"the argument dynamic (drop it from static_argnums/static_argnames).") from None
        flat, in_tree = tree_util.tree_flatten((dyn_args, dyn_kwargs))
        avals = tuple(map(self._abstract_aval if abstract else self._arg_aval, flat))
        # (shape, dtype, weak_type) tuples hash and compare in C, ShapedArrays in Python
        flat_avals = tuple(x for a in avals for x in (a.shape, a.dtype, a.weak_type))
        key = (in_tree, flat_avals, statics, config.trace_context())
        return key, flat, in_tree, avals, statics, dyn_args, dyn_kwargs, static_pos, donated

    def _abstract_aval(self, x) -> ShapedArray:
        if isinstance(x, ShapeDtypeStruct):
            return ShapedArray(x.shape, x.dtype, x.weak_type)
        return self._arg_aval(x)

    def _arg_aval(self, x) -> ShapedArray:
        if type(x) is Array:
            return x._aval
        if isinstance(x, _PY_SCALARS) or isinstance(x, (np.ndarray, np.generic)):
            value, weak = dtypes.coerce_to_array(x)
            return ShapedArray(value.shape, value.dtype, weak)
        aval = getattr(x, "aval", None)
        if isinstance(aval, ShapedArray):
            return aval
        if hasattr(x, "__array__") and not isinstance(x, (str, bytes)):
            value, weak = dtypes.coerce_to_array(x)
            return ShapedArray(value.shape, value.dtype, weak)
        raise TypeError(f"Argument of type {type(x).__name__} ({x!r}) passed to "
                        f"jit-compiled function {self._name} is not a valid plax array "
                        f"type. Pass arrays, Python scalars or pytrees of them, or mark "
                        f"the argument static with static_argnums/static_argnames.")

    def _executable(self, backend, args, kwargs):
        (key, flat, in_tree, avals, statics, dyn_args, dyn_kwargs, static_pos,
         donated) = self._key(args, kwargs)
        exe = self._cache.get_or_create(key, lambda: self._compile(
            backend, key, args, kwargs, in_tree, avals, static_pos, donated))
        if self._simple and not kwargs:
            sig = []
            if _fast_flatten(args, backend, [], sig):
                self._fast.put(tuple(sig), (key[3], exe))
        return exe, flat

    # ------------------------------------------------------------------ tracing

    def _trace(self, args, kwargs, in_tree, avals, static_pos):
        """The ClosedJaxpr of ``fun`` at ``avals`` and its output tree."""
        def with_static(*dyn, **kw):
            it = iter(dyn)
            full = [args[i] if i in static_pos else next(it) for i in range(len(args))]
            kw = {**kw, **{k: v for k, v in kwargs.items() if k in self._static_names}}
            out = self._fun(*full, **kw)
            self._check_output(out)
            return out

        flat_fun, store = flatten_fun(with_static, in_tree)
        try:
            jaxpr, consts = trace_to_jaxpr(flat_fun, avals)
        except (core.ConcretizationTypeError, errors.TracerArrayConversionError,
                errors.TracerIntegerConversionError) as e:
            raise explain_concretization_error(e, self._fun, "jit", self._arg_names(
                args, kwargs, static_pos, in_tree)) from None
        return ClosedJaxpr(jaxpr, consts), store["out_tree"]

    def _check_output(self, out) -> None:
        """JAX's TypeError for a non-array output, naming the user's function, where
        it is defined, and the output's path (``['b']``, ``[1][2]``)."""
        for path, leaf in tree_util.tree_flatten_with_path(out)[0]:
            if not core.is_array_like(leaf):
                where = f" at output component {tree_util.keystr(path)}" if path else ""
                raise TypeError(
                    f"function {_fun_location(self._fun)} traced for jit returned a value "
                    f"of type {type(leaf).__name__}{where}, which is not a valid plax "
                    f"type: a jit-compiled function must return arrays, Python scalars or "
                    f"pytrees of them. Return other values from outside the jit-compiled "
                    f"function.")

    def _arg_names(self, args, kwargs, static_pos, in_tree) -> list[str]:
        """A readable name for each flat argument (``x``, ``params['w']``...)."""
        names = []
        params = list(self._signature.parameters) if self._signature else []
        for i, a in enumerate(args):
            if i in static_pos:
                continue
            base = params[i] if i < len(params) and not _is_varargs(self._signature, i) \
                else f"args[{i}]"
            for path, _ in tree_util.tree_flatten_with_path(a)[0]:
                names.append(base + tree_util.keystr(path))
        for k, v in sorted(kwargs.items()):
            if k in self._static_names:
                continue
            for path, _ in tree_util.tree_flatten_with_path(v)[0]:
                names.append(k + tree_util.keystr(path))
        return names

    def _compile(self, backend, key, args, kwargs, in_tree, avals, static_pos, donated):
        if config.read("log_compiles") or config.read("explain_cache_misses"):
            from .compile_log import log_miss
            log_miss(self, key, self._arg_names(args, kwargs, static_pos, in_tree), avals)
        closed, out_tree, _ = self._traced(key, args, kwargs, in_tree, avals, static_pos)
        flags = self._donated_flags(args, kwargs, static_pos, donated)
        jaxpr, consts = hoist_call_consts(closed.jaxpr, closed.consts)
        text = lower_module(self._name, jaxpr, consts, flags)
        return Executable(backend, text, consts, avals, closed.out_avals, out_tree,
                          any(flags))

    def _donated_flags(self, args, kwargs, static_pos, donated) -> list[bool]:
        flags = []
        for i, a in enumerate(args):
            if i not in static_pos:
                flags += [i in donated] * len(tree_util.tree_leaves(a))
        for k, v in sorted(kwargs.items()):
            if k not in self._static_names:
                flags += [k in self._donate_names] * len(tree_util.tree_leaves(v))
        return flags

    # ------------------------------------------------------------------ AOT

    def lower(self, *args, **kwargs) -> Lowered:
        """Trace and lower for these arguments: ``.as_text()`` and ``.compile()``."""
        backend = self._backend()
        if not isinstance(backend, XlaBackend):
            from .devices import backend_for
            backend = backend_for("cpu")
        (key, flat, in_tree, avals, statics, dyn_args, dyn_kwargs, static_pos,
         donated) = self._key(args, kwargs, abstract=True)
        closed, out_tree, _ = self._traced(key, args, kwargs, in_tree, avals, static_pos)
        flags = self._donated_flags(args, kwargs, static_pos, donated)
        jaxpr, consts = hoist_call_consts(closed.jaxpr, closed.consts)
        text = lower_module(self._name, jaxpr, consts, flags)
        return Lowered(self, backend, text, ClosedJaxpr(jaxpr, consts), in_tree, avals,
                       out_tree, flags)

    def trace(self, *args, **kwargs) -> ClosedJaxpr:
        """The ClosedJaxpr ``fun`` traces to for these arguments."""
        (key, flat, in_tree, avals, statics, dyn_args, dyn_kwargs, static_pos,
         donated) = self._key(args, kwargs, abstract=True)
        return self._trace(args, kwargs, in_tree, avals, static_pos)[0]

    def eval_shape(self, *args, **kwargs):
        """The output's shapes and dtypes as ``ShapeDtypeStruct``s, computing nothing."""
        (key, flat, in_tree, avals, statics, dyn_args, dyn_kwargs, static_pos,
         donated) = self._key(args, kwargs, abstract=True)
        closed, out_tree = self._trace(args, kwargs, in_tree, avals, static_pos)
        return tree_util.tree_unflatten(out_tree, [
            ShapeDtypeStruct(a.shape, a.dtype, a.weak_type) for a in closed.out_avals])

    # ------------------------------------------------------------------ cache

    def _cache_size(self) -> int:
        return len(self._cache)

    def clear_cache(self) -> None:
        self._cache.clear()
        self._fast.clear()
        self._jaxprs.clear()


class Lowered:
    """A function lowered for one argument signature (``jit(f).lower(*args)``)."""

    def __init__(self, jitted, backend, text, closed, in_tree, avals, out_tree, flags):
        self._jitted = jitted
        self._backend = backend
        self._text = text
        self.jaxpr = closed
        self.in_tree = in_tree
        self.in_avals = avals
        self.out_tree = out_tree
        self._flags = flags

    def as_text(self, dialect: str = "stablehlo") -> str:
        """The StableHLO module (MLIR text)."""
        if dialect not in ("stablehlo", "mhlo"):
            raise ValueError(f"Lowered.as_text: unknown dialect {dialect!r}; plax lowers "
                             f"to 'stablehlo'")
        return self._text

    def compile(self) -> Compiled:
        exe = Executable(self._backend, self._text, self.jaxpr.consts, self.in_avals,
                         self.jaxpr.out_avals, self.out_tree, any(self._flags))
        return Compiled(self._jitted, exe, self.in_tree)


class Compiled:
    """A compiled program for one argument signature; calling it checks the arguments."""

    def __init__(self, jitted, exe: Executable, in_tree):
        self._jitted = jitted
        self._exe = exe
        self.in_tree = in_tree

    def as_text(self) -> str:
        """XLA's optimized HLO of the compiled program, as JAX's ``Compiled.as_text``
        (``Lowered.as_text`` gives the StableHLO that went in)."""
        return "\n\n".join(m.to_string() for m in self._exe.exe.hlo_modules())

    def cost_analysis(self) -> dict:
        """XLA's cost estimates (``flops``, ``bytes accessed``, ...), as JAX returns them."""
        return dict(self._exe.exe.cost_analysis())

    def memory_analysis(self):
        """XLA's ``CompiledMemoryStats``: argument, output, temporary and code sizes."""
        return self._exe.exe.get_compiled_memory_stats()

    def __call__(self, *args, **kwargs):
        jitted = self._jitted
        (key, flat, in_tree, avals, *_rest) = jitted._key(args, kwargs)
        if in_tree != self.in_tree or len(avals) != len(self._exe.in_avals) or any(
                (a.shape, a.dtype) != (b.shape, b.dtype)
                for a, b in zip(avals, self._exe.in_avals)):
            got = ", ".join(a.str_short() for a in avals)
            want = ", ".join(a.str_short() for a in self._exe.in_avals)
            raise TypeError(f"Compiled function {jitted._name} was compiled for arguments "
                            f"({want}) with structure {self.in_tree}, but was called with "
                            f"({got}) with structure {in_tree}")
        backend = self._exe.backend
        return self._exe.call([backend.buffer(x)[0] for x in flat])


def hoist_call_consts(jaxpr: Jaxpr, consts) -> tuple[Jaxpr, list]:
    """``jaxpr`` with the constants of its (nested) ``jit_p`` calls moved up to its
    own constants, so a compiled program takes them as parameters instead of
    embedding their bytes in its text.  Returns ``(jaxpr, consts)``."""
    if not any(e.primitive is jit_p for e in jaxpr.eqns):
        return jaxpr, list(consts)
    constvars, consts, eqns = list(jaxpr.constvars), list(consts), []
    for eqn in jaxpr.eqns:
        if eqn.primitive is jit_p:
            inner = eqn.params["jaxpr"]
            body, inner_consts = hoist_call_consts(inner.jaxpr, inner.consts)
            if inner_consts or body is not inner.jaxpr:
                new_vars = [Var(core.get_aval(c)) for c in inner_consts]
                constvars += new_vars
                consts += inner_consts
                body = Jaxpr([], [*body.constvars, *body.invars], body.outvars, body.eqns)
                eqn = JaxprEqn(jit_p, [*new_vars, *eqn.invars],
                               {**eqn.params, "jaxpr": ClosedJaxpr(body, [])}, eqn.outvars)
        eqns.append(eqn)
    return Jaxpr(constvars, jaxpr.invars, jaxpr.outvars, eqns), consts


_CALLS = LRUCache(executable_cache_size)


def call_compiled(backend, name: str, closed: ClosedJaxpr, args) -> list:
    """A ``jit_p`` call evaluated eagerly: its jaxpr compiled (once per jaxpr and
    argument types) and run on ``args``."""
    avals = [core.get_aval(a) for a in args]
    key = (backend, closed, tuple(avals), config.trace_context())

    def compile_():
        jaxpr, consts = hoist_call_consts(closed.jaxpr, closed.consts)
        text = lower_module(name, jaxpr, consts)
        return Executable(backend, text, consts, avals, closed.out_avals,
                          tree_util.tree_structure([0] * len(closed.out_avals)))

    exe = _CALLS.get_or_create(key, compile_)
    return exe.call_flat([backend.buffer(a)[0] for a in args])


def _fast_flatten(x, backend, bufs: list, sig: list) -> bool:
    """Flatten ``x`` as ``tree_flatten`` does, when it is made of tuples, lists, dicts,
    None and ``backend``'s Arrays only: appends the leaves' buffers to ``bufs`` and
    the structure with each leaf's (shape, dtype, weak_type) to ``sig``.  False for
    anything else (registered nodes, scalars, tracers), which takes ``jit``'s full path.
    With ``backend=None`` (``jit`` with shardings) Arrays of any backend are taken whole,
    each with its sharding (None for a one-device array) in ``sig``.

    ``sig`` is the key of a jitted function's fast cache: one pass, no PyTreeDef.
    """
    t = type(x)
    if t is tuple or t is list:
        sig.append((t, len(x)))
        children = x
    elif t is dict:
        try:
            keys = sorted(x)
        except TypeError:
            return False
        sig.append((dict, *keys))
        children = [x[k] for k in keys]
    elif x is None:
        sig.append(None)
        return True
    else:
        return False
    for child in children:          # (array children inline: they are most of them)
        if type(child) is Array:
            aval = child._aval
            if backend is None:
                value = child._value
                bufs.append(child)
                sig += (aval.shape, aval.dtype, aval.weak_type,
                        value.sharding if type(value) is ShardedValue else None)
                continue
            if child._backend is not backend:
                return False
            bufs.append(child._value)
            sig += (aval.shape, aval.dtype, aval.weak_type)
        elif not _fast_flatten(child, backend, bufs, sig):
            return False
    return True


def _fun_name(fun) -> str:
    """The user's name for ``fun`` (through ``functools.partial``s)."""
    while isinstance(fun, functools.partial):
        fun = fun.func
    return getattr(fun, "__name__", None) or type(fun).__name__


def _fun_location(fun) -> str:
    """``name at file:line`` for messages (the name alone where there is no code)."""
    while isinstance(fun, functools.partial):
        fun = fun.func
    code = getattr(inspect.unwrap(fun), "__code__", None)
    name = _fun_name(fun)
    return f"{name} at {code.co_filename}:{code.co_firstlineno}" if code else name


def _describe_arg(k: Any) -> str:
    return f"at position {k}" if isinstance(k, int) else f"'{k}'"


def _is_varargs(sig, i: int) -> bool:
    params = list(sig.parameters.values())
    return i >= len(params) or params[i].kind in (inspect.Parameter.VAR_POSITIONAL,
                                                  inspect.Parameter.VAR_KEYWORD)
