"""Saving and loading a model's parameters: ``tg.save`` and ``tg.load``.

The file is NumPy's ``.npz`` format: a zip archive holding one ``<name>.npy``
array per parameter, keyed by the names of ``module.named_parameters()``
(``0.W``, ``0.b``, ...), so ``np.load(path)`` reads it too. Frozen
parameters (``requires_grad`` False) and other leaf tensors the module holds
are saved and loaded with them (``module.named_tensors()``). Nothing is ever
pickled, on either side, so loading a file cannot run code.

Parameter names are identifiers and numbers joined by dots, as
``named_parameters()`` makes them: a name such as ``../x`` would be a path
inside the archive, so neither side accepts one.

Saving writes a temporary file next to the target and renames it into place
(an atomic step), so a crash mid-write leaves the old file or none, never half
a file. A symlink is written through (its target is replaced), an existing
file keeps its permissions, and anything else (a directory, a FIFO, a device)
is refused, never replaced.

Loading reads every array and checks it against the model (names, shapes,
dtypes) before changing anything: on any error the model is left as it was.
A file's array headers are checked against the model before their data is
read, so a damaged or hostile file cannot make ``load`` allocate more than
the model's own size. An error lists at most ten names of each kind and
says how many more there are.
"""

import os
import stat
import tempfile
import zipfile
import zlib

import numpy as np

from .tensor import Tensor

_NPY = ".npy"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip
_NPY_MAGIC = b"\x93NUMPY"
_LISTED = 10  # an error names this many names, then says how many more


def save(module, path):
    """Write ``module``'s parameters to the ``.npz`` file ``path``.

    ``module`` is anything with ``named_tensors()`` or
    ``named_parameters()`` (every ``tg.nn`` module: its parameters, frozen
    ones included) or a dict ``{name: Tensor}`` whose names are identifiers and
    numbers joined by dots (``W``, ``0.W``, ``layers.1.b``). ``path`` is used
    as given (no ``.npz`` is appended). An existing file is replaced and
    keeps its permissions; a symlink's target is replaced; a path that is a
    directory, a FIFO or a device is refused.

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
    target, mode = _save_target(path)
    # The temporary file must be in the target's directory: os.replace is
    # atomic only within one file system.
    handle, temporary = tempfile.mkstemp(
        dir=os.path.dirname(target),
        prefix=f".{os.path.basename(target)}.",
        suffix=".tmp",
    )
    try:
        with os.fdopen(handle, "wb") as file:
            _write_npz(file, params)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private (0600): give it the old file's mode.
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load(module, path):
    """Copy the parameters saved in ``path`` into ``module``, in place.

    Every parameter of the module (frozen ones too) must be in the file
    with the same shape and dtype, and the file must hold nothing else; otherwise a
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


# ----- names ------------------------------------------------------------------


def _is_parameter_name(name):
    """``W``, ``0.W``, ``layers.1.b``: identifiers and numbers joined by dots.

    Anything else (``../x``, ``/etc/x``, ``a\\b``, ``C:x``) could be read as a
    path by whatever unpacks the archive.
    """
    return all(
        part.isidentifier() or (part.isascii() and part.isdigit())
        for part in name.split(".")
    )


def _listed(names):
    """``a, b, c``, naming at most ``_LISTED`` names, so that a file with
    20,000 wrong names gives a readable error."""
    shown = ", ".join(names[:_LISTED])
    more = len(names) - _LISTED
    return f"{shown}, and {more} more" if more > 0 else shown


# ----- the module's side ------------------------------------------------------


def _named_parameters(module, who):
    """``{name: Tensor}`` from a module or a dict, checked."""
    if isinstance(module, dict):
        pairs = list(module.items())
    elif callable(getattr(module, "named_tensors", None)):
        # NOTE: not named_parameters(): a frozen parameter (requires_grad
        # False) is not among them, so it was neither saved nor loaded, and
        # a loaded model silently kept its own values for it
        pairs = list(module.named_tensors())
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
        if not isinstance(name, str):
            raise TypeError(f"{who}: parameter names must be strings, got {name!r}")
        if not _is_parameter_name(name):
            raise ValueError(
                f"{who}: parameter name {name!r} is not made of identifiers and "
                "numbers joined by dots (such as 'W', '0.W' or 'layers.1.b'), so it "
                "could be read as a path inside the archive"
            )
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


def _save_target(path):
    """The regular file ``save`` replaces for ``path``, and the mode to give it."""
    if not path:
        raise ValueError("save: the path is empty; give a file name such as 'net.npz'")
    if path.endswith(os.sep) or (os.altsep and path.endswith(os.altsep)):
        raise IsADirectoryError(
            f"save: {path!r} ends with {path[-1]!r}, so it names a directory, "
            "not a file"
        )
    # Replacing a symlink itself would leave its target stale: write through it.
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save: the directory {directory!r} does not exist")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target, 0o666 & ~_umask()  # a new file: the usual permissions
    except OSError as err:  # a symlink loop, a directory we may not search
        raise OSError(
            err.errno, f"save: cannot reach {path!r}: {err.strerror}"
        ) from None
    if stat.S_ISREG(mode):
        return target, stat.S_IMODE(mode)
    leads_to = f" (the symlink leads to {target!r})" if os.path.islink(path) else ""
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(
            f"save: {path!r} is a directory{leads_to}; give a file path such as "
            f"{os.path.join(path, 'net.npz')!r}"
        )
    kind = {
        stat.S_IFIFO: "a FIFO (named pipe)",
        stat.S_IFCHR: "a character device",
        stat.S_IFBLK: "a block device",
        stat.S_IFSOCK: "a socket",
    }.get(stat.S_IFMT(mode), "not a regular file")
    raise ValueError(
        f"save: {path!r} is {kind}{leads_to}; save only replaces regular files"
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
        if not _is_parameter_name(name):
            raise ValueError(
                f"load: {path!r} holds an array named {name!r}, which is not "
                "made of identifiers and numbers joined by dots as tg.save writes: a "
                "damaged or hostile file"
            )
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
        problems.append("missing from the file: " + _listed(missing))
    if extra:
        problems.append("in the file but not in the model: " + _listed(extra))
    differences = []
    for name, tensor in params.items():
        if name not in headers:
            continue
        shape, dtype = headers[name]
        if shape != tensor.data.shape:
            differences.append(
                f"{name}: shape {shape} in the file, {tensor.data.shape} in the model"
            )
        if dtype != tensor.data.dtype:
            differences.append(
                f"{name}: dtype {dtype} in the file, {tensor.data.dtype} in the model"
            )
    problems += differences[:_LISTED]
    if len(differences) > _LISTED:
        more = len(differences) - _LISTED
        problems.append(f"... and {more} more differences in shape or dtype")
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
