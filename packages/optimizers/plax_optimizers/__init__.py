"""plax-optimizers: first-order optimizers as ``(init_fun, update_fun, get_params)``
triples, with the API of ``jax.example_libraries.optimizers``.

An optimizer is written for one array: ``init(x0) -> state``, ``update(i, g, state) ->
state`` and ``get_params(state) -> x``, where a state is any pytree of arrays.  The
``optimizer`` decorator lifts such a triple to pytrees of parameters: its ``init_fun``
flattens the parameters and keeps one state per leaf in an ``OptimizerState``

    OptimizerState(packed_state, tree_def, subtree_defs)

holding the flattened per-leaf states, the parameters' tree structure and each
state's own structure.  ``OptimizerState`` is a pytree whose leaves are the state
arrays and whose structure is static, so it passes through ``jit``, ``vmap`` and
``grad`` like any container.  ``unpack_optimizer_state`` turns it into a plain
nested pytree (for saving), and ``pack_optimizer_state`` back.

Step sizes are numbers or *schedules*: functions from the step index ``i`` to a step
size (``constant``, ``exponential_decay``, ``inverse_time_decay``,
``polynomial_decay``, ``piecewise_constant``).  ``i`` may be a Python int or a traced
integer (under ``jit``), so the schedules use ``plax.numpy``.

The update equations are JAX's, e.g. Adam with bias correction
``m_hat = m / (1 - b1**(i+1))``.  Only plax-core and plax-numpy are used.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import plax_numpy as jnp
from plax_core import tree_util
from plax_core.tree_util import register_pytree_node, tree_flatten, tree_map, tree_unflatten

__all__ = [
    "Optimizer",
    "OptimizerState",
    "JoinPoint",
    "optimizer",
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "rmsprop_momentum",
    "adam",
    "adamax",
    "sm3",
    "constant",
    "exponential_decay",
    "inverse_time_decay",
    "polynomial_decay",
    "piecewise_constant",
    "make_schedule",
    "l2_norm",
    "clip_grads",
    "pack_optimizer_state",
    "unpack_optimizer_state",
]

Schedule = Callable[[Any], Any]


# ------------------------------------------------------------------ the state pytree

class OptimizerState(NamedTuple):
    """Per-leaf optimizer states, flattened, with the structures to rebuild them."""

    packed_state: list
    tree_def: Any
    subtree_defs: tuple


def _flatten_state(state):
    # Leaves: the flat per-leaf state lists; static data: the two structures.
    return tuple(state.packed_state), (state.tree_def, state.subtree_defs)


def _unflatten_state(aux, children):
    tree_def, subtree_defs = aux
    return OptimizerState(list(children), tree_def, subtree_defs)


register_pytree_node(OptimizerState, _flatten_state, _unflatten_state)


class Optimizer(NamedTuple):
    """The triple an optimizer constructor returns (unpacks like a tuple)."""

    init_fn: Callable
    update_fn: Callable
    params_fn: Callable


def optimizer(opt_maker):
    """Decorator lifting an optimizer over arrays to one over pytrees of arrays.

    ``opt_maker(*args, **kwargs)`` returns ``(init, update, get_params)`` for single
    arrays; the decorated constructor returns an ``Optimizer`` whose functions take
    pytrees of parameters and gradients and an ``OptimizerState``.
    """

    name = opt_maker.__name__

    @functools.wraps(opt_maker)
    def tree_opt_maker(*args, **kwargs):
        try:
            init, update, get_params = opt_maker(*args, **kwargs)
        except _BadStepSize as e:
            raise TypeError(f"{name}: {e}") from None

        @functools.wraps(init)
        def tree_init(x0_tree):
            leaves, tree_def = tree_flatten(x0_tree)
            flat_states, subtree_defs = [], []
            for x0 in leaves:
                flat, sub = tree_flatten(init(x0))
                flat_states.append(flat)
                subtree_defs.append(sub)
            return OptimizerState(flat_states, tree_def, tuple(subtree_defs))

        @functools.wraps(update)
        def tree_update(i, grad_tree, opt_state):
            flat_states, tree_def, subtree_defs = _unpack_state(name, "update", opt_state)
            grads, grad_def = tree_flatten(grad_tree)
            if grad_def != tree_def:
                raise TypeError(f"optimizer update function was passed a gradient tree that "
                                f"did not match the parameter tree structure with which it "
                                f"was initialized: parameter tree {tree_def} and grad tree "
                                f"{grad_def}.")
            new_flat = []
            for n, (g, flat, sub) in enumerate(zip(grads, flat_states, subtree_defs)):
                state = tree_unflatten(sub, flat)
                _check_grad_shape(name, grad_tree, n, g, get_params(state))
                new_state = update(i, g, state)
                leaves, new_sub = tree_flatten(new_state)
                if new_sub != sub:
                    raise TypeError(f"optimizer update function produced an output "
                                    f"structure that did not match its input structure: "
                                    f"input {sub} and output {new_sub}.")
                new_flat.append(leaves)
            return OptimizerState(new_flat, tree_def, subtree_defs)

        @functools.wraps(get_params)
        def tree_get_params(opt_state):
            flat_states, tree_def, subtree_defs = _unpack_state(name, "get_params", opt_state)
            params = [get_params(tree_unflatten(sub, flat))
                      for flat, sub in zip(flat_states, subtree_defs)]
            return tree_unflatten(tree_def, params)

        return Optimizer(tree_init, tree_update, tree_get_params)

    return tree_opt_maker


# ------------------------------------------------------------------ optimizers

def _first(state):
    return state[0]


@optimizer
def sgd(step_size):
    """Stochastic gradient descent: ``x <- x - step_size(i) * g``."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0

    def update(i, g, x):
        return x - step_size(i) * g

    return Optimizer(init, update, lambda x: x)


