"""Agent swarms: the scheduling policy that fans a plan out over many workers, and an
offline simulator that measures it against the makespan's lower bound (issue 20)."""
