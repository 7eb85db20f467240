"""The dashboard issue: rendering and reading back its checkboxes (pure)."""
