#!/bin/sh
# embed_fortran.sh: run the Fortran example (embed_fortran.f90). Skipped
# (77) only when configure found no Fortran compiler; CI installs gfortran.
: "${VC_BUILDDIR:?run through make check}"
if [ "${VC_HAVE_FC:-no}" != yes ]; then
    echo "SKIP: no Fortran compiler was found by configure (apt-get install gfortran)"
    exit 77
fi
[ -x ./embed_fortran ] || { echo "FAIL: ./embed_fortran was not built" >&2; exit 1; }
out=$(mktemp "${TMPDIR:-/tmp}/vc_embed_fortran.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
./embed_fortran "$out"
