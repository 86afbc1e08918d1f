/* common: the CSV line reader (lines, fields, numbers, messages) that the engine-map, EPA
 * and drive-cycle loaders share. */
#include "ecodrive/common.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write text (len bytes, NULs allowed) to a fresh temporary file; path receives its name. */
static void write_temp(const char *text, size_t len, char *path, size_t n)
{
    snprintf(path, n, "%s/eco_csv_XXXXXX", P_tmpdir);
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
}

Test(csv, lines_lose_their_line_ends_and_keep_their_numbers)
{
    char text[] = "a,b\r\n\n# note\n  \nc\nlast";
    eco_csv f;
    eco_csv_init_text(&f, "t.csv", text, 0);
    const char *want[] = {"a,b", "", "# note", "  ", "c", "last"};
    for (int i = 0; i < 6; i++) {
        const char *s = eco_csv_next(&f);
        cr_assert_not_null(s, "line %d", i + 1);
        cr_expect_str_eq(s, want[i]);
        cr_expect_eq(f.line, i + 1);
    }
    cr_expect_null(eco_csv_next(&f));
    cr_expect_eq(f.line, 6, "the end leaves the last line's number");
}

Test(csv, flags_skip_blank_and_comment_lines_but_count_them)
{
    char text[] = "# head\n\n \t\r\nx\n#y\nz\n";
    eco_csv f;
    eco_csv_init_text(&f, "t.csv", text, ECO_CSV_SKIP_BLANK | ECO_CSV_SKIP_COMMENTS);
    cr_assert_str_eq(eco_csv_next(&f), "x");
    cr_expect_eq(f.line, 4);
    cr_assert_str_eq(eco_csv_next(&f), "z");
    cr_expect_eq(f.line, 6);
    cr_expect_null(eco_csv_next(&f), "no line after the final newline");

    char text2[] = "  # not at column 1\n";
    eco_csv_init_text(&f, "t.csv", text2, ECO_CSV_SKIP_BLANK | ECO_CSV_SKIP_COMMENTS);
    cr_expect_str_eq(eco_csv_next(&f), "  # not at column 1");
}

Test(csv, plain_fields_are_trimmed_and_quotes_are_text)
{
    char line[] = " 1 ,\t\"x, y\"\t,, last ";
    char *fields[8];
    eco_csv f;
    eco_csv_init_text(&f, "t.csv", line, 0);
    cr_assert_eq(eco_csv_split(&f, line, fields, 8), 5);
    cr_expect_str_eq(fields[0], "1");
    cr_expect_str_eq(fields[1], "\"x");
    cr_expect_str_eq(fields[2], "y\"");
    cr_expect_str_eq(fields[3], "");
    cr_expect_str_eq(fields[4], "last");
}

Test(csv, quoted_fields_keep_commas_spaces_and_doubled_quotes)
{
    char line[] = "\"Make, Inc\" , \" a \"\"b\"\" \" junk ,plain ,\"\"";
    char *fields[8];
    eco_csv f;
    eco_csv_init_text(&f, "t.csv", line, ECO_CSV_QUOTES);
    cr_assert_eq(eco_csv_split(&f, line, fields, 8), 4);
    cr_expect_str_eq(fields[0], "Make, Inc");
    cr_expect_str_eq(fields[1], " a \"b\" ",
                     "inside quotes nothing is trimmed; after them, dropped");
    cr_expect_str_eq(fields[2], "plain");
    cr_expect_str_eq(fields[3], "");
}

Test(csv, split_refuses_too_many_fields_and_an_open_quote)
{
    char *fields[3];
    eco_csv f;
    char three[] = "1,2,3", four[] = "1,2,3,4", open[] = "1,\"2,3", open2[] = "1,\"2,3";
    eco_csv_init_text(&f, "t.csv", three, ECO_CSV_QUOTES);
    cr_expect_eq(eco_csv_split(&f, three, fields, 3), 3, "exactly max fields is fine");
    cr_expect_eq(eco_csv_split(&f, four, fields, 3), ECO_ERANGE);
    cr_expect_eq(eco_csv_split(&f, open, fields, 3), ECO_EPARSE);
    eco_csv_init_text(&f, "t.csv", open2, 0);
    cr_expect_eq(eco_csv_split(&f, open2, fields, 3), 3, "without ECO_CSV_QUOTES a quote is text");
}

