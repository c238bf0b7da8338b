"""A third-party plax backend: run every eager operation on two backends and compare.

``PLAX_PLATFORMS=check python script.py`` (or ``config.override(platforms="check")``)
makes it the default backend.  Each primitive then runs on the *primary* backend (the
best other one installed: XLA when plax-xla is there), whose arrays the program keeps,
and again on the *reference* backend (core's NumPy implementations); the results must
agree in shape, dtype and value, else ``BackendMismatch`` names the primitive, its
parameters and the largest difference.  ``PLAX_CHECK_BACKENDS=primary,reference``
picks other registered backends by name.

The template for a plugin that adds a backend: a ``Backend`` subclass and a factory
registered in ``plax_register_backends``.  It imports ``plax_core.extend`` and public
modules only.  ``jit`` has nothing to compile on a backend that is not XLA's, so a
jitted function runs op by op here, every op checked.
"""

import os
from collections import Counter

import numpy as np

from plax_core.config import config
from plax_core.extend import (
    Backend,
    BackendUnavailable,
    MissingRuleError,
    get_registry,
    hookimpl,
)

NAME = "check"

# Relative tolerance per dtype kind and item size (bytes); values within
# ``rtol * (|reference| + max |reference|)`` agree.  Integers and booleans are exact.
TOLERANCES = {("f", 2): 1e-2, ("f", 4): 1e-4, ("f", 8): 1e-10,
              ("c", 8): 1e-4, ("c", 16): 1e-10, ("V", 2): 1e-2}


class BackendMismatch(AssertionError):
    """Two backends gave different results for the same primitive and inputs."""


class CheckingBackend(Backend):
    """Runs each primitive on ``primary`` and ``reference``; returns ``primary``'s result.

    ``checked`` counts the primitives compared; ``unchecked`` those the reference
    cannot run (no NumPy implementation), whose results pass through unchecked.
    """

    name = NAME

    def __init__(self, primary: Backend, reference: Backend):
        self.primary = primary
        self.reference = reference
        self.platform = primary.platform
        self.checked = Counter()
        self.unchecked = Counter()

    def __repr__(self):
        return f"CheckingBackend({self.primary!r} against {self.reference!r})"

    def apply_primitive(self, primitive, args, params):
        out = self.primary.apply_primitive(primitive, args, params)
        try:
            expected = self.reference.apply_primitive(primitive, args, params)
        except MissingRuleError:
            self.unchecked[primitive.name] += 1
            return out
        outs, refs = (out, expected) if primitive.multiple_results else ([out], [expected])
        for i, (got, want) in enumerate(zip(outs, refs)):
            _compare(primitive, params, i, np.asarray(got), np.asarray(want))
        self.checked[primitive.name] += 1
        return out

    # Data lives on the primary backend: arrays it makes point to it, not to us.
    def device_put(self, x, device=None):
        return self.primary.device_put(x, device)

    def devices(self):
        return self.primary.devices()

    def to_numpy(self, array):
        return self.primary.to_numpy(array)

    def block_until_ready(self, array):
        return self.primary.block_until_ready(array)


def _compare(primitive, params, index, got, want):
    where = f"primitive '{primitive}' (output {index}, params {params})"
    if got.shape != want.shape or got.dtype != want.dtype:
        raise BackendMismatch(f"{where}: primary gave {got.dtype}{list(got.shape)}, "
                              f"reference {want.dtype}{list(want.shape)}")
    rtol = TOLERANCES.get((want.dtype.kind, want.dtype.itemsize))
    if rtol is None:                                  # integers, booleans: bit for bit
        bad = got != want
    else:
        g, w = got.astype(np.complex128), want.astype(np.complex128)
        finite = np.isfinite(w)
        scale = np.abs(w[finite]).max(initial=0.0)
        with np.errstate(invalid="ignore"):           # inf - inf where both are inf
            close = np.abs(g - w) <= rtol * (np.abs(w) + scale)
        same_special = (np.isnan(g) & np.isnan(w)) | (g == w)
        bad = ~np.where(finite, close, same_special)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise BackendMismatch(f"{where}: {int(bad.sum())} of {want.size} elements differ; "
                              f"first at {first}: primary {got[first]!r}, reference "
                              f"{want[first]!r}")


def _requested() -> bool:
    platforms = config.read("platforms") or ""
    return NAME in {p.strip().lower() for p in str(platforms).split(",")}


def _candidates(registry):
    """(primary names to try in order, reference name): ``PLAX_CHECK_BACKENDS`` or the
    defaults (every other backend, best first, against core's NumPy backend)."""
    setting = os.environ.get("PLAX_CHECK_BACKENDS", "")
    names = [n.strip() for n in setting.split(",") if n.strip()]
    if not names:
        others = sorted((e for e in registry.backends.values() if e.name != NAME),
                        key=lambda e: -e.priority)
        return [e.name for e in others], "numpy"
    if len(names) != 2 or NAME in names or not set(names) <= set(registry.backends):
        raise BackendUnavailable(
            f"PLAX_CHECK_BACKENDS={setting!r} must name two registered backends other "
            f"than {NAME!r}, primary first (registered: {sorted(registry.backends)})")
    return names[:1], names[1]


def make_backend() -> CheckingBackend:
    if not _requested():        # never built by accident: it runs everything twice
        raise BackendUnavailable(f"used only when PLAX_PLATFORMS names {NAME!r}")
    registry = get_registry()
    primaries, reference = _candidates(registry)
    # The other backends are built as if no platform were requested: PLAX_PLATFORMS
    # names this one.
    reasons = []
    with config.override(platforms=None):
        ref = registry.backends[reference].factory()
        for name in primaries:
            try:
                return CheckingBackend(registry.backends[name].factory(), ref)
            except BackendUnavailable as e:
                reasons.append(f"{name}: {e}")
    raise BackendUnavailable("no primary backend: " + "; ".join(reasons))


@hookimpl
def plax_register_backends(registry):
    # Lowest priority: only chosen when PLAX_PLATFORMS names it.
    registry.add_backend(NAME, make_backend, priority=-100)
