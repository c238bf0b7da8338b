"""A third-party plax transformation: count primitive applications by name.

Installed with pip, it reaches plax only through the ``plax`` entry-point group; the
transformation is then ``plax_core.transformations.count_primitives``.  It is a Trace
and Tracer of its own plus one rule table, the template for any plugin transformation.
It imports ``plax_core.extend`` (the plugin contract) and public modules only.
"""

from collections import Counter

from plax_core import tree_util
from plax_core.extend import Trace, Tracer, get_aval, hookimpl, new_main


class CountTracer(Tracer):
    __slots__ = ("value",)

    def __init__(self, trace, value):
        self._trace = trace
        self.value = value

    @property
    def aval(self):
        return get_aval(self.value)

    def full_lower(self):
        return self


class CountTrace(Trace):
    def pure(self, val):
        return CountTracer(self, val)

    lift = pure

    def process_primitive(self, primitive, tracers, params):
        weight = RULES[primitive]
        self.main.payload[primitive.name] += weight
        out = primitive.bind(*[t.value for t in tracers], **params)
        if primitive.multiple_results:
            return [CountTracer(self, o) for o in out]
        return CountTracer(self, out)


RULES = None  # the "count" rule table: primitive -> how much one application counts


def count_primitives(fun):
    """``count_primitives(f)(*args) -> (f(*args), Counter of primitive names)``."""

    def counted(*args):
        counts = Counter()
        with new_main(CountTrace, counts) as main:
            trace = CountTrace(main)
            flat, tree = tree_util.tree_flatten(args)
            out = fun(*tree_util.tree_unflatten(tree, [CountTracer(trace, x) for x in flat]))
            flat_out, out_tree = tree_util.tree_flatten(out)
            flat_out = [trace.full_raise(o).value for o in flat_out]
        return tree_util.tree_unflatten(out_tree, flat_out), counts

    return counted


@hookimpl
def plax_register_rules(registry):
    global RULES
    RULES = registry.rules("count_primitives")
    for prim in registry.primitives.values():
        RULES[prim] = 1


@hookimpl
def plax_register_transformations(registry):
    registry.add_transformation("count_primitives", count_primitives)
