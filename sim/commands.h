/* ecosim subcommands; each returns the process exit status (0 ok, 2 bad input, 1 failure). */
#ifndef ECOSIM_COMMANDS_H
#define ECOSIM_COMMANDS_H

#include "outfile.h" /* every output path is checked before the work (issue 14) */

int eco_cmd_run(int argc, char **argv);
int eco_cmd_vehicle(int argc, char **argv);
int eco_cmd_compare(int argc, char **argv);
int eco_cmd_dp(int argc, char **argv);
int eco_cmd_sweep(int argc, char **argv); /* one MPC weight over a range: the trade-offs */
int eco_cmd_bus(int argc, char **argv);   /* the vehicle on a CAN bus, against ecodrived */

int eco_cmd_fidelity(int argc, char **argv);
int eco_cmd_route(int argc, char **argv);         /* a route (road by distance) from a drive */
int eco_cmd_run_route(int argc, char **argv);     /* ecosim run --route: drive a route */
int eco_cmd_compare_route(int argc, char **argv); /* ecosim compare --route */

/* Calibration at fleet scale (docs/campaign.md). */
int eco_cmd_campaign(int argc, char **argv); /* every case of a campaign file, as JSONL */
int eco_cmd_merge(int argc, char **argv);    /* shards' JSONL into the unsharded file */
int eco_cmd_pareto(int argc, char **argv);   /* the non-dominated cases of a JSONL */
int eco_cmd_tune(int argc, char **argv);     /* weights minimising one figure under limits */

#endif
