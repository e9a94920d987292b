#!/bin/sh
# An interrupted conversion leaves nothing under the output's name: kill -9
# of vidcube (its workers stop and remove their temporary files), kill -9
# of vidcube and its workers at once (the temporary file stays, under a name
# that is not the output's, and the next run removes it), SIGTERM and
# SIGINT (the temporary file is removed, the exit status tells the signal).
. "$VC_SRCDIR/tests/cli_lib.sh"

# start DIR [setsid]: convert the samples into DIR in the background, wait
# until a temporary file exists, and set $pid and $victim (the output whose
# temporary file was seen).
start() {
    mkdir -p "$1"
    if [ "${2:-}" = setsid ]; then
        setsid "$VIDCUBE" compress "$VC_DATA_DIR" -o "$1" --psnr 50 --quiet 2> "$tmp/err" &
    else
        "$VIDCUBE" compress "$VC_DATA_DIR" -o "$1" --psnr 50 --quiet 2> "$tmp/err" &
    fi
    pid=$!
    victim=
    i=0
    while [ $i -lt 2000 ] && [ -z "$victim" ]; do
        victim=$(ls -A "$1" | sed -n 's/^\.\(.*\)\.vidcube-tmp\.[0-9]*$/\1/p' | head -1)
        [ -n "$victim" ] || sleep 0.01
        i=$((i + 1))
    done
    [ -n "$victim" ] || fail "no temporary file appeared in $1"
}

# settle DIR: give the workers (which get SIGTERM) up to 10 s to remove
# their temporary files.
settle() {
    i=0
    while [ $i -lt 500 ] && ls -A "$1" | grep -q 'vidcube-tmp'; do
        sleep 0.02
        i=$((i + 1))
    done
}

# kill -9 of vidcube: the worker notices its parent died and cleans up.
start "$tmp/k9"
kill -9 $pid
wait $pid 2> /dev/null
settle "$tmp/k9"
no_output "$tmp/k9" "$victim" "kill -9 of vidcube"

# kill -9 of vidcube and its workers: no output under the final name; the
# next run removes the stale temporary file and converts.
if command -v setsid > /dev/null; then
    start "$tmp/k9all" setsid
    kill -9 -$pid
    wait $pid 2> /dev/null
    [ ! -e "$tmp/k9all/$victim" ] || fail "kill -9 of all: $victim exists"
    ls -A "$tmp/k9all" | grep -q "^\.$victim\.vidcube-tmp\." ||
        fail "kill -9 of all: expected the stale temporary file of $victim"
    run compress "$VC_DATA_DIR/$victim" -o "$tmp/k9all" --psnr 50 --quiet
    expect 0 "the run after a kill -9"
    [ -f "$tmp/k9all/$victim" ] || fail "the run after a kill -9 wrote no $victim"
    ! ls -A "$tmp/k9all" | grep -q 'vidcube-tmp' ||
        fail "the stale temporary file was not removed: $(ls -A "$tmp/k9all")"
fi

# SIGTERM and SIGINT: temporary file removed, death by that signal.
for sig in TERM:15 INT:2; do
    num=${sig#*:} sig=${sig%:*}
    start "$tmp/$sig"
    kill -$sig $pid
    status=0
    wait $pid || status=$?
    settle "$tmp/$sig"
    want=$((128 + num))
    [ "$status" -eq "$want" ] || fail "SIG$sig: exit status $status, expected $want"
    no_output "$tmp/$sig" "$victim" "SIG$sig"
done
exit 0
