from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version as Reference  # test-only oracle (pytest depends on it)

from kairos_ci.tasks.deps.versions import parse_pep440, parse_semver, update_type


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("1.2.3", "1.2.4", "patch"),
        ("1.2", "1.2.1", "patch"),
        ("1.2.3", "1.2.3.post1", "patch"),
        ("1.2.3", "1.3.0", "minor"),
        ("1.2.3", "2.0", "major"),
        ("1.2.3", "1!1.2.4", "major"),
        ("2024.1", "2024.1.1", "patch"),
    ],
)
def test_update_types(old: str, new: str, kind: str) -> None:
    a, b = parse_pep440(old), parse_pep440(new)
    assert a is not None and b is not None
    assert update_type(a, b) == kind


def test_pre_dev_and_local_versions_are_not_stable() -> None:
    for text in ("1.0rc1", "1.0.dev3", "1.0a1.post2.dev1", "2.0b2"):
        parsed = parse_pep440(text)
        assert parsed is not None and parsed.prerelease
    local = parse_pep440("1.0+ubuntu.1")
    assert local is not None and local.local and not local.stable
    assert parse_pep440("not-a-version") is None


def test_semver_order_and_prereleases() -> None:
    texts = [
        "1.0.0",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-beta",
        "1.0.0-beta.11",
        "1.0.0-beta.2",
        "1.0.0-rc.1",
        "0.9.10",
        "1.0.1",
    ]
    parsed = [parse_semver(t) for t in texts]
    assert all(p is not None for p in parsed)
    ordered = [p.text for p in sorted(parsed)]  # type: ignore[union-attr,type-var]
    assert ordered == [
        "0.9.10",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
    ]
    assert parse_semver("1.2") is None and parse_semver("^1.2.3") is None


_numbers = st.integers(min_value=0, max_value=12)
_pep440 = st.builds(
    lambda epoch, release, pre, post, dev: (
        (f"{epoch}!" if epoch else "")
        + ".".join(map(str, release))
        + (f"{pre[0]}{pre[1]}" if pre else "")
        + (f".post{post}" if post is not None else "")
        + (f".dev{dev}" if dev is not None else "")
    ),
    st.sampled_from([0, 0, 0, 1]),
    st.lists(_numbers, min_size=1, max_size=4),
    st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), _numbers),
    st.none() | _numbers,
    st.none() | _numbers,
)


@given(_pep440, _pep440)
def test_pep440_order_agrees_with_packaging(left: str, right: str) -> None:
    a, b = parse_pep440(left), parse_pep440(right)
    assert a is not None and b is not None
    assert (a.key < b.key) == (Reference(left) < Reference(right))
    assert (a.key == b.key) == (Reference(left) == Reference(right))
    assert a.prerelease == Reference(left).is_prerelease
