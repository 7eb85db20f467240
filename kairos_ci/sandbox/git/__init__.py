"""A loopback git server (smart HTTP through ``git http-backend``) with fault injection."""
