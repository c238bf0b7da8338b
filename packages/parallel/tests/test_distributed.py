"""Two processes on localhost through XLA's distributed runtime (coordination service +
gloo): each sees 2 global devices and 1 local one, a global array sharded across them
sums correctly in both, and a process that dies is reported by the other (no hang).

Each process runs ``two_process_worker.py``; a hard timeout makes a hang fail."""

import os
import pathlib
import socket
import subprocess
import sys

import pytest

import plax_core
from plax_xla import distributed

WORKER = pathlib.Path(__file__).with_name("two_process_worker.py")
TIMEOUT = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_pair(mode):
    port = _free_port()
    env = dict(os.environ, PLAX_NUM_CPU_DEVICES="1", PYTHONUNBUFFERED="1")
    procs = [subprocess.Popen([sys.executable, str(WORKER), str(port), str(pid), mode],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for pid in (0, 1)]
    results = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=TIMEOUT)
            results.append((p.returncode, out, err))
    except subprocess.TimeoutExpired:
        for p in procs:
            p.kill()
        pytest.fail(f"the two-process run ({mode}) hung for {TIMEOUT} s")
    return results


def test_two_processes_sum_a_global_array():
    results = _run_pair("sum")
    for pid, (rc, out, err) in enumerate(results):
        assert rc == 0, f"process {pid} failed:\n{out}\n{err[-3000:]}"
        lines = out.splitlines()
        assert "global 2 local 1" in lines
        assert f"process {pid} of 2" in lines
        assert "sum 28.0" in lines                       # 0 + 1 + ... + 7, in both
        row = [[float(v) for v in range(4 * pid, 4 * pid + 4)]]
        assert f"shards {[row]}" in lines                # each holds its own row
        assert "allgather [0.0, 10.0] True" in lines     # process_allgather, both ways
        assert "done" in lines


def test_a_dead_process_is_reported_by_the_other():
    (rc0, out0, err0), (rc1, _, _) = _run_pair("fail")
    assert rc1 == 3
    assert rc0 != 0, "process 0 finished although process 1 died"
    assert "unhealthy" in err0 or "another task died" in err0, err0[-3000:]


def test_initialize_after_the_first_operation_is_an_error():
    plax_core.device_put(1.0)          # the client exists now
    with pytest.raises(RuntimeError, match="before any plax computations"):
        distributed.initialize("127.0.0.1:1", num_processes=2, process_id=0)
    assert not distributed.is_initialized()


def test_collectives_implementation_option():
    from plax_core.config import config
    config.update("jax_cpu_collectives_implementation", "gloo")
    assert config.read("cpu_collectives_implementation") == "gloo"
    with pytest.raises(ValueError, match="gloo"):
        config.update("jax_cpu_collectives_implementation", "carrier-pigeon")


@pytest.mark.parametrize("how", ["config", "xla_flags"])
def test_cpu_device_count_options(how):
    """jax_num_cpu_devices (before the first operation) and XLA_FLAGS both give N."""
    code = ("import plax_core; from plax_core.config import config; "
            + ("config.update('jax_num_cpu_devices', 3); " if how == "config" else "")
            + "print(len(plax_core.devices()))")
    env = dict(os.environ)
    env.pop("PLAX_NUM_CPU_DEVICES", None)
    if how == "xla_flags":
        env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=3"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=TIMEOUT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "3"
