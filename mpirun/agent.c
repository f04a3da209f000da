/*
 * Building the launch agent's command line. Kept apart from the fork/exec so that the rules
 * (splitting, what is refused and why) are unit-tested.
 */
#define _GNU_SOURCE
#include "mpirun/agent.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_plain_word(const char *w)
{
    if (w[0] == '\0') {
        return false;
    }
    return strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._,:+=@-") ==
           strlen(w);
}

void mpirun_agent_argv_free(char **argv)
{
    for (size_t i = 0; argv != NULL && argv[i] != NULL; i++) {
        free(argv[i]);
    }
    free(argv);
}

char **mpirun_agent_argv(const char *agent, const char *host, char *const *daemon_argv, char *err,
                         size_t errlen)
{
    if (strpbrk(agent, "'\"\\") != NULL) {
        snprintf(err, errlen,
                 "--launch-agent \"%s\": quotes and backslashes are not supported; put the "
                 "command in a script and give its path",
                 agent);
        return NULL;
    }
    for (size_t i = 0; daemon_argv[i] != NULL; i++) {
        if (!is_plain_word(daemon_argv[i])) {
            snprintf(err, errlen,
                     "cannot pass \"%s\" to the launch agent (only letters, digits and "
                     "/._,:+=@- survive a remote shell); install mpirun in a plain path",
                     daemon_argv[i]);
            return NULL;
        }
    }
    size_t ndaemon = 0;
    while (daemon_argv[ndaemon] != NULL) {
        ndaemon++;
    }
    size_t cap = strlen(agent) / 2 + 2 + ndaemon + 1;
    char **argv = calloc(cap, sizeof(char *));
    if (argv == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    size_t n = 0;
    const char *p = agent;
    while (*p != '\0') {
        p += strspn(p, " \t");
        size_t len = strcspn(p, " \t");
        if (len > 0 && (argv[n++] = strndup(p, len)) == NULL) {
            goto oom;
        }
        p += len;
    }
    if (n == 0) {
        snprintf(err, errlen,
                 "--launch-agent is empty: give the command that runs a command on another "
                 "host, e.g. --launch-agent ssh");
        mpirun_agent_argv_free(argv);
        return NULL;
    }
    if ((argv[n++] = strdup(host)) == NULL) {
        goto oom;
    }
    for (size_t i = 0; i < ndaemon; i++) {
        if ((argv[n++] = strdup(daemon_argv[i])) == NULL) {
            goto oom;
        }
    }
    argv[n] = NULL;
    return argv;
oom:
    mpirun_agent_argv_free(argv);
    snprintf(err, errlen, "out of memory");
    return NULL;
}
