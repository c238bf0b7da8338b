"""``plax_core.tree`` (``plax.tree``) and the tree_util names JAX 0.10.2 added.

Expected values were obtained by running JAX 0.10.2 outside the repository.
"""
import collections
import dataclasses

import pytest

from plax_core import tree
from plax_core import tree_util as tu

P = collections.namedtuple("P", "a b")


def test_short_names_are_the_tree_util_functions():
    for short, long in [("map", "tree_map"), ("leaves", "tree_leaves"),
                        ("structure", "tree_structure"), ("flatten", "tree_flatten"),
                        ("unflatten", "tree_unflatten"), ("reduce", "tree_reduce"),
                        ("all", "tree_all"), ("transpose", "tree_transpose"),
                        ("broadcast", "tree_broadcast"),
                        ("flatten_with_path", "tree_flatten_with_path"),
                        ("leaves_with_path", "tree_leaves_with_path"),
                        ("map_with_path", "tree_map_with_path"),
                        ("reduce_associative", "tree_reduce_associative")]:
        assert getattr(tree, short) is getattr(tu, long)
    assert tree.map(lambda x, y: x + y, {"a": 1, "b": (2, 3)}, {"a": 10, "b": (20, 30)}) \
        == {"a": 11, "b": (22, 33)}
    assert tree.reduce(lambda a, b: a * b, [2, (3, 4)], 1) == 24
    assert tree.all([True, {"x": 1}]) and not tree.all([True, (0,)])


@pytest.mark.parametrize("prefix, full, expected", [
    ((1, 2, 3), (0, {"a": 0, "b": 0}, (0, 0)), (1, {"a": 2, "b": 2}, (3, 3))),
    ((1, None, 3), (0, None, (0, 0)), (1, None, (3, 3))),
    (1, {"a": [0, 0], "b": None}, {"a": [1, 1], "b": None}),
    ([1, {"x": 2}], [[0, 0], {"x": (0, 0)}], [[1, 1], {"x": (2, 2)}]),
])
def test_broadcast(prefix, full, expected):
    assert tree.broadcast(prefix, full) == expected


def test_broadcast_rejects_a_non_prefix():
    with pytest.raises(ValueError, match="prefix"):
        tree.broadcast((1, 2), (0, 0, 0))


def test_reduce_associative_is_balanced():
    pair = lambda a, b: (a, b)  # noqa: E731
    assert tree.reduce_associative(pair, [1, 2, 3, 4, 5]) == ((1, 2), (3, (4, 5)))
    assert tree.reduce_associative(pair, [1, 2, 3, 4, 5, 6, 7]) == \
        ((1, (2, 3)), ((4, 5), (6, 7)))
    assert tree.reduce_associative(pair, [], identity=0) == 0
    with pytest.raises(TypeError, match="identity"):
        tree.reduce_associative(pair, [])


def test_is_leaf_takes_path():
    out, treedef = tree.flatten_with_path(
        {"a": [1, 2], "b": 3}, is_leaf=lambda p, x: len(p) == 1, is_leaf_takes_path=True)
    assert out == [((tu.DictKey("a"),), [1, 2]), ((tu.DictKey("b"),), 3)]
    assert treedef.num_leaves == 2
    got = tree.map_with_path(lambda p, x: len(p), [[1], 2],
                             is_leaf=lambda p, x: p == (tu.SequenceKey(0),),
                             is_leaf_takes_path=True)
    assert got == [1, 1]


def test_flatten_one_level():
    assert tu.flatten_one_level(P(1, 2)) == ([1, 2], P)
    assert tu.flatten_one_level(None) == ((), None)
    children, keys = tu.flatten_one_level({"b": 1, "a": 2})
    assert list(children) == [2, 1] and tuple(keys) == ("a", "b")
    keyed, _ = tu.flatten_one_level_with_keys({"a": 1, "b": [2]})
    assert list(keyed) == [(tu.DictKey("a"), 1), (tu.DictKey("b"), [2])]
    with pytest.raises(ValueError, match="can't tree-flatten type"):
        tu.flatten_one_level(1.0)


def test_is_tree_node_and_default_registry():
    assert tu.is_tree_node(list) and tu.is_tree_node(type(None)) and tu.is_tree_node(P)
    assert not tu.is_tree_node(int)
    assert tu.default_registry.is_node(dict)
    leaves, treedef = tu.default_registry.flatten([1, (2,)])
    assert leaves == [1, 2] and treedef == tree.structure([0, (0,)])


def test_register_pytree_with_keys_class():
    @tu.register_pytree_with_keys_class
    class Box:
        def __init__(self, x, y):
            self.x, self.y = x, y

        def tree_flatten_with_keys(self):
            return [(tu.GetAttrKey("x"), self.x), (tu.GetAttrKey("y"), self.y)], None

        @classmethod
        def tree_unflatten(cls, aux, children):
            return cls(*children)

    paths = [tu.keystr(p) for p, _ in tree.leaves_with_path(Box(1, [2]))]
    assert paths == [".x", ".y[0]"]
    assert tree.map(lambda v: v * 2, Box(1, 3)).y == 6


def test_static_field():
    @tu.register_dataclass
    @dataclasses.dataclass
    class Op:
        x: float
        op: str = tree.static(default="add")

    leaves, treedef = tree.flatten(Op(1.0))
    assert leaves == [1.0]
    assert tree.unflatten(treedef, [2.0]) == Op(2.0, "add")
