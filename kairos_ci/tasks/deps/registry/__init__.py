"""Where versions come from: one client per ecosystem, opened once per run.

The PyPI index is ``PIP_INDEX_URL`` when set (as pip itself lets the
environment override a config file), else ``update_deps.index_url``, else
pypi.org. Credentials in the URL become an Authorization header sent to that
index's origin only, and the child ``pip`` gets the URL through its environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from kairos_ci.context import Secret
from kairos_ci.tasks.deps.records import Ecosystem, Link, Package, RegistryFailure
from kairos_ci.tasks.deps.registry.http import FetchFailed, Http, endpoint
from kairos_ci.tasks.deps.registry.npm import DEFAULT_REGISTRY, Npm
from kairos_ci.tasks.deps.registry.pypi import DEFAULT_INDEX, PyPI


class Registry(Protocol):
    """What the planner and the PR body need from registries."""

    def lookup(self, ecosystem: Ecosystem, name: str, current: str) -> Package | RegistryFailure:
        """Every release of ``name``; dates at least for releases newer than ``current``."""
        ...

    def links(self, ecosystem: Ecosystem, name: str, version: str) -> tuple[Link, ...]:
        """Release notes or source links, when the registry gives them; never fails."""
        ...


@dataclass(frozen=True)
class IndexUrls:
    """The index URLs child installers use; the PyPI one may carry a credential."""

    pypi: Secret = field(repr=False)
    npm: str


class Registries:
    """The run's registries. Answers are cached for the run by the shared ``Http``."""

    def __init__(self, pypi: PyPI | str, npm: Npm | str, urls: IndexUrls) -> None:
        self._pypi = pypi  # a str is why the configured URL is unusable
        self._npm = npm
        self.urls = urls

    def lookup(self, ecosystem: Ecosystem, name: str, current: str) -> Package | RegistryFailure:
        client = self._pypi if ecosystem == "pypi" else self._npm
        if isinstance(client, str):
            return RegistryFailure(ecosystem, "(unusable URL)", name, client)
        return client.lookup(name, current)

    def links(self, ecosystem: Ecosystem, name: str, version: str) -> tuple[Link, ...]:
        client = self._pypi if ecosystem == "pypi" else self._npm
        return () if isinstance(client, str) else client.links(name, version)


def open_registries(
    index_url: str | None,
    pip_index_url: Secret | None,
    npm_registry_url: str | None,
    http: Http | None = None,
) -> Registries:
    """Clients for this run; a bad URL is reported on every lookup, never raised."""
    http = http or Http()
    pypi_text = pip_index_url.reveal() if pip_index_url else (index_url or DEFAULT_INDEX)
    npm_text = npm_registry_url or DEFAULT_REGISTRY
    pypi: PyPI | str
    npm: Npm | str
    try:
        pypi = PyPI(http, endpoint(pypi_text))
    except FetchFailed as failure:
        pypi = str(failure)
    try:
        npm = Npm(http, endpoint(npm_text))
    except FetchFailed as failure:
        npm = str(failure)
    return Registries(pypi, npm, IndexUrls(Secret(pypi_text), npm_text))
