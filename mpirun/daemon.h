/*
 * mpirun's daemon mode: what runs on each other host of a job (see daemon.c).
 */
#ifndef MPIRUN_DAEMON_H
#define MPIRUN_DAEMON_H

/* The first argument that selects daemon mode; mpirun_daemon_main takes the whole argv. */
#define MPIRUN_DAEMON_FLAG "--libmp-daemon"

/* Runs the daemon: argv is mpirun --libmp-daemon NODE PORT ADDRS, the secret on stdin.
 * Returns the process's exit status (or does not return after a failure). */
int mpirun_daemon_main(int argc, char **argv);

#endif
