"""kairos-ci: a perpetual maintenance agent for GitHub repositories."""

__version__ = "0.1.0"
