"""Sessions for the plax monorepo: one per package, plus tests, lint, demo and bench.

    python3 -m nox -l              # list sessions
    python3 -m nox                 # lint + tests (the whole suite; what .ci/run runs)
    python3 -m nox -s core         # one package, alone in a fresh venv, non-editable
    python3 -m nox -s demo         # examples/tour.py
    python3 -m nox -s docs         # the Sphinx site in docs/_build/html, checked in Chromium
    python3 -m nox -s core -- -k dtypes -x   # arguments after -- go to pytest

Every local package is installed from its directory, and all of a session's packages in
ONE pip command, so pip resolves ``plax-core`` & co. to the directories here, never to
an index. Environment variables (``PLAX_NUM_GENERATED_CASES``, ``PLAX_ENABLE_X64``,
``PLAX_PLATFORMS``) pass through to the tests.
"""

import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent

nox.options.sessions = ["lint", "tests"]
nox.options.default_venv_backend = "venv"  # stdlib venv: nox needs nothing else

# session name -> package directory under packages/
PACKAGES = {
    "core": "core",
    "autodiff": "autodiff",
    "batching": "batching",
    "xla": "xla-backend",
    "numpy": "numpy-api",
    "random": "random",
    "stax": "stax",
    "optimizers": "optimizers",
    "parallel": "parallel",
    "plax": "plax",
}

# session name -> the local packages it needs besides its own (layers: docs/design.md)
LOCAL_DEPS = {
    "core": [],
    "autodiff": ["core"],
    "batching": ["core"],
    "xla": ["core"],
    "numpy": ["core"],
    "random": ["core"],
    "stax": ["core", "numpy", "random"],
    "optimizers": ["core", "numpy"],
    # plax-parallel depends on core alone; its tests run the collectives under vmap,
    # grad and jit and on several XLA devices
    "parallel": ["core", "autodiff", "batching", "xla", "numpy"],
    "plax": [name for name in PACKAGES if name != "plax"],
}

# The third-party plugins that core's tests install to prove the extension story: a
# transformation, a primitive with every rule, a backend (docs/plugins.md walks through them).
THIRDPARTY = [f"packages/core/tests/thirdparty/{name}"
              for name in ("plax-countprims", "plax-diffop", "plax-checkbackend")]

TEST_TOOLS = ["pytest", "pytest-xdist", "flit"]  # flit: the wheel-install test builds
RUFF = "ruff==0.17.6"


def _path(name):
    return f"packages/{PACKAGES[name]}"


def _tests(name):
    return f"packages/{PACKAGES[name]}/tests"


def _pytest(session, *test_dirs):
    # With plax-xla installed every eager op compiles once; tests don't need optimised code.
    session.env.setdefault("PLAX_XLA_OPT_LEVEL", "0")
    # Test workers, sessions and later runs share compiled executables on disk (a cache
    # beside the session venvs, so recreating a venv keeps it; keys cover the program,
    # options, flags and jaxlib version, so a stale entry is never used)
    session.env.setdefault("PLAX_COMPILATION_CACHE_DIR", str(ROOT / ".nox" / "xla-cache"))
    session.env.setdefault("PLAX_REQUIRE_THIRDPARTY", "1" if session.name in ("core", "tests")
                           else "0")
    # plax-parallel's tests need several CPU devices; the count is read when the client
    # is made, so it is set for the whole run (everything else stays on device 0)
    if session.name in ("parallel", "tests"):
        session.env.setdefault("PLAX_NUM_CPU_DEVICES", "8")
    session.run("pytest", "-n", "auto", "--import-mode=importlib", *test_dirs,
                *session.posargs)


def _package_session(name):
    def session_fn(session):
        paths = [_path(dep) for dep in LOCAL_DEPS[name]] + [_path(name)]
        if name == "core":
            paths += THIRDPARTY
        session.install(*TEST_TOOLS, *paths)
        _pytest(session, _tests(name))

    local = ", ".join([name, *LOCAL_DEPS[name]])
    session_fn.__doc__ = f"Test plax-{name} alone: a fresh venv with {local} (non-editable)."
    if name == "core":
        session_fn.__doc__ = "Test plax-core alone (+ the third-party plugins of its tests)."
    if name == "plax":
        session_fn.__doc__ = "Test the meta-package plax: a fresh venv with every package."
    return session_fn


for _name in PACKAGES:
    nox.session(name=_name)(_package_session(_name))


