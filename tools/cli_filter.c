/* cli_filter.c: the vidcube filter inside this process.
 *
 * Built with the filter's convenience library, the CLI registers the filter
 * itself, so `vidcube compress` works without HDF5_PLUGIN_PATH (readers of
 * its output still need the plugin). Without it, HDF5 must find the plugin. */
#include "cli.h"

#ifdef HAVE_H5ZVC
#include "h5z_vidcube.h"
#endif

const char *cli_plugin_hint(void)
{
    return "the vidcube HDF5 plugin (filter id 330, libh5z_vidcube.so) was not found: "
           "install it (make install) or set HDF5_PLUGIN_PATH to its directory";
}

int cli_filter_ensure(cli_err *e)
{
    cli_h5_quiet();
#ifdef HAVE_H5ZVC
    if (vc_h5z_register() < 0)
        return cli_fail(e, CLI_EXIT_FAILURE, "cannot register the vidcube HDF5 filter");
    return 0;
#else
    if (cli_h5_filter_available())
        return 0;
    return cli_fail(e, CLI_EXIT_FAILURE, "%s", cli_plugin_hint());
#endif
}
