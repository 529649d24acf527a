"""Writing files: atomically, so a failed build never leaves a truncated file behind, and under
a lock where two processes update one file."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from handouts.errors import HandoutsError


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise HandoutsError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise HandoutsError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


@contextlib.contextmanager
def exclusive(lock: Path, timeout: float = 60.0, stale_after: float = 30.0) -> Iterator[None]:
    """Hold `lock` around a short critical section, across processes and platforms.

    The lock is a file created with O_EXCL (atomic everywhere, no fcntl or msvcrt) naming its
    holder (pid and host). A lock left by a killed build is broken: at once when its holder is a
    dead process on this machine; when the holder cannot be asked (another host, another
    platform), once the lock has stayed the same for `stale_after` seconds of waiting (the
    sections it guards take milliseconds). Ages are measured on this process's monotonic clock,
    never against file times, which another clock may have written.
    """
    lock = Path(lock)
    deadline = time.monotonic() + timeout
    owner = f"{os.getpid()} {_host()}\n".encode()
    first_seen: dict = {}
    while True:
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            holder = _break_if_stale(lock, stale_after, first_seen)
            if holder is None:
                continue
            if time.monotonic() > deadline:
                raise HandoutsError(
                    f"{lock} has been held by another build ({holder}) for over "
                    f"{timeout:.0f} s; if no build is running, delete it"
                ) from None
            time.sleep(0.02)
        except OSError as exc:
            raise HandoutsError(f"cannot write {lock}: {exc.strerror or exc}") from None
    try:
        os.write(fd, owner)
        os.close(fd)
        yield
    finally:
        try:
            os.unlink(lock)
        except OSError:
            pass


def _host() -> str:
    return os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")


def _break_if_stale(lock: Path, stale_after: float, first_seen: dict) -> str | None:
    """Remove a lock whose holder is gone; None if the lock is gone now, else who holds it."""
    try:
        status = os.stat(lock)
        holder = lock.read_text(encoding="utf-8", errors="replace").split()
    except FileNotFoundError:
        return None  # released meanwhile
    except OSError:
        return "unreadable lock"
    described = f"process {' on '.join(holder[:2])}" if holder else "a process starting up"
    alive = None  # unknown
    if os.name == "posix" and len(holder) == 2 and holder[0].isdigit() and holder[1] == _host():
        try:
            os.kill(int(holder[0]), 0)  # signal 0: only asks whether the process exists
            alive = True
        except ProcessLookupError:
            alive = False
        except (PermissionError, OverflowError):
            alive = True  # another user's process (or a nonsense pid: wait)
    if alive:
        return described
    since = first_seen.setdefault(
        (status.st_ino, status.st_mtime_ns, tuple(holder)), time.monotonic()
    )
    if alive is None and time.monotonic() - since <= stale_after:
        return described
    try:
        os.unlink(lock)
    except FileNotFoundError:
        pass
    except OSError:
        return described
    return None
