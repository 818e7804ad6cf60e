"""tinygraph: a small reverse-mode autodiff framework on NumPy, for learning.

>>> import tinygraph as tg
>>> a = tg.tensor([0.9, 0.2], requires_grad=True)
>>> J = -(a.log()).mean()
>>> J.backward()
>>> a.grad.round(4)
array([-0.5556, -2.5   ])
"""

# tensor first: the ops and the graph module build on the Tensor class.
from .tensor import Tensor, tensor  # isort: skip

from . import closed_form, data, datasets, diagnostics, graph, nn, optim
from .anomaly import detect_anomaly, set_detect_anomaly
from .constructors import (
    arange,
    eye,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    randn,
    uniform,
    zeros,
    zeros_like,
)
from .functional import hessian, jacobian, jvp, vjp
from .grad_mode import is_grad_enabled, no_grad
from .gradcheck import gradcheck
from .gradients import grad
from .ops import (
    abs,
    add,
    argmax,
    argmin,
    broadcast_to,
    cat,
    ceil,
    clip,
    concatenate,
    cos,
    cosh,
    cumsum,
    div,
    dot,
    einsum,
    elu,
    erf,
    exp,
    expand_dims,
    expm1,
    flatten,
    floor,
    gelu,
    hardtanh,
    leaky_relu,
    log,
    log1p,
    log_sigmoid,
    log_softmax,
    logaddexp,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mul,
    neg,
    outer,
    pad,
    pow,
    prod,
    reciprocal,
    relu,
    reshape,
    round,
    sigmoid,
    sign,
    silu,
    sin,
    sinh,
    softmax,
    softplus,
    softsign,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    step,
    sub,
    sum,
    swapaxes,
    tan,
    tanh,
    tensordot,
    tile,
    transpose,
    unsqueeze,
    var,
    where,
)
from .recorder import Recorder
from .serialize import load, save

__version__ = "0.1.0"

__all__ = [
    # the tensor and the graph
    "Tensor", "tensor", "zeros", "ones", "randn", "graph", "no_grad",
    "full", "eye", "arange", "linspace", "zeros_like", "ones_like", "full_like",
    "rand", "uniform",
    "is_grad_enabled",
    # operations, also available as Tensor methods and operators
    "abs", "exp", "log", "sqrt", "sign", "sigmoid", "tanh", "relu", "step", "softmax",
    "log_softmax", "sum", "mean", "max", "reshape", "transpose", "broadcast_to",
    "matmul", "where", "add", "sub", "mul", "div", "pow", "neg",
    "maximum", "minimum", "clip", "min", "argmax", "argmin",
    "logsumexp", "log1p", "expm1", "softplus", "logaddexp", "log_sigmoid",
    "leaky_relu", "elu", "gelu", "silu", "softsign", "hardtanh", "erf",
    "var", "std", "prod", "cumsum", "flatten", "squeeze", "unsqueeze", "expand_dims",
    "swapaxes", "tile", "pad", "sin", "cos", "tan", "sinh", "cosh", "square",
    "reciprocal", "floor", "ceil", "round", "dot", "outer", "tensordot", "einsum",
    "concatenate", "cat", "stack", "split",
    # networks, training and data
    "nn", "optim", "data", "datasets",
    # checking and debugging
    "grad", "closed_form", "gradcheck", "detect_anomaly", "set_detect_anomaly",
    "jacobian", "hessian", "vjp", "jvp",
    "save", "load",
    # watching training: tg.Recorder, tg.diagnostics
    "Recorder", "diagnostics",
]
