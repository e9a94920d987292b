#!/bin/sh
# embed_append.sh: `vidcube append` on the ERA5 hourly sample cut into three
# files of 48, 48 and 72 hours, as a model run would deliver them.
#   - the first file compressed with --chunk time=24, the others appended:
#     the archive holds all 168 hours, time coordinate included, at
#     PSNR >= 45 dB against the original (vidcube verify);
#   - its stored t2m chunks equal, byte for byte (h5py read_direct_chunk),
#     those of the whole sample compressed in one go;
#   - appending to an archive that ends inside a chunk is refused (exit 3,
#     nothing written), as are usage errors (exit 2).
. "${VC_SRCDIR:?run through make check}/tests/cli_lib.sh"
require_python

cd "$tmp" || fail "cd $tmp"
"$PYTHON3" - "$VC_DATA_DIR/era5_t2m_uk_crop.nc" <<'PY' || fail "splitting the sample"
import sys, netCDF4
src = netCDF4.Dataset(sys.argv[1])
src.set_auto_maskandscale(False)
for name, a, b in (("h00", 0, 48), ("h48", 48, 96), ("h96", 96, 168), ("h30", 0, 30)):
    d = netCDF4.Dataset(name + ".nc", "w")
    d.createDimension("time", None)
    for dim in ("latitude", "longitude"):
        d.createDimension(dim, len(src.dimensions[dim]))
    t = d.createVariable("time", "f8", ("time",))
    t.units = src["time"].units
    t[:] = src["time"][a:b]
    d.createVariable("t2m", "f4", ("time", "latitude", "longitude"))[:] = src["t2m"][a:b]
    d.close()
PY

"$VIDCUBE" compress h00.nc -o arch.nc --psnr 45 --chunk time=24 --quiet || fail "compress h00.nc"
"$VIDCUBE" append h48.nc h96.nc -o arch.nc > append.txt || fail "append h48.nc h96.nc"
grep -q "arch.nc now has 168 steps" append.txt || { cat append.txt; fail "append did not report 168 steps"; }
"$VIDCUBE" verify "$VC_DATA_DIR/era5_t2m_uk_crop.nc" arch.nc --var t2m --min-psnr 45 ||
    fail "the appended archive misses PSNR 45 dB"

"$VIDCUBE" compress "$VC_DATA_DIR/era5_t2m_uk_crop.nc" -o whole.nc --psnr 45 --chunk time=24 \
    --var t2m --quiet || fail "compress the whole sample"
HDF5_PLUGIN_PATH=$PLUGIN_DIR "$PYTHON3" - "$VC_DATA_DIR/era5_t2m_uk_crop.nc" <<'PY' ||
import sys, h5py, numpy, netCDF4
orig = netCDF4.Dataset(sys.argv[1])["time"][:]
arch, whole = h5py.File("arch.nc", "r"), h5py.File("whole.nc", "r")
assert numpy.array_equal(arch["time"][:], orig), "time coordinate not appended"
a, w = arch["t2m"], whole["t2m"]
assert a.shape == w.shape == (168, 33, 49), (a.shape, w.shape)
n = a.id.get_num_chunks()
assert n == w.id.get_num_chunks() == 7, n
for t in range(0, 168, 24):
    ma, ca = a.id.read_direct_chunk((t, 0, 0))
    mw, cw = w.id.read_direct_chunk((t, 0, 0))
    assert ca == cw, "chunk at hour %d: %d bytes appended, %d in one go" % (t, len(ca), len(cw))
print("7 chunks, byte for byte the same as compressing in one go")
PY
    fail "the appended archive differs from one compressed in one go"

# 30 more hours leave a partly filled chunk; the next append must refuse.
"$VIDCUBE" append h30.nc -o arch.nc --quiet || fail "append h30.nc"
cp arch.nc before.nc
"$VIDCUBE" append h30.nc -o arch.nc 2> err.txt
st=$?
[ "$st" -eq 3 ] || fail "append to an archive ending inside a chunk: exit $st, expected 3"
grep -q "inside a chunk of 24 steps" err.txt || { cat err.txt; fail "no reason given"; }
cmp -s arch.nc before.nc || fail "a refused append changed the archive"

"$VIDCUBE" append h30.nc 2> err.txt
[ $? -eq 2 ] || fail "append without -o: expected exit 2"
"$VIDCUBE" append arch.nc -o arch.nc 2> err.txt
[ $? -eq 2 ] || fail "append a file to itself: expected exit 2"
echo "PASS: vidcube append"
