"""Project memory on a dedicated git branch."""
