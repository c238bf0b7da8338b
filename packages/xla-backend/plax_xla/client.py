"""Everything plax-xla asks of jaxlib: clients, compilation, and moving buffers.

This is the only module that imports ``jaxlib`` (the GPU module asks it for a client
too).  jaxlib's convenient paths try to ``import jax`` on every call (~100 us), so
plax uses the fast ones measured in docs/design.md:

- host -> device: ``xc.batched_device_put`` with a duck-typed aval (plax's
  ``ShapedArray`` serves) and a ``SingleDeviceSharding`` that can describe itself as
  an HLO sharding (~5 us);
- outputs: ``execute_sharded(...).consume_with_handlers`` with one
  ``array_result_handler`` per output (~5 us);
- device -> host: ``np.asarray`` (the host copy is cached by jaxlib and read-only);
  bfloat16 needs ``_single_device_array_to_np_array_did_copy`` (``np.asarray`` gives
  an object array for it).

Compiled executables are cached by (module text, device, compile options), in a
bounded LRU cache (``executable_cache_size``): a retrace that produces the same
StableHLO never compiles twice, nor do two threads compiling it at once; the
persistent compilation cache (``compile_cache``, on by default) keeps them across
processes (docs/design.md, "XLA through jaxlib": a 68 ms compile loads in 8 ms).

jaxlib 0.10.2 records a Python traceback on every ``execute_sharded`` (when its
tracebacks are enabled, the default) and never frees it: 56 bytes plus 8 per stack
frame stay allocated per call, forever (measured: linear over 200k calls).  plax
reads no traceback from jaxlib, so importing this module turns their collection off
(``_jax.set_tracebacks_enabled(False)``); JAX's own dispatch avoids the leak by
calling executables from C++.
"""

from __future__ import annotations

import hashlib
import os
import threading

import ml_dtypes
import numpy as np

from plax_core.caches import LRUCache
from plax_core.config import executable_cache_size

from . import callbacks, compile_cache

JAXLIB_VERSION = "0.10.2"

# XLA logs every client creation at INFO level on stderr; keep warnings and errors.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

try:
    import jaxlib
    from jaxlib import _jax
    from jaxlib import xla_client as xc
except ImportError as e:  # pragma: no cover - the dependency is pinned
    raise ImportError(f"plax-xla needs jaxlib=={JAXLIB_VERSION} (pip install "
                      f"jaxlib=={JAXLIB_VERSION}): {e}") from e

if jaxlib.version.__version__ != JAXLIB_VERSION:  # pragma: no cover
    raise ImportError(f"plax-xla was built for jaxlib=={JAXLIB_VERSION}, but jaxlib "
                      f"{jaxlib.version.__version__} is installed; run pip install "
                      f"jaxlib=={JAXLIB_VERSION}")

JaxRuntimeError = getattr(_jax, "JaxRuntimeError", None) or getattr(
    xc, "XlaRuntimeError", RuntimeError)
_jax.set_tracebacks_enabled(False)     # they leak, one per execution (see above)
_IMMUTABLE = xc.HostBufferSemantics.IMMUTABLE_ONLY_DURING_CALL
_BF16 = np.dtype(ml_dtypes.bfloat16)


# ------------------------------------------------------------------ compile options

# XLA:CPU runs convolutions through YNNPACK by default; its Eigen convolutions ran the
# conv-net training step 1.7x faster here (192 -> 112 ms for jit(grad) of the bench's
# two-conv net; forward 46 -> 29 ms, input and weight gradients 51 -> 31 and 66 -> 37
# ms).  Dots keep YNNPACK.  A user's own setting in XLA_FLAGS wins.
_YNN_TYPES = "xla_cpu_experimental_ynn_fusion_type"
# jaxlib 0.10.2's default is these two and LIBRARY_FUSION_TYPE_INDIVIDUAL_CONVOLUTION
_YNN_WITHOUT_CONVOLUTIONS = "LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT,LIBRARY_FUSION_TYPE_REDUCE"


def _env_overrides(platform: str = "cpu") -> list[tuple[str, object]]:
    """XLA debug options plax sets: on CPU, convolutions off YNNPACK (above), and
    ``PLAX_XLA_OPT_LEVEL`` (tests use 0: compiles twice as fast)."""
    out: list[tuple[str, object]] = []
    if platform == "cpu" and _YNN_TYPES not in os.environ.get("XLA_FLAGS", ""):
        out.append((_YNN_TYPES, _YNN_WITHOUT_CONVOLUTIONS))
    level = os.environ.get("PLAX_XLA_OPT_LEVEL")
    if level:
        out.append(("xla_backend_optimization_level", int(level)))
    return out


