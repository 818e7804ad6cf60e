"""The notes' hand-derived results as plain NumPy (being written)."""
