"""plax-optimizers: first-order optimizers as ``(init_fun, update_fun, get_params)``
triples, as ``jax.example_libraries.optimizers``.

This package is a stub, filled by issue #8. It already plugs into plax-core through
the ``plax`` entry-point group (its ``plax_register_rules`` hook does nothing yet), so
the plugin wiring works and is tested, but every public function raises
``NotImplementedError``. The signatures are JAX's.
"""

__all__ = [
    "optimizer",
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "rmsprop_momentum",
    "adam",
    "adamax",
    "sm3",
    "constant",
    "exponential_decay",
    "inverse_time_decay",
    "polynomial_decay",
    "piecewise_constant",
    "make_schedule",
    "l2_norm",
    "clip_grads",
    "pack_optimizer_state",
    "unpack_optimizer_state",
]


def _not_implemented(name):
    return NotImplementedError(
        f"plax.optimizers.{name} is not implemented yet: plax-optimizers is a stub (issue #8)"
    )


def optimizer(opt_maker):
    """Decorator lifting an optimizer over arrays to one over pytrees of arrays."""
    raise _not_implemented("optimizer")


def sgd(step_size):
    """Stochastic gradient descent."""
    raise _not_implemented("sgd")


def momentum(step_size, mass):
    """Gradient descent with momentum."""
    raise _not_implemented("momentum")


def nesterov(step_size, mass):
    """Gradient descent with Nesterov momentum."""
    raise _not_implemented("nesterov")


def adagrad(step_size, momentum=0.9):
    """Adagrad."""
    raise _not_implemented("adagrad")


def rmsprop(step_size, gamma=0.9, eps=1e-8):
    """RMSProp."""
    raise _not_implemented("rmsprop")


def rmsprop_momentum(step_size, gamma=0.9, eps=1e-8, momentum=0.9):
    """RMSProp with momentum."""
    raise _not_implemented("rmsprop_momentum")


def adam(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """Adam."""
    raise _not_implemented("adam")


def adamax(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """AdaMax (Adam with the infinity norm)."""
    raise _not_implemented("adamax")


def sm3(step_size, momentum=0.9):
    """SM3."""
    raise _not_implemented("sm3")


def constant(step_size):
    """A constant step-size schedule."""
    raise _not_implemented("constant")


def exponential_decay(step_size, decay_steps, decay_rate):
    """An exponentially decaying step-size schedule."""
    raise _not_implemented("exponential_decay")


def inverse_time_decay(step_size, decay_steps, decay_rate, staircase=False):
    """An inverse-time decaying step-size schedule."""
    raise _not_implemented("inverse_time_decay")


def polynomial_decay(step_size, decay_steps, final_step_size, power=1.0):
    """A polynomially decaying step-size schedule."""
    raise _not_implemented("polynomial_decay")


def piecewise_constant(boundaries, values):
    """A piecewise-constant step-size schedule."""
    raise _not_implemented("piecewise_constant")


def make_schedule(scalar_or_schedule):
    """A schedule from a constant step size or a schedule."""
    raise _not_implemented("make_schedule")


def l2_norm(tree):
    """The l2 norm of all leaves of a pytree."""
    raise _not_implemented("l2_norm")


def clip_grads(grad_tree, max_norm):
    """``grad_tree`` scaled so that its l2 norm is at most ``max_norm``."""
    raise _not_implemented("clip_grads")


def pack_optimizer_state(marked_pytree):
    """An optimizer state from the pytree ``unpack_optimizer_state`` made."""
    raise _not_implemented("pack_optimizer_state")


def unpack_optimizer_state(opt_state):
    """An optimizer state as a plain pytree (for saving)."""
    raise _not_implemented("unpack_optimizer_state")
