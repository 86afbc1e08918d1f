/* The options of an ecosim command as a table, one row an option, read by one loop. The loop
 * is getopt_long's, built from the table in its order, so that getopt's own messages (an
 * unknown or ambiguous option, a missing argument) and its prefix matching stay as they are.
 * A new option is one row. */
#ifndef ECOSIM_CLI_OPTIONS_H
#define ECOSIM_CLI_OPTIONS_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

typedef struct eco_cli eco_cli;
typedef struct eco_cli_opt eco_cli_opt;

/* What a row does with its argument (NULL for an option without one); field is the
 * command's arguments plus the row's offset. Returns 0, 1 to stop with exit status 0
 * (--help), or 2 after printing why the value is bad as `ecosim CMD: ...`. */
typedef int (*eco_cli_take)(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field);

struct eco_cli_opt {
    const char *name; /* the long name without "--"; NULL ends the table */
    int has_arg;      /* no_argument or required_argument */
    eco_cli_take take;
    size_t at;       /* offsetof the field in the command's arguments */
    double lo, hi;   /* eco_cli_number, eco_cli_int: the range */
    char short_name; /* a short option too (route's -o), or 0 */
};

struct eco_cli {
    const char *cmd; /* "run": messages say "ecosim run: ..." */
    void (*usage)(FILE *);
    const eco_cli_opt *opts;
    /* What the command checks once the options are read (operands, required options,
     * output paths): 0 or the exit status; NULL: nothing. */
    int (*check)(const void *args, int argc, char **argv);
};

/* The rows' actions: a text (const char *), a flag set to 1 or cleared to 0 (int), a
 * number in [lo, hi] (double), a whole count in [lo, hi] (int, the number truncated),
 * the usage on stdout (--help). */
int eco_cli_text(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field);
int eco_cli_set(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field);
int eco_cli_clear(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field);
int eco_cli_number(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field);
int eco_cli_int(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field);
int eco_cli_help(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field);

#define ECO_CLI_TEXT(name, T, f)                                                                   \
    {                                                                                              \
        name, required_argument, eco_cli_text, offsetof(T, f), 0, 0, 0                             \
    }
#define ECO_CLI_FLAG(name, T, f)                                                                   \
    {                                                                                              \
        name, no_argument, eco_cli_set, offsetof(T, f), 0, 0, 0                                    \
    }
#define ECO_CLI_OFF(name, T, f)                                                                    \
    {                                                                                              \
        name, no_argument, eco_cli_clear, offsetof(T, f), 0, 0, 0                                  \
    }
#define ECO_CLI_NUMBER(name, T, f, lo, hi)                                                         \
    {                                                                                              \
        name, required_argument, eco_cli_number, offsetof(T, f), lo, hi, 0                         \
    }
#define ECO_CLI_INT(name, T, f, lo, hi)                                                            \
    {                                                                                              \
        name, required_argument, eco_cli_int, offsetof(T, f), lo, hi, 0                            \
    }
/* A row of the command's own: fn gets the whole of the command's arguments. */
#define ECO_CLI_CALL(name, fn)                                                                     \
    {                                                                                              \
        name, required_argument, fn, 0, 0, 0, 0                                                    \
    }
#define ECO_CLI_HELP                                                                               \
    {                                                                                              \
        "help", no_argument, eco_cli_help, 0, 0, 0, 0                                              \
    }
#define ECO_CLI_END                                                                                \
    {                                                                                              \
        NULL, 0, NULL, 0, 0, 0, 0                                                                  \
    }

/* Parse argv (argv[0] the command's name) against the table, then cli->check: 0 to go
 * on, with optind at the first operand; 1 after --help (usage on stdout); 2 on bad input
 * (an option getopt refuses: its message, then the usage on stderr). */
int eco_cli_parse(const eco_cli *cli, int argc, char **argv, void *args);

/* The operands after the options: 0 if there are none, else 2 after `ecosim CMD:
 * unexpected argument 'X'`. */
int eco_cli_no_operand(const char *cmd, int argc, char **argv);

/* A number option in [lo, hi]: 0, or 2 after printing `ecosim CMD: OPT must be ...`. */
int eco_sim_number_arg(const char *cmd, const char *opt, const char *s, double lo, double hi,
                       double *out);

#endif
