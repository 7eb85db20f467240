"""Evidence: test and lint report parsers producing neutral records."""
