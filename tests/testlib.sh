# testlib.sh: what every shell test shares, sourced by cli_lib.sh,
# filter_lib.sh and harden_lib.sh: how a test fails, skips (77, only when
# a tool it drives is absent) and checks for those tools.

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

skip() {
    echo "SKIP: $*"
    exit 77
}

# require VAR...: each VAR names an executable configure found (NCDUMP,
# PYTHON3, ...); skip when one is missing.
require() {
    for var in "$@"; do
        eval "tool=\${$var:-}"
        if [ -z "$tool" ] || [ ! -x "$tool" ]; then
            skip "$var not found (install netcdf-bin, hdf5-tools, python3-h5py, python3-netcdf4)"
        fi
    done
}
