/* ecodrived's parts: the options (args.c), the --check mode (check.c) and the daemon
 * (main.c). Private to the program. */
#ifndef ECODRIVED_H
#define ECODRIVED_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    const char *iface, *vehicle, *dbc, *mapping, *weights, *log, *replay, *out, *controller;
    const char *route; /* --route FILE: the route MPC on a fixed route */
    int realtime, logged_steps, mlock, restart_bus_off, quiet, verbose, cpu, fifo_prio;
    int cpu_latency_us; /* --cpu-latency US, -1 not given */
    int check;          /* --check: load and report everything, then (with --replay) replay */
    double speedup, time_price;
} args;

/* The files to load: each one given, else the shipped default (found as ecosim finds it). */
typedef struct {
    char dbc[4096], mapping[4096], vehicle[4096], maps[4096], weights[4096];
} files;

void ecodrived_usage(FILE *fp);
/* 0 to go on, 1 after --help, 2 on bad input (said on stderr). */
int ecodrived_parse_args(int argc, char **argv, args *a);
/* The files to load into *f; 0, or 2 after saying what is wrong. */
int ecodrived_resolve_files(const args *a, files *f);

/* --check: every file loaded and checked, each error said (not only the first), the
 * resolved mapping table on stdout. 0 when all is well, 2 after the errors. */
int ecodrived_check(const args *a);

#endif
