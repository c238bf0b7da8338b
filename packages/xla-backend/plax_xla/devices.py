"""Which XLA platform plax-xla runs on, and the backend objects (one per platform).

``make_backend`` is the factory registered with plax-core: it honours
``PLAX_PLATFORMS`` (``cpu``, ``gpu``/``cuda``, or a comma-separated preference list)
and otherwise prefers a GPU when one is usable, the CPU when not.  The reason a GPU
was not used is kept in ``gpu_unavailable_reason()``.
"""

from __future__ import annotations

import threading

from plax_core.backend import BackendUnavailable
from plax_core.config import config

from . import client
from .backend import XlaBackend

_GPU_NAMES = {"gpu", "cuda"}
_backends: dict[str, XlaBackend] = {}
_gpu_reason: list[str] = []
_lock = threading.Lock()


def backend_for(platform: str) -> XlaBackend:
    """The (single, lazily created) backend of ``platform``: ``"cpu"`` or ``"gpu"``."""
    platform = "gpu" if platform in _GPU_NAMES else platform
    with _lock:
        backend = _backends.get(platform)
        if backend is None:
            if platform == "cpu":
                context = client.make_cpu_context()
            elif platform == "gpu":
                from .gpu import GpuUnavailable, make_gpu_context
                try:
                    context = make_gpu_context()
                except GpuUnavailable as e:
                    _gpu_reason[:] = [str(e)]
                    raise
            else:
                raise ValueError(f"plax-xla knows the platforms 'cpu' and 'gpu', not "
                                 f"{platform!r}")
            backend = _backends[platform] = XlaBackend(context)
    return backend


def gpu_unavailable_reason() -> str | None:
    return _gpu_reason[0] if _gpu_reason else None


def _wanted() -> list[str] | None:
    platforms = config.read("platforms")
    if not platforms:
        return None
    return [p.strip().lower() for p in str(platforms).split(",") if p.strip()]


def make_backend() -> XlaBackend:
    """The default XLA backend (the factory registered under the name ``xla``)."""
    wanted = _wanted()
    if wanted is None:
        order = ["gpu", "cpu"]
    else:
        order = []
        for p in wanted:
            p = "gpu" if p in _GPU_NAMES else p
            if p in ("cpu", "gpu", "xla") and p not in order:
                order += ["gpu", "cpu"] if p == "xla" else [p]
    reasons = []
    for platform in order:
        try:
            return backend_for(platform)
        except Exception as e:  # noqa: BLE001 - any failure means "try the next one"
            reasons.append(f"{platform}: {e}")
    raise BackendUnavailable("; ".join(reasons) or "PLAX_PLATFORMS allows no XLA platform")
