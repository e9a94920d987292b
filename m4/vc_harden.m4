# vc_harden.m4: the hardening builds (issue 8), kept out of configure.ac
# so the options stay in one place.
#
#   --enable-sanitizers  compile and link everything with AddressSanitizer
#                        and UndefinedBehaviorSanitizer (any undefined
#                        behaviour aborts), for `make check`
#   --enable-fuzzing     the libFuzzer targets of tests/fuzz (`make fuzz`);
#                        needs clang, and implies the sanitizers, with
#                        libFuzzer's coverage instrumentation everywhere
#
# Both change CFLAGS and LDFLAGS after the dependency checks, so those run
# as in a normal build. The default build is not touched.
AC_DEFUN([VC_HARDEN_OPTIONS], [
AC_ARG_ENABLE([sanitizers],
  [AS_HELP_STRING([--enable-sanitizers],
    [build with AddressSanitizer and UndefinedBehaviorSanitizer (default: no)])],
  [], [enable_sanitizers=no])
AC_ARG_ENABLE([fuzzing],
  [AS_HELP_STRING([--enable-fuzzing],
    [build the libFuzzer targets of tests/fuzz; needs CC=clang (default: no)])],
  [], [enable_fuzzing=no])
vc_sanitize=
AS_IF([test "x$enable_fuzzing" = xyes], [
  AS_CASE([`$CC --version 2>&1`], [*clang*], [],
    [AC_MSG_ERROR([--enable-fuzzing needs clang's libFuzzer: ./configure CC=clang --enable-fuzzing (apt-get install clang libclang-rt-14-dev)])])
  vc_sanitize="-fsanitize=fuzzer-no-link,address,undefined,float-cast-overflow"
  enable_sanitizers=yes
], [test "x$enable_sanitizers" = xyes], [
  vc_sanitize="-fsanitize=address,undefined,float-cast-overflow"
])
AS_IF([test -n "$vc_sanitize"], [
  VC_SANITIZE_CFLAGS="$vc_sanitize -fno-sanitize-recover=undefined,float-cast-overflow -fno-omit-frame-pointer"
  CFLAGS="$CFLAGS $VC_SANITIZE_CFLAGS"
  LDFLAGS="$LDFLAGS $vc_sanitize"
  AC_MSG_CHECKING([whether $CC links with $vc_sanitize])
  AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])], [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([$CC cannot link with $vc_sanitize (for clang: apt-get install libclang-rt-14-dev)])])
])
AS_IF([test "x$enable_fuzzing" = xyes], [
  vc_save_LDFLAGS=$LDFLAGS
  LDFLAGS="$LDFLAGS -fsanitize=fuzzer"
  AC_MSG_CHECKING([whether $CC links libFuzzer targets])
  AC_LINK_IFELSE([AC_LANG_SOURCE([[
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([libFuzzer is missing: apt-get install libclang-rt-14-dev])])
  LDFLAGS=$vc_save_LDFLAGS
])
# The tests need to know: tools that are not built here (h5repack, python)
# must preload the sanitizer runtime to load the instrumented plugin.
AC_SUBST([VC_SANITIZERS], [$enable_sanitizers])
AM_CONDITIONAL([VC_SANITIZERS], [test "x$enable_sanitizers" = xyes])
AM_CONDITIONAL([VC_FUZZING], [test "x$enable_fuzzing" = xyes])
])
