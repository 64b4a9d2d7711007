/* synack trace DIR: reads DIR/trace.csv (written by `synack run --trace`), prints one
 * connection's ladder diagram, or with --list the run's connections, and draws the ladder
 * with gnuplot into DIR/figures/. Bad usage or input exits 2 with one message on stderr;
 * a figure gnuplot failed to draw exits 1; without gnuplot the text is still printed and
 * the exit status is 0. */
#include "cmd_trace.h"

#include <stdio.h>
#include <string.h>

#include "exp_gnuplot.h"
#include "exp_ladder.h"

int
cmd_trace(int argc, char **argv)
{
  gint64 conn = 0, replication = 0, point = 0;
  g_autofree char *variant = NULL, *format = NULL;
  gboolean list = FALSE;
  GOptionEntry entries[] = {
    { "conn", 'c', 0, G_OPTION_ARG_INT64, &conn,
      "the connection (incarnation) to draw (default: the first that is not a listener)",
      "ID" },
    { "variant", 'v', 0, G_OPTION_ARG_STRING, &variant,
      "the variant (default: the first in the trace)", "NAME" },
    { "point", 'p', 0, G_OPTION_ARG_INT64, &point,
      "the sweep point (default 0; synack run FILE --dry-run lists them)", "P" },
    { "replication", 'r', 0, G_OPTION_ARG_INT64, &replication,
      "the replication (default 0)", "R" },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list, "list the run's connections instead", NULL },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
      "figure format: png, svg, both (default) or none (text only)", "png|svg|both|none" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc =
    g_option_context_new("DIR - print a connection's ladder diagram from a traced run");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_option_context_set_description(oc,
    "DIR is the output folder of `synack run --trace` (it reads DIR/trace.csv).\n"
    "Prints the ladder of one connection: every segment on its 4-tuple as an arrow,\n"
    "both ends' states and timers, and writes the figure\n"
    "DIR/figures/ladder-VARIANT-rR-cID.{gp,dat,png,svg} with gnuplot\n"
    "(the program: $SYNACK_GNUPLOT, default gnuplot).\n"
    "Exit status: 0 done (also when gnuplot is missing: the figure is skipped),\n"
    "1 gnuplot failed or the figure could not be written, 2 bad usage or input.\n");
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "synack trace: %s\n", err->message);
    return 2;
  }
  if (argc != 2) {
    fprintf(stderr, "synack trace: %s (see --help)\n",
            argc < 2 ? "no folder given" : "one folder at a time");
    return 2;
  }
  ExpLadderFormat fmt = EXP_LADDER_BOTH;
  gboolean figure = TRUE;
  if (format == NULL || strcmp(format, "both") == 0)
    fmt = EXP_LADDER_BOTH;
  else if (strcmp(format, "png") == 0)
    fmt = EXP_LADDER_PNG;
  else if (strcmp(format, "svg") == 0)
    fmt = EXP_LADDER_SVG;
  else if (strcmp(format, "none") == 0)
    figure = FALSE;
  else {
    fprintf(stderr, "synack trace: --format: expected png, svg, both or none, got '%s'\n",
            format);
    return 2;
  }
  if (conn < 0 || replication < 0 || replication > G_MAXUINT32 || point < 0 ||
      point > G_MAXUINT32) {
    fprintf(stderr, "synack trace: %s must be >= 0\n",
            conn < 0 ? "--conn" : point < 0 || point > G_MAXUINT32 ? "--point" : "--replication");
    return 2;
  }
  const char *dir = argv[1];
  if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
    fprintf(stderr, "synack trace: no folder '%s' (give the output folder of "
            "`synack run --trace -o DIR`)\n", dir);
    return 2;
  }
  g_autofree char *path = g_build_filename(dir, "trace.csv", NULL);
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    fprintf(stderr, "synack trace: no trace in '%s': %s is missing (run the experiment "
            "with --trace)\n", dir, path);
    return 2;
  }
  g_autoptr(ExpTrace) trace = exp_trace_load(path, (guint)point, &err);
  guint run = 0;
  if (trace == NULL ||
      !exp_trace_find_run(trace, variant, (guint)replication, &run, &err)) {
    fprintf(stderr, "synack trace: %s\n", err->message);
    return 2;
  }
  g_autoptr(GString) out = g_string_new(NULL);
  if (list) {
    exp_trace_format_list(trace, run, out);
    fputs(out->str, stdout);
    return 0;
  }
  g_autoptr(ExpLadder) ladder = exp_ladder_new(trace, run, (guint64)conn, &err);
  if (ladder == NULL) {
    fprintf(stderr, "synack trace: %s\n", err->message);
    return 2;
  }
  exp_ladder_render_text(ladder, out);
  fputs(out->str, stdout);
  fflush(stdout);
  if (!figure)
    return 0;

  g_autofree char *figdir = g_build_filename(dir, "figures", NULL);
  g_autofree char *base = exp_ladder_basename(ladder);
  g_autofree char *script = g_strconcat(base, ".gp", NULL);
  if (!exp_ladder_write_gnuplot(ladder, figdir, base, fmt, &err)) {
    fprintf(stderr, "synack trace: %s\n", err->message);
    return 1;
  }
  g_autofree char *gnuplot = exp_gnuplot_find(NULL, &err);
  if (gnuplot == NULL) {
    fprintf(stderr, "synack trace: figure skipped: %s\n"
            "  install gnuplot (apt-get install gnuplot-nox, or ./scripts/setup) or set "
            "SYNACK_GNUPLOT;\n  then: cd %s && gnuplot %s\n", err->message, figdir, script);
    return 0;
  }
  const char *args[] = { script, NULL };
  if (!exp_gnuplot_run(gnuplot, figdir, args, &err)) {
    fprintf(stderr, "synack trace: figure not made: %s\n", err->message);
    return 1;
  }
  printf("\nfigure:");
  if (fmt & EXP_LADDER_PNG)
    printf(" %s/%s.png", figdir, base);
  if (fmt & EXP_LADDER_SVG)
    printf(" %s/%s.svg", figdir, base);
  printf("\n");
  return 0;
}
