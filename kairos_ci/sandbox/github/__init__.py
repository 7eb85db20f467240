"""A loopback GitHub REST emulator over real bare git repositories.

Run it with ``kairos-ci sandbox github``; tests start it with ``server.running_sandbox``.
"""
