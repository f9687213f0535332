"""File storage: local disk, NFS attribute caching and object storage; exact small cases and whole runs."""

from __future__ import annotations

import pytest

from scaleout_tui.engine import Simulation
from scaleout_tui.engine.storage import FileStore, StorageSpec
from tests.engine.helpers import E, reqs, web_app


def test_local_disk_loses_files_nfs_delays_them_object_storage_never():
    rows = [(0.0, 4, "upload", 0), (1.0, 4, "download", 1), (40.0, 4, "download", 1),
            (41.0, 4, "download", 0), (42.0, 5, "download", 1)]
    expect = {"local": [False, True, True, False, False], "nfs": [False, True, False, False, False],
              "object": [False] * 5}
    for mode, want in expect.items():
        store = FileStore(StorageSpec(mode, nfs_cache_s=30.0), users=10)
        assert store.apply(*reqs(*rows)).tolist() == want, mode


@pytest.mark.parametrize("mode,missing", [("local", True), ("nfs", True), ("object", False)])
def test_files_not_found_by_storage(mode, missing):
    sim = Simulation(web_app("shared", storage=mode), seed=4)
    sim.run()
    nf = int(sim.metrics.total_errors[E["not_found"]])
    assert (nf > 0) == missing
    if mode == "nfs":
        local = Simulation(web_app("shared", storage="local"), seed=4)
        local.run()
        assert nf < local.metrics.total_errors[E["not_found"]]
