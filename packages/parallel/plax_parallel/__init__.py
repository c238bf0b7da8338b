"""plax-parallel: collectives over named axes, ``pmap``, ``shard_map`` and sharding.

The collectives (``collectives.py``) are primitives with JVP, transpose and batching
rules (``rules.py``), so they work under ``vmap(f, axis_name=...)`` with no devices at
all; under ``pmap`` and ``shard_map`` they lower to XLA's collectives
(``lowering.py``).  ``sharding.py`` holds JAX's sharding names and
``with_sharding_constraint``; ``devices.py`` the device/process queries.  The package
depends on plax-core alone and registers through the ``plax`` entry-point group; the
multi-device compilation is plax-xla's (``compile_pmap``, ``compile_shard_map``,
``jit(in_shardings=...)``).
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
from .devices import (  # noqa: E402
    device_count,
    local_device_count,
    local_devices,
    make_array_from_callback,
    make_array_from_process_local_data,
    make_array_from_single_device_arrays,
    process_allgather,
    process_count,
    process_index,
)
from .pmap import pmap  # noqa: E402
from .shard_map import shard_map  # noqa: E402
from .sharding import with_sharding_constraint  # noqa: E402

__version__ = "0.1.0"
__all__ = ["device_count", "local_device_count", "local_devices",
           "make_array_from_callback", "make_array_from_process_local_data",
           "make_array_from_single_device_arrays", "process_allgather", "process_count",
           "process_index",
           "shard_map", "with_sharding_constraint",
           "all_gather", "all_to_all", "axis_index", "axis_size", "extend_axis_env",
           "pmap", "pmax", "pmean", "pmin", "ppermute", "pshuffle", "psum", "psum_scatter",
           # the primitives, as jax.lax exposes them
           "all_gather_p", "all_to_all_p", "axis_index_p", "pmax_p", "pmin_p", "ppermute_p",
           "psum_p", "psum_scatter_p"]
