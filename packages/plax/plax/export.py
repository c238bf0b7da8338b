"""``plax.export``: serialisable artifacts of jitted functions (JAX's ``jax.export``),
re-exported from plax-xla: ``export(jit(f))(*args)`` -> ``Exported``, ``.serialize()``,
``deserialize(bytes)`` and ``Exported.call``."""

from plax_xla.export import Exported, default_export_platform, deserialize, export

__all__ = ["Exported", "export", "deserialize", "default_export_platform"]
