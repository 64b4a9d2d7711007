/* Tests for the shipped experiments on connection set-up (experiments/configs/):
 * handshake (C1-C5), two_way_wasted (C6), handshake_cost (C7) and syn_flood_data (C8).
 * Each is loaded as shipped, shrunk with overrides (fewer connections or replications)
 * so that it runs in well under a second, run variant by variant with exp_run_one,
 * and checked on its figures; the shipped [verdict] expect must hold on them too. A last
 * test runs one through the whole runner twice, on one thread and on two, and compares
 * the output files byte for byte. */
#include "test_util.h"
#include "exp_run.h"
#include "exp_runner.h"
#include "experiment.h"

#include <glib/gstdio.h>
#include <math.h>

#ifndef SYNACK_CONFIG_DIR
#error "SYNACK_CONFIG_DIR must name the folder of the shipped experiments"
#endif

/* The shipped experiment @name, loaded with @overrides; fails the test if it does not
 * load. */
static Experiment *
load_shipped(const char *name, const char *const *overrides)
{
  g_autofree char *file = g_strconcat(name, ".ini", NULL);
  g_autofree char *path = g_build_filename(SYNACK_CONFIG_DIR, file, NULL);
  GError *err = NULL;
  Experiment *e = experiment_load(path, overrides, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  %s: %s\n", path, err->message);
    g_error_free(err);
  }
  return e;
}

/* The mean of every metric over the replications of each variant of @e, as the runner
 * computes it: figures[v * exp_metric_count() + m]. */
typedef struct {
  const Experiment *e;
  double *figures;
} Figures;

static gboolean
run_all(const Experiment *e, Figures *out)
{
  guint nm = exp_metric_count(), nv = e->variants->len;
  out->e = e;
  out->figures = g_new0(double, (gsize)nv * nm);
  g_autofree double *values = g_new0(double, nm);
  for (guint v = 0; v < nv; v++) {
    const ExpVariant *var = g_ptr_array_index(e->variants, v);
    for (guint r = 0; r < e->replications; r++) {
      GError *err = NULL;
      ExpRunInfo info;
      if (!exp_run_one(var->cfg, r, values, &info, &err)) {
        fprintf(stderr, "\n  %s, replication %u: %s\n", var->name, r,
                err ? err->message : "failed");
        g_clear_error(&err);
        g_clear_pointer(&out->figures, g_free);
        return FALSE;
      }
      for (guint m = 0; m < nm; m++)
        out->figures[v * nm + m] += values[m];
    }
    for (guint m = 0; m < nm; m++)
      out->figures[v * nm + m] /= e->replications;
  }
  return TRUE;
}

/* The mean of @metric over @variant's replications; NaN (which fails any comparison
 * but !=) and a failed test for an unknown variant or metric. */
static double
fig(const Figures *f, const char *variant, const char *metric)
{
  int m = exp_metric_find(metric);
  for (guint v = 0; m >= 0 && v < f->e->variants->len; v++)
    if (strcmp(((const ExpVariant *)g_ptr_array_index(f->e->variants, v))->name,
               variant) == 0)
      return f->figures[v * exp_metric_count() + (guint)m];
  fprintf(stderr, "\n  no figure '%s.%s'\n", variant, metric);
  CU_FAIL("unknown variant or metric");
  return NAN;
}

static gboolean
lookup(const char *variant, const char *metric, double *value, void *user)
{
  const Figures *f = user;
  int m = exp_metric_find(metric);
  for (guint v = 0; m >= 0 && v < f->e->variants->len; v++)
    if (variant == NULL ||
        strcmp(((const ExpVariant *)g_ptr_array_index(f->e->variants, v))->name,
               variant) == 0) {
      *value = f->figures[v * exp_metric_count() + (guint)m];
      return TRUE;
    }
  return FALSE;
}

/* Whether the experiment's own [verdict] expect comes out as @want on @f; prints the
 * figures when it does not (and fails the test when it cannot be evaluated). */
