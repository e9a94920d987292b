/* cli_fidelity.c: the options that say how faithful the compression is.
 *
 * The CLI only translates options into vc_params: it never decides itself
 * which modes exist. Whether this libvidcube supports a mode is asked of the
 * library with a tiny trial compression, so --abs/--rel/--rate and
 * --transform start working here the day the library gains them. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char cli_fidelity_help[] =
    "Fidelity (exactly one):\n"
    "  --psnr DB        every band reaches DB dB PSNR (peak = max - min of its valid values)\n"
    "  --crf N          x264 constant rate factor N (0..51)\n"
    "  --lossless       bit-exact for every type\n"
    "  --abs E          every valid value within E (data units)\n"
    "  --rel R          every valid value within R * (max - min) of its band\n"
    "  --rate BPPPB     about BPPPB bits per value, all stored bytes counted\n"
    "  --transform T    band transform: none (default), klt, wae or auto\n"
    "A mode or transform the linked libvidcube lacks is refused (\"not supported\n"
    "yet\", exit status 2).\n";

void cli_fidelity_init(cli_fidelity *f)
{
    memset(f, 0, sizeof *f);
    vc_params_init(&f->params);
}

static int set_mode(cli_fidelity *f, vc_mode mode, const char *flag, const char *arg, cli_err *e)
{
    if (f->flag)
        return cli_fail(e, CLI_EXIT_USAGE, "%s and %s both given: choose one fidelity option",
                        f->flag, flag);
    double v = 0;
    if (arg && cli_parse_double(arg, &v) != 0)
        return cli_fail(e, CLI_EXIT_USAGE, "%s '%s': expected a number", flag, arg);
    double lo, hi;
    vc_target_bounds(mode, f->params.bit_depth, &lo, &hi);
    if (arg && (v < lo || v > hi || (mode != VC_MODE_PSNR && mode != VC_MODE_CRF && v <= 0)))
        return cli_fail(e, CLI_EXIT_USAGE, "%s %s is out of range (%s%g .. %g)", flag, arg,
                        mode == VC_MODE_PSNR || mode == VC_MODE_CRF ? "" : "above ",
                        lo, hi);
    f->flag = flag;
    f->params.mode = mode;
    f->params.target = v;
    return 1;
}

static int set_transform(cli_fidelity *f, const char *arg, cli_err *e)
{
    for (int t = VC_TRANSFORM_NONE; t <= VC_TRANSFORM_AUTO; t++)
        if (strcmp(arg, vc_transform_name((vc_transform)t)) == 0) {
            f->params.transform = (vc_transform)t;
            return 1;
        }
    return cli_fail(e, CLI_EXIT_USAGE, "--transform '%s': use none, klt, wae or auto", arg);
}

int cli_fidelity_option(cli_fidelity *f, int opt, const char *arg, cli_err *e)
{
    switch (opt) {
    case OPT_PSNR:      return set_mode(f, VC_MODE_PSNR, "--psnr", arg, e);
    case OPT_CRF:       return set_mode(f, VC_MODE_CRF, "--crf", arg, e);
    case OPT_LOSSLESS:  return set_mode(f, VC_MODE_LOSSLESS, "--lossless", NULL, e);
    case OPT_ABS:       return set_mode(f, VC_MODE_ABS, "--abs", arg, e);
    case OPT_REL:       return set_mode(f, VC_MODE_REL, "--rel", arg, e);
    case OPT_RATE:      return set_mode(f, VC_MODE_RATE, "--rate", arg, e);
    case OPT_TRANSFORM: return set_transform(f, arg, e);
    default:            return 0;
    }
}

/* Compress a small smooth array with the parameters: the library's own
 * answer on whether it supports them. */
