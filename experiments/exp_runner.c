/* exp_runner: running an experiment's runs and writing its output folder (exp_runner.h). */
#include "exp_runner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "exp_run.h"
#include "sim_error.h"
#include "sim_stats.h"
#include "sim_version.h"

void
exp_runner_result_clear(ExpRunnerResult *r)
{
  if (r == NULL)
    return;
  g_free(r->outdir);
  g_free(r->verdict);
  memset(r, 0, sizeof *r);
}

/* ---- running ---------------------------------------------------------------------- */

typedef struct {
  double *values;         /* exp_metric_count() */
  ExpRunLive live;
  /* set (release) by the worker once values, info and error are written; the calling
   * thread reads them only after seeing it (acquire) */
  _Atomic int finished;
  ExpRunInfo info;
  double wall_seconds;
  GError *error;
  ExpRecord *record;      /* what the run records beyond metrics, or NULL */
} RunSlot;

typedef struct {
  const Experiment *e;
  const ExpRunKey *keys;
  RunSlot *slots;
  GAsyncQueue *finished;  /* run indices, as they finish */
} Batch;

static void
run_job(gpointer data, gpointer user)
{
  Batch *b = user;
  guint i = GPOINTER_TO_UINT(data) - 1;
  const ExpRunKey *k = &b->keys[i];
  const ExpVariant *v = g_ptr_array_index(b->e->variants, k->variant);
  gint64 t0 = g_get_monotonic_time();
  exp_run_watched(v->cfg, k->point, k->replication, b->slots[i].values, &b->slots[i].info,
                  &b->slots[i].live, b->slots[i].record, &b->slots[i].error);
  b->slots[i].wall_seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
  atomic_store_explicit(&b->slots[i].finished, 1, memory_order_release);
  g_async_queue_push(b->finished, GUINT_TO_POINTER(i + 1));
}

/* Runs every run; the first error (in run order) is returned. */
static gboolean
run_all(const Experiment *e, const GArray *runs, RunSlot *slots, const ExpRunnerOptions *opt,
        GError **error)
{
  guint n = runs->len;
  guint jobs = opt->jobs ? opt->jobs : g_get_num_processors();
  if (jobs > n)
    jobs = n;
  Batch b = { e, (const ExpRunKey *)(const void *)runs->data, slots, g_async_queue_new() };
  GThreadPool *pool = g_thread_pool_new(run_job, &b, (gint)jobs, FALSE, NULL);
  for (guint i = 0; i < n; i++)
    g_thread_pool_push(pool, GUINT_TO_POINTER(i + 1), NULL);
  /* progress: every finished run, and a few times a second in between */
  SimTime duration = sim_config_get_duration(e->base, "experiment", "duration");
  gint64 t0 = g_get_monotonic_time();
  for (guint done = 0; done < n;) {
    gpointer got = g_async_queue_timeout_pop(b.finished, 250000);
    if (got != NULL)
      done++;
    if (opt->progress == NULL)
      continue;
    ExpProgress p = { .done = done, .total = n, .eta_seconds = -1 };
    p.wall_seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    for (guint i = 0; i < n; i++) {
      p.events += (guint64)atomic_load_explicit(&slots[i].live.events, memory_order_relaxed);
      p.sim_seconds += atomic_load_explicit(&slots[i].finished, memory_order_acquire)
                         ? slots[i].info.sim_seconds
                         : (double)atomic_load_explicit(&slots[i].live.sim_ns,
                                                        memory_order_relaxed) / SIM_S;
    }
    if (duration > 0 && p.sim_seconds > 0)
      p.eta_seconds = p.wall_seconds * (n * sim_time_to_s(duration) - p.sim_seconds) /
                      p.sim_seconds;
    else if (done > 0)
      p.eta_seconds = p.wall_seconds * (double)(n - done) / (double)done;
    opt->progress(&p, opt->user);
  }
  g_thread_pool_free(pool, FALSE, TRUE);
  g_async_queue_unref(b.finished);
  for (guint i = 0; i < n; i++)   /* every worker's writes, seen before they are read */
    g_assert(atomic_load_explicit(&slots[i].finished, memory_order_acquire));
  for (guint i = 0; i < n; i++)
    if (slots[i].error != NULL) {
      g_propagate_prefixed_error(error, g_steal_pointer(&slots[i].error), "run %u: ", i);
      return FALSE;
    }
  return TRUE;
}

