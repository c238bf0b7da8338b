"""The tutorials' code runs and prints what the pages show.

Each ```pycon block of ``docs/tutorials/*.md`` holds ``>>>`` examples with their
printed output; the blocks of one page run in order in one namespace, as a reader
would type them, and doctest compares every output with the page. A page may name
a module it needs in a ``<!-- requires: name -->`` comment; it is skipped without it.
"""

import doctest
import importlib.util
import re
from pathlib import Path

import pytest

TUTORIALS = Path(__file__).resolve().parents[3] / "docs" / "tutorials"
PAGES = sorted(TUTORIALS.glob("*.md")) if TUTORIALS.is_dir() else []
BLOCK = re.compile(r"^```pycon\n(.*?)^```$", re.S | re.M)
REQUIRES = re.compile(r"<!-- requires: ([\w.]+) -->")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _doctest(page):
    text = page.read_text()
    blocks = BLOCK.findall(text)
    # Keep each example's line number in the page, for readable failures.
    source = "\n".join(blocks)
    test = doctest.DocTestParser().get_doctest(source, {"__name__": "__tutorial__"},
                                               page.stem, str(page), 0)
    return test, REQUIRES.findall(text)


@pytest.mark.skipif(not PAGES, reason="docs/tutorials is not here (an installed plax)")
@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_tutorial_outputs_match_the_page(page):
    test, requires = _doctest(page)
    for name in requires:
        if importlib.util.find_spec(name) is None:
            pytest.skip(f"{page.name} needs {name}")
    assert test.examples, f"{page.name} has no ```pycon examples"
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(report)
