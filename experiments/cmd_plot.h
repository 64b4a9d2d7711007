/* The figure commands (cmd_plot.c): `synack plot`, and the figures `synack run` makes
 * once its output folder is complete. */
#pragma once

#include <glib.h>
#include "experiment.h"

/* synack plot DIR [--format png|svg|both] [--only NAME]: argc/argv as for a command
 * (argv[0] is its name); returns the exit status. */
int cmd_plot(int argc, char **argv);

/* Makes the figures of @e (nothing when it declares none) from the output folder
 * @outdir that synack run has just written, printing "figures: PATH" per image on
 * stdout (not when @quiet) and problems on stderr. Returns
 * the exit status the run should end with: 0 when the figures were made, there were
 * none, or gnuplot is missing (the data is all there: a note says so); 1 when making
 * them failed. */
int cmd_plot_after_run(const Experiment *e, const char *outdir, gboolean quiet);
