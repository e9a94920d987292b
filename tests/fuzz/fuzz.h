/* fuzz.h: the entry points of a libFuzzer target. Each fuzz_*.c defines
 * them; built with --enable-fuzzing they link with libFuzzer, and in every
 * build they also link with replay_main.c, which feeds them the files of a
 * corpus, so `make check` replays every seed and every past finding through
 * the same code with the normal compiler. A target aborts when it sees the
 * library break one of its promises; sanitizers catch the rest. */
#ifndef VC_FUZZ_H
#define VC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message naming the broken promise. */
#define FUZZ_CHECK(cond) \
    do { if (!(cond)) fuzz_fail(__FILE__, __LINE__, #cond); } while (0)
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* Every section of a vidcube stream carries a CRC-32 and the END section
 * the stream's size and section count, so almost every mutation is refused
 * at the container. To reach the parsers behind it, the stream targets also
 * decode a repaired copy: each section's length clamped to what is there,
 * its CRC recomputed, the END section rewritten (or added). Returns a
 * malloc'd copy and its size in *out_n, or NULL when the input is not even
 * a preamble. */
uint8_t *fuzz_repair(const uint8_t *in, size_t n, size_t *out_n);

/* Decoded sizes above this are not allocated: the fuzzer looks for broken
 * parsing, not for the machine's memory limit. */
#define FUZZ_MAX_DECODED ((size_t)16 << 20)

#endif
