/* ecosim pareto --plot: per vehicle and cycle, the 2-D front with the presets and the
 * baseline marked and labels placed so that none overlaps another or a marker; for more
 * objectives, parallel coordinates. gnuplot scripts the user can edit and re-run, as the
 * other plots (sim/plot.c, sim/sweep_plot.c). */
#include "pareto.h"

#include "gnuplot.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

/* The canvas and the plot area, fixed so that data map to pixels exactly (labels are placed
 * in pixels). The font's box per character is a generous estimate for pngcairo's sans at
 * 9 pt, so that estimated boxes contain the drawn text. */
#define W_PX       1100
#define H_PX       760
#define LEFT       0.10
#define RIGHT      0.96
#define BOTTOM     0.10
#define TOP        0.90
#define CHAR_PX    7.5
#define LINE_PX    15.0
#define MARK_PX    9.0 /* half the side of a marker's box */
#define LABELS_MAX 64

typedef struct {
    double x0, x1, y0, y1; /* data ranges */
} frame;

typedef struct {
    double l, r, b, t; /* pixels, y up */
} box;

typedef struct {
    box placed[LABELS_MAX + 4 * LABELS_MAX];
    int n;
} layout;

static double px_x(const frame *f, double x)
{
    return W_PX * (LEFT + (RIGHT - LEFT) * (x - f->x0) / (f->x1 - f->x0));
}

static double px_y(const frame *f, double y)
{
    return H_PX * (BOTTOM + (TOP - BOTTOM) * (y - f->y0) / (f->y1 - f->y0));
}

static double data_x(const frame *f, double px)
{
    return f->x0 + (px / W_PX - LEFT) / (RIGHT - LEFT) * (f->x1 - f->x0);
}

static double data_y(const frame *f, double py)
{
    return f->y0 + (py / H_PX - BOTTOM) / (TOP - BOTTOM) * (f->y1 - f->y0);
}

static int overlaps(const box *a, const box *b)
{
    return a->l < b->r && b->l < a->r && a->b < b->t && b->b < a->t;
}

static int fits(const layout *lay, const box *bx)
{
    if (bx->l < W_PX * LEFT || bx->r > W_PX * RIGHT || bx->b < H_PX * BOTTOM || bx->t > H_PX * TOP)
        return 0;
    for (int i = 0; i < lay->n; i++)
        if (overlaps(&lay->placed[i], bx))
            return 0;
    return 1;
}

static void reserve(layout *lay, box bx)
{
    if (lay->n < (int)(sizeof lay->placed / sizeof lay->placed[0]))
        lay->placed[lay->n++] = bx;
}

static void reserve_marker(layout *lay, const frame *f, double x, double y)
{
    double px = px_x(f, x), py = px_y(f, y);
    reserve(lay, (box){px - MARK_PX, px + MARK_PX, py - MARK_PX, py + MARK_PX});
}

/* Try the eight places around the point, then the same farther out (with a leader line);
 * write the label (and the leader) if one is free. Returns 1 if placed. */
static int place_label(FILE *fp, layout *lay, const frame *f, double x, double y, const char *text,
                       const char *colour)
{
    static const double DIR[8][2] = {{1, 0.6}, {1, -0.6}, {-1, 0.6}, {-1, -0.6},
                                     {0, 1.4}, {0, -1.4}, {1, 0},    {-1, 0}};
    double w = CHAR_PX * (double)strlen(text) + 4.0, h = LINE_PX;
    double px = px_x(f, x), py = px_y(f, y);
    for (int ring = 1; ring <= 4; ring++)
        for (int d = 0; d < 8; d++) {
            double gap = MARK_PX + 3.0 + (ring - 1) * 18.0;
            double cx = px + DIR[d][0] * (gap + w / 2), cy = py + DIR[d][1] * (gap + h / 2);
            box bx = {cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2};
            if (!fits(lay, &bx))
                continue;
            reserve(lay, bx);
            fprintf(fp, "set label '%s' at %.10g,%.10g center tc rgb '%s' front\n", text,
                    data_x(f, cx), data_y(f, cy), colour);
            if (ring > 1)
                fprintf(fp, "set arrow from %.10g,%.10g to %.10g,%.10g nohead lc rgb '%s' lw 0.5\n",
                        data_x(f, cx - DIR[d][0] * w / 2), data_y(f, cy - DIR[d][1] * h / 2), x, y,
                        colour);
            return 1;
        }
    return 0;
}

