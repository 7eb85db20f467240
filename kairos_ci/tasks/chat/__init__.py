"""Chat commands: `/kairos ...` in comments, from people with write access."""
