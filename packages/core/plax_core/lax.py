"""``plax.lax``: the user-facing functions over core's primitives, with JAX's signatures.

Each family module defines its primitives and their functions; this module is the
public namespace.  lax is strict where ``plax.numpy`` is lenient: no implicit rank
promotion and no dtype promotion beyond weakly typed Python scalars.
"""

from .ad_util import stop_gradient, stop_gradient_p  # noqa: F401
from .prims.control_flow import *  # noqa: F401,F403
from .prims.control_flow import __all__ as _control_flow_all
from .prims.elementwise import *  # noqa: F401,F403
from .prims.elementwise import __all__ as _elementwise_all
from .prims.reductions import *  # noqa: F401,F403
from .prims.reductions import __all__ as _reductions_all
from .prims.structural import *  # noqa: F401,F403
from .prims.structural import __all__ as _structural_all
from .prims.windowed import *  # noqa: F401,F403
from .prims.windowed import __all__ as _windowed_all

__all__ = sorted(set(_elementwise_all) | set(_structural_all) | set(_reductions_all)
                 | set(_windowed_all)
                 | set(_control_flow_all) | {"stop_gradient"})


def _export_primitives():
    """``lax.add_p`` and friends, as JAX exposes them (not part of ``__all__``)."""
    from .core import Primitive
    from .prims import control_flow, elementwise, elementwise_math, reductions, structural, windowed
    for module in (elementwise, elementwise_math, structural, reductions, windowed,
                   control_flow):
        for name, value in vars(module).items():
            if name.endswith("_p") and isinstance(value, Primitive):
                globals()[name] = value


_export_primitives()