static gboolean
verdict_is(const Figures *f, gboolean want)
{
  CU_ASSERT_PTR_NOT_NULL_FATAL(f->e->verdict);
  gboolean holds = FALSE;
  GError *err = NULL;
  g_autoptr(GString) figures = g_string_new(NULL);
  gboolean ok = exp_verdict_eval(f->e->verdict, lookup, (void *)f, &holds, figures, &err);
  if (!ok) {
    fprintf(stderr, "\n  verdict: %s\n", err->message);
    g_error_free(err);
  }
  CU_ASSERT_TRUE(ok);
  if (ok && holds != want)
    fprintf(stderr, "\n  %s: the verdict %s: %s\n", f->e->name,
            holds ? "holds" : "does not hold", figures->str);
  return ok && holds == want;
}

static void
figures_clear(Figures *f)
{
  g_free(f->figures);
  f->figures = NULL;
}

/* ---- handshake (C1-C5) -------------------------------------------------------------- */

static void
handshake_opens_in_one_rtt_with_nothing_retransmitted(void)
{
  const char *const set[] = { "experiment.replications=1", "client.conns=5", NULL };
  g_autoptr(Experiment) e = load_shipped("handshake", set);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL_FATAL(e->variants->len, 2);
  Figures f;
  CU_ASSERT_TRUE_FATAL(run_all(e, &f));
  const char *names[2] = { "rtt_10ms", "rtt_100ms" };
  const double rtt[2] = { 0.010, 0.100 };
  for (int i = 0; i < 2; i++) {
    const char *v = names[i];
    double opened = fig(&f, v, "conns_opened");
    CU_ASSERT_EQUAL(opened, 5);
    CU_ASSERT_EQUAL(fig(&f, v, "conns_completed"), 5);
    CU_ASSERT_EQUAL(fig(&f, v, "conns_failed"), 0);
    /* C1: the server listened the whole run */
    CU_ASSERT_TRUE(fig(&f, v, "time_listen") > 0);
    CU_ASSERT_EQUAL(fig(&f, v, "time_listen"), fig(&f, v, "sim_seconds"));
    /* C2, C3: one RTT in SYN-SENT at the client, one in SYN-RECEIVED at the server */
    double syn_sent = fig(&f, v, "time_syn_sent") / opened;
    double syn_rcvd = fig(&f, v, "time_syn_received") / opened;
    CU_ASSERT_TRUE(syn_sent >= rtt[i] && syn_sent < rtt[i] + 0.0005);
    CU_ASSERT_TRUE(syn_rcvd >= rtt[i] && syn_rcvd < rtt[i] + 0.0005);
    /* C4, C5: both ends ESTABLISHED, connect() done after one RTT */
    CU_ASSERT_EQUAL(fig(&f, v, "conns_established"), 2 * opened);
    double ct = fig(&f, v, "connect_time_mean");
    CU_ASSERT_TRUE(ct >= rtt[i] && ct < rtt[i] + 0.0005);   /* + serialization */
    CU_ASSERT_EQUAL(fig(&f, v, "rtx_syn"), 0);
    CU_ASSERT_EQUAL(fig(&f, v, "rtx_synack"), 0);
    CU_ASSERT_EQUAL(fig(&f, v, "segments_lost"), 0);
    /* 3 to open, request and reply with their ACKs, 4 to close */
    CU_ASSERT_EQUAL(fig(&f, v, "segments_per_conn"), 11);
  }
  CU_ASSERT_TRUE(verdict_is(&f, TRUE));
  figures_clear(&f);
}

/* ---- two_way_wasted (C6) ------------------------------------------------------------ */

/* 4 of the 10 replications, all 300 connections: 6 wasted ones in all at 1 % hold-back */
static const char *const two_way_set[] = { "experiment.replications=4", NULL };

