"""The GPU module: plugin discovery without importing jax; GPU runs skip without a GPU."""

import sys

import numpy as np
import pytest

from plax_core import lax
from plax_xla import gpu


def _gpu_backend():
    from plax_xla import backend_for
    if gpu.find_cuda_plugin() is None:
        pytest.skip("no PJRT CUDA plugin installed")
    try:
        return backend_for("gpu")
    except gpu.GpuUnavailable as e:
        pytest.skip(str(e))


def test_find_plugin_imports_nothing(monkeypatch, tmp_path):
    before = set(sys.modules)
    gpu.find_cuda_plugin()
    assert not any(m.split(".")[0] in ("jax", "jax_plugins.xla_cuda12")
                   for m in set(sys.modules) - before)
    fake = tmp_path / "xla_cuda_plugin.so"
    fake.write_bytes(b"")
    monkeypatch.setenv("PLAX_CUDA_PLUGIN", str(fake))
    assert gpu.find_cuda_plugin() == str(fake)
    monkeypatch.setenv("PLAX_CUDA_PLUGIN", str(tmp_path / "missing.so"))
    assert gpu.find_cuda_plugin() is None


def test_no_plugin_says_plainly_cpu_only(monkeypatch):
    monkeypatch.setattr(gpu, "find_cuda_plugin", lambda: None)
    with pytest.raises(gpu.GpuUnavailable, match="only the CPU is available"):
        gpu.make_gpu_context()


def test_gpu_runs_eager_and_jit():
    backend = _gpu_backend()
    assert backend.platform == "gpu" and backend.devices()
    x = backend.device_put(np.arange(6, dtype=np.float32).reshape(2, 3))
    y = backend.apply_primitive(lax.mul_p, [x, x], {})
    assert np.asarray(y).tolist() == [[0, 1, 4], [9, 16, 25]]
    from plax_xla import jit
    f = jit(lambda a: lax.reduce_sum(a * a, (0, 1)), backend="gpu")
    assert float(f(x)) == 55.0
