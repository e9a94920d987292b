#!/usr/bin/python3
"""Crop the shared datasets into the small samples kept in data/.

Run from the top of the tree with the full datasets in ../shared/data:
    /usr/bin/python3 data/make_samples.py ../shared/data data
Values are copied bit-exactly (no unpacking, no conversion); only index
ranges are cut. Attributes, including _FillValue, scale_factor, add_offset
and the provenance attributes of the source file, are kept, and a
`vidcube_crop` global attribute records the cut.
"""
import sys
import os
import netCDF4

# file -> (output name, {dim: (start, stop)}); dims not named are kept whole.
CROPS = {
    "s2_l1c_eolearn_testeopatch.nc": ("s2_l1c_crop.nc",
        {"y": (20, 84), "x": (20, 84), "time": (0, 24)}),
    "s3_olci_c2rcc_northsea_xcube.nc": ("s3_olci_crop.nc",
        {"lat": (544, 800), "lon": (64, 576)}),
    "era5_t2m_uk_2019-03_hourly.nc": ("era5_t2m_uk_crop.nc",
        {"time": (0, 168)}),
    "ostia_sst_l4_global_2017-06-05_07.nc": ("ostia_sst_crop.nc",
        {"lat": (180, 360), "lon": (0, 360)}),
    "era5_ens_z_t_2017-01-01_02.nc": ("era5_ens_crop.nc", {"number": (0, 5)}),
}


def crop(src_path, dst_path, cuts):
    src = netCDF4.Dataset(src_path)
    dst = netCDF4.Dataset(dst_path, "w", format="NETCDF4")
    dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
    desc = ", ".join(f"{d}[{a}:{b}]" for d, (a, b) in cuts.items()) or "none"
    dst.setncattr("vidcube_crop",
                  f"cropped from {os.path.basename(src_path)}: {desc} (values bit-exact)")
    for name, dim in src.dimensions.items():
        a, b = cuts.get(name, (0, len(dim)))
        dst.createDimension(name, b - a)
    for name, var in src.variables.items():
        var.set_auto_maskandscale(False)
        fill = var.getncattr("_FillValue") if "_FillValue" in var.ncattrs() else None
        kw = {}
        if var.dtype != str:
            kw = dict(zlib=True, complevel=4, shuffle=True)
        out = dst.createVariable(name, var.dtype, var.dimensions, fill_value=fill, **kw)
        out.set_auto_maskandscale(False)
        out.setncatts({k: var.getncattr(k) for k in var.ncattrs() if k != "_FillValue"})
        idx = tuple(slice(*cuts.get(d, (0, len(src.dimensions[d])))) for d in var.dimensions)
        out[...] = var[idx] if idx else var[...]
    dst.close()
    src.close()


def main():
    shared, out = sys.argv[1], sys.argv[2]
    for name, (dst, cuts) in CROPS.items():
        crop(os.path.join(shared, name), os.path.join(out, dst), cuts)
        print(f"{dst}: {os.path.getsize(os.path.join(out, dst))} bytes")


if __name__ == "__main__":
    main()
