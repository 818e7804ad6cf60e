"""``tg.save`` / ``tg.load``: plain .npz, never pickle, atomic, checked.

Whatever goes wrong while loading, the model must come out unchanged and the
error must say what went wrong; nothing in a file may ever run as code.
"""

import os
import pickle
import socket
import stat
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygraph as tg


def make_net(seed, n_in=4, n_hidden=3, dtype=np.float64):
    return tg.nn.Sequential(
        tg.nn.Linear(n_in, n_hidden, rng=seed, dtype=dtype),
        tg.nn.Tanh(),
        tg.nn.Linear(n_hidden, 1, rng=seed + 100, dtype=dtype),
        tg.nn.Sigmoid(),
    )


def snapshot(module):
    return {name: p.data.copy() for name, p in module.named_parameters()}


def assert_unchanged(module, before):
    after = snapshot(module)
    assert after.keys() == before.keys()
    for name in before:
        np.testing.assert_array_equal(after[name], before[name], err_msg=name)


class TwoTensors:
    """The smallest thing ``save``/``load`` accept: ``named_parameters()``."""

    def __init__(self, w, b):
        self.w = tg.tensor(w, requires_grad=True)
        self.b = tg.tensor(b, requires_grad=True)

    def named_parameters(self):
        return [("w", self.w), ("b", self.b)]


@pytest.fixture
def saved(tmp_path):
    """A file saved from ``make_net(0)`` and a different net to load into."""
    path = tmp_path / "net.npz"
    tg.save(make_net(0), path)
    return path, make_net(1)


# ----- round trips --------------------------------------------------------


