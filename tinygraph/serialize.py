"""Saving and loading a model's parameters: ``tg.save`` and ``tg.load``.

The file is NumPy's ``.npz`` format: a zip archive holding one ``<name>.npy``
array per parameter, keyed by the names of ``module.named_parameters()``
(``0.W``, ``0.b``, ...), so ``np.load(path)`` reads it too. Nothing is ever
pickled, on either side, so loading a file cannot run code.

Saving writes a temporary file next to the target and renames it into place
(an atomic step), so a crash mid-write leaves the old file or none, never half
a file. Loading reads every array and checks it against the model (names,
shapes, dtypes) before changing anything: on any error the model is left as
it was. A file's array headers are checked against the model before their
data is read, so a damaged or hostile file cannot make ``load`` allocate
more than the model's own size.
"""

import os
import tempfile
import zipfile
import zlib

import numpy as np

from .tensor import Tensor

_NPY = ".npy"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip
_NPY_MAGIC = b"\x93NUMPY"


def save(module, path):
    """Write ``module``'s parameters to the ``.npz`` file ``path``.

    ``module`` is anything with ``named_parameters()`` (every ``tg.nn``
    module) or a dict ``{name: Tensor}``. ``path`` is used as given (no
    ``.npz`` is appended); an existing file is replaced.

    >>> import os, tempfile
    >>> import tinygraph as tg
    >>> net = tg.nn.Sequential(tg.nn.Linear(2, 3, rng=0), tg.nn.Tanh())
    >>> path = os.path.join(tempfile.mkdtemp(), "net.npz")
    >>> tg.save(net, path)
    >>> with np.load(path) as archive:
    ...     sorted(archive.files)
    ['0.W', '0.b']
    """
    path = os.fspath(path)
    params = _named_parameters(module, "save")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save: the directory {directory!r} does not exist")
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            _write_npz(file, params)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private (0600); give it the usual permissions.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load(module, path):
    """Copy the parameters saved in ``path`` into ``module``, in place.

    Every parameter of the module must be in the file with the same shape
    and dtype, and the file must hold nothing else; otherwise a
    ``ValueError`` lists each difference and the module is left unchanged.
    A file that is not a valid ``.npz`` archive (truncated, corrupt, a
    single ``.npy`` array, holding Python objects) also gives a
    ``ValueError``. The values are copied into the parameters' existing
    arrays, as PyTorch's ``load_state_dict`` does. Returns ``module``.

    >>> import os, tempfile
    >>> import tinygraph as tg
    >>> path = os.path.join(tempfile.mkdtemp(), "layer.npz")
    >>> tg.save(tg.nn.Linear(2, 1, rng=0), path)
    >>> layer = tg.load(tg.nn.Linear(2, 1, rng=1), path)
    >>> bool((layer.W.data == tg.nn.Linear(2, 1, rng=0).W.data).all())
    True
    >>> tg.load(tg.nn.Linear(3, 1), path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: load: ...layer.npz' does not fit the model:
      W: shape (1, 2) in the file, (1, 3) in the model
    """
    path = os.fspath(path)
    params = _named_parameters(module, "load")
    arrays = _read_checked(path, params)
    # Nothing below can fail: every array has been read and checked.
    for name, array in arrays.items():
        target = params[name]
        if target.data.flags.writeable:
            np.copyto(target.data, array)
        else:
            target.data = array
    return module


# ----- the module's side ------------------------------------------------------


def _named_parameters(module, who):
    """``{name: Tensor}`` from a module or a dict, checked."""
    if isinstance(module, dict):
        pairs = list(module.items())
    elif callable(getattr(module, "named_parameters", None)):
        pairs = list(module.named_parameters())
    else:
        raise TypeError(
            f"{who}: expected a module with named_parameters() (such as a "
            f"tg.nn.Sequential) or a dict of name -> Tensor, got "
            f"{type(module).__name__}"
        )
    params = {}
    for name, value in pairs:
        if not isinstance(name, str) or not name:
            raise TypeError(
                f"{who}: parameter names must be non-empty strings, got {name!r}"
            )
        if "\x00" in name:  # a zip member's name ends at the first NUL
            raise ValueError(f"{who}: parameter name {name!r} contains a NUL character")
        if not isinstance(value, Tensor):
            kind = type(value).__name__
            raise TypeError(f"{who}: parameter {name!r} is a {kind}, not a tg.Tensor")
        if name in params:
            raise ValueError(f"{who}: two parameters are both named {name!r}")
        params[name] = value
    return params


