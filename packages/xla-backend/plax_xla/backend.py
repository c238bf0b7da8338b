"""The XLA backend: eager primitives through cached executables, and device arrays.

A plax ``Array`` made by this backend holds a jaxlib device buffer in ``_value``; its
values reach the host only when read (``__array__``, printing, ``float()``,
``.item()``).  ``apply_primitive`` runs one primitive on device buffers: the first
call for a (primitive, params, input avals) lowers that single equation to StableHLO,
compiles it and keeps the executable with its output result handlers; later calls
are a cache lookup and one ``execute_sharded``.  The cache is a thread-safe LRU of
``executable_cache_size`` entries (``plax.clear_caches()`` empties it), and two
threads that miss on the same key compile it once.

A higher-order primitive calling a jaxpr runs it: ``jit_p`` compiled as one program
(``jit.call_compiled``), the others op by op.  Primitives with no lowering rule still
run eagerly: one with a NumPy implementation runs it on the host (a third-party
primitive that brings no lowering rule works eagerly, and fails with a clear error
only under ``jit``).
"""

from __future__ import annotations

import numpy as np

from plax_core import dtypes
from plax_core.array import Array
from plax_core.backend import Backend
from plax_core.caches import LRUCache
from plax_core.config import config, executable_cache_size
from plax_core.core import ShapedArray, Tracer
from plax_core.extend import HigherOrderPrimitive
from plax_core.jaxpr import ClosedJaxpr, Jaxpr, eval_jaxpr
from plax_core.lax import jit_p
from plax_core.registry import MissingRuleError
from plax_core.sharding import Sharding, SingleDeviceSharding

from . import client
from .mlir import FunctionBuilder, aval_ty, lowering_rules, module_text

_PY_SCALARS = (bool, int, float, complex)
_HOST_TYPES = (np.ndarray, np.generic, *_PY_SCALARS)
# Primitives whose NumPy implementation is exact, folded on the host when every
# operand is a host value and the result is small (see XlaBackend._fold_constant).
_FOLDABLE = frozenset({"convert_element_type", "broadcast_in_dim", "reshape", "squeeze",
                       "expand_dims", "transpose"})
_FOLD_MAX_SIZE = 4096
_SMALL_CACHE_SIZE = 1024    # device copies of Python scalars and folded constants


class DeletedArrayError(RuntimeError):
    """A donated (or deleted) array was used again."""


def _aval_of(buf) -> ShapedArray:
    """The aval of a live jaxlib array: the one it was made with, or (for arrays jaxlib
    made without one) read from its host value."""
    if isinstance(buf.aval, ShapedArray):
        return buf.aval
    value = buf._single_device_array_to_np_array_did_copy()[0]
    return ShapedArray(value.shape, value.dtype)


def deleted_error() -> DeletedArrayError:
    return DeletedArrayError(
        "This array has been deleted: it was donated to a jit-compiled function "
        "(donate_argnums) or deleted explicitly, and its buffer now belongs to the "
        "result. Use the function's output instead, or do not donate the argument.")


def execute(exe, bufs: list, handlers: list, wait_for_callbacks: bool = False) -> list:
    """Run a loaded program on device buffers (one per argument), its outputs wrapped by
    ``handlers``; an input deleted by donation is a clear error, not XLA's.  With
    ``wait_for_callbacks`` it returns once the program's host callbacks have run."""
    try:
        if not wait_for_callbacks:
            return exe.execute_sharded(bufs).consume_with_handlers(handlers)
        results = exe.execute_sharded(bufs, with_tokens=True)
        token = results.consume_token()
        outs = results.consume_with_handlers(handlers)
        token.block_until_ready()
        return outs
    except client.JaxRuntimeError:
        if any(b.is_deleted() for b in bufs):
            raise deleted_error() from None
        raise


class _Entry:
    """A compiled single-primitive program: executable, result handlers, output avals."""

    __slots__ = ("exe", "handlers", "out_avals", "fallback")

    def __init__(self, exe=None, handlers=None, out_avals=None, fallback=None):
        self.exe = exe
        self.handlers = handlers
        self.out_avals = out_avals
        self.fallback = fallback


