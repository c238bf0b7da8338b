"""``plax.tree``: the short names of `plax_core.tree_util`, as ``jax.tree`` offers them.

``tree.map(f, t)`` is ``tree_util.tree_map(f, t)``, and so on: the very same functions,
so the two spellings never drift apart. ``static`` is the dataclass-field helper that
`tree_util.register_dataclass` reads (``metadata={"static": True}``).
"""

import dataclasses

from . import tree_util as _tu

# JAX's short names, bound to the very functions of tree_util.
all = _tu.tree_all  # noqa: A001
broadcast = _tu.tree_broadcast
flatten = _tu.tree_flatten
flatten_with_path = _tu.tree_flatten_with_path
leaves = _tu.tree_leaves
leaves_with_path = _tu.tree_leaves_with_path
map = _tu.tree_map  # noqa: A001
map_with_path = _tu.tree_map_with_path
reduce = _tu.tree_reduce
reduce_associative = _tu.tree_reduce_associative
structure = _tu.tree_structure
transpose = _tu.tree_transpose
unflatten = _tu.tree_unflatten

__all__ = ["all", "broadcast", "flatten", "flatten_with_path", "leaves", "leaves_with_path",
           "map", "map_with_path", "reduce", "reduce_associative", "static", "structure",
           "transpose", "unflatten"]


def static(**kwargs):
    """A `dataclasses.field` marked static: `register_dataclass` keeps it as aux data."""
    metadata = {**kwargs.pop("metadata", {}), "static": True}
    return dataclasses.field(metadata=metadata, **kwargs)
