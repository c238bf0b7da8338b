"""``plax.sharding``: JAX's sharding names, and ``with_sharding_constraint``.

The classes are core's (``plax_core.sharding``: plain data every backend reads).
``with_sharding_constraint`` is a primitive: eagerly it is ``device_put(x, sharding)``;
inside ``jit(in_shardings=...)`` it lowers to XLA's ``@Sharding`` annotation, which the
partitioner honours; elsewhere (a one-device program) it does nothing.
"""

from __future__ import annotations

from plax_core import device_put, tree_util
from plax_core.extend import BATCHING, JVP, LOWERING, TRANSPOSE, Primitive, ShapedArray, Tracer
from plax_core.sharding import (
    Mesh,
    NamedSharding,
    P,
    PartitionSpec,
    Shard,
    Sharding,
    SingleDeviceSharding,
    current_mesh,
)

sharding_constraint_p = Primitive("sharding_constraint", family="parallel")
sharding_constraint_p.def_impl(lambda x, *, sharding: x)
sharding_constraint_p.def_abstract_eval(
    lambda x, *, sharding: ShapedArray(x.shape, x.dtype, x.weak_type))


def _as_sharding(s, fun="with_sharding_constraint"):
    if isinstance(s, Sharding):
        return s
    if isinstance(s, PartitionSpec):
        mesh = current_mesh()
        if mesh is None:
            raise ValueError(f"{fun}: a bare PartitionSpec {s} needs a mesh: use "
                             f"NamedSharding(mesh, spec), or call it inside `with mesh:`")
        return NamedSharding(mesh, s)
    raise TypeError(f"{fun}: expected a Sharding or a PartitionSpec, got "
                    f"{type(s).__name__}")


def with_sharding_constraint(x, shardings):
    """Ask for ``x`` (a pytree) to be laid out as ``shardings`` (one, or a matching tree)."""
    leaves, tree = tree_util.tree_flatten(x)
    if isinstance(shardings, (Sharding, PartitionSpec)):
        specs = [shardings] * len(leaves)
    else:
        specs = tree_util.tree_leaves(shardings, is_leaf=lambda s: isinstance(
            s, (Sharding, PartitionSpec)))
        if len(specs) != len(leaves):
            raise ValueError(f"with_sharding_constraint: {len(specs)} shardings for "
                             f"{len(leaves)} arrays")
    out = []
    for leaf, s in zip(leaves, specs):
        s = _as_sharding(s)
        if isinstance(leaf, Tracer):
            out.append(sharding_constraint_p.bind(leaf, sharding=s))
        else:
            out.append(device_put(leaf, s))
    return tree_util.tree_unflatten(tree, out)


def _jvp(primals, tangents, *, sharding):
    (x,), (t,) = primals, tangents
    return (sharding_constraint_p.bind(x, sharding=sharding),
            sharding_constraint_p.bind(t, sharding=sharding))


def _transpose(ct, x, *, sharding):
    return [sharding_constraint_p.bind(ct, sharding=sharding)]


def _batch(args, dims, *, sharding):
    (x,), (d,) = args, dims
    if isinstance(sharding, NamedSharding):
        spec = list(sharding.spec) + [None] * (len(x.shape) - 1 - len(sharding.spec))
        spec.insert(d, None)
        sharding = NamedSharding(sharding.mesh, PartitionSpec(*spec))
    else:                               # a one-device sharding: nothing to say per example
        return x, d
    return sharding_constraint_p.bind(x, sharding=sharding), d


def _lower(ctx, x, *, sharding):
    if getattr(ctx, "num_partitions", 1) <= 1:
        return x                        # a one-device program: nothing to partition
    t = ctx.ty_of(x)
    devices = (sharding.mesh.device_list if isinstance(sharding, NamedSharding)
               else list(sharding._device_list()))
    text = sharding.layout(t.ndim).gspmd_text(devices)
    return ctx.op("stablehlo.custom_call", [x], t,
                  {"call_target_name": '"Sharding"', "mhlo.sharding": f'"{text}"'})


RULES = {JVP: _jvp, TRANSPOSE: _transpose, BATCHING: _batch, LOWERING: _lower}

__all__ = ["Mesh", "NamedSharding", "P", "PartitionSpec", "Shard", "Sharding",
           "SingleDeviceSharding", "with_sharding_constraint"]
