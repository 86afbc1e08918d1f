#include "fuzz_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void eco_fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: property does not hold: %s\n", file, line, what);
    abort();
}

char *eco_fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static int write_all(int fd, const uint8_t *data, size_t size)
{
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(fd, data + done, size - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        done += (size_t)w;
    }
    return 0;
}

const char *eco_fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("eco_fuzz_input", MFD_CLOEXEC);
        if (fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) || write_all(fd, data, size)) {
        perror("fuzz input file");
        abort();
    }
    return path;
}

static char dir_path[4096];
static char dir_names[8][256]; /* the names written into it, removed at exit */
static int n_dir_names;

static void remove_dir(void)
{
    char path[4400];
    for (int i = 0; i < n_dir_names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir_path, dir_names[i]);
        unlink(path);
    }
    rmdir(dir_path);
}

static void note_name(const char *name)
{
    for (int i = 0; i < n_dir_names; i++)
        if (!strcmp(dir_names[i], name))
            return;
    if (n_dir_names == 8 || strlen(name) >= sizeof dir_names[0] || strchr(name, '/'))
        abort(); /* a harness's own constant names: a bug in the harness */
    snprintf(dir_names[n_dir_names++], sizeof dir_names[0], "%s", name);
}

const char *eco_fuzz_dir_write(const char *name, const uint8_t *data, size_t size)
{
    if (!dir_path[0]) {
        /* The scripts set TMPDIR to their work folder, which they remove after a crash too. */
        const char *base = getenv("TMPDIR");
        if (!base || !*base)
            base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(dir_path, sizeof dir_path, "%s/eco_fuzz.XXXXXX", base);
        if (!mkdtemp(dir_path)) {
            perror("mkdtemp");
            abort();
        }
        atexit(remove_dir);
    }
    note_name(name);
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir_path, name);
    FILE *fp = fopen(path, "wb");
    if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp)) {
        perror(path);
        abort();
    }
    return dir_path;
}

size_t eco_fuzz_split(const uint8_t *data, size_t size, const char *sep, const uint8_t **rest,
                      size_t *rest_size)
{
    size_t n = strlen(sep);
    for (size_t i = 0; n && i + n <= size; i++)
        if (memcmp(data + i, sep, n) == 0) {
            *rest = data + i + n;
            *rest_size = size - i - n;
            return i;
        }
    *rest = NULL;
    *rest_size = 0;
    return size;
}

void eco_fuzz_source_path(const char *rel, char *out, size_t n)
{
    int w = snprintf(out, n, "%s/%s", ECO_SOURCE_DIR, rel);
    if (w < 0 || (size_t)w >= n)
        abort();
}
