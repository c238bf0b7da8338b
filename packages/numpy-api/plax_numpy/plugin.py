"""plax-numpy's plugin module (entry point ``plax: numpy``).

plax.numpy is a library over core's primitives: it adds no primitive and no rule, so
its hook has nothing to register.  It is here so that the package announces itself the
way every plax package does, and so that a later primitive (e.g. a linear-algebra one)
has a place to register its rules.
"""

from plax_core.plugins import hookimpl


@hookimpl
def plax_register_rules(registry):
    """No rules: plax.numpy is built from core's primitives."""
