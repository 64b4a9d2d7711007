/* Tests for experiments/exp_plot.c: the numbers each kind of figure draws, computed from
 * a small output folder written by hand (exact .dat contents; a swept one too), the figures gnuplot makes
 * from it (PNG and SVG, and the kept script run again from figures/), what happens
 * without gnuplot or when it fails, and the load-time messages of bad [plot.NAME]
 * sections, each naming the file, the line, the section and the key. */
#include "test_util.h"
#include "exp_plot.h"
#include "experiment.h"

#include <sys/wait.h>
#include <glib/gstdio.h>

/* ---- a hand-made output folder ------------------------------------------------------ */

/* Three variants: a (handshake 2, TIME-WAIT 2 s from [tcp], link delay 5 ms by default),
 * b (handshake 3, TIME-WAIT 500 ms, the RFC preset: rto_min 1 s), c (handshake 2,
 * TIME-WAIT 4 s, link delay 1 ms). Line numbers matter to nothing here. */
static const char experiment_ini[] =
  "[experiment]\n"
  "name = tiny\n"
  "replications = 2\n"
  "\n"
  "[metrics]\n"
  "states_every = 1s\n"
  "samples = 10\n"
  "\n"
  "[tcp]\n"
  "time_wait = 2s\n"
  "\n"
  "[variant.a]\n"
  "tcp.handshake = 2\n"
  "\n"
  "[variant.b]\n"
  "tcp.handshake = 3\n"
  "tcp.time_wait = 500ms\n"
  "tcp.preset = rfc\n"
  "\n"
  "[variant.c]\n"
  "tcp.handshake = 2\n"
  "tcp.time_wait = 4s\n"
  "link.delay = 1ms\n"
  "\n"
  "[plot.bars]\n"
  "kind = bars\n"
  "y = conns_opened\n"
  "\n"
  "[plot.lines]\n"
  "kind = lines\n"
  "y = connect_time_mean\n"
  "x = tcp.time_wait\n"
  "group = tcp.handshake\n"
  "\n"
  "[plot.delay]\n"
  "kind = lines\n"
  "y = conns_opened\n"
  "x = link.access.up.delay\n"
  "variants = a, c\n"
  "\n"
  "[plot.rto]\n"
  "kind = lines\n"
  "y = conns_opened\n"
  "x = tcp.rto_min\n"
  "variants = a, b\n"
  "\n"
  "[plot.runs_cdf]\n"
  "kind = cdf\n"
  "y = segments_sent\n"
  "variants = c, a\n"
  "\n"
  "[plot.conn_cdf]\n"
  "kind = cdf\n"
  "y = connect_time\n"
  "\n"
  "[plot.states]\n"
  "kind = states\n"
  "y = ESTABLISHED, TIME-WAIT\n"
  "variants = a\n"
  "\n"
  "[plot.all_states]\n"
  "kind = states\n"
  "variants = a, b\n"
  "format = svg\n";

static const char summary_csv[] =
  "variant,metric,unit,n,mean,sd,ci95,min,max\n"
  "a,conns_opened,count,2,4,0,0,4,4\n"
  "a,connect_time_mean,s,2,0.01,0.001,0.0127,0.009,0.011\n"
  "b,conns_opened,count,2,5,1.414,12.71,4,6\n"
  "b,connect_time_mean,s,2,0.02,0,0,0.02,0.02\n"
  "c,conns_opened,count,1,3,,,3,3\n"
  "c,connect_time_mean,s,1,0.03,,,0.03,0.03\n";

static const char runs_csv[] =
  "variant,replication,seed,conns_opened,segments_sent\n"
  "a,0,1,4,10\n"
  "a,1,1,4,12\n"
  "b,0,1,4,\n"
  "b,1,1,6,11\n"
  "c,0,1,3,7\n";

static const char samples_csv[] =
  "variant,replication,sample,value\n"
  "a,0,connect_time,0.01\n"
  "a,0,completion_time,0.5\n"
  "a,1,connect_time,0.03\n"
  "a,1,connect_time,0.01\n"
  "b,0,connect_time,0.02\n";