@optimizer
def momentum(step_size, mass):
    """Gradient descent with momentum: ``v <- mass*v + g``, ``x <- x - step*v``."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, jnp.zeros_like(x0)

    def update(i, g, state):
        x, velocity = state
        velocity = mass * velocity + g
        return x - step_size(i) * velocity, velocity

    return init, update, _first


@optimizer
def nesterov(step_size, mass):
    """Nesterov momentum: ``v <- mass*v + g``, ``x <- x - step*(mass*v + g)``."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, jnp.zeros_like(x0)

    def update(i, g, state):
        x, velocity = state
        velocity = mass * velocity + g
        return x - step_size(i) * (mass * velocity + g), velocity

    return init, update, _first


def _inv_sqrt_or_zero(a):
    """``1/sqrt(a)`` where ``a > 0``, else 0 (an accumulator that saw no gradient)."""
    safe = jnp.where(a > 0, a, 1.0)
    return jnp.where(a > 0, 1.0 / jnp.sqrt(safe), 0.0)


@optimizer
def adagrad(step_size, momentum=0.9):
    """Adagrad (Duchi et al. 2011) with momentum on the normalised gradient."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, jnp.zeros_like(x0), jnp.zeros_like(x0)

    def update(i, g, state):
        x, g_sq, m = state
        g_sq = g_sq + jnp.square(g)
        m = (1.0 - momentum) * (g * _inv_sqrt_or_zero(g_sq)) + momentum * m
        return x - step_size(i) * m, g_sq, m

    return init, update, _first


@optimizer
def rmsprop(step_size, gamma=0.9, eps=1e-8):
    """RMSProp: ``x <- x - step * g / sqrt(avg(g^2) + eps)``."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, jnp.zeros_like(x0)

    def update(i, g, state):
        x, avg_sq_grad = state
        avg_sq_grad = avg_sq_grad * gamma + jnp.square(g) * (1.0 - gamma)
        return x - step_size(i) * g / jnp.sqrt(avg_sq_grad + eps), avg_sq_grad

    return init, update, _first


@optimizer
def rmsprop_momentum(step_size, gamma=0.9, eps=1e-8, momentum=0.9):
    """RMSProp with momentum on the normalised step."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, jnp.zeros_like(x0), jnp.zeros_like(x0)

    def update(i, g, state):
        x, avg_sq_grad, mom = state
        avg_sq_grad = avg_sq_grad * gamma + jnp.square(g) * (1.0 - gamma)
        mom = momentum * mom + step_size(i) * g / jnp.sqrt(avg_sq_grad + eps)
        return x - mom, avg_sq_grad, mom

    return init, update, _first


def _bias_correction(b, i, like):
    """``1 - b**(i+1)`` in the dtype of ``like`` (``i`` may be traced)."""
    return 1 - jnp.asarray(b, like.dtype) ** (i + 1)


@optimizer
def adam(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """Adam (Kingma & Ba 2015) with bias-corrected moment estimates."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, jnp.zeros_like(x0), jnp.zeros_like(x0)

    def update(i, g, state):
        x, m, v = state
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * jnp.square(g) + b2 * v
        m_hat = m / _bias_correction(b1, i, m)
        v_hat = v / _bias_correction(b2, i, m)
        return x - step_size(i) * m_hat / (jnp.sqrt(v_hat) + eps), m, v

    return init, update, _first


