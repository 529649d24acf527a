"""A small on-disk cache for work that depends only on bundled files (never on patient data).

Location: $HANDOUTS_CACHE, else the platform's user cache folder (~/.cache/handouts on Linux,
honouring XDG_CACHE_HOME; ~/Library/Caches/handouts on macOS; %LOCALAPPDATA% on Windows).
Any problem reading or writing the cache is ignored and the work is simply done again.

Two kinds of entries:
- `read`/`write`: the file name is a hash of everything the entry derives from, so it never
  goes stale (body views).
- `load`/`store`: one file per source (e.g. per font file) that records the key it was made for
  and a SHA-256 of its payload; an entry for another key, or a damaged one, reads as missing and
  is replaced by the next `store`. `pack`/`unpack` turn plain data into bytes for these entries
  without pickle, so a cache file can never run code.
"""

from __future__ import annotations

import array
import functools
import hashlib
import json
import os
import sys
import tempfile
from itertools import accumulate, groupby
from pathlib import Path

MAGIC = b"handouts-cache 1\n"


@functools.cache
def _platform_root() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("handouts", appauthor=False))


def root() -> Path:
    explicit = os.environ.get("HANDOUTS_CACHE")
    return Path(explicit) if explicit else _platform_root()


def read(kind: str, key: str) -> bytes | None:
    try:
        return (root() / kind / key).read_bytes()
    except OSError:
        return None


def write(kind: str, key: str, data: bytes) -> None:
    """Write an entry atomically and durably (read() trusts what it finds)."""
    from handouts.errors import HandoutsError
    from handouts.output import write_atomic

    try:
        write_atomic(root() / kind / key, data)
    except (HandoutsError, OSError):
        pass  # a read-only home or a full disk only costs time


