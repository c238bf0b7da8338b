"""Pytrees: nested containers flattened to a list of leaves and a `PyTreeDef`.

Names and semantics follow `jax.tree_util`. Flattening runs on every call of every
transformation, so the internal tree structure is nested plain tuples
``(node_type, node_data, children)``: building one costs one tuple per node, and
equality and hashing of treedefs run in C through tuple comparison. A leaf is the
single object `_LEAF`; ``node_type`` is the container type (``type(None)`` for None).
"""
import collections
import dataclasses
import functools
import operator
from collections.abc import Callable, Hashable
from itertools import islice
from typing import Any, NamedTuple, TypeVar

__all__ = [
    "PyTreeDef", "tree_flatten", "tree_unflatten", "tree_leaves", "tree_structure",
    "tree_map", "tree_multimap", "tree_transpose", "tree_all", "tree_reduce",
    "treedef_children", "treedef_is_leaf", "treedef_is_strict_leaf", "treedef_tuple",
    "all_leaves", "build_tree", "tree_flatten_with_path", "tree_leaves_with_path",
    "tree_map_with_path", "keystr", "SequenceKey", "DictKey", "GetAttrKey",
    "FlattenedIndexKey", "Partial", "register_pytree_node", "register_pytree_node_class",
    "register_pytree_with_keys", "register_dataclass", "register_static",
    "KeyEntry", "KeyPath", "default_registry", "flatten_one_level",
    "flatten_one_level_with_keys", "is_tree_node", "register_pytree_with_keys_class",
    "tree_broadcast", "tree_reduce_associative",
]


class _LeafNode(tuple):
    """The one leaf node; pickles by name so that `is _LEAF` survives a round trip."""
    __slots__ = ()

    def __reduce__(self):
        return "_LEAF"


_LEAF = _LeafNode((None, None, ()))
_NoneType = type(None)
_NONE_NODE = (_NoneType, None, ())


class _Entry(NamedTuple):
    flatten: Callable           # x -> (children, aux_data)
    unflatten: Callable         # (aux_data, children) -> x
    flatten_with_keys: Any      # x -> (((key, child), ...), aux_data), or None


# The only global mutable state: exact type -> _Entry. Built-ins live here too so that
# "is this a node?" is one dict lookup; the hot paths still special-case them inline.
_registry: dict = {}


# ----------------------------------------------------------------------------- keys

@dataclasses.dataclass(frozen=True)
class SequenceKey:
    idx: int
    __str__ = lambda self: f"[{self.idx!r}]"


@dataclasses.dataclass(frozen=True)
class DictKey:
    key: Hashable
    __str__ = lambda self: f"[{self.key!r}]"


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    name: str
    __str__ = lambda self: f".{self.name}"


@dataclasses.dataclass(frozen=True)
class FlattenedIndexKey:
    """Key of a child of a custom node registered without keys: its position."""
    key: int
    __str__ = lambda self: f"[<flat index {self.key}>]"


def keystr(keys, *, simple=False, separator=""):
    """Renders a key path, e.g. ``[1]['a'].x``; ``simple=True`` drops brackets and dots."""
    if not simple:
        return separator.join(map(str, keys))
    return separator.join(
        str(getattr(k, "idx", getattr(k, "key", getattr(k, "name", k)))) for k in keys)


# ------------------------------------------------------------------------- flatten

def _sorted_keys(d):
    try:
        return tuple(sorted(d))
    except TypeError as e:
        raise TypeError(
            "Comparator raised exception while sorting pytree dictionary keys "
            f"{list(d)!r}: dict keys must be mutually orderable (e.g. all str) for the "
            "dict to be a pytree node.") from e


def _is_namedtuple(x, t):
    return isinstance(x, tuple) and hasattr(t, "_fields")


def _flatten(x, append):
    """Returns the node of `x`, passing its leaves to `append` (the hot path)."""
    t = type(x)
    if t is tuple or t is list:
        aux, cs = None, x
    elif t is dict:
        aux = _sorted_keys(x)
        cs = [x[k] for k in aux]
    elif x is None:
        return _NONE_NODE
    else:
        e = _registry.get(t)
        if e is not None:
            cs, aux = e.flatten(x)
        elif isinstance(x, tuple) and hasattr(t, "_fields"):
            aux, cs = None, x
        else:
            append(x)
            return _LEAF
    # Children that are plainly leaves are appended here rather than by a call.
    return (t, aux, tuple([
        _flatten(c, append) if type(c) in _registry or isinstance(c, tuple)
        else append(c) or _LEAF for c in cs]))


