from __future__ import annotations

from pathlib import Path

from kairos_ci.context import from_environ, tool_environment


def test_context_reads_actions_variables_and_hides_secrets() -> None:
    ctx = from_environ(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": "schedule",
            "GITHUB_API_URL": "http://127.0.0.1:8080/",
            "GITHUB_TOKEN": "ghs_abc",
            "ANTHROPIC_API_KEY": " ",
            "GITHUB_OUTPUT": "/tmp/o",
            "KAIROS_DRY_RUN": "TRUE",
            "KAIROS_COMMAND": "Validate",
        }
    )
    assert ctx.in_actions and ctx.event_name == "schedule"
    assert ctx.api_url == "http://127.0.0.1:8080"
    assert ctx.output_file == Path("/tmp/o")
    assert ctx.inputs.dry_run and ctx.inputs.command == "validate"
    assert ctx.anthropic_api_key is None  # blank is absent
    assert ctx.github_token is not None and ctx.github_token.reveal() == "ghs_abc"
    assert "ghs_abc" not in repr(ctx) and "ghs_abc" not in str(ctx.github_token)


def test_the_memory_key_is_a_secret_the_run_masks() -> None:
    ctx = from_environ({"GITHUB_TOKEN": "ghs_abc", "KAIROS_MEMORY_KEY": " mk-123 "})
    assert ctx.memory_key is not None and ctx.memory_key.reveal() == "mk-123"
    assert ctx.memory_key in ctx.secrets() and len(ctx.secrets()) == 2
    assert "mk-123" not in repr(ctx)
    assert from_environ({}).memory_key is None
    assert "KAIROS_MEMORY_KEY" not in tool_environment({"KAIROS_MEMORY_KEY": "mk-123"})


def test_defaults_outside_actions() -> None:
    ctx = from_environ({})
    assert not ctx.in_actions and ctx.api_url == "https://api.github.com"
    assert ctx.inputs.command == "auto" and not ctx.inputs.dry_run


def test_child_tools_never_inherit_credentials() -> None:
    env = tool_environment(
        {
            "PATH": "/bin",
            "HOME": "/root",
            "GITHUB_TOKEN": "x",
            "ANTHROPIC_API_KEY": "y",
            "AWS_SECRET_ACCESS_KEY": "z",
        }
    )
    assert env == {"PATH": "/bin", "HOME": "/root"}
