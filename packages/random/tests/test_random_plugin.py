"""plax-random imports, registers through its entry point, and exports JAX's names."""

import importlib.metadata

import plax_core
import plax_core.plugins
import plax_random
import plax_random.plugin

# jax.random's public samplers and key functions that plax-random provides.
JAX_NAMES = [
    "PRNGKey", "ball", "bernoulli", "beta", "bits", "categorical", "cauchy", "chisquare",
    "choice", "dirichlet", "double_sided_maxwell", "exponential", "f", "fold_in", "gamma",
    "generalized_normal", "geometric", "gumbel", "key", "key_data", "key_impl", "laplace",
    "loggamma", "logistic", "lognormal", "maxwell", "multivariate_normal", "normal",
    "orthogonal", "pareto", "permutation", "poisson", "rademacher", "randint", "rayleigh",
    "shuffle", "split", "t", "triangular", "truncated_normal", "uniform", "wald",
    "weibull_min", "wrap_key_data",
]


def test_imports_and_exports():
    assert "stub" not in plax_random.__doc__
    for name in plax_random.__all__:
        assert callable(getattr(plax_random, name)), name
    assert set(JAX_NAMES) <= set(plax_random.__all__)


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["random"].value == "plax_random.plugin"
    assert eps["random"].load() is plax_random.plugin


def test_plugin_loaded_by_core():
    plax_core.get_registry()
    assert plax_core.plugins.plugin_manager().get_plugin("random") is plax_random.plugin


def test_sources_import_only_core_numpy_and_stdlib():
    """docs/design.md, layer 1: plax-random depends on plax-core alone (and never on jax).

    The one exception is ``lowering.py``, the lowering rule of ``threefry2x32_p``, which
    uses plax-xla's public builder and is imported only where plax-xla is installed."""
    import ast
    import pathlib
    import sys

    allowed = {"plax_core", "plax_random", "numpy", "__future__"} | set(sys.stdlib_module_names)
    for path in pathlib.Path(plax_random.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module.split(".")[0]]
            bad = set(names) - allowed - ({"plax_xla"} if path.name == "lowering.py" else set())
            assert not bad, f"{path.name} imports {bad}"
