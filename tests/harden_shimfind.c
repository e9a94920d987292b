/* harden_shimfind.c: find the preloaded libvcshim (see harden_shim.h). */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "harden_shim.h"

int vcshim_find(vcshim *s)
{
    /* dlsym hands back object pointers; the shim's are functions */
    void *arm = dlsym(RTLD_DEFAULT, "vcshim_arm"), *disarm = dlsym(RTLD_DEFAULT, "vcshim_disarm");
    if (!arm || !disarm)
        return 0;
    *(void **)&s->arm = arm;
    *(void **)&s->disarm = disarm;
    return 1;
}
