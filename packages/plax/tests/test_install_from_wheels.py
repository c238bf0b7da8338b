"""Installing piece by piece: wheels built from this repository install alone.

The wheels of every package are built into one folder (``tools/build_dists.py``, what
``nox -s build`` runs); then fresh virtual environments get (a) plax-core alone, (b)
plax-autodiff, which must bring plax-core and nothing else, and (c) the meta-package,
which brings everything; each runs a smoke check of what it promises. Third-party
dependencies (NumPy, SciPy, jaxlib, ...) come from the package index as for a user.
"""

import importlib.util
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(importlib.util.find_spec("flit") is None,
                                reason="flit is not installed (nox installs it)")


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_dists.py"), str(out)],
                   check=True, capture_output=True, timeout=300)
    return out


def _fresh_env(where: Path, dist: Path, requirement: str) -> Path:
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-compile",
                           "--disable-pip-version-check", "--find-links", str(dist),
                           requirement],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return python


def _installed_plax_distributions(python: Path) -> set:
    listing = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"],
                             capture_output=True, text=True, check=True, timeout=120).stdout
    return {d["name"] for d in json.loads(listing) if d["name"].startswith("plax")} | {
        d["name"] for d in json.loads(listing) if d["name"] == "jaxlib"}


def _run(python: Path, code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAX_")}
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                          timeout=300, env=env, cwd="/")
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_builds_a_wheel_and_an_sdist_of_every_package(dist):
    names = sorted(p.name for p in dist.iterdir())
    for dist_name in ["plax", "plax_core", "plax_autodiff", "plax_batching", "plax_xla",
                      "plax_numpy", "plax_random", "plax_stax", "plax_optimizers",
                      "plax_parallel"]:
        assert f"{dist_name}-0.1.0-py3-none-any.whl" in names, names
        assert f"{dist_name}-0.1.0.tar.gz" in names, names


def test_plax_core_alone_runs_on_the_numpy_backend(dist, tmp_path):
    python = _fresh_env(tmp_path / "core", dist, "plax-core")
    assert _installed_plax_distributions(python) == {"plax-core"}
    out = _run(python, """
import importlib.util, numpy as np
from plax_core import lax, make_jaxpr
from plax_core.backend import get_backend
assert get_backend().name == "numpy", get_backend()
np.testing.assert_allclose(lax.add(np.float32(1.5), np.float32(2.0)), 3.5)
print(make_jaxpr(lambda x: lax.tanh(x) * 2.0)(1.0))
assert importlib.util.find_spec("plax_autodiff") is None
try:
    from plax_core import transformations
    transformations.grad
except Exception as e:
    assert "pip install plax-autodiff" in str(e), e
    print("missing:", type(e).__name__)
""")
    assert "tanh" in out and "missing:" in out


def test_plax_autodiff_brings_plax_core_and_nothing_else(dist, tmp_path):
    python = _fresh_env(tmp_path / "autodiff", dist, "plax-autodiff")
    assert _installed_plax_distributions(python) == {"plax-core", "plax-autodiff"}
    out = _run(python, """
from plax_autodiff import grad
from plax_core import lax
print(float(grad(lax.tanh)(1.0)))
""")
    assert abs(float(out) - 0.4199743) < 1e-6


def test_the_meta_package_brings_everything(dist, tmp_path):
    python = _fresh_env(tmp_path / "plax", dist, "plax")
    assert _installed_plax_distributions(python) == {
        "plax", "plax-core", "plax-autodiff", "plax-batching", "plax-xla", "plax-numpy",
        "plax-random", "plax-stax", "plax-optimizers", "plax-parallel", "jaxlib"}
    out = _run(python, """
import numpy as np, plax, plax.numpy as jnp
from plax import grad, jit, vmap, random
from plax_core.backend import get_backend
assert get_backend().name == "xla", get_backend()
x = random.normal(random.PRNGKey(0), (4,))
g = jit(vmap(grad(lambda v: jnp.sum(jnp.tanh(v) ** 2))))(x[:, None])
np.testing.assert_allclose(np.asarray(g)[:, 0],
                           2 * np.tanh(x) * (1 - np.tanh(x) ** 2), rtol=1e-5)
print("ok")
""")
    assert out.strip() == "ok"
