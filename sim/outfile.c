#include "outfile.h"

#include "ecodrive/common.h"

#include <stdio.h>

int eco_sim_out_check(const char *cmd, const char *opt, const char *path)
{
    if (!path || eco_out_check(path) == ECO_OK)
        return 0;
    fprintf(stderr, "ecosim %s: %s %s\n", cmd, opt, eco_last_error());
    return 2;
}

int eco_sim_out_check_dir(const char *cmd, const char *opt, const char *dir)
{
    if (!dir || eco_out_check_dir(dir) == ECO_OK)
        return 0;
    fprintf(stderr, "ecosim %s: %s %s\n", cmd, opt, eco_last_error());
    return 2;
}

FILE *eco_sim_file_begin(const char *path, char *tmp, size_t n)
{
    return eco_out_begin(path, tmp, n);
}

int eco_sim_file_end(FILE *fp, const char *tmp, const char *path)
{
    return eco_out_end(fp, tmp, path);
}

void eco_sim_file_discard(FILE *fp, const char *tmp)
{
    eco_out_discard(fp, tmp);
}
