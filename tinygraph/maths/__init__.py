"""The three ways an op's maths can be read.

Every op writes its function (``maths``) and its local derivative once,
against a namespace ``m`` of primitive functions (``m.exp``, ``m.sum``,
``m.where``, ...) and Python's operators. Which namespace it is given
decides what the same lines compute:

* ``numeric``: NumPy on arrays. This is what ``backward()`` runs.
* ``tensors``: tinygraph's own ops on tensors, so the backward pass is
  itself recorded and can be differentiated again
  (``tg.grad(..., create_graph=True)``).
* ``symbols``: SymPy on symbols (an optional extra, imported only when
  asked for), so a derivative can be read as a formula.
"""
