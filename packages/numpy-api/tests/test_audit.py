"""Audit: every public plax.numpy / linalg / fft / scipy.special / nn function
is exercised by at least one test file in this directory.

The check is textual: a name counts as exercised when some test source (other than the
name lists of test_coverage.py and this audit) calls it as ``.<name>(`` / ``.<name>[`` or
names it as a quoted string (the parametrize tables that ``getattr(jnp, name)`` reads).
Names that are not functions (dtypes, constants, classes, index helpers) are allow-listed
in ``NOT_FUNCTIONS``.  Functions still lacking a test are listed in ``KNOWN_UNTESTED``;
that set should only shrink (the test also fails when a listed name gains a test, so the
list stays accurate).
"""

import importlib
import pathlib
import re

import pytest

import plax_numpy as jnp

TESTS = pathlib.Path(__file__).parent
SKIP_FILES = {"test_coverage.py", "test_audit.py"}

# Public names that are not functions: dtypes and scalar types, constants, classes,
# submodules and index-expression objects.
NOT_FUNCTIONS = set("""
    bfloat16 bool bool_ cdouble character complex128 complex64 complex_ complexfloating
    csingle double dtype flexible float16 float32 float64 float_ floating generic inexact
    int16 int32 int64 int8 int_ integer number object_ signedinteger single uint uint16
    uint32 uint64 uint8 unsignedinteger float8_e4m3fn float8_e5m2 float8_e4m3b11fnuz
    float8_e4m3fnuz float8_e5m2fnuz float8_e3m4 float8_e4m3 float8_e8m0fnu float4_e2m1fn
    float6_e2m3fn float6_e3m2fn int1 int2 int4 uint1 uint2 uint4
    e pi inf nan euler_gamma newaxis ndarray ufunc ComplexWarning
    linalg fft nn scipy special initializers
    s_ r_ c_ mgrid ogrid index_exp float0
    EigResult EighResult QRResult SVDResult SlogdetResult
""".split())

# Functions with no test yet.  Keep this list shrinking: add an oracle test (NumPy/SciPy
# values and result dtype over generated shapes) and remove the name.
KNOWN_UNTESTED = {
    "plax_numpy": set(),
    "plax_numpy.linalg": set(),
    "plax_numpy.fft": set(),
    "plax_numpy.scipy.special": set(),
    "plax_numpy.nn": set(),
}


def _sources():
    return "\n".join(p.read_text() for p in sorted(TESTS.glob("test_*.py"))
                     if p.name not in SKIP_FILES)


def _public_names(path):
    module = importlib.import_module(path)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    return sorted(set(names))


ORACLE_PREFIXES = ("np", "numpy", "scipy", "ml_dtypes", "math", "S")


def exercised(name, text):
    n = re.escape(name)
    if re.search(rf"[\"']{n}[\"']", text):          # "name" in a parametrize table
        return True
    for m in re.finditer(rf"([\w.]+)\.{n}\s*[\(\[]", text):  # jnp.name( / jnp.name[
        if m.group(1).split(".")[0] not in ORACLE_PREFIXES:    # not the NumPy oracle
            return True
    return False


def untested(path, text=None):
    text = _sources() if text is None else text
    return sorted(n for n in _public_names(path)
                  if n not in NOT_FUNCTIONS and not exercised(n, text))


@pytest.mark.parametrize("path", list(KNOWN_UNTESTED))
def test_every_public_function_is_tested(path):
    text = _sources()
    lacking = set(untested(path, text))
    known = KNOWN_UNTESTED[path]
    print(f"\n{path}: {len(lacking)} untested: {' '.join(sorted(lacking))}")
    new = lacking - known
    assert not new, f"{path}: public functions without a test: {sorted(new)}"
    stale = known - lacking
    assert not stale, f"{path}: now tested, remove from KNOWN_UNTESTED: {sorted(stale)}"


def test_allow_listed_names_are_not_functions():
    # Every allow-listed name that plax exports is really not a plain function.
    for n in NOT_FUNCTIONS & set(jnp.__all__):
        obj = getattr(jnp, n)
        assert not (callable(obj) and type(obj).__name__ == "function"), n