/* replication 1 of a has no sample at 2 s: the mean there is over replication 0 only */
static const char states_csv[] =
  "variant,replication,time,CLOSED,LISTEN,SYN-SENT,SYN-RECEIVED,ESTABLISHED,FIN-WAIT-1,"
  "FIN-WAIT-2,CLOSE-WAIT,CLOSING,LAST-ACK,TIME-WAIT\n"
  "a,0,0.000000000,0,1,1,0,0,0,0,0,0,0,0\n"
  "a,0,1.000000000,0,1,0,0,2,0,0,0,0,0,1\n"
  "a,0,2.000000000,0,1,0,0,0,0,0,0,0,0,2\n"
  "a,1,0.000000000,0,1,1,0,0,0,0,0,0,0,0\n"
  "a,1,1.000000000,0,1,0,0,1,0,0,0,0,0,0\n"
  "b,0,0.000000000,0,1,0,0,0,0,0,0,0,0,0\n"
  "b,1,0.000000000,0,1,0,1,0,0,0,0,0,0,0\n";

static void
write_file(const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  CU_ASSERT_FATAL(g_file_set_contents(path, text, -1, NULL));
}

/* A new folder holding config.resolved.ini and the four CSV files above (owned). */
static char *
folder_new(void)
{
  char *dir = g_dir_make_tmp("synack-plot-XXXXXX", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  write_file(dir, "config.resolved.ini", experiment_ini);
  write_file(dir, "summary.csv", summary_csv);
  write_file(dir, "runs.csv", runs_csv);
  write_file(dir, "samples.csv", samples_csv);
  write_file(dir, "states.csv", states_csv);
  return dir;
}

static Experiment *
folder_experiment(const char *dir)
{
  g_autofree char *ini = g_build_filename(dir, "config.resolved.ini", NULL);
  GError *err = NULL;
  Experiment *e = experiment_load(ini, NULL, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  unexpected error:\n%s\n", err->message);
    g_error_free(err);
  }
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  return e;
}

/* The .dat text of figure @name must be exactly @want. */
static void
assert_data(const char *name, const char *want)
{
  g_autofree char *dir = folder_new();
  g_autoptr(Experiment) e = folder_experiment(dir);
  GError *err = NULL;
  g_autofree char *got = exp_plot_data(e, dir, name, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  %s: %s\n", name, err->message);
    g_error_free(err);
  }
  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  if (strcmp(got, want) != 0) {
    fprintf(stderr, "\n  %s.dat is\n%s\n  expected\n%s\n", name, got, want);
    CU_FAIL("wrong figure data");
  } else {
    CU_PASS("figure data as expected");
  }
  test_remove_tree(dir);
}

/* ---- the numbers of each kind ------------------------------------------------------- */

static void
bars_are_mean_and_ci_per_variant(void)
{
  assert_data("bars",
    "# bars: conns_opened by variant, mean and 95 % CI half-width over the replications "
    "(summary.csv)\n"
    "# columns: variant mean ci95 n\n"
    "# a\na 4 0 2\n\n\n"
    "# b\nb 5 12.71 2\n\n\n"
    "# c\nc 3 0 1\n");   /* an empty ci95 (one replication) is drawn as 0 */
}

static void
lines_group_variants_and_sort_by_x(void)
{
  assert_data("lines",
    "# lines: connect_time_mean against tcp.time_wait, one line per tcp.handshake, mean "
    "and 95 % CI half-width over the replications (summary.csv)\n"
    "# columns: x mean ci95 variant\n"
    "# tcp.handshake = 2\n"
    "2 0.01 0.0127 a\n"
    "4 0.03 0 c\n\n\n"
    "# tcp.handshake = 3\n"
    "0.5 0.02 0 b\n");
}

static void
lines_x_follows_the_link_fallbacks(void)
{
  /* [link.access.up] delay: a has none anywhere (the 5 ms default), c sets [link] */
  assert_data("delay",
    "# delay: conns_opened against link.access.up.delay, mean and 95 % CI half-width over "
    "the replications (summary.csv)\n"
    "# columns: x mean ci95 variant\n"
    "# conns_opened\n"
    "0.001 3 0 c\n"
    "0.005 4 0 a\n");
}

static void
lines_x_follows_the_tcp_preset(void)
{
  /* rto_min is set nowhere: Linux's 200 ms for a, the RFC's 1 s for b */
  assert_data("rto",
    "# rto: conns_opened against tcp.rto_min, mean and 95 % CI half-width over the "
    "replications (summary.csv)\n"
    "# columns: x mean ci95 variant\n"
    "# conns_opened\n"
    "0.2 4 0 a\n"
    "1 5 12.71 b\n");
}

static void
cdf_of_a_metric_is_over_runs(void)
{
  /* in the order listed; b is not drawn, its empty field would be skipped */
  assert_data("runs_cdf",
    "# runs_cdf: empirical CDF of segments_sent per variant, one value per run (runs.csv)\n"
    "# columns: value fraction\n"
    "# c\n7 0\n7 1\n\n\n"
    "# a\n10 0\n10 0.5\n12 1\n");
}

static void
cdf_of_a_sample_pools_connections_of_all_replications(void)
{
  /* ties make one step; completion_time rows are not connect_time; c has no sample */
  assert_data("conn_cdf",
    "# conn_cdf: empirical CDF of connect_time per variant, every connection of every "
    "replication (samples.csv)\n"
    "# columns: value fraction\n"
    "# a\n0.01 0\n0.01 0.6666666667\n0.03 1\n\n\n"
    "# b\n0.02 0\n0.02 1\n");
}

static void
states_are_means_over_the_replications_sampled(void)
{
  assert_data("states",
    "# states: connections per state over time, mean over the replications sampled at "
    "each time (states.csv)\n"
    "# columns: time connections\n"
    "# ESTABLISHED\n0 0\n1 1.5\n2 0\n\n\n"
    "# TIME-WAIT\n0 0\n1 0.5\n2 2\n");
}

static void
states_default_to_those_ever_occupied(void)
{
  assert_data("all_states",
    "# all_states: connections per state over time, mean over the replications sampled "
    "at each time (states.csv)\n"
    "# columns: time connections\n"
    "# a LISTEN\n0 1\n1 1\n2 1\n\n\n"
    "# a SYN-SENT\n0 1\n1 0\n2 0\n\n\n"
    "# a SYN-RECEIVED\n0 0\n1 0\n2 0\n\n\n"
    "# a ESTABLISHED\n0 0\n1 1.5\n2 0\n\n\n"
    "# a TIME-WAIT\n0 0\n1 0.5\n2 2\n\n\n"
    "# b LISTEN\n0 1\n\n\n"
    "# b SYN-SENT\n0 0\n\n\n"
    "# b SYN-RECEIVED\n0 0.5\n\n\n"
    "# b ESTABLISHED\n0 0\n\n\n"
    "# b TIME-WAIT\n0 0\n");
}

static void
missing_csv_is_an_input_error_naming_it(void)
{
  g_autofree char *dir = folder_new();
  g_autoptr(Experiment) e = folder_experiment(dir);
  g_autofree char *states = g_build_filename(dir, "states.csv", NULL);
  g_unlink(states);
  GError *err = NULL;
  g_autofree char *got = exp_plot_data(e, dir, "states", &err);
  CU_ASSERT_PTR_NULL(got);
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  CU_ASSERT(g_error_matches(err, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT));
  CU_ASSERT_PTR_NOT_NULL(strstr(err->message, states));
  g_clear_error(&err);
  got = exp_plot_data(e, dir, "nosuch", &err);
  CU_ASSERT_PTR_NULL(got);
  CU_ASSERT(g_error_matches(err, EXP_PLOT_ERROR, EXP_PLOT_ERROR_NO_FIGURE));
  g_clear_error(&err);
  test_remove_tree(dir);
}

/* ---- the figures -------------------------------------------------------------------- */

static gboolean
have_gnuplot(void)
{
  g_autofree char *p = g_find_program_in_path("gnuplot");
  if (p == NULL)
    fprintf(stderr, "\n  gnuplot is not installed (./scripts/setup installs it)\n");
  return p != NULL;
}

static void
assert_png(const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename(dir, "figures", name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &data, &len, NULL)) {
    fprintf(stderr, "\n  no %s\n", path);
    CU_FAIL("image missing");
    return;
  }
  CU_ASSERT(len > 4096);   /* a drawn figure, not an empty canvas */
  CU_ASSERT(len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0);
}

