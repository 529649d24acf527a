"""Writing files: atomically, so a failed build never leaves a truncated file behind, and under
a lock where two processes update one file."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Iterator

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
    holder. A lock whose holder is gone (a killed build) is broken: at once when the holder is a
    dead process on this machine, else once the file is older than `stale_after` seconds (the
    sections it guards take milliseconds).
    """
    lock = Path(lock)
    deadline = time.monotonic() + timeout
    owner = f"{os.getpid()} {_host()}\n".encode()
    while True:
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            if _break_if_stale(lock, stale_after):
                continue
            if time.monotonic() > deadline:
                raise HandoutsError(f"{lock} has been held by another build for over "
                                    f"{timeout:.0f} s; if no build is running, delete it") from None
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


def _break_if_stale(lock: Path, stale_after: float) -> bool:
    """Remove a lock left by a holder that is gone; True if the lock is gone now."""
    try:
        age = time.time() - os.stat(lock).st_mtime
        holder = lock.read_text(encoding="utf-8", errors="replace").split()
    except FileNotFoundError:
        return True                     # released meanwhile
    except OSError:
        return False
    dead = False
    if os.name == "posix" and len(holder) == 2 and holder[0].isdigit() and holder[1] == _host():
        try:
            os.kill(int(holder[0]), 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            dead = True
        except (PermissionError, OverflowError):
            pass                        # it exists (another user's), or a nonsense pid
    # An empty lock is one being written right now, unless it is old.
    if not dead and age <= stale_after:
        return False
    try:
        os.unlink(lock)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True
