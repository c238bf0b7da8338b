"""plax-batching: automatic vectorisation for plax (``vmap``).

This package is a stub, filled by issue #4. It already registers ``vmap`` with
plax-core through the ``plax`` entry-point group, so the plugin wiring works and is
tested, but ``vmap`` raises ``NotImplementedError``. The signature is JAX's.
"""

__all__ = ["vmap"]


def _not_implemented(name):
    return NotImplementedError(
        f"plax.{name} is not implemented yet: plax-batching is a stub (issue #4)"
    )


def vmap(fun, in_axes=0, out_axes=0, axis_name=None, axis_size=None, spmd_axis_name=None):
    """``fun`` mapped over the axes ``in_axes`` of its arguments, stacked at ``out_axes``."""
    raise _not_implemented("vmap")
