/* ecosim pareto: the non-dominated cases of a campaign's JSONL over chosen objectives, as a
 * table, JSON and gnuplot figures (docs/campaign.md). */
#ifndef ECOSIM_PARETO_H
#define ECOSIM_PARETO_H

#include "ecodrive/mpc.h"

#include <stdio.h>

#define ECO_PARETO_OBJECTIVES_MAX 8

/* Which of n points (m objectives each, f[i * m + k], all minimised) no other point
 * dominates (no worse in every objective and better in one): on_front[i] = 1 or 0. A point
 * with a NaN objective is on no front and dominates none. Returns the front's size, or -1
 * on ENOMEM. */
int eco_pareto_front(const double *f, int n, int m, int *on_front);

typedef enum { ECO_PARETO_POINT, ECO_PARETO_PRESET, ECO_PARETO_BASELINE } eco_pareto_kind;

typedef struct {
    const char *name;  /* fuel, energy, nox, jerk, time, starts, or a summary key */
    const char *label; /* for tables and axes, with the unit */
} eco_pareto_objective;

typedef struct {
    int case_index, group;
    char label[32], controller[16];
    eco_pareto_kind kind;
    double f[ECO_PARETO_OBJECTIVES_MAX];
    int has_weights;
    eco_mpc_weights w;
    int on_front;
} eco_pareto_case;

typedef struct {
    char vehicle_source[256], vehicle[96], cycle[64];
    int n_cases, n_front;
} eco_pareto_group;

typedef struct {
    int n_objectives;
    eco_pareto_objective objective[ECO_PARETO_OBJECTIVES_MAX];
    int n_cases;
    eco_pareto_case *cases; /* in file order */
    int n_groups;
    eco_pareto_group *groups; /* one per vehicle and cycle, in order of first appearance */
    char hash[17];
} eco_pareto_set;

/* Parse "fuel,nox,..." (2 to ECO_PARETO_OBJECTIVES_MAX names, each an alias above or a
 * numeric key of the lines). Prints a message and returns 2 if malformed, else 0. */
int eco_pareto_parse_objectives(const char *arg, eco_pareto_set *s);
/* Read the lines of a campaign's JSONL (controller: only its cases; NULL: all), group them
 * and mark each group's front. Prints a message and returns 2 on bad input, else 0. */
int eco_pareto_load(const char *path, const char *controller, eco_pareto_set *s);
void eco_pareto_free(eco_pareto_set *s);

/* The weights keys whose values differ between a group's cases (the table shows those):
 * their indices in eco_campaign_weight_ranges order into keys; returns their number. */
int eco_pareto_varied_keys(const eco_pareto_set *s, int group, int *keys);

/* The indices (into s->cases) of group g's front, in the order of the first objective;
 * returns their number. idx holds at least s->n_cases. */
int eco_pareto_group_front(const eco_pareto_set *s, int group, int *idx);

void eco_pareto_print_table(FILE *fp, const eco_pareto_set *s);
int eco_pareto_print_json(const eco_pareto_set *s);
/* DIR/pareto_<g>.png per group (2 objectives: the front; more: parallel coordinates), with
 * the gnuplot scripts and data. Prints a message and returns 1 on failure, else 0. */
int eco_pareto_plot(const char *dir, const eco_pareto_set *s);

#endif
