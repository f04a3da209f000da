/*
 * Program files (-configfile, --app): text split into the words mpirun's command line would
 * have, so that one parser serves both and a file means what the same words typed would.
 */
#include "appfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* The word being built, and the list it goes into. */
typedef struct splitter {
    mpirun_appfile_t *af;
    int cap;
    char *word;
    size_t len, word_cap;
    bool in_word; /* a word started (it may be empty: '' is a word) */
    int word_line;
} splitter_t;

static void start_word(splitter_t *s, int line)
{
    if (!s->in_word) {
        s->in_word = true;
        s->word_line = line;
        s->len = 0;
    }
}

static int put_char(splitter_t *s, char c, int line)
{
    start_word(s, line);
    if (s->len + 1 >= s->word_cap) {
        size_t cap = s->word_cap == 0 ? 64 : 2 * s->word_cap;
        char *grown = realloc(s->word, cap);
        if (grown == NULL) {
            return -1;
        }
        s->word = grown;
        s->word_cap = cap;
    }
    s->word[s->len++] = c;
    return 0;
}

static int add_word(splitter_t *s, const char *text, size_t len, int line)
{
    mpirun_appfile_t *af = s->af;
    if (af->nwords + 2 > s->cap) {
        int cap = s->cap == 0 ? 16 : 2 * s->cap;
        char **words = realloc(af->words, (size_t)cap * sizeof(*words));
        if (words == NULL) {
            return -1;
        }
        af->words = words;
        int *lines = realloc(af->lines, (size_t)cap * sizeof(*lines));
        if (lines == NULL) {
            return -1;
        }
        af->lines = lines;
        s->cap = cap;
    }
    char *copy = strndup(text, len);
    if (copy == NULL) {
        return -1;
    }
    af->words[af->nwords] = copy;
    af->lines[af->nwords++] = line;
    af->words[af->nwords] = NULL;
    return 0;
}

static int end_word(splitter_t *s)
{
    if (!s->in_word) {
        return 0;
    }
    s->in_word = false;
    return add_word(s, s->word != NULL ? s->word : "", s->len, s->word_line);
}

/* The end of a line: the program on it (if any) ends. */
static int end_program(splitter_t *s, int line)
{
    if (end_word(s) != 0) {
        return -1;
    }
    mpirun_appfile_t *af = s->af;
    if (af->nwords == 0 || strcmp(af->words[af->nwords - 1], ":") == 0) {
        return 0;
    }
    return add_word(s, ":", 1, line);
}

/* The quoted text at *p (just after its opening quote q) into the word; *p ends after the
 * closing quote. */
static int take_quoted(splitter_t *s, const char **p, char q, int *line, char *err, size_t errlen)
{
    int start_line = *line;
    const char *c = *p;
    for (; *c != '\0' && *c != q; c++) {
        if (q == '"' && c[0] == '\\' && c[1] != '\0' && strchr("\\\"$`\n", c[1]) != NULL) {
            c++;
            if (*c == '\n') {
                (*line)++;
                continue; /* a continued line */
            }
        } else if (*c == '\n') {
            (*line)++;
        }
        if (put_char(s, *c, start_line) != 0) {
            set_error(err, errlen, "out of memory");
            return -1;
        }
    }
    if (*c == '\0') {
        set_error(err, errlen, "line %d: the quote %c opened there is never closed", start_line, q);
        return -1;
    }
    *p = c + 1;
    return 0;
}

int mpirun_appfile_split(const char *text, mpirun_appfile_t *af, char *err, size_t errlen)
{
    memset(af, 0, sizeof(*af));
    splitter_t s = {.af = af};
    int line = 1;
    int rc = 0;
    for (const char *p = text; *p != '\0' && rc == 0;) {
        char c = *p++;
        if (c == '\n') {
            rc = end_program(&s, line);
            line++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            rc = end_word(&s);
        } else if (c == '#' && !s.in_word) {
            while (*p != '\0' && *p != '\n') {
                p++;
            }
        } else if (c == '\\' && *p == '\n') {
            p++; /* the line goes on */
            line++;
        } else if (c == '\\' && *p != '\0') {
            rc = put_char(&s, *p++, line);
        } else if (c == '\'' || c == '"') {
            start_word(&s, line); /* an empty pair still makes a word */
            if (take_quoted(&s, &p, c, &line, err, errlen) != 0) {
                mpirun_appfile_fini(af);
                free(s.word);
                return -1;
            }
        } else {
            rc = put_char(&s, c, line);
        }
    }
    if (rc == 0) {
        rc = end_program(&s, line);
    }
    free(s.word);
    if (rc != 0) {
        set_error(err, errlen, "out of memory");
        mpirun_appfile_fini(af);
        return -1;
    }
    if (af->nwords > 0) {
        free(af->words[--af->nwords]); /* the ':' after the last program */
        af->words[af->nwords] = NULL;
    }
    return 0;
}

int mpirun_appfile_read(const char *path, mpirun_appfile_t *af, char *err, size_t errlen)
{
    memset(af, 0, sizeof(*af));
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        set_error(err, errlen, "cannot open the program file %s: %s", path, strerror(errno));
        return -1;
    }
    char *text = malloc(MPIRUN_APPFILE_MAX + 1);
    size_t len = text != NULL ? fread(text, 1, MPIRUN_APPFILE_MAX + 1, f) : 0;
    bool failed = text == NULL || ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        set_error(err, errlen, "cannot read the program file %s: %s", path,
                  text == NULL ? "out of memory" : strerror(saved));
        free(text);
        return -1;
    }
    if (len > MPIRUN_APPFILE_MAX || memchr(text, '\0', len) != NULL) {
        set_error(err, errlen,
                  "the program file %s is not a text of programs (%s): give a file with one "
                  "program per line, e.g. \"-n 1 ./master\" then \"-n 4 ./worker\"",
                  path, len > MPIRUN_APPFILE_MAX ? "over 1 MiB" : "it holds NUL bytes");
        free(text);
        return -1;
    }
    text[len] = '\0';
    char why[256];
    int rc = mpirun_appfile_split(text, af, why, sizeof(why));
    free(text);
    if (rc != 0) {
        set_error(err, errlen, "program file %s, %s", path, why);
    }
    return rc;
}

void mpirun_appfile_fini(mpirun_appfile_t *af)
{
    for (int i = 0; i < af->nwords; i++) {
        free(af->words[i]);
    }
    free(af->words);
    free(af->lines);
    memset(af, 0, sizeof(*af));
}
