"""cli_check.py: independent checks of vidcube's CLI outputs with numpy,
netCDF4 and h5py (Debian's python3). Used by tests/cli_*.sh.

  verify ORIG COMP JSON TARGET   recompute what `vidcube verify --json`
                                 printed (PSNR per band and whole, RMSE,
                                 max error, mask, bpppb, ratio) and check
                                 every band reaches TARGET dB
  same A B [SKIP...]             every variable of B (but SKIP) equals A's
                                 bit for bit, in every group
  poke FILE VAR                  replace one valid value of VAR by NaN
  derive SRC OUT                 a file to test variable selection, built
                                 from the OSTIA sample (see below)
  groups SRC OUT                 a file with groups, user types, strings,
                                 an unlimited dimension and a scalar, around
                                 the ERA5 t2m sample
  ranges FILE R                  for each variable `compress` codes by
                                 default: its name and R x the range of its
                                 valid values in physical units
  bounds ORIG COMP R|abs:E       every valid value of every vidcube-coded
                                 variable of COMP within R x its band's
                                 range (or E) of ORIG, in float64 and
                                 physical units; NaN/fill positions kept
"""
import json
import math
import sys

import h5py
import numpy as np
import netCDF4


def fail(msg):
    sys.exit("FAIL: " + msg)


def raw(var):
    var.set_auto_maskandscale(False)
    return np.asarray(var[...])


def fill_of(var):
    for name in ("_FillValue", "missing_value"):
        if name in var.ncattrs():
            v = np.asarray(var.getncattr(name)).ravel()
            if v.size == 1 and not (v.dtype.kind == "f" and np.isnan(v[0])):
                return v[0]
    return None


def valid_mask(a, fill):
    ok = np.ones(a.shape, bool)
    if a.dtype.kind == "f":
        ok &= np.isfinite(a)
    if fill is not None:
        ok &= a != np.asarray(fill).astype(a.dtype)
    return ok


def psnr(orig, rec):
    if orig.size == 0:
        return None
    err = rec.astype(np.float64) - orig.astype(np.float64)
    mse = float(np.mean(err * err))
    peak = float(orig.max()) - float(orig.min())
    return math.inf if mse == 0 else 10 * math.log10(peak * peak / mse)


def bands(a):
    """(T, C, Y, X) with vidcube's default roles."""
    if a.ndim == 4:
        return a
    if a.ndim == 5:
        return a.reshape(a.shape[0], a.shape[1] * a.shape[2], a.shape[3], a.shape[4])
    return a.reshape((1, 1) + a.shape[-2:]) if a.ndim == 2 else a[:, None]


def close(what, got, want, rel=1e-6, abs_=1e-12):
    if want is None or (isinstance(want, float) and (math.isinf(want) or math.isnan(want))):
        if got is not None:
            fail(f"{what}: JSON has {got}, expected null (exact or undefined)")
        return
    if got is None or abs(got - want) > max(abs_, rel * abs(want)):
        fail(f"{what}: JSON has {got}, recomputed {want}")


def check_verify(orig_path, comp_path, json_path, target):
    doc = json.load(open(json_path))
    if list(doc) != ["variables"] or not doc["variables"]:
        fail(f"JSON shape: {list(doc)}")
    keys = ["name", "psnr_db", "band_psnr_db", "rmse", "max_abs_error", "bpppb", "ratio",
            "mask_exact"]
    o, c = netCDF4.Dataset(orig_path), netCDF4.Dataset(comp_path)
    h = h5py.File(comp_path, "r")
    for v in doc["variables"]:
        if list(v) != keys:
            fail(f"JSON keys {list(v)}, expected {keys}")
        name = v["name"]
        a, b = raw(o[name]), raw(c[name])
        fill = fill_of(o[name])
        va, vb = valid_mask(a, fill), valid_mask(b, fill)
        mask_exact = bool(np.array_equal(va, vb)) and bool(
            np.array_equal(a[~va].tobytes(), b[~va].tobytes()) if (~va).any() else True)
        if v["mask_exact"] is not mask_exact:
            fail(f"{name}: mask_exact {v['mask_exact']}, recomputed {mask_exact}")
        scale = 1.0
        if a.dtype.kind in "iu" and "scale_factor" in o[name].ncattrs():
            scale = abs(float(o[name].scale_factor))
        err = np.abs(b[va].astype(np.float64) - a[va].astype(np.float64))
        close(f"{name} rmse", v["rmse"], float(np.sqrt(np.mean(err * err))) * scale)
        close(f"{name} max_abs_error", v["max_abs_error"], float(err.max()) * scale)
        close(f"{name} psnr_db", v["psnr_db"], psnr(a[va], b[va]))
        ba, bb, bm = bands(a), bands(b), bands(va)
        if len(v["band_psnr_db"]) != ba.shape[1]:
            fail(f"{name}: {len(v['band_psnr_db'])} bands in JSON, {ba.shape[1]} in the data")
        for k in range(ba.shape[1]):
            m = bm[:, k]
            close(f"{name} band {k}", v["band_psnr_db"][k], psnr(ba[:, k][m], bb[:, k][m]))
        stored = h[name].id.get_storage_size()
        close(f"{name} bpppb", v["bpppb"], 8.0 * stored / a.size, rel=1e-9)
        close(f"{name} ratio", v["ratio"], a.size * a.itemsize / stored, rel=1e-9)
        if target is not None:
            worst = min(v["band_psnr_db"], key=lambda x: math.inf if x is None else x)
            if v["psnr_db"] < target or (worst is not None and worst < target):
                fail(f"{name}: PSNR {v['psnr_db']} dB, worst band {worst} dB < target {target}")
        if not mask_exact:
            fail(f"{name}: NaN/fill positions changed")


