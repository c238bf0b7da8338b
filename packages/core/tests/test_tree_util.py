"""Tests for plax_core.tree_util (JAX's jax.tree_util semantics)."""
import collections
import dataclasses
import functools
import operator
import pickle

import pytest

from plax_core import tree_util as tu
from plax_core.tree_util import (
    DictKey,
    FlattenedIndexKey,
    GetAttrKey,
    Partial,
    SequenceKey,
    all_leaves,
    build_tree,
    keystr,
    register_dataclass,
    register_pytree_node,
    register_pytree_node_class,
    register_pytree_with_keys,
    register_static,
    tree_all,
    tree_flatten,
    tree_flatten_with_path,
    tree_leaves,
    tree_leaves_with_path,
    tree_map,
    tree_map_with_path,
    tree_reduce,
    tree_structure,
    tree_transpose,
    tree_unflatten,
    treedef_children,
    treedef_is_leaf,
    treedef_is_strict_leaf,
    treedef_tuple,
)

Point = collections.namedtuple("Point", ["x", "y"])
Other = collections.namedtuple("Other", ["x", "y"])


class Box:
    """Custom node registered with register_pytree_node: aux is the label."""

    def __init__(self, label, a, b):
        self.label, self.a, self.b = label, a, b

    def __eq__(self, other):
        return (type(other) is Box and (self.label, self.a, self.b)
                == (other.label, other.a, other.b))

    def __repr__(self):
        return f"Box({self.label!r}, {self.a!r}, {self.b!r})"


register_pytree_node(Box, lambda b: ((b.a, b.b), b.label),
                     lambda label, cs: Box(label, *cs))


@register_pytree_node_class
class Pair:
    def __init__(self, first, second):
        self.first, self.second = first, second

    def tree_flatten(self):
        return (self.first, self.second), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children)

    def __eq__(self, other):
        return type(other) is Pair and (self.first, self.second) == (other.first, other.second)


class Keyed:
    def __init__(self, u, v):
        self.u, self.v = u, v

    def __eq__(self, other):
        return type(other) is Keyed and (self.u, self.v) == (other.u, other.v)


register_pytree_with_keys(
    Keyed, lambda k: (((GetAttrKey("u"), k.u), (GetAttrKey("v"), k.v)), None),
    lambda aux, cs: Keyed(*cs))


@register_dataclass
@dataclasses.dataclass
class Params:
    w: object
    b: object
    name: str = dataclasses.field(default="p", metadata=dict(static=True))


@functools.partial(register_dataclass, data_fields=["mean"], meta_fields=["n"])
@dataclasses.dataclass(frozen=True)
class Stats:
    mean: object
    n: int


@register_dataclass(data_fields=("z",), meta_fields=())
@dataclasses.dataclass
class ZOnly:
    z: object


@register_static
class Color:
    def __init__(self, name):
        self.name = name

    def __eq__(self, other):
        return type(other) is Color and other.name == self.name

    def __hash__(self):
        return hash(self.name)


def _add(x, y, z=0):
    return x + y + z


# Each entry: (tree, expected leaves in flattening order).
TREES = [
    (1, [1]),
    ("s", ["s"]),
    (None, []),
    ((), []),
    ([], []),
    ({}, []),
    ((1,), [1]),
    ((1, 2), [1, 2]),
    ([1, [2, (3, None)]], [1, 2, 3]),
    ({"b": 2, "a": 1, "c": [3, 4]}, [1, 2, 3, 4]),
    ({3: "x", 1: "y", 2: "z"}, ["y", "z", "x"]),
    ([None, (None,), {"k": None}], []),
    (Point(1, (2, 3)), [1, 2, 3]),
    ([Point(x={"q": 1}, y=None)], [1]),
    (collections.OrderedDict([("z", 1), ("a", 2)]), [1, 2]),
    (collections.defaultdict(list, {"b": 1, "a": 2}), [2, 1]),
    (Box("lbl", 1, [2, 3]), [1, 2, 3]),
    (Pair((1, 2), {"k": 3}), [1, 2, 3]),
    (Keyed(1, (2,)), [1, 2]),
    (Params(w=1.0, b=[2.0]), [1.0, 2.0]),
    (Stats(mean=(5, 6), n=10), [5, 6]),
    (ZOnly(z=7), [7]),
    ((Color("red"), 1), [1]),
    ({"p": Params(w=(1,), b=2, name="q"), "box": Box(0, None, 3)}, [3, 1, 2]),
    ([[[[[1]]]], ((((2,),),),)], [1, 2]),
]


