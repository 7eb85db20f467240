"""Adopting kairos on a repository: read its manifests, decide how its own CI installs and
runs its tests and linters, and render ``.github/kairos.yml`` and the workflows.

Everything here reads files and returns records; nothing runs the project's code.
``kairos_ci.commands.init`` is the only caller that writes.
"""