Test(csv, numbers_are_the_whole_field_and_finite)
{
    double v = -1.0;
    cr_expect_eq(eco_csv_number("2.5e1", &v), ECO_CSV_NUM_OK);
    cr_expect_eq(v, 25.0);
    cr_expect_eq(eco_csv_number("  -3", &v), ECO_CSV_NUM_OK, "white space before is skipped");
    cr_expect_eq(v, -3.0);
    v = 7.0;
    cr_expect_eq(eco_csv_number("", &v), ECO_CSV_NUM_NONE);
    cr_expect_eq(eco_csv_number("3 ", &v), ECO_CSV_NUM_NONE, "nothing may follow");
    cr_expect_eq(eco_csv_number("3x", &v), ECO_CSV_NUM_NONE);
    cr_expect_eq(eco_csv_number("abc", &v), ECO_CSV_NUM_NONE);
    cr_expect_eq(v, 7.0, "a field that is no number leaves *v alone");
    cr_expect_eq(eco_csv_number("nan", &v), ECO_CSV_NUM_NONFINITE);
    cr_expect(isnan(v));
    cr_expect_eq(eco_csv_number("-inf", &v), ECO_CSV_NUM_NONFINITE);
    cr_expect(isinf(v) && v < 0.0);
    cr_expect_eq(eco_csv_number("1e999", &v), ECO_CSV_NUM_RANGE);
    cr_expect(isinf(v), "overflow: strtod's HUGE_VAL");
    cr_expect_eq(eco_csv_number("1e-400", &v), ECO_CSV_NUM_RANGE);
    cr_expect(isfinite(v) && fabs(v) < 1e-300, "underflow: strtod's tiny value");
}

Test(csv, error_names_file_and_line)
{
    char text[] = "a\nb\n";
    eco_csv f;
    eco_csv_init_text(&f, "dir/x.csv", text, 0);
    eco_csv_next(&f);
    eco_csv_next(&f);
    cr_expect_eq(eco_csv_error(&f, ECO_EPARSE, "column %d: %s", 3, "bad"), ECO_EPARSE);
    cr_expect_str_eq(eco_last_error(), "dir/x.csv:2: column 3: bad");
}

Test(csv, open_reads_a_long_line_whole)
{
    size_t n = 200000;
    char *text = malloc(n + 8);
    cr_assert_not_null(text);
    memset(text, ' ', n);
    memcpy(text + n, "1,2\nz\n", 7);
    char path[64];
    write_temp(text, n + 6, path, sizeof path);
    eco_csv f;
    int rc = eco_csv_open(&f, path, 0);
    unlink(path);
    cr_assert_eq(rc, ECO_OK, "%s", eco_last_error());
    char *s = eco_csv_next(&f);
    cr_assert_not_null(s);
    cr_expect_eq(strlen(s), n + 3);
    char *fields[4];
    cr_expect_eq(eco_csv_split(&f, s, fields, 4), 2);
    cr_expect_str_eq(fields[0], "1");
    cr_expect_str_eq(eco_csv_next(&f), "z");
    cr_expect_eq(f.line, 2);
    eco_csv_close(&f);
    eco_csv_close(&f); /* twice is harmless */
    free(text);
}

Test(csv, open_refuses_a_nul_byte_and_names_its_line)
{
    char path[64];
    write_temp("a\nb\nc\0d\n", 8, path, sizeof path);
    eco_csv f;
    int rc = eco_csv_open(&f, path, 0);
    cr_expect_eq(rc, ECO_EPARSE);
    char want[128];
    snprintf(want, sizeof want, "%s:3: a NUL byte", path);
    cr_expect(strstr(eco_last_error(), want), "'%s' lacks '%s'", eco_last_error(), want);
    unlink(path);
}

Test(csv, open_reports_a_missing_file_and_a_directory)
{
    eco_csv f;
    cr_expect_eq(eco_csv_open(&f, "/nonexistent/x.csv", 0), ECO_ENOENT);
    cr_expect(strstr(eco_last_error(), "/nonexistent/x.csv: cannot open"), "%s", eco_last_error());
    cr_expect_null(f.text);
    cr_expect_eq(eco_csv_open(&f, P_tmpdir, 0), ECO_EIO);
    cr_expect(strstr(eco_last_error(), "is a directory"), "%s", eco_last_error());
}
