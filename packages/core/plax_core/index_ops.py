"""JAX's 2019 ``jax.ops`` indexed-update API, kept as thin aliases of ``x.at[idx]``.

``index_update(x, idx, y)`` is ``x.at[idx].set(y)``; ``index_add``, ``index_mul``,
``index_min`` and ``index_max`` likewise; ``index`` is a helper whose ``[...]`` returns
the index unchanged (``index[1:, [0, 2]]``), as ``jax.ops.index`` was.
"""

from __future__ import annotations

from ._ops_index import NonConcreteBooleanIndexError, at

__all__ = ["NonConcreteBooleanIndexError", "index", "index_add", "index_max", "index_min",
           "index_mul", "index_update"]


class _Index:
    """``index[idx]`` is ``idx``: a way to write an index expression as a value."""

    def __getitem__(self, idx):
        return idx

    def __repr__(self):
        return "plax.ops.index"


index = _Index()


def _alias(method: str, doc: str):
    def fn(x, idx, y, indices_are_sorted=False, unique_indices=False):
        return getattr(at(x)[idx], method)(y, indices_are_sorted=indices_are_sorted,
                                           unique_indices=unique_indices)
    fn.__doc__ = doc
    return fn


index_update = _alias("set", "``x.at[idx].set(y)`` (JAX's 2019 ``jax.ops.index_update``).")
index_add = _alias("add", "``x.at[idx].add(y)`` (JAX's 2019 ``jax.ops.index_add``).")
index_mul = _alias("multiply", "``x.at[idx].multiply(y)`` (``jax.ops.index_mul``).")
index_min = _alias("min", "``x.at[idx].min(y)`` (``jax.ops.index_min``).")
index_max = _alias("max", "``x.at[idx].max(y)`` (``jax.ops.index_max``).")
for _name in ("index_update", "index_add", "index_mul", "index_min", "index_max"):
    globals()[_name].__name__ = globals()[_name].__qualname__ = _name
