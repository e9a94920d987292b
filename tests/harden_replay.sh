#!/bin/sh
# Replay the fuzz targets' corpora (seeds and every input that once broke
# something) through the normal build: each target runs on each file, and
# a broken promise or a crash fails the test.
. "$VC_SRCDIR/tests/harden_lib.sh"
corpus=$VC_SRCDIR/tests/fuzz/corpus
golden=$VC_SRCDIR/tests/golden
unset HDF5_PLUGIN_PATH
fuzz/replay_decompress "$corpus/decompress" "$golden" || fail "replay_decompress"
fuzz/replay_stream_info "$corpus/stream_info" "$corpus/decompress" "$golden" ||
    fail "replay_stream_info"
fuzz/replay_cd_unpack "$corpus/cd_unpack" || fail "replay_cd_unpack"
fuzz/replay_h5filter "$corpus/h5filter" || fail "replay_h5filter"