def compile_options(num_devices: int = 1, platform: str = "cpu") -> xc.CompileOptions:
    opts = xc.CompileOptions()
    overrides = _env_overrides(platform)
    if overrides:
        opts.env_option_overrides = overrides
    return opts


# ------------------------------------------------------------------ devices

class DeviceContext:
    """One jaxlib client and the per-device objects the fast paths need."""

    def __init__(self, client, platform: str):
        self.client = client
        self.platform = platform
        # this process's devices first: devices[0] is the default device (in a
        # multi-process run the others' devices follow, for global programs)
        local = list(client.local_devices())
        self.devices = local + [d for d in client.devices() if d not in local]
        self._shardings = {}
        self._device_lists = {}
        self._compiled = LRUCache(executable_cache_size)
        self._lock = threading.Lock()

    def sharding(self, device):
        s = self._shardings.get(device)
        if s is None:
            s = xc.SingleDeviceSharding(device)
            # What batched_device_put and the result handlers ask of a sharding.
            s._to_xla_hlo_sharding = _replicated
            with self._lock:                 # one sharding object per device
                s = self._shardings.setdefault(device, s)
        return s

    def device_list(self, device):
        dl = self._device_lists.get(device)
        if dl is None:
            with self._lock:
                dl = self._device_lists.setdefault(device, xc.DeviceList((device,)))
        return dl

    # --------------------------------------------------------------- data

    def put(self, value: np.ndarray, aval, device=None):
        """Copy a host array (already of ``aval``'s dtype and shape) to the device."""
        device = device or self.devices[0]
        return xc.batched_device_put(aval, self.sharding(device), [value], [device],
                                     True, False, _IMMUTABLE, True)

    def result_handler(self, aval, device=None):
        device = device or self.devices[0]
        return _jax.array_result_handler(aval, self.sharding(device), True,
                                         _skip_checks=True)

    # --------------------------------------------------------------- compiling

    def compile(self, module_text: str, device=None):
        """The loaded executable for StableHLO ``module_text`` (cached by its text).

        Executables are also kept on disk by the persistent compilation cache
        (``compile_cache``, on by default) and loaded by later processes instead of
        compiled.
        """
        device = device or self.devices[0]
        overrides = tuple(_env_overrides(self.platform))
        digest = hashlib.sha256(module_text.encode()).hexdigest()
        key = (digest, device.id, overrides)
        return self._compiled.get_or_create(
            key, lambda: self._load_or_compile(module_text, device))

    def _load_or_compile(self, module_text, device):
        options = compile_options(platform=self.platform)
        if callbacks.has_callbacks(module_text):      # host functions: this process only
            compile_cache.STATS["compiled"] += 1
            return callbacks.compile_with_callbacks(self.client, module_text,
                                                    self.device_list(device), options)
        directory = compile_cache.cache_dir()
        key = None
        if directory is not None:
            key = compile_cache.entry_key(module_text, options.SerializeAsString(),
                                          JAXLIB_VERSION, self.platform,
                                          self.client.platform_version, device.device_kind)
            blob = compile_cache.load(directory, key)
            if blob is not None:
                try:
                    exe = self.client.deserialize_executable(
                        blob, self.device_list(device), options)
                except Exception:  # noqa: BLE001 - a stale entry: compile it again
                    pass
                else:
                    compile_cache.STATS["loaded"] += 1
                    return exe
        exe = self.client.compile_and_load(module_text, self.device_list(device), options)
        compile_cache.STATS["compiled"] += 1
        if key is not None:
            compile_cache.store(directory, key, exe.serialize())
        return exe

    def clear_cache(self):
        self._compiled.clear()


def _replicated(ndim=None):
    return xc.HloSharding.replicate()


def make_cpu_context() -> DeviceContext:
    from . import distributed  # jax_num_cpu_devices, and the multi-process run
    return DeviceContext(distributed.make_cpu_client(), "cpu")


# ------------------------------------------------------------------ to host

def to_host(buf, dtype: np.dtype) -> np.ndarray:
    """A read-only NumPy copy (or CPU view) of a device buffer, cached on the buffer."""
    value = buf._npy_value
    if value is None:
        if dtype == _BF16:
            value = buf._single_device_array_to_np_array_did_copy()[0]
        else:
            value = np.asarray(buf)
        if value.flags.writeable:
            value.flags.writeable = False
        buf._npy_value = value
    return value


# ------------------------------------------------------------------ DLPack

def to_dlpack(buf, stream=None):
    return _jax.buffer_to_dlpack_managed_tensor(buf, stream=stream)


def from_dlpack_capsule(capsule, device):
    return _jax.dlpack_managed_tensor_to_buffer(capsule, device, None)
