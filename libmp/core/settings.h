/*
 * The one table of environment settings that libmp and mpirun read: name, default and a line
 * of documentation each. mpirun --help-env prints it.
 */
#ifndef MP_CORE_SETTINGS_H
#define MP_CORE_SETTINGS_H

#include <stdio.h>

typedef struct mp_setting {
    const char *name;        /* the environment variable */
    const char *default_str; /* its default, as a user would write it */
    const char *doc;         /* one line: what it changes */
} mp_setting_t;

extern const mp_setting_t mp_settings[];
extern const int mp_nsettings;

/* Prints the table, one setting per line, for --help-env. */
void mp_settings_print(FILE *out);

#endif
