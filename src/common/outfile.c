/* Output files: a path checked before the work that fills it, and a file written under a
 * temporary name in its own folder and renamed over the path once complete, so that a run
 * that fails leaves nothing half-written (issue 14). rename(2) within one folder is atomic. */
#include "ecodrive/common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folder of path into dir ("." for a bare name). */
static void folder_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, n, ".");
    else if (slash == path)
        snprintf(dir, n, "/");
    else
        snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

/* A folder that exists and may be written into: ECO_OK or the error, message by caller. */
static int writable_folder(const char *dir, const char **why)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        *why = strerror(errno);
        return errno == ENOENT ? ECO_ENOENT : ECO_EIO;
    }
    if (!S_ISDIR(st.st_mode)) {
        *why = "not a folder";
        return ECO_EIO;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        *why = strerror(errno);
        return ECO_EIO;
    }
    return ECO_OK;
}

/* An output named at all: ECO_OK, or ECO_EINVAL naming what is empty ("path", "folder"). */
static int named(const char *name, const char *what)
{
    if (name && *name)
        return ECO_OK;
    eco_set_error("an output %s is empty", what);
    return ECO_EINVAL;
}

/* An output file that exists: ECO_EIO with the message when it cannot be written, 1 when it
 * is written in place (a device or a pipe: its folder needs no room for a temporary), 0 when
 * its folder decides. */
static int existing_file(const char *path, const struct stat *st)
{
    if (S_ISDIR(st->st_mode)) {
        eco_set_error("%s: cannot write: is a folder", path);
        return ECO_EIO;
    }
    if (access(path, W_OK) != 0) {
        eco_set_error("%s: cannot write: %s", path, strerror(errno));
        return ECO_EIO;
    }
    return !S_ISREG(st->st_mode);
}

int eco_out_check(const char *path)
{
    char dir[4096];
    const char *why;
    struct stat st;
    int rc = named(path, "path");
    if (rc == ECO_OK && stat(path, &st) == 0)
        rc = existing_file(path, &st);
    if (rc)
        return rc < 0 ? rc : ECO_OK;
    folder_of(path, dir, sizeof dir);
    if ((rc = writable_folder(dir, &why)))
        eco_set_error("%s: cannot write: folder %s: %s", path, dir, why);
    return rc;
}

/* A folder that exists, or can be made: its parent must be a writable folder. */
int eco_out_check_dir(const char *dir)
{
    char parent[4096];
    const char *why;
    struct stat st;
    int rc = named(dir, "folder");
    if (rc)
        return rc;
    if (stat(dir, &st) == 0) {
        if ((rc = writable_folder(dir, &why)))
            eco_set_error("%s: cannot write into: %s", dir, why);
        return rc;
    }
    folder_of(dir, parent, sizeof parent);
    if ((rc = writable_folder(parent, &why)))
        eco_set_error("%s: cannot write into: cannot make it in %s: %s", dir, parent, why);
    return rc;
}

FILE *eco_out_begin(const char *path, char *tmp, size_t n)
{
    struct stat st;
    tmp[0] = '\0';
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        FILE *fp = fopen(path, "w"); /* a device or a pipe: renaming over it would replace it */
        if (!fp)
            eco_set_error("%s: cannot write: %s", path, strerror(errno));
        return fp;
    }
    int w = snprintf(tmp, n, "%s.part", path);
    if (w < 0 || (size_t)w >= n) {
        tmp[0] = '\0';
        eco_set_error("%s: cannot write: path too long", path);
        return NULL;
    }
    FILE *fp = fopen(tmp, "w");
    if (!fp) {
        eco_set_error("%s: cannot write: %s", path, strerror(errno));
        tmp[0] = '\0';
    }
    return fp;
}

int eco_out_end(FILE *fp, const char *tmp, const char *path)
{
    int bad = ferror(fp);
    int e = bad ? EIO : 0;
    if (fclose(fp) && !e)
        e = errno ? errno : EIO;
    if (!e && tmp[0] && rename(tmp, path))
        e = errno;
    if (e) {
        if (tmp[0])
            remove(tmp);
        eco_set_error("%s: write failed: %s", path, strerror(e));
        return ECO_EIO;
    }
    return ECO_OK;
}

void eco_out_discard(FILE *fp, const char *tmp)
{
    if (fp)
        fclose(fp);
    if (tmp && tmp[0])
        remove(tmp);
}
