"""Building the real adapters for a run from the context: the one place that does."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kairos_ci.agent import claude
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView
from kairos_ci.commands.requests import ChatRequest, PlanCommandRequest, ReviewRequest, RunRequest
from kairos_ci.config.load import load_config, load_config_at
from kairos_ci.config.records import Config
from kairos_ci.context import Context, flag
from kairos_ci.errors import KairosError, UsageError
from kairos_ci.events.parse import load_event
from kairos_ci.events.records import (
    Event,
    IssueCommentCreated,
    ManualDispatch,
    PullRequestChanged,
    Repository,
    WorkflowRunCompleted,
)
from kairos_ci.forge.branches import Branches, auth_config
from kairos_ci.forge.github import connect
from kairos_ci.forge.port import Forge
from kairos_ci.git import Git
from kairos_ci.isolation.detect import JailSetup, find_jail
from kairos_ci.isolation.limits import JailLimits
from kairos_ci.memory.store import MemoryStore
from kairos_ci.notify.notifier import notifier_for
from kairos_ci.pipeline.chat import CommentToAnswer, FixOnRequest, fix_on_request, review_reply
from kairos_ci.pipeline.nightly import Nightly, task_kinds
from kairos_ci.pipeline.plan import LogLine, PlanWiring
from kairos_ci.pipeline.plan_baseline import ConfiguredBaseline
from kairos_ci.pipeline.plan_ticks import TickWiring
from kairos_ci.pipeline.review import REQUESTED, PullReview, review_pull
from kairos_ci.plan.bounds import PlanBounds
from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.job import PlanSettings
from kairos_ci.policy.records import Actor, Situation, Trigger
from kairos_ci.stages.records import Project, RunInfo
from kairos_ci.stages.remember import recall_or_forget
from kairos_ci.tasks.fix_tests.workflow_run import WorkflowFix
from kairos_ci.tasks.review.pulldiff import ensure_commits
from kairos_ci.tasks.review.records import PullView
from kairos_ci.workspace.commands import CommandRunner


def nightly_for(ctx: Context, args: RunRequest, event_name: str) -> Nightly:
    repo: Path = args.repo
    event = _event(ctx, args, event_name)
    inputs = event.inputs if isinstance(event, ManualDispatch) else {}
    requested = flag(inputs.get("dry-run"), "inputs.dry-run")
    dry_run = args.dry_run or ctx.inputs.dry_run or requested
    base_sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config(args.config) if args.config else load_config_at(repo, base_sha)
    repository = args.repository or ctx.repository or _repository_of(event)
    forge = _forge(ctx, repository, dry_run)
    run = RunInfo(_run_id(ctx, args.run_id), event_name, ctx.clock(), dry_run)
    project = Project(
        repo=repo,
        repository=repository,
        default_branch=_default_branch(repo, event),
        config=config,
        memory=_memory(ctx, repo, config),
        forge=forge,
        branches=None if forge is None else _branches(ctx, repo),
        runner=_runner(ctx, config, run.run_id, repo),
        situation=_situation(event, event_name, forge),
        secrets=ctx.secrets(),
    )
    return Nightly(
        project=project,
        base_sha=base_sha,
        run=run,
        tasks=task_kinds(inputs),
        model_available=ctx.anthropic_api_key is not None,
        llm=claude.from_context(ctx),  # None without a key; anthropic loads on first call
        pip_index_url=ctx.pip_index_url,
        server_url=ctx.server_url,
        notifier=notifier_for(ctx, repository),
    )


def local_nightly_for(ctx: Context, request: RunRequest) -> Nightly:
    """A preview of the nightly on a checkout, needing nothing from GitHub: a dry run on
    HEAD, with no forge, no branches and no notifier; memory read from the checkout's own
    branch (fresh when it has none) and never pushed; the repository named locally."""
    repo = request.repo.resolve()
    base_sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config(request.config) if request.config else load_config_at(repo, base_sha)
    event_name = request.event or "schedule"
    run = RunInfo(_run_id(ctx, request.run_id), event_name, ctx.clock(), dry_run=True)
    project = Project(
        repo=repo,
        repository=request.repository or f"local/{repo.name}",
        default_branch=Git(repo).text("rev-parse", "--abbrev-ref", "HEAD"),
        config=config,
        memory=_local_memory(ctx, repo, config),
        forge=None,
        branches=None,
        runner=_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger(event_name), None),
        secrets=ctx.secrets(),
    )
    return Nightly(
        project=project,
        base_sha=base_sha,
        run=run,
        tasks=task_kinds(None),
        model_available=ctx.anthropic_api_key is not None,
        llm=claude.from_context(ctx),  # None without a key: model tasks wait, with the reason
        pip_index_url=ctx.pip_index_url,
        server_url=ctx.server_url,
    )


def local_review_for(ctx: Context, request: ReviewRequest) -> PullReview:
    """A preview of a review of ``--local BASE..HEAD`` in the checkout, needing nothing
    from GitHub: the whole diff, as if a maintainer asked for it; the config read from
    BASE, never HEAD; a dry run, with memory read from the checkout's own branch and
    never pushed. A local diff has no pull request number: it is 0."""
    repo = request.repo.resolve()
    base_sha, head_sha = _span(repo, request.local or "")
    config = load_config_at(repo, base_sha)
    run = RunInfo(_run_id(ctx, request.run_id), "pull_request", ctx.clock(), dry_run=True)
    title = Git(repo).text("log", "-1", "--format=%s", head_sha)
    pull = PullView(0, head_sha, base_sha, author="local", from_fork=False, title=title)
    project = Project(
        repo=repo,
        repository=request.repository or f"local/{repo.name}",
        default_branch="",  # a review publishes nothing on a branch
        config=config,
        memory=_local_memory(ctx, repo, config),
        forge=None,
        branches=None,
        runner=_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger.PULL_REQUEST, None),
        secrets=ctx.secrets(),
    )
    return PullReview(project, pull, REQUESTED, run, claude.from_context(ctx), True, ctx.server_url)


def _span(repo: Path, span: str) -> tuple[str, str]:
    """``BASE..HEAD`` as its two commits; a clear usage error for anything else."""
    base, sep, head = span.partition("..")
    if not sep or not base or not head or head.startswith(".") or "-" in (base[0], head[0]):
        raise UsageError(f"--local {span!r}: expected BASE..HEAD, two commits (e.g. main..HEAD)")
    shas = []
    for ref in (base, head):
        found = Git(repo).run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        if found.returncode != 0:
            raise UsageError(f"--local {span!r}: {ref!r} is not a commit in {repo}")
        shas.append(found.stdout.decode().strip())
    return shas[0], shas[1]


def workflow_fix_for(ctx: Context, args: RunRequest) -> WorkflowFix:
    """A failed CI run's fix: the checkout is the default branch (workflow_run runs there)."""
    repo: Path = args.repo
    event = _event(ctx, args, "workflow_run")
    if not isinstance(event, WorkflowRunCompleted):
        raise UsageError("fix-tests needs a workflow_run payload (--payload or GITHUB_EVENT_PATH)")
    if ctx.github_token is None:
        raise UsageError("GITHUB_TOKEN is not set: fix-tests reads the run's artifacts through it")
    base_sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config(args.config) if args.config else load_config_at(repo, base_sha)
    repository = args.repository or ctx.repository or _repository_of(event)
    run = RunInfo(
        _run_id(ctx, args.run_id), "workflow_run", ctx.clock(), args.dry_run or ctx.inputs.dry_run
    )
    project = Project(
        repo=repo,
        repository=repository,
        default_branch=_default_branch(repo, event),
        config=config,
        memory=_memory(ctx, repo, config),
        forge=_forge(ctx, repository, dry_run=False),
        branches=_branches(ctx, repo),
        runner=_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger.WORKFLOW_RUN, None),  # until the failed run's PR is known
        secrets=ctx.secrets(),
    )
    return WorkflowFix(event, project, base_sha, run, claude.from_context(ctx))


