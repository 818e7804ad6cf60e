"""Drawings of tinygraph graphs (see the drawing issue)."""