def _leaves(x, append):
    """Like `_flatten` without building the structure (for `tree_leaves`)."""
    t = type(x)
    if t is tuple or t is list:
        cs = x
    elif t is dict:
        cs = [x[k] for k in _sorted_keys(x)]
    elif x is None:
        return
    else:
        e = _registry.get(t)
        if e is not None:
            cs = e.flatten(x)[0]
        elif isinstance(x, tuple) and hasattr(t, "_fields"):
            cs = x
        else:
            append(x)
            return
    for c in cs:
        if type(c) in _registry or isinstance(c, tuple):
            _leaves(c, append)
        else:
            append(c)


def _flatten_is_leaf(x, append, is_leaf):
    """`_flatten` asking `is_leaf` first at every object, as JAX does."""
    if not is_leaf(x):
        t = type(x)
        e = _registry.get(t)
        if e is not None or _is_namedtuple(x, t):
            cs, aux = (x, None) if e is None else e.flatten(x)
            return (t, aux, tuple([_flatten_is_leaf(c, append, is_leaf) for c in cs]))
    append(x)
    return _LEAF


def _keyed_children(t, x):
    """(((key, child), ...), aux) of a node `x` of type `t`."""
    e = _registry.get(t)
    if e is None:  # namedtuple
        return [(GetAttrKey(f), c) for f, c in zip(t._fields, x)], None
    if e.flatten_with_keys is not None:
        return e.flatten_with_keys(x)
    cs, aux = e.flatten(x)
    return [(FlattenedIndexKey(i), c) for i, c in enumerate(cs)], aux


def _flatten_with_path(x, path, append, is_leaf, takes_path=False):
    t = type(x)
    if (is_leaf is not None and (is_leaf(path, x) if takes_path else is_leaf(x))) or (
            t not in _registry and not _is_namedtuple(x, t)):
        append((path, x))
        return _LEAF
    keyed, aux = _keyed_children(t, x)
    return (t, aux, tuple([_flatten_with_path(c, path + (k,), append, is_leaf, takes_path)
                           for k, c in keyed]))


# ----------------------------------------------------------------------- unflatten

def _make_node(t, aux, vals):
    if t is tuple:
        return tuple(vals)
    if t is list:
        return vals if type(vals) is list else list(vals)
    if t is dict:
        return dict(zip(aux, vals))
    if t is _NoneType:
        return None
    e = _registry.get(t)
    if e is None:
        return t(*vals)  # namedtuple
    return e.unflatten(aux, tuple(vals))


def _unflatten(node, it, nxt):
    t, aux, kids = node
    n = len(kids)
    if n > 8 and kids.count(_LEAF) == n:  # wide all-leaf node: take a slice in C
        vals = list(islice(it, n))
    else:
        vals = [nxt() if k is _LEAF else _unflatten(k, it, nxt) for k in kids]
    return tuple(vals) if t is tuple else _make_node(t, aux, vals)


def _unflatten_root(node, leaves):
    if node is _LEAF:
        return leaves[0]
    it = iter(leaves)
    return _unflatten(node, it, it.__next__)


# ---------------------------------------------------------------- flatten_up_to

class _Mismatch(Exception):
    """Internal: a structure mismatch; `path` collects keys innermost first."""

    def __init__(self, msg):
        super().__init__(msg)
        self.msg = msg
        self.path = []


def _child_key(t, x, i):
    if t is tuple or t is list:
        return SequenceKey(i)
    return list(_keyed_children(t, x)[0])[i][0]


def _type_mismatch(t, x):
    return _Mismatch(f"Custom node type mismatch; expected type: {t!r}; value: {x!r}.")


