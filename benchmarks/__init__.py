"""Benchmarks of tinygraph against hand-written NumPy, PyTorch, MyGrad and autograd.

Run them with ``make bench`` (or ``python benchmarks/run.py``); see README.md.
"""
