"""Dependency updates: registries, manifests, the update plan, and verified group updates.

``registry`` asks PyPI-compatible indexes and npm registries what exists;
``manifests`` finds exact pins and rewrites only their version strings;
``plan`` decides, without I/O, which bumps each group gets; ``task`` verifies a
group in a scratch checkout and proposes it as one change.
"""
