"""plax-autodiff's plugin module (entry point ``autodiff`` in the ``plax`` group)."""

import plax_autodiff
from plax_core.plugins import hookimpl

TRANSFORMATIONS = ("grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "hessian",
                   "linearize")


@hookimpl
def plax_register_transformations(registry):
    for name in TRANSFORMATIONS:
        registry.add_transformation(name, getattr(plax_autodiff, name))
