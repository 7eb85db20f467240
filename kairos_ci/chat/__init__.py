"""Chat commands: `/kairos ...` in issue and pull-request comments, from people with write access."""
