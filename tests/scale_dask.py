"""xarray + Dask reading vidcube-compressed netCDF on a distributed cluster.

  scale_dask.py check COMPRESSED PLAIN VAR TIMEDIM PLUGIN_DIR NO_PLUGIN_DIR
      (the test, driven by scale_dask.sh) COMPRESSED was written by
      `vidcube compress`, PLAIN is its `vidcube decompress` copy (decoded
      serially, no plugin needed to read it). On a LocalCluster of 2 worker
      processes, whose environment gets HDF5_PLUGIN_PATH=PLUGIN_DIR, VAR is
      opened with Dask chunks equal to its HDF5 chunks, and its mean and
      standard deviation over TIMEDIM (per band and pixel) must equal, to
      float64 rounding, the same reductions computed by numpy on PLAIN; both
      workers must have decoded chunks. With HDF5_PLUGIN_PATH=NO_PLUGIN_DIR
      in the workers' environment the same computation must fail (not tried
      when NO_PLUGIN_DIR is "-").
  scale_dask.py measure FILE VAR TIMEDIM PLUGIN_DIR WORKERS [REPEATS [THREADS]]
      read throughput: the mean over TIMEDIM of the whole variable on
      WORKERS worker processes of THREADS threads (default 1); prints MB/s
      (decoded bytes), best of REPEATS.

Run with Debian's /usr/bin/python3 (python3-xarray, python3-dask,
python3-distributed, python3-netcdf4).
"""
import logging
import os
import shutil
import sys
import tempfile
import time
import warnings

import numpy as np
import xarray as xr
from distributed import Client, LocalCluster, get_task_stream


def hdf5_chunks(path, var):
    """The variable's HDF5 chunk shape, as a Dask chunks mapping."""
    with xr.open_dataset(path) as ds:
        v = ds[var]
        sizes = v.encoding.get("chunksizes")
        if not sizes:
            raise SystemExit(f"{path}:{var} is not chunked")
        return dict(zip(v.dims, sizes))


def cluster(workers, plugin_dir, quiet=False, threads=1):
    """Worker processes with HDF5_PLUGIN_PATH in their environment. The
    Nanny sets `env` in the worker process before it runs any task, so
    before HDF5 first looks for a plugin (it reads the variable once)."""
    lc = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                      dashboard_address=None, env={"HDF5_PLUGIN_PATH": plugin_dir},
                      silence_logs=logging.CRITICAL if quiet else logging.WARNING)
    return lc, Client(lc)


def reductions(da, timedim):
    a = da.astype("float64")
    return a.mean(timedim), a.std(timedim)


def check(compressed, plain, var, timedim, plugin_dir, no_plugin_dir):
    chunks = hdf5_chunks(compressed, var)
    ds = xr.open_dataset(compressed, chunks=chunks)
    da = ds[var]
    for d, c in zip(da.dims, da.chunks):
        # every Dask block is one HDF5 chunk (the last may be partial)
        if any(b != chunks[d] for b in c[:-1]) or c[-1] > chunks[d]:
            raise SystemExit(f"Dask chunks {da.chunks} not aligned to HDF5 chunks {chunks}")
    nblocks = int(np.prod([len(c) for c in da.chunks]))
    print(f"{var} {dict(da.sizes)} {da.dtype}: Dask blocks = HDF5 chunks {chunks} "
          f"({nblocks} blocks)")
    if nblocks < 2:
        raise SystemExit("need at least 2 chunks to spread over 2 workers")

    with xr.open_dataset(plain) as p:
        ref_mean, ref_std = (r.values for r in reductions(p[var].load(), timedim))
    if not np.isfinite(ref_mean).any():
        raise SystemExit("no valid values to compare")

    lc, client = cluster(2, plugin_dir)
    try:
        seen = client.run(lambda: __import__("os").environ.get("HDF5_PLUGIN_PATH"))
        if set(seen.values()) != {plugin_dir}:
            raise SystemExit(f"workers' HDF5_PLUGIN_PATH: {seen}")
        with get_task_stream(client) as ts:
            mean, std = (r.compute() for r in reductions(da, timedim))
        workers = {t["worker"] for t in ts.data}
        if len(workers) != 2:
            raise SystemExit(f"tasks ran on {len(workers)} worker(s), expected 2: {workers}")
    finally:
        client.close()
        lc.close()
    scale = float(np.nanmax(np.abs(ref_mean)))
    for name, got, ref in (("mean", mean.values, ref_mean), ("std", std.values, ref_std)):
        if not np.array_equal(np.isnan(got), np.isnan(ref)):
            raise SystemExit(f"{name}: NaN positions differ from the serial decode")
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12 * scale, equal_nan=True,
                                   err_msg=f"{name} over {timedim} differs from the serial decode")
        print(f"  {name} over {timedim}: {np.isfinite(ref).sum()} values equal the serial "
              f"decode's (max diff {np.nanmax(np.abs(got - ref)):.2e})")
    print(f"  computed on {len(workers)} worker processes")

    if no_plugin_dir == "-":
        ds.close()
        return
    # The negative control: workers without the plugin cannot decode.
    lc, client = cluster(2, no_plugin_dir, quiet=True)
    try:
        reductions(da, timedim)[0].compute()
    except Exception as e:  # what HDF5/netCDF raise varies: any failure will do
        print(f"  workers without HDF5_PLUGIN_PATH fail: {type(e).__name__}: "
              f"{str(e).splitlines()[0][:100]}")
    else:
        raise SystemExit("workers decoded vidcube chunks without the plugin in their path")
    finally:
        client.close()
        lc.close()
    ds.close()


def measure(path, var, timedim, plugin_dir, workers, repeats=3, threads=1):
    chunks = hdf5_chunks(path, var)
    lc, client = cluster(workers, plugin_dir, threads=threads)
    # A worker keeps a file open and HDF5 keeps decoded chunks in its chunk
    # cache: each run reads its own copy, or it would time the cache. Run 0
    # only warms the workers up (imports, first open).
    with tempfile.TemporaryDirectory() as tmp:
        copies = [shutil.copy(path, os.path.join(tmp, f"run{i}.nc")) for i in range(repeats + 1)]
        try:
            times = []
            for copy in copies:
                with xr.open_dataset(copy, chunks=chunks) as ds:
                    da = ds[var]
                    t0 = time.perf_counter()
                    da.astype("float64").mean(timedim).compute()
                    times.append(time.perf_counter() - t0)
            mb = da.size * da.dtype.itemsize / 1e6
            t = min(times[1:])
            print(f"{var} {dict(da.sizes)} chunks {chunks}: {workers} workers x {threads} "
                  f"threads: {mb:.1f} MB in {t:.3f} s = {mb / t:.1f} MB/s "
                  f"(runs: {', '.join(f'{x:.3f}' for x in times[1:])})")
        finally:
            client.close()
            lc.close()


if __name__ == "__main__":
    # Pixels that are NaN at every time step (OLCI's land) warn in numpy and
    # Dask alike; the test compares NaN positions itself.
    warnings.simplefilter("ignore", RuntimeWarning)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "check" and len(args) == 6:
        check(*args)
    elif cmd == "measure" and len(args) in (5, 6, 7):
        measure(*args[:4], int(args[4]), *(int(a) for a in args[5:]))
    else:
        raise SystemExit(__doc__)