def all_vars(group, prefix=""):
    for name, var in group.variables.items():
        yield prefix + name, var
    for name, sub in group.groups.items():
        yield from all_vars(sub, prefix + name + "/")


def check_same(a_path, b_path, skip):
    a, b = netCDF4.Dataset(a_path), netCDF4.Dataset(b_path)
    n = 0
    for name, var in all_vars(a):
        if name in skip:
            continue
        x, y = raw(var), raw(b[name])
        if x.dtype != y.dtype or x.shape != y.shape:
            fail(f"{name}: {x.dtype}{x.shape} became {y.dtype}{y.shape}")
        if x.dtype.kind == "O":     # strings, variable-length arrays
            same = all(np.array_equal(p, q) for p, q in zip(x.ravel(), y.ravel()))
        else:
            same = x.tobytes() == y.tobytes()
        if not same:
            fail(f"{name}: data differ from {a_path}")
        n += 1
    if n == 0:
        fail("no variable compared")


def poke(path, name):
    with netCDF4.Dataset(path, "a") as d:
        var = d[name]
        a = raw(var)
        idx = np.argwhere(valid_mask(a, fill_of(var)))[0]
        a[tuple(idx)] = np.nan
        var[...] = a


def derive(src, out):
    """OSTIA sample plus what must stay exact: 2-D coordinates named by a
    coordinates attribute, a CF flag variable, integer land-cover classes;
    and what is a measurement: SST as unpacked uint16 counts."""
    s = netCDF4.Dataset(src)
    sst = raw(s["analysed_sst"])
    lat, lon = s["lat"][:], s["lon"][:]
    with netCDF4.Dataset(out, "w") as d:
        for dim in ("time", "lat", "lon"):
            d.createDimension(dim, len(s.dimensions[dim]))
        d.createVariable("lat", "f4", ("lat",))[:] = lat
        d.createVariable("lon", "f4", ("lon",))[:] = lon
        lat2 = d.createVariable("lat2d", "f8", ("lat", "lon"))
        lon2 = d.createVariable("lon2d", "f8", ("lat", "lon"))
        lon2[:], lat2[:] = np.meshgrid(lon, lat)
        land = sst == -32768
        flag = d.createVariable("surface_flag", "i2", ("time", "lat", "lon"))
        flag.flag_values = np.array([0, 1], "i2")
        flag.flag_meanings = "sea land"
        flag[:] = land.astype("i2")
        cls = d.createVariable("landcover_class", "i2", ("time", "lat", "lon"))
        cls[:] = np.where(land, 2, (sst > 2000).astype("i2"))
        counts = d.createVariable("sst_counts", "u2", ("time", "lat", "lon"))
        counts.coordinates = "lat2d lon2d"
        counts[:] = np.where(land, 0, sst + 1000).astype("u2")


