/* exp_folder: an output folder's summing-up files, from its runs/ (exp_folder.h). */
#include "exp_folder.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "exp_record.h"
#include "exp_result.h"
#include "exp_run.h"
#include "sim_error.h"
#include "sim_stats.h"
#include "sim_version.h"

void
exp_folder_summary_clear(ExpFolderSummary *s)
{
  if (s == NULL)
    return;
  g_free(s->verdict);
  memset(s, 0, sizeof *s);
}

gboolean
exp_folder_in_shard(guint index, guint shard, guint shards)
{
  return shards == 0 || index % shards == shard - 1;
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

/* ",KEY1,KEY2" for the swept keys, or the values of point @p. */
static void
append_sweep_header(GString *out, const Experiment *e)
{
  for (char **k = e->sweep_keys; *k; k++) {
    g_string_append_c(out, ',');
    append_csv(out, *k);
  }
}

static void
append_point(GString *out, const Experiment *e, uint64_t p)
{
  const ExpPoint *pt = g_ptr_array_index(e->points, p);
  for (char **v = pt->values; *v; v++) {
    g_string_append_c(out, ',');
    append_csv(out, *v);
  }
}

static const char *
variant_name(const Experiment *e, guint v)
{
  return ((const ExpVariant *)g_ptr_array_index(e->variants, v))->name;
}

/* "variant,point,values..." of run @k, without a trailing comma. */
static void
append_run_id(GString *out, const Experiment *e, const ExpRunKey *k)
{
  append_csv(out, variant_name(e, k->variant));
  g_string_append_printf(out, ",%" G_GUINT64_FORMAT, k->point);
  append_point(out, e, k->point);
}

/* ---- the files -------------------------------------------------------------------- */

typedef struct {
  const Experiment *e;
  const char *dir;
  const ExpFolderInfo *info;
  GArray *runs;             /* ExpRunKey, the whole run list */
  ExpResult *results;       /* per run; values NULL and failure NULL: absent */
  gboolean *mine;           /* per run: in this folder's shard */
} Folder;

static char *
runs_csv(const Folder *f)
{
  const Experiment *e = f->e;
  GString *out = g_string_new("variant,point");
  append_sweep_header(out, e);
  g_string_append(out, ",replication,seed");
  for (guint m = 0; m < e->report->len; m++)
    g_string_append_printf(out, ",%s", exp_metric(g_array_index(e->report, guint, m))->name);
  g_string_append_c(out, '\n');
  for (guint i = 0; i < f->runs->len; i++) {
    if (f->results[i].values == NULL)
      continue;
    const ExpRunKey *k = &g_array_index(f->runs, ExpRunKey, i);
    append_run_id(out, e, k);
    g_string_append_printf(out, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, k->replication,
                           e->seed);
    for (guint m = 0; m < e->report->len; m++) {
      g_string_append_c(out, ',');
      append_number(out, f->results[i].values[g_array_index(e->report, guint, m)]);
    }
    g_string_append_c(out, '\n');
  }
  return g_string_free(out, FALSE);
}

static char *
failures_csv(const Folder *f)
{
  GString *out = NULL;
  for (guint i = 0; i < f->runs->len; i++) {
    if (f->results[i].failure == NULL)
      continue;
    if (out == NULL) {
      out = g_string_new("variant,point");
      append_sweep_header(out, f->e);
      g_string_append(out, ",replication,error\n");
    }
    const ExpRunKey *k = &g_array_index(f->runs, ExpRunKey, i);
    append_run_id(out, f->e, k);
    g_string_append_printf(out, ",%" G_GUINT64_FORMAT ",", k->replication);
    append_csv(out, f->results[i].failure);
    g_string_append_c(out, '\n');
  }
  return out ? g_string_free(out, FALSE) : NULL;
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

static void
append_summary(GString *out, const SimSummary *s)
{
  g_string_append_printf(out, ",%" G_GUINT64_FORMAT ",", s->n);
  double fields[5] = { sim_summary_mean(s), sim_summary_stddev(s), sim_summary_ci95(s),
                       s->min, s->max };
  for (int i = 0; i < 5; i++) {
    append_number(out, fields[i]);
    g_string_append_c(out, i < 4 ? ',' : '\n');
  }
}

/* sums[(v * points + p) * nm + m]: metric m over the finished replications of (v, p);
 * with @pooled, every point of variant v in sums[v * nm + m] instead. */
static SimSummary *
summarise(const Folder *f, gboolean pooled)
{
  guint nm = exp_metric_count(), np = pooled ? 1 : f->e->points->len;
  gsize n = (gsize)f->e->variants->len * np * nm;
  SimSummary *s = g_new0(SimSummary, n);
  for (gsize i = 0; i < n; i++)
    sim_summary_init(&s[i]);
  for (guint i = 0; i < f->runs->len; i++) {
    if (f->results[i].values == NULL)
      continue;
    const ExpRunKey *k = &g_array_index(f->runs, ExpRunKey, i);
    gsize base = ((gsize)k->variant * np + (pooled ? 0 : k->point)) * nm;
    for (guint m = 0; m < nm; m++)
      sim_summary_add(&s[base + m], f->results[i].values[m]);
  }
  return s;
}

static void
append_stat_row(GString *out, const Experiment *e, guint v, guint p, guint m,
                const SimSummary *s)
{
  append_csv(out, variant_name(e, v));
  g_string_append_printf(out, ",%u", p);
  append_point(out, e, p);
  g_string_append_printf(out, ",%s,%s", exp_metric(m)->name, exp_metric(m)->unit);
  append_summary(out, s);
}

static char *
summary_csv(const Folder *f, const SimSummary *sums)
{
  const Experiment *e = f->e;
  guint nm = exp_metric_count(), np = e->points->len;
  GString *out = g_string_new("variant,point");
  append_sweep_header(out, e);
  g_string_append(out, ",metric,unit,n,mean,sd,ci95,min,max\n");
  for (guint v = 0; v < e->variants->len; v++)
    for (guint p = 0; p < np; p++)
      for (guint r = 0; r < e->report->len; r++) {
        guint m = g_array_index(e->report, guint, r);
        append_stat_row(out, e, v, p, m, &sums[((gsize)v * np + p) * nm + m]);
      }
  return g_string_free(out, FALSE);
}

/* The index in the run list of (variant, point, replication): variant-major. */
static guint
run_index(const Experiment *e, guint v, guint p, guint r)
{
  return (v * e->points->len + p) * e->replications + r;
}

/* Variant v minus the first variant, replication by replication (the same random
 * streams: common random numbers), where both finished. */
static char *
differences_csv(const Folder *f)
{
  const Experiment *e = f->e;
  if (e->variants->len < 2)
    return NULL;
  guint np = e->points->len;
  GString *out = g_string_new("variant,baseline,point");
  append_sweep_header(out, e);
  g_string_append(out, ",metric,unit,n,mean,sd,ci95,min,max\n");
  for (guint v = 1; v < e->variants->len; v++)
    for (guint p = 0; p < np; p++)
      for (guint ri = 0; ri < e->report->len; ri++) {
        guint m = g_array_index(e->report, guint, ri);
        SimSummary s;
        sim_summary_init(&s);
        for (guint r = 0; r < e->replications; r++) {
          const double *a = f->results[run_index(e, v, p, r)].values;
          const double *b = f->results[run_index(e, 0, p, r)].values;
          if (a != NULL && b != NULL)
            sim_summary_add(&s, a[m] - b[m]);
        }
        append_csv(out, variant_name(e, v));
        g_string_append_c(out, ',');
        append_csv(out, variant_name(e, 0));
        g_string_append_printf(out, ",%u", p);
        append_point(out, e, p);
        g_string_append_printf(out, ",%s,%s", exp_metric(m)->name, exp_metric(m)->unit);
        append_summary(out, &s);
      }
  return g_string_free(out, FALSE);
}

/* trace.csv, states.csv or samples.csv: the runs' rows in run order; NULL when none. */
static char *
records_csv(const Folder *f, const char *kind, const char *header, GError **error)
{
  g_autoptr(GString) out = g_string_new(header);
  for (guint i = 0; i < f->runs->len; i++)
    if (f->results[i].values != NULL &&
        !exp_result_append_rows(f->dir, f->e, &g_array_index(f->runs, ExpRunKey, i), kind, out,
                                error))
      return NULL;
  if (out->len == strlen(header))
    return g_strdup("");
  return g_string_free(g_steal_pointer(&out), FALSE);
}

typedef struct {
  const Experiment *e;
  const SimSummary *pooled;
} VerdictCtx;

static gboolean
verdict_lookup(const char *variant, const char *metric, double *value, void *user)
{
  const VerdictCtx *c = user;
  int m = exp_metric_find(metric);
  if (m < 0)
    return FALSE;
  for (guint v = 0; v < c->e->variants->len; v++)
    if (variant == NULL ? c->e->variants->len == 1 : strcmp(variant_name(c->e, v), variant) == 0) {
      *value = sim_summary_mean(&c->pooled[v * exp_metric_count() + (guint)m]);
      return TRUE;
    }
  return FALSE;
}

static char *
iso_time(GDateTime *t)
{
  return g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
manifest_json(const Folder *f, const ExpFolderSummary *sum)
{
  const Experiment *e = f->e;
  const ExpFolderInfo *info = f->info;
  GString *o = g_string_new("{\n  \"synack_version\": ");
  append_json_string(o, SYNACK_VERSION);
  g_string_append(o, ",\n  \"git_commit\": ");
  append_json_string(o, SYNACK_GIT_COMMIT);
  g_string_append(o, ",\n  \"experiment\": ");
  append_json_string(o, e->name);
  g_string_append(o, ",\n  \"file\": ");
  append_json_string(o, e->path);
  g_string_append(o, ",\n  \"command_line\": [");
  for (char **a = info->argv; a && *a; a++) {
    if (a != info->argv)
      g_string_append(o, ", ");
    append_json_string(o, *a);
  }
  g_string_append_printf(o, "],\n  \"master_seed\": %" G_GUINT64_FORMAT
                         ",\n  \"replications\": %u,\n  \"points\": %u,\n  \"variants\": [",
                         e->seed, e->replications, e->points->len);
  for (guint v = 0; v < e->variants->len; v++) {
    if (v > 0)
      g_string_append(o, ", ");
    append_json_string(o, variant_name(e, v));
  }
  g_autofree char *t0 = info->start ? iso_time(info->start) : g_strdup("");
  g_autofree char *t1 = info->end ? iso_time(info->end) : g_strdup("");
  char host[256] = "unknown";
  if (gethostname(host, sizeof host - 1) != 0)
    g_strlcpy(host, "unknown", sizeof host);
  g_string_append(o, "],\n  \"shard\": ");
  if (info->shards > 0)
    g_string_append_printf(o, "\"%u/%u\"", info->shard, info->shards);
  else
    g_string_append(o, "null");
  g_string_append_printf(o, ",\n  \"runs_total\": %u,\n  \"runs_done\": %u,\n  \"runs_failed\": "
                         "%u,\n  \"complete\": %s,\n  \"start_time\": ", sum->runs, sum->done,
                         sum->failed, sum->done == sum->runs && sum->failed == 0 ? "true" : "false");
  append_json_string(o, t0);
  g_string_append(o, ",\n  \"end_time\": ");
  append_json_string(o, t1);
  g_string_append(o, ",\n  \"host\": ");
  append_json_string(o, host);
  g_string_append_printf(o, ",\n  \"jobs\": %u,\n  \"wall_seconds\": %.3f,\n"
                         "  \"events_fired\": %" G_GUINT64_FORMAT ",\n  \"runs\": [\n",
                         info->jobs, info->wall_seconds, sum->events);
  /* each run's random streams are named by (master seed, replication, component): the
   * same for every variant and point (common random numbers) */
  const char *sep = "";
  for (guint i = 0; i < f->runs->len; i++) {
    if (!f->mine[i])
      continue;
    const ExpRunKey *k = &g_array_index(f->runs, ExpRunKey, i);
    const ExpResult *r = &f->results[i];
    g_string_append_printf(o, "%s    {\"variant\": ", sep);
    append_json_string(o, variant_name(e, k->variant));
    g_string_append_printf(o, ", \"point\": %" G_GUINT64_FORMAT ", \"replication\": %"
                           G_GUINT64_FORMAT ", \"status\": \"%s\"", k->point, k->replication,
                           r->values ? "done" : r->failure ? "failed" : "missing");
    if (r->values != NULL)
      g_string_append_printf(o, ", \"events\": %" G_GUINT64_FORMAT ", \"sim_seconds\": %.9g",
                             r->info.events, r->info.sim_seconds);
    g_string_append_c(o, '}');
    sep = ",\n";
  }
  g_string_append(o, "\n  ]\n}\n");
  return g_string_free(o, FALSE);
}

/* Where run @k's capture goes: @given (--pcap) itself when one run is traced, else with
 * "-VARIANT[-pP]-rN" before its extension; without --pcap, trace[-VARIANT[-pP]-rN].pcap
 * in the folder. */
static char *
pcap_path(const Folder *f, guint traced, const ExpRunKey *k)
{
  const Experiment *e = f->e;
  g_autofree char *pt = e->points->len > 1 ? g_strdup_printf("-p%" G_GUINT64_FORMAT, k->point)
                                           : g_strdup("");
  g_autofree char *suffix = traced == 1 ? g_strdup("")
                                        : g_strdup_printf("-%s%s-r%" G_GUINT64_FORMAT,
                                                          variant_name(e, k->variant), pt,
                                                          k->replication);
  const char *given = f->info->pcap;
  if (given == NULL) {
    g_autofree char *name = g_strdup_printf("trace%s.pcap", suffix);
    return g_build_filename(f->dir, name, NULL);
  }
  const char *dot = strrchr(given, '.'), *slash = strrchr(given, '/');
  if (dot == NULL || (slash != NULL && dot < slash))
    dot = given + strlen(given);
  return g_strdup_printf("%.*s%s%s", (int)(dot - given), given, suffix, dot);
}

/* Copies the runs' captures to where they go. */
static gboolean
write_captures(const Folder *f, GError **error)
{
  GPtrArray *have = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GArray) which = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < f->runs->len; i++) {
    if (f->results[i].values == NULL)
      continue;
    g_autofree char *stem = exp_result_stem(f->e, &g_array_index(f->runs, ExpRunKey, i));
    g_autofree char *name = g_strconcat(stem, ".pcap", NULL);
    char *path = g_build_filename(f->dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
      g_ptr_array_add(have, path);
      g_array_append_val(which, i);
    } else {
      g_free(path);
    }
  }
  gboolean ok = TRUE;
  for (guint j = 0; j < have->len && ok; j++) {
    guint i = g_array_index(which, guint, j);
    g_autofree char *to = pcap_path(f, have->len, &g_array_index(f->runs, ExpRunKey, i));
    g_autofree char *bytes = NULL;
    gsize len = 0;
    ok = g_file_get_contents(have->pdata[j], &bytes, &len, NULL);
    if (!ok)
      g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot read '%s'", (char *)have->pdata[j]);
    else
      ok = exp_result_put(to, bytes, (gssize)len, error);
  }
  g_ptr_array_free(have, TRUE);
  return ok;
}

gboolean
exp_folder_write(const Experiment *e, const char *dir, const ExpFolderInfo *info,
                 ExpFolderSummary *summary, GError **error)
{
  g_return_val_if_fail(e != NULL && dir != NULL && info != NULL && summary != NULL, FALSE);
  memset(summary, 0, sizeof *summary);
  Folder f = { e, dir, info, experiment_runs(e), NULL, NULL };
  f.results = g_new0(ExpResult, f.runs->len);
  f.mine = g_new0(gboolean, f.runs->len);
  gboolean ok = TRUE;
  for (guint i = 0; i < f.runs->len && ok; i++) {
    const ExpRunKey *k = &g_array_index(f.runs, ExpRunKey, i);
    f.mine[i] = exp_folder_in_shard(i, info->shard, info->shards);
    if (!f.mine[i])
      continue;
    summary->runs++;
    if (exp_result_state(dir, e, k) == EXP_RESULT_ABSENT)
      continue;
    ok = exp_result_read(dir, e, k, &f.results[i], error);
    if (ok && f.results[i].failure != NULL)
      summary->failed++;
    else if (ok)
      summary->events += f.results[i].info.events;
    summary->done += ok;
  }

  SimSummary *sums = NULL, *pooled = NULL;
  char *files[12][2] = { { 0 } };
  guint nf = 0;
  if (!ok)
    goto out;
  sums = summarise(&f, FALSE);
  pooled = summarise(&f, TRUE);
  files[nf][0] = "runs.csv";
  files[nf++][1] = runs_csv(&f);
  files[nf][0] = "failures.csv";
  files[nf++][1] = failures_csv(&f);
  files[nf][0] = "metrics.csv";
  files[nf++][1] = metrics_csv(e);
  files[nf][0] = "summary.csv";
  files[nf++][1] = summary_csv(&f, sums);
  files[nf][0] = "differences.csv";
  files[nf++][1] = differences_csv(&f);
  const struct {
    const char *kind, *name, *header;
  } recorded[] = {
    { "trace", "trace.csv", exp_record_trace_header },
    { "states", "states.csv", exp_record_states_header },
    { "samples", "samples.csv", exp_record_samples_header },
  };
  for (guint r = 0; r < G_N_ELEMENTS(recorded) && ok; r++) {
    files[nf][0] = (char *)recorded[r].name;
    files[nf][1] = records_csv(&f, recorded[r].kind, recorded[r].header, error);
    ok = files[nf++][1] != NULL;
  }
  if (!ok)
    goto out;
  if (e->verdict != NULL && summary->done > summary->failed) {
    VerdictCtx ctx = { e, pooled };
    g_autoptr(GString) figures = g_string_new(NULL);
    gboolean holds = FALSE;
    ok = exp_verdict_eval(e->verdict, verdict_lookup, &ctx, &holds, figures, error);
    if (!ok)
      goto out;
    summary->supported = holds;
    summary->verdict = g_strdup_printf("VERDICT %s: %s (%s)", e->name,
                                       holds ? "SUPPORTED" : "REFUTED", figures->str);
    const char *hyp = sim_config_get_string(e->base, "experiment", "hypothesis");
    files[nf][0] = "verdict.txt";
    files[nf++][1] = g_strdup_printf("%s\nhypothesis: %s\nexpect: %s\n", summary->verdict,
                                     hyp, e->expect);
  }
  files[nf][0] = "manifest.json";
  files[nf++][1] = manifest_json(&f, summary);
  for (guint i = 0; i < nf && ok; i++) {
    g_autofree char *path = g_build_filename(dir, files[i][0], NULL);
    if (files[i][1] == NULL || files[i][1][0] == '\0') {
      unlink(path);     /* a kind of file this folder has no rows for (any more) */
      continue;
    }
    ok = exp_result_put(path, files[i][1], -1, error);
  }
  if (ok)
    ok = write_captures(&f, error);
out:
  for (guint i = 0; i < G_N_ELEMENTS(files); i++)
    g_free(files[i][1]);
  g_free(sums);
  g_free(pooled);
  for (guint i = 0; i < f.runs->len; i++)
    exp_result_clear(&f.results[i]);
  g_free(f.results);
  g_free(f.mine);
  g_array_free(f.runs, TRUE);
  return ok;
}

/* ---- comparing experiments -------------------------------------------------------- */

gboolean
exp_folder_compare_configs(const char *folder_text, const char *here_text,
                           gboolean ignore_replications, GString *out)
{
  g_autoptr(GKeyFile) a = g_key_file_new(), b = g_key_file_new();
  if (!g_key_file_load_from_data(a, folder_text, (gsize)-1, G_KEY_FILE_NONE, NULL) ||
      !g_key_file_load_from_data(b, here_text, (gsize)-1, G_KEY_FILE_NONE, NULL)) {
    g_string_append(out, "  config.resolved.ini cannot be read as INI\n");
    return FALSE;
  }
  gboolean same = TRUE;
  GKeyFile *files[2] = { a, b };
  for (int side = 0; side < 2; side++) {
    g_auto(GStrv) groups = g_key_file_get_groups(files[side], NULL);
    for (char **g = groups; *g; g++) {
      g_auto(GStrv) keys = g_key_file_get_keys(files[side], *g, NULL, NULL);
      for (char **k = keys; k && *k; k++) {
        if (ignore_replications && strcmp(*g, "experiment") == 0 &&
            strcmp(*k, "replications") == 0)
          continue;
        g_autofree char *va = g_key_file_get_value(a, *g, *k, NULL);
        g_autofree char *vb = g_key_file_get_value(b, *g, *k, NULL);
        if (side == 1 && va != NULL)
          continue;     /* compared from the folder's side */
        if (va != NULL && vb != NULL && strcmp(va, vb) == 0)
          continue;
        same = FALSE;
        g_string_append_printf(out, "  [%s] %s: %s%s%s in the folder, %s%s%s here\n", *g, *k,
                               va ? "'" : "", va ? va : "not set", va ? "'" : "",
                               vb ? "'" : "", vb ? vb : "not set", vb ? "'" : "");
      }
    }
  }
  return same;
}
