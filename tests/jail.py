"""The real jail for tests that run project code the way kairos does (bubblewrap)."""

from __future__ import annotations

import os

import pytest

from kairos_ci.isolation.bubblewrap import Bubblewrap
from kairos_ci.isolation.detect import JailSetup, find_jail
from kairos_ci.isolation.limits import JailLimits


def jail_or_skip(limits: JailLimits | None = None) -> Bubblewrap:
    """bubblewrap as kairos would use it here; the test skips, saying why, where it cannot run
    (.ci/run installs it, so CI always has it)."""
    setup = JailSetup(os.environ.get("PATH", ""), None, (), limits or JailLimits())
    check = find_jail(setup)
    if check.jail is None:
        pytest.skip("; ".join(check.problems))
    return check.jail