class XlaBackend(Backend):
    """Runs primitives and holds arrays on one XLA client (CPU, or a GPU plugin's)."""

    name = "xla"

    def __init__(self, context: client.DeviceContext):
        self.context = context
        self.platform = context.platform
        self._cache = LRUCache(executable_cache_size)
        self._constants = LRUCache(_SMALL_CACHE_SIZE)   # folded small constants
        self._scalars = LRUCache(_SMALL_CACHE_SIZE)     # Python scalars on the device
        self._debug_nans = bool(config.read("debug_nans") or config.read("debug_infs"))
        config.on_change(self._config_changed)

    def __repr__(self):
        return f"XlaBackend(platform={self.platform!r}, devices={len(self.context.devices)})"

    def _config_changed(self, name, value):
        if name in ("debug_nans", "debug_infs"):
            self._debug_nans = bool(config.read("debug_nans") or config.read("debug_infs"))

    # ------------------------------------------------------------------ devices

    def devices(self) -> list:
        return list(self.context.devices)

    def wrap(self, buf, aval) -> Array:
        return Array(buf, aval, self)

    def delete(self, array) -> None:
        array._value.delete()

    def is_deleted(self, array) -> bool:
        return array._value.is_deleted()

    def live_arrays(self, platform: str | None = None) -> list:
        if platform is not None and platform != self.platform:
            return []
        return [Array(buf, _aval_of(buf), self) for buf in self.context.client.live_arrays()
                if not buf.is_deleted()]

    def compile_pmap(self, jaxpr, consts, mapped, n, devices, name="fun"):
        """A program running ``jaxpr`` on ``n`` devices at once (``plax_xla.spmd``)."""
        from . import spmd
        return spmd.compile_pmap(self, jaxpr, consts, mapped, n, devices, name)

    def process_index(self) -> int:
        """This process's index in a multi-process run (0 otherwise)."""
        return self.context.client.process_index()

    def compile_shard_map(self, jaxpr, consts, mesh, in_shardings, out_shardings,
                          global_in, global_out, name="fun"):
        """A shard_map body as one SPMD program over ``mesh`` (``plax_xla.spmd``)."""
        from . import spmd
        return spmd.compile_shard_map(self, jaxpr, consts, mesh, in_shardings,
                                      out_shardings, global_in, global_out, name)

    def device_put(self, x, device=None):
        if isinstance(x, Tracer):
            return x
        if isinstance(device, Sharding):              # device_put(x, sharding)
            if not isinstance(device, SingleDeviceSharding):
                from .sharded import put_sharded
                return put_sharded(self, x, device)
            device = device.device
        if type(x) is Array:
            if x._backend is self and (device is None or device == _device_of(x)):
                return x
            return self.put_host(np.asarray(x), x._aval, device)
        value, weak = dtypes.coerce_to_array(x)
        if type(x) in _PY_SCALARS and device is None:     # cached: f(x, 0.1) in a loop
            key = (value.tobytes(), value.dtype, weak)
            hit = self._scalars.get(key)
            if hit is None or hit._value.is_deleted():
                hit = self.put_host(value, ShapedArray((), value.dtype, weak))
                self._scalars.put(key, hit)
            return hit
        return self.put_host(value, ShapedArray(value.shape, value.dtype, weak), device)

    def put_host(self, value: np.ndarray, aval: ShapedArray, device=None) -> Array:
        """A device copy of the host array ``value`` (of ``aval``'s dtype), as an Array."""
        value = np.asarray(value)
        if value.dtype != aval.dtype:
            value = value.astype(aval.dtype)
        return Array(self.context.put(value, aval, device), aval, self)

    def constant(self, key, make) -> Array:
        """The small constant ``make()`` gives as ``(host value, aval)``, put on the
        device once per ``key`` (an eager ``x * 2.0`` reuses its broadcast ``2.0``);
        a cached constant that was donated, and so deleted, is put again."""
        hit = self._constants.get(key)
        if hit is not None and not hit._value.is_deleted():
            return hit
        value, aval = make()
        out = self.put_host(value, aval)
        if value.size <= _FOLD_MAX_SIZE:
            self._constants.put(key, out)
        return out

    def to_numpy(self, array) -> np.ndarray:
        buf = array._value
        if buf.is_deleted():
            raise deleted_error()
        return client.to_host(buf, array._aval.dtype)

    def block_until_ready(self, array):
        buf = array._value
        if buf.is_deleted():
            raise deleted_error()
        buf.block_until_ready()
        return array

    def block_until_ready_all(self, arrays) -> None:
        """Wait for many arrays in one jaxlib call (as JAX blocks on a pytree)."""
        try:
            client._jax.batched_block_until_ready([a._value for a in arrays])
        except Exception:                # a deleted array: the one-by-one path names it
            for a in arrays:
                self.block_until_ready(a)

    def from_dlpack(self, external, device=None) -> Array:
        """A copy of any DLPack-exporting array (NumPy, PyTorch...) on this backend."""
        if hasattr(external, "__dlpack__") and not isinstance(external, np.ndarray):
            try:
                host = np.from_dlpack(external)
            except (TypeError, RuntimeError, BufferError):
                host = np.asarray(external)
        else:
            host = np.asarray(external)
        return self.device_put(np.array(host, copy=True), device)

    def buffer(self, x, device=None):
        """(device buffer, aval) for any array argument."""
        if type(x) is Array and x._backend is self:
            return x._value, x._aval
        arr = self.device_put(x, device)
        return arr._value, arr._aval

    # ------------------------------------------------------------------ eager ops

    def apply_primitive(self, primitive, args, params):
        if primitive is jit_p:    # a staged composite or an inner jit, run eagerly
            return self._eval_call(primitive, args, params)
        # The hot path: operands on this backend, an executable already compiled.
        key, bufs = [primitive, *params.items()], []
        for a in args:
            if type(a) is not Array or a._backend is not self:
                return self._apply(primitive, args, params)
            aval = a._aval
            bufs.append(a._value)
            key += (aval.shape, aval.dtype, aval.weak_type)
        try:
            entry = self._cache.get(tuple(key))
        except TypeError:                    # unhashable params
            entry = None
        if entry is None or entry.exe is None or self._debug_nans:
            return self._apply(primitive, args, params)
        outs = execute(entry.exe, bufs, entry.handlers)
        if primitive.multiple_results:
            return [Array(o, a, self) for o, a in zip(outs, entry.out_avals)]
        return Array(outs[0], entry.out_avals[0], self)

    def _apply(self, primitive, args, params):
        """``apply_primitive`` for every case: host operands, a first call, fallbacks."""
        bufs, key, host, pending = [], [primitive, *params.items()], True, False
        for a in args:
            if type(a) is Array and a._backend is self:
                aval = a._aval
                bufs.append(a._value)
                host = False
            elif isinstance(a, _HOST_TYPES):        # put on the device only if needed
                value, weak = dtypes.coerce_to_array(a)
                aval = ShapedArray(value.shape, value.dtype, weak)
                bufs.append(None)
                pending = True
            else:
                if isinstance(a, Tracer):
                    raise TypeError(f"internal error: tracer {a} reached the XLA backend")
                buf, aval = self.buffer(a)
                bufs.append(buf)
                host = False
            key += (aval.shape, aval.dtype, aval.weak_type)
        key = tuple(key)
        try:
            entry = self._cache.get(key)
        except TypeError:                    # unhashable params: no caching
            entry = None
            cacheable = False
        else:
            # (jaxpr params are fresh on every call: the compile is cached by module
            # text instead)
            cacheable = entry is None and not _has_jaxpr(params)
        if entry is None:
            avals = [ShapedArray(*key[i:i + 3]) for i in range(len(key) - 3 * len(args),
                                                                len(key), 3)]
            build = lambda: self._build(primitive, avals, params, host)  # noqa: E731
            entry = self._cache.get_or_create(key, build) if cacheable else build()
        if entry.fallback is not None:
            if entry.fallback == self._fold_constant:
                return self._fold_constant(primitive, args, params, entry.out_avals[0])
            return entry.fallback(primitive, args, params)
        if pending:
            bufs = [b if b is not None else self.buffer(a)[0] for b, a in zip(bufs, args)]
        outs = execute(entry.exe, bufs, entry.handlers)
        wrapped = [Array(o, a, self) for o, a in zip(outs, entry.out_avals)]
        if self._debug_nans:
            check_nans(primitive, wrapped)
        return wrapped if primitive.multiple_results else wrapped[0]

    def _build(self, primitive, avals, params, host: bool) -> _Entry:
        out = primitive.abstract_eval(*avals, **params)
        out_avals = list(out) if primitive.multiple_results else [out]
        if isinstance(primitive, HigherOrderPrimitive) and primitive.callee is not None:
            return _Entry(fallback=self._eval_call)
        rule = lowering_rules().get(primitive)
        if rule is None or getattr(primitive, "runs_on_host", False):
            if primitive.impl is not None:
                return _Entry(fallback=self._host_fallback)
            raise MissingRuleError("lowering", primitive)
        if (host and primitive.name in _FOLDABLE
                and sum(a.size for a in out_avals) <= _FOLD_MAX_SIZE):
            return _Entry(out_avals=out_avals, fallback=self._fold_constant)
        text = lower_primitive(primitive, avals, out_avals, params)
        exe = self.context.compile(text)
        handlers = [self.context.result_handler(a) for a in out_avals]
        return _Entry(exe, handlers, out_avals)

    def _fold_constant(self, primitive, args, params, aval):
        """A structural primitive on small host values (typing or broadcasting a Python
        scalar): computed exactly by its NumPy implementation and put on the device.

        Results from tiny inputs are cached, so ``x + 1.0`` in a loop puts its
        constant once; a cached array that was donated (and so deleted) is replaced.
        """
        values = [dtypes.coerce_to_array(a)[0] for a in args]
        key = None
        if all(v.size <= 16 for v in values):
            key = (primitive, tuple(params.items()), aval,
                   tuple((v.tobytes(), v.dtype, v.shape) for v in values))
            hit = self._constants.get(key)
            if hit is not None and not hit._value.is_deleted():
                return hit
        with np.errstate(all="ignore"):
            value = np.asarray(primitive.impl(*values, **params), aval.dtype)
        out = self.put_host(value, aval)
        if key is not None:
            self._constants.put(key, out)
        return out

    def _eval_call(self, primitive, args, params):
        """A higher-order primitive run eagerly: ``jit_p`` compiled, others op by op."""
        closed = params[primitive.callee]
        if primitive is jit_p:
            return _call_compiled()(self, params["name"], closed, args)
        return eval_jaxpr(closed.jaxpr, closed.consts, *args)

    def _host_fallback(self, primitive, args, params):
        """Run the primitive's NumPy implementation on host copies of its operands."""
        from plax_core.backend import NumpyBackend
        out = NumpyBackend().apply_primitive(
            primitive, [np.asarray(a) if type(a) is Array else a for a in args], params)
        outs = out if primitive.multiple_results else [out]
        wrapped = [self.put_host(o._value, o._aval) for o in outs]
        return wrapped if primitive.multiple_results else wrapped[0]

    def clear_cache(self):
        self._cache.clear()


