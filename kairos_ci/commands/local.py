"""``kairos-ci run --local`` and ``kairos-ci review --local BASE..HEAD``: the nightly's
work, or a review of a local diff, previewed on one's own checkout.

No GitHub and no token: a dry run in scratch, memory read from the checkout's own branch
(or none) and never pushed. Each would-be pull request or review and the dashboard are
printed for a terminal, and a run's bundle goes to a temporary directory outside the
checkout, so ``git status`` stays empty (a review's has no pull request to name: none).
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

from kairos_ci import context
from kairos_ci.bundle.load import dump_bundle
from kairos_ci.commands import wiring_local
from kairos_ci.commands.requests import ReviewRequest, RunRequest
from kairos_ci.commands.terminal import show_outcome
from kairos_ci.errors import UsageError
from kairos_ci.pipeline.nightly import nightly
from kairos_ci.pipeline.review import review_pull
from kairos_ci.stages.outcome import RunOutcome

BUNDLE_NAME = "kairos-bundle.json"
# A bundle's review names the pull request it is posted to, and a local diff has none.
NO_REVIEW_BUNDLE = "a local review has no pull request to post to, so it writes no bundle"

_log = logging.getLogger(__name__)


def local_command(ctx: context.Context, request: RunRequest) -> int:
    """Run the nightly as a preview and show it; the run's exit code."""
    refuse_bundle_in_checkout(request.repo, request.bundle_out)  # before the long part
    night = wiring_local.local_nightly_for(ctx, request)
    _log.info(
        "previewing the nightly on %s at %s in scratch: tests, linters and fixes "
        "(this can take minutes; uncommitted changes are not included)",
        night.project.repo,
        night.base_sha[:12],
    )
    return _shown(nightly(night), request.bundle_out)


def local_review_command(ctx: context.Context, request: ReviewRequest) -> int:
    """Review ``BASE..HEAD`` as a preview and show it; the review's exit code."""
    if request.bundle_out is not None:
        raise UsageError(f"--bundle-out: {NO_REVIEW_BUNDLE}")
    review = wiring_local.local_review_for(ctx, request)
    _log.info(
        "previewing a review of %s..%s in %s (linters on the changed lines, and the "
        "model when ANTHROPIC_API_KEY is set)",
        review.pull.base_sha[:12],
        review.pull.head_sha[:12],
        review.project.repo,
    )
    done = review_pull(review).outcome
    show_outcome(sys.stdout, done, f"Bundle: none ({NO_REVIEW_BUNDLE})")
    return done.exit_code


def refuse_bundle_in_checkout(repo: Path, given: Path | None) -> None:
    """``--bundle-out`` may go anywhere but the checkout, whose ``git status`` a preview
    must leave empty (by default the bundle goes to a new temporary directory)."""
    if given is not None and given.resolve().is_relative_to(repo.resolve()):
        raise UsageError(f"--bundle-out {given} is inside the checkout; a preview leaves it clean")


def _shown(done: RunOutcome, given: Path | None) -> int:
    bundle = given or Path(tempfile.mkdtemp(prefix="kairos-local-")) / BUNDLE_NAME
    dump_bundle(done.bundle, bundle)
    show_outcome(sys.stdout, done, f"Bundle: {bundle}")
    return done.exit_code
