"""plax-parallel: collectives over named axes, ``pmap``, and (later) sharding.

The collectives (``collectives.py``) are primitives with JVP, transpose and batching
rules (``rules.py``), so they work under ``vmap(f, axis_name=...)`` with no devices at
all; under ``pmap`` they lower to XLA's collectives (``lowering.py``).  The package
depends on plax-core alone and registers through the ``plax`` entry-point group.
"""

from .axis_env import extend_axis_env
from .collectives import (
    all_gather,
    all_gather_p,
    all_to_all,
    all_to_all_p,
    axis_index,
    axis_index_p,
    axis_size,
    pmax,
    pmax_p,
    pmean,
    pmin,
    pmin_p,
    ppermute,
    ppermute_p,
    pshuffle,
    psum,
    psum_p,
    psum_scatter,
    psum_scatter_p,
)
from .pmap import pmap  # noqa: E402

__version__ = "0.1.0"
__all__ = ["all_gather", "all_to_all", "axis_index", "axis_size", "extend_axis_env",
           "pmap", "pmax", "pmean", "pmin", "ppermute", "pshuffle", "psum", "psum_scatter",
           # the primitives, as jax.lax exposes them
           "all_gather_p", "all_to_all_p", "axis_index_p", "pmax_p", "pmin_p", "ppermute_p",
           "psum_p", "psum_scatter_p"]
