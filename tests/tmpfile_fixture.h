/* For tests that hand a loader a file: text written to a fresh temporary file. */
#ifndef ECO_TEST_TMPFILE_FIXTURE_H
#define ECO_TEST_TMPFILE_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write text to a fresh file $TMPDIR/eco_PREFIX_XXXXXX (else under P_tmpdir); path gets its
 * name. The caller unlinks it. */
static void write_tmp(char path[256], const char *prefix, const char *text)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, 256, "%s/eco_%s_XXXXXX", dir && *dir ? dir : P_tmpdir, prefix);
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

#endif