def review_for(ctx: Context, request: ReviewRequest, event: PullRequestChanged) -> PullReview:
    """One pull request's review: its base and head fetched when the checkout lacks them,
    and the config read from its base commit, never its head."""
    repository = request.repository or ctx.repository or event.repository.full_name
    pull = pull_view(event)
    run = RunInfo(_run_id(ctx, request.run_id), str(request.event), ctx.clock(), request.dry_run)
    project = _pull_project(ctx, request.repo, repository, pull, run)
    project = replace(project, forge=_forge(ctx, repository, request.dry_run))
    return PullReview(
        project, pull, event.action, run, claude.from_context(ctx), request.full, ctx.server_url
    )


def comment_for(ctx: Context, request: ChatRequest, event: IssueCommentCreated) -> CommentToAnswer:
    """One comment's answer: the config from the checked-out default branch (the checkout
    ``issue_comment`` runs on), and a review or a failed run's fix of any pull request on
    request."""
    repo = request.repo
    repository = request.repository or ctx.repository or event.repository.full_name
    sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config_at(repo, sha)
    run = RunInfo(_run_id(ctx, request.run_id), "issue_comment", ctx.clock())
    forge = _forge(ctx, repository, dry_run=False)
    assert forge is not None  # without a token _forge raises
    project = Project(
        repo=repo,
        repository=repository,
        default_branch=_default_branch(repo, event),
        config=config,
        memory=_memory(ctx, repo, config),
        forge=forge,
        branches=None,
        runner=_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger.ISSUE_COMMENT, None),
        secrets=ctx.secrets(),
    )

    def reviewer(number: int) -> str:
        return _review_now(ctx, project, number, run)

    def fixer(number: int) -> str:
        # A pull request's fix is a suggestion comment on it: nothing is pushed.
        return fix_on_request(FixOnRequest(project, number, sha, run, claude.from_context(ctx)))

    runs_url = f"{ctx.server_url}/{repository}/actions/runs/"
    return CommentToAnswer(project, event, sha, run, reviewer, fixer, runs_url)


