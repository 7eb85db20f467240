"""A loopback emulator of the Anthropic Messages API, served from a script.

``kairos-ci sandbox anthropic --script FILE`` runs it; tests start it in-process
with ``kairos_ci.sandbox.anthropic.server.running`` or as a child process with
``kairos_ci.sandbox.anthropic.server.spawned``.
"""
