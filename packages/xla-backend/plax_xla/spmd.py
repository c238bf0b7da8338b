"""``pmap``'s XLA side: one program run by N replicas, one per device.

The body (a jaxpr of per-device shapes) is lowered once with ``mhlo.num_replicas =
N``; its collectives (plax-parallel's lowering rules) name the replicas in
``replica_groups``.  A mapped argument is a global array of shape ``(N, ...)`` split
along axis 0, each device holding a ``(1, ...)`` block that the program reshapes; an
unmapped one is replicated.  Outputs come back as sharded Arrays (``sharded.py``)
with the same layout, so a pmap's output feeds the next pmap without a copy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from plax_core.array import Array
from plax_core.core import ShapedArray

from . import client, sharded
from .mlir import FunctionBuilder, aval_ty, dense_constant, lower_jaxpr, module_text, ty

xc = client.xc


def _stacked(aval, n) -> ShapedArray:
    return ShapedArray((n,) + tuple(aval.shape), aval.dtype, aval.weak_type)


def lower_replicated(name: str, jaxpr, consts, mapped: Sequence[bool], n: int) -> str:
    """The module: mapped inputs arrive as ``(1, ...)`` blocks, outputs leave as such."""
    ctx = FunctionBuilder()
    const_names = [dense_constant(ctx, np.asarray(c)) for c in consts]
    params, inner = [], []
    for i, (v, m) in enumerate(zip(jaxpr.invars, mapped)):
        t = aval_ty(v.aval)
        if m:
            p = ctx.arg(f"%arg{i}", ty((1,) + t.shape, t.dtype))
            inner.append(ctx.op("stablehlo.reshape", [p], t))
        else:
            p = ctx.arg(f"%arg{i}", t)
            inner.append(p)
        params.append(p)
    outs = lower_jaxpr(ctx, jaxpr, const_names, inner)
    blocks = []
    for o in outs:
        t = ctx.ty_of(o)
        blocks.append(ctx.op("stablehlo.reshape", [o], ty((1,) + t.shape, t.dtype)))
    text = module_text(f"pmap_{name}", ctx, params, [None] * len(params), blocks)
    return text.replace("mhlo.num_replicas = 1 : i32", f"mhlo.num_replicas = {n} : i32", 1)


class PmapExecutable:
    """A compiled pmap body over ``devices``: call it with flat arguments."""

    def __init__(self, backend, jaxpr, consts, mapped, n, devices, name="fun"):
        self.backend, self.n, self.devices = backend, n, tuple(devices)
        self.mapped = tuple(mapped)
        self.in_avals = [v.aval for v in jaxpr.invars]
        self.out_avals = [v.aval for v in jaxpr.outvars]
        self.text = lower_replicated(name, jaxpr, consts, mapped, n)
        options = client.compile_options()
        build = options.executable_build_options
        build.num_replicas, build.num_partitions = n, 1
        build.device_assignment = xc.DeviceAssignment.create(
            np.array([[d.id] for d in self.devices]))
        self.exe = backend.context.client.compile_and_load(
            self.text, xc.DeviceList(self.devices), options)
        self.tiled = [sharded.hlo_tiled(1 + len(a.shape), n) for a in self.out_avals]
        self.block_indices = tuple((slice(i, i + 1),) for i in range(n))
        self.handlers = [
            client._jax.array_result_handler(
                _stacked(a, n), sharded.jax_sharding(self.devices, h), True,
                _skip_checks=True)
            for a, h in zip(self.out_avals, self.tiled)]

    def _global_arg(self, x, aval, mapped, axis):
        if mapped:
            value = getattr(x, "_value", None)
            if (axis == 0 and isinstance(value, sharded.ShardedValue)
                    and value.devices == self.devices
                    and value.indices == self.block_indices):
                return value.buf                  # already laid out for this pmap
            host = np.moveaxis(np.asarray(x), axis, 0).astype(aval.dtype, copy=False)
            return sharded.put_shards(_stacked(aval, self.n), [b[None] for b in host],
                                      self.devices, sharded.hlo_tiled(host.ndim, self.n))
        host = np.asarray(x).astype(aval.dtype, copy=False)
        return sharded.put_shards(aval, [host] * self.n, self.devices,
                                  xc.HloSharding.replicate())

    def __call__(self, args, in_axes, out_axes) -> list:
        bufs = [self._global_arg(x, a, m, ax) for x, a, m, ax
                in zip(args, self.in_avals, self.mapped, in_axes)]
        outs = self.exe.execute_sharded(bufs).consume_with_handlers(self.handlers)
        backend = sharded.sharded_backend(self.backend)
        results = []
        for buf, aval, axis in zip(outs, self.out_avals, out_axes):
            value = sharded.ShardedValue(buf, self.devices, self.block_indices)
            arr = Array(value, _stacked(aval, self.n), backend)
            if axis == 0:
                results.append(arr)
            elif axis is None:            # unmapped output: device 0's value
                host = np.asarray(arr)[0]
                results.append(self.backend.put_host(host, aval))
            else:
                host = np.moveaxis(np.asarray(arr), 0, axis)
                results.append(self.backend.put_host(
                    host, ShapedArray(host.shape, aval.dtype, aval.weak_type)))
        return results


def compile_pmap(backend, jaxpr, consts, mapped, n, devices, name="fun") -> PmapExecutable:
    return PmapExecutable(backend, jaxpr, consts, mapped, n, devices, name)


__all__ = ["PmapExecutable", "compile_pmap", "lower_replicated"]
