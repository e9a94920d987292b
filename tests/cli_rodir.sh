#!/bin/sh
# A read-only output directory: a clear message, exit status 1, nothing
# written. Root writes anywhere, so as root the command runs as nobody
# (setpriv); the test skips only when that is impossible.
. "$VC_SRCDIR/tests/cli_lib.sh"
mkdir "$tmp/ro"
cp "$VC_DATA_DIR/era5_t2m_uk_crop.nc" "$tmp/in.nc"
chmod 644 "$tmp/in.nc"
chmod 555 "$tmp/ro"
as=
if [ "$(id -u)" -eq 0 ]; then
    command -v setpriv > /dev/null || { echo "SKIP: root, and no setpriv to drop privileges"; exit 77; }
    as="setpriv --reuid=65534 --regid=65534 --clear-groups"
    $as true 2> /dev/null || { echo "SKIP: setpriv cannot drop privileges here"; exit 77; }
fi
for o in "$tmp/ro/out.nc" "$tmp/ro"; do
    status=0
    $as "$VIDCUBE" compress "$tmp/in.nc" -o "$o" --psnr 40 > "$tmp/out" 2> "$tmp/err" || status=$?
    expect 1 "read-only output directory ($o)"
    expect_err "cannot write (out|in)\.nc in .*/ro \(is it writable\?\): Permission denied"
    [ -z "$(ls -A "$tmp/ro")" ] || fail "something was written in the read-only directory"
done
exit 0