def test_save_load_round_trip_restores_every_parameter_and_the_outputs(saved):
    path, net = saved
    original = make_net(0)
    X = np.random.default_rng(5).normal(size=(4, 7))
    assert not np.allclose(net(X).data, original(X).data)
    assert tg.load(net, path) is net
    for (name, p), (_, q) in zip(net.named_parameters(), original.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
    np.testing.assert_array_equal(net(X).data, original(X).data)


def test_save_writes_a_plain_npz_that_numpy_reads_without_pickle(saved):
    path, _ = saved
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["0.W", "0.b", "2.W", "2.b"]
        np.testing.assert_array_equal(archive["0.W"], make_net(0)[0].W.data)
        assert archive["2.b"].shape == (1, 1)


def test_save_load_keeps_float32(tmp_path):
    path = tmp_path / "f32.npz"
    tg.save(make_net(0, dtype=np.float32), path)
    net = make_net(1, dtype=np.float32)
    tg.load(net, path)
    assert all(p.dtype == np.float32 for p in net.parameters())
    expected = make_net(0, dtype=np.float32)[0].W.data
    np.testing.assert_array_equal(net[0].W.data, expected)


parameter_names = st.lists(
    # Any parameter name, including "file", "allow_pickle" and non-ASCII ones,
    # which np.savez(file, **arrays) could not all take.
    st.one_of(
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,5}", fullmatch=True),
        st.integers(0, 20).map(str),
        st.sampled_from(["file", "allow_pickle", "θ", "Wé"]),
    ),
    min_size=1,
    max_size=3,
).map(".".join)
parameter_sets = st.dictionaries(
    parameter_names,
    hnp.arrays(
        dtype=st.sampled_from([np.float64, np.float32]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40, deadline=None)
@given(parameter_sets)
def test_save_load_round_trip_is_exact_for_any_names_shapes_and_values(
    tmp_path_factory, arrays
):
    path = tmp_path_factory.mktemp("round_trip") / "params.npz"
    tg.save({name: tg.tensor(a) for name, a in arrays.items()}, path)
    target = {name: tg.tensor(np.zeros_like(a)) for name, a in arrays.items()}
    tg.load(target, path)
    for name, a in arrays.items():
        assert target[name].dtype == a.dtype
        np.testing.assert_array_equal(target[name].data, a)  # nan == nan here


def test_save_load_with_a_duck_typed_module_and_a_dict(tmp_path):
    source = TwoTensors([[1.0, 2.0]], [[3.0]])
    tg.save(source, str(tmp_path / "duck.npz"))
    target = {"w": tg.tensor([[0.0, 0.0]]), "b": tg.tensor([[0.0]])}
    tg.load(target, tmp_path / "duck.npz")
    np.testing.assert_array_equal(target["w"].data, [[1.0, 2.0]])
    np.testing.assert_array_equal(target["b"].data, [[3.0]])


def test_load_copies_into_the_existing_arrays(saved):
    path, net = saved
    W = net[0].W
    array_before = W.data
    tg.load(net, path)
    assert W.data is array_before
    np.testing.assert_array_equal(array_before, make_net(0)[0].W.data)


def test_save_uses_the_path_as_given_and_replaces_an_old_file(tmp_path):
    path = tmp_path / "weights"
    tg.save(TwoTensors([1.0], [2.0]), path)
    tg.save(TwoTensors([5.0], [6.0]), path)
    assert sorted(os.listdir(tmp_path)) == ["weights"]
    target = TwoTensors([0.0], [0.0])
    tg.load(target, path)
    assert target.w.data[0] == 5.0 and target.b.data[0] == 6.0


def test_save_gives_the_file_the_usual_permissions(tmp_path):
    mask = os.umask(0o022)
    try:
        tg.save(TwoTensors([1.0], [2.0]), tmp_path / "p.npz")
    finally:
        os.umask(mask)
    assert (tmp_path / "p.npz").stat().st_mode & 0o777 == 0o644


# ----- files that do not fit the model ------------------------------------


def test_load_lists_every_mismatch_and_leaves_the_model_unchanged(tmp_path):
    path = tmp_path / "other.npz"
    tg.save(
        {
            "0.W": tg.tensor(np.zeros((3, 5))),
            "0.b": tg.tensor(np.zeros((3, 1), dtype=np.float32)),
            "2.W": tg.tensor(np.zeros((1, 3))),
            "3.W": tg.tensor(np.zeros((1, 1))),
        },
        path,
    )
    net = make_net(1)
    before = snapshot(net)
    with pytest.raises(ValueError) as caught:
        tg.load(net, path)
    message = str(caught.value)
    assert "does not fit the model" in message
    assert "missing from the file: 2.b" in message
    assert "in the file but not in the model: 3.W" in message
    assert "0.W: shape (3, 5) in the file, (3, 4) in the model" in message
    assert "0.b: dtype float32 in the file, float64 in the model" in message
    assert "2.W" not in message.replace("2.W,", "")  # 2.W fits: not reported
    assert_unchanged(net, before)


def test_load_rejects_a_file_for_a_different_architecture(saved):
    path, _ = saved
    wider = make_net(1, n_hidden=5)
    before = snapshot(wider)
    with pytest.raises(ValueError, match=r"0.W: shape \(3, 4\) in the file, \(5, 4\)"):
        tg.load(wider, path)
    assert_unchanged(wider, before)


# ----- files that are not what they claim ----------------------------------


def write(path, content):
    path.write_bytes(content)
    return path


def assert_rejected(path, match):
    net = make_net(1)
    before = snapshot(net)
    with pytest.raises(ValueError, match=match):
        tg.load(net, path)
    assert_unchanged(net, before)


@pytest.mark.parametrize("keep", [0, 1, 10, 100, 0.5, -1])
def test_load_rejects_truncated_files(saved, tmp_path, keep):
    path, _ = saved
    content = path.read_bytes()
    cut = int(len(content) * keep) if isinstance(keep, float) else keep % len(content)
    bad = write(tmp_path / "cut.npz", content[:cut])
    assert_rejected(bad, r"not (a valid \.npz|an \.npz) file")


@pytest.mark.parametrize("where", ["header", "data"])
def test_load_rejects_corrupted_bytes(saved, tmp_path, where):
    path, _ = saved
    content = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("0.W.npy")
    # The member starts after its 30-byte local header, its name and an extra
    # field whose length is the header's last two bytes.
    with open(path, "rb") as file:
        file.seek(info.header_offset + 28)
        extra_length = int.from_bytes(file.read(2), "little")
    start = info.header_offset + 30 + len(info.filename) + extra_length
    offset = start + (20 if where == "header" else info.file_size - 5)
    content[offset] ^= 0xFF
    bad = write(tmp_path / "flipped.npz", bytes(content))
    assert_rejected(bad, r"the array '0.W' is corrupt")


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, I am a text file\n", bytes(range(256)), b"PK\x03\x04garbage"],
    ids=["empty", "text", "binary", "zip-magic-then-garbage"],
)
def test_load_rejects_files_that_are_not_npz(tmp_path, content):
    assert_rejected(write(tmp_path / "junk.npz", content), r"npz")


def test_load_rejects_a_single_npy_array(tmp_path):
    np.save(tmp_path / "one.npy", np.zeros((3, 4)))
    assert_rejected(tmp_path / "one.npy", r"single \.npy array")


def test_load_rejects_a_zip_with_other_members(tmp_path):
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", b"whatever")
    assert_rejected(path, r"'archive/data.pkl', which is not a NumPy array")


class WritesAMarker:
    """Unpickling this creates a file: proof that code from the file ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_load_never_unpickles_a_pickle_file(tmp_path):
    marker = tmp_path / "code-ran"
    evil = pickle.dumps({"0.W": WritesAMarker(str(marker))})
    path = write(tmp_path / "evil.npz", evil)
    assert_rejected(path, r"npz")
    assert not marker.exists()


def test_load_never_unpickles_object_arrays_in_an_npz(tmp_path):
    marker = tmp_path / "code-ran"
    payload = np.empty((3, 4), dtype=object)
    payload[0, 0] = WritesAMarker(str(marker))
    arrays = {name: p.data for name, p in make_net(0).named_parameters()}
    arrays["0.W"] = payload
    path = tmp_path / "objects.npz"
    np.savez(path, **arrays)  # NumPy pickles object arrays by default
    assert_rejected(path, r"'0.W' holds Python objects .* never unpickles")
    assert not marker.exists()


def test_load_checks_headers_before_reading_any_data(tmp_path):
    # A header claiming 80 GB of data must be refused from the header alone,
    # without trying to allocate it.
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as archive:
        for name, p in make_net(0).named_parameters():
            with archive.open(name + ".npy", "w") as member:
                if name == "0.W":
                    shape = (10**5, 10**5)
                    header = {"descr": "<f8", "fortran_order": False, "shape": shape}
                    np.lib.format.write_array_header_1_0(member, header)
                else:
                    np.lib.format.write_array(member, p.data)
    assert_rejected(path, r"0.W: shape \(100000, 100000\) in the file, \(3, 4\)")


def test_load_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        tg.load(make_net(0), tmp_path / "nope.npz")


# ----- atomic writing ---------------------------------------------------


def test_save_failing_mid_write_keeps_the_old_file_and_leaves_no_temporary(
    saved, monkeypatch
):
    path, _ = saved
    old = path.read_bytes()
    write_array = np.lib.format.write_array
    calls = []

    def fail_on_the_third_array(file, array, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        write_array(file, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", fail_on_the_third_array)
    with pytest.raises(OSError, match="disk full"):
        tg.save(make_net(7), path)
    assert path.read_bytes() == old
    assert os.listdir(path.parent) == [path.name]


def test_save_killed_mid_write_keeps_the_old_file(saved):
    # A real crash: the process dies while the archive is half written.
    path, _ = saved
    old = path.read_bytes()
    script = f"""
import os
import numpy as np
import tinygraph as tg
write_array = np.lib.format.write_array
def die_after_one(file, array, **kwargs):
    write_array(file, array, **kwargs)
    file.flush()
    os._exit(3)
np.lib.format.write_array = die_after_one
net = tg.nn.Sequential(tg.nn.Linear(4, 3, rng=9), tg.nn.Linear(3, 1, rng=9))
tg.save(net, {str(path)!r})
"""
    done = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert done.returncode == 3
    leftovers = [name for name in os.listdir(path.parent) if name != path.name]
    assert len(leftovers) == 1 and leftovers[0].endswith(".tmp")  # the half file
    assert path.read_bytes() == old
    tg.load(make_net(1), path)  # still a complete, loadable file


# ----- bad arguments ------------------------------------------------------


def test_save_rejects_things_that_are_not_modules(tmp_path):
    with pytest.raises(TypeError, match=r"named_parameters\(\)"):
        tg.save([tg.tensor([1.0])], tmp_path / "x.npz")
    with pytest.raises(TypeError, match=r"'w' is a ndarray, not a tg.Tensor"):
        tg.save({"w": np.zeros(2)}, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


def test_save_rejects_duplicate_names(tmp_path):
    class Twice(TwoTensors):
        def named_parameters(self):
            return [("w", self.w), ("w", self.b)]

    with pytest.raises(ValueError, match=r"both named 'w'"):
        tg.save(Twice([1.0], [2.0]), tmp_path / "x.npz")


def test_save_into_a_missing_directory_says_which(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no-such-dir"):
        tg.save(make_net(0), tmp_path / "no-such-dir" / "x.npz")


# ----- where save writes ---------------------------------------------------


def saved_values(path):
    target = TwoTensors([0.0], [0.0])
    tg.load(target, path)
    return target.w.data[0], target.b.data[0]


def test_save_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    (tmp_path / "runs").mkdir()
    real = tmp_path / "runs" / "v1.npz"
    tg.save(TwoTensors([1.0], [2.0]), real)
    link = tmp_path / "latest.npz"
    link.symlink_to(os.path.join("runs", "v1.npz"))  # relative, as ln -s makes
    tg.save(TwoTensors([5.0], [6.0]), link)
    assert link.is_symlink() and os.readlink(link) == os.path.join("runs", "v1.npz")
    assert saved_values(real) == (5.0, 6.0)
    assert sorted(os.listdir(tmp_path)) == ["latest.npz", "runs"]
    assert os.listdir(tmp_path / "runs") == ["v1.npz"]


def test_save_through_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "latest.npz"
    link.symlink_to("v2.npz")
    tg.save(TwoTensors([5.0], [6.0]), link)
    assert link.is_symlink()
    assert saved_values(tmp_path / "v2.npz") == (5.0, 6.0)


def test_save_through_a_symlink_writes_its_temporary_beside_the_target(
    tmp_path, monkeypatch
):
    # os.replace is atomic only within one file system: the temporary file
    # must sit in the target's directory, and be removed if the write fails.
    (tmp_path / "runs").mkdir()
    real = tmp_path / "runs" / "v1.npz"
    tg.save(TwoTensors([1.0], [2.0]), real)
    (tmp_path / "latest.npz").symlink_to(real)
    during = []

    def fail(*args, **kwargs):
        during.append(sorted(os.listdir(tmp_path / "runs")))
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", fail)
    with pytest.raises(OSError, match="disk full"):
        tg.save(TwoTensors([5.0], [6.0]), tmp_path / "latest.npz")
    monkeypatch.undo()
    assert len(during[0]) == 2 and during[0][0].endswith(".tmp")
    assert os.listdir(tmp_path / "runs") == ["v1.npz"]
    assert (tmp_path / "latest.npz").is_symlink()
    assert saved_values(real) == (1.0, 2.0)


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444])
def test_save_keeps_an_existing_files_permission_mode(tmp_path, mode):
    path = tmp_path / "p.npz"
    tg.save(TwoTensors([1.0], [2.0]), path)
    path.chmod(mode)
    mask = os.umask(0o022)
    try:
        tg.save(TwoTensors([5.0], [6.0]), path)
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o7777 == mode
    assert saved_values(path) == (5.0, 6.0)


def test_save_through_a_symlink_keeps_the_targets_permission_mode(tmp_path):
    real = tmp_path / "v1.npz"
    tg.save(TwoTensors([1.0], [2.0]), real)
    real.chmod(0o600)
    (tmp_path / "latest.npz").symlink_to(real)
    tg.save(TwoTensors([5.0], [6.0]), tmp_path / "latest.npz")
    assert real.stat().st_mode & 0o7777 == 0o600
    assert saved_values(real) == (5.0, 6.0)


def test_save_refuses_a_fifo_and_leaves_it_alone(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    with pytest.raises(ValueError, match=r"save: '.*pipe' is a FIFO \(named pipe\)"):
        tg.save(TwoTensors([1.0], [2.0]), path)
    assert stat.S_ISFIFO(os.lstat(path).st_mode)
    assert os.listdir(tmp_path) == ["pipe"]


def test_save_refuses_a_socket_and_a_symlink_to_it(tmp_path):
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        (tmp_path / "link").symlink_to(path)
        for destination in (path, tmp_path / "link"):
            with pytest.raises(ValueError, match=r"save: '.*' is a socket"):
                tg.save(TwoTensors([1.0], [2.0]), destination)
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
        assert (tmp_path / "link").is_symlink()
        assert sorted(os.listdir(tmp_path)) == ["link", "sock"]


def test_save_to_a_directory_says_it_is_one_and_writes_nothing(tmp_path):
    (tmp_path / "out").mkdir()
    for destination in (tmp_path / "out", str(tmp_path / "out") + os.sep):
        with pytest.raises(IsADirectoryError, match=r"save: '.*out/?' .*a directory"):
            tg.save(make_net(0), destination)
    with pytest.raises(IsADirectoryError, match=r"save: '.*new/' .* a directory"):
        tg.save(make_net(0), str(tmp_path / "new") + os.sep)
    assert os.listdir(tmp_path) == ["out"]
    assert os.listdir(tmp_path / "out") == []


def test_save_to_an_empty_path_says_it_is_empty(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=r"save: the path is empty"):
        tg.save(make_net(0), "")
    assert os.listdir(tmp_path) == []


def test_save_through_a_symlink_loop_names_the_path(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OSError, match=r"save: .*'.*a'"):
        tg.save(make_net(0), tmp_path / "a")
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


# ----- long lists of names -------------------------------------------------


def test_load_errors_list_at_most_ten_names_of_each_kind_and_count_the_rest(
    tmp_path,
):
    path = tmp_path / "many.npz"
    in_file = {f"shared{i}": tg.tensor(np.zeros(1)) for i in range(300)}
    in_file.update({f"extra{i}": tg.tensor(np.zeros(1)) for i in range(300)})
    tg.save(in_file, path)
    model = {f"shared{i}": tg.tensor(np.zeros(2)) for i in range(300)}
    model.update({f"missing{i}": tg.tensor(np.zeros(1)) for i in range(300)})
    with pytest.raises(ValueError) as caught:
        tg.load(model, path)
    message = str(caught.value)
    assert len(message) < 2000
    for heading, kind in [
        ("missing from the file", "missing"),
        ("in the file but not in the model", "extra"),
    ]:
        first_ten = ", ".join(f"{kind}{i}" for i in range(10))
        assert f"{heading}: {first_ten}, and 290 more\n" in message
    assert "shared9: shape (1,) in the file, (2,) in the model" in message
    assert "shared10:" not in message
    assert message.endswith("\n  ... and 290 more differences in shape or dtype")


@pytest.mark.parametrize(
    "count, tail",
    [(10, "x8, x9"), (11, "x8, x9, and 1 more"), (12, "x8, x9, and 2 more")],
)
def test_load_errors_cap_a_list_of_names_at_exactly_ten(tmp_path, count, tail):
    path = tmp_path / "few.npz"
    tg.save({f"x{i}": tg.tensor(np.zeros(1)) for i in range(count)}, path)
    with pytest.raises(ValueError) as caught:
        tg.load({}, path)
    assert str(caught.value).endswith(
        "in the file but not in the model: x0, x1, x2, x3, x4, x5, x6, x7, " + tail
    )


# ----- parameter names that would be paths --------------------------------


bad_names = [
    "../../x", "/etc/passwd", "a/b", "a\\b", "C:x", ".", "..", ".W", "W.",
    "0..W", "a b", "W\n", "W\x00", "", "W-1", "²",
]  # fmt: skip


# What named_parameters() makes, and what a hand-written dict may use.
good_names = ["0.W", "layers.1.b", "W1", "_hidden.θ", "file", "encoder.10.W_2"]


@pytest.mark.parametrize("name", bad_names)
def test_save_refuses_names_that_are_not_dotted_identifiers(tmp_path, name):
    params = {good: tg.tensor([float(i)]) for i, good in enumerate(good_names)}
    with pytest.raises(ValueError) as caught:
        tg.save({**params, name: tg.tensor([9.0])}, tmp_path / "x.npz")
    assert f"save: parameter name {name!r} " in str(caught.value)
    assert os.listdir(tmp_path) == []
    tg.save(params, tmp_path / "x.npz")  # the good names alone are fine
    target = {good: tg.tensor([-1.0]) for good in good_names}
    tg.load(target, tmp_path / "x.npz")
    assert [t.data[0] for t in target.values()] == list(range(len(good_names)))


@pytest.mark.parametrize("name", ["../../evil", "/tmp/evil", "a/0.W"])
def test_load_refuses_a_file_whose_member_names_are_paths(tmp_path, name):
    path = tmp_path / "hostile.npz"
    with zipfile.ZipFile(path, "w") as archive:
        for good, p in make_net(0).named_parameters():
            with archive.open(good + ".npy", "w") as member:
                np.lib.format.write_array(member, p.data)
        with archive.open(name + ".npy", "w") as member:
            np.lib.format.write_array(member, np.zeros(1))
    assert_rejected(path, rf"load: '.*hostile.npz' holds an array named '{name}'")
    assert sorted(os.listdir(tmp_path)) == ["hostile.npz"]