def groups(src, out):
    """Structure a conversion must keep: nested groups, enum, compound and
    variable-length types, strings, an unlimited dimension, a scalar, and
    the ERA5 t2m sample deep inside."""
    s = netCDF4.Dataset(src)
    t2m = s["t2m"][:]
    nt, ny = t2m.shape[0], t2m.shape[1]
    with netCDF4.Dataset(out, "w") as d:
        d.title = "groups and types around ERA5 t2m"
        d.createDimension("time", None)
        d.createDimension("latitude", ny)
        d.createDimension("longitude", t2m.shape[2])
        g = d.createGroup("era5")
        sub = g.createGroup("surface")
        et = d.createEnumType(np.uint8, "quality_t", {"good": 0, "bad": 1})
        ct = d.createCompoundType(np.dtype([("a", "f4"), ("b", "i4")]), "pair_t")
        vt = d.createVLType(np.int16, "ragged_t")
        g.createVariable("quality", et, ("time",))[:] = (np.arange(nt) % 7 == 0).astype(np.uint8)
        pair = np.zeros(ny, ct.dtype)
        pair["a"], pair["b"] = s["latitude"][:], -np.arange(ny)
        g.createVariable("pair", ct, ("latitude",))[:] = pair
        ragged = g.createVariable("ragged", vt, ("latitude",))
        names = g.createVariable("names", str, ("latitude",))
        for i in range(ny):
            ragged[i] = np.arange(i % 5, dtype=np.int16)
            names[i] = "row %d" % i
        v = sub.createVariable("t2m", "f4", ("time", "latitude", "longitude"), zlib=True)
        v.units = "K"
        v[:] = t2m
        sub.createVariable("latitude", "f8", ("latitude",))[:] = s["latitude"][:]
        d.createVariable("scalar", "f8")[...] = 3.5


def physical(var, a):
    """float64 values in physical units (packed integers scaled)."""
    x = a.astype(np.float64)
    if a.dtype.kind in "iu" and "scale_factor" in var.ncattrs():
        x = x * float(var.scale_factor) + float(getattr(var, "add_offset", 0.0))
    return x


def coded(h5file):
    """Names of the datasets that carry the vidcube filter (id 330)."""
    names = []
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            plist = obj.id.get_create_plist()
            if any(plist.get_filter(i)[0] == 330 for i in range(plist.get_nfilters())):
                names.append(name)
    h5file.visititems(visit)
    return names


def ranges(path, r):
    o, h = netCDF4.Dataset(path), h5py.File(path, "r")
    for name, var in o.variables.items():
        if var.ndim < 2 or var.dtype.kind not in "iuf" or min(var.shape[-2:]) < 8:
            continue
        if name in o.dimensions or "flag_values" in var.ncattrs():
            continue
        a = raw(var)
        x = physical(var, a)[valid_mask(a, fill_of(var))]
        print(name, repr(r * (float(x.max()) - float(x.min()))))


def check_bounds(orig_path, comp_path, bound):
    o, c = netCDF4.Dataset(orig_path), netCDF4.Dataset(comp_path)
    names = coded(h5py.File(comp_path, "r"))
    if not names:
        fail(f"{comp_path}: no variable uses the vidcube filter")
    for name in names:
        a, b = raw(o[name]), raw(c[name])
        fill = fill_of(o[name])
        va = valid_mask(a, fill)
        if not np.array_equal(va, valid_mask(b, fill)):
            fail(f"{name}: NaN/fill positions changed")
        xa, xb = bands(physical(o[name], a)), bands(physical(c[name], b))
        bm = bands(va)
        for k in range(xa.shape[1]):
            m = bm[:, k]
            if not m.any():
                continue
            ya, yb = xa[:, k][m], xb[:, k][m]
            e = (float(bound[4:]) if bound.startswith("abs:")
                 else float(bound) * (float(ya.max()) - float(ya.min())))
            err = float(np.abs(yb - ya).max())
            if err > e:
                fail(f"{name} band {k}: max abs error {err!r} > bound {e!r}")


def main():
    cmd = sys.argv[1]
    if cmd == "verify":
        check_verify(sys.argv[2], sys.argv[3], sys.argv[4],
                     float(sys.argv[5]) if len(sys.argv) > 5 else None)
    elif cmd == "same":
        check_same(sys.argv[2], sys.argv[3], set(sys.argv[4:]))
    elif cmd == "poke":
        poke(sys.argv[2], sys.argv[3])
    elif cmd == "derive":
        derive(sys.argv[2], sys.argv[3])
    elif cmd == "groups":
        groups(sys.argv[2], sys.argv[3])
    elif cmd == "ranges":
        ranges(sys.argv[2], float(sys.argv[3]))
    elif cmd == "bounds":
        check_bounds(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        fail("unknown command " + cmd)


main()