def _up_to(node, x, out):
    """Appends to `out` the subtrees of `x` at the leaves of `node`."""
    t, aux, kids = node
    if t is None:
        out.append(x)
        return
    if t is tuple or t is list:
        if type(x) is not t:
            raise _type_mismatch(t, x)
        if len(x) != len(kids):
            kind = t.__name__
            raise _Mismatch(f"{kind.capitalize()} arity mismatch: {len(x)} != {len(kids)}; "
                            f"{kind}: {x!r}.")
        cs = x
    elif t is dict:
        if not isinstance(x, dict):
            raise _type_mismatch(t, x)
        if len(x) != len(aux) or not all(k in x for k in aux):
            raise _Mismatch(f"Dict key mismatch; expected keys: {list(aux)!r}; dict: {x!r}.")
        cs = [x[k] for k in aux]
    elif t is _NoneType:
        if x is not None:
            raise _Mismatch(f"Expected None, got {x!r}.")
        return
    else:
        if type(x) is not t:
            raise _type_mismatch(t, x)
        e = _registry.get(t)
        if e is None:
            cs = x
        else:
            cs, xaux = e.flatten(x)
            if xaux is not aux and xaux != aux:
                raise _Mismatch(f"Mismatch custom node data: {xaux!r} != {aux!r}; value: {x!r}.")
            cs = tuple(cs)
            if len(cs) != len(kids):
                raise _Mismatch(f"Custom node arity mismatch: {len(cs)} != {len(kids)}; "
                                f"value: {x!r}.")
    if kids.count(_LEAF) == len(kids):
        out.extend(cs)
        return
    for i, (k, c) in enumerate(zip(kids, cs)):
        if k is _LEAF:
            out.append(c)
        else:
            try:
                _up_to(k, c, out)
            except _Mismatch as err:
                err.path.append(_child_key(t, x, i))
                raise


def _flatten_up_to(treedef, tree, head, labels):
    """`treedef.flatten_up_to(tree)`; a mismatch names both structures and the key path."""
    out = []
    try:
        _up_to(treedef._node, tree, out)
    except _Mismatch as e:
        try:
            got = repr(tree_structure(tree))
        except Exception as err:  # only for the message
            got = f"<cannot flatten: {err}>"
        w = max(map(len, labels)) + 1
        raise ValueError(
            f"{head}\n  {(labels[0] + ':').ljust(w)} {treedef!r}\n"
            f"  {(labels[1] + ':').ljust(w)} {got}\n"
            f"  first difference at key path tree{keystr(reversed(e.path))}: {e.msg}"
        ) from None
    return out


# ------------------------------------------------------------------------ PyTreeDef

def _node_str(node):
    t, aux, kids = node
    if t is None:
        return "*"
    if t is _NoneType:
        return "None"
    cs = [_node_str(k) for k in kids]
    if t is tuple:
        return "(" + ", ".join(cs) + ("," if len(cs) == 1 else "") + ")"
    if t is list:
        return "[" + ", ".join(cs) + "]"
    if t is dict:
        return "{" + ", ".join(f"{k!r}: {c}" for k, c in zip(aux, cs)) + "}"
    head = f"namedtuple[{t.__name__}]" if t not in _registry else f"{t.__name__}[{aux!r}]"
    return f"CustomNode({head}, [{', '.join(cs)}])"


def _count_leaves(node):
    return 1 if node is _LEAF else sum(_count_leaves(k) for k in node[2])


def _count_nodes(node):
    return 1 + sum(_count_nodes(k) for k in node[2])


def _compose(node, inner):
    if node is _LEAF:
        return inner
    return (node[0], node[1], tuple([_compose(k, inner) for k in node[2]]))


