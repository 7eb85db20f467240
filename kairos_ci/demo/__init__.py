"""`kairos-ci demo`: the whole product, offline, against a bundled sample project."""
