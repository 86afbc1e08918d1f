#include "cli_options.h"

#include <stdlib.h>
#include <string.h>

#define OPTS_MAX 32  /* rows of one command's table, at most */
#define ROW_VAL  256 /* getopt's value of row i is ROW_VAL + i: no character is that */

int eco_sim_number_arg(const char *cmd, const char *opt, const char *s, double lo, double hi,
                       double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "ecosim %s: %s must be a number in [%g, %g], got '%s'\n", cmd, opt, lo, hi,
                s);
        return 2;
    }
    *out = v;
    return 0;
}

int eco_cli_text(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field)
{
    (void)cli;
    (void)o;
    *(const char **)field = arg;
    return 0;
}

int eco_cli_set(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field)
{
    (void)cli;
    (void)o;
    (void)arg;
    *(int *)field = 1;
    return 0;
}

int eco_cli_clear(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field)
{
    (void)cli;
    (void)o;
    (void)arg;
    *(int *)field = 0;
    return 0;
}

int eco_cli_number(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field)
{
    char opt[64];
    snprintf(opt, sizeof opt, "--%s", o->name);
    return eco_sim_number_arg(cli->cmd, opt, arg, o->lo, o->hi, field);
}

int eco_cli_int(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field)
{
    double v;
    int rc = eco_cli_number(cli, o, arg, &v);
    if (!rc)
        *(int *)field = (int)v;
    return rc;
}

int eco_cli_help(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field)
{
    (void)o;
    (void)arg;
    (void)field;
    cli->usage(stdout);
    return 1;
}

/* getopt_long's table and short options from the rows; the number of rows. */
static int getopt_table(const eco_cli *cli, struct option *lo, char *shorts)
{
    int n = 0;
    for (; cli->opts[n].name && n < OPTS_MAX; n++) {
        const eco_cli_opt *o = &cli->opts[n];
        lo[n] =
            (struct option){o->name, o->has_arg, NULL, o->short_name ? o->short_name : ROW_VAL + n};
        if (o->short_name) {
            *shorts++ = o->short_name;
            if (o->has_arg == required_argument)
                *shorts++ = ':';
        }
    }
    lo[n] = (struct option){0, 0, 0, 0};
    *shorts = '\0';
    return n;
}

static const eco_cli_opt *row_of(const eco_cli *cli, int n, int ch)
{
    if (ch >= ROW_VAL && ch < ROW_VAL + n)
        return &cli->opts[ch - ROW_VAL];
    for (int i = 0; ch > 0 && ch < ROW_VAL && i < n; i++)
        if (cli->opts[i].short_name == ch)
            return &cli->opts[i];
    return NULL;
}

int eco_cli_parse(const eco_cli *cli, int argc, char **argv, void *args)
{
    struct option lo[OPTS_MAX + 1];
    char shorts[2 * OPTS_MAX + 1];
    int n = getopt_table(cli, lo, shorts), ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        const eco_cli_opt *o = row_of(cli, n, ch);
        if (!o) {
            cli->usage(stderr);
            return 2;
        }
        int rc = o->take(cli, o, optarg, (char *)args + o->at);
        if (rc)
            return rc;
    }
    return cli->check ? cli->check(args, argc, argv) : 0;
}

int eco_cli_no_operand(const char *cmd, int argc, char **argv)
{
    if (optind >= argc)
        return 0;
    fprintf(stderr, "ecosim %s: unexpected argument '%s'\n", cmd, argv[optind]);
    return 2;
}
