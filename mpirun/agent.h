/*
 * The launch agent: the command that starts mpirun's daemon on another host ("ssh" by
 * default, any command given with --launch-agent), run as AGENT-WORDS HOST DAEMON-WORDS.
 * Pure: builds the command line only.
 */
#ifndef MPIRUN_AGENT_H
#define MPIRUN_AGENT_H

#include <stddef.h>

/* What mpirun runs when --launch-agent is not given. BatchMode: a password prompt would hang. */
#define MPIRUN_AGENT_DEFAULT "ssh -o BatchMode=yes"

/*
 * The argv to exec: the words of agent (split at blanks and tabs), then host, then the words
 * of daemon_argv (NULL-terminated). Since ssh hands the words to a shell on the other side,
 * each daemon word must be plain (letters, digits and "/._,:+=@-"); quotes in the agent are
 * refused too (use a wrapper script). Returns a NULL-terminated array (free with
 * mpirun_agent_argv_free), or NULL with a message in err naming what was wrong.
 */
char **mpirun_agent_argv(const char *agent, const char *host, char *const *daemon_argv, char *err,
                         size_t errlen);
void mpirun_agent_argv_free(char **argv);

#endif
