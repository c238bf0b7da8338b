"""Gradient audit: every differentiable public plax.numpy / linalg / fft /
scipy.special / nn function has its derivatives checked by ``check_grads``.

The check is textual, like test_audit.py. A *grad region* of a test file is a top-level
test function whose body calls ``check_grads(``, together with its decorators (the
parametrize tables) and the module-level assignments it reads (``GRAD_CASES`` tables and
the like). A name counts as grad-checked when a grad region calls it as ``.<name>(`` /
``.<name>[`` (not on the NumPy/SciPy oracle) or names it as a quoted string.

Functions without a meaningful gradient (integer/bool results, predicates, creation from
shapes, index and dtype utilities, piecewise-constant results) are listed with a reason
in ``NOT_DIFFERENTIABLE``. Differentiable functions still lacking a check are listed in
``KNOWN_UNCHECKED``; that set should only shrink (the test fails when a listed name gains
a check, so the list stays accurate).
"""

import ast
import importlib.util
import pathlib
import re

import pytest

TESTS = pathlib.Path(__file__).parent

# Reuse test_audit.py's name lists (loaded by path: the tests directory is not a package).
_spec = importlib.util.spec_from_file_location("_plax_test_audit", TESTS / "test_audit.py")
_audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_audit)
NOT_FUNCTIONS, ORACLE_PREFIXES, _public_names = (
    _audit.NOT_FUNCTIONS, _audit.ORACLE_PREFIXES, _audit._public_names)
SKIP_FILES = {"test_coverage.py", "test_audit.py", "test_grad_audit.py"}

_INT = "integer or boolean result"
_PRED = "predicate / comparison: boolean result"
_SHAPE = "created from shapes or scalars, no array input to differentiate"
_INDEX = "returns indices"
_DTYPE = "dtype / type / shape utility"
_ROUND = "piecewise constant: zero gradient almost everywhere"
_SET = "set operation: selects or counts elements, result is data-dependent in shape"
_IO = "I/O or printing"
_CONFIG = "configuration / introspection, not a numerical function"

NOT_DIFFERENTIABLE = {
    **dict.fromkeys("""
        all any bitwise_and bitwise_or bitwise_xor bitwise_not bitwise_invert
        bitwise_left_shift bitwise_right_shift bitwise_count invert left_shift right_shift
        logical_and logical_or logical_xor logical_not count_nonzero packbits unpackbits
        gcd lcm bincount signbit bernoulli
    """.split(), _INT),
    **dict.fromkeys("""
        equal not_equal less less_equal greater greater_equal isclose allclose
        array_equal array_equiv isfinite isinf isnan isneginf isposinf isreal iscomplex
        isrealobj iscomplexobj isscalar iterable isdtype issubdtype isin
    """.split(), _PRED),
    **dict.fromkeys("""
        arange linspace logspace geomspace eye identity zeros ones empty full tri
        tril_indices triu_indices tril_indices_from triu_indices_from diag_indices
        diag_indices_from mask_indices indices bartlett blackman hamming
        hanning kaiser zeros_like ones_like empty_like full_like
    """.split(), _SHAPE),
    **dict.fromkeys("""
        argmax argmin argsort argwhere nonzero flatnonzero searchsorted digitize
        lexsort nanargmax nanargmin argpartition ravel_multi_index unravel_index
    """.split(), _INDEX),
    **dict.fromkeys("""
        can_cast promote_types result_type finfo iinfo
        shape size ndim ix_ broadcast_shapes isdtype printoptions
        get_printoptions set_printoptions
    """.split(), _DTYPE),
    **dict.fromkeys("""
        floor ceil round round_ around rint fix trunc sign heaviside floor_divide
    """.split(), _ROUND),
    **dict.fromkeys("""
        unique unique_all unique_counts unique_inverse unique_values union1d intersect1d
        setdiff1d setxor1d histogram histogram2d histogramdd histogram_bin_edges
    """.split(), _SET),
    **dict.fromkeys("""
        frexp nextafter spacing gammasgn one_hot matrix_rank fftfreq rfftfreq sometrue
        alltrue
    """.split(), _ROUND),
    **dict.fromkeys("""
        array_repr array_str einsum_path from_dlpack frombuffer fromiter fromstring
    """.split(), _CONFIG),
    "fromfunction": _SHAPE,
    # Output shape depends on the values, so it cannot be traced by jvp (as in JAX).
    "trim_zeros": "output size depends on values; not traceable by jvp/vjp",
    **dict.fromkeys("load save savez fromfile".split(), _IO),
}

# Differentiable functions without a check_grads test yet. Keep this list shrinking:
# add a check_grads test (e.g. in test_grad_gaps.py) and remove the name.
KNOWN_UNCHECKED = {
    "plax_numpy": set(),
    "plax_numpy.linalg": set(),
    "plax_numpy.fft": set(),
    "plax_numpy.scipy.special": set(),
    "plax_numpy.nn": set(),
}


def _grad_regions(path):
    src = path.read_text()
    tree = ast.parse(src)
    assigns = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    assigns[t.id] = ast.get_source_segment(src, node)
    regions = []
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = ast.get_source_segment(src, node)
        if "check_grads(" not in body:
            continue
        regions.append(body)
        regions.extend(ast.get_source_segment(src, d) for d in node.decorator_list)
        read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        regions.extend(assigns[n] for n in sorted(read & set(assigns)))
    return regions


def _sources():
    return "\n".join(r for p in sorted(TESTS.glob("test_*.py")) if p.name not in SKIP_FILES
                     for r in _grad_regions(p))


def grad_checked(name, text):
    n = re.escape(name)
    if re.search(rf"[\"']{n}[\"']", text):
        return True
    for m in re.finditer(rf"([\w.]+)\.{n}\s*[\(\[]", text):
        if m.group(1).split(".")[0] not in ORACLE_PREFIXES:
            return True
    return False


def unchecked(path, text=None):
    text = _sources() if text is None else text
    return sorted(n for n in _public_names(path)
                  if n not in NOT_FUNCTIONS and n not in NOT_DIFFERENTIABLE
                  and not grad_checked(n, text))


@pytest.mark.parametrize("path", list(KNOWN_UNCHECKED))
def test_every_differentiable_function_is_grad_checked(path):
    text = _sources()
    lacking = set(unchecked(path, text))
    known = KNOWN_UNCHECKED[path]
    print(f"\n{path}: {len(lacking)} without check_grads: {' '.join(sorted(lacking))}")
    new = lacking - known
    assert not new, f"{path}: differentiable functions without check_grads: {sorted(new)}"
    stale = known - lacking
    assert not stale, f"{path}: now grad-checked, remove from KNOWN_UNCHECKED: {sorted(stale)}"


def test_not_differentiable_names_are_public_functions():
    # Keeps the table accurate: every entry is a public function of an audited module.
    public = set().union(*(_public_names(p) for p in KNOWN_UNCHECKED))
    stale = sorted(n for n in NOT_DIFFERENTIABLE if n not in public or n in NOT_FUNCTIONS)
    assert not stale, f"NOT_DIFFERENTIABLE names that are not public functions: {stale}"
    assert _sources() # the grad regions were found
