"""The persistent compilation cache: hits across processes, corrupt entries, concurrent
writers, the size bound, and nothing written when it is off.

Every test points the cache at its own ``tmp_path`` (never the user's home).
"""

import json
import os
import subprocess
import sys

import numpy as np

from plax_core.config import config
from plax_xla import compile_cache

# One jit-compiled program and two eager primitives; prints the result and the counts
# of programs compiled and loaded from the disk cache.
PROGRAM = """
import json, numpy
import plax_core
from plax_core import lax
from plax_xla import jit, compile_cache
f = jit(lambda x: lax.reduce_sum(lax.tanh(x) * x, (0,)))
x = plax_core.device_put(numpy.arange(6, dtype=numpy.float32))
y = lax.cosh(x) + 1.0
print(json.dumps({"out": [float(f(x)), float(lax.reduce_sum(y, (0,)))],
                  **compile_cache.STATS}))
"""
EXPECTED = [float(np.sum(np.tanh(np.arange(6.0)) * np.arange(6.0))),
            float(np.sum(np.cosh(np.arange(6.0)) + 1.0))]


def _env(**changes):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAX_COMPILATION")}
    env.update(changes)
    return env


def _run(env, program=PROGRAM):
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          env=env, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _run_many(env, n):
    procs = [subprocess.Popen([sys.executable, "-c", PROGRAM], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(n)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _entries(directory):
    return sorted(p for p in os.listdir(directory)) if os.path.isdir(directory) else []


def test_second_process_loads_instead_of_compiling(tmp_path):
    env = _env(PLAX_COMPILATION_CACHE_DIR=str(tmp_path))
    first = _run(env)
    np.testing.assert_allclose(first["out"], EXPECTED, rtol=1e-5)
    assert first["compiled"] >= 3 and first["loaded"] == 0
    files = _entries(tmp_path)
    assert len(files) == first["compiled"] and all(f.endswith(".xla") for f in files)
    second = _run(env)
    assert second["out"] == first["out"]
    assert second == {**first, "compiled": 0, "loaded": first["compiled"]}
    assert _entries(tmp_path) == files


def test_corrupt_and_truncated_entries_are_recompiled(tmp_path):
    env = _env(PLAX_COMPILATION_CACHE_DIR=str(tmp_path))
    first = _run(env)
    files = _entries(tmp_path)
    for i, name in enumerate(files):      # truncate one, flip a byte in the others
        path = tmp_path / name
        data = bytearray(path.read_bytes())
        if i == 0:
            data = data[:len(data) // 2]
        else:
            data[-10] ^= 0xFF
        path.write_bytes(bytes(data))
    second = _run(env)
    assert second["out"] == first["out"]
    assert second["compiled"] == len(files) and second["loaded"] == 0
    third = _run(env)                     # the recompiled entries replaced them
    assert third["compiled"] == 0 and third["loaded"] == len(files)


def test_garbage_entry_is_ignored_in_process(tmp_path):
    key = "0" * 64
    (tmp_path / (key + ".xla")).write_bytes(b"not an executable")
    assert compile_cache.load(str(tmp_path), key) is None
    assert _entries(tmp_path) == []       # deleted, to be replaced by a good one
    with config.override(compilation_cache_max_size=-1):
        assert compile_cache.store(str(tmp_path), key, b"payload")
    assert compile_cache.load(str(tmp_path), key) == b"payload"


def test_eight_concurrent_writers_leave_a_consistent_cache(tmp_path):
    env = _env(PLAX_COMPILATION_CACHE_DIR=str(tmp_path))
    results = _run_many(env, 8)
    assert all(r["out"] == results[0]["out"] for r in results)
    np.testing.assert_allclose(results[0]["out"], EXPECTED, rtol=1e-5)
    files = _entries(tmp_path)
    assert files and all(f.endswith(".xla") for f in files)   # no temporary file left
    for name in files:                                        # every entry complete
        assert compile_cache.load(str(tmp_path), name[:-4]) is not None
    after = _run(env)
    assert after["compiled"] == 0 and after["loaded"] == len(files)


def test_eviction_keeps_the_size_bound_and_the_recent_entries(tmp_path):
    directory = str(tmp_path)
    payload = b"x" * 1000
    entry_size = len(payload) + 48                      # with the header
    with config.override(compilation_cache_max_size=5 * entry_size):
        for i in range(12):
            key = f"{i:064x}"
            assert compile_cache.store(directory, key, payload)
            os.utime(os.path.join(directory, key + ".xla"), (1000 + i, 1000 + i))
            compile_cache.evict(directory, 5 * entry_size)
            total = sum(s for _, s, _ in compile_cache.entries(directory))
            assert total <= 5 * entry_size
        # a hit makes an entry most recently used: it survives the next evictions
        assert compile_cache.load(directory, f"{7:064x}") == payload
        for i in range(12, 16):
            key = f"{i:064x}"
            compile_cache.store(directory, key, payload)
            os.utime(os.path.join(directory, key + ".xla"), (2000 + i, 2000 + i))
            compile_cache.evict(directory, 5 * entry_size)
    kept = {int(p[:-4], 16) for p in _entries(tmp_path)}
    assert kept == {7, 12, 13, 14, 15}


def test_size_bound_in_a_process(tmp_path):
    env = _env(PLAX_COMPILATION_CACHE_DIR=str(tmp_path),
               PLAX_COMPILATION_CACHE_MAX_SIZE="1")
    out = _run(env)
    np.testing.assert_allclose(out["out"], EXPECTED, rtol=1e-5)
    assert len(_entries(tmp_path)) <= 1       # each store evicts down to the bound


def test_nothing_written_when_disabled(tmp_path):
    cache = tmp_path / "cache"
    home = tmp_path / "home"
    env = _env(PLAX_COMPILATION_CACHE="0", PLAX_COMPILATION_CACHE_DIR=str(cache),
               HOME=str(home), XDG_CACHE_HOME="")
    out = _run(env)
    np.testing.assert_allclose(out["out"], EXPECTED, rtol=1e-5)
    assert out["loaded"] == 0 and not cache.exists() and not home.exists()
    env = _env(PLAX_COMPILATION_CACHE="0", HOME=str(home), XDG_CACHE_HOME="")
    _run(env)
    assert not home.exists()


def test_on_by_default_in_the_user_cache_directory(tmp_path):
    env = _env(HOME=str(tmp_path), XDG_CACHE_HOME="")
    out = _run(env)
    assert out["compiled"] >= 3
    assert len(_entries(tmp_path / ".cache" / "plax" / "xla")) == out["compiled"]
    xdg = tmp_path / "xdg"
    _run(_env(HOME=str(tmp_path), XDG_CACHE_HOME=str(xdg)))
    assert len(_entries(xdg / "plax" / "xla")) == out["compiled"]


def test_jax_spelling_of_the_directory_option(tmp_path):
    with config.override(jax_compilation_cache_dir=str(tmp_path)):
        assert compile_cache.cache_dir() == str(tmp_path)
        with config.override(compilation_cache=False):
            assert compile_cache.cache_dir() is None


def test_key_covers_what_changes_the_code():
    base = ("module {}", b"opts", "0.10.2", "cpu", "cpu", "cpu")
    key = compile_cache.entry_key(*base)
    assert len(key) == 64
    for i in range(len(base)):
        changed = list(base)
        changed[i] = changed[i] + (b"!" if isinstance(changed[i], bytes) else "!")
        assert compile_cache.entry_key(*changed) != key, i
    old = os.environ.get("XLA_FLAGS")
    os.environ["XLA_FLAGS"] = "--xla_cpu_enable_fast_math=false"
    try:
        assert compile_cache.entry_key(*base) != key
    finally:
        if old is None:
            del os.environ["XLA_FLAGS"]
        else:
            os.environ["XLA_FLAGS"] = old
