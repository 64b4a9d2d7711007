/* exp_plot: the figures an experiment declares in [plot.NAME] sections, made from an
 * output folder (its config.resolved.ini and CSV files) by gnuplot run as a separate
 * program on a generated script.
 *
 * For each figure NAME it writes DIR/figures/NAME.dat (the numbers drawn, gnuplot data
 * blocks), NAME.gp (settings, then the kind's template from plots/ copied in, so that
 * `cd DIR/figures && gnuplot NAME.gp` makes the images again after an edit) and
 * NAME.png and/or NAME.svg. Images are written under temporary names and renamed once
 * gnuplot has succeeded; .dat and .gp are replaced atomically. Kinds:
 *   bars    per variant (and sweep point), the mean and 95 % CI of metric y
 *           (summary.csv)
 *   lines   per variant and sweep point a point: x = its config's value of key x, y =
 *           mean +- CI95 of metric y (summary.csv); one line per value of key group (or
 *           per variant: group = variant), sorted by x
 *   cdf     per variant (and point), the empirical CDF of sample y over all connections
 *           of all replications (samples.csv), or of metric y's per-run values (runs.csv)
 *   states  per variant (and point) and state, the mean over replications of the
 *           connections in that state at each sample time (states.csv)
 * Rows are matched by variant and point (a file without a point column is all point 0,
 * as folders written before sweeps are).
 * Colours come from one fixed palette indexed by the variant's position in the
 * experiment (lines: by the group value's first appearance; in a sweep, by variant and
 * point), so a variant has the same colour in every figure of the experiment. */
#pragma once

#include <glib.h>
#include "experiment.h"

G_BEGIN_DECLS

#define EXP_PLOT_ERROR (exp_plot_error_quark())
GQuark exp_plot_error_quark(void);

typedef enum {
  EXP_PLOT_ERROR_INPUT,       /* the folder, its experiment or a CSV file it needs is
                                 missing, unreadable or does not fit the experiment */
  EXP_PLOT_ERROR_NO_FIGURE,   /* the figure named by ExpPlotOptions.only is not declared */
  EXP_PLOT_ERROR_OUTPUT,      /* figures/ or a file in it cannot be written */
  EXP_PLOT_ERROR_NO_GNUPLOT,  /* the gnuplot program is not there: data and scripts are
                                 written, images are not */
  EXP_PLOT_ERROR_GNUPLOT,     /* gnuplot failed on a figure's script (its stderr quoted) */
} ExpPlotError;

typedef struct {
  const char *format;     /* "png", "svg" or "both" for every figure; NULL: each
                             figure's [plot.NAME] format */
  const char *only;       /* make only this figure; NULL: all */
  const char *gnuplot;    /* the program; NULL: $SYNACK_GNUPLOT, else gnuplot on PATH */
  const char *templates;  /* folder of the templates; NULL: $SYNACK_PLOTS_DIR, else the
                             source tree's plots/ */
} ExpPlotOptions;

/* Adds to @problems one line per problem of @e's [plot.NAME] sections that the schema
 * cannot see ("exp.ini:40: [plot.rate] y: unknown metric 'conns_complete'; did you mean
 * 'conns_completed'?"): names, metrics (known and reported), samples (needing [metrics]
 * samples > 0), states (needing [metrics] states_every > 0), lines' x and group keys
 * (known keys; x numeric and set in every variant), the variants listed. Reads the
 * sections' text, so it works on a base config that did not validate (the variants'
 * values are then not checked). */
void exp_plot_check(const Experiment *e, GString *problems);

/* TRUE when @e declares at least one figure. */
gboolean exp_plot_declared(const Experiment *e);

/* The contents of NAME.dat for figure @name of @e, read from output folder @dir. NULL
 * with EXP_PLOT_ERROR_INPUT when a file is missing or lacks what the figure needs,
 * EXP_PLOT_ERROR_NO_FIGURE when @e has no [plot.@name]. */
char *exp_plot_data(const Experiment *e, const char *dir, const char *name, GError **error);

/* Makes the figures of the output folder @dir (as ExpPlotOptions says) into
 * @dir/figures/, appending each image's path to @made (owned strings: give it g_free
 * as free function). A folder whose experiment declares no figure is no error (nothing
 * is made). Stops at the first figure that fails; images already made stay. With
 * EXP_PLOT_ERROR_NO_GNUPLOT every figure's .dat and .gp are written first. */
gboolean exp_plot_folder(const char *dir, const ExpPlotOptions *opt, GPtrArray *made,
                         GError **error);

G_END_DECLS
