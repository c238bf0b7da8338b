"""Several processes, one program: XLA's distributed runtime, as ``jax.distributed``.

``initialize`` connects this process to the coordination service (process 0 starts
it); the CPU client made afterwards spans every process's devices and exchanges data
with gloo over TCP (``client.make_cpu_context`` reads the state here).  It must run
before the first plax operation, like JAX's.  ``shutdown`` disconnects.  The standard
environment variables let a launcher start N copies of a script:
``PLAX_COORDINATOR_ADDRESS``/``JAX_COORDINATOR_ADDRESS``, ``PLAX_NUM_PROCESSES``/
``JAX_NUM_PROCESSES``, ``PLAX_PROCESS_ID``/``JAX_PROCESS_ID``.  On GPUs the same
client goes to the CUDA plugin (NCCL does the collectives; not exercised here).
"""

from __future__ import annotations

import os

from plax_core.config import config

from . import client

xc = client.xc


class _State:
    def __init__(self):
        self.client = None
        self.service = None
        self.process_id = 0
        self.num_processes = 1
        self.local_device_ids = None


state = _State()


def _env(*names):
    for n in names:
        v = os.environ.get(n)
        if v:
            return v
    return None


def is_initialized() -> bool:
    """Whether ``initialize`` has connected this process (and ``shutdown`` not yet)."""
    return state.client is not None


def initialize(coordinator_address: str | None = None, num_processes: int | None = None,
               process_id: int | None = None, local_device_ids=None,
               cluster_detection_method=None, initialization_timeout: int = 300,
               coordinator_bind_address: str | None = None,
               heartbeat_timeout_seconds: int = 100):
    """Join the multi-process run (before any plax operation)."""
    from . import devices as _devices
    if state.client is not None:
        raise RuntimeError("distributed.initialize should only be called once.")
    if _devices._backends:
        raise RuntimeError("distributed.initialize() must be called before any plax "
                           "computations are executed (the XLA client already exists: "
                           "call it first thing in the program).")
    coordinator_address = coordinator_address or _env("PLAX_COORDINATOR_ADDRESS",
                                                      "JAX_COORDINATOR_ADDRESS")
    if num_processes is None and _env("PLAX_NUM_PROCESSES", "JAX_NUM_PROCESSES"):
        num_processes = int(_env("PLAX_NUM_PROCESSES", "JAX_NUM_PROCESSES"))
    if process_id is None and _env("PLAX_PROCESS_ID", "JAX_PROCESS_ID"):
        process_id = int(_env("PLAX_PROCESS_ID", "JAX_PROCESS_ID"))
    missing = [n for n, v in (("coordinator_address", coordinator_address),
                              ("num_processes", num_processes),
                              ("process_id", process_id)) if v is None]
    if missing:
        raise ValueError(f"distributed.initialize: {', '.join(missing)} not given and not "
                         f"found in the environment (PLAX_COORDINATOR_ADDRESS, "
                         f"PLAX_NUM_PROCESSES, PLAX_PROCESS_ID, or their JAX_ names)")
    num_processes, process_id = int(num_processes), int(process_id)
    if not 0 <= process_id < num_processes:
        raise ValueError(f"distributed.initialize: process_id {process_id} is out of range "
                         f"for num_processes {num_processes}")
    if process_id == 0:
        bind = coordinator_bind_address or coordinator_address
        state.service = xc._xla.get_distributed_runtime_service(
            bind, num_processes, heartbeat_timeout=heartbeat_timeout_seconds)
    dc = xc._xla.get_distributed_runtime_client(
        coordinator_address, process_id, init_timeout=initialization_timeout,
        heartbeat_timeout=heartbeat_timeout_seconds, shutdown_on_destruction=False)
    dc.connect()
    state.client, state.process_id, state.num_processes = dc, process_id, num_processes
    state.local_device_ids = local_device_ids


def shutdown():
    """Leave the run: disconnect this process (process 0 also stops the service)."""
    if state.client is not None:
        try:
            state.client.shutdown()
        finally:
            state.client = None
    if state.service is not None:
        state.service.shutdown()
        state.service = None


def make_cpu_client():
    """The CPU client of this process in the run (``client.make_cpu_context``)."""
    n = config.read("num_cpu_devices")
    kwargs = {"num_devices": n} if n and n > 0 else {}
    if state.client is None:
        return xc.make_cpu_client(**kwargs)
    impl = config.read("cpu_collectives_implementation")
    if impl == "mpi":
        raise NotImplementedError("cpu_collectives_implementation='mpi' is not available "
                                  "in plax; use 'gloo'")
    collectives = (xc._xla.make_gloo_tcp_collectives(state.client) if impl == "gloo"
                   and state.num_processes > 1 else None)
    return xc.make_cpu_client(distributed_client=state.client, node_id=state.process_id,
                              num_nodes=state.num_processes, collectives=collectives,
                              **kwargs)


def gpu_client_options(options):
    """``(options, distributed client)`` for the CUDA plugin's client (``gpu.py``): in a
    multi-process run it learns its node id and count, and NCCL does the collectives
    (as JAX does it; not exercised here without GPUs)."""
    if state.client is None:
        return options, None
    options["node_id"] = state.process_id
    options["num_nodes"] = state.num_processes
    if state.local_device_ids is not None:
        ids = state.local_device_ids
        options["visible_devices"] = [int(i) for i in (ids if isinstance(ids, (list, tuple))
                                                        else [ids])]
    return options, state.client


__all__ = ["initialize", "is_initialized", "shutdown"]
