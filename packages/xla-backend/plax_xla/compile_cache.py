"""The persistent compilation cache: compiled executables kept on disk across processes.

On by default (JAX's is opt-in): every program plax compiles, a ``jit``-compiled
function or one eager primitive, is serialized into the user's cache directory and
loaded by later processes instead of compiled again (a 68 ms compile loads in 8 ms,
docs/design.md, "XLA through jaxlib").  Options (``plax_core.config``):

- ``compilation_cache`` (``PLAX_COMPILATION_CACHE=0`` turns it off: nothing is read
  or written);
- ``compilation_cache_dir`` (``PLAX_COMPILATION_CACHE_DIR``, or JAX's spelling
  ``jax_compilation_cache_dir``); default ``$XDG_CACHE_HOME/plax/xla`` or
  ``~/.cache/plax/xla``;
- ``compilation_cache_max_size`` (``PLAX_COMPILATION_CACHE_MAX_SIZE``, bytes, default
  1 GiB; ``-1`` for no bound): beyond it the least recently used entries are deleted.

An entry's name is the SHA-256 of everything that changes the compiled code: the
module text, the serialized compile options, ``XLA_FLAGS``, the jaxlib version, the
platform and its version, and the device kind.  Entries are written to a temporary
file and renamed into place (``os.replace`` is atomic), so concurrent processes
(pytest-xdist workers) never read a torn entry; each entry carries a header with its
payload's length and SHA-256, so a corrupt or truncated one is detected, deleted and
recompiled.  A hit updates the file's modification time, which is the "last used"
that eviction sorts on.  Every failure of the disk (read-only, full) degrades to
compiling, never to an error.
"""

from __future__ import annotations

import hashlib
import os
import struct
import threading

from plax_core.config import config

__all__ = ["default_dir", "cache_dir", "entry_key", "load", "store", "evict",
           "entries"]

# How many programs this process compiled and how many it loaded from the disk cache.
STATS = {"compiled": 0, "loaded": 0}

_MAGIC = b"PLAXXLA1"
_HEADER = struct.Struct("<8sQ32s")        # magic, payload length, payload sha256
_SUFFIX = ".xla"


def default_dir() -> str:
    """The user cache directory: ``$XDG_CACHE_HOME/plax/xla`` or ``~/.cache/plax/xla``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"),
                                                            ".cache")
    return os.path.join(base, "plax", "xla")


def cache_dir() -> str | None:
    """The directory in use now, or None when the cache is disabled."""
    if not config.read("compilation_cache"):
        return None
    return config.read("compilation_cache_dir") or default_dir()


def entry_key(module_text: str, options_bytes: bytes, jaxlib_version: str,
              platform: str, platform_version: str, device_kind: str) -> str:
    """The hex SHA-256 naming a program's entry (see the module docstring)."""
    h = hashlib.sha256()
    for part in (module_text.encode(), options_bytes, os.environ.get("XLA_FLAGS", "")
                 .encode(), jaxlib_version.encode(), platform.encode(),
                 platform_version.encode(), device_kind.encode()):
        h.update(struct.pack("<Q", len(part)))
        h.update(part)
    return h.hexdigest()


def _path(directory: str, key: str) -> str:
    return os.path.join(directory, key + _SUFFIX)


def load(directory: str, key: str) -> bytes | None:
    """The serialized executable stored under ``key``, or None (missing or corrupt;
    a corrupt entry is deleted so that the recompiled one replaces it)."""
    path = _path(directory, key)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if len(data) >= _HEADER.size:
        magic, length, digest = _HEADER.unpack_from(data)
        payload = data[_HEADER.size:]
        if (magic == _MAGIC and length == len(payload)
                and hashlib.sha256(payload).digest() == digest):
            try:
                os.utime(path)                      # most recently used
            except OSError:
                pass
            return payload
    try:
        os.remove(path)
    except OSError:
        pass
    return None


def store(directory: str, key: str, payload: bytes) -> bool:
    """Write ``payload`` under ``key`` atomically, then evict beyond the size bound.
    Returns whether the entry was written."""
    path = _path(directory, key)
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    header = _HEADER.pack(_MAGIC, len(payload), hashlib.sha256(payload).digest())
    try:
        os.makedirs(directory, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(header)
            f.write(payload)
        os.replace(tmp, path)
    except OSError:
        try:
            os.remove(tmp)
        except OSError:
            pass
        return False
    max_size = config.read("compilation_cache_max_size")
    if max_size >= 0:
        _account(directory, len(header) + len(payload), max_size)
    return True


# directory -> [estimated bytes, stores since the last scan]: scanning on every store
# would cost O(entries) per compile, so a process rescans only when its estimate (the
# last scan plus its own writes) passes the bound, or every _RESCAN stores (to see
# other processes' writes).
_ESTIMATES: dict[str, list[int]] = {}
_RESCAN = 64
_lock = threading.Lock()


def _account(directory: str, written: int, max_size: int) -> None:
    with _lock:
        est = _ESTIMATES.get(directory)
        if est is not None:
            est[0] += written
            est[1] += 1
            if est[0] <= max_size and est[1] < _RESCAN:
                return
    total = evict(directory, max_size)
    with _lock:
        _ESTIMATES[directory] = [total, 0]


def entries(directory: str) -> list[tuple[float, int, str]]:
    """``(last used, size, path)`` of every complete entry, least recently used first."""
    found = []
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    for name in names:
        if not name.endswith(_SUFFIX):
            continue
        path = os.path.join(directory, name)
        try:
            st = os.stat(path)
        except OSError:                          # evicted by another process meanwhile
            continue
        found.append((st.st_mtime, st.st_size, path))
    found.sort()
    return found


def evict(directory: str, max_size: int) -> int:
    """Delete least recently used entries until the directory holds at most
    ``max_size`` bytes of them; returns the bytes left."""
    found = entries(directory)
    total = sum(size for _, size, _ in found)
    for _, size, path in found:
        if total <= max_size:
            break
        try:
            os.remove(path)
        except OSError:
            pass
        total -= size
    return total
