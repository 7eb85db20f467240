import os
from collections import Counter


def mean(values):
    return sum(values) / len(values)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def mode(values):
    counts = Counter(values)
    best = max(counts.values())
    # Ties go to the first value seen: callers expect the smallest.
    return next(v for v in values if counts[v] == best)


def describe(values):
    label = f"summary"
    return f"{label}: mean={mean(values)} median={median(values)}"
