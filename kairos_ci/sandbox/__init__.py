"""Loopback emulators of GitHub and the Anthropic API, for tests and `kairos-ci demo`."""
