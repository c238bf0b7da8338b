"""One process of the two-process test (run by test_distributed.py, not by pytest).

argv: port, process id, mode ('sum' or 'fail').  Prints one line per check.
"""

import sys

import numpy as np

from plax_xla import distributed

port, pid, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
distributed.initialize(f"127.0.0.1:{port}", num_processes=2, process_id=pid,
                       initialization_timeout=30, heartbeat_timeout_seconds=5)

import plax_parallel as pp  # noqa: E402

import plax_core  # noqa: E402
from plax_core.sharding import Mesh, NamedSharding, P  # noqa: E402
from plax_xla import jit  # noqa: E402

devs = sorted(plax_core.devices(), key=lambda d: d.id)
print("global", len(devs), "local", pp.local_device_count(), flush=True)
print("process", pp.process_index(), "of", pp.process_count(), flush=True)
if mode == "fail" and pid == 1:
    raise SystemExit(3)             # process 1 dies; process 0 must notice, not hang
mesh = Mesh(np.array(devs), ("x",))
x = np.arange(8.0, dtype=np.float32).reshape(2, 4)
g = pp.make_array_from_process_local_data(NamedSharding(mesh, P("x")), x)
total = jit(lambda a: a.sum(), in_shardings=NamedSharding(mesh, P("x")),
            out_shardings=NamedSharding(mesh, P()))(g)
print("sum", float(np.asarray(total)), flush=True)
mine = [np.asarray(s.data).tolist() for s in g.addressable_shards]
print("shards", mine, flush=True)
print("allgather", pp.process_allgather(np.float32(10 * pid)).tolist(),
      pp.process_allgather(g).tolist() == x.tolist(), flush=True)
distributed.shutdown()
print("done", flush=True)
