/* synack plot: makes an output folder's figures again (after an edit of its
 * [plot.NAME] sections in config.resolved.ini, with gnuplot installed since, or in
 * another format) without running anything; and the figures at the end of synack run.
 * The work is exp_plot's; here are the options, the messages and the exit statuses. */
#include "cmd_plot.h"

#include <stdio.h>
#include <string.h>

#include "exp_plot.h"

int
cmd_plot_after_run(const Experiment *e, const char *outdir, gboolean quiet)
{
  if (!exp_plot_declared(e))
    return 0;
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GError) err = NULL;
  ExpPlotOptions opt = { 0 };
  gboolean ok = exp_plot_folder(outdir, &opt, made, &err);
  for (guint i = 0; !quiet && i < made->len; i++)
    printf("figures: %s\n", (char *)made->pdata[i]);
  if (ok)
    return 0;
  fprintf(stderr, "synack run: %s\n", err->message);
  return g_error_matches(err, EXP_PLOT_ERROR, EXP_PLOT_ERROR_NO_GNUPLOT) ? 0 : 1;
}

int
cmd_plot(int argc, char **argv)
{
  g_autofree char *format = NULL, *only = NULL;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
      "png, svg or both for every figure (default: each figure's [plot.NAME] format)",
      "FORMAT" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "make only the figure [plot.NAME]", "NAME" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "do not list the images made", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc =
    g_option_context_new("DIR - make the figures of an output folder again");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_option_context_set_description(oc,
    "DIR is a folder written by synack run. Reads its config.resolved.ini (the\n"
    "[plot.NAME] sections) and CSV files and writes DIR/figures/NAME.gp, NAME.dat and\n"
    "NAME.png / NAME.svg. Runs nothing. gnuplot is $SYNACK_GNUPLOT, else gnuplot on PATH.\n"
    "Exit status: 0 done (or no figure declared), 1 gnuplot missing or failing, or a\n"
    "file cannot be written, 2 bad usage, or DIR missing or not a whole output folder.\n");
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "synack plot: %s\n", err->message);
    return 2;
  }
  if (argc != 2) {
    fprintf(stderr, "synack plot: %s (see --help)\n",
            argc < 2 ? "no output folder given" : "one output folder at a time");
    return 2;
  }
  if (format != NULL && strcmp(format, "png") != 0 && strcmp(format, "svg") != 0 &&
      strcmp(format, "both") != 0) {
    fprintf(stderr, "synack plot: --format is png, svg or both, not '%s'\n", format);
    return 2;
  }
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func(g_free);
  ExpPlotOptions opt = { .format = format, .only = only };
  gboolean ok = exp_plot_folder(argv[1], &opt, made, &err);
  for (guint i = 0; !quiet && i < made->len; i++)
    printf("figures: %s\n", (char *)made->pdata[i]);
  if (ok) {
    if (made->len == 0)
      fprintf(stderr, "synack plot: %s: its experiment declares no figure (add [plot.NAME] "
              "sections; see plots/README.md)\n", argv[1]);
    return 0;
  }
  fprintf(stderr, "synack plot: %s\n", err->message);
  if (err->domain == EXP_PLOT_ERROR && (err->code == EXP_PLOT_ERROR_INPUT ||
                                        err->code == EXP_PLOT_ERROR_NO_FIGURE))
    return 2;
  return 1;
}
