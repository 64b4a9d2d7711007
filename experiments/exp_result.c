/* exp_result: a finished run's files (exp_result.h). */
#include "exp_result.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "sim_error.h"

void
exp_result_clear(ExpResult *r)
{
  if (r == NULL)
    return;
  g_free(r->values);
  g_free(r->failure);
  memset(r, 0, sizeof *r);
}

char *
exp_result_stem(const Experiment *e, const ExpRunKey *k)
{
  const ExpVariant *v = g_ptr_array_index(e->variants, k->variant);
  return g_strdup_printf("runs/%s.p%" G_GUINT64_FORMAT ".r%" G_GUINT64_FORMAT, v->name,
                         k->point, k->replication);
}

static char *
result_path(const char *dir, const Experiment *e, const ExpRunKey *k, const char *ext)
{
  g_autofree char *stem = exp_result_stem(e, k);
  g_autofree char *name = g_strconcat(stem, ext, NULL);
  return g_build_filename(dir, name, NULL);
}

gboolean
exp_result_put(const char *path, const char *text, gssize len, GError **error)
{
  g_autoptr(GError) err = NULL;
  if (g_file_set_contents(path, text, len, &err))
    return TRUE;
  g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot write '%s': %s", path, err->message);
  return FALSE;
}

static gboolean
make_runs_dir(const char *dir, GError **error)
{
  g_autofree char *runs = g_build_filename(dir, "runs", NULL);
  if (g_mkdir_with_parents(runs, 0777) == 0)
    return TRUE;
  int err = errno;
  g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot make folder '%s': %s", runs,
              g_strerror(err));
  return FALSE;
}

gboolean
exp_result_write(const char *dir, const Experiment *e, const ExpRunKey *k, const double *values,
                 const ExpRunInfo *info, const ExpRecord *record, gboolean pcap,
                 GError **error)
{
  g_return_val_if_fail(dir != NULL && e != NULL && k != NULL && values != NULL && info != NULL,
                       FALSE);
  if (!make_runs_dir(dir, error))
    return FALSE;
  const ExpVariant *v = g_ptr_array_index(e->variants, k->variant);
  const struct {
    const char *ext;
    void (*rows)(const ExpRecord *, const char *, uint64_t, uint64_t, GString *);
  } kinds[] = {
    { ".trace.csv", exp_record_trace_csv },
    { ".states.csv", exp_record_states_csv },
    { ".samples.csv", exp_record_samples_csv },
  };
  for (guint i = 0; i < G_N_ELEMENTS(kinds); i++) {
    g_autoptr(GString) rows = g_string_new(NULL);
    kinds[i].rows(record, v->name, k->point, k->replication, rows);
    g_autofree char *path = result_path(dir, e, k, kinds[i].ext);
    if (rows->len > 0 && !exp_result_put(path, rows->str, (gssize)rows->len, error))
      return FALSE;
  }
  if (pcap && exp_record_has_trace(record)) {
    g_autofree char *path = result_path(dir, e, k, ".pcap");
    if (!exp_record_pcap(record, path, error))
      return FALSE;
  }
  g_autoptr(GString) o = g_string_new("# one finished run of the experiment in this folder\n");
  g_string_append_printf(o, "variant=%s\npoint=%" G_GUINT64_FORMAT "\nreplication=%"
                         G_GUINT64_FORMAT "\nevents=%" G_GUINT64_FORMAT "\nsim_seconds=%.17g\n",
                         v->name, k->point, k->replication, info->events, info->sim_seconds);
  for (guint m = 0; m < exp_metric_count(); m++)
    g_string_append_printf(o, "metric.%s=%.17g\n", exp_metric(m)->name, values[m]);
  g_autofree char *path = result_path(dir, e, k, ".run");
  return exp_result_put(path, o->str, (gssize)o->len, error);
}

gboolean
exp_result_write_failure(const char *dir, const Experiment *e, const ExpRunKey *k,
                         const char *why, GError **error)
{
  if (!make_runs_dir(dir, error))
    return FALSE;
  g_autofree char *one = g_strdelimit(g_strdup(why), "\n\r", ' ');
  g_autofree char *text = g_strconcat(one, "\n", NULL);
  g_autofree char *path = result_path(dir, e, k, ".failed");
  return exp_result_put(path, text, -1, error);
}

ExpResultState
exp_result_state(const char *dir, const Experiment *e, const ExpRunKey *k)
{
  g_autofree char *run = result_path(dir, e, k, ".run");
  if (g_file_test(run, G_FILE_TEST_IS_REGULAR))
    return EXP_RESULT_DONE;
  g_autofree char *failed = result_path(dir, e, k, ".failed");
  return g_file_test(failed, G_FILE_TEST_IS_REGULAR) ? EXP_RESULT_FAILED : EXP_RESULT_ABSENT;
}

static gboolean
parse_double(const char *text, double *out)
{
  char *end;
  *out = g_ascii_strtod(text, &end);
  return end != text && *end == '\0';
}

gboolean
exp_result_read(const char *dir, const Experiment *e, const ExpRunKey *k, ExpResult *out,
                GError **error)
{
  memset(out, 0, sizeof *out);
  if (exp_result_state(dir, e, k) == EXP_RESULT_FAILED) {
    g_autofree char *path = result_path(dir, e, k, ".failed");
    if (!g_file_get_contents(path, &out->failure, NULL, NULL)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot read '%s'", path);
      return FALSE;
    }
    g_strchomp(out->failure);
    return TRUE;
  }
  g_autofree char *path = result_path(dir, e, k, ".run");
  g_autofree char *text = NULL;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &text, NULL, &err)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot read '%s': %s", path, err->message);
    return FALSE;
  }
  guint nm = exp_metric_count();
  out->values = g_new(double, nm);
  for (guint m = 0; m < nm; m++)
    out->values[m] = NAN;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint lineno = 0;
  for (char **l = lines; *l; l++) {
    lineno++;
    if (**l == '\0' || **l == '#')
      continue;
    char *eq = strchr(*l, '=');
    double x = 0;
    gboolean ok = eq != NULL;
    if (ok) {
      *eq = '\0';
      const char *key = *l, *val = eq + 1;
      if (g_str_has_prefix(key, "metric.")) {
        int m = exp_metric_find(key + strlen("metric."));
        ok = parse_double(val, &x);
        if (ok && m >= 0)
          out->values[m] = x;        /* a metric this version does not know: ignored */
      } else if (strcmp(key, "events") == 0) {
        ok = parse_double(val, &x) && x >= 0;
        out->info.events = (uint64_t)x;
      } else if (strcmp(key, "sim_seconds") == 0) {
        ok = parse_double(val, &out->info.sim_seconds);
      }
    }
    if (!ok) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s:%u: expected key=value with a "
                  "number", path, lineno);
      exp_result_clear(out);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
exp_result_append_rows(const char *dir, const Experiment *e, const ExpRunKey *k,
                       const char *kind, GString *out, GError **error)
{
  g_autofree char *ext = g_strdup_printf(".%s.csv", kind);
  g_autofree char *path = result_path(dir, e, k, ext);
  if (!g_file_test(path, G_FILE_TEST_EXISTS))
    return TRUE;
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &text, &len, &err)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot read '%s': %s", path, err->message);
    return FALSE;
  }
  g_string_append_len(out, text, (gssize)len);
  return TRUE;
}
