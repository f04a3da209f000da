/*
 * The one table of environment settings that libmp and mpirun read: name, default and a line
 * of documentation each. mpirun --help-env prints it.
 */
#ifndef MP_CORE_SETTINGS_H
#define MP_CORE_SETTINGS_H

#include <stddef.h>
#include <stdio.h>

typedef struct mp_setting {
    const char *name;        /* the environment variable */
    const char *default_str; /* its default, as a user would write it */
    const char *doc;         /* one line: what it changes */
} mp_setting_t;

extern const mp_setting_t mp_settings[];
extern const int mp_nsettings;

/* The value of a size setting (bytes; a K, M or G suffix multiplies), or dflt when the variable
 * is unset or not a valid size (which is logged). */
size_t mp_setting_size(const char *name, size_t dflt);

/* Prints the table, one setting per line, for --help-env. */
void mp_settings_print(FILE *out);

#endif
