"""Where work happens: scratch checkouts, and running the project's own commands."""
