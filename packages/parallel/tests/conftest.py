"""Several CPU devices for this package's tests.

``nox -s parallel`` and ``nox -s tests`` set ``PLAX_NUM_CPU_DEVICES=8`` for the whole
run (other packages place everything on device 0, so their results do not change);
run directly (``pytest packages/parallel/tests``), this file asks for 8 before the
first operation makes the CPU client.  Tests needing more devices than the client has
are skipped with the reason (``plax_parallel.testing.need_devices``).
"""

import os

os.environ.setdefault("PLAX_NUM_CPU_DEVICES", "8")


from plax_core.config import config  # noqa: E402

if config.read("num_cpu_devices") in (-1, 1):
    config.update("num_cpu_devices", 8)
