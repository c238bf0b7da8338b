"""Higher-order primitives: primitives that call a closed jaxpr held in a parameter.

``jit``'s call (``jit_p``) is one; plax-autodiff's ``custom_jvp_call``,
``custom_vjp_call``, ``custom_lin`` and ``checkpoint`` are others.  A transformation
cannot know every such primitive (other packages define them), so it writes its rule
for "a call of a closed jaxpr" once, for every ``HigherOrderPrimitive`` that has no
rule of its own.  What such a generic rule may rely on is declared here:

``callee``       the parameter holding the ``ClosedJaxpr`` the primitive calls on its
                 operands (``None``: the primitive calls no jaxpr, only ``callables``).
                 The default implementation and abstract evaluation come from it.
``num_consts``   the name of an int parameter counting leading operands that are
                 values the callee closes over (``None``: no such parameter).  A rule
                 that adds leading operands to the callee adds them to that count.
``callables``    parameter -> role, for parameters holding flat Python functions
                 that a transformation must transform along with the callee:
                 ``"jvp"``  ``(*primals, *tangents) -> [*outs, *tangent_outs]``;
                 ``"fwd"``  ``(*primals) -> [*outs, *residuals]``;
                 ``"bwd"``  ``(residuals, cotangents) -> cotangent per argument``.
                 The primals are the operands after the ``num_consts`` leading ones.
``linear_call``  the primitive holds no callee: its operands are ``num_res``
                 residuals then tangents, its outputs have the avals in its
                 ``out_avals`` parameter (``all_out_avals``: every output of the
                 function, ``diff_mask``: which arguments have a tangent operand), and
                 its ``bwd`` maps residuals and output cotangents to the arguments'.

``jit_p`` (params ``name``, ``jaxpr``) is printed as JAX 0.10.2 prints its call:
``jit[name=f jaxpr={ lambda ... }]``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..core import Primitive
from ..jaxpr import eval_jaxpr

ROLES = ("jvp", "fwd", "bwd")


class HigherOrderPrimitive(Primitive):
    """A primitive calling the ``ClosedJaxpr`` in its ``callee`` parameter (see the
    module docstring for what the other attributes promise to generic rules)."""

    def __init__(self, name: str, *, callee: str | None = "jaxpr",
                 num_consts: str | None = None, callables: Mapping[str, str] = (),
                 linear_call: bool = False, pp_first: tuple[str, ...] = ()):
        super().__init__(name, multiple_results=True, family="higher_order")
        self.callee = callee
        self.num_consts = num_consts
        self.callables = dict(callables)
        unknown = set(self.callables.values()) - set(ROLES)
        if unknown:
            raise ValueError(f"HigherOrderPrimitive {name}: unknown callable roles "
                             f"{sorted(unknown)}; the roles are {ROLES}")
        self.linear_call = linear_call
        self.pp_first = tuple(pp_first)    # parameters printed first (jit's name)
        if callee is not None:
            self.def_impl(self._call_impl)
            self.def_abstract_eval(self._call_abstract_eval)

    def _call_impl(self, *args, **params):
        closed = params[self.callee]
        return eval_jaxpr(closed.jaxpr, closed.consts, *args)

    def _call_abstract_eval(self, *avals, **params):
        return list(params[self.callee].out_avals)


jit_p = HigherOrderPrimitive("jit", callee="jaxpr", pp_first=("name",))

__all__: list[str] = []
