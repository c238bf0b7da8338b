"""``plax.lax``: the user-facing functions over core's primitives, with JAX's signatures.

Each family module in ``prims`` defines its primitives and their functions; this module
is the public namespace: every family's ``__all__``, plus the primitives themselves as
``lax.add_p`` and friends (as JAX exposes them, outside ``__all__``).  lax is strict
where ``plax.numpy`` is lenient: no implicit rank promotion and no dtype promotion
beyond weakly typed Python scalars.
"""

from .ad_util import stop_gradient, stop_gradient_p  # noqa: F401  (public names)
from .core import Primitive as _Primitive
from .prims import family_modules as _family_modules


def _export() -> list[str]:
    public = {"stop_gradient"}
    for module in _family_modules():
        exported = getattr(module, "__all__", ())
        for name in exported:
            globals()[name] = getattr(module, name)
        public.update(exported)
        for name, value in vars(module).items():
            if name.endswith("_p") and isinstance(value, _Primitive):
                globals()[name] = value
    return sorted(public)


__all__ = _export()

# Functions of jax.lax written over the primitives above (no primitives of their own),
# and jax.lax.linalg as a submodule.
from . import lax_linalg as linalg  # noqa: E402,F401
from .lax_more import *  # noqa: E402,F403
from .lax_more import __all__ as _more  # noqa: E402

__all__ = sorted(set(__all__) | set(_more))
del _more