@optimizer
def adamax(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """AdaMax: Adam with the exponentially weighted infinity norm."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, jnp.zeros_like(x0), jnp.zeros_like(x0)

    def update(i, g, state):
        x, m, u = state
        m = (1 - b1) * g + b1 * m
        u = jnp.maximum(b2 * u, jnp.abs(g))
        x = x - (step_size(i) / _bias_correction(b1, i, m)) * m / (u + eps)
        return x, m, u

    return init, update, _first


class _StaticShape(tuple):
    """A parameter's original shape, kept as static pytree data (not as int leaves)."""


tree_util.register_static(_StaticShape)


@optimizer
def sm3(step_size, momentum=0.9):
    """SM3 (Anil et al. 2019): one accumulator per axis instead of per element."""
    step_size = make_schedule(step_size)

    def along(ndim, v, axis):
        """The 1-D ``v`` as an array of rank ``ndim`` varying along ``axis``."""
        shape = [1] * ndim
        shape[axis] = v.shape[0]
        return jnp.reshape(v, shape)

    def init(x0):
        shape = _StaticShape(jnp.shape(x0))
        x0 = jnp.atleast_1d(x0)
        vs = [jnp.zeros(n, dtype=x0.dtype) for n in x0.shape]
        return x0, jnp.zeros_like(x0), vs, shape

    def update(i, g, state):
        x, m, vs, shape = state
        g = jnp.reshape(g, x.shape)
        accum = functools.reduce(jnp.minimum, [along(x.ndim, v, a) for a, v in enumerate(vs)])
        accum = accum + jnp.square(g)
        m = (1.0 - momentum) * (g * _inv_sqrt_or_zero(accum)) + momentum * m
        x = x - step_size(i) * m
        vs = [jnp.max(accum, axis=tuple(d for d in range(x.ndim) if d != a))
              for a in range(x.ndim)]
        return x, m, vs, shape

    def get_params(state):
        x, _, _, shape = state
        return jnp.reshape(x, tuple(shape))

    return init, update, get_params


# ------------------------------------------------------------------ schedules

def constant(step_size) -> Schedule:
    """The schedule ``i -> step_size``."""
    def schedule(i):
        return step_size
    return schedule


def exponential_decay(step_size, decay_steps, decay_rate) -> Schedule:
    """``i -> step_size * decay_rate ** (i / decay_steps)``."""
    def schedule(i):
        return step_size * decay_rate ** (i / decay_steps)
    return schedule


def inverse_time_decay(step_size, decay_steps, decay_rate, staircase=False) -> Schedule:
    """``i -> step_size / (1 + decay_rate * i / decay_steps)`` (floored with staircase)."""
    if staircase:
        def schedule(i):
            return step_size / (1 + decay_rate * jnp.floor(i / decay_steps))
    else:
        def schedule(i):
            return step_size / (1 + decay_rate * i / decay_steps)
    return schedule


def polynomial_decay(step_size, decay_steps, final_step_size, power=1.0) -> Schedule:
    """From ``step_size`` to ``final_step_size`` over ``decay_steps`` steps, then flat."""
    def schedule(step_num):
        step_num = jnp.minimum(step_num, decay_steps)
        step_mult = (1 - step_num / decay_steps) ** power
        return step_mult * (step_size - final_step_size) + final_step_size
    return schedule


def piecewise_constant(boundaries, values) -> Schedule:
    """``values[k]`` for ``boundaries[k-1] < i <= boundaries[k]`` (k = #boundaries < i)."""
    boundaries = jnp.array(boundaries)
    values = jnp.array(values)
    if not boundaries.ndim == values.ndim == 1:
        raise ValueError("boundaries and values must be sequences")
    if not boundaries.shape[0] == values.shape[0] - 1:
        raise ValueError("boundaries length must be one shorter than values length")

    def schedule(i):
        return values[jnp.sum(i > boundaries)]
    return schedule


def make_schedule(scalar_or_schedule) -> Schedule:
    """A schedule: ``scalar_or_schedule`` itself if callable, else a constant one."""
    if callable(scalar_or_schedule):
        return scalar_or_schedule
    dtype = getattr(scalar_or_schedule, "dtype", None)
    if dtype is None and isinstance(scalar_or_schedule, (bool, int, float)):
        dtype = jnp.result_type(scalar_or_schedule)
    if dtype is not None and dtype.kind in "iuf" and jnp.ndim(scalar_or_schedule) == 0:
        return constant(scalar_or_schedule)
    raise _BadStepSize(f"step_size must be a real scalar or a schedule (a callable from the "
                       f"step number to the step size), got {scalar_or_schedule!r} of type "
                       f"{type(scalar_or_schedule).__name__}")


class _BadStepSize(TypeError):
    """An invalid step size (the optimizer constructor re-raises it with its name)."""


def _unpack_state(opt_name: str, fname: str, opt_state):
    """``opt_state``'s three fields, or JAX's class of error saying what was passed."""
    if isinstance(opt_state, OptimizerState):
        return opt_state
    try:
        flat_states, tree_def, subtree_defs = opt_state
    except (TypeError, ValueError) as e:  # JAX's classes: not iterable / wrong length
        shape = getattr(opt_state, "shape", None)
        got = (f"an array of shape {shape}" if shape is not None else
               f"{type(opt_state).__name__} {opt_state!r}"[:200])
        raise type(e)(f"{opt_name} {fname}: expected the OptimizerState returned by "
                      f"init_fun or update_fun, got {got}. (Pass the optimizer state, not "
                      f"the parameters; update_fun's arguments are (step, grads, "
                      f"opt_state).)") from None
    return flat_states, tree_def, subtree_defs


def _check_grad_shape(opt_name: str, grad_tree, n: int, grad, param) -> None:
    """JAX's TypeError (an elementwise broadcast) for a gradient shaped unlike its
    parameter, naming the parameter's path and both shapes."""
    g_shape, p_shape = jnp.shape(grad), jnp.shape(param)
    if g_shape != p_shape:
        path = tree_util.keystr(tree_util.tree_flatten_with_path(grad_tree)[0][n][0])
        raise TypeError(f"{opt_name} update: the gradient for parameter "
                        f"{path or '(the only leaf)'} has shape {g_shape}, but the parameter "
                        f"has shape {p_shape}; gradients must have their parameters' shapes.")


# ------------------------------------------------------------------ utilities

def l2_norm(tree):
    """The l2 norm of all leaves of a pytree together (useful for weight decay)."""
    leaves = tree_util.tree_leaves(tree)
    return jnp.sqrt(sum(jnp.vdot(x, x) for x in leaves))


def clip_grads(grad_tree, max_norm):
    """``grad_tree`` scaled so that its l2 norm is at most ``max_norm``."""
    norm = l2_norm(grad_tree)

    def normalize(g):
        return jnp.where(norm < max_norm, g, g * (max_norm / norm))

    return tree_map(normalize, grad_tree)


# ------------------------------------------------------------------ checkpoints

class JoinPoint:
    """Marks where the parameter tree ends and a leaf's state tree begins."""

    def __init__(self, subtree):
        self.subtree = subtree

    def __iter__(self):
        yield self.subtree

    def __repr__(self):
        return f"JoinPoint({self.subtree!r})"


def unpack_optimizer_state(opt_state):
    """An ``OptimizerState`` as a pytree of ``JoinPoint`` leaves holding each state.

    The result is made of the parameters' own containers and plain state tuples, so
    it can be saved with pickle or any pytree serializer.
    """
    flat_states, tree_def, subtree_defs = opt_state
    joins = [JoinPoint(tree_unflatten(sub, flat))
             for flat, sub in zip(flat_states, subtree_defs)]
    return tree_unflatten(tree_def, joins)


def pack_optimizer_state(marked_pytree):
    """The inverse of ``unpack_optimizer_state``."""
    joins, tree_def = tree_flatten(marked_pytree)
    if not all(isinstance(j, JoinPoint) for j in joins):
        raise TypeError("pack_optimizer_state expects a pytree made by "
                        "unpack_optimizer_state (every leaf a JoinPoint)")
    flat_states, subtree_defs = [], []
    for j in joins:
        flat, sub = tree_flatten(j.subtree)
        flat_states.append(flat)
        subtree_defs.append(sub)
    return OptimizerState(flat_states, tree_def, tuple(subtree_defs))
