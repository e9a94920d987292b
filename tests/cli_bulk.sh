#!/bin/sh
# vidcube compress on a whole directory: every sample is converted, the
# structure (dimensions, variables, attributes, groups) is unchanged apart
# from chunking/filter/storage, exactly the measurements are coded, the
# printed chunking is the one written, and -j 2 on a glob writes the same
# bytes as -j 1.
. "$VC_SRCDIR/tests/cli_lib.sh"
require NCDUMP

run compress "$VC_DATA_DIR" -o "$tmp/j1" --psnr 40
expect 0 "compress of the sample directory"
cp "$tmp/out" "$tmp/j1.out"

expected_coded() {
    case $1 in
    era5_ens_crop.nc)    echo "t z" ;;
    era5_t2m_uk_crop.nc) echo "t2m" ;;
    ostia_sst_crop.nc)   echo "analysed_sst sst_anomaly" ;;
    s2_l1c_crop.nc)      echo "cloud_prob ndvi toa_reflectance" ;;
    s3_olci_crop.nc)     echo "conc_chl conc_tsm kd489" ;;
    esac
}

for b in $SAMPLES; do
    in=$VC_DATA_DIR/$b out=$tmp/j1/$b
    [ -f "$out" ] || fail "$b: no output"

    ncheader "$in" > "$tmp/h.in"
    ncheader "$out" > "$tmp/h.out"
    diff "$tmp/h.in" "$tmp/h.out" > "$tmp/h.diff" ||
        fail "$b: ncdump -hs differs beyond chunking/filters: $(cat "$tmp/h.diff")"

    coded=$("$NCDUMP" -hs "$out" | sed -nE 's/^[[:space:]]*([^ :]+):_Filter = "330,.*/\1/p' |
            sort | tr '\n' ' ' | sed 's/ $//')
    [ "$coded" = "$(expected_coded "$b")" ] ||
        fail "$b: coded variables '$coded', expected '$(expected_coded "$b")'"

    # The chunking printed is the chunking written, and holds whole frames.
    for v in $coded; do
        line=$(awk -v v="$v" '$1 == v && $4 == "code," { print $3, $6 }' "$tmp/j1.out" | head -1)
        [ -n "$line" ] || fail "$b: no chunking printed for $v"
        shape=${line% *} printed=${line#* }
        written=$("$NCDUMP" -hs "$out" |
                  sed -nE "s/^[[:space:]]*$v:_ChunkSizes = (.*) ;/\\1/p" | sed 's/, /x/g')
        [ "$printed" = "$written" ] || fail "$b: $v printed chunks $printed, wrote $written"
        frame=$(echo "$shape" | awk -Fx '{ print $(NF-1) "x" $NF }')
        case $printed in *"x$frame") ;; *) fail "$b: $v chunks $printed cut frames $frame" ;; esac
        # One row of the summary table, with a real ratio.
        awk -v f="$b" -v v="$v" '$1 == f && $2 == v && $3 + 0 > 1 { ok = 1 } END { exit !ok }' \
            "$tmp/j1.out" || fail "$b: no summary row for $v"
    done
done

# What must stay exact is copied, not coded, and says why.
grep -Eq '^ +cloud_mask +ubyte .* copy: kept exact' "$tmp/j1.out" ||
    fail "cloud_mask not reported as kept exact"
grep -Eq '^ +analysed_sst .*packed integers' "$tmp/j1.out" ||
    fail "analysed_sst not reported as packed integers"
ncdata "$VC_DATA_DIR/s2_l1c_crop.nc" > "$tmp/d.in"
ncdata "$tmp/j1/s2_l1c_crop.nc" > "$tmp/d.out"
for v in cloud_mask band x y time; do
    sed -n "/^ $v =/,/;/p" "$tmp/d.in" > "$tmp/v.in"
    sed -n "/^ $v =/,/;/p" "$tmp/d.out" > "$tmp/v.out"
    [ -s "$tmp/v.in" ] || fail "ncdump shows no data of $v"
    cmp -s "$tmp/v.in" "$tmp/v.out" || fail "s2_l1c_crop.nc: the data of $v changed"
done
grep -q '^5 of 5 files converted' "$tmp/j1.out" || fail "no final count: $(tail -2 "$tmp/j1.out")"

# A quoted glob (expanded by vidcube), two workers: the same bytes, and
# --quiet prints nothing.
run compress "$VC_DATA_DIR/*.nc" -o "$tmp/j2" --psnr 40 -j 2 --quiet
expect 0 "compress -j 2 of a glob"
[ ! -s "$tmp/out" ] || fail "--quiet printed: $(cat "$tmp/out")"
for b in $SAMPLES; do
    cmp "$tmp/j1/$b" "$tmp/j2/$b" || fail "$b: -j 2 wrote different bytes than -j 1"
done
# Several inputs: the output must be a directory.
run compress "$VC_DATA_DIR/s2_l1c_crop.nc" "$VC_DATA_DIR/ostia_sst_crop.nc" \
    -o "$tmp/j1/s2_l1c_crop.nc" --psnr 40 --force
expect 2 "several inputs to a file"
expect_err "must name a directory"
exit 0
