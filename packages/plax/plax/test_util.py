"""``plax.test_util``: ``check_grads`` and friends (from plax-autodiff).

A re-export of ``plax_autodiff.test_util``: the same objects, under JAX's name.
"""

import plax_autodiff.test_util as _impl
from plax._forward import forward as _forward
from plax_autodiff.test_util import *  # noqa: F403

__getattr__, __dir__ = _forward(__name__, globals(), _impl)