static void
two_way_wastes_connections_on_old_syns_three_way_none(void)
{
  g_autoptr(Experiment) e = load_shipped("two_way_wasted", two_way_set);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL_FATAL(e->variants->len, 6);
  Figures f;
  CU_ASSERT_TRUE_FATAL(run_all(e, &f));
  const char *hold[3] = { "01", "05", "20" };
  double prev_wasted = 0;
  for (int i = 0; i < 3; i++) {
    g_autofree char *two = g_strconcat("two_way_", hold[i], NULL);
    g_autofree char *three = g_strconcat("three_way_", hold[i], NULL);
    double wasted = fig(&f, two, "wasted_connections");
    CU_ASSERT_TRUE(wasted > 0);
    CU_ASSERT_TRUE(wasted > prev_wasted);   /* more hold-back, more waste */
    prev_wasted = wasted;
    CU_ASSERT_TRUE(fig(&f, two, "wasted_seconds") > 0);
    /* every wasted connection is one the server accepted beyond the client's */
    CU_ASSERT_EQUAL(fig(&f, two, "server_accepted"), fig(&f, two, "conns_opened") + wasted);
    CU_ASSERT_EQUAL(fig(&f, three, "wasted_connections"), 0);
    CU_ASSERT_EQUAL(fig(&f, three, "wasted_seconds"), 0);
    CU_ASSERT_EQUAL(fig(&f, three, "wasted_bytes"), 0);
    CU_ASSERT_EQUAL(fig(&f, three, "server_accepted"), fig(&f, three, "conns_opened"));
    /* old SYNs were there for both: segments held, SYNs retransmitted */
    CU_ASSERT_TRUE(fig(&f, two, "segments_held") > 0);
    CU_ASSERT_TRUE(fig(&f, three, "segments_held") > 0);
    CU_ASSERT_TRUE(fig(&f, three, "rtx_syn") > 0);
    /* the legitimate exchanges all complete either way */
    CU_ASSERT_EQUAL(fig(&f, two, "conns_completed"), 300);
    CU_ASSERT_EQUAL(fig(&f, three, "conns_completed"), 300);
  }
  /* replies to old requests on wasted connections, in 1000-byte units */
  double bytes = fig(&f, "two_way_20", "wasted_bytes");
  CU_ASSERT_TRUE(bytes > 0);
  CU_ASSERT_DOUBLE_EQUAL(fmod(bytes * 4, 1000), 0, 1e-9);
  CU_ASSERT_TRUE(verdict_is(&f, TRUE));
  figures_clear(&f);
}

/* The verdict can fail: with every variant made three-way (a --set beats a variant)
 * nothing is wasted and the shipped rule does not hold. */
static void
two_way_wasted_verdict_fails_when_all_variants_are_three_way(void)
{
  const char *const set[] = { "experiment.replications=4", "tcp.handshake=3", NULL };
  g_autoptr(Experiment) e = load_shipped("two_way_wasted", set);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  Figures f;
  CU_ASSERT_TRUE_FATAL(run_all(e, &f));
  CU_ASSERT_EQUAL(fig(&f, "two_way_20", "wasted_connections"), 0);
  CU_ASSERT_TRUE(verdict_is(&f, FALSE));
  figures_clear(&f);
}

/* ---- handshake_cost (C7) ------------------------------------------------------------ */

static void
four_way_costs_one_segment_more_and_no_less_time(void)
{
  const char *const set[] = { "experiment.replications=1", "client.conns=5", NULL };
  g_autoptr(Experiment) e = load_shipped("handshake_cost", set);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL_FATAL(e->variants->len, 6);
  Figures f;
  CU_ASSERT_TRUE_FATAL(run_all(e, &f));
  const char *delay[3] = { "1ms", "10ms", "100ms" };
  const double rtt[3] = { 0.002, 0.020, 0.200 };
  for (int i = 0; i < 3; i++) {
    g_autofree char *three = g_strconcat("three_way_", delay[i], NULL);
    g_autofree char *four = g_strconcat("four_way_", delay[i], NULL);
    CU_ASSERT_EQUAL(fig(&f, three, "conns_completed"), 5);
    CU_ASSERT_EQUAL(fig(&f, four, "conns_completed"), 5);
    CU_ASSERT_EQUAL(fig(&f, four, "conns_established"), 10);
    CU_ASSERT_EQUAL(fig(&f, three, "segments_per_conn"), 11);
    CU_ASSERT_EQUAL(fig(&f, four, "segments_per_conn"), 12);
    double t3 = fig(&f, three, "connect_time_mean"), t4 = fig(&f, four, "connect_time_mean");
    CU_ASSERT_TRUE(t4 >= t3);
    /* one RTT either way: the extra segment costs its serialization only */
    CU_ASSERT_TRUE(t3 >= rtt[i] && t3 < rtt[i] + 0.0005);
    CU_ASSERT_TRUE(t4 >= rtt[i] && t4 < rtt[i] + 0.0005);
    CU_ASSERT_EQUAL(fig(&f, four, "rtx_syn") + fig(&f, four, "rtx_synack"), 0);
  }
  CU_ASSERT_TRUE(verdict_is(&f, TRUE));
  figures_clear(&f);
}