@pytest.mark.parametrize("tree,expected", TREES, ids=[repr(t)[:40] for t, _ in TREES])
def test_round_trip(tree, expected):
    leaves, treedef = tree_flatten(tree)
    assert leaves == expected
    assert tree_leaves(tree) == expected
    assert treedef.num_leaves == len(expected)
    assert isinstance(treedef, tu.PyTreeDef)
    out = tree_unflatten(treedef, leaves)
    assert out == tree
    assert type(out) is type(tree)
    assert tree_structure(out) == treedef
    # Fresh leaves go to the right places.
    marked = tree_unflatten(treedef, [("leaf", i) for i in range(len(leaves))])
    assert tree_leaves(marked, is_leaf=lambda x: isinstance(x, tuple) and x[:1] == ("leaf",)) \
        == [("leaf", i) for i in range(len(leaves))]
    assert treedef == tree_structure(tree_unflatten(treedef, expected))


def test_namedtuple_type_is_remembered():
    t = tree_structure(Point(1, 2))
    assert t != tree_structure(Other(1, 2))
    assert t != tree_structure((1, 2))
    assert type(tree_unflatten(t, ["a", "b"])) is Point
    assert tree_unflatten(t, ["a", "b"]).y == "b"
    assert t.node_data() == (Point, None)


def test_ordereddict_keeps_insertion_order_and_defaultdict_factory():
    od = collections.OrderedDict([("b", 1), ("a", 2)])
    leaves, t = tree_flatten(od)
    assert leaves == [1, 2]
    assert list(tree_unflatten(t, [3, 4]).items()) == [("b", 3), ("a", 4)]
    # Key order is part of the structure.
    assert t != tree_structure(collections.OrderedDict([("a", 2), ("b", 1)]))
    dd = collections.defaultdict(list, {"b": 1, "a": 2})
    leaves, t = tree_flatten(dd)
    assert leaves == [2, 1]
    out = tree_unflatten(t, [10, 20])
    assert isinstance(out, collections.defaultdict) and out.default_factory is list
    assert dict(out) == {"a": 10, "b": 20}
    assert out["new"] == []
    assert t != tree_structure(collections.defaultdict(set, {"b": 1, "a": 2}))


def test_none_is_an_empty_node():
    leaves, t = tree_flatten([None, 1, {"a": None}])
    assert leaves == [1]
    assert repr(t) == "PyTreeDef([None, *, {'a': None}])"
    assert tree_structure(None).num_leaves == 0
    assert tree_structure(None).num_nodes == 1
    assert tree_leaves([None, 1], is_leaf=lambda x: x is None) == [None, 1]
    assert tree_map(lambda x: x * 2, [None, 3]) == [None, 6]


def test_dict_keys_sorted_and_unsortable_error():
    assert tree_leaves({"b": 1, "a": 2, "c": 0}) == [2, 1, 0]
    t = tree_structure({"b": 1, "a": 2})
    assert tree_unflatten(t, [5, 6]) == {"a": 5, "b": 6}
    with pytest.raises(TypeError, match="sorting pytree dictionary keys"):
        tree_flatten({1: "a", "x": "b"})


def test_treedef_equality_and_hash():
    a = tree_structure(((1, 2), {"a": 3, "b": [4]}))
    b = tree_structure((("x", "y"), {"b": [7], "a": 9}))
    assert a == b and not (a != b)
    assert hash(a) == hash(b)
    assert {a: "found"}[b] == "found"
    assert a != tree_structure(((1, 2), {"a": 3, "c": [4]}))
    assert a != tree_structure(([1, 2], {"a": 3, "b": [4]}))
    assert a != tree_structure(((1, 2, 3), {"a": 3, "b": [4]}))
    assert tree_structure([1]) != tree_structure((1,))
    assert tree_structure(None) != tree_structure(1)
    assert tree_structure(Box("p", 1, 2)) == tree_structure(Box("p", 3, 4))
    assert tree_structure(Box("p", 1, 2)) != tree_structure(Box("q", 1, 2))
    assert tree_structure(Params(1, 2, "a")) != tree_structure(Params(1, 2, "b"))
    assert tree_structure(Stats(1, 3)) != tree_structure(Stats(1, 4))
    assert tree_structure(Color("r")) == tree_structure(Color("r"))
    assert tree_structure(Color("r")) != tree_structure(Color("g"))
    assert (a == 3) is False