def plan_for(
    ctx: Context, request: PlanCommandRequest, repository: Repository, log: LogLine
) -> PlanWiring:
    """A planning run on the checked-out default branch: the plan model and prices from
    its config, a spend cap within what the budget has left (memory, read only), the
    checkpoints in the state folder, and the baseline test run of its configured tests
    in the jail, on a copy of the checkout."""
    repo = request.repo
    store = DirectoryCheckpoints(plan_state(ctx, request))
    full_name = request.repository or ctx.repository or repository.full_name
    git = Git(repo)
    config = load_config_at(repo, git.text("rev-parse", "--verify", "HEAD^{commit}"))
    forge = _forge(ctx, full_name, dry_run=False)
    assert forge is not None  # without a token _forge raises
    recalled = recall_or_forget(_memory(ctx, repo, config))
    for note in recalled.notes:
        log(f"memory: {note}")
    left = BudgetView.from_memory(config.budget, recalled.memory.spend, ctx.clock())
    usd = min(PlanBounds().usd, left.headroom_usd())
    settings = PlanSettings(
        model=config.models.plan, prices=config.budget.prices, bounds=PlanBounds(usd=usd)
    )
    return PlanWiring(
        repository=full_name,
        forge=forge,
        git=git,
        store=store,
        clock=ctx.clock,
        llm=claude.from_context(ctx),
        baseline=ConfiguredBaseline(repo, config, _runner(ctx, config, _run_id(ctx, None), repo)),
        settings=settings,
        log=log,
        redactor=Redactor.of(ctx.secrets()),
    )


def ticks_for(
    ctx: Context, request: PlanCommandRequest, repository: Repository, log: LogLine
) -> TickWiring:
    """Reading a tick needs only GitHub and the kept plans: no config, model or memory."""
    full_name = request.repository or ctx.repository or repository.full_name
    forge = _forge(ctx, full_name, dry_run=False)
    assert forge is not None  # without a token _forge raises
    return TickWiring(forge, DirectoryCheckpoints(plan_state(ctx, request)), ctx.clock, log)


def plan_state(ctx: Context, request: PlanCommandRequest) -> Path:
    """Where plans and checkpoints are kept: never inside the checkout, whose
    ``git status`` must stay empty while planning."""
    state = request.state
    if state is None and ctx.runner_temp is not None:
        state = ctx.runner_temp / "kairos-ci" / "plans"
    if state is None:
        raise UsageError("no folder for plans: pass --state DIR (default: under RUNNER_TEMP)")
    if state.resolve().is_relative_to(request.repo.resolve()):
        raise UsageError(f"--state {state} is inside the checkout; planning must leave it clean")
    return state


def _review_now(ctx: Context, chat: Project, number: int, run: RunInfo) -> str:
    """`/kairos review`: review pull request ``number`` now (the whole of it, nothing said
    twice); the reply's text."""
    assert chat.forge is not None
    try:
        pr = chat.forge.get_pull_request(number)
        pull = PullView(
            number=number,
            head_sha=pr.head_sha,
            base_sha=pr.base_sha,
            author=pr.author,
            from_fork=pr.head_repo != chat.repository,
            draft=pr.draft,
            title=pr.title,
            body=pr.body,
            labels=pr.labels,
        )
        review_run = replace(run, run_id=f"{run.run_id}.review")
        project = _pull_project(ctx, chat.repo, chat.repository, pull, review_run)
        project = replace(project, forge=chat.forge, situation=chat.situation)
        request = PullReview(
            project, pull, REQUESTED, review_run, claude.from_context(ctx), True, ctx.server_url
        )
        return review_reply(review_pull(request), pr.head_sha)
    except KairosError as err:  # the command was accepted: say why it did not work
        return f"The review could not run: {err}"