class PyTreeDef:
    """The structure of a pytree: immutable, hashable, comparable with ``==``."""
    __slots__ = ("_node", "num_leaves", "_hash")

    def __init__(self, node, num_leaves=None):
        self._node = node
        self.num_leaves = _count_leaves(node) if num_leaves is None else num_leaves
        self._hash = None

    @property
    def num_nodes(self):
        """The number of nodes of the tree, leaves included."""
        return _count_nodes(self._node)

    def unflatten(self, leaves):
        """Builds the pytree with this structure from an iterable of leaves."""
        if not isinstance(leaves, (list, tuple)):
            leaves = list(leaves)
        n, want = len(leaves), self.num_leaves
        if n != want:
            raise ValueError(f"Too {'few' if n < want else 'many'} leaves for PyTreeDef; "
                             f"expected {want}, got {n}.\n  treedef: {self!r}")
        return _unflatten_root(self._node, leaves)

    def flatten_up_to(self, xs):
        """Flattens `xs` only down to this structure's leaves (it must be a prefix)."""
        if self._node is _LEAF:
            return [xs]
        return _flatten_up_to(self, xs, "Tree structure does not match the expected "
                              "prefix structure in flatten_up_to.", ("expected", "got"))

    def children(self):
        """The treedefs of the root's children, in order."""
        return [PyTreeDef(k) for k in self._node[2]]

    def node_data(self):
        """``(type, aux_data)`` of the root node, or None for a leaf."""
        return None if self._node is _LEAF else (self._node[0], self._node[1])

    def compose(self, inner):
        """The structure with every leaf of `self` replaced by `inner`."""
        return PyTreeDef(_compose(self._node, inner._node), self.num_leaves * inner.num_leaves)

    def __eq__(self, other):
        if not isinstance(other, PyTreeDef):
            return NotImplemented
        return self._node == other._node

    def __hash__(self):
        h = self._hash
        if h is None:
            h = self._hash = hash(self._node)
        return h

    def __repr__(self):
        return f"PyTreeDef({_node_str(self._node)})"

    def __getstate__(self):
        return self._node, self.num_leaves

    def __setstate__(self, state):
        self._node, self.num_leaves = state
        self._hash = None


# ---------------------------------------------------------------------- public API

def tree_flatten(tree, is_leaf=None):
    """Returns ``(leaves, treedef)``; `is_leaf(x)` true stops descent at `x`."""
    leaves = []
    if is_leaf is None:
        node = _flatten(tree, leaves.append)
    else:
        node = _flatten_is_leaf(tree, leaves.append, is_leaf)
    return leaves, PyTreeDef(node, len(leaves))


def tree_unflatten(treedef, leaves):
    """The pytree of structure ``treedef`` with ``leaves`` in place of its leaves."""
    return treedef.unflatten(leaves)


def tree_leaves(tree, is_leaf=None):
    """The leaves of ``tree``, flattened in order (None is an empty subtree)."""
    leaves = []
    if is_leaf is None:
        _leaves(tree, leaves.append)
    else:
        _flatten_is_leaf(tree, leaves.append, is_leaf)
    return leaves


def tree_structure(tree, is_leaf=None):
    """The ``PyTreeDef`` of ``tree``: its structure without the leaves."""
    return tree_flatten(tree, is_leaf)[1]


def _rest_leaves(fname, treedef, rest):
    return [_flatten_up_to(treedef, r, f"{fname}: rest[{i}] does not match the structure "
                           "of tree (tree must be a prefix of each tree in rest).",
                           ("tree", f"rest[{i}]"))
            for i, r in enumerate(rest)]


def tree_map(f, tree, *rest, is_leaf=None):
    """Applies `f` leafwise; each of `rest` must have `tree`'s structure as a prefix."""
    leaves, treedef = tree_flatten(tree, is_leaf)
    if not rest:
        return _unflatten_root(treedef._node, [f(x) for x in leaves])
    all_leaves = [leaves] + _rest_leaves("tree_map", treedef, rest)
    return _unflatten_root(treedef._node, [f(*xs) for xs in zip(*all_leaves)])


tree_multimap = tree_map  # the 2019 name


def tree_flatten_with_path(tree, is_leaf=None, is_leaf_takes_path=False):
    """Returns ``([(key_path, leaf), ...], treedef)``; `is_leaf` may take ``(path, x)``."""
    out = []
    node = _flatten_with_path(tree, (), out.append, is_leaf, is_leaf_takes_path)
    return out, PyTreeDef(node, len(out))


def tree_leaves_with_path(tree, is_leaf=None, is_leaf_takes_path=False):
    """``(key path, leaf)`` pairs of ``tree``, flattened in order."""
    return tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)[0]


def tree_map_with_path(f, tree, *rest, is_leaf=None, is_leaf_takes_path=False):
    """Like `tree_map`, calling ``f(key_path, leaf, *rest_leaves)``."""
    path_leaves, treedef = tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)
    all_leaves = [[p for p, _ in path_leaves], [x for _, x in path_leaves]]
    all_leaves += _rest_leaves("tree_map_with_path", treedef, rest)
    return _unflatten_root(treedef._node, [f(*xs) for xs in zip(*all_leaves)])


def tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    """Outer-of-inner pytree -> inner-of-outer; inner_treedef=None reads it off the tree."""
    flat, treedef = tree_flatten(pytree_to_transpose)
    if inner_treedef is None:
        inner_treedef = tree_structure(outer_treedef.flatten_up_to(pytree_to_transpose)[0])
    expected = outer_treedef.compose(inner_treedef)
    if treedef != expected:
        raise TypeError(f"tree_transpose structure mismatch:\n  got:      {treedef!r}\n"
                        f"  expected: {expected!r}")
    n_in, n_out = inner_treedef.num_leaves, outer_treedef.num_leaves
    columns = [[flat[o * n_in + i] for o in range(n_out)] for i in range(n_in)]
    return inner_treedef.unflatten([outer_treedef.unflatten(c) for c in columns])


def tree_all(tree, *, is_leaf=None):
    """Whether every leaf of ``tree`` is true."""
    return all(tree_leaves(tree, is_leaf))


_missing = object()


def tree_reduce(function, tree, initializer=_missing, is_leaf=None):
    """``functools.reduce(function, leaves of tree[, initializer])``."""
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _missing:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_reduce_associative(operation, tree, *, identity=_missing, is_leaf=None):
    """Reduces the leaves pairwise as a balanced tree (depth log n), for associative ops."""
    leaves = tree_leaves(tree, is_leaf)
    if not leaves:
        if identity is _missing:
            raise TypeError("tree_reduce_associative: the tree has no leaves; pass "
                            "identity= to reduce an empty tree.")
        return identity

    def reduce(xs):
        if len(xs) == 1:
            return xs[0]
        half = len(xs) // 2
        return operation(reduce(xs[:half]), reduce(xs[half:]))
    return reduce(leaves)


def tree_broadcast(prefix_tree, full_tree, is_leaf=None):
    """Copies each leaf of `prefix_tree` over the matching subtree of `full_tree`."""
    prefix_leaves, prefix_def = tree_flatten(prefix_tree, is_leaf)
    subtrees = _flatten_up_to(
        prefix_def, full_tree, "tree_broadcast: prefix_tree is not a prefix of full_tree.",
        ("prefix_tree", "full_tree"))
    return prefix_def.unflatten([tree_map(lambda _, v=v: v, sub, is_leaf=is_leaf)
                                 for v, sub in zip(prefix_leaves, subtrees)])


def _one_level(tree, with_keys):
    t = type(tree)
    if t not in _registry and not _is_namedtuple(tree, t):
        raise ValueError(f"can't tree-flatten type: {t!r}; it is a leaf, not a pytree node.")
    if t not in _registry:  # namedtuple
        return [(GetAttrKey(f), c) for f, c in zip(t._fields, tree)] if with_keys else \
            list(tree), t
    return _keyed_children(t, tree) if with_keys else _registry[t].flatten(tree)


def flatten_one_level(tree):
    """``(children, aux_data)`` of one pytree node; ValueError for a leaf."""
    return _one_level(tree, False)


def flatten_one_level_with_keys(tree):
    """``([(key, child), ...], aux_data)`` of one pytree node; ValueError for a leaf."""
    return _one_level(tree, True)


def is_tree_node(typ):
    """True if instances of type `typ` are pytree nodes (registered, or a namedtuple)."""
    return typ in _registry or (isinstance(typ, type) and issubclass(typ, tuple)
                                and hasattr(typ, "_fields"))


def treedef_children(treedef):
    """The structures of the children of the root of ``treedef``."""
    return treedef.children()


def treedef_is_leaf(treedef):
    """True for a node with no children (a leaf, None, or an empty container), as JAX."""
    return not treedef._node[2]


def treedef_is_strict_leaf(treedef):
    """Whether ``treedef`` is a single leaf (not None, not a container)."""
    return treedef._node is _LEAF


def treedef_tuple(treedefs):
    """The structure of a tuple whose children have the structures ``treedefs``."""
    treedefs = list(treedefs)
    return PyTreeDef((tuple, None, tuple(t._node for t in treedefs)),
                     sum(t.num_leaves for t in treedefs))


def _is_plain_leaf(x):
    t = type(x)
    return t not in _registry and not _is_namedtuple(x, t)