/* ---- syn_flood_data (C8) ------------------------------------------------------------ */

static void
syn_flood_payload_is_held_only_when_kept(void)
{
  /* the flood as shipped: a --set flooder.count would beat no_flood's count too */
  const char *const set[] = { "experiment.replications=1", "client.conns=5", NULL };
  g_autoptr(Experiment) e = load_shipped("syn_flood_data", set);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL_FATAL(e->variants->len, 5);
  Figures f;
  CU_ASSERT_TRUE_FATAL(run_all(e, &f));
  /* the SYN queue (1024) full of half-open connections, each holding 1000 bytes */
  CU_ASSERT_EQUAL(fig(&f, "buffer", "syn_data_held_peak"), 1024 * 1000);
  CU_ASSERT_EQUAL(fig(&f, "accept", "syn_data_held_peak"), 1024 * 1000);
  CU_ASSERT_EQUAL(fig(&f, "drop", "syn_data_held_peak"), 0);
  CU_ASSERT_EQUAL(fig(&f, "plain_flood", "syn_data_held_peak"), 0);
  CU_ASSERT_EQUAL(fig(&f, "no_flood", "syn_data_held_peak"), 0);
  CU_ASSERT_EQUAL(fig(&f, "buffer", "syn_data_bytes"), 5000 * 1000);
  CU_ASSERT_EQUAL(fig(&f, "drop", "syn_data_bytes"), 5000 * 1000);
  CU_ASSERT_EQUAL(fig(&f, "plain_flood", "syn_data_bytes"), 0);
  const char *flooded[4] = { "plain_flood", "drop", "buffer", "accept" };
  for (int i = 0; i < 4; i++) {
    const char *v = flooded[i];
    CU_ASSERT_EQUAL(fig(&f, v, "flood_syns"), 5000);
    /* at least every attack SYN beyond the queue's 1024 is dropped */
    CU_ASSERT_TRUE(fig(&f, v, "syn_backlog_drops") >= 5000 - 1024);
    CU_ASSERT_TRUE(fig(&f, v, "conns_failed") > 0);
    CU_ASSERT_EQUAL(fig(&f, v, "conns_completed") + fig(&f, v, "conns_failed"), 20);
  }
  CU_ASSERT_EQUAL(fig(&f, "no_flood", "flood_syns"), 1);
  CU_ASSERT_EQUAL(fig(&f, "no_flood", "syn_backlog_drops"), 0);
  CU_ASSERT_EQUAL(fig(&f, "no_flood", "conns_completed"), 20);
  CU_ASSERT_EQUAL(fig(&f, "no_flood", "conns_failed"), 0);
  CU_ASSERT_TRUE(verdict_is(&f, TRUE));
  figures_clear(&f);
}

/* ---- the runner --------------------------------------------------------------------- */

static gboolean
remove_tree(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name(dir)) != NULL) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      remove_tree(child);
    }
  }
  return g_remove(path) == 0;
}

static char *
read_out(const char *dir, const char *file)
{
  g_autofree char *path = g_build_filename(dir, file, NULL);
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    fprintf(stderr, "\n  cannot read %s\n", path);
  return text;
}

