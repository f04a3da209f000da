/*
 * Every environment variable libmp and its tools honour, in one place. Add a row here when a
 * new setting appears, so that mpirun --help-env stays complete.
 */
#include "core/settings.h"

const mp_setting_t mp_settings[] = {
    {"MPIEXEC_TIMEOUT", "none",
     "mpirun: end the job after this many seconds (as --timeout; the option wins)"},
    {"MPICC_CC", "the C compiler libmp was built with", "mpicc: the C compiler to run"},
    {"TMPDIR", "/tmp", "mpirun: where its private, self-removing PMIx directory goes"},
};
const int mp_nsettings = (int)(sizeof(mp_settings) / sizeof(mp_settings[0]));

void mp_settings_print(FILE *out)
{
    fprintf(out, "Environment settings (name, default, meaning):\n");
    for (int i = 0; i < mp_nsettings; i++) {
        fprintf(out, "  %-18s default %s\n  %18s %s\n", mp_settings[i].name,
                mp_settings[i].default_str, "", mp_settings[i].doc);
    }
}
