import os
import random

from calc import mean, median, mode


def test_mean():
    assert mean([1, 2, 3, 4]) == 2.5


def test_median_odd_and_even():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5


def test_mean_of_empty_is_zero():
    assert mean([]) == 0.0


def test_mode_of_generated_sample():
    rng = random.Random(os.environ.get("KAIROS_RUN_ID", "local"))
    values = [rng.choice([1, 2, 3]) for _ in range(6)]
    assert mode(values) == min(v for v in set(values) if values.count(v) == max(map(values.count, values)))