/* The data ranges of group g, padded. */
static frame frame_of(const eco_pareto_set *s, int g, int kx, int ky)
{
    frame f = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (int i = 0; i < s->n_cases; i++) {
        const eco_pareto_case *c = &s->cases[i];
        if (c->group != g || !isfinite(c->f[kx]) || !isfinite(c->f[ky]))
            continue;
        f.x0 = fmin(f.x0, c->f[kx]);
        f.x1 = fmax(f.x1, c->f[kx]);
        f.y0 = fmin(f.y0, c->f[ky]);
        f.y1 = fmax(f.y1, c->f[ky]);
    }
    double dx = f.x1 > f.x0 ? f.x1 - f.x0 : fmax(fabs(f.x0), 1.0) * 0.1;
    double dy = f.y1 > f.y0 ? f.y1 - f.y0 : fmax(fabs(f.y0), 1.0) * 0.1;
    return (frame){f.x0 - 0.08 * dx, f.x1 + 0.08 * dx, f.y0 - 0.08 * dy, f.y1 + 0.08 * dy};
}

static void script_head(FILE *fp, const eco_pareto_set *s, int g, const char *what)
{
    char vehicle[128], cycle[64];
    eco_sim_gnuplot_unquote(vehicle, sizeof vehicle, s->groups[g].vehicle);
    eco_sim_gnuplot_unquote(cycle, sizeof cycle, s->groups[g].cycle);
    fprintf(fp,
            "# Made by ecosim pareto --plot; edit and re-run with: gnuplot pareto_%d.gp\n"
            "set terminal pngcairo size %d,%d noenhanced font 'sans,9'\n"
            "set output 'pareto_%d.png'\n"
            "set lmargin at screen %g\nset rmargin at screen %g\n"
            "set bmargin at screen %g\nset tmargin at screen %g\n"
            "set title '%s on %s: %s (%d cases, %d on the front; campaign %s)'\n"
            "set grid\nset key at screen %g,%g right top horizontal samplen 2\n",
            g, W_PX, H_PX, g, LEFT, RIGHT, BOTTOM, TOP, vehicle, cycle, what, s->groups[g].n_cases,
            s->groups[g].n_front, s->hash, RIGHT, TOP + 0.055);
}

static int count_kind(const eco_pareto_set *s, int g, eco_pareto_kind kind)
{
    int n = 0;
    for (int i = 0; i < s->n_cases; i++)
        n += s->cases[i].group == g && s->cases[i].kind == kind && isfinite(s->cases[i].f[0]) &&
             isfinite(s->cases[i].f[1]);
    return n;
}

/* Index 0: every case; 1: the front in x order; 2: the presets; 3: the baseline. */
static void write_points(FILE *fp, const eco_pareto_set *s, int g, const int *front, int n_front)
{
    for (int i = 0; i < s->n_cases; i++)
        if (s->cases[i].group == g && isfinite(s->cases[i].f[0]) && isfinite(s->cases[i].f[1]))
            fprintf(fp, "%.10g %.10g\n", s->cases[i].f[0], s->cases[i].f[1]);
    fprintf(fp, "\n\n");
    for (int q = 0; q < n_front; q++)
        fprintf(fp, "%.10g %.10g\n", s->cases[front[q]].f[0], s->cases[front[q]].f[1]);
    for (int kind = ECO_PARETO_PRESET; kind <= ECO_PARETO_BASELINE; kind++) {
        /* an empty block holds an undefined point: without a row it would not count as an
         * index, and the next block would take its number */
        fprintf(fp, "\n\n# %s\n", kind == ECO_PARETO_PRESET ? "presets" : "baseline");
        if (!count_kind(s, g, (eco_pareto_kind)kind))
            fprintf(fp, "NaN NaN\n");
        for (int i = 0; i < s->n_cases; i++)
            if (s->cases[i].group == g && (int)s->cases[i].kind == kind)
                fprintf(fp, "%.10g %.10g\n", s->cases[i].f[0], s->cases[i].f[1]);
    }
}

/* The references' labels first (they must be read), then the front's while room is left. */
static void labels_2d(FILE *fp, const eco_pareto_set *s, int g, const frame *f, const int *front,
                      int n_front)
{
    static layout lay;
    lay.n = 0;
    for (int i = 0; i < s->n_cases; i++) {
        const eco_pareto_case *c = &s->cases[i];
        if (c->group == g && (c->kind != ECO_PARETO_POINT || c->on_front) && isfinite(c->f[0]) &&
            isfinite(c->f[1]))
            reserve_marker(&lay, f, c->f[0], c->f[1]);
    }
    for (int i = 0; i < s->n_cases; i++) {
        const eco_pareto_case *c = &s->cases[i];
        if (c->group == g && c->kind != ECO_PARETO_POINT && isfinite(c->f[0]) && isfinite(c->f[1]))
            place_label(fp, &lay, f, c->f[0], c->f[1], c->label,
                        c->kind == ECO_PARETO_BASELINE ? "black" : "#d62728");
    }
    for (int q = 0, placed = 0; q < n_front && placed < LABELS_MAX; q++)
        if (s->cases[front[q]].kind == ECO_PARETO_POINT)
            placed += place_label(fp, &lay, f, s->cases[front[q]].f[0], s->cases[front[q]].f[1],
                                  s->cases[front[q]].label, "#1f77b4");
}

