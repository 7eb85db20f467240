"""The demo sample as a project to run tasks and stages on."""

from tests.sample_project import runner, sample, sample_repo

__all__ = ["runner", "sample", "sample_repo"]
