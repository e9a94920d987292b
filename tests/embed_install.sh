#!/bin/sh
# embed_install.sh: `make install` into a scratch DESTDIR, then build the
# examples outside the tree against that copy, the way a user would:
#   - every promised file is installed (libraries shared and static,
#     headers, pkg-config files, the command, its man page, the plugin);
#   - embed_link_example.c with `cc $(pkg-config --cflags --libs vidcube)`;
#   - the same linked with the static libvidcube.a, its own dependencies
#     taken from vidcube.pc's Requires.private and Libs.private;
#   - embed_writer_example.c with pkg-config vidcube_nc, its output read by
#     h5dump through the installed plugin;
#   - when configure built the Fortran modules, embed_fortran.f90 with
#     pkg-config vidcubef and the installed .mod files.
: "${VC_BUILDDIR:?run through make check}" "${VC_SRCDIR:?run through make check}"
: "${VC_PREFIX:?}" "${VC_LIBDIR:?}" "${VC_INCLUDEDIR:?}" "${VC_BINDIR:?}" "${VC_MANDIR:?}"
: "${VC_PLUGINDIR:?}"

. "$VC_SRCDIR/tests/testlib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vc_embed_install.XXXXXX") || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage

# The parent make's job server is not ours to use.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$VC_BUILDDIR" install DESTDIR="$stage" \
    > "$tmp/install.log" 2>&1 || { tail -30 "$tmp/install.log" >&2; fail "make install DESTDIR=$stage"; }

lib=$stage$VC_LIBDIR
for f in "$lib/libvidcube.so" "$lib/libvidcube.a" "$lib/libvidcube_nc.so" "$lib/libvidcube_nc.a" \
         "$lib/pkgconfig/vidcube.pc" "$lib/pkgconfig/vidcube_nc.pc" \
         "$stage$VC_INCLUDEDIR/vidcube.h" "$stage$VC_INCLUDEDIR/vidcube_filter.h" \
         "$stage$VC_INCLUDEDIR/vidcube_version.h" "$stage$VC_INCLUDEDIR/vidcube_writer.h" \
         "$stage$VC_BINDIR/vidcube" "$stage$VC_MANDIR/man1/vidcube.1" \
         "$stage$VC_PLUGINDIR/libh5z_vidcube.so"; do
    [ -f "$f" ] || fail "make install did not install ${f#"$stage"}"
done
if [ "${VC_HAVE_FC:-no}" = yes ]; then
    for f in "$lib/libvidcubef.so" "$lib/pkgconfig/vidcubef.pc" \
             "$stage$VC_INCLUDEDIR/vidcube.mod" "$stage$VC_INCLUDEDIR/vidcube_writer.mod"; do
        [ -f "$f" ] || fail "make install did not install ${f#"$stage"}"
    done
fi

# The staged tree, as a user would point at a relocated install: our .pc
# files as installed, but for their prefix line (pkg-config's own
# --define-prefix and --define-variable would move the system packages'
# prefixes too).
mkdir "$tmp/pc" || fail "mkdir"
for f in "$lib"/pkgconfig/vidcube*.pc; do
    sed "s|^prefix=.*|prefix=$stage$VC_PREFIX|" "$f" > "$tmp/pc/${f##*/}" || fail "copying $f"
done
PKG_CONFIG_PATH=$tmp/pc
LD_LIBRARY_PATH=$lib
export PKG_CONFIG_PATH LD_LIBRARY_PATH
pc() { pkg-config "$@"; }
cd "$tmp" || fail "cd $tmp"
cp "$VC_SRCDIR/tests/embed_link_example.c" "$VC_SRCDIR/tests/embed_writer_example.c" . ||
    fail "copying the examples"

# 1. Shared, exactly as the README says.
flags=$(pc --cflags --libs vidcube) || fail "pkg-config vidcube"
case "$flags" in *"-I$stage$VC_INCLUDEDIR"*"-L$lib"*"-lvidcube"*) ;;
    *) fail "pkg-config vidcube gave '$flags'" ;; esac
# shellcheck disable=SC2086
cc embed_link_example.c $flags -o link_shared || fail "cc embed_link_example.c $flags"
./link_shared || fail "the example linked with the shared libvidcube"
ldd ./link_shared | grep -q "$lib/libvidcube.so" || fail "link_shared does not use the staged libvidcube.so"
"$stage$VC_BINDIR/vidcube" --version || fail "the installed vidcube command does not run"

# 2. Static libvidcube.a. A fully static --static link needs every
# dependency's static archive (Debian's libavcodec.pc lists dozens of
# private libraries), so link libvidcube.a alone statically: vidcube.pc's
# Libs.private (OpenMP) and the modules in its Requires.private must then
# be exactly what is missing.
private=$(sed -n 's/^Libs\.private: *//p' "$tmp/pc/vidcube.pc")
requires=$(pkg-config --print-requires-private vidcube | sed 's/ .*//') ||
    fail "pkg-config --print-requires-private vidcube"
[ -n "$requires" ] || fail "vidcube.pc has no Requires.private"
deps=$(pkg-config --libs $requires) || fail "pkg-config --libs $requires"
# shellcheck disable=SC2086
cc embed_link_example.c $(pc --cflags vidcube) "$lib/libvidcube.a" $deps $private -o link_static ||
    fail "static link: cc ... libvidcube.a $private $deps"
if ldd ./link_static | grep -q libvidcube; then fail "link_static still loads libvidcube.so"; fi
LD_LIBRARY_PATH= ./link_static || fail "the example linked with libvidcube.a"

# 3. The time-step writer, and the installed plugin reading its output.
flags=$(pc --cflags --libs vidcube_nc) || fail "pkg-config vidcube_nc"
# shellcheck disable=SC2086
cc embed_writer_example.c $flags -o writer || fail "cc embed_writer_example.c $flags"
./writer writer.nc || fail "the writer example"
if [ -x "${H5DUMP:-}" ]; then
    HDF5_PLUGIN_PATH=$stage$VC_PLUGINDIR "$H5DUMP" -p -d tas writer.nc > dump.txt 2>&1 ||
        { tail -5 dump.txt >&2; fail "h5dump cannot decode the writer's output with the installed plugin"; }
    grep -q "FILTER_ID 330" dump.txt || fail "h5dump shows no vidcube filter on tas"
fi

# 4. Fortran, with the installed modules.
if [ "${VC_HAVE_FC:-no}" = yes ]; then
    cp "$VC_SRCDIR/tests/embed_fortran.f90" . || fail "copying the Fortran example"
    flags=$(pc --cflags --libs vidcubef) || fail "pkg-config vidcubef"
    # shellcheck disable=SC2086
    "$FC" embed_fortran.f90 $flags -o fortran || fail "$FC embed_fortran.f90 $flags"
    ./fortran "$tmp/fortran.nc" || fail "the Fortran example built against the install"
fi
echo "PASS: installed, linked and ran (shared, static, writer${FC:+, Fortran})"
