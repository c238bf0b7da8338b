"""``plax.experimental.multihost_utils``: ``process_allgather`` (from plax-parallel)."""

from plax_parallel.devices import process_allgather

__all__ = ["process_allgather"]
