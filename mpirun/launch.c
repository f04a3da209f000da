/*
 * fork/exec of ranks. mpirun is multi-threaded (PMIx runs a thread), so between fork and exec
 * the child only makes async-signal-safe calls; everything it needs is computed before fork.
 */
#include "mpirun/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_runnable(const char *path, char *err, size_t errlen, const char *name)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot run '%s': %s", name, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot run '%s': it is a directory", name);
        return -1;
    }
    if (access(path, X_OK) != 0) {
        snprintf(err, errlen, "cannot run '%s': %s (is it executable? try chmod +x)", name,
                 strerror(errno));
        return -1;
    }
    return 0;
}

/* Looks for name in the ':'-separated directories dirs (an empty entry is the current directory,
 * as in PATH): 0 with its path in path, or -1. */
static int search_dirs(const char *dirs, const char *name, char *path, size_t len)
{
    while (*dirs != '\0') {
        size_t n = strcspn(dirs, ":");
        snprintf(path, len, "%.*s/%s", (int)n, n > 0 ? dirs : ".", name);
        struct stat st;
        if (access(path, X_OK) == 0 && stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
            return 0;
        }
        dirs += n + (dirs[n] == ':');
    }
    return -1;
}

int mpirun_launch_resolve(const char *name, const char *dirs, char *path, size_t len, char *err,
                          size_t errlen)
{
    if (strchr(name, '/') != NULL) {
        snprintf(path, len, "%s", name);
        return check_runnable(path, err, errlen, name);
    }
    if (dirs != NULL && search_dirs(dirs, name, path, len) == 0) {
        return 0;
    }
    const char *env_path = getenv("PATH");
    if (search_dirs(env_path != NULL ? env_path : "/usr/local/bin:/usr/bin:/bin", name, path,
                    len) == 0) {
        return 0;
    }
    if (dirs != NULL) {
        snprintf(err, errlen, "cannot run '%s': found neither in %s (the path given) nor in PATH",
                 name, dirs);
    } else {
        snprintf(err, errlen, "cannot run '%s': not found in PATH (give a path such as ./%s)", name,
                 name);
    }
    return -1;
}

/* Makes a relative path absolute, from the current directory. Returns 0, or -1 when it does not
 * fit. */
static int make_absolute(char *path, size_t len)
{
    char cwd[4096], joined[8192];
    if (path[0] == '/') {
        return 0;
    }
    if (getcwd(cwd, sizeof(cwd)) == NULL ||
        (size_t)snprintf(joined, sizeof(joined), "%s/%s", cwd, path) >= len) {
        return -1;
    }
    memcpy(path, joined, strlen(joined) + 1); /* it fits: checked above */
    return 0;
}

char *mpirun_launch_find(const char *name, const char *dirs, int app, int napps, char *err,
                         size_t errlen)
{
    char path[4096], why[448]; /* leaves room in a message for "program N of M: " */
    if (mpirun_launch_resolve(name, dirs, path, sizeof(path), why, sizeof(why)) != 0) {
        if (napps == 1) {
            snprintf(err, errlen, "%s", why);
        } else {
            snprintf(err, errlen, "program %d of %d: %s", app + 1, napps, why);
        }
        return NULL;
    }
    if (make_absolute(path, sizeof(path)) != 0) {
        snprintf(err, errlen, "the path of '%.400s' is too long", path);
        return NULL;
    }
    char *copy = strdup(path);
    if (copy == NULL) {
        snprintf(err, errlen, "out of memory");
    }
    return copy;
}

static void close_pair(int fds[2])
{
    for (int i = 0; i < 2; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
            fds[i] = -1;
        }
    }
}

void mpirun_launch_child_setup(pid_t parent)
{
    setpgid(0, 0);
    /* Nothing mpirun starts outlives it, even when mpirun is killed with SIGKILL. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
        _exit(127);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
}

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void exec_child(const mpirun_launch_t *spec, pid_t parent, int in_fd, int out_fd, int err_fd,
                       int status_fd)
{
    int error;
    mpirun_launch_child_setup(parent);
    if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
        dup2(err_fd, STDERR_FILENO) < 0) {
        goto fail;
    }
    if (spec->cpus != NULL && sched_setaffinity(0, sizeof(*spec->cpus), spec->cpus) != 0) {
        goto fail;
    }
    if (spec->wdir != NULL && chdir(spec->wdir) != 0) {
        goto fail;
    }
    execve(spec->path, spec->argv, spec->envp);
fail:
    error = errno;
    ssize_t ignored = write(status_fd, &error, sizeof(error));
    (void)ignored;
    _exit(127);
}

int mpirun_launch(const mpirun_launch_t *spec, mpirun_child_t *child, char *err, size_t errlen)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1}, status[2] = {-1, -1};
    int result = -1;
    if (spec->with_stdin) {
        if (pipe2(in, O_CLOEXEC) != 0) {
            goto sys_error;
        }
    } else {
        in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (in[0] < 0) {
            goto sys_error;
        }
    }
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0 ||
        pipe2(status, O_CLOEXEC) != 0) {
        goto sys_error;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        goto sys_error;
    }
    if (pid == 0) {
        exec_child(spec, parent, in[0], out[1], errp[1], status[1]);
    }
    /* Also set it here, so a kill of the group cannot miss a child not yet scheduled. */
    setpgid(pid, pid);
    child->pid = pid;
    child->exec_fd = status[0];
    child->out_fd = out[0];
    child->err_fd = errp[0];
    child->in_fd = spec->with_stdin ? in[1] : -1;
    fcntl(child->out_fd, F_SETFL, O_NONBLOCK);
    fcntl(child->err_fd, F_SETFL, O_NONBLOCK);
    if (child->in_fd >= 0) {
        fcntl(child->in_fd, F_SETFL, O_NONBLOCK);
    }
    out[0] = errp[0] = status[0] = -1;
    if (spec->with_stdin) {
        in[1] = -1;
    }
    result = 0;
    goto close_all;
sys_error:
    snprintf(err, errlen, "cannot start '%s': %s", spec->path, strerror(errno));
close_all:
    close_pair(in);
    close_pair(out);
    close_pair(errp);
    close_pair(status);
    return result;
}

int mpirun_launch_confirm(mpirun_child_t *child, const char *path, char *err, size_t errlen)
{
    int child_errno = 0;
    ssize_t n;
    do {
        n = read(child->exec_fd, &child_errno, sizeof(child_errno));
    } while (n < 0 && errno == EINTR);
    close(child->exec_fd);
    child->exec_fd = -1;
    if (n == (ssize_t)sizeof(child_errno)) {
        snprintf(err, errlen, "cannot start '%s': %s", path, strerror(child_errno));
        return -1;
    }
    return 0;
}