def test_treedef_repr():
    assert repr(tree_structure((1, {"a": 2}))) == "PyTreeDef((*, {'a': *}))"
    assert repr(tree_structure(1)) == "PyTreeDef(*)"
    assert repr(tree_structure(None)) == "PyTreeDef(None)"
    assert repr(tree_structure((1,))) == "PyTreeDef((*,))"
    assert repr(tree_structure([1, (), []])) == "PyTreeDef([*, (), []])"
    assert repr(tree_structure(Point(1, 2))) == "PyTreeDef(CustomNode(namedtuple[Point], [*, *]))"
    assert repr(tree_structure(Box("L", 1, 2))) == "PyTreeDef(CustomNode(Box['L'], [*, *]))"
    assert repr(tree_structure(collections.OrderedDict(b=1))) == \
        "PyTreeDef(CustomNode(OrderedDict[('b',)], [*]))"


def test_treedef_methods():
    t = tree_structure((1, [2, 3], {"a": None}))
    assert t.num_leaves == 3
    assert t.num_nodes == 7  # tuple, leaf, list, 2 leaves, dict, None
    kids = t.children()
    assert kids == treedef_children(t)
    assert kids == [tree_structure(0), tree_structure([0, 0]), tree_structure({"a": None})]
    assert [k.num_leaves for k in kids] == [1, 2, 0]
    assert t.node_data() == (tuple, None)
    assert tree_structure({"b": 1, "a": 2}).node_data() == (dict, ("a", "b"))
    assert tree_structure(1).node_data() is None
    assert treedef_is_leaf(tree_structure(1)) and treedef_is_strict_leaf(tree_structure(1))
    assert treedef_is_leaf(tree_structure(None))
    assert not treedef_is_strict_leaf(tree_structure(None))
    assert not treedef_is_leaf(t)
    tup = treedef_tuple([tree_structure([1, 2]), tree_structure({"a": 1})])
    assert tup == tree_structure(([1, 2], {"a": 1}))
    assert tup.num_leaves == 3
    comp = tree_structure([1, 2]).compose(tree_structure((1, {"k": 2})))
    assert comp == tree_structure([(1, {"k": 2}), (3, {"k": 4})])
    assert comp.num_leaves == 4


def test_unflatten_wrong_leaf_count():
    t = tree_structure((1, [2, 3]))
    with pytest.raises(ValueError) as e:
        tree_unflatten(t, [1, 2])
    assert "Too few leaves for PyTreeDef; expected 3, got 2" in str(e.value)
    assert "PyTreeDef((*, [*, *]))" in str(e.value)
    with pytest.raises(ValueError, match="Too many leaves for PyTreeDef; expected 3, got 4"):
        tree_unflatten(t, [1, 2, 3, 4])
    assert tree_unflatten(t, iter([7, 8, 9])) == (7, [8, 9])


def test_tree_map_single_and_multiple():
    tree = {"a": [1, 2], "b": (3, Point(4, 5))}
    assert tree_map(lambda x: x * 10, tree) == {"a": [10, 20], "b": (30, Point(40, 50))}
    other = {"a": [100, 200], "b": (300, Point(400, 500))}
    third = {"a": [0, 0], "b": (1, Point(1, 1))}
    assert tree_map(lambda x, y, z: x + y + z, tree, other, third) == \
        {"a": [101, 202], "b": (304, Point(405, 506))}
    assert tu.tree_multimap(operator.add, [1], [2]) == [3]
    # `tree` is a prefix: its leaves meet whole subtrees of the others.
    out = tree_map(lambda x, y: (x, y), [1, 2], [(3, 4), {"k": 5}])
    assert out == [(1, (3, 4)), (2, {"k": 5})]
    # A dict-subclass value matches a dict node.
    assert tree_map(operator.add, {"a": 1, "b": 2},
                    collections.OrderedDict([("b", 20), ("a", 10)])) == {"a": 11, "b": 22}


def test_tree_map_is_leaf():
    tree = [(1, 2), (3, 4), 5]
    out = tree_map(lambda x: ("seen", x), tree, is_leaf=lambda x: isinstance(x, tuple))
    assert out == [("seen", (1, 2)), ("seen", (3, 4)), ("seen", 5)]
    assert tree_leaves(tree, is_leaf=lambda x: isinstance(x, tuple)) == [(1, 2), (3, 4), 5]
    seen = []
    tree_flatten({"a": [1]}, is_leaf=lambda x: seen.append(x) or False)
    assert seen == [{"a": [1]}, [1], 1]
    # With is_leaf the other trees are matched up to the first tree's (bigger) leaves.
    assert tree_map(lambda x, y: len(x) + y, [(1, 2), (3,)], [10, 20],
                    is_leaf=lambda x: isinstance(x, tuple)) == [12, 21]


