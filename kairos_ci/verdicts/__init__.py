"""Test verdicts over history: healthy, flaky, broken, new (pure)."""
