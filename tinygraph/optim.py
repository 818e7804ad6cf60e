"""Optimisers (being written)."""