static void
assert_svg(const char *dir, const char *name, const char *title)
{
  g_autofree char *path = g_build_filename(dir, "figures", name, NULL);
  g_autofree char *data = NULL;
  if (!g_file_get_contents(path, &data, NULL, NULL)) {
    fprintf(stderr, "\n  no %s\n", path);
    CU_FAIL("image missing");
    return;
  }
  CU_ASSERT_PTR_NOT_NULL(strstr(data, "<svg"));
  if (strstr(data, title) == NULL) {
    fprintf(stderr, "\n  %s lacks its title '%s'\n", path, title);
    CU_FAIL("title missing");
  }
}

static void
figures_are_png_and_svg_images(void)
{
  CU_ASSERT_FATAL(have_gnuplot());
  g_autofree char *dir = folder_new();
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func(g_free);
  ExpPlotOptions opt = { .gnuplot = "gnuplot" };
  GError *err = NULL;
  gboolean ok = exp_plot_folder(dir, &opt, made, &err);
  if (err != NULL)
    fprintf(stderr, "\n  %s\n", err->message);
  CU_ASSERT_FATAL(ok);
  /* 7 figures in both formats, all_states in SVG only */
  CU_ASSERT_EQUAL(made->len, 15);
  assert_png(dir, "bars.png");
  assert_svg(dir, "bars.svg", "tiny: conns_opened by variant (mean, 95 % CI)");
  assert_png(dir, "lines.png");
  assert_svg(dir, "lines.svg", "tcp.handshake = 3");
  assert_png(dir, "runs_cdf.png");
  assert_png(dir, "conn_cdf.png");
  assert_png(dir, "states.png");
  assert_svg(dir, "all_states.svg", "tiny: connections per state (mean over replications)");
  g_autofree char *no_png = g_build_filename(dir, "figures", "all_states.png", NULL);
  CU_ASSERT_FALSE(g_file_test(no_png, G_FILE_TEST_EXISTS));
  /* nothing left under a temporary name */
  g_autofree char *figdir = g_build_filename(dir, "figures", NULL);
  g_autoptr(GDir) d = g_dir_open(figdir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name(d)) != NULL)
    CU_ASSERT(name[0] != '.');
  test_remove_tree(dir);
}

