"""The array types the engine's mechanisms pass between them, named once.

Why a module of four lines: every mechanism keeps its state in NumPy arrays (one row per
request, device or box), and each had spelled these aliases out itself, twenty times over.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]
