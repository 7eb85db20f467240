"""Policy: who may do what, decided in code (never by the model). Pure functions."""
