"""Isolation for the project's own code: every test, linter and fix command runs in bubblewrap.

This is not ``kairos_ci.sandbox``: that package holds the loopback GitHub and Anthropic
emulators. Here, a *jail* is what one command of the project runs in.
"""
