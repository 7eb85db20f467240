"""The coordinator: many workers carry out one approved plan, through leases with fencing
tokens, file locks taken all or nothing, and compare-and-swap commits on the memory
branch, the only shared state (``docs/coordinator.md``)."""
