"""XLA:CPU library choices plax makes (``client._env_overrides``): convolutions run on
Eigen, not YNNPACK (1.7x faster conv-net steps here), dots keep YNNPACK, and a user's
own ``XLA_FLAGS`` setting of the option wins."""

import numpy as np
import pytest

import plax_core
from plax_core import lax
from plax_xla import client, jit

pytestmark = pytest.mark.skipif(plax_core.devices()[0].platform != "cpu",
                                reason="an XLA:CPU option")


def _compiled_text(f, *args):
    return jit(f).lower(*args).compile().as_text()


def test_convolutions_leave_ynnpack_and_dots_keep_it():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    text = _compiled_text(lambda x, w: lax.conv_general_dilated(x, w, (1, 1), "SAME"), x, w)
    assert " convolution(" in text and "__ynn_fusion" not in text
    m = rng.standard_normal((64, 64)).astype(np.float32)
    assert "__ynn_fusion" in _compiled_text(lambda a: lax.dot(a, a), m)


def test_a_users_xla_flags_setting_wins(monkeypatch):
    assert dict(client._env_overrides()).get(client._YNN_TYPES)
    monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_experimental_ynn_fusion_type=")
    assert client._YNN_TYPES not in dict(client._env_overrides())
