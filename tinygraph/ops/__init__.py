"""Every operation tinygraph can record, grouped by kind.

Each op is a small class (forward, backward, formula) in one of these
modules, with a lower-case function that applies it.
"""

from .activation import LogSoftmax, ReLU, Sigmoid, Softmax, Step, Tanh
from .activation import log_softmax, relu, sigmoid, softmax, step, tanh
from .arithmetic import Add, Div, Mul, Neg, Pow, Sub
from .arithmetic import add, div, mul, neg, pow, sub
from .elementwise import Abs, Exp, Log, Sqrt
from .elementwise import abs, exp, log, sqrt
from .linalg import MatMul, matmul
from .loss import Mix, NegMean, SigmoidCrossEntropy, SoftmaxCrossEntropy
from .loss import mix, neg_mean, sigmoid_cross_entropy, softmax_cross_entropy
from .reduce import Max, Mean, Sum
from .reduce import max, mean, sum
from .shape import GetItem, Reshape, Transpose
from .shape import getitem, reshape, transpose

__all__ = [
    "LogSoftmax",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Step",
    "Tanh",
    "log_softmax",
    "relu",
    "sigmoid",
    "softmax",
    "step",
    "tanh",
    "Add",
    "Div",
    "Mul",
    "Neg",
    "Pow",
    "Sub",
    "add",
    "div",
    "mul",
    "neg",
    "pow",
    "sub",
    "Abs",
    "Exp",
    "Log",
    "Sqrt",
    "abs",
    "exp",
    "log",
    "sqrt",
    "MatMul",
    "matmul",
    "Mix",
    "NegMean",
    "SigmoidCrossEntropy",
    "SoftmaxCrossEntropy",
    "mix",
    "neg_mean",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "Max",
    "Mean",
    "Sum",
    "max",
    "mean",
    "sum",
    "GetItem",
    "Reshape",
    "Transpose",
    "getitem",
    "reshape",
    "transpose",
]
