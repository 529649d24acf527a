"""Answers to form posts, kept briefly in memory and fetched with a GET (Post/Redirect/Get).

A browser keeps the body of a POST it navigated to (to offer "resubmit" and to restore the tab
after a restart), on disk, in its profile. The practitioner's form holds a patient's name and
note, so no POST is answered directly: the answer (a PDF, a message) is kept here under an
unguessable id, only for the session that posted it, for a few minutes, and the browser is sent
to fetch it. Nothing is written to disk on either side.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

TTL_SECONDS = 600  # long enough to print, download or reopen the preview
PER_OWNER = 4  # the latest answers of one session
LIMIT = 256  # all sessions together: memory stays bounded


@dataclass(frozen=True)
class Answer:
    owner: str
    created: float
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class Answers:
    def __init__(self):
        self._kept: dict[str, Answer] = {}
        self._lock = threading.Lock()

    def put(self, owner: str, status: int, headers: list[tuple[str, str]], body: bytes) -> str:
        key = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            self._sweep(now)
            mine = sorted((a.created, k) for k, a in self._kept.items() if a.owner == owner)
            for _, old in mine[: max(0, len(mine) - PER_OWNER + 1)]:
                del self._kept[old]
            while len(self._kept) >= LIMIT:
                del self._kept[min(self._kept, key=lambda k: self._kept[k].created)]
            self._kept[key] = Answer(owner, now, status, tuple(headers), body)
        return key

    def get(self, owner: str, key: str) -> Answer | None:
        with self._lock:
            self._sweep(time.monotonic())
            answer = self._kept.get(key)
        if answer is None or not secrets.compare_digest(answer.owner, owner):
            return None
        return answer

    def _sweep(self, now: float) -> None:
        for key in [k for k, a in self._kept.items() if now - a.created > TTL_SECONDS]:
            del self._kept[key]