static void
kept_script_runs_again_from_the_figures_folder(void)
{
  CU_ASSERT_FATAL(have_gnuplot());
  g_autofree char *dir = folder_new();
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func(g_free);
  ExpPlotOptions opt = { .only = "lines", .format = "png" };
  CU_ASSERT_FATAL(exp_plot_folder(dir, &opt, made, NULL));
  CU_ASSERT_EQUAL(made->len, 1);
  g_autofree char *figdir = g_build_filename(dir, "figures", NULL);
  g_autofree char *png = g_build_filename(figdir, "lines.png", NULL);
  CU_ASSERT_EQUAL(g_unlink(png), 0);
  /* as a user would: cd DIR/figures && gnuplot lines.gp; the templates are not needed */
  char *argv[] = { "gnuplot", "lines.gp", NULL };
  int status = -1;
  CU_ASSERT(g_spawn_sync(figdir, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                         &status, NULL));
  CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  assert_png(dir, "lines.png");
  test_remove_tree(dir);
}

static void
missing_gnuplot_is_its_own_error_and_keeps_the_scripts(void)
{
  g_autofree char *dir = folder_new();
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *saved = g_strdup(g_getenv("SYNACK_GNUPLOT"));
  g_setenv("SYNACK_GNUPLOT", "/nonexistent", TRUE);
  ExpPlotOptions opt = { 0 };
  GError *err = NULL;
  gboolean ok = exp_plot_folder(dir, &opt, made, &err);
  if (saved != NULL)
    g_setenv("SYNACK_GNUPLOT", saved, TRUE);
  else
    g_unsetenv("SYNACK_GNUPLOT");
  CU_ASSERT_FALSE(ok);
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  CU_ASSERT(g_error_matches(err, EXP_PLOT_ERROR, EXP_PLOT_ERROR_NO_GNUPLOT));
  CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "/nonexistent"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "apt-get install gnuplot-nox"));
  g_clear_error(&err);
  CU_ASSERT_EQUAL(made->len, 0);
  /* the data and the scripts are there for later; a variant keeps its colour: c is the
   * third colour of the palette whether it is drawn first (runs_cdf) or last (bars) */
  g_autofree char *gp = g_build_filename(dir, "figures", "runs_cdf.gp", NULL);
  g_autofree char *text = NULL;
  CU_ASSERT_FATAL(g_file_get_contents(gp, &text, NULL, NULL));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "array series_color[2] = ['#228833', '#4477aa']"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "datafile = 'runs_cdf.dat'"));
  g_autofree char *bars = g_build_filename(dir, "figures", "bars.gp", NULL);
  g_autofree char *btext = NULL;
  CU_ASSERT_FATAL(g_file_get_contents(bars, &btext, NULL, NULL));
  CU_ASSERT_PTR_NOT_NULL(strstr(btext, "array series_color[3] = ['#4477aa', '#ee6677', "
                                       "'#228833']"));
  g_autofree char *png = g_build_filename(dir, "figures", "bars.png", NULL);
  CU_ASSERT_FALSE(g_file_test(png, G_FILE_TEST_EXISTS));
  test_remove_tree(dir);
}

