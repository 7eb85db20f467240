"""The most memory a run will read from the branch, set from measured load cost.

bench/memory_load.py loads a schema-valid tip at these caps (a snapshot of 38,000
tests x 50 outcomes with padded ids, plus a 7 MB journal): 1.6-2.1 s of CPU and
120 MiB peak on a busy 2-core machine, against a 2 s and 200 MiB target. At 32/48 MiB
it took 2.5-2.7 s. A file over its cap is not read: a note says so, and the run starts
that part afresh (the old tip stays in the history). kairos itself writes under the
caps: ``MemoryLimits.snapshot_bytes`` is three quarters of the snapshot cap,
``journal_bytes`` half the journals' room, and compaction shrinks memory to fit
(``budget``).
"""

from __future__ import annotations

SNAPSHOT_BYTES = 24 << 20
JOURNAL_BYTES = 8 << 20  # one journal file
LEASES_BYTES = 1 << 20
TIP_BYTES = 36 << 20  # every file read from one tip together
MAX_JOURNALS = 256  # a tip kairos wrote never has more than MemoryLimits.max_journals
MAX_POINTS = 100_000  # the schema's bound on a snapshot's points table
# Carried files are not read as memory: only a planning run or a worker reads them.
CARRIED_FILE_BYTES = 16 << 20  # one checkpoint, artefact or task board
PLANS_BYTES = 64 << 20  # every file under plans/ together