def all_leaves(iterable, is_leaf=None):
    """True if every element of `iterable` is a leaf (None is not)."""
    if is_leaf is None:
        return all(map(_is_plain_leaf, iterable))
    lst = list(iterable)
    leaves = tree_leaves(lst, is_leaf)
    return len(leaves) == len(lst) and all(a is b for a, b in zip(leaves, lst))


def _build(node, xs):
    if node is _LEAF:
        return xs
    t, aux, kids = node
    vals = [] if xs is None else list(xs)
    if len(vals) != len(kids):
        raise ValueError(f"build_tree: node {_node_str(node)} has {len(kids)} children, "
                         f"got {len(vals)}: {vals!r}")
    return _make_node(t, aux, [_build(k, v) for k, v in zip(kids, vals)])


def build_tree(treedef, xs):
    """Builds a pytree from nested iterables `xs`, one iterable of children per node."""
    return _build(treedef._node, xs)


# --------------------------------------------------------------------- registration

def register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys_func=None):
    """Makes `nodetype` a pytree node.

    ``flatten_func(x) -> (children, aux_data)`` and ``unflatten_func(aux_data, children)``;
    aux_data is static, so it must be hashable and comparable with ``==``.
    """
    if nodetype in _registry:
        raise ValueError(f"Duplicate custom PyTreeDef type registration for {nodetype!r}.")
    _registry[nodetype] = _Entry(flatten_func, unflatten_func, flatten_with_keys_func)


def register_pytree_with_keys(nodetype, flatten_with_keys, unflatten_func, flatten_func=None):
    """Like `register_pytree_node` with ``flatten_with_keys(x) -> (((key, child), ...), aux)``."""
    if flatten_func is None:
        def flatten_func(x):
            keyed, aux = flatten_with_keys(x)
            return [c for _, c in keyed], aux
    register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys)


def register_pytree_node_class(cls):
    """Class decorator using ``x.tree_flatten()`` and ``cls.tree_unflatten(aux, children)``."""
    register_pytree_node(cls, operator.methodcaller("tree_flatten"), cls.tree_unflatten)
    return cls


def register_pytree_with_keys_class(cls):
    """Class decorator using ``x.tree_flatten_with_keys()`` and ``cls.tree_unflatten``."""
    flatten = getattr(cls, "tree_flatten", None)
    register_pytree_with_keys(cls, operator.methodcaller("tree_flatten_with_keys"),
                              cls.tree_unflatten,
                              None if flatten is None else operator.methodcaller("tree_flatten"))
    return cls


def register_dataclass(nodetype=None, data_fields=None, meta_fields=None, drop_fields=()):
    """Registers a dataclass: data fields are children, meta fields static aux data.

    With no field lists, every ``init`` field is data unless its metadata says
    ``static=True``. Usable bare (``@register_dataclass``) or with keywords.
    """
    if nodetype is None:
        return functools.partial(register_dataclass, data_fields=data_fields,
                                 meta_fields=meta_fields, drop_fields=drop_fields)
    is_dc = dataclasses.is_dataclass(nodetype)
    if data_fields is None and meta_fields is None:
        if not is_dc:
            raise TypeError("register_dataclass: data_fields and meta_fields are required "
                            f"when {nodetype!r} is not a dataclass.")
        data_fields, meta_fields = [], []
        for f in dataclasses.fields(nodetype):
            if f.init and f.name not in drop_fields:
                (meta_fields if f.metadata.get("static", False) else data_fields).append(f.name)
    elif data_fields is None or meta_fields is None:
        raise TypeError("register_dataclass: data_fields and meta_fields must both be given "
                        "when either is.")
    data_fields, meta_fields = tuple(data_fields), tuple(meta_fields)
    if is_dc:
        init = {f.name for f in dataclasses.fields(nodetype) if f.init} - set(drop_fields)
        given = {*data_fields, *meta_fields}
        if given != init:
            raise ValueError(
                f"register_dataclass({nodetype.__name__}): data_fields and meta_fields must "
                "name exactly the dataclass fields with init=True; missing: "
                f"{sorted(init - given)}, unexpected: {sorted(given - init)}.")

    def flatten(x):
        return ([getattr(x, n) for n in data_fields],
                tuple([getattr(x, n) for n in meta_fields]))

    def flatten_with_keys(x):
        return ([(GetAttrKey(n), getattr(x, n)) for n in data_fields],
                tuple([getattr(x, n) for n in meta_fields]))

    def unflatten(meta, data):
        return nodetype(**dict(zip(meta_fields, meta)), **dict(zip(data_fields, data)))

    register_pytree_node(nodetype, flatten, unflatten, flatten_with_keys)
    return nodetype


