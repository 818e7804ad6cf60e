"""Teaching data sets (being written)."""