def _err(fn, *args, **kw):
    with pytest.raises(ValueError) as e:
        fn(*args, **kw)
    return str(e.value)


def test_tree_map_mismatch_messages():
    msg = _err(tree_map, lambda x, y: x, (1, (2, 3)), (1, (2, 3, 4)))
    assert "PyTreeDef((*, (*, *)))" in msg and "PyTreeDef((*, (*, *, *)))" in msg
    assert "rest[0]" in msg
    assert "tree[1]" in msg and "Tuple arity mismatch: 3 != 2" in msg

    msg = _err(tree_map, lambda x, y, z: x, [1, 2], [1, 2], {"a": [(1, 2), 5]})
    assert "rest[1]" in msg and "PyTreeDef([*, *])" in msg
    assert "Custom node type mismatch; expected type: <class 'list'>" in msg
    assert "{'a': [(*, *), *]}" in msg

    msg = _err(tree_map, lambda x, y: x, {"a": {"b": (1, 2)}}, {"a": {"b": [1, 2]}})
    assert "tree['a']['b']" in msg
    assert "Custom node type mismatch; expected type: <class 'tuple'>; value: [1, 2]." in msg

    msg = _err(tree_map, lambda x, y: x, {"a": 1, "b": 2}, {"a": 1, "c": 2})
    assert "Dict key mismatch" in msg and "['a', 'b']" in msg
    assert "PyTreeDef({'a': *, 'b': *})" in msg and "PyTreeDef({'a': *, 'c': *})" in msg

    msg = _err(tree_map, lambda x, y: x, [None, 1], [3, 1])
    assert "tree[0]" in msg and "Expected None, got 3." in msg

    msg = _err(tree_map, lambda x, y: x, [Box("a", 1, 2)], [Box("b", 1, 2)])
    assert "tree[0]" in msg and "Mismatch custom node data: 'b' != 'a'" in msg

    msg = _err(tree_map, lambda x, y: x, Point(1, (2,)), Point(1, (2, 3)))
    assert "tree.y" in msg and "Tuple arity mismatch: 2 != 1" in msg

    msg = _err(tree_map, lambda x, y: x, Point(1, 2), Other(1, 2))
    assert "expected type: <class" in msg and "Point" in msg and "Other" in msg

    msg = _err(tree_map, lambda x, y: x, [1, 2], [1, 2, 3])
    assert "List arity mismatch: 3 != 2" in msg and "key path tree:" in msg

    msg = _err(tree_map, lambda x, y: x, [Params(1, (2,))], [Params(1, (2, 3))])
    assert "tree[0].b" in msg

    msg = _err(tree_map, lambda x, y: x, Box("l", 1, (2,)), Box("l", 1, (2, 3)))
    assert "tree[<flat index 1>]" in msg


def test_flatten_up_to():
    t = tree_structure([1, {"a": 2}])
    assert t.flatten_up_to([(1, 2), {"a": [3]}]) == [(1, 2), [3]]
    assert tree_structure(1).flatten_up_to({"x": 1}) == [{"x": 1}]
    msg = _err(t.flatten_up_to, [1, {"b": 2}])
    assert "tree[1]" in msg and "Dict key mismatch" in msg
    assert "PyTreeDef([*, {'a': *}])" in msg and "PyTreeDef([*, {'b': *}])" in msg
    msg = _err(t.flatten_up_to, (1, {"a": 2}))
    assert "Custom node type mismatch; expected type: <class 'list'>; value: (1, {'a': 2})." \
        in msg


def test_tree_transpose():
    outer = tree_structure([0, 0, 0])
    inner = tree_structure({"a": 0, "b": 0})
    tree = [{"a": 1, "b": 2}, {"a": 3, "b": 4}, {"a": 5, "b": 6}]
    assert tree_transpose(outer, inner, tree) == {"a": [1, 3, 5], "b": [2, 4, 6]}
    assert tree_transpose(outer, None, tree) == {"a": [1, 3, 5], "b": [2, 4, 6]}
    back = tree_transpose(inner, outer, {"a": [1, 3, 5], "b": [2, 4, 6]})
    assert back == tree
    with pytest.raises(TypeError) as e:
        tree_transpose(outer, tree_structure((0, 0)), tree)
    assert "PyTreeDef([(*, *), (*, *), (*, *)])" in str(e.value)


