"""Every script in examples/ runs to completion in its fast mode (a subprocess each).

The examples live at the repository root, next to packages/; when the tests run from
an installed sdist without them, the tests skip.  The digits classifier needs
scikit-learn (the [examples] extra) for its data set and skips without it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
NEEDS = {"digits_classifier.py": ["sklearn"], "data_parallel.py": ["sklearn"]}
SCRIPTS = ["tour.py", "digits_classifier.py", "per_example_gradients.py",
           "hessian_vector.py", "kernel_regression.py", "data_parallel.py"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_runs_in_fast_mode(script, tmp_path):
    path = EXAMPLES / script
    if not path.exists():
        pytest.skip(f"{path} is not here (tests run outside the repository)")
    for module in NEEDS.get(script, []):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{script} needs {module} (pip install 'plax[examples]')")
    args = [sys.executable, str(path), "--fast"]
    if script == "digits_classifier.py":
        args += ["--no-progress"]
        if importlib.util.find_spec("matplotlib") is not None:
            args += ["--plot", str(tmp_path / "curves.png")]
    env = dict(os.environ, MPLBACKEND="Agg")
    if script == "data_parallel.py":         # data-parallel over 4 CPU devices
        env["PLAX_NUM_CPU_DEVICES"] = "4"
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.strip(), "the example printed nothing"
    if "--plot" in args:
        assert (tmp_path / "curves.png").stat().st_size > 0


def test_every_example_is_tested():
    if not EXAMPLES.exists():
        pytest.skip("examples/ is not here")
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(SCRIPTS)
