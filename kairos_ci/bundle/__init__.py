"""Bundles: the serialisable list of intended writes, and applying them through the forge."""