/* ---- formatting ------------------------------------------------------------------- */

/* Integers as integers, other values with enough digits to tell runs apart; the same
 * value always prints the same. NaN and infinities as empty fields. */
static void
append_number(GString *out, double v)
{
  if (!isfinite(v))
    return;
  if (v == floor(v) && fabs(v) < 9007199254740992.0)
    g_string_append_printf(out, "%.0f", v);
  else
    g_string_append_printf(out, "%.10g", v);
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void
append_csv(GString *out, const char *text)
{
  if (strpbrk(text, ",\"\n\r") == NULL) {
    g_string_append(out, text);
    return;
  }
  g_string_append_c(out, '"');
  for (const char *p = text; *p; p++) {
    if (*p == '"')
      g_string_append_c(out, '"');
    g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

static void
append_json_string(GString *out, const char *text)
{
  g_string_append_c(out, '"');
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    switch (*p) {
    case '"':  g_string_append(out, "\\\""); break;
    case '\\': g_string_append(out, "\\\\"); break;
    case '\n': g_string_append(out, "\\n"); break;
    case '\t': g_string_append(out, "\\t"); break;
    case '\r': g_string_append(out, "\\r"); break;
    default:
      if (*p < 0x20)
        g_string_append_printf(out, "\\u%04x", *p);
      else
        g_string_append_c(out, (char)*p);
    }
  }
  g_string_append_c(out, '"');
}

static char *
runs_csv(const Experiment *e, const GArray *runs, const RunSlot *slots)
{
  GString *out = g_string_new("variant,replication,seed");
  for (guint m = 0; m < e->report->len; m++)
    g_string_append_printf(out, ",%s", exp_metric(g_array_index(e->report, guint, m))->name);
  g_string_append_c(out, '\n');
  for (guint i = 0; i < runs->len; i++) {
    const ExpRunKey *k = &g_array_index(runs, ExpRunKey, i);
    const ExpVariant *v = g_ptr_array_index(e->variants, k->variant);
    append_csv(out, v->name);
    g_string_append_printf(out, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, k->replication,
                           e->seed);
    for (guint m = 0; m < e->report->len; m++) {
      g_string_append_c(out, ',');
      append_number(out, slots[i].values[g_array_index(e->report, guint, m)]);
    }
    g_string_append_c(out, '\n');
  }
  return g_string_free(out, FALSE);
}

static char *
metrics_csv(const Experiment *e)
{
  GString *out = g_string_new("metric,unit,description\n");
  for (guint m = 0; m < e->report->len; m++) {
    const MetricDef *d = exp_metric(g_array_index(e->report, guint, m));
    g_string_append_printf(out, "%s,%s,", d->name, d->unit);
    append_csv(out, d->doc);
    g_string_append_c(out, '\n');
  }
  return g_string_free(out, FALSE);
}

/* summaries[v * n_metrics + m]: metric m over the replications of variant v */
static SimSummary *
summarise(const Experiment *e, const GArray *runs, const RunSlot *slots)
{
  guint nm = exp_metric_count();
  SimSummary *s = g_new0(SimSummary, (gsize)e->variants->len * nm);
  for (guint i = 0; i < (gsize)e->variants->len * nm; i++)
    sim_summary_init(&s[i]);
  for (guint i = 0; i < runs->len; i++) {
    const ExpRunKey *k = &g_array_index(runs, ExpRunKey, i);
    for (guint m = 0; m < nm; m++)
      sim_summary_add(&s[k->variant * nm + m], slots[i].values[m]);
  }
  return s;
}

static char *
summary_csv(const Experiment *e, const SimSummary *sums)
{
  guint nm = exp_metric_count();
  GString *out = g_string_new("variant,metric,unit,n,mean,sd,ci95,min,max\n");
  for (guint v = 0; v < e->variants->len; v++) {
    const ExpVariant *var = g_ptr_array_index(e->variants, v);
    for (guint r = 0; r < e->report->len; r++) {
      guint m = g_array_index(e->report, guint, r);
      const SimSummary *s = &sums[v * nm + m];
      append_csv(out, var->name);
      g_string_append_printf(out, ",%s,%s,%" G_GUINT64_FORMAT ",", exp_metric(m)->name,
                             exp_metric(m)->unit, s->n);
      double fields[5] = { sim_summary_mean(s), sim_summary_stddev(s), sim_summary_ci95(s),
                           s->min, s->max };
      for (int f = 0; f < 5; f++) {
        append_number(out, fields[f]);
        g_string_append_c(out, f < 4 ? ',' : '\n');
      }
    }
  }
  return g_string_free(out, FALSE);
}

typedef struct {
  const Experiment *e;
  const SimSummary *sums;
} VerdictCtx;

static gboolean
verdict_lookup(const char *variant, const char *metric, double *value, void *user)
{
  const VerdictCtx *c = user;
  int m = exp_metric_find(metric);
  if (m < 0)
    return FALSE;
  for (guint v = 0; v < c->e->variants->len; v++) {
    const ExpVariant *var = g_ptr_array_index(c->e->variants, v);
    if (variant == NULL ? c->e->variants->len == 1 : strcmp(var->name, variant) == 0) {
      *value = sim_summary_mean(&c->sums[v * exp_metric_count() + (guint)m]);
      return TRUE;
    }
  }
  return FALSE;
}

static char *
iso_time(GDateTime *t)
{
  return g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
manifest_json(const Experiment *e, const GArray *runs, const RunSlot *slots,
              const ExpRunnerOptions *opt, GDateTime *start, GDateTime *end, double wall,
              guint jobs)
{
  GString *o = g_string_new("{\n  \"synack_version\": ");
  append_json_string(o, SYNACK_VERSION);
  g_string_append(o, ",\n  \"git_commit\": ");
  append_json_string(o, SYNACK_GIT_COMMIT);
  g_string_append(o, ",\n  \"experiment\": ");
  append_json_string(o, e->name);
  g_string_append(o, ",\n  \"file\": ");
  append_json_string(o, e->path);
  g_string_append(o, ",\n  \"command_line\": [");
  for (char **a = opt->argv; a && *a; a++) {
    if (a != opt->argv)
      g_string_append(o, ", ");
    append_json_string(o, *a);
  }
  g_string_append_printf(o, "],\n  \"master_seed\": %" G_GUINT64_FORMAT
                         ",\n  \"replications\": %u,\n  \"variants\": [", e->seed,
                         e->replications);
  for (guint v = 0; v < e->variants->len; v++) {
    if (v > 0)
      g_string_append(o, ", ");
    append_json_string(o, ((const ExpVariant *)g_ptr_array_index(e->variants, v))->name);
  }
  g_autofree char *t0 = iso_time(start), *t1 = iso_time(end);
  char host[256] = "unknown";
  if (gethostname(host, sizeof host - 1) != 0)
    g_strlcpy(host, "unknown", sizeof host);
  guint64 events = 0;
  for (guint i = 0; i < runs->len; i++)
    events += slots[i].info.events;
  g_string_append(o, "],\n  \"start_time\": ");
  append_json_string(o, t0);
  g_string_append(o, ",\n  \"end_time\": ");
  append_json_string(o, t1);
  g_string_append(o, ",\n  \"host\": ");
  append_json_string(o, host);
  g_string_append_printf(o, ",\n  \"threads\": %u,\n  \"wall_seconds\": %.3f,\n"
                         "  \"events_fired\": %" G_GUINT64_FORMAT ",\n  \"runs\": [\n",
                         jobs, wall, events);
  /* each run's random streams are named by (master seed, point, replication, component) */
  for (guint i = 0; i < runs->len; i++) {
    const ExpRunKey *k = &g_array_index(runs, ExpRunKey, i);
    g_string_append(o, "    {\"variant\": ");
    append_json_string(o, ((const ExpVariant *)g_ptr_array_index(e->variants, k->variant))->name);
    g_string_append_printf(o, ", \"point\": %" G_GUINT64_FORMAT ", \"replication\": %"
                           G_GUINT64_FORMAT ", \"seed\": %" G_GUINT64_FORMAT
                           ", \"events\": %" G_GUINT64_FORMAT ", \"sim_seconds\": %.9g"
                           ", \"wall_seconds\": %.3f}%s\n", k->point, k->replication,
                           e->seed, slots[i].info.events, slots[i].info.sim_seconds,
                           slots[i].wall_seconds, i + 1 < runs->len ? "," : "");
  }
  g_string_append(o, "  ]\n}\n");
  return g_string_free(o, FALSE);
}

/* The records of every run of one kind, in run order, under @header; NULL when no run
 * recorded that kind. */
static char *
records_csv(const Experiment *e, const GArray *runs, const RunSlot *slots, const char *header,
            gboolean (*has)(const ExpRecord *),
            void (*rows)(const ExpRecord *, const char *, uint64_t, GString *))
{
  GString *out = NULL;
  for (guint i = 0; i < runs->len; i++) {
    if (!has(slots[i].record))
      continue;
    if (out == NULL)
      out = g_string_new(header);
    const ExpRunKey *k = &g_array_index(runs, ExpRunKey, i);
    const ExpVariant *v = g_ptr_array_index(e->variants, k->variant);
    rows(slots[i].record, v->name, k->replication, out);
  }
  return out ? g_string_free(out, FALSE) : NULL;
}

/* Where run @i's capture goes: @given (--pcap) itself when one run is traced, else
 * with "-VARIANT-rN" before its extension; without --pcap, trace[-VARIANT-rN].pcap in
 * the folder being written. */
static char *
pcap_path(const char *given, const char *dir, guint traced, const char *variant,
          uint64_t replication)
{
  g_autofree char *suffix = traced == 1 ? g_strdup("")
                                        : g_strdup_printf("-%s-r%" G_GUINT64_FORMAT, variant,
                                                          replication);
  if (given == NULL) {
    g_autofree char *name = g_strdup_printf("trace%s.pcap", suffix);
    return g_build_filename(dir, name, NULL);
  }
  const char *dot = strrchr(given, '.'), *slash = strrchr(given, '/');
  if (dot == NULL || (slash != NULL && dot < slash))
    dot = given + strlen(given);
  return g_strdup_printf("%.*s%s%s", (int)(dot - given), given, suffix, dot);
}

/* Writes the captures of the traced runs; the paths written are added to @written. */
static gboolean
write_captures(const Experiment *e, const GArray *runs, const RunSlot *slots,
               const char *given, const char *dir, GPtrArray *written, GError **error)
{
  guint traced = 0;
  for (guint i = 0; i < runs->len; i++)
    traced += exp_record_has_trace(slots[i].record);
  for (guint i = 0; i < runs->len; i++) {
    if (!exp_record_has_trace(slots[i].record))
      continue;
    const ExpRunKey *k = &g_array_index(runs, ExpRunKey, i);
    const ExpVariant *v = g_ptr_array_index(e->variants, k->variant);
    if (given == NULL && !sim_config_get_bool(v->cfg, "trace", "pcap"))
      continue;
    char *path = pcap_path(given, dir, traced, v->name, k->replication);
    g_ptr_array_add(written, path);
    if (!exp_record_pcap(slots[i].record, path, error))
      return FALSE;
  }
  return TRUE;
}

/* ---- the folder ------------------------------------------------------------------- */

static char *
default_outdir(const Experiment *e, GDateTime *now)
{
  g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strdup_printf("results/%s-%s", e->name, stamp);
  char *dir = g_strdup(base);
  for (guint i = 2; g_file_test(dir, G_FILE_TEST_EXISTS); i++) {
    g_free(dir);
    dir = g_strdup_printf("%s-%u", base, i);
  }
  return dir;
}

/* Makes "<parent>/.<name>.partial-XXXXXX" beside @outdir. */
static char *
make_temp_dir(const char *outdir, GError **error)
{
  GStatBuf st;
  if (g_lstat(outdir, &st) == 0) {   /* a dangling symbolic link is in the way too */
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "output folder '%s' already exists: choose "
                "another (-o DIR) or remove it", outdir);
    return NULL;
  }
  g_autofree char *parent = g_path_get_dirname(outdir);
  g_autofree char *name = g_path_get_basename(outdir);
  if (g_mkdir_with_parents(parent, 0777) != 0) {
    int err = errno;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot make folder '%s': %s", parent,
                g_strerror(err));
    return NULL;
  }
  char *tmp = g_strdup_printf("%s/.%s.partial-XXXXXX", parent, name);
  if (g_mkdtemp(tmp) == NULL) {
    int err = errno;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot write in '%s': %s", parent,
                g_strerror(err));
    g_free(tmp);
    return NULL;
  }
  return tmp;
}

