/* The gnuplot helpers that the figures of ecosim share (sweep, pareto, run and route). */
#include "gnuplot.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

FILE *eco_sim_gnuplot_open(const char *dir, const char *name, const char *who)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    if (!fp)
        fprintf(stderr, "%s: cannot write %s: %s\n", who, path, strerror(errno));
    return fp;
}

int eco_sim_gnuplot_mkdir(const char *dir, const char *who)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST)
        return 0;
    fprintf(stderr, "%s: cannot create %s: %s\n", who, dir, strerror(errno));
    return -1;
}

void eco_sim_gnuplot_unquote(char *out, size_t n, const char *in)
{
    snprintf(out, n, "%s", in);
    for (char *c = out; *c; c++)
        if (*c == '\'')
            *c = '"';
}

int eco_sim_gnuplot_run(const char *dir, const char *script)
{
    fflush(NULL); /* nothing buffered may be written twice, by the child too */
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(dir) == 0)
            execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}
