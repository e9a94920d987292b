#!/bin/sh
# Error bounds through the CLI and the HDF5 filter (issue 6): every
# variable of every sample, with E = 1e-1 .. 1e-4 x its range:
#   --rel R   each band of each variable within R x that band's range;
#   --abs E   per variable (E = R x the variable's range), and
#             `vidcube verify --max-abs E` agrees;
# checked independently in float64 and physical units (cli_check.py, which
# reads through the plugin). A bound below what a packed integer type can
# hold is not an error: the values come back within it or exactly.
. "$VC_SRCDIR/tests/cli_lib.sh"
require_python
check() {
    HDF5_PLUGIN_PATH=$PLUGIN_DIR "$PYTHON3" "$VC_SRCDIR/tests/cli_check.py" "$@"
}

for b in $SAMPLES; do
    for r in 1e-1 1e-2 1e-3 1e-4; do
        run compress "$VC_DATA_DIR/$b" -o "$tmp/rel.nc" --rel $r --force --quiet
        expect 0 "$b --rel $r"
        check bounds "$VC_DATA_DIR/$b" "$tmp/rel.nc" $r || fail "$b --rel $r: a bound broken"

        check ranges "$VC_DATA_DIR/$b" $r > "$tmp/ranges" || fail "$b: ranges"
        while read -r var e; do
            run compress "$VC_DATA_DIR/$b" -o "$tmp/abs.nc" --var "$var" --abs "$e" --force --quiet
            expect 0 "$b $var --abs $e"
            check bounds "$VC_DATA_DIR/$b" "$tmp/abs.nc" "abs:$e" ||
                fail "$b $var --abs $e: the bound broken"
            run verify "$VC_DATA_DIR/$b" "$tmp/abs.nc" --var "$var" --max-abs "$e"
            expect 0 "$b $var: verify --max-abs $e"
        done < "$tmp/ranges"
    done
done
exit 0
