"""The test-integrity guard: does a patch weaken the tests that judge it?

Pure analysis of base and head file texts (Python by AST, other languages by text
heuristics); it fails closed: what it cannot analyse is flagged, never passed.
"""
