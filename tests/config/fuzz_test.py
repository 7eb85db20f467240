"""Whatever bytes arrive, parsing a config ends in a Config or a ConfigError."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kairos_ci.config.load import parse_config
from kairos_ci.errors import ConfigError

KEYS = [
    "version",
    "tests",
    "run",
    "junit",
    "linters",
    "name",
    "format",
    "autonomy",
    "default",
    "fix_lint",
    "rules",
    "when",
    "then",
    "kind",
    "paths",
    "budget",
    "per_run_usd",
    "limits",
    "memory",
    "branch",
    "protected_paths",
    "dashboard",
    "labels",
    "models",
    "skip",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True),
    st.sampled_from(["observe", "auto", "ruff", "x", "", "!a", "'\""]),
    st.text(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=20,
)


def _parse(raw: bytes) -> None:
    try:
        parse_config(raw, "fuzz.yml")
    except ConfigError as err:
        assert err.problems and all(str(p).startswith("fuzz.yml") for p in err.problems)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=6))
def test_structured_documents_never_crash(document: dict[str, object]) -> None:
    _parse(yaml.safe_dump(document).encode())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(raw: bytes) -> None:
    _parse(raw)
