"""``plax.experimental.shard_map``: ``shard_map`` (from plax-parallel), JAX's old home."""

from plax_parallel.shard_map import shard_map

__all__ = ["shard_map"]
