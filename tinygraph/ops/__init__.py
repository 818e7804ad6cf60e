"""Every operation tinygraph can record, grouped by kind.

Each op is a small class (its maths, its local derivative, its formula) in
one of these modules, with a lower-case function that applies it.
"""

from .activation import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softsign,
    Step,
    Tanh,
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    silu,
    softmax,
    softsign,
    step,
    tanh,
)
from .arithmetic import Add, Div, Mul, Neg, Pow, Sub, add, div, mul, neg, pow, sub
from .elementwise import Abs, Exp, Log, Sign, Sqrt, abs, exp, log, sign, sqrt
from .join import Concatenate, Stack, cat, concatenate, split, stack
from .linalg import Einsum, MatMul, dot, einsum, matmul, outer, tensordot
from .loss import (
    Mix,
    NegMean,
    SigmoidCrossEntropy,
    SoftmaxCrossEntropy,
    mix,
    neg_mean,
    sigmoid_cross_entropy,
    softmax_cross_entropy,
)
from .numerics import (
    Erf,
    Expm1,
    Log1p,
    LogAddExp,
    LogSigmoid,
    LogSumExp,
    Softplus,
    erf,
    expm1,
    log1p,
    log_sigmoid,
    logaddexp,
    logsumexp,
    softplus,
)
from .reduce import Max, Mean, Min, Sum, max, mean, min, sum
from .select import (
    Clip,
    Maximum,
    Minimum,
    Where,
    argmax,
    argmin,
    clip,
    maximum,
    minimum,
    where,
)
from .shape import (
    BroadcastTo,
    GetItem,
    Pad,
    Reshape,
    Scatter,
    Tile,
    Transpose,
    broadcast_to,
    expand,
    expand_dims,
    flatten,
    getitem,
    pad,
    repeat,
    reshape,
    scatter,
    squeeze,
    swapaxes,
    tile,
    transpose,
    unsqueeze,
)
from .statistics import Cumsum, Prod, Std, Var, cumsum, prod, std, var
from .trig import (
    Ceil,
    Cos,
    Cosh,
    Floor,
    Reciprocal,
    Round,
    Sin,
    Sinh,
    Square,
    Tan,
    ceil,
    cos,
    cosh,
    floor,
    reciprocal,
    round,
    sin,
    sinh,
    square,
    tan,
)

__all__ = [
    # activation
    "LogSoftmax", "ReLU", "Sigmoid", "Softmax", "Step", "Tanh",
    "log_softmax", "relu", "sigmoid", "softmax", "step", "tanh",
    "ELU", "GELU", "Hardtanh", "LeakyReLU", "SiLU", "Softsign",
    "elu", "gelu", "hardtanh", "leaky_relu", "silu", "softsign",
    # arithmetic
    "Add", "Div", "Mul", "Neg", "Pow", "Sub", "add", "div", "mul", "neg", "pow", "sub",
    # elementwise
    "Abs", "Exp", "Log", "Sign", "Sqrt", "abs", "exp", "log", "sign", "sqrt",
    # join
    "Concatenate", "Stack", "cat", "concatenate", "split", "stack",
    # linalg
    "MatMul", "matmul",
    "Einsum", "dot", "einsum", "outer", "tensordot",
    # loss
    "Mix", "NegMean", "SigmoidCrossEntropy", "SoftmaxCrossEntropy",
    "mix", "neg_mean", "sigmoid_cross_entropy", "softmax_cross_entropy",
    # numerics
    "Expm1", "Log1p", "LogAddExp", "LogSigmoid", "LogSumExp", "Softplus",
    "expm1", "log1p", "log_sigmoid", "logaddexp", "logsumexp", "softplus",
    "Erf", "erf",
    # reduce
    "Max", "Mean", "Sum", "max", "mean", "sum", "Min", "min",
    # select
    "Where", "where",
    "Clip", "Maximum", "Minimum", "argmax", "argmin", "clip", "maximum", "minimum",
    # shape
    "BroadcastTo", "GetItem", "Reshape", "Scatter", "Transpose",
    "broadcast_to", "getitem", "reshape", "scatter", "transpose",
    "Pad", "Tile", "expand", "expand_dims", "flatten", "pad", "repeat", "squeeze",
    "swapaxes", "tile", "unsqueeze",
    # statistics
    "Cumsum", "Prod", "Std", "Var", "cumsum", "prod", "std", "var",
    # trig (and other elementwise maths)
    "Ceil", "Cos", "Cosh", "Floor", "Reciprocal", "Round", "Sin", "Sinh", "Square",
    "Tan", "ceil", "cos", "cosh", "floor", "reciprocal", "round", "sin", "sinh",
    "square", "tan",
]
