"""ULTRAPLAN: bounded, read-only planning that a maintainer approves in an issue.

The entry is ``phases.run_plan(PlanJob)``. The survey, impact analysis and validation need
no model; the design and draft phases use the plan-tier model with read-only tools. Each
finished phase is checkpointed, so a rerun resumes. A plan's approval binds to its
``plan_hash`` (``review``), and its comment renders all plan text as data (``comment``).
"""
