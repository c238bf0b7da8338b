"""The GPU, through a PJRT CUDA plugin that jaxlib loads (all GPU knowledge is here).

The PyPI packages ``jax-cuda12-pjrt`` / ``jax-cuda12-plugin`` ship the plugin as
``jax_plugins/xla_cuda12/xla_cuda_plugin.so``; that package's ``__init__`` imports
``jax``, so plax finds the file with ``importlib.util.find_spec`` without importing
it (``PLAX_CUDA_PLUGIN`` may name the file instead).  Then, as docs/design.md records:
load it (once), initialize it (only after loading), and make a client; without a
visible GPU the last step fails and plax says so and stays on the CPU.
"""

from __future__ import annotations

import ctypes
import glob
import importlib.util
import os

from . import client

_PLUGIN_PACKAGES = ("jax_plugins.xla_cuda12", "jax_plugins.xla_cuda13", "jax_cuda12_plugin",
                    "jax_cuda13_plugin")
_PLUGIN_FILE = "xla_cuda_plugin.so"
_NVIDIA_LIBS = ("cuda_runtime", "cuda_nvrtc", "cublas", "cufft", "cusolver", "cusparse",
                "cudnn", "nvjitlink", "nccl", "cuda_cupti")


class GpuUnavailable(RuntimeError):
    """No usable GPU: the message says why (no plugin installed, no device...)."""


def find_cuda_plugin() -> str | None:
    """The path of an installed PJRT CUDA plugin library, or None (imports nothing)."""
    env = os.environ.get("PLAX_CUDA_PLUGIN")
    if env:
        return env if os.path.exists(env) else None
    for name in _PLUGIN_PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        for location in spec.submodule_search_locations or []:
            path = os.path.join(location, _PLUGIN_FILE)
            if os.path.exists(path):
                return path
    return None


def _preload_nvidia_libraries() -> None:
    """Load the CUDA libraries of the ``nvidia-*`` wheels (``[with-cuda]``), if present."""
    try:
        spec = importlib.util.find_spec("nvidia")
    except (ImportError, ValueError):
        return
    if spec is None:
        return
    for root in spec.submodule_search_locations or []:
        for lib in _NVIDIA_LIBS:
            for path in sorted(glob.glob(os.path.join(root, lib, "lib", "*.so*"))):
                try:
                    ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
                except OSError:
                    pass


def make_gpu_context() -> client.DeviceContext:
    """A client on the GPUs, or ``GpuUnavailable`` saying plainly why not."""
    path = find_cuda_plugin()
    if path is None:
        raise GpuUnavailable("no PJRT CUDA plugin is installed (pip install "
                             "'jax-cuda12-plugin[with-cuda]' provides one); only the CPU "
                             "is available")
    xc = client.xc
    try:
        if not xc.pjrt_plugin_loaded("cuda"):
            _preload_nvidia_libraries()
            xc.load_pjrt_plugin_dynamically("cuda", path)
        if not xc.pjrt_plugin_initialized("cuda"):
            xc.initialize_pjrt_plugin("cuda")
        from .distributed import gpu_client_options  # a multi-process run: NCCL
        options, dc = gpu_client_options(xc.generate_pjrt_gpu_plugin_options())
        gpu_client = xc.make_c_api_client("cuda", options, dc)
    except Exception as e:  # noqa: BLE001 - jaxlib raises several types here
        raise GpuUnavailable(f"the CUDA plugin at {path} could not start a GPU client "
                             f"({e}); only the CPU is available") from e
    return client.DeviceContext(gpu_client, "gpu")
