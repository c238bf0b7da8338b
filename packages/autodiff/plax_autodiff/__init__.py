"""plax-autodiff: automatic differentiation for plax (``grad``, ``jvp``, ``vjp``, ...).

This package is a stub, filled by issue #3. It already registers its transformations
with plax-core through the ``plax`` entry-point group, so the plugin wiring works and
is tested, but every public function raises ``NotImplementedError``. The signatures
are JAX's.
"""

__all__ = [
    "grad",
    "value_and_grad",
    "jvp",
    "vjp",
    "linearize",
    "jacfwd",
    "jacrev",
    "hessian",
    "custom_jvp",
    "custom_vjp",
    "checkpoint",
    "remat",
]


def _not_implemented(name):
    return NotImplementedError(
        f"plax.{name} is not implemented yet: plax-autodiff is a stub (issue #3)"
    )


def grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False, reduce_axes=()):
    """The gradient of scalar-valued ``fun`` with respect to argument(s) ``argnums``."""
    raise _not_implemented("grad")


def value_and_grad(
    fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False, reduce_axes=()
):
    """A function returning both ``fun``'s value and its gradient."""
    raise _not_implemented("value_and_grad")


def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode: ``(fun(*primals), J(primals) @ tangents)``."""
    raise _not_implemented("jvp")


def vjp(fun, *primals, has_aux=False, reduce_axes=()):
    """Reverse-mode: ``fun(*primals)`` and a function pulling cotangents back."""
    raise _not_implemented("vjp")


def linearize(fun, *primals, has_aux=False):
    """``fun(*primals)`` and the linear map ``tangents -> J(primals) @ tangents``."""
    raise _not_implemented("linearize")


def jacfwd(fun, argnums=0, has_aux=False, holomorphic=False):
    """The Jacobian of ``fun``, computed column by column with forward mode."""
    raise _not_implemented("jacfwd")


def jacrev(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """The Jacobian of ``fun``, computed row by row with reverse mode."""
    raise _not_implemented("jacrev")


def hessian(fun, argnums=0, has_aux=False, holomorphic=False):
    """The Hessian of scalar-valued ``fun`` (``jacfwd(jacrev(fun))``)."""
    raise _not_implemented("hessian")


class custom_jvp:
    """A function with a custom forward-mode rule (decorator, as ``jax.custom_jvp``)."""

    def __init__(self, fun, nondiff_argnums=()):
        raise _not_implemented("custom_jvp")


class custom_vjp:
    """A function with a custom reverse-mode rule (decorator, as ``jax.custom_vjp``)."""

    def __init__(self, fun, nondiff_argnums=()):
        raise _not_implemented("custom_vjp")


def checkpoint(fun, *, prevent_cse=True, policy=None, static_argnums=()):
    """``fun`` whose intermediate values are recomputed, not stored, for reverse mode."""
    raise _not_implemented("checkpoint")


remat = checkpoint
