"""gather and the scatters on the NumPy backend and on XLA agree.

Random dimension numbers (collapsed and batching dims, permuted start index maps,
out-of-bounds indices in every mode) from ``plax_core.testing_indexing``; plain
``scatter`` uses distinct indices (XLA picks an arbitrary winner among repeats).
"""

import numpy as np
import pytest

from plax_core import lax
from plax_core.testing import num_generated_cases, random_array
from plax_core.testing_indexing import random_gather, random_scatter

DTYPES = [np.dtype(t) for t in (np.float32, np.int32, np.bool_, np.uint8, np.complex64)]
SCATTERS = {"scatter": lax.scatter_p, "scatter-add": lax.scatter_add_p,
            "scatter-mul": lax.scatter_mul_p, "scatter-min": lax.scatter_min_p,
            "scatter-max": lax.scatter_max_p}


def _cases():
    return max(2, num_generated_cases() // 2)


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_gather(check_backends, dt):
    rng = np.random.default_rng(0)
    for _ in range(_cases()):
        c = random_gather(rng)
        x = np.asarray(random_array(rng, c.operand_shape, dt))
        params = dict(dimension_numbers=c.dimension_numbers, slice_sizes=c.slice_sizes,
                      indices_are_sorted=False, unique_indices=False, mode=c.mode,
                      fill_value=None)
        check_backends(lax.gather_p, [x, c.indices], params)


@pytest.mark.parametrize("name", sorted(SCATTERS))
@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_scatter(check_backends, name, dt):
    rng = np.random.default_rng(1)
    for _ in range(_cases()):
        shape, idx, ushape, dn, mode = random_scatter(
            rng, unique=name == "scatter", modes=("clip", "fill", "promise_in_bounds"))
        x = np.asarray(random_array(rng, shape, dt))
        u = np.asarray(random_array(rng, ushape, dt))
        params = dict(dimension_numbers=dn, indices_are_sorted=False, unique_indices=False,
                      mode=mode)
        check_backends(SCATTERS[name], [x, idx, u], params, rtol=1e-5, atol=1e-5)


def test_jit_of_numpy_indexing_and_at(require):
    from plax_core import ops
    jit = require("jit")
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    i = np.array([3, -1, 0], np.int32)

    @jit
    def f(x, i):
        return ops.getitem(x, (i, slice(1, None, 2))), ops.array(x).at[:, i].add(1.0)

    a, b = f(x, i)
    np.testing.assert_array_equal(np.asarray(a), x[i, 1::2])
    ref = x.copy()
    np.add.at(ref, (slice(None), i), 1.0)
    np.testing.assert_array_equal(np.asarray(b), ref)
    with pytest.raises(IndexError, match="must be concrete"):
        jit(lambda x: x[x > 3])(x)
