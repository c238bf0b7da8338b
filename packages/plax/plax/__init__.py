"""plax: composable transformations of numerical Python functions, with JAX's API.

This meta-package gives the single ``plax`` namespace over the plax packages:
``from plax import grad, jit, vmap, random``, ``import plax.numpy as jnp``,
``plax.lax``, ``plax.scipy``, ``plax.nn``, ``plax.tree``, ``plax.tree_util``,
``plax.errors``, ``plax.debug``, ``plax.experimental``, ``plax.sharding``,
``plax.distributed``, ``plax.stax``,
``plax.optimizers``, ``plax.config``. It holds no code of its own: every name is the
very object of the package that implements it (plax-core, plax-autodiff,
plax-batching, plax-xla, plax-parallel, plax-numpy, plax-random, plax-stax, plax-optimizers).
"""

from plax_parallel import (
    device_count,
    local_device_count,
    local_devices,
    make_array_from_callback,
    make_array_from_process_local_data,
    make_array_from_single_device_arrays,
    pmap,
    process_count,
    process_index,
    shard_map,
)

# The submodules reachable as attributes right after ``import plax``, as in JAX.
from plax import (
    debug,
    distributed,
    dtypes,
    errors,
    experimental,
    export,
    lax,
    nn,
    numpy,
    random,
    scipy,
    sharding,
    tree,
    tree_util,
)
from plax_autodiff import (
    checkpoint,
    custom_jvp,
    custom_vjp,
    grad,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    remat,
    value_and_grad,
    vjp,
)
from plax_batching import vmap
from plax_core import (
    Array,
    ShapedArray,
    ShapeDtypeStruct,
    block_until_ready,
    clear_caches,
    default_backend,
    device_put,
    devices,
    eval_jaxpr,
    eval_shape,
    live_arrays,
    make_jaxpr,
)
from plax_core.callbacks import effects_barrier, pure_callback
from plax_core.config import config
from plax_core.eval_control import disable_jit, ensure_compile_time_eval
from plax_xla import jit

__version__ = "0.1.0"

__all__ = [
    # transformations
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
    "vmap",
    "jit",
    "pmap",
    "shard_map",
    # devices, processes and sharded arrays
    "device_count",
    "local_device_count",
    "local_devices",
    "process_index",
    "process_count",
    "make_array_from_callback",
    "make_array_from_process_local_data",
    "make_array_from_single_device_arrays",
    # debugging and callbacks
    "debug",
    "pure_callback",
    "effects_barrier",
    "disable_jit",
    "ensure_compile_time_eval",
    # jaxprs, arrays and devices
    "make_jaxpr",
    "eval_jaxpr",
    "eval_shape",
    "clear_caches",
    "device_put",
    "devices",
    "default_backend",
    "block_until_ready",
    "live_arrays",
    "ShapedArray",
    "ShapeDtypeStruct",
    "Array",
    "config",
    # submodules
    "distributed",
    "dtypes",
    "errors",
    "experimental",
    "export",
    "lax",
    "nn",
    "numpy",
    "random",
    "scipy",
    "sharding",
    "tree",
    "tree_util",
]
