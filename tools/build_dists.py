"""Build a wheel and an sdist of every plax package with flit, into one ``dist/`` folder.

    python tools/build_dists.py [OUTDIR]        # default: dist/ at the repository root

``nox -s build`` runs this; so does the wheel-install test. A user then installs only what
they need: ``pip install --find-links dist plax-autodiff`` brings plax-core and nothing
else, ``pip install --find-links dist plax`` brings every package.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["core", "autodiff", "batching", "xla-backend", "numpy-api", "random", "stax",
            "optimizers", "parallel", "plax"]


def build(outdir: Path) -> list[Path]:
    """Build every package; returns the files written to ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    # flit checks classifiers against PyPI unless told not to: builds work offline
    env = {**os.environ, "FLIT_NO_NETWORK": "1"}
    written = []
    for name in PACKAGES:
        with tempfile.TemporaryDirectory() as tmp:
            # build from a copy, so nothing (dist/, caches) is left in the source tree
            src = Path(tmp) / name
            shutil.copytree(ROOT / "packages" / name, src,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info",
                                                          "dist", "build"))
            done = subprocess.run([sys.executable, "-m", "flit", "build", "--no-use-vcs"],
                                  cwd=src, env=env, capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"flit could not build packages/{name}:\n"
                                   f"{done.stdout}{done.stderr}")
            for f in (src / "dist").iterdir():
                target = outdir / f.name
                shutil.copy2(f, target)
                written.append(target)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"
    for path in build(out):
        print(path)