def test_tree_all_and_reduce():
    assert tree_all([True, (1, {"a": True})])
    assert not tree_all([True, (0, {"a": True})])
    assert tree_all([])
    assert tree_all([[1, 0]], is_leaf=lambda x: isinstance(x, list) and len(x) == 2)
    assert tree_reduce(operator.add, {"a": 1, "b": (2, 3)}) == 6
    assert tree_reduce(operator.add, [], 10) == 10
    assert tree_reduce(lambda acc, x: acc + [x], {"b": 1, "a": 2}, []) == [2, 1]
    assert tree_reduce(lambda a, x: a + len(x), [[1, 2], [3]], 0,
                       is_leaf=lambda x: isinstance(x, list) and all(type(i) is int for i in x)
                       ) == 3


def test_all_leaves_and_build_tree():
    assert all_leaves([1, "a", 2.0])
    assert not all_leaves([1, (2,)])
    assert not all_leaves([None])
    assert not all_leaves([Point(1, 2)])
    assert all_leaves([(1, 2), 3], is_leaf=lambda x: isinstance(x, tuple))
    assert not all_leaves([[1], 3], is_leaf=lambda x: isinstance(x, tuple))
    t = tree_structure({"a": (1, 2), "b": Point(3, 4), "c": None})
    assert build_tree(t, [["x", "y"], ["p", "q"], []]) == \
        {"a": ("x", "y"), "b": Point("p", "q"), "c": None}
    with pytest.raises(ValueError, match="2 children"):
        build_tree(tree_structure((1, 2)), [1])


def test_key_paths():
    tree = {"b": [10, Point(x=20, y=(30,))], "a": Keyed(40, {"k": 50})}
    pairs, t = tree_flatten_with_path(tree)
    assert t == tree_structure(tree)
    assert [x for _, x in pairs] == tree_leaves(tree) == [40, 50, 10, 20, 30]
    paths = [p for p, _ in pairs]
    assert paths[0] == (DictKey("a"), GetAttrKey("u"))
    assert paths[1] == (DictKey("a"), GetAttrKey("v"), DictKey("k"))
    assert paths[2] == (DictKey("b"), SequenceKey(0))
    assert paths[4] == (DictKey("b"), SequenceKey(1), GetAttrKey("y"), SequenceKey(0))
    assert [keystr(p) for p in paths] == \
        ["['a'].u", "['a'].v['k']", "['b'][0]", "['b'][1].x", "['b'][1].y[0]"]
    assert keystr(paths[4], simple=True, separator="/") == "b/1/y/0"
    assert tree_leaves_with_path(tree) == pairs
    assert str(FlattenedIndexKey(2)) == "[<flat index 2>]"
    assert SequenceKey(1) == SequenceKey(1) and hash(DictKey("a")) == hash(DictKey("a"))
    assert SequenceKey(1) != DictKey(1)

    # Custom nodes without keys get flat indices; dataclasses their field names.
    assert [keystr(p) for p, _ in tree_flatten_with_path(Box("l", 1, [2]))[0]] == \
        ["[<flat index 0>]", "[<flat index 1>][0]"]
    assert [keystr(p) for p, _ in tree_flatten_with_path(Params(1, 2))[0]] == [".w", ".b"]
    od = collections.OrderedDict([("z", 1), ("a", 2)])
    assert [keystr(p) for p, _ in tree_flatten_with_path(od)[0]] == ["['z']", "['a']"]
    assert tree_flatten_with_path(5)[0] == [((), 5)]
    assert tree_flatten_with_path([(1, 2)], is_leaf=lambda x: isinstance(x, tuple))[0] == \
        [((SequenceKey(0),), (1, 2))]


def test_tree_map_with_path():
    tree = {"a": 1, "b": [2, 3]}
    out = tree_map_with_path(lambda p, x, y: f"{keystr(p)}={x + y}", tree,
                             {"a": 10, "b": [20, 30]})
    assert out == {"a": "['a']=11", "b": ["['b'][0]=22", "['b'][1]=33"]}
    msg = _err(tree_map_with_path, lambda p, x, y: x, tree, {"a": 1, "b": [2]})
    assert "tree['b']" in msg and "List arity mismatch: 1 != 2" in msg


