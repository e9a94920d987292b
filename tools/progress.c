/* progress.c: a one-line progress bar on stderr, drawn only when stderr is
 * a terminal (logs and pipes get no control characters), at most ten times
 * a second. */
#include "cli.h"

#include <string.h>
#include <time.h>

#define BAR_WIDTH 30

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void progress_init(progress *p, int enabled)
{
    memset(p, 0, sizeof *p);
    p->enabled = enabled;
}

void progress_draw(progress *p, double fraction, size_t done, size_t total, const char *label)
{
    if (!p->enabled)
        return;
    double t = now();
    if (p->drawn && t - p->last_draw < 0.1 && fraction < 1.0)
        return;
    p->last_draw = t;
    if (fraction < 0) fraction = 0;
    if (fraction > 1) fraction = 1;
    int fill = (int)(fraction * BAR_WIDTH + 0.5);
    char bar[BAR_WIDTH + 1];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(BAR_WIDTH - fill));
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %3.0f%%  %zu/%zu files  %-30.30s", bar, 100 * fraction, done,
            total, label ? label : "");
    fflush(stderr);
    p->drawn = 1;
}

void progress_clear(progress *p)
{
    if (!p->enabled || !p->drawn)
        return;
    fprintf(stderr, "\r%*s\r", BAR_WIDTH + 60, "");
    fflush(stderr);
    p->drawn = 0;
}