static void
failing_gnuplot_names_the_figure_and_quotes_it(void)
{
  CU_ASSERT_FATAL(have_gnuplot());
  g_autofree char *dir = folder_new();
  g_autofree char *tdir = g_build_filename(dir, "templates", NULL);
  CU_ASSERT_FATAL(g_mkdir(tdir, 0777) == 0);
  write_file(tdir, "bars.gp", "set terminal pngcairo\nset output out_png\n"
                              "plot no_such_function(x)\n");
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func(g_free);
  ExpPlotOptions opt = { .only = "bars", .templates = tdir };
  GError *err = NULL;
  CU_ASSERT_FALSE(exp_plot_folder(dir, &opt, made, &err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  CU_ASSERT(g_error_matches(err, EXP_PLOT_ERROR, EXP_PLOT_ERROR_GNUPLOT));
  CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "figure bars: gnuplot failed"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "no_such_function"));
  g_clear_error(&err);
  /* no image under its name, and no partial one left */
  g_autofree char *figdir = g_build_filename(dir, "figures", NULL);
  g_autoptr(GDir) d = g_dir_open(figdir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name(d)) != NULL)
    CU_ASSERT(g_str_has_suffix(name, ".gp") || g_str_has_suffix(name, ".dat"));
  test_remove_tree(dir);
}

static void
missing_folder_and_unknown_figure_are_input_errors(void)
{
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func(g_free);
  ExpPlotOptions opt = { 0 };
  GError *err = NULL;
  CU_ASSERT_FALSE(exp_plot_folder("/nonexistent/synack-out", &opt, made, &err));
  CU_ASSERT(g_error_matches(err, EXP_PLOT_ERROR, EXP_PLOT_ERROR_INPUT));
  CU_ASSERT_PTR_NOT_NULL(err ? strstr(err->message, "/nonexistent/synack-out") : NULL);
  g_clear_error(&err);
  g_autofree char *dir = folder_new();
  opt.only = "lnes";
  CU_ASSERT_FALSE(exp_plot_folder(dir, &opt, made, &err));
  CU_ASSERT(g_error_matches(err, EXP_PLOT_ERROR, EXP_PLOT_ERROR_NO_FIGURE));
  CU_ASSERT_PTR_NOT_NULL(err ? strstr(err->message, "did you mean 'lines'?") : NULL);
  g_clear_error(&err);
  CU_ASSERT_EQUAL(made->len, 0);
  test_remove_tree(dir);
}

/* ---- bad [plot.NAME] sections --------------------------------------------------------- */

/* Loads @text saved as a file, which must fail; each of @want (NULL-terminated, "%s"
 * standing for the file's path) must be a line of the message. */