# ----- writing ------------------------------------------------------------------


def _write_npz(file, params):
    """What ``np.savez`` writes, with any names and pickling switched off."""
    with zipfile.ZipFile(file, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for name, tensor in params.items():
            with archive.open(name + _NPY, mode="w", force_zip64=True) as member:
                np.lib.format.write_array(
                    member, np.asarray(tensor.data), allow_pickle=False
                )


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ----- reading ------------------------------------------------------------------


# What a damaged zip or .npy can raise while being parsed.
_CORRUPT = (ValueError, EOFError, OSError, KeyError, zipfile.BadZipFile, zlib.error)


def _read_checked(path, params):
    """Every array of the file at ``path``, checked against ``params``."""
    with open(path, "rb") as file:
        _check_magic(file.read(6), path)
        file.seek(0)
        try:
            archive = zipfile.ZipFile(file)
        except _CORRUPT as err:
            raise ValueError(
                f"load: {path!r} is not a valid .npz file (truncated or corrupt?): "
                f"{err}"
            ) from None
        with archive:
            members = _members(archive, path)
            headers = {
                name: _read_header(archive, info, path)
                for name, info in members.items()
            }
            _check_fit(headers, params, path)
            return {name: _read_array(archive, members[name], path) for name in params}


def _check_magic(start, path):
    if start.startswith(_NPY_MAGIC):
        raise ValueError(
            f"load: {path!r} is a single .npy array, not an .npz archive of "
            "named parameters such as tg.save writes"
        )
    if not start.startswith(_ZIP_MAGIC):
        raise ValueError(
            f"load: {path!r} is not an .npz file (it does not start like a zip "
            f"archive: first bytes {start!r}); tg.load reads files written by tg.save"
        )


def _members(archive, path):
    """``{name: ZipInfo}``: each member must be one ``<name>.npy`` array."""
    members = {}
    for info in archive.infolist():
        if not info.filename.endswith(_NPY):
            raise ValueError(
                f"load: {path!r} holds {info.filename!r}, which is not a NumPy "
                "array: this is not an .npz file of parameters (a PyTorch or "
                "pickle file?)"
            )
        name = info.filename[: -len(_NPY)]
        if name in members:
            raise ValueError(f"load: {path!r} holds the array {name!r} twice")
        members[name] = info
    return members


def _read_header(archive, info, path):
    """``(shape, dtype)`` of one array, from its header alone."""
    name = info.filename[: -len(_NPY)]
    try:
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(member)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(member)
            else:
                raise ValueError(f"unsupported .npy format version {version}")
    except _CORRUPT as err:
        raise _corrupt(path, name, err) from None
    if dtype.hasobject:
        raise ValueError(
            f"load: {path!r}: {name!r} holds Python objects (dtype {dtype}), which "
            "could only be read by unpickling them; tinygraph never unpickles"
        )
    return shape, dtype


def _check_fit(headers, params, path):
    """Raise one ValueError listing every way the file differs from the model."""
    problems = []
    missing = [name for name in params if name not in headers]
    extra = [name for name in headers if name not in params]
    if missing:
        problems.append("missing from the file: " + ", ".join(missing))
    if extra:
        problems.append("in the file but not in the model: " + ", ".join(extra))
    for name, tensor in params.items():
        if name not in headers:
            continue
        shape, dtype = headers[name]
        if shape != tensor.data.shape:
            problems.append(
                f"{name}: shape {shape} in the file, {tensor.data.shape} in the model"
            )
        if dtype != tensor.data.dtype:
            problems.append(
                f"{name}: dtype {dtype} in the file, {tensor.data.dtype} in the model"
            )
    if problems:
        raise ValueError(
            f"load: {path!r} does not fit the model:\n  " + "\n  ".join(problems)
        )


def _read_array(archive, info, path):
    name = info.filename[: -len(_NPY)]
    try:
        with archive.open(info) as member:
            return np.lib.format.read_array(member, allow_pickle=False)
    except _CORRUPT as err:
        raise _corrupt(path, name, err) from None


def _corrupt(path, name, err):
    return ValueError(f"load: {path!r}: the array {name!r} is corrupt: {err}")
