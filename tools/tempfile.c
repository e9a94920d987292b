/* tempfile.c: outputs are written to a temporary file next to their final
 * name and moved there only when complete, so an interrupted run never
 * leaves a partial file under the final name.
 *
 * Global mutable state, kept to what a signal handler needs and nothing
 * else: the path of the temporary file this process is writing (a process
 * writes at most one at a time) and the worker processes to stop. Both are
 * written only outside the handler, with the flag set after the data and
 * cleared before it, so the handler never sees a half-written path. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CHILDREN 64

static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_active;
static volatile sig_atomic_t children[MAX_CHILDREN];

static const char TMP_TAG[] = ".vidcube-tmp.";

/* Remove the temporary file, stop the workers (they remove their own),
 * then die of the same signal so the caller sees how we ended. Only
 * async-signal-safe calls here. */
static void on_signal(int sig)
{
    if (tmp_active)
        unlink(tmp_path);
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] > 0)
            kill((pid_t)children[i], SIGTERM);
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A file-size limit (ulimit -f) or a closed pipe must fail a write with
     * an error we can report and clean up after, not kill us silently. */
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
}

void cli_child_add(int pid)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] == 0) {
            children[i] = pid;
            return;
        }
}

void cli_child_remove(int pid)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] == pid)
            children[i] = 0;
}

void cli_signals_in_child(void)
{
    /* The worker's copy of the table names its siblings: never stop them. */
    for (int i = 0; i < MAX_CHILDREN; i++)
        children[i] = 0;
}

int cli_tmp_begin(const char *final, char *tmp, size_t n, cli_err *e)
{
    char dir[PATH_MAX];
    cli_dirname(final, dir, sizeof dir);
    int len = snprintf(tmp, n, "%s/.%s%s%ld", dir, cli_basename(final), TMP_TAG,
                       (long)getpid());
    if (len < 0 || (size_t)len >= n || (size_t)len >= sizeof tmp_path)
        return cli_fail(e, CLI_EXIT_FAILURE, "%s: output path too long", final);
    tmp_active = 0;
    memcpy(tmp_path, tmp, (size_t)len + 1);
    tmp_active = 1;
    /* Left by an earlier process that had our pid and was killed. */
    unlink(tmp);
    return 0;
}

void cli_tmp_abort(void)
{
    if (tmp_active)
        unlink(tmp_path);
    tmp_active = 0;
}

static void sync_path(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int cli_tmp_commit(const char *final, int force, cli_err *e)
{
    if (!tmp_active)
        return cli_fail(e, CLI_EXIT_FAILURE, "%s: no temporary file to commit", final);
    sync_path(tmp_path, O_RDONLY);
    if (force) {
        if (rename(tmp_path, final) != 0)
            return cli_fail(e, CLI_EXIT_FAILURE, "cannot move %s to %s: %s", tmp_path, final,
                            strerror(errno));
    } else if (link(tmp_path, final) == 0) {
        /* link() refuses to replace a file that appeared meanwhile. */
        unlink(tmp_path);
    } else if (errno == EEXIST) {
        return cli_fail(e, CLI_EXIT_USAGE, "%s already exists: use --force to replace it",
                        final);
    } else if (access(final, F_OK) == 0) {
        return cli_fail(e, CLI_EXIT_USAGE, "%s already exists: use --force to replace it",
                        final);
    } else if (rename(tmp_path, final) != 0) {  /* a file system without hard links */
        return cli_fail(e, CLI_EXIT_FAILURE, "cannot move %s to %s: %s", tmp_path, final,
                        strerror(errno));
    }
    tmp_active = 0;
    char dir[PATH_MAX];
    cli_dirname(final, dir, sizeof dir);
    sync_path(dir, O_RDONLY | O_DIRECTORY);
    return 0;
}

/* A killed process may stay a zombie until someone reaps it: dead too. */
static int process_alive(long pid)
{
    if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
        return 0;
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');    /* "pid (comm) S ..." */
    return !(paren && paren[1] == ' ' && paren[2] == 'Z');
}

void cli_tmp_clean_stale(const char *final)
{
    char dir[PATH_MAX], prefix[NAME_MAX + 32];
    cli_dirname(final, dir, sizeof dir);
    snprintf(prefix, sizeof prefix, ".%s%s", cli_basename(final), TMP_TAG);
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t plen = strlen(prefix);
    for (struct dirent *ent; (ent = readdir(d)) != NULL;) {
        if (strncmp(ent->d_name, prefix, plen) != 0)
            continue;
        char *end;
        long pid = strtol(ent->d_name + plen, &end, 10);
        if (*end != '\0' || pid <= 0 || pid == (long)getpid())
            continue;
        if (!process_alive(pid)) {
            char path[PATH_MAX + NAME_MAX + 2];
            snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
            unlink(path);
        }
    }
    closedir(d);
}
