"""Saving and loading module parameters (being written)."""


def save(module, path):
    raise NotImplementedError


def load(module, path):
    raise NotImplementedError