def register_static(cls):
    """Makes instances of `cls` childless nodes: the value itself is the (hashable) aux data."""
    register_pytree_node(cls, lambda x: ((), x), lambda aux, _: aux)
    return cls


class _DefaultRegistry:
    """`default_registry`: JAX's registry object, as a view of this module's functions."""

    def register_node(self, nodetype, to_iterable, from_iterable, to_iterable_with_keys=None):
        register_pytree_node(nodetype, to_iterable, from_iterable, to_iterable_with_keys)

    def is_node(self, typ):
        return is_tree_node(typ)

    flatten = staticmethod(lambda tree, leaf_predicate=None: tree_flatten(tree, leaf_predicate))
    flatten_with_path = staticmethod(tree_flatten_with_path)
    flatten_one_level = staticmethod(flatten_one_level)
    flatten_one_level_with_keys = staticmethod(flatten_one_level_with_keys)


default_registry = _DefaultRegistry()
KeyEntry = TypeVar("KeyEntry", bound=Any)
KeyPath = tuple[KeyEntry, ...]


# ------------------------------------------------------------------------- built-ins

def _seq_keys(x):
    return [(SequenceKey(i), c) for i, c in enumerate(x)], None


def _dict_flatten(x):
    keys = _sorted_keys(x)
    return [x[k] for k in keys], keys


def _dict_keys(x, aux=None):
    keys = _sorted_keys(x)
    return [(DictKey(k), x[k]) for k in keys], keys if aux is None else aux


def _defaultdict_flatten(x):
    cs, keys = _dict_flatten(x)
    return cs, (x.default_factory, keys)


register_pytree_node(tuple, lambda x: (x, None), lambda _, cs: tuple(cs), _seq_keys)
register_pytree_node(list, lambda x: (x, None), lambda _, cs: list(cs), _seq_keys)
register_pytree_node(dict, _dict_flatten, lambda keys, cs: dict(zip(keys, cs)), _dict_keys)
register_pytree_node(_NoneType, lambda x: ((), None), lambda _, cs: None,
                     lambda x: ((), None))
register_pytree_node(
    collections.OrderedDict, lambda x: (list(x.values()), tuple(x)),
    lambda keys, cs: collections.OrderedDict(zip(keys, cs)),
    lambda x: ([(DictKey(k), v) for k, v in x.items()], tuple(x)))
register_pytree_node(
    collections.defaultdict, _defaultdict_flatten,
    lambda aux, cs: collections.defaultdict(aux[0], zip(aux[1], cs)),
    lambda x: _dict_keys(x, (x.default_factory, _sorted_keys(x))))


class _StaticCallable:
    """Holds a partial given as `Partial`'s func: functools.partial would otherwise merge
    the inner arguments into the outer ones, changing which arguments are leaves."""
    __slots__ = ("fun",)

    def __init__(self, fun):
        self.fun = fun

    def __call__(self, *args, **kwargs):
        return self.fun(*args, **kwargs)

    def __getattr__(self, name):  # .func, .args, .keywords of the wrapped partial
        if name == "fun":
            raise AttributeError(name)
        return getattr(self.fun, name)

    __hash__ = lambda self: hash(self.fun)
    __eq__ = lambda self, o: isinstance(o, _StaticCallable) and self.fun == o.fun


class Partial(functools.partial):
    """A functools.partial that is a pytree: args and keywords are leaves, func is static.

    Lets a closure-like callable cross a transformation boundary as an argument.
    """

    def __new__(cls, func, *args, **kwargs):
        if isinstance(func, functools.partial):
            func = _StaticCallable(func)
        return super().__new__(cls, func, *args, **kwargs)


register_pytree_node(
    Partial, lambda p: ((p.args, p.keywords), p.func),
    lambda func, cs: Partial(func, *cs[0], **cs[1]))
