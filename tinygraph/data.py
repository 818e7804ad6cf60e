"""Mini-batches of columns (being written)."""