def test_partial():
    p = Partial(_add, 1, z=3)
    leaves, t = tree_flatten(p)
    assert leaves == [1, 3]
    q = tree_unflatten(t, [10, 30])
    assert isinstance(q, Partial) and q.func is _add
    assert q(2) == 42
    doubled = tree_map(lambda x: x * 2, p)
    assert doubled(0) == 2 + 0 + 6
    assert tree_structure(Partial(_add, 5, z=6)) == t
    assert tree_structure(Partial(_add, 5)) != t
    assert tree_structure(Partial(max, 1, z=3)) != t
    assert tree_leaves(Partial(_add)) == []
    # An inner partial stays static: only the outer arguments are leaves.
    nested = Partial(Partial(_add, 1), 2)
    assert tree_leaves(nested) == [2]
    assert nested(3) == 6
    assert tree_unflatten(tree_structure(nested), [5])(3) == 9
    assert nested.func.func is _add and nested.func.args == (1,)


def test_custom_class_and_dataclass_round_trip_values():
    pair = Pair({"x": 1}, [2, 3])
    out = tree_map(lambda v: v + 1, pair)
    assert isinstance(out, Pair) and out.first == {"x": 2} and out.second == [3, 4]
    p = Params(w=[1, 2], b=3, name="layer")
    out = tree_map(lambda v: v * 2, p)
    assert out == Params(w=[2, 4], b=6, name="layer")
    s = tree_map(lambda v: -v, Stats(mean=(1, 2), n=7))
    assert s == Stats(mean=(-1, -2), n=7)
    z = tree_map(str, ZOnly(z=[1]))
    assert z == ZOnly(z=["1"])
    assert tree_map(lambda v: v + 1, [Color("c"), 1]) == [Color("c"), 2]


def test_register_dataclass_validation():
    @dataclasses.dataclass
    class D:
        a: int
        b: int

    with pytest.raises(ValueError, match="missing: \\['b'\\]"):
        register_dataclass(D, data_fields=["a"], meta_fields=[])
    with pytest.raises(TypeError, match="both"):
        register_dataclass(D, data_fields=["a", "b"])

    class NotDC:
        pass

    with pytest.raises(TypeError, match="not a dataclass"):
        register_dataclass(NotDC)
    # A plain class works with explicit fields (constructed with keywords).

    class Plain:
        def __init__(self, v, tag):
            self.v, self.tag = v, tag

    register_dataclass(Plain, data_fields=["v"], meta_fields=["tag"])
    out = tree_map(lambda x: x + 1, Plain(1, "t"))
    assert (out.v, out.tag) == (2, "t")
    assert repr(tree_structure(Plain(1, "t"))) == "PyTreeDef(CustomNode(Plain[('t',)], [*]))"


def test_double_registration_errors():
    class Fresh:
        pass

    register_pytree_node(Fresh, lambda x: ((), None), lambda a, c: Fresh())
    with pytest.raises(ValueError) as e:
        register_pytree_node(Fresh, lambda x: ((), None), lambda a, c: Fresh())
    assert "Duplicate" in str(e.value) and "Fresh" in str(e.value)
    for t in (tuple, list, dict, type(None), collections.OrderedDict):
        with pytest.raises(ValueError, match=t.__name__):
            register_pytree_node(t, lambda x: ((), None), lambda a, c: None)
    with pytest.raises(ValueError, match="Pair"):
        register_pytree_node_class(Pair)
    with pytest.raises(ValueError, match="Params"):
        register_dataclass(Params)
    with pytest.raises(ValueError, match="Color"):
        register_static(Color)


def test_treedef_pickle_and_leaf_identity():
    t = tree_structure({"a": [1, (2, None)], "b": Point(3, 4)})
    t2 = pickle.loads(pickle.dumps(t))
    assert t2 == t and hash(t2) == hash(t)
    assert t2.unflatten([1, 2, 3, 4]) == {"a": [1, (2, None)], "b": Point(3, 4)}
    assert pickle.loads(pickle.dumps(tree_structure(1))).unflatten(["z"]) == "z"


def test_wide_and_deep_trees():
    wide = list(range(1000))
    leaves, t = tree_flatten(wide)
    assert leaves == wide and tree_unflatten(t, leaves) == wide
    assert t.flatten_up_to(wide) == wide
    deep = 0
    for i in range(200):
        deep = [deep, {"i": i}]
    leaves, t = tree_flatten(deep)
    assert leaves[0] == 0 and leaves[-1] == 199 and len(leaves) == 201
    assert tree_unflatten(t, leaves) == deep
    assert tree_map(lambda x, y: x, deep, deep) == deep