def _write_quickly(path: Path, data: bytes) -> None:
    """Atomic but not synced to disk: for checksummed entries, which a crash can at worst
    leave damaged, and load() then ignores (fsync would cost the first run ~10 ms a file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


def load(kind: str, name: str, key: str) -> bytes | None:
    """The payload stored under kind/name if it was made for exactly `key` and is intact."""
    data = read(kind, name)
    if data is None or not data.startswith(MAGIC):
        return None
    header_end = data.find(b"\n", len(MAGIC))
    if header_end < 0:
        return None
    try:
        stored_key, digest = data[len(MAGIC) : header_end].decode("ascii").split(" ")
    except (UnicodeDecodeError, ValueError):
        return None
    payload = data[header_end + 1 :]
    if stored_key != key or hashlib.sha256(payload).hexdigest() != digest:
        return None
    return payload


def store(kind: str, name: str, key: str, payload: bytes) -> None:
    """Write an entry for `key` atomically (readers see the old entry or the new, never half)."""
    if not key.isascii() or " " in key or "\n" in key:
        raise ValueError(f"cache key must be printable ASCII without spaces: {key!r}")
    digest = hashlib.sha256(payload).hexdigest()
    _write_quickly(root() / kind / name, MAGIC + f"{key} {digest}\n".encode("ascii") + payload)


def file_digest(path: Path) -> str:
    """SHA-256 (hex) of a large file that rarely changes (the bundled fonts: hashing their 10 MB
    costs every build ~10 ms), remembered under the file's stat signature.

    The signature is device, inode, size, mtime and ctime in nanoseconds: a change of content
    changes mtime and ctime (ctime cannot be set back by cp -p or touch), a replaced file has a
    new inode. A file modified in the last two seconds is hashed but not remembered, so two
    writes within one timestamp tick cannot leave a stale digest (git's "racy clean" rule).
    """
    path = Path(path)
    try:
        status = os.stat(path)
    except OSError:
        return "-"
    signature = stat_signature(status)
    name = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    remembered = load("digests", name, signature)
    if remembered is not None and len(remembered) == 64:
        try:
            return bytes.fromhex(remembered.decode("ascii")).hex()
        except ValueError:
            pass  # damaged: hash again
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"
    if settled([status]):
        store("digests", name, signature, digest.encode("ascii"))
    return digest


def stat_signature(status: os.stat_result) -> str:
    """Device, inode, size, mtime and ctime in nanoseconds (see file_digest)."""
    return "-".join(
        str(value)
        for value in (
            status.st_dev,
            status.st_ino,
            status.st_size,
            status.st_mtime_ns,
            status.st_ctime_ns,
        )
    )


def settled(statuses: list[os.stat_result]) -> bool:
    """Whether each file was last changed over two seconds ago: only then may what was derived
    from it be remembered by its stat signature (see file_digest)."""
    newest = max(max(status.st_mtime_ns, status.st_ctime_ns) for status in statuses)
    return _file_system_now(root()) - newest > 2_000_000_000


def _file_system_now(folder: Path) -> int:
    """Now by the clock that stamps mtime and ctime (the file system's, which a network drive or
    a faked process clock can set apart from time.time): the mtime of a file made just now."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder) as probe:
            return os.fstat(probe.fileno()).st_mtime_ns
    except OSError:
        return 0  # cannot tell: remember nothing


# Plain data <-> bytes -----------------------------------------------------------------------------
# JSON describes the structure; long lists of ints or floats go in binary arrays after it
# (little-endian on every machine). Types survive the round trip exactly (int stays int, tuple
# stays tuple, bytes stay bytes).


class Unpackable(TypeError):
    """A value `pack` cannot represent exactly."""


def pack(value) -> bytes:
    blobs: list[array.array] = []
    tree = json.dumps(_encode(value, blobs), separators=(",", ":"), allow_nan=True).encode()
    header = json.dumps([len(tree), [(blob.typecode, len(blob)) for blob in blobs]]).encode()
    return b"".join([header, b"\n", tree, *(_little_endian(blob).tobytes() for blob in blobs)])


def _little_endian(blob: array.array) -> array.array:
    """The array as stored (and as read back): little-endian, whatever the machine."""
    if sys.byteorder == "big" and blob.itemsize > 1:
        blob = array.array(blob.typecode, blob)
        blob.byteswap()
    return blob


def unpack(data: bytes):
    """The value `pack` made; ValueError if the bytes are not such a value."""
    try:
        header_end = data.index(b"\n")
        tree_length, layout = json.loads(data[:header_end])
        position = header_end + 1
        tree = json.loads(data[position : position + tree_length])
        position += tree_length
        blobs = []
        for typecode, count in layout:
            blob = array.array(typecode)
            size = blob.itemsize * count
            blob.frombytes(data[position : position + size])
            if len(blob) != count:
                raise ValueError("truncated array")
            blobs.append(_little_endian(blob))
            position += size
        if position != len(data):
            raise ValueError("trailing bytes")
        return _decode(tree, blobs)
    except (TypeError, KeyError, IndexError, AttributeError, OverflowError, RecursionError) as exc:
        raise ValueError(f"not a packed value: {exc}") from None


def _numbers(values: list, blobs: list) -> list | None:
    """A node for a list of ints and floats, or None if it is not one. A mixed list is stored
    as runs of one type each (reportlab's hmetrics: ints, then floats), each run an array."""
    kinds = set(map(type, values))
    if not kinds <= {int, float}:
        return None
    runs: list[int] = []
    for kind, run in [(kinds.pop(), values)] if len(kinds) == 1 else groupby(values, type):
        run = list(run)
        if kind is float:
            blobs.append(array.array("d", run))
        elif kind is int and -(2**63) <= min(run) <= max(run) < 2**63:
            small = -(2**31) <= min(run) <= max(run) < 2**31
            blobs.append(array.array("i" if small else "q", run))
        else:
            del blobs[len(blobs) - len(runs) :]
            return None
        runs.append(len(blobs) - 1)
    return ["numbers", runs]


def _encode(value, blobs):
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is bytes:
        if len(value) <= 64:
            return ["bytes", value.hex()]
        blobs.append(array.array("B", value))
        return ["blob", len(blobs) - 1]
    if kind is tuple:
        return ["tuple", [_encode(item, blobs) for item in value]]
    if kind is list and value:
        numbers = _numbers(value, blobs)
        if numbers is not None:
            return numbers
        checkpoint, kinds = len(blobs), set(map(type, value))
        if kinds == {tuple} and len(set(map(len, value))) == 1 and value[0]:
            columns = [_numbers(list(column), blobs) for column in zip(*value)]
            if None not in columns:  # rows of numbers, stored by column
                return ["rows", columns]
            del blobs[checkpoint:]
        if kinds == {list}:
            flat = [n for item in value for n in item]
            numbers = _numbers(flat, blobs) if flat else None
            if numbers is not None:
                return ["lists", _numbers([len(item) for item in value], blobs), numbers]
            del blobs[checkpoint:]
    if kind is list:
        return ["list", [_encode(item, blobs) for item in value]]
    if kind is dict:
        keys = _numbers(list(value), blobs) if value else None
        if keys is not None:
            return ["number_dict", keys, _encode(list(value.values()), blobs)]
        return ["dict", [[_encode(k, blobs), _encode(v, blobs)] for k, v in value.items()]]
    raise Unpackable(f"cannot pack a {kind.__qualname__}")


def _decode(node, blobs):
    if not isinstance(node, list):
        return node
    tag = node[0]
    if tag == "numbers":
        numbers = []
        for run in node[1]:
            numbers.extend(blobs[run].tolist())
        return numbers
    if tag == "rows":
        columns = [_decode(column, blobs) for column in node[1]]
        if len({len(column) for column in columns}) != 1:
            raise ValueError("rows of different lengths")
        return list(zip(*columns))
    if tag == "lists":
        lengths, flat = _decode(node[1], blobs), _decode(node[2], blobs)
        ends = list(accumulate(lengths))
        if ends[-1] != len(flat) or min(lengths) < 0:
            raise ValueError("list lengths do not add up")
        return [flat[start:end] for start, end in zip([0, *ends], ends)]
    if tag == "number_dict":
        keys, values = _decode(node[1], blobs), _decode(node[2], blobs)
        if len(keys) != len(values):
            raise ValueError("keys and values differ in number")
        return dict(zip(keys, values))
    if tag == "dict":
        return {_decode(k, blobs): _decode(v, blobs) for k, v in node[1]}
    if tag == "list":
        return [_decode(item, blobs) for item in node[1]]
    if tag == "tuple":
        return tuple(_decode(item, blobs) for item in node[1])
    if tag == "bytes":
        return bytes.fromhex(node[1])
    if tag == "blob":
        return blobs[node[1]].tobytes()
    raise ValueError(f"unknown tag {tag!r}")
