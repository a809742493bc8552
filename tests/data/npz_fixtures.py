"""Writes the .npz fixtures of tests/network_io.rs (numpy 2.3.5):

    python tests/data/npz_fixtures.py

savez.npz holds stored entries (numpy.savez), savez_compressed.npz the same
arrays deflated (numpy.savez_compressed); both also hold a Fortran-ordered
array, which the reader refuses.
"""
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
arrays = {
    "f64": np.array([[0.1, -2.5, 3.0], [1e300, -0.0, 6.25]]),
    "f64_big_endian": np.array([1.5, -7.25], dtype=">f8"),
    "i64": np.array([-(2**63), 0, 2**63 - 1], dtype="<i8"),
    "i32_big_endian": np.array([[-5], [70000]], dtype=">i4"),
    "u32": np.array([0, 4294967295], dtype="<u4"),
    "bool": np.array([True, False, True]),
    "names": np.array(["pop1", "pré", ""]),
    "scalar": np.float64(0.125),
    "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
}
np.savez(os.path.join(here, "savez.npz"), **arrays)
np.savez_compressed(os.path.join(here, "savez_compressed.npz"), **arrays)