static void
remove_temp_dir(const char *tmp)
{
  g_autoptr(GDir) d = g_dir_open(tmp, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
    g_autofree char *path = g_build_filename(tmp, name, NULL);
    g_unlink(path);
  }
  g_rmdir(tmp);
}

static gboolean
write_file(const char *dir, const char *name, const char *text, GError **error)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_file_set_contents(path, text, -1, &err)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot write '%s': %s", path, err->message);
    return FALSE;
  }
  return TRUE;
}

ExpRunnerStatus
exp_runner_execute(const Experiment *e, const ExpRunnerOptions *opt, ExpRunnerResult *result,
                   GError **error)
{
  g_return_val_if_fail(e != NULL && opt != NULL && result != NULL, EXP_RUNNER_FAILED);
  memset(result, 0, sizeof *result);
  g_autoptr(GDateTime) start = g_date_time_new_now_utc();
  g_autofree char *outdir = opt->outdir ? g_strdup(opt->outdir) : default_outdir(e, start);
  /* "DIR/" names DIR, not a folder inside it */
  for (size_t n = strlen(outdir); n > 1 && outdir[n - 1] == '/'; n--)
    outdir[n - 1] = '\0';
  g_autofree char *tmp = make_temp_dir(outdir, error);
  if (tmp == NULL)
    return EXP_RUNNER_BAD_OUTPUT;

  g_autoptr(GArray) runs = experiment_runs(e);
  guint nm = exp_metric_count();
  RunSlot *slots = g_new0(RunSlot, runs->len);
  double *values = g_new0(double, (gsize)runs->len * nm);
  for (guint i = 0; i < runs->len; i++) {
    const ExpRunKey *k = &g_array_index(runs, ExpRunKey, i);
    slots[i].values = values + (gsize)i * nm;
    slots[i].record = exp_record_new(
      ((const ExpVariant *)g_ptr_array_index(e->variants, k->variant))->cfg, k->replication);
  }
  gint64 t0 = g_get_monotonic_time();
  ExpRunnerStatus status = EXP_RUNNER_FAILED;
  SimSummary *sums = NULL;
  char *files[9][2] = { { 0 } };
  g_autoptr(GPtrArray) captures = g_ptr_array_new_with_free_func(g_free);
  guint jobs = opt->jobs ? opt->jobs : g_get_num_processors();
  GDateTime *end = NULL;
  double wall = 0;
  guint nf = 0;
  if (!run_all(e, runs, slots, opt, error))
    goto out;
  wall = (double)(g_get_monotonic_time() - t0) / 1e6;
  end = g_date_time_new_now_utc();

  sums = summarise(e, runs, slots);
  files[nf][0] = "config.resolved.ini";
  files[nf++][1] = experiment_resolved(e);
  files[nf][0] = "runs.csv";
  files[nf++][1] = runs_csv(e, runs, slots);
  files[nf][0] = "metrics.csv";
  files[nf++][1] = metrics_csv(e);
  files[nf][0] = "summary.csv";
  files[nf++][1] = summary_csv(e, sums);
  const struct {
    const char *name, *header;
    gboolean (*has)(const ExpRecord *);
    void (*rows)(const ExpRecord *, const char *, uint64_t, GString *);
  } recorded[] = {
    { "trace.csv", exp_record_trace_header, exp_record_has_trace, exp_record_trace_csv },
    { "states.csv", exp_record_states_header, exp_record_has_states, exp_record_states_csv },
    { "samples.csv", exp_record_samples_header, exp_record_has_samples,
      exp_record_samples_csv },
  };
  for (guint r = 0; r < G_N_ELEMENTS(recorded); r++) {
    char *text = records_csv(e, runs, slots, recorded[r].header, recorded[r].has,
                             recorded[r].rows);
    if (text != NULL) {
      files[nf][0] = (char *)recorded[r].name;
      files[nf++][1] = text;
    }
  }
  files[nf][0] = "manifest.json";
  files[nf++][1] = manifest_json(e, runs, slots, opt, start, end, wall,
                                 MIN(jobs, runs->len));
  if (e->verdict != NULL) {
    VerdictCtx ctx = { e, sums };
    g_autoptr(GString) figures = g_string_new(NULL);
    gboolean holds = FALSE;
    if (!exp_verdict_eval(e->verdict, verdict_lookup, &ctx, &holds, figures, error))
      goto out;
    result->supported = holds;
    result->verdict = g_strdup_printf("VERDICT %s: %s (%s)", e->name,
                                      holds ? "SUPPORTED" : "REFUTED", figures->str);
    const char *hyp = sim_config_get_string(e->base, "experiment", "hypothesis");
    files[nf][0] = "verdict.txt";
    files[nf++][1] = g_strdup_printf("%s\nhypothesis: %s\nexpect: %s\n", result->verdict,
                                     hyp, e->expect);
  }
  for (guint f = 0; f < nf; f++) {
    if (files[f][1] == NULL) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot write '%s': the file changed while "
                  "running", files[f][0]);
      goto out;
    }
    if (!write_file(tmp, files[f][0], files[f][1], error))
      goto out;
  }
  if (!write_captures(e, runs, slots, opt->pcap, tmp, captures, error))
    goto out;
  if (g_rename(tmp, outdir) != 0) {
    int err = errno;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot rename '%s' to '%s': %s", tmp, outdir,
                g_strerror(err));
    goto out;
  }
  result->outdir = g_steal_pointer(&outdir);
  result->wall_seconds = wall;
  for (guint i = 0; i < runs->len; i++)
    result->events += slots[i].info.events;
  status = EXP_RUNNER_OK;
out:
  if (status != EXP_RUNNER_OK) {
    remove_temp_dir(tmp);
    if (opt->pcap != NULL)   /* the captures written outside the folder go with it */
      for (guint i = 0; i < captures->len; i++)
        g_unlink(captures->pdata[i]);
  }
  for (guint f = 0; f < G_N_ELEMENTS(files); f++)
    g_free(files[f][1]);
  g_free(sums);
  if (end != NULL)
    g_date_time_unref(end);
  for (guint i = 0; i < runs->len; i++) {
    g_clear_error(&slots[i].error);
    exp_record_free(slots[i].record);
  }
  g_free(slots);
  g_free(values);
  return status;
}
