/* Placeholder until its implementation lands in the next commits. */
#include "commands.h"

#include <stdio.h>

int eco_cmd_pareto(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "ecosim pareto: not yet implemented\n");
    return 2;
}