@nox.session
def tests(session):
    """The whole suite: every package installed editable together, all tests."""
    editable = []
    for name in PACKAGES:
        editable += ["-e", _path(name)]
    session.install(*TEST_TOOLS, *editable, *THIRDPARTY)
    _pytest(session, *[_tests(name) for name in PACKAGES])


@nox.session
def build(session):
    """Build a wheel and an sdist of every package with flit into ``dist/``.

    Then ``pip install --find-links dist plax-autodiff`` installs plax-autodiff and
    plax-core only; ``pip install --find-links dist plax`` installs everything.
    """
    session.install("flit")
    session.run("python", "tools/build_dists.py", str(ROOT / "dist"))


@nox.session
def lint(session):
    """ruff over the repository (settings: ruff.toml)."""
    session.install(RUFF)
    session.run("ruff", "check", ".", *session.posargs)


def _install_all(session, *extra):
    paths = [_path(name) for name in PACKAGES if name != "plax"]
    session.install(*paths, "packages/plax[examples]", *extra)


DEMO_EXAMPLES = ["tour.py", "digits_classifier.py", "per_example_gradients.py",
                 "hessian_vector.py", "kernel_regression.py", "data_parallel.py"]
# examples that need several CPU devices
DEMO_ENV = {"data_parallel.py": {"PLAX_NUM_CPU_DEVICES": "4"}}


@nox.session
def demo(session):
    """Install plax (non-editable, with the [examples] extra) and run every example:
    the tour, the digits classifier (>= 97% test accuracy), then the others.

    Arguments after ``--`` go to every example (``-- --fast`` for a quick smoke run).
    """
    import time
    _install_all(session)
    start = time.perf_counter()
    for name in DEMO_EXAMPLES:
        session.log(f"== examples/{name}")
        began = time.perf_counter()
        session.run("python", f"examples/{name}", *session.posargs,
                    env=DEMO_ENV.get(name, {}))
        session.log(f"== examples/{name} took {time.perf_counter() - began:.1f} s")
    session.log(f"demo: {len(DEMO_EXAMPLES)} examples in {time.perf_counter() - start:.1f} s")


@nox.session
def bench(session):
    """Run benchmarks/run.py: plax, and JAX side by side (jax installed in this venv only).

    ``PLAX_BENCH_NO_JAX=1`` skips installing and timing JAX; arguments after ``--`` go
    to run.py (``--only matmul``, ``--rounds 5``, ``--warm-cache``).  ``-- --torch``
    adds the PyTorch column: torch is installed in this venv only when asked, CPU wheel
    from PyTorch's index (PyPI's pulls ~3 GB of CUDA wheels); ``--torch-python PATH``
    times a torch installed elsewhere instead.
    """
    import os
    _install_all(session)
    args = list(session.posargs)
    if os.environ.get("PLAX_BENCH_NO_JAX") == "1":
        args.append("--no-jax")
    else:
        session.install("jax==0.10.2", "jaxlib==0.10.2")
    if "--torch" in args and not any(a.startswith("--torch-python") for a in args):
        session.install("torch")     # the package index's wheel: ~5 GB with its CUDA libraries
    session.run("python", "benchmarks/run.py", *args)


DOC_TOOLS = ["sphinx>=9,<10", "myst-parser>=5", "furo>=2025.12.19"]


@nox.session
def docs(session):
    """Build the HTML docs into ``docs/_build/html`` (warnings are errors, offline), then
    check the built site in Chromium (``docs/tests/test_site.py``).

    The browser is Playwright's Chromium, or a system one (``chromium``) where
    Playwright's download is unavailable; the browser test skips where neither runs.
    """
    _install_all(session, *DOC_TOOLS, "pytest", "playwright")
    session.env.setdefault("PLAX_PLATFORMS", "cpu")
    session.env.setdefault("PLAX_XLA_OPT_LEVEL", "0")
    session.run("python", "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html",
                "docs", "docs/_build/html")
    # A failed browser download is not a failed build: the test then looks for a system
    # Chromium, and skips without one.
    if shutil.which("chromium") is None:        # a system Chromium serves the test as is
        session.run("python", "-m", "playwright", "install", "chromium", success_codes=[0, 1])
    # The tutorials' doctests again, here with the [examples] extra (scikit-learn) that
    # the training page needs and the tests session lacks.
    session.run("pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-q", "-rs",
                "docs/tests", "packages/plax/tests/test_tutorials.py", *session.posargs)
