"""Where uploaded files live, and who can read them back.

* ``local``: the box that took the upload writes it to its own disk. A download routed
  to any other box answers 404 (``not_found``): the classic "my attachment vanished"
  of a freshly scaled-out app.
* ``nfs``: every box mounts one shared file system. Files are shared, but NFS clients
  cache directory attributes (``acdirmin``/``acdirmax``, 30-60 s by default; ``actimeo``
  3-60 s): another box may not see a new file until its cache expires.
* ``object``: an object store (S3-style) is strongly read-after-write consistent, but
  every upload and download is a network request of its own: tens of milliseconds.

Each user's most recent upload is what their downloads fetch; a user who never
uploaded downloads a public asset, which every layout serves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64, I64
from scaleout_tui.engine.commands import Handler, Value
from scaleout_tui.engine.requests import CAUSE, Gate, WebBatch
from scaleout_tui.engine.traffic import KINDS

UPLOAD = KINDS.index("upload")
DOWNLOAD = KINDS.index("download")
MODES: tuple[str, ...] = ("local", "nfs", "object")


@dataclass(frozen=True, slots=True)
class StorageSpec:
    mode: str = "local"
    nfs_cache_s: float = 30.0
    object_put_s: float = 0.060   # mean object-store PUT latency
    object_get_s: float = 0.025   # mean object-store GET latency (first byte)
    nfs_op_s: float = 0.002       # an NFS round trip with the file's data


class FileStore(Gate):
    """Where each user's latest upload lives; a gate in front of the app's downloads."""

    name = "files"

    def __init__(self, spec: StorageSpec, users: int) -> None:
        self.spec = spec
        self.box_of = np.full(users, -1, dtype=np.int64)
        self.time_of = np.full(users, -np.inf)
        self.uploads = 0
        self.not_found = 0

    def apply(self, t: F64, user: I64, kind: npt.NDArray[np.int8], box: I64) -> npt.NDArray[np.bool_]:
        """Record uploads and judge downloads, in order. Returns the 404 mask."""
        n = t.size
        missing = np.zeros(n, dtype=np.bool_)
        up = np.flatnonzero(kind == UPLOAD)
        down = np.flatnonzero(kind == DOWNLOAD)
        if up.size == 0 and down.size == 0:
            return missing
        mode = self.spec.mode
        cache = self.spec.nfs_cache_s
        box_of, time_of = self.box_of, self.time_of
        for i in np.sort(np.concatenate((up, down))).tolist():
            u = int(user[i])
            if kind[i] == UPLOAD:
                box_of[u] = box[i]
                time_of[u] = t[i]
                self.uploads += 1
                continue
            owner = box_of[u]
            if owner < 0 or mode == "object":
                continue
            if owner == box[i]:
                continue
            if mode == "local" or (mode == "nfs" and t[i] - time_of[u] < cache):
                missing[i] = True
        self.not_found += int(missing.sum())
        return missing

    def admit(self, batch: WebBatch) -> None:
        """A download of a file this box cannot see is a 404; talking to shared storage takes time."""
        arr = batch.arr
        idx = np.flatnonzero(batch.live)
        missing = self.apply(arr.t[idx], arr.user[idx], arr.kind[idx], batch.box[idx])
        batch.fail(idx[missing], CAUSE["not_found"])
        batch.extra = self.latency(arr.kind, batch.rng)

    def latency(self, kind: npt.NDArray[np.int8], rng: np.random.Generator) -> F64:
        """Extra time each request spends talking to the shared store (0 for local)."""
        n = kind.size
        extra = np.zeros(n)
        if self.spec.mode == "local":
            return extra
        up = kind == UPLOAD
        down = kind == DOWNLOAD
        if self.spec.mode == "nfs":
            extra[up | down] = self.spec.nfs_op_s
            return extra
        # object store latency: lognormal (cv 0.5) around the documented means
        sigma = np.sqrt(np.log1p(0.25))
        z = rng.standard_normal(n)
        shape = np.exp(sigma * z - 0.5 * sigma**2)
        extra[up] = self.spec.object_put_s * shape[up]
        extra[down] = self.spec.object_get_s * shape[down]
        return extra

    def commands(self) -> dict[str, Handler]:
        return {"storage.mode": self._mode, "storage.nfs_cache_s": self._nfs_cache}

    def _mode(self, value: Value) -> None:
        assert isinstance(value, str) and value in MODES
        self.spec = replace(self.spec, mode=value)

    def _nfs_cache(self, value: Value) -> None:
        assert isinstance(value, (int, float))
        self.spec = replace(self.spec, nfs_cache_s=float(value))
