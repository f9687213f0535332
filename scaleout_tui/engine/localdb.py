"""Local databases on cloned boxes: copies of the data that drift apart.

The quickest way to add a web box is to clone a running one from its disk image. If
that image still holds the database it was born with (a box from the one-server days)
and the app's configuration says ``localhost``, the clone serves from its *own* copy.
From the moment it joins, every write lands in one copy only: the shared database or
the clone's. A user who wrote on one box and reads through another sees data that is
missing or old (their order is not in the list, the cart is empty). Nothing fails and
no check turns red, which is what makes it dangerous.

The model keeps, per user, the copy that holds their latest write (``SHARED`` for the
shared database, or the index of a box with its own copy). A read served from another
copy is a *divergent read*; a write into a box's own copy is *stranded*: the rest of
the shop never sees it, even after the clone is pointed at the shared database.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import I64
from scaleout_tui.engine.requests import Gate, WebBatch
from scaleout_tui.engine.traffic import KINDS, WRITE_KINDS

NO_WRITE = -1
SHARED = -2
READS = frozenset(KINDS.index(k) for k in ("page", "download"))


class DataCopies(Gate):
    """Where each user's latest write lives, and what that does to later reads."""

    name = "copies"

    def __init__(self, users: int) -> None:
        self.latest = np.full(users, NO_WRITE, dtype=np.int64)
        self.own_copy: set[int] = set()  # boxes that read and write their own database
        self.divergent_reads = 0
        self.reads = 0
        self.stranded_writes = 0
        self._write = np.zeros(len(KINDS), dtype=np.bool_)
        self._write[list(WRITE_KINDS)] = True
        self._read = np.zeros(len(KINDS), dtype=np.bool_)
        self._read[list(READS)] = True

    def apply(self, user: I64, kind: npt.NDArray[np.int8], box: I64) -> None:
        """Account a tick's served requests in arrival order."""
        if user.size == 0:
            return
        copy = np.full(user.size, SHARED, dtype=np.int64)
        if self.own_copy:
            mine = np.isin(box, list(self.own_copy))
            copy[mine] = box[mine]
        write = self._write[kind]
        read = self._read[kind]
        self.reads += int(read.sum())
        if not self.own_copy and not self.stranded_writes:
            # one copy only, and nothing stranded (a user's latest write can be elsewhere only
            # after a stranded write): every read sees every write
            self.latest[user[write]] = SHARED
            return
        latest = self.latest
        u_l, c_l = user.tolist(), copy.tolist()
        w_l, r_l = write.tolist(), read.tolist()
        for i in range(user.size):
            u, c = u_l[i], c_l[i]
            if w_l[i]:
                latest[u] = c
                if c != SHARED:
                    self.stranded_writes += 1
            elif r_l[i] and latest[u] != NO_WRITE and latest[u] != c:
                self.divergent_reads += 1

    def served(self, batch: WebBatch, got: I64) -> None:
        self.apply(batch.arr.user[got], batch.arr.kind[got], batch.box[got])

    def divergent_pct(self) -> float:
        return 100.0 * self.divergent_reads / self.reads if self.reads else 0.0
