/* What the libFuzzer harnesses of tests/fuzz share: the fuzz input as a C string, as a file
 * (a memfd, for the loaders that only read paths), split into the parts of a multi-file
 * input, and the shipped data they run against. Not part of the library. */
#ifndef ECO_FUZZ_UTIL_H
#define ECO_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The input as a NUL-terminated copy (malloc'd; the caller frees it). An input with a NUL
 * byte is cut there, as a C string reader would see it. */
char *eco_fuzz_text(const uint8_t *data, size_t size);

/* The input as the whole content of an anonymous in-memory file (one per process, rewritten
 * on each call); returns its path "/proc/self/fd/N", valid until the next call. Aborts if
 * the file cannot be made (the harness cannot run at all then). */
const char *eco_fuzz_file(const uint8_t *data, size_t size);

/* Write data as the file NAME in a private folder on the temporary file system (made once,
 * removed at exit); returns the folder. For loaders that read a folder and a file stem. */
const char *eco_fuzz_dir_write(const char *name, const uint8_t *data, size_t size);

/* The part of [data, data + size) before the first occurrence of sep, and after it in
 * *rest / *rest_size (rest NULL, size 0 when sep does not occur). */
size_t eco_fuzz_split(const uint8_t *data, size_t size, const char *sep, const uint8_t **rest,
                      size_t *rest_size);

/* A file of the source tree (ECO_SOURCE_DIR/rel) into out; aborts when it does not fit. */
void eco_fuzz_source_path(const char *rel, char *out, size_t n);

/* Abort with a message: a property of a parser does not hold (libFuzzer saves the input). */
#define ECO_FUZZ_ASSERT(cond)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            eco_fuzz_fail(__FILE__, __LINE__, #cond);                                              \
    } while (0)
void eco_fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

#endif
