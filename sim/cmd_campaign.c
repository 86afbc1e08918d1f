/* ecosim campaign FILE.json: every case of a campaign, one JSON line each (docs/campaign.md). */
#include "campaign_cache.h"
#include "campaign_exec.h"
#include "campaign_pool.h"
#include "commands.h"
#include "session.h"

#include <stdio.h>
#include <string.h>

static void campaign_usage(FILE *fp)
{
    fprintf(fp,
            "usage: ecosim campaign FILE.json [--shard K/N] [--jobs N] [--out FILE.jsonl]\n"
            "                       [--resume] [--cache-dir DIR] [--quiet]\n"
            "\n"
            "Runs every combination of the campaign's vehicles, cycles, controllers and MPC\n"
            "weight points (a grid, a list or a Sobol / Latin hypercube sample) and writes one\n"
            "JSON line per case, in case order: the campaign's hash, the case, its weights and\n"
            "the summary of `ecosim run --json` with rms jerk and acceleration and the saving\n"
            "against the baseline controller. The file's schema is in docs/campaign.md.\n"
            "\n"
            "  --shard K/N      only every N-th case from the K-th (0 <= K < N); the shards'\n"
            "                   files join with `ecosim merge` into the unsharded file\n"
            "  --jobs N         runs at a time, one process each (default: the CPUs); the\n"
            "                   output is the same for any N\n"
            "  --out FILE.jsonl the lines (default: stdout)\n"
            "  --resume         keep the cases FILE.jsonl already holds and run the rest (a\n"
            "                   last line cut short is run again)\n" ECO_USAGE_CACHE_DIR
            "  --quiet          no progress on stderr\n");
}

static int take_shard(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *args)
{
    (void)o;
    return eco_campaign_parse_shard(cli->cmd, arg, &((eco_campaign_exec *)args)->shard);
}

int eco_cmd_campaign(int argc, char **argv)
{
    static const eco_cli_opt opts[] = {
        ECO_CLI_CALL("shard", take_shard),
        ECO_CLI_INT("jobs", eco_campaign_exec, jobs, 1, ECO_POOL_WORKERS_MAX),
        ECO_CLI_TEXT("out", eco_campaign_exec, out_path),
        ECO_CLI_FLAG("resume", eco_campaign_exec, resume),
        ECO_OPT_CACHE_DIR,
        ECO_CLI_FLAG("quiet", eco_campaign_exec, quiet),
        ECO_CLI_HELP,
        ECO_CLI_END};
    static const eco_cli cli = {"campaign", campaign_usage, opts, NULL};
    eco_campaign_exec x = {.what = "campaign", .shard = {0, 1}};
    x.jobs = eco_campaign_default_jobs();
    int rc = eco_cli_parse(&cli, argc, argv, &x);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind != argc - 1) {
        fprintf(stderr, "ecosim campaign: one campaign file is required\n");
        campaign_usage(stderr);
        return 2;
    }
    if (x.resume && !x.out_path) {
        fprintf(stderr, "ecosim campaign: --resume needs --out FILE.jsonl\n");
        return 2;
    }
    if (eco_sim_out_check("campaign", "--out", x.out_path))
        return 2;
    eco_campaign c;
    rc = eco_campaign_load(argv[optind], &c);
    if (rc)
        return rc;
    x.c = &c;
    rc = eco_campaign_execute(&x);
    eco_campaign_free(&c);
    return rc;
}
