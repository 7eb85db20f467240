"""GitHub event payloads, parsed at the boundary into small frozen records."""
