from __future__ import annotations

from kairos_ci.plan.goalterms import MAX_TERMS, goal_terms


def test_prose_words_that_look_like_names_and_quoted_code() -> None:
    assert goal_terms("Migrate the backend from Express to Fastify") == ("express", "fastify")
    assert goal_terms("Replace `app.use` with hooks in 'src/app.js'") == (
        "app.use",
        "app",
        "src/app.js",
        "src",
        "js",
        "hooks",
    )


def test_terms_are_unique_and_bounded() -> None:
    many = " ".join(f"name{n}" for n in range(100))
    assert len(goal_terms(many)) == MAX_TERMS
    assert goal_terms("express Express EXPRESS") == ("express",)
