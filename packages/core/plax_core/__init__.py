"""plax-core: primitives, tracing, jaxprs, pytrees, dtypes, lax, and the plugin system.

Everything a transformation, backend or library package builds on.  Core imports no
sibling package and no jaxlib; the NumPy reference backend makes it usable alone.
"""

from . import (
    array_methods,  # noqa: F401  (gives Array and Tracer NumPy's operators and methods)
    dtypes,
    errors,
    lax,
    tree_util,
)
from .array import Array
from .backend import (
    Backend,
    BackendUnavailable,
    block_until_ready,
    default_backend,
    device_put,
    devices,
    get_backend,
    live_arrays,
)
from .caches import clear_caches, register_cache_clearer
from .config import config
from .core import (
    ConcretizationTypeError,
    EscapedTracerError,
    MainTrace,
    Primitive,
    ShapedArray,
    ShapeDtypeStruct,
    Trace,
    Tracer,
    get_aval,
    new_main,
)
from .jaxpr import (
    ClosedJaxpr,
    Jaxpr,
    JaxprEqn,
    Literal,
    Var,
    eval_jaxpr,
    eval_shape,
    make_jaxpr,
    trace_to_jaxpr,
)
from .plugins import get_registry, hookimpl
from .registry import MissingRuleError, Registry, RuleTable

# Which distribution provides each of plax's own transformations, for the error message
# when it is not installed.
_PROVIDERS = {
    **dict.fromkeys(["jit"], "plax-xla"),
    **dict.fromkeys(["vmap"], "plax-batching"),
    **dict.fromkeys(["checkpoint", "closure_convert", "custom_jvp", "custom_vjp", "grad",
                     "hessian", "jacfwd", "jacrev", "jvp", "linearize", "remat",
                     "stop_gradient", "value_and_grad", "vjp"], "plax-autodiff"),
}


class _Transformations:
    """Attribute access to the transformations plugins registered (``registry.transformations``)."""

    def __getattr__(self, name):
        table = get_registry().transformations
        if name not in table:
            hint = (f" It is provided by {_PROVIDERS[name]}: pip install {_PROVIDERS[name]}"
                    f" (or pip install plax for everything)." if name in _PROVIDERS else "")
            raise AttributeError(f"No plax transformation named '{name}' is installed; "
                                 f"installed: {', '.join(sorted(table)) or 'none'}.{hint}")
        return table[name]

    def __dir__(self):
        return sorted(get_registry().transformations)


transformations = _Transformations()

__version__ = "0.1.0"
__all__ = [
    "clear_caches", "register_cache_clearer",
    "Array", "Backend", "BackendUnavailable", "ClosedJaxpr", "ConcretizationTypeError",
    "EscapedTracerError", "Jaxpr", "JaxprEqn", "Literal", "MainTrace", "MissingRuleError",
    "Primitive", "Registry", "RuleTable", "ShapeDtypeStruct", "ShapedArray", "Trace",
    "Tracer", "Var", "block_until_ready", "config", "default_backend", "device_put",
    "devices", "dtypes", "errors", "eval_jaxpr", "eval_shape", "get_aval", "get_backend",
    "get_registry", "hookimpl", "live_arrays",
    "lax", "make_jaxpr", "new_main", "trace_to_jaxpr", "transformations", "tree_util",
]
register_cache_clearer(dtypes._lub.cache_clear)