/* The end of a plot line: the presets and the baseline, if the group has them, in a style. */
static void plot_marks(FILE *fp, const eco_pareto_set *s, int g, const char *preset_style,
                       const char *baseline_style)
{
    if (count_kind(s, g, ECO_PARETO_PRESET))
        fprintf(fp, ", \\\n     '' index 2 using 1:2 with %s lc rgb '#d62728' title 'MPC presets'",
                preset_style);
    if (count_kind(s, g, ECO_PARETO_BASELINE))
        fprintf(
            fp,
            ", \\\n     '' index 3 using 1:2 with %s lc rgb 'black' title 'baseline controller'",
            baseline_style);
    fprintf(fp, "\n");
}

static void plot_2d(FILE *fp, const eco_pareto_set *s, int g, const int *front, int n_front)
{
    frame f = frame_of(s, g, 0, 1);
    script_head(fp, s, g, "Pareto front");
    fprintf(fp,
            "set xrange [%.10g:%.10g]\nset yrange [%.10g:%.10g]\nset xlabel '%s'\n"
            "set ylabel '%s'\n",
            f.x0, f.x1, f.y0, f.y1, s->objective[0].label, s->objective[1].label);
    labels_2d(fp, s, g, &f, front, n_front);
    fprintf(fp,
            "plot 'pareto_%d.dat' index 0 using 1:2 with points pt 7 ps 0.5 lc rgb '#b0b0b0' "
            "title 'cases', \\\n"
            "     '' index 1 using 1:2 with linespoints pt 7 ps 0.9 lw 2 lc rgb '#1f77b4' "
            "title 'Pareto front'",
            g);
    plot_marks(fp, s, g, "points pt 5 ps 1.4", "points pt 9 ps 1.8");
}

/* Each objective scaled to [0, 1] over the group: 0 its best case, 1 its worst. */
static void ranges_of(const eco_pareto_set *s, int g, double *lo, double *hi)
{
    for (int k = 0; k < s->n_objectives; k++) {
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
        for (int i = 0; i < s->n_cases; i++)
            if (s->cases[i].group == g && isfinite(s->cases[i].f[k])) {
                lo[k] = fmin(lo[k], s->cases[i].f[k]);
                hi[k] = fmax(hi[k], s->cases[i].f[k]);
            }
    }
}

static double scaled(double v, double lo, double hi)
{
    return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}

/* Index 0: cases off the front; 1: on it; 2: presets; 3: the baseline; a polyline each. */
static void write_lines(FILE *fp, const eco_pareto_set *s, int g, const double *lo,
                        const double *hi)
{
    for (int block = 0; block < 4; block++) {
        fprintf(fp, "%s# block %d\nNaN NaN\n\n", block ? "\n\n" : "", block);
        for (int i = 0; i < s->n_cases; i++) {
            const eco_pareto_case *c = &s->cases[i];
            int b = c->kind == ECO_PARETO_BASELINE ? 3
                    : c->kind == ECO_PARETO_PRESET ? 2
                                                   : c->on_front;
            if (c->group != g || b != block)
                continue;
            for (int k = 0; k < s->n_objectives; k++)
                fprintf(fp, "%d %.6f\n", k + 1, scaled(c->f[k], lo[k], hi[k]));
            fprintf(fp, "\n");
        }
    }
}

