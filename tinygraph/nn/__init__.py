"""Neural-network pieces: modules, layers, activations, dropout, costs and
weight penalties, in the notes' features x examples layout."""

from .activations import (
    Identity,
    ReLU,
    Sigmoid,
    Softmax,
    Step,
    Tanh,
    identity,
    relu,
    sigmoid,
    softmax,
    step,
    tanh,
)
from .costs import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_with_logits,
    mse,
    multilabel_bce,
    multilabel_bce_with_logits,
)
from .dropout import Dropout, dropout
from .layers import Linear, Sequential
from .module import Module
from .regularization import l1_penalty, l2_penalty

__all__ = [
    "Dropout",
    "Identity",
    "Linear",
    "Module",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Step",
    "Tanh",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_with_logits",
    "dropout",
    "identity",
    "l1_penalty",
    "l2_penalty",
    "mse",
    "multilabel_bce",
    "multilabel_bce_with_logits",
    "relu",
    "sigmoid",
    "softmax",
    "step",
    "tanh",
]