def pull_view(event: PullRequestChanged) -> PullView:
    return PullView(
        number=event.number,
        head_sha=event.head_sha,
        base_sha=event.base_sha,
        author=event.author.login,
        author_is_bot=event.author.is_bot,
        from_fork=event.from_fork,
        draft=event.draft,
        title=event.title,
        body=event.body,
        labels=event.labels,
    )


def _pull_project(
    ctx: Context, repo: Path, repository: str, pull: PullView, run: RunInfo
) -> Project:
    """A pull request's project: both commits present, the config from its base."""
    token = ctx.github_token.reveal() if ctx.github_token else None
    auth = auth_config(ctx.server_url, token) if token else {}
    ensure_commits(repo, (pull.base_sha, pull.head_sha), pull.number, auth)
    config = load_config_at(repo, pull.base_sha)
    return Project(
        repo=repo,
        repository=repository,
        default_branch="",  # a review publishes nothing on a branch
        config=config,
        memory=_memory(ctx, repo, config),
        forge=None,
        branches=None,
        runner=_runner(ctx, config, run.run_id, repo),
        situation=Situation(Trigger(run.event), None, pull.from_fork),
        secrets=ctx.secrets(),
    )


def _event(ctx: Context, args: RunRequest, name: str) -> Event | None:
    path = args.payload or ctx.event_path
    return load_event(name, path) if path is not None else None


def _repository_of(event: Event | None) -> str:
    repository = getattr(event, "repository", None)
    if repository is None:
        raise UsageError("no repository: pass --repository OWNER/NAME or set GITHUB_REPOSITORY")
    return str(repository.full_name)


def _forge(ctx: Context, repository: str, dry_run: bool) -> Forge | None:
    if ctx.github_token is None:
        if dry_run:
            return None
        raise UsageError("GITHUB_TOKEN is not set: kairos needs it to publish (or use --dry-run)")

    return connect(ctx.api_url, ctx.github_token.reveal(), repository)


def _branches(ctx: Context, repo: Path) -> Branches:
    auth = (
        {} if ctx.github_token is None else auth_config(ctx.server_url, ctx.github_token.reveal())
    )
    return Branches(repo, "origin", auth)


def _memory(ctx: Context, repo: Path, config: Config) -> MemoryStore:
    return MemoryStore(
        repo,
        config.memory.branch,
        token=ctx.github_token,
        server_url=ctx.server_url,
        clock=ctx.clock,
        key=ctx.memory_key,
    )


def _local_memory(ctx: Context, repo: Path, config: Config) -> MemoryStore:
    """Memory from the checkout's own branch (none: a fresh memory), with no token: a
    preview reads it and never pushes."""
    return replace(_memory(ctx, repo, config), remote=str(repo), token=None)


def _runner(ctx: Context, config: Config, run_id: str, checkout: Path) -> CommandRunner:
    """The project's commands run in the jail, each tree under test seen at ``checkout``."""
    # Tests may seed randomness from the run id, so a run can be reproduced.
    env = {**ctx.tool_env, "KAIROS_RUN_ID": run_id}
    jail = find_jail(jail_setup(ctx)).jail
    timeout = config.limits.command_timeout_minutes * 60.0
    return CommandRunner(env, timeout, jail=jail, checkout=checkout.resolve())


def jail_setup(ctx: Context) -> JailSetup:
    """Where the jail comes from, and what it hides: the runner's temporary directory holds
    the checkout's credentials and the runner's own command files."""
    home = ctx.tool_env.get("HOME")
    return JailSetup(
        path=ctx.tool_env.get("PATH", ""),
        home=Path(home) if home else None,
        hidden=(ctx.runner_temp,) if ctx.runner_temp else (),
        limits=JailLimits(),
    )


def _situation(event: Event | None, name: str, forge: Forge | None) -> Situation:
    trigger = Trigger(name)
    if isinstance(event, ManualDispatch) and forge is not None:
        login = event.sender.login
        return Situation(trigger, Actor(login, forge.get_permission(login), event.sender.is_bot))
    return Situation(trigger, None)


def _default_branch(repo: Path, event: Event | None) -> str:
    repository = getattr(event, "repository", None)
    if repository is not None and repository.default_branch:
        return str(repository.default_branch)
    head = Git(repo).run(
        "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False
    )
    if head.returncode == 0:
        return head.stdout.decode().strip().removeprefix("origin/")
    return Git(repo).text("rev-parse", "--abbrev-ref", "HEAD")


def _run_id(ctx: Context, given: str | None) -> str:
    if given:
        return given
    if ctx.run_id:
        return f"{ctx.run_id}.{ctx.run_attempt or 1}"
    return "local-" + ctx.clock().strftime("%Y%m%dT%H%M%S")
