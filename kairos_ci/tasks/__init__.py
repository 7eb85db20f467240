"""Task kinds and the stages a run drives them through: gather evidence, work, verify."""