static void
runner_output_is_whole_and_the_same_on_one_thread_or_two(void)
{
  g_autoptr(Experiment) e = load_shipped("two_way_wasted", two_way_set);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  GError *err = NULL;
  g_autofree char *tmp = g_dir_make_tmp("synack-shipped-XXXXXX", &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
  g_autofree char *out1 = g_build_filename(tmp, "one", NULL);
  g_autofree char *out2 = g_build_filename(tmp, "two", NULL);
  const char *out[2] = { out1, out2 };
  ExpRunnerResult res[2] = { { 0 }, { 0 } };
  for (int k = 0; k < 2; k++) {
    ExpRunnerOptions opt = { .outdir = out[k], .jobs = (guint)(k + 1) };
    ExpRunnerStatus st = exp_runner_execute(e, &opt, &res[k], &err);
    if (err != NULL) {
      fprintf(stderr, "\n  runner: %s\n", err->message);
      g_clear_error(&err);
    }
    CU_ASSERT_EQUAL(st, EXP_RUNNER_OK);
    CU_ASSERT_STRING_EQUAL(res[k].outdir, out[k]);
    CU_ASSERT_TRUE(res[k].supported);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res[k].verdict);
    CU_ASSERT_TRUE(g_str_has_prefix(res[k].verdict, "VERDICT two_way_wasted: SUPPORTED ("));
    const char *files[] = { "config.resolved.ini", "runs.csv", "metrics.csv", "summary.csv",
                            "manifest.json", "verdict.txt" };
    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
      g_autofree char *path = g_build_filename(out[k], files[i], NULL);
      if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        fprintf(stderr, "\n  missing %s\n", path);
      CU_ASSERT_TRUE(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    }
  }
  CU_ASSERT_STRING_EQUAL(res[0].verdict, res[1].verdict);
  const char *same[] = { "runs.csv", "summary.csv", "config.resolved.ini", "verdict.txt" };
  for (guint i = 0; i < G_N_ELEMENTS(same); i++) {
    g_autofree char *a = read_out(out[0], same[i]);
    g_autofree char *b = read_out(out[1], same[i]);
    CU_ASSERT_PTR_NOT_NULL(a);
    CU_ASSERT_PTR_NOT_NULL(b);
    if (a && b && strcmp(a, b) != 0)
      fprintf(stderr, "\n  %s differs between jobs=1 and jobs=2\n", same[i]);
    CU_ASSERT_TRUE(a && b && strcmp(a, b) == 0);
  }
  /* runs.csv: a header and one row per run (6 variants x 4 replications) */
  g_autofree char *runs = read_out(out[0], "runs.csv");
  g_auto(GStrv) lines = g_strsplit(runs ? runs : "", "\n", -1);
  guint rows = 0;
  for (char **l = lines; *l; l++)
    rows += **l != '\0';
  CU_ASSERT_EQUAL(rows, 1 + 6 * 4);
  for (int k = 0; k < 2; k++)
    exp_runner_result_clear(&res[k]);
  CU_ASSERT_TRUE(remove_tree(tmp));
}

void test_shipped_open_register(void);
void
test_shipped_open_register(void)
{
  static const CU_TestInfo tests[] = {
    { "handshake_opens_in_one_rtt_with_nothing_retransmitted",
      handshake_opens_in_one_rtt_with_nothing_retransmitted },
    { "two_way_wastes_connections_on_old_syns_three_way_none",
      two_way_wastes_connections_on_old_syns_three_way_none },
    { "two_way_wasted_verdict_fails_when_all_variants_are_three_way",
      two_way_wasted_verdict_fails_when_all_variants_are_three_way },
    { "four_way_costs_one_segment_more_and_no_less_time",
      four_way_costs_one_segment_more_and_no_less_time },
    { "syn_flood_payload_is_held_only_when_kept",
      syn_flood_payload_is_held_only_when_kept },
    { "runner_output_is_whole_and_the_same_on_one_thread_or_two",
      runner_output_is_whole_and_the_same_on_one_thread_or_two },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("shipped_open", tests);
}