/* The references' names at the right end, pushed apart so that none covers another. */
static void labels_parallel(FILE *fp, const eco_pareto_set *s, int g, const double *lo,
                            const double *hi)
{
    const double gap = 0.04; /* of the axis: two text lines at this height */
    double y[LABELS_MAX];
    int who[LABELS_MAX], n = 0, m = s->n_objectives;
    for (int i = 0; i < s->n_cases && n < LABELS_MAX; i++)
        if (s->cases[i].group == g && s->cases[i].kind != ECO_PARETO_POINT) {
            y[n] = scaled(s->cases[i].f[m - 1], lo[m - 1], hi[m - 1]);
            who[n++] = i;
        }
    for (int a = 1; a < n; a++) /* insertion sort by height */
        for (int b = a; b > 0 && y[b] < y[b - 1]; b--) {
            double t = y[b];
            y[b] = y[b - 1];
            y[b - 1] = t;
            int w = who[b];
            who[b] = who[b - 1];
            who[b - 1] = w;
        }
    for (int a = 1; a < n; a++)
        y[a] = fmax(y[a], y[a - 1] + gap);
    for (int a = 0; a < n; a++) {
        const eco_pareto_case *c = &s->cases[who[a]];
        fprintf(fp, "set label '%s' at %d.08,%.4f left tc rgb '%s' front\n", c->label, m, y[a],
                c->kind == ECO_PARETO_BASELINE ? "black" : "#d62728");
    }
}

static void plot_parallel(FILE *fp, const eco_pareto_set *s, int g)
{
    double lo[ECO_PARETO_OBJECTIVES_MAX], hi[ECO_PARETO_OBJECTIVES_MAX];
    int m = s->n_objectives;
    ranges_of(s, g, lo, hi);
    script_head(fp, s, g, "parallel coordinates");
    fprintf(fp,
            "set xrange [0.8:%g]\nset yrange [-0.05:1.15]\nunset ytics\nset grid noxtics\n"
            "set ylabel 'each objective from its best case (bottom) to its worst (top)'\n"
            "set xtics (",
            m + 0.45);
    for (int k = 0; k < m; k++) /* double quotes: gnuplot reads \n in them */
        fprintf(fp, "%s\"%s\\n%.4g .. %.4g\" %d", k ? ", " : "", s->objective[k].name, lo[k], hi[k],
                k + 1);
    fprintf(fp, ")\nset label at screen 0.5,0.025 center '");
    for (int k = 0; k < m; k++)
        fprintf(fp, "%s%s: %s", k ? ";  " : "", s->objective[k].name, s->objective[k].label);
    fprintf(fp, "'\n");
    for (int k = 0; k < m; k++)
        fprintf(fp, "set arrow from %d,0 to %d,1 nohead lc rgb '#404040' lw 1 back\n", k + 1,
                k + 1);
    labels_parallel(fp, s, g, lo, hi);
    fprintf(fp,
            "plot 'pareto_%d.dat' index 0 using 1:2 with lines lw 0.8 lc rgb '#a8a8a8' "
            "title 'cases off the front', \\\n"
            "     '' index 1 using 1:2 with lines lw 1.5 lc rgb '#1f77b4' title 'Pareto front'",
            g);
    plot_marks(fp, s, g, "linespoints pt 5 lw 2.5", "linespoints pt 9 lw 2.5");
}

static int plot_group(const char *dir, const eco_pareto_set *s, int g, int *front)
{
    char name[64];
    int n_front = eco_pareto_group_front(s, g, front), two = s->n_objectives == 2;
    snprintf(name, sizeof name, "pareto_%d.dat", g);
    FILE *data = eco_sim_gnuplot_open(dir, name, "ecosim pareto");
    if (!data)
        return 1;
    if (two) {
        write_points(data, s, g, front, n_front);
    } else {
        double lo[ECO_PARETO_OBJECTIVES_MAX], hi[ECO_PARETO_OBJECTIVES_MAX];
        ranges_of(s, g, lo, hi);
        write_lines(data, s, g, lo, hi);
    }
    int bad = ferror(data) | fclose(data);
    snprintf(name, sizeof name, "pareto_%d.gp", g);
    FILE *fp = bad ? NULL : eco_sim_gnuplot_open(dir, name, "ecosim pareto");
    if (!fp)
        return 1;
    if (two)
        plot_2d(fp, s, g, front, n_front);
    else
        plot_parallel(fp, s, g);
    if ((ferror(fp) | fclose(fp)) || eco_sim_gnuplot_run(dir, name)) {
        fprintf(stderr, "ecosim pareto: gnuplot failed on %s/%s (is gnuplot-nox installed?)\n", dir,
                name);
        return 1;
    }
    return 0;
}

int eco_pareto_plot(const char *dir, const eco_pareto_set *s)
{
    if (eco_sim_gnuplot_mkdir(dir, "ecosim pareto"))
        return 1;
    int *front = eco_malloc(sizeof(int) * (size_t)(s->n_cases + 1)), rc = !front;
    for (int g = 0; !rc && g < s->n_groups; g++)
        rc = plot_group(dir, s, g, front);
    eco_free(front);
    return rc;
}
