"""``log_compiles`` and ``explain_cache_misses``: say when and why ``jit`` compiles.

Both log through the ``logging`` logger ``plax.jit`` at WARNING level (visible with
Python's default logging setup, as JAX's are).  The reason for a compile is found by
comparing the new cache key of the jitted function with the closest key already in
its cache: the key is (argument tree, each flat argument's shape/dtype/weak type,
static argument values, configuration), so the difference names exactly which
argument changed and how, or which static value or option did.
"""

from __future__ import annotations

import logging

from plax_core.config import config
from plax_core.core import ShapedArray

logger = logging.getLogger("plax.jit")


def _avals(flat: tuple) -> list[ShapedArray]:
    return [ShapedArray(*flat[i:i + 3]) for i in range(0, len(flat), 3)]


def _short(aval: ShapedArray) -> str:
    return aval.str_short() + ("{weak_type=True}" if aval.weak_type else "")


def _differences(old, new, names: list[str]) -> list[str]:
    """What changed from cache key ``old`` to ``new`` (one line per difference)."""
    old_tree, old_flat, old_statics, old_config = old
    new_tree, new_flat, new_statics, new_config = new
    diffs = []
    if old_tree != new_tree:
        diffs.append(f"the argument structure changed: {old_tree} before, {new_tree} now")
    else:
        for name, a, b in zip(names, _avals(old_flat), _avals(new_flat)):
            if a != b:
                diffs.append(f"argument {name}: {_short(a)} before, {_short(b)} now")
    before, now = dict(old_statics), dict(new_statics)
    for k in sorted(set(before) | set(now), key=str):
        if before.get(k, "<absent>") != now.get(k, "<absent>"):
            what = f"position {k}" if isinstance(k, int) else f"'{k}'"
            diffs.append(f"static argument at {what}: {before.get(k, '<absent>')!r} "
                         f"before, {now.get(k, '<absent>')!r} now")
    if old_config != new_config:
        changed = [f"{n}={v!r} (was {w!r})" for (n, v), (_, w)
                   in zip(new_config, old_config) if v != w]
        diffs.append("the configuration changed: " + ", ".join(changed))
    return diffs


def miss_reason(previous: list, key, names: list[str]) -> str:
    """Why ``key`` missed a cache holding ``previous`` keys."""
    if not previous:
        return "first call (no earlier signature in its cache)"
    closest = min((_differences(old, key, names) for old in previous), key=len)
    return "; ".join(closest) or "its cache entry was evicted or cleared"


def log_miss(jitted, key, names: list[str], avals) -> None:
    """Log a compile of ``jitted`` (a ``JitFunction``) for the new cache ``key``."""
    from .jit import _fun_location
    reason = miss_reason(jitted._cache.keys(), key, names)
    where = _fun_location(jitted._fun)
    if config.read("explain_cache_misses"):
        logger.warning("TRACING CACHE MISS for jit(%s) (%s) because: %s", jitted._name,
                       where, reason)
    if config.read("log_compiles"):
        args = ", ".join(f"{n}: {_short(a)}" for n, a in zip(names, avals))
        logger.warning("Compiling jit(%s) for arguments (%s) because: %s", jitted._name,
                       args, reason)
