"""Pull-request review: one quiet, precise review per push."""
