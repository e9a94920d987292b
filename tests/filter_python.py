"""filter_python.py: h5py and netCDF4 read vidcube-filtered variables
through HDF5_PLUGIN_PATH, and get exactly the values the library decodes
from the same chunks (a raw dump written by filter_chunkdump).

    filter_python.py FILE VAR RAW [FILE VAR RAW ...]
    filter_python.py --expect-failure FILE VAR   (plugin missing)
"""
import sys

import h5py
import netCDF4
import numpy as np


def same_bits(a, b):
    """Bit-for-bit equality (NaN payloads included)."""
    return a.dtype == b.dtype and a.shape == b.shape and \
        np.array_equal(a.view(np.uint8), b.view(np.uint8))


def check(path, var, raw):
    with h5py.File(path, "r") as f:
        via_h5py = f[var][...]
    expected = np.fromfile(raw, dtype=via_h5py.dtype).reshape(via_h5py.shape)
    with netCDF4.Dataset(path) as ds:
        v = ds[var]
        v.set_auto_maskandscale(False)      # raw stored values, like h5py
        via_netcdf4 = np.asarray(v[...])
    ok_h5py, ok_nc = same_bits(via_h5py, expected), same_bits(via_netcdf4, expected)
    print("%s:%s %s %s: h5py %s, netCDF4 %s" % (
        path.rsplit("/", 1)[-1], var, via_h5py.dtype, via_h5py.shape,
        "equal" if ok_h5py else "DIFFERENT", "equal" if ok_nc else "DIFFERENT"))
    return ok_h5py and ok_nc


def expect_failure(path, var):
    """Both readers must raise, and h5py must say a filter is missing."""
    ok = True
    try:
        with h5py.File(path, "r") as f:
            f[var][...]
        print("h5py read %s without the plugin" % var)
        ok = False
    except OSError as e:
        print("without the plugin, h5py raises: %s" % e)
        ok = ok and "filter" in str(e).lower()
    try:
        with netCDF4.Dataset(path) as ds:
            ds[var][...]
        print("netCDF4 read %s without the plugin" % var)
        ok = False
    except (RuntimeError, OSError) as e:
        print("without the plugin, netCDF4 raises: %s" % e)
    return ok


def main(argv):
    if len(argv) == 3 and argv[0] == "--expect-failure":
        return 0 if expect_failure(argv[1], argv[2]) else 1
    if not argv or len(argv) % 3:
        print(__doc__, file=sys.stderr)
        return 2
    results = [check(*argv[i:i + 3]) for i in range(0, len(argv), 3)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
