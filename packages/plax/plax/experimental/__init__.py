"""``plax.experimental``: ``io_callback`` (JAX's ``jax.experimental.io_callback``)."""

from plax_core.callbacks import io_callback

__all__ = ["io_callback"]