def _call_compiled():
    """``jit.call_compiled`` (jit imports this module, so it is looked up once, late:
    an import statement per eager call cost ~1 us)."""
    global _CALL_COMPILED
    if _CALL_COMPILED is None:
        from .jit import call_compiled
        _CALL_COMPILED = call_compiled
    return _CALL_COMPILED


_CALL_COMPILED = None


def _has_jaxpr(params) -> bool:
    for v in params.values():
        if isinstance(v, (ClosedJaxpr, Jaxpr)) or (
                isinstance(v, tuple) and v and isinstance(v[0], (ClosedJaxpr, Jaxpr))):
            return True
    return False


def _device_of(x):
    return x._value._sharding._device


def check_nans(what, outs):
    """FloatingPointError for a NaN (``debug_nans``) or inf (``debug_infs``) output."""
    from .debug_nans import check
    check(what, outs)


def lower_primitive(primitive, avals_in, avals_out, params) -> str:
    """The StableHLO module of one primitive applied to arguments of ``avals_in``."""
    ctx = FunctionBuilder()
    args = [ctx.arg(f"%arg{i}", aval_ty(a)) for i, a in enumerate(avals_in)]
    ctx.avals_in, ctx.avals_out = list(avals_in), list(avals_out)
    res = lowering_rules()[primitive](ctx, *args, **params)
    if not primitive.multiple_results:
        res = [res]
    return module_text(primitive.name, ctx, args, [None] * len(args), res)