static void
assert_load_problems(const char *text, const char *const *want, guint n_lines)
{
  g_autofree char *dir = g_dir_make_tmp("synack-plot-XXXXXX", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  write_file(dir, "bad.ini", text);
  g_autofree char *path = g_build_filename(dir, "bad.ini", NULL);
  GError *err = NULL;
  Experiment *e = experiment_load(path, NULL, &err);
  CU_ASSERT_PTR_NULL(e);
  experiment_free(e);
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  g_auto(GStrv) lines = g_strsplit(err->message, "\n", -1);
  for (const char *const *w = want; *w; w++) {
    g_autofree char *line = g_strdup_printf(*w, path);
    gboolean found = FALSE;
    for (char **l = lines; *l && !found; l++)
      found = strcmp(*l, line) == 0;
    if (!found) {
      fprintf(stderr, "\n  message\n%s\n  lacks the line\n%s\n", err->message, line);
      CU_FAIL("expected problem not reported");
    }
  }
  if (g_strv_length(lines) != n_lines) {
    fprintf(stderr, "\n  %u problems, expected %u:\n%s\n", g_strv_length(lines), n_lines,
            err->message);
    CU_FAIL("wrong number of problems");
  }
  g_clear_error(&err);
  test_remove_tree(dir);
}

static void
bad_plot_keys_are_named_by_file_line_section_and_key(void)
{
  static const char text[] =
    "[experiment]\n"                 /* 1 */
    "name = bad_plots\n"
    "\n"
    "[variant.a]\n"
    "tcp.handshake = 2\n"            /* 5 */
    "\n"
    "[plot.unknown_metric]\n"
    "kind = bars\n"
    "y = wasted_conections\n"        /* 9 */
    "\n"
    "[plot.bad_x]\n"
    "kind = lines\n"
    "y = conns_opened\n"
    "x = tcp.time_wiat\n"            /* 14 */
    "\n"
    "[plot.states_off]\n"
    "kind = states\n"                /* 17 */
    "\n"
    "[plot.samples_off]\n"
    "kind = cdf\n"
    "y = connect_time\n"             /* 21 */
    "\n"
    "[plot.no_kind]\n"               /* 23 */
    "y = conns_opened\n"
    "\n"
    "[plot.bad_variant]\n"
    "kind = bars\n"
    "y = conns_opened\n"
    "variants = a, nosuch\n"         /* 29 */
    "\n"
    "[plot.enum_x]\n"
    "kind = lines\n"
    "y = conns_opened\n"
    "x = tcp.isn\n"                  /* 34 */
    "\n"
    "[plot.kind_typo]\n"
    "kind = pie\n";                  /* 37 */
  static const char *const want[] = {
    "%s:9: [plot.unknown_metric] y: unknown metric 'wasted_conections'; did you mean "
    "'wasted_connections'? (synack keys metrics lists them)",
    "%s:14: [plot.bad_x] x: 'tcp.time_wiat' is not a key (expected section.key, such as "
    "tcp.time_wait or link.access.up.hold); did you mean 'tcp.time_wait'?",
    "%s:17: [plot.states_off] kind: a states figure draws states.csv, which needs [metrics] "
    "states_every > 0 (such as states_every = 1s)",
    "%s:21: [plot.samples_off] y: 'connect_time' is a per-connection sample of samples.csv, "
    "which needs [metrics] samples > 0 (such as samples = 1000)",
    "%s:23: [plot.no_kind] kind: required key is missing",
    "%s:29: [plot.bad_variant] variants: no variant 'nosuch'",
    "%s:34: [plot.enum_x] x: 'tcp.isn' is a choice, not a number: it cannot be an x "
    "coordinate (use it as group)",
    NULL,
  };
  /* the seven above and the schema's word on kind = pie */
  assert_load_problems(text, want, 8);
}

static void
plot_checks_that_need_the_variants(void)
{
  static const char text[] =
    "[experiment]\n"                 /* 1 */
    "name = bad_plots\n"
    "\n"
    "[metrics]\n"
    "report = conns_opened\n"        /* 5 */
    "states_every = 1s\n"
    "\n"
    "[variant.a]\n"
    "tcp.handshake = 2\n"
    "\n"                             /* 10 */
    "[plot.no_value]\n"
    "kind = lines\n"
    "y = conns_opened\n"
    "x = flooder.port\n"             /* 14 */
    "\n"
    "[plot.unreported]\n"
    "kind = bars\n"
    "y = conns_completed\n"          /* 18 */
    "\n"
    "[plot.bad_state]\n"
    "kind = states\n"
    "y = ESTABLISHED, TIME_WAIT\n"   /* 22 */
    "\n"
    "[plot.bad.name]\n"              /* 24 */
    "kind = bars\n"
    "y = conns_opened\n"
    "\n"
    "[plot.bad_group]\n"
    "kind = lines\n"
    "y = conns_opened\n"
    "x = tcp.time_wait\n"
    "group = variant.a\n";           /* 32 */
  static const char *const want[] = {
    "%s:14: [plot.no_value] x: 'flooder.port' has no value in variant a",
    "%s:18: [plot.unreported] y: metric 'conns_completed' is not reported: add it to "
    "[metrics] report",
    "%s:22: [plot.bad_state] y: unknown state 'TIME_WAIT'; did you mean 'TIME-WAIT'? "
    "(states are named as in RFC 9293: ESTABLISHED, TIME-WAIT, ...)",
    "%s:24: [plot.bad.name]: a figure's name is letters, digits, '_' and '-' (it names the "
    "figure's files)",
    "%s:32: [plot.bad_group] group: 'variant.a' is not a key (expected section.key, such "
    "as tcp.time_wait or link.access.up.hold)",
    NULL,
  };
  assert_load_problems(text, want, 5);
}

static void
good_plot_sections_load(void)
{
  g_autofree char *dir = folder_new();
  g_autoptr(Experiment) e = folder_experiment(dir);
  CU_ASSERT(exp_plot_declared(e));
  test_remove_tree(dir);
}

/* ---- a swept folder ----------------------------------------------------------------- */

/* Two variants run at two points (TIME-WAIT 1 s and 2 s); summary.csv has the point
 * column and the swept key's, its rows out of order. */
static const char swept_ini[] =
  "[experiment]\n"
  "name = swept\n"
  "\n"
  "[sweep]\n"
  "tcp.time_wait = 2s, 1s\n"
  "\n"
  "[variant.a]\n"
  "tcp.handshake = 2\n"
  "\n"
  "[variant.b]\n"
  "tcp.handshake = 3\n"
  "\n"
  "[plot.by_variant]\n"
  "kind = lines\n"
  "y = conns_opened\n"
  "x = tcp.time_wait\n"
  "group = variant\n"
  "\n"
  "[plot.by_handshake]\n"
  "kind = lines\n"
  "y = conns_opened\n"
  "x = tcp.time_wait\n"
  "group = tcp.handshake\n"
  "variants = b\n"
  "\n"
  "[plot.bars]\n"
  "kind = bars\n"
  "y = conns_opened\n"
  "\n"
  "[plot.runs_cdf]\n"
  "kind = cdf\n"
  "y = conns_opened\n"
  "variants = a\n";

static const char swept_summary_csv[] =
  "variant,point,tcp.time_wait,metric,unit,n,mean,sd,ci95,min,max\n"
  "a,1,1s,conns_opened,count,2,4,0,0,4,4\n"
  "a,0,2s,conns_opened,count,2,5,0.5,0.5,4,6\n"
  "b,0,2s,conns_opened,count,2,7,0,0,7,7\n"
  "b,1,1s,conns_opened,count,2,6,0,0,6,6\n";

static const char swept_runs_csv[] =
  "variant,point,tcp.time_wait,replication,seed,conns_opened\n"
  "a,0,2s,0,1,4\n"
  "a,0,2s,1,1,6\n"
  "a,1,1s,0,1,4\n"
  "a,1,1s,1,1,4\n";

static void
assert_swept_data(const char *name, const char *want)
{
  g_autofree char *dir = g_dir_make_tmp("synack-plot-XXXXXX", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  write_file(dir, "config.resolved.ini", swept_ini);
  write_file(dir, "summary.csv", swept_summary_csv);
  write_file(dir, "runs.csv", swept_runs_csv);
  g_autoptr(Experiment) e = folder_experiment(dir);
  GError *err = NULL;
  g_autofree char *got = exp_plot_data(e, dir, name, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  %s: %s\n", name, err->message);
    g_error_free(err);
  }
  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  if (strcmp(got, want) != 0) {
    fprintf(stderr, "\n  %s.dat is\n%s\n  expected\n%s\n", name, got, want);
    CU_FAIL("wrong figure data");
  } else {
    CU_PASS("figure data as expected");
  }
  test_remove_tree(dir);
}

static void
swept_lines_have_a_point_per_variant_and_point(void)
{
  /* x from each (variant, point)'s config, y from the row of that variant and point */
  assert_swept_data("by_variant",
    "# by_variant: conns_opened against tcp.time_wait, one line per variant, mean and 95 % "
    "CI half-width over the replications (summary.csv)\n"
    "# columns: x mean ci95 variant point\n"
    "# a\n"
    "1 4 0 a 1\n"
    "2 5 0.5 a 0\n\n\n"
    "# b\n"
    "1 6 0 b 1\n"
    "2 7 0 b 0\n");
  assert_swept_data("by_handshake",
    "# by_handshake: conns_opened against tcp.time_wait, one line per tcp.handshake, mean "
    "and 95 % CI half-width over the replications (summary.csv)\n"
    "# columns: x mean ci95 variant point\n"
    "# tcp.handshake = 3\n"
    "1 6 0 b 1\n"
    "2 7 0 b 0\n");
}

static void
swept_bars_and_cdfs_are_per_variant_and_point(void)
{
  assert_swept_data("bars",
    "# bars: conns_opened by variant and point, mean and 95 % CI half-width over the "
    "replications (summary.csv)\n"
    "# columns: variant mean ci95 n\n"
    "# a tcp.time_wait=2s\n\"a tcp.time_wait=2s\" 5 0.5 2\n\n\n"
    "# a tcp.time_wait=1s\n\"a tcp.time_wait=1s\" 4 0 2\n\n\n"
    "# b tcp.time_wait=2s\n\"b tcp.time_wait=2s\" 7 0 2\n\n\n"
    "# b tcp.time_wait=1s\n\"b tcp.time_wait=1s\" 6 0 2\n");
  assert_swept_data("runs_cdf",
    "# runs_cdf: empirical CDF of conns_opened per variant, one value per run (runs.csv)\n"
    "# columns: value fraction\n"
    "# a tcp.time_wait=2s\n4 0\n4 0.5\n6 1\n\n\n"
    "# a tcp.time_wait=1s\n4 0\n4 1\n");
}

static void
group_may_be_the_variant_but_not_another_word(void)
{
  static const char text[] =
    "[experiment]\n"
    "name = bad_group\n"
    "\n"
    "[sweep]\n"
    "tcp.time_wait = 1s, 2s\n"
    "\n"
    "[plot.bad]\n"
    "kind = lines\n"
    "y = conns_opened\n"
    "x = tcp.time_wait\n"
    "group = variants\n";        /* 11 */
  static const char *const want[] = {
    "%s:11: [plot.bad] group: 'variants' is not a key (expected section.key, such as "
    "tcp.time_wait or link.access.up.hold)",
    NULL,
  };
  assert_load_problems(text, want, 1);
}

void test_plot_register(void);
void
test_plot_register(void)
{
  static const CU_TestInfo tests[] = {
    { "bars_are_mean_and_ci_per_variant", bars_are_mean_and_ci_per_variant },
    { "lines_group_variants_and_sort_by_x", lines_group_variants_and_sort_by_x },
    { "lines_x_follows_the_link_fallbacks", lines_x_follows_the_link_fallbacks },
    { "lines_x_follows_the_tcp_preset", lines_x_follows_the_tcp_preset },
    { "cdf_of_a_metric_is_over_runs", cdf_of_a_metric_is_over_runs },
    { "cdf_of_a_sample_pools_connections_of_all_replications",
      cdf_of_a_sample_pools_connections_of_all_replications },
    { "states_are_means_over_the_replications_sampled",
      states_are_means_over_the_replications_sampled },
    { "states_default_to_those_ever_occupied", states_default_to_those_ever_occupied },
    { "missing_csv_is_an_input_error_naming_it", missing_csv_is_an_input_error_naming_it },
    { "figures_are_png_and_svg_images", figures_are_png_and_svg_images },
    { "kept_script_runs_again_from_the_figures_folder",
      kept_script_runs_again_from_the_figures_folder },
    { "missing_gnuplot_is_its_own_error_and_keeps_the_scripts",
      missing_gnuplot_is_its_own_error_and_keeps_the_scripts },
    { "failing_gnuplot_names_the_figure_and_quotes_it",
      failing_gnuplot_names_the_figure_and_quotes_it },
    { "missing_folder_and_unknown_figure_are_input_errors",
      missing_folder_and_unknown_figure_are_input_errors },
    { "bad_plot_keys_are_named_by_file_line_section_and_key",
      bad_plot_keys_are_named_by_file_line_section_and_key },
    { "plot_checks_that_need_the_variants", plot_checks_that_need_the_variants },
    { "good_plot_sections_load", good_plot_sections_load },
    { "swept_lines_have_a_point_per_variant_and_point",
      swept_lines_have_a_point_per_variant_and_point },
    { "swept_bars_and_cdfs_are_per_variant_and_point",
      swept_bars_and_cdfs_are_per_variant_and_point },
    { "group_may_be_the_variant_but_not_another_word",
      group_may_be_the_variant_but_not_another_word },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("plot", tests);
}
