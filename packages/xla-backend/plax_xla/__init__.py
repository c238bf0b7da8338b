"""plax-xla: the XLA backend of plax (``jit``, lowering to StableHLO, CPU and GPU via jaxlib).

This package is a stub, filled by issue #5. It already registers the ``jit``
transformation with plax-core through the ``plax`` entry-point group, so the plugin
wiring works and is tested, but ``jit`` raises ``NotImplementedError``. It registers no
backend yet (plax-core's NumPy reference backend stays the default) and does not
import jaxlib. The signature of ``jit`` is JAX's.
"""

__all__ = ["jit"]


def _not_implemented(name):
    return NotImplementedError(
        f"plax.{name} is not implemented yet: plax-xla is a stub (issue #5)"
    )


def jit(
    fun,
    /,
    *,
    in_shardings=None,
    out_shardings=None,
    static_argnums=None,
    static_argnames=None,
    donate_argnums=None,
    donate_argnames=None,
    keep_unused=False,
    device=None,
    backend=None,
    inline=False,
):
    """``fun`` compiled with XLA on first call for each argument shape and dtype."""
    raise _not_implemented("jit")
