"""Unified diffs: parsing and mapping findings onto changed lines (pure)."""