static int probe_here(const vc_params *p, char *why, size_t n)
{
    enum { T = 2, Y = 16, X = 16 };
    float src[T * Y * X];
    for (int i = 0; i < T * Y * X; i++)
        src[i] = (float)(i % X) + 0.5f * (float)(i / X % Y) + 0.25f * (float)(i / (X * Y));
    vc_array a = { VC_FLOAT32, 3, { T, Y, X }, { 0 } };
    size_t cap = vc_compress_bound(&a), size;
    void *dst = malloc(cap);
    vc_ctx *ctx = vc_ctx_create(p);
    int rc = dst && ctx ? vc_compress(ctx, &a, src, dst, cap, &size) : VC_ERR_NOMEM;
    snprintf(why, n, "%s", ctx && *vc_ctx_error(ctx) ? vc_ctx_error(ctx) : vc_strerror(rc));
    vc_ctx_free(ctx);
    free(dst);
    return rc;
}

/* The probe runs in a child process: the library may start OpenMP threads,
 * and a process that has OpenMP threads must not fork (libgomp deadlocks
 * in the child), while compress forks its workers afterwards. */
static int probe(const vc_params *p, char *why, size_t n)
{
    int fds[2];
    if (pipe(fds) != 0)
        return probe_here(p, why, n);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        int rc = probe_here(p, why, n);
        char msg[300];
        int len = snprintf(msg, sizeof msg, "%d %s", rc, why);
        if (write(fds[1], msg, (size_t)(len < (int)sizeof msg ? len : (int)sizeof msg - 1)) < 0)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    char msg[300] = "";
    ssize_t got = pid > 0 ? read(fds[0], msg, sizeof msg - 1) : -1;
    close(fds[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    int rc = VC_ERR_GENERIC, off = 0;
    if (got > 0) {
        msg[got] = '\0';
        sscanf(msg, "%d %n", &rc, &off);
    }
    snprintf(why, n, "%s", got > 0 ? msg + off : "the trial compression crashed");
    return rc;
}

int cli_fidelity_check(const cli_fidelity *f, cli_err *e)
{
    if (!f->flag)
        return cli_fail(e, CLI_EXIT_USAGE,
                        "say how faithful to be: --psnr DB, --crf N, --lossless, --abs E, "
                        "--rel R or --rate BPPPB");
    char why[256];
    if (vc_params_check(&f->params, why, sizeof why) != VC_OK)
        return cli_fail(e, CLI_EXIT_USAGE, "%s: %s", f->flag, why);
    int rc = probe(&f->params, why, sizeof why);
    if (rc == VC_ERR_UNSUPPORTED || rc == VC_ERR_PARAM) {
        char desc[64];
        return cli_fail(e, CLI_EXIT_USAGE, "%s (%s) is not supported yet by libvidcube %s: %s",
                        f->flag, cli_fidelity_describe(&f->params, desc, sizeof desc),
                        vc_version_string(), why);
    }
    return 0;
}

const char *cli_fidelity_describe(const vc_params *p, char *buf, size_t n)
{
    static const char *tname[] = { "", ", klt", ", wae", ", auto transform" };
    const char *t = (unsigned)p->transform < 4 ? tname[p->transform] : ", ?";
    switch (p->mode) {
    case VC_MODE_PSNR:     snprintf(buf, n, "psnr %g dB%s", p->target, t); break;
    case VC_MODE_QP:       snprintf(buf, n, "qp %g%s", p->target, t); break;
    case VC_MODE_CRF:      snprintf(buf, n, "crf %g%s", p->target, t); break;
    case VC_MODE_LOSSLESS: snprintf(buf, n, "lossless%s", t); break;
    case VC_MODE_ABS:      snprintf(buf, n, "abs error %g%s", p->target, t); break;
    case VC_MODE_REL:      snprintf(buf, n, "rel error %g%s", p->target, t); break;
    case VC_MODE_RATE:     snprintf(buf, n, "rate %g bpppb%s", p->target, t); break;
    default:               snprintf(buf, n, "mode %d", (int)p->mode); break;
    }
    return buf;
}
