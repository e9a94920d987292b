#!/bin/sh
# Golden streams: every tests/golden/*.vcs (one per mode and dtype,
# transforms included, made once by `make harden-seeds` and never
# rewritten) decodes to exactly the bytes whose SHA-256 was recorded in
# tests/golden/DIGESTS when it was made. A change that breaks this changes
# what old files decode to: it must bump the stream-format version and keep
# decoding the old format instead (include/vidcube.h, VC_STREAM_FORMAT).
#
# harden_golden.sh --record: write DIGESTS for streams that have none.
. "$VC_SRCDIR/tests/harden_lib.sh"
golden=$VC_SRCDIR/tests/golden
digests=$golden/DIGESTS
record=no
[ "${1:-}" = --record ] && record=yes
command -v sha256sum > /dev/null || skip "sha256sum not found (coreutils)"
[ $record = yes ] || [ -f "$digests" ] || fail "$digests is missing"

n=0
for s in "$golden"/*.vcs; do
    name=$(basename "$s")
    ./harden_decode "$s" "$tmp/out" > "$tmp/log" 2>&1 ||
        fail "$name does not decode: $(cat "$tmp/log")"
    sum=$(sha256sum < "$tmp/out" | cut -d' ' -f1)
    want=$(awk -v f="$name" '$2 == f { print $1 }' "$digests" 2>/dev/null)
    if [ -z "$want" ] && [ $record = yes ]; then
        echo "$sum  $name" >> "$digests"
        echo "recorded $name"
        continue
    fi
    [ -n "$want" ] || fail "$name has no digest in $digests (make harden-seeds)"
    [ "$sum" = "$want" ] ||
        fail "$name decodes to different bytes: sha256 $sum, recorded $want"
    n=$((n + 1))
done
# Every digest names a stream that is still there.
while read -r want name; do
    [ -f "$golden/$name" ] || fail "DIGESTS names $name, which is missing"
done < "$digests"
[ $record = yes ] || [ $n -ge 20 ] || fail "only $n golden streams"
echo "$n golden streams decode bit-exactly"
