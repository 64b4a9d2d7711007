/* Tests for experiments/exp_runner.c, exp_folder.c and exp_result.c: a batch in worker
 * processes. A run that fails is recorded with its reason while the others finish and
 * are summed up; a stop request keeps what finished; the paired differences pair
 * replications; replication r draws the same random numbers in every variant (common
 * random numbers); a run's file reads back exactly. The command-line side (resume,
 * replications added, shards merged, jobs 1 and 2 alike) is in cli_durable.sh and
 * cli_deterministic.sh. */
#include "test_util.h"
#include "exp_result.h"
#include "exp_run.h"
#include "exp_runner.h"
#include "experiment.h"

#include <math.h>
#include <glib/gstdio.h>

/* A scratch folder holding @ini as x.ini (and @data as gaps.txt when given). */
static char *
scratch(const char *ini, const char *data)
{
  char *dir = g_dir_make_tmp("synack-runner-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "x.ini", NULL);
  CU_ASSERT_TRUE(g_file_set_contents(path, ini, -1, NULL));
  if (data != NULL) {
    g_autofree char *d = g_build_filename(dir, "gaps.txt", NULL);
    CU_ASSERT_TRUE(g_file_set_contents(d, data, -1, NULL));
  }
  return dir;
}

static Experiment *
load_in(const char *dir, const char *const *overrides)
{
  g_autofree char *path = g_build_filename(dir, "x.ini", NULL);
  GError *err = NULL;
  Experiment *e = experiment_load(path, overrides, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  %s\n", err->message);
    g_error_free(err);
  }
  return e;
}

static char *
read_text(const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return NULL;
  return text;
}

static guint
count_lines(const char *text)
{
  guint n = 0;
  for (const char *p = text; p && *p; p++)
    n += *p == '\n';
  return n;
}

static const char batch[] =
  "[experiment]\nname = batch\nseed = 9\nreplications = 3\n"
  "[link]\ndelay = 2ms\nloss = 0.05\n"
  "[client]\nconns = 20\nrequest = 100B\n"
  "[tcp]\ntime_wait = 1s\n"
  "[variant.gaps]\nclient.interarrival = empirical(gaps.txt)\n"
  "[variant.plain]\ntcp.time_wait = 2s\n"
  "[variant.longer]\ntcp.time_wait = 3s\n";

/* The file a variant needs disappears after loading: its runs fail with the reason,
 * the others run and are summed up, and the status says some failed. */
static void
a_failed_run_is_recorded_and_the_others_go_on(void)
{
  g_autofree char *dir = scratch(batch, "10ms 1\n20ms 1\n");
  g_autoptr(Experiment) e = load_in(dir, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  g_autofree char *gaps = g_build_filename(dir, "gaps.txt", NULL);
  g_unlink(gaps);
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  ExpRunnerOptions opt = { .outdir = out, .jobs = 2 };
  ExpRunnerResult res;
  GError *err = NULL;
  CU_ASSERT_EQUAL(exp_runner_execute(e, &opt, &res, &err), EXP_RUNNER_FAILED);
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, "3 of 9 runs failed");
  CU_ASSERT_EQUAL(res.runs, 9);
  CU_ASSERT_EQUAL(res.done, 9);
  CU_ASSERT_EQUAL(res.failed, 3);
  g_autofree char *failures = read_text(out, "failures.csv");
  CU_ASSERT_PTR_NOT_NULL_FATAL(failures);
  CU_ASSERT_EQUAL(count_lines(failures), 4);
  CU_ASSERT_TRUE(g_str_has_prefix(failures, "variant,point,replication,error\ngaps,0,0,"));
  CU_ASSERT_PTR_NOT_NULL(strstr(failures, "gaps.txt"));
  g_autofree char *runs = read_text(out, "runs.csv");
  CU_ASSERT_EQUAL(count_lines(runs), 7);        /* header + the 6 that ran */
  CU_ASSERT_PTR_NULL(strstr(runs, "\ngaps,"));
  g_autofree char *summary = read_text(out, "summary.csv");
  CU_ASSERT_PTR_NOT_NULL(strstr(summary, "\nplain,0,conns_opened,count,3,20,"));
  CU_ASSERT_PTR_NOT_NULL(strstr(summary, "\ngaps,0,conns_opened,count,0,"));
  exp_runner_result_clear(&res);
  test_remove_tree(dir);
}

static void
stop_after_first(const ExpRunEnded *r, void *user)
{
  (void)r;
  *(volatile int *)user = 1;
}

/* A stop request (as SIGINT makes one) starts no more runs; what finished is kept and
 * summed up, and the status says it stopped. */
static void
stop_keeps_what_finished(void)
{
  g_autofree char *dir = scratch(batch, "10ms 1\n");
  g_autoptr(Experiment) e = load_in(dir, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  volatile int stop = 0;
  ExpRunnerOptions opt = { .outdir = out, .jobs = 1, .stop = &stop, .ended = stop_after_first,
                           .user = (void *)&stop };
  ExpRunnerResult res;
  GError *err = NULL;
  CU_ASSERT_EQUAL(exp_runner_execute(e, &opt, &res, &err), EXP_RUNNER_FAILED);
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, "stopped after 1 of 9 runs");
  CU_ASSERT_TRUE(res.stopped);
  CU_ASSERT_EQUAL(res.done, 1);
  g_autofree char *runs = read_text(out, "runs.csv");
  CU_ASSERT_EQUAL(count_lines(runs), 2);
  g_autofree char *manifest = read_text(out, "manifest.json");
  CU_ASSERT_PTR_NOT_NULL(strstr(manifest, "\"complete\": false"));
  CU_ASSERT_PTR_NOT_NULL(strstr(manifest, "\"status\": \"missing\""));
  exp_runner_result_clear(&res);
  test_remove_tree(dir);
}

/* differences.csv: each variant minus the first, replication by replication. */
static void
differences_pair_replications(void)
{
  g_autofree char *dir = scratch(batch, "10ms 1\n20ms 3\n");
  g_autoptr(Experiment) e = load_in(dir, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  ExpRunnerOptions opt = { .outdir = out, .jobs = 2 };
  ExpRunnerResult res;
  GError *err = NULL;
  CU_ASSERT_EQUAL_FATAL(exp_runner_execute(e, &opt, &res, &err), EXP_RUNNER_OK);
  int m = exp_metric_find("completion_time_mean");
  double d[3];
  for (guint r = 0; r < 3; r++) {
    ExpRunKey a = { .variant = 1, .point = 0, .replication = r };
    ExpRunKey b = { .variant = 0, .point = 0, .replication = r };
    ExpResult ra, rb;
    CU_ASSERT_TRUE_FATAL(exp_result_read(out, e, &a, &ra, NULL));
    CU_ASSERT_TRUE_FATAL(exp_result_read(out, e, &b, &rb, NULL));
    d[r] = ra.values[m] - rb.values[m];
    exp_result_clear(&ra);
    exp_result_clear(&rb);
  }
  CU_ASSERT(d[0] != d[1] || d[1] != d[2]);      /* the replications differ */
  g_autofree char *diffs = read_text(out, "differences.csv");
  CU_ASSERT_PTR_NOT_NULL_FATAL(diffs);
  const char *row = strstr(diffs, "\nplain,gaps,0,completion_time_mean,s,3,");
  CU_ASSERT_PTR_NOT_NULL_FATAL(row);
  double mean = g_ascii_strtod(row + strlen("\nplain,gaps,0,completion_time_mean,s,3,"), NULL);
  CU_ASSERT_DOUBLE_EQUAL(mean, (d[0] + d[1] + d[2]) / 3, 1e-9 * fabs(mean) + 1e-12);
  CU_ASSERT_PTR_NOT_NULL(strstr(diffs, "\nlonger,gaps,0,"));
  CU_ASSERT_PTR_NULL(strstr(diffs, "\ngaps,gaps,"));
  exp_runner_result_clear(&res);
  test_remove_tree(dir);
}

/* Common random numbers: variants that differ only after every connection is over
 * (the TIME-WAIT length) lose the same segments in the same replication, and other
 * replications lose others. */
static void
replication_draws_the_same_in_every_variant(void)
{
  g_autofree char *dir = scratch(batch, "10ms 1\n");
  g_autoptr(Experiment) e = load_in(dir, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  guint nm = exp_metric_count();
  int lost = exp_metric_find("segments_lost");
  double v[2][3];
  for (guint var = 1; var <= 2; var++)
    for (guint r = 0; r < 3; r++) {
      g_autofree double *values = g_new0(double, nm);
      CU_ASSERT_TRUE(exp_run_one(experiment_config(e, var, 0), r, values, NULL, NULL));
      v[var - 1][r] = values[lost];
    }
  for (guint r = 0; r < 3; r++)
    CU_ASSERT_EQUAL(v[0][r], v[1][r]);
  CU_ASSERT(v[0][0] != v[0][1] || v[0][1] != v[0][2]);
}

/* A run's file holds every value exactly, and reads back as it was written. */
static void
result_file_reads_back_exactly(void)
{
  g_autofree char *dir = scratch(batch, "10ms 1\n");
  g_autoptr(Experiment) e = load_in(dir, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  guint nm = exp_metric_count();
  g_autofree double *values = g_new0(double, nm);
  for (guint m = 0; m < nm; m++)
    values[m] = m == 3 ? NAN : 1.0 / (m + 3) + 1e6 * m;
  ExpRunInfo info = { .events = 12345, .sim_seconds = 0.1 + 0.2 };
  ExpRunKey k = { .variant = 2, .point = 0, .replication = 1 };
  GError *err = NULL;
  CU_ASSERT_EQUAL(exp_result_state(dir, e, &k), EXP_RESULT_ABSENT);
  CU_ASSERT_TRUE_FATAL(exp_result_write(dir, e, &k, values, &info, NULL, FALSE, &err));
  CU_ASSERT_EQUAL(exp_result_state(dir, e, &k), EXP_RESULT_DONE);
  ExpResult r;
  CU_ASSERT_TRUE_FATAL(exp_result_read(dir, e, &k, &r, &err));
  for (guint m = 0; m < nm; m++)
    CU_ASSERT(r.values[m] == values[m] || (isnan(r.values[m]) && isnan(values[m])));
  CU_ASSERT_EQUAL(r.info.events, 12345);
  CU_ASSERT_EQUAL(r.info.sim_seconds, 0.1 + 0.2);
  exp_result_clear(&r);
  /* a damaged file names itself and the line */
  g_autofree char *path = g_build_filename(dir, "runs", "longer.p0.r1.run", NULL);
  CU_ASSERT_TRUE(g_file_set_contents(path, "variant=longer\nevents=x\n", -1, NULL));
  CU_ASSERT_FALSE(exp_result_read(dir, e, &k, &r, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, "longer.p0.r1.run:2: expected key=value");
  test_remove_tree(dir);
}

void test_runner_register(void);
void
test_runner_register(void)
{
  static const CU_TestInfo tests[] = {
    { "a_failed_run_is_recorded_and_the_others_go_on",
      a_failed_run_is_recorded_and_the_others_go_on },
    { "stop_keeps_what_finished", stop_keeps_what_finished },
    { "differences_pair_replications", differences_pair_replications },
    { "replication_draws_the_same_in_every_variant",
      replication_draws_the_same_in_every_variant },
    { "result_file_reads_back_exactly", result_file_reads_back_exactly },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("runner", tests);
}
