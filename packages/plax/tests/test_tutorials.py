"""The tutorials' code runs and prints what the pages show.

Each ```pycon block of ``docs/tutorials/*.md`` holds ``>>>`` examples with their
printed output; the blocks of one page run in order in one namespace, as a reader
would type them, and doctest compares every output with the page. A page may name
what it needs in a ``<!-- requires: name -->`` comment (a module, or a name inside
one such as ``plax.pmap``); it is skipped without it. A page that needs a fresh
process, because it sets something read once at startup (the number of CPU devices),
says so in an ``<!-- env: NAME=value ... -->`` comment: it then runs in a new Python
process with those variables (this file run as a script).
"""

import doctest
import importlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TUTORIALS = Path(__file__).resolve().parents[3] / "docs" / "tutorials"
PAGES = sorted(TUTORIALS.glob("*.md")) if TUTORIALS.is_dir() else []
BLOCK = re.compile(r"^```pycon\n(.*?)^```$", re.S | re.M)
REQUIRES = re.compile(r"<!-- requires: ([\w.]+) -->")
ENV = re.compile(r"<!-- env: ((?:\w+=\S+ ?)+) -->")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _doctest(page):
    text = page.read_text()
    blocks = BLOCK.findall(text)
    # Keep each example's line number in the page, for readable failures.
    source = "\n".join(blocks)
    test = doctest.DocTestParser().get_doctest(source, {"__name__": "__tutorial__"},
                                               page.stem, str(page), 0)
    return test, REQUIRES.findall(text)


def _available(name):
    """Whether ``name`` is a module, or an attribute path inside one, that exists here."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        module = ".".join(parts[:i])
        try:
            if importlib.util.find_spec(module) is None:
                continue
        except ModuleNotFoundError:
            continue
        obj = importlib.import_module(module)
        for attr in parts[i:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def _run(page):
    """Run a page's examples here; return (number failed, doctest's report)."""
    test, _ = _doctest(page)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    runner.run(test, out=report.append)
    return runner.summarize(verbose=False).failed, "".join(report)


@pytest.mark.skipif(not PAGES, reason="docs/tutorials is not here (an installed plax)")
@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_tutorial_outputs_match_the_page(page):
    test, requires = _doctest(page)
    for name in requires:
        if not _available(name):
            pytest.skip(f"{page.name} needs {name}")
    assert test.examples, f"{page.name} has no ```pycon examples"
    env = ENV.search(page.read_text())
    if env is None:
        failed, report = _run(page)
        assert failed == 0, report
        return
    variables = dict(item.split("=", 1) for item in env.group(1).split())
    done = subprocess.run([sys.executable, __file__, str(page)], capture_output=True,
                          text=True, env={**os.environ, **variables}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]


if __name__ == "__main__":  # one page in this process: ``python test_tutorials.py PAGE``
    failed, report = _run(Path(sys.argv[1]))
    print(report)
    sys.exit(1 if failed else 0)
