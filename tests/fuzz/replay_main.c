/* replay_main.c: the main() of a fuzz target outside libFuzzer. It runs the
 * target once on every file named on the command line (directories are
 * read one level deep), so `make check` replays the committed corpora and
 * regression inputs through the normally built library, and valgrind can
 * watch the same runs. Exit status 0 when every input ran; a broken
 * promise aborts, as under the fuzzer. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static long ran;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    /* an exact-size copy, so memory checkers see any read past the input */
    uint8_t *buf = malloc(len > 0 ? (size_t)len : 1);
    int bad = !buf || len < 0 || fread(buf, 1, (size_t)len, f) != (size_t)len;
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        return 1;
    }
    LLVMFuzzerTestOneInput(buf, (size_t)len);
    free(buf);
    ran++;
    return 0;
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return 1;
    }
    int bad = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        bad |= run_file(sub);
    }
    closedir(d);
    return bad;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int bad = 0;
    for (int i = 1; i < argc; i++)
        bad |= run_path(argv[i]);
    printf("%s: %ld inputs replayed\n", argv[0], ran);
    return bad || ran == 0;
}
