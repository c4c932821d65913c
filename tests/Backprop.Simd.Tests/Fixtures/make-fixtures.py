#!/usr/bin/python3
"""Writes the .npy fixtures with real NumPy (Debian's python3-numpy): run from this folder."""
import numpy as np

np.save("numpy-arange.npy", np.arange(6, dtype="<f8").reshape(2, 3) / 4)
