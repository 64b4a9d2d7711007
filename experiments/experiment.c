/* experiment: loading and expanding an experiment file (experiment.h). */
#include "experiment.h"

#include <string.h>
#include "exp_config.h"
#include "exp_plot.h"
#include "exp_run.h"
#include "sim_error.h"
#include "sim_suggest.h"

/* Sections a variant may not override: they describe the experiment as a whole (its
 * figures draw every variant). */
static gboolean
variant_may_set(const char *section)
{
  return strcmp(section, "experiment") != 0 && strcmp(section, "metrics") != 0 &&
         strcmp(section, "verdict") != 0 && !g_str_has_prefix(section, "variant.") &&
         !g_str_has_prefix(section, "plot.");
}

static void
variant_free(ExpVariant *v)
{
  if (v == NULL)
    return;
  g_free(v->name);
  sim_config_free(v->cfg);
  g_free(v);
}

static void
point_free(ExpPoint *p)
{
  g_strfreev(p->values);
  g_free(p->label);
  g_free(p);
}

void
experiment_free(Experiment *e)
{
  if (e == NULL)
    return;
  if (e->configs)
    g_ptr_array_free(e->configs, TRUE);
  exp_sweep_free(e->sweep);
  g_strfreev(e->sweeps);
  if (e->points)
    g_ptr_array_free(e->points, TRUE);
  g_strfreev(e->sweep_keys);
  if (e->variants)
    g_ptr_array_free(e->variants, TRUE);
  if (e->report)
    g_array_free(e->report, TRUE);
  exp_verdict_free(e->verdict);
  g_free(e->expect);
  g_strfreev(e->overrides);
  sim_config_free(e->base);
  sim_schema_free(e->schema);
  g_free(e->name);
  g_free(e->path);
  g_free(e);
}

/* The file, then @variant's overrides (if any), then the sweep's @point values (if
 * any: one per swept key), then the command line's. Problems of the variant's own keys
 * (form, or a section it may not set) go to @problems. */
static SimConfig *
config_build(const Experiment *e, const char *variant, const char *const *point,
             const char *const *overrides, GString *problems, GError **error)
{
  g_autoptr(SimConfig) cfg = sim_config_new(e->schema);
  if (!sim_config_load_file(cfg, e->path, error))
    return NULL;
  if (variant != NULL) {
    g_autofree char *section = g_strconcat("variant.", variant, NULL);
    g_auto(GStrv) keys = sim_config_keys(cfg, section);
    for (char **k = keys; *k; k++) {
      const char *origin = sim_config_origin(cfg, section, *k);
      const char *dot = strrchr(*k, '.');
      if (dot == NULL || dot == *k || dot[1] == '\0') {
        g_string_append_printf(problems, "%s: [%s] %s: expected section.key = value (such "
                               "as tcp.handshake = 2)\n", origin, section, *k);
        continue;
      }
      g_autofree char *target = g_strndup(*k, (gsize)(dot - *k));
      if (!variant_may_set(target)) {
        g_string_append_printf(problems, "%s: [%s] %s: a variant cannot change [%s] (it "
                               "describes the whole experiment)\n", origin, section, *k,
                               target);
        continue;
      }
      g_autofree char *where = g_strdup_printf("%s [%s]", origin, section);
      g_autofree char *dir = g_path_get_dirname(e->path);
      sim_config_set(cfg, target, dot + 1, sim_config_raw(cfg, section, *k), where, dir);
    }
  }
  if (point != NULL && e->sweep != NULL)
    exp_sweep_apply(e->sweep, point, cfg);
  for (const char *const *o = overrides; o && *o; o++)
    if (!sim_config_set_override(cfg, *o, error))
      return NULL;
  return g_steal_pointer(&cfg);
}

/* Validation of a built config: the schema, then the checks across keys. */
static gboolean
config_check(SimConfig *cfg, GString *problems)
{
  g_autoptr(GError) err = NULL;
  gsize before = problems->len;
  gboolean valid = sim_config_validate(cfg, &err);
  if (!valid)
    g_string_append_printf(problems, "%s\n", err->message);
  exp_config_check_sections(cfg, problems);
  g_clear_error(&err);
  if (valid && !exp_config_check(cfg, &err))
    g_string_append_printf(problems, "%s\n", err->message);
  return problems->len == before;
}

static gboolean
name_is_safe(const char *name)
{
  if (name[0] == '\0' || name[0] == '.')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

static void
load_report(Experiment *e, GString *problems)
{
  e->report = g_array_new(FALSE, FALSE, sizeof(guint));
  const char *text = sim_config_raw(e->base, "metrics", "report");
  if (text == NULL)
    text = "all";
  guint n = exp_metric_count();
  gboolean *want = g_new0(gboolean, n);
  g_autofree char *trimmed = g_strstrip(g_strdup(text));
  if (strcmp(trimmed, "all") == 0) {
    for (guint i = 0; i < n; i++)
      want[i] = TRUE;
  } else {
    g_auto(GStrv) names = g_strsplit(text, ",", -1);
    const char **all = g_new(const char *, n);
    for (guint i = 0; i < n; i++)
      all[i] = exp_metric(i)->name;
    for (char **p = names; *p; p++) {
      g_strstrip(*p);
      int idx = exp_metric_find(*p);
      if (idx >= 0) {
        want[idx] = TRUE;
        continue;
      }
      const char *close = sim_suggest(*p, all, n);
      g_string_append_printf(problems, "%s: [metrics] report: unknown metric '%s'%s%s%s "
                             "(synack keys metrics lists them)\n",
                             sim_config_origin(e->base, "metrics", "report"), *p,
                             close ? "; did you mean '" : "", close ? close : "",
                             close ? "'?" : "");
    }
    g_free(all);
  }
  for (guint i = 0; i < n; i++)
    if (want[i])
      g_array_append_val(e->report, i);
  g_free(want);
}

static gboolean
has_variant_section(const Experiment *e, const char *name)
{
  g_autofree char *section = g_strconcat("variant.", name, NULL);
  return sim_config_section_origin(e->base, section) != NULL ||
         (strcmp(name, "base") == 0 && e->variants->len == 1 &&
          strcmp(((const ExpVariant *)e->variants->pdata[0])->name, "base") == 0);
}

static void
load_verdict(Experiment *e, GString *problems)
{
  const char *text = sim_config_raw(e->base, "verdict", "expect");
  if (text == NULL)
    return;
  const char *origin = sim_config_origin(e->base, "verdict", "expect");
  e->expect = g_strdup(text);
  g_autoptr(GError) err = NULL;
  e->verdict = exp_verdict_parse(e->expect, &err);
  if (e->verdict == NULL) {
    g_string_append_printf(problems, "%s: [verdict] expect: %s\n", origin, err->message);
    return;
  }
  g_auto(GStrv) sections = sim_config_sections(e->base, "variant.");
  guint n_variants = MAX(g_strv_length(sections), 1);
  for (guint i = 0; i < exp_verdict_n_refs(e->verdict); i++) {
    const char *variant = exp_verdict_ref_variant(e->verdict, i);
    const char *metric = exp_verdict_ref_metric(e->verdict, i);
    if (variant == NULL && n_variants > 1)
      g_string_append_printf(problems, "%s: [verdict] expect: '%s' needs a variant "
                             "(VARIANT.%s): the experiment has %u\n", origin, metric, metric,
                             n_variants);
    else if (variant != NULL && !has_variant_section(e, variant))
      g_string_append_printf(problems, "%s: [verdict] expect: '%s.%s': no variant '%s'\n",
                             origin, variant, metric, variant);
    if (exp_metric_find(metric) < 0)
      g_string_append_printf(problems, "%s: [verdict] expect: '%s' is not a metric "
                             "(synack keys metrics lists them)\n", origin, metric);
  }
}

/* "section.key" of an assignment "section.key=value" as sim_config_set_override reads
 * it (the last dot splits, blanks trimmed), or NULL when it has no such form. */
static char *
assignment_key(const char *assignment)
{
  const char *eq = strchr(assignment, '=');
  if (eq == NULL)
    return NULL;
  g_autofree char *lhs = g_strndup(assignment, (gsize)(eq - assignment));
  char *dot = strrchr(lhs, '.');
  if (dot == NULL)
    return NULL;
  *dot = '\0';
  return g_strconcat(g_strstrip(lhs), ".", g_strstrip(dot + 1), NULL);
}

/* A --set may not name a swept key: the sweep gives it its values. */
static void
check_sets_of_swept_keys(const Experiment *e, GString *problems)
{
  for (char **o = e->overrides; e->sweep != NULL && o && *o; o++) {
    g_autofree char *key = assignment_key(*o);
    for (guint i = 0; key != NULL && i < exp_sweep_n_keys(e->sweep); i++)
      if (strcmp(key, exp_sweep_key(e->sweep, i)) == 0)
        g_string_append_printf(problems, "--set %s: %s is swept (%s): give its values with "
                               "--sweep %s=VALUES instead\n", *o, key,
                               exp_sweep_origin(e->sweep, i), key);
  }
}

static ExpPoint *
point_new(const ExpSweep *sweep, char **values)
{
  ExpPoint *p = g_new0(ExpPoint, 1);
  p->values = values;
  GString *label = g_string_new(NULL);
  for (guint i = 0; values[i] != NULL; i++)
    g_string_append_printf(label, "%s%s=%s", i > 0 ? " " : "", exp_sweep_key(sweep, i),
                           values[i]);
  p->label = g_string_free(label, FALSE);
  return p;
}

/* The points of the sweep (where evaluated on the file and --set), replacing the one
 * point without values; with no point left the sweep is dropped (the problem is told). */
static void
load_points(Experiment *e, const char *const *overrides, GString *problems)
{
  g_autoptr(GString) ignored = g_string_new(NULL);
  g_autoptr(SimConfig) cfg = config_build(e, NULL, NULL, overrides, ignored, NULL);
  gboolean valid = cfg != NULL && sim_config_validate(cfg, NULL);
  g_assert(valid);   /* the same text as the base, which passed */
  g_autoptr(GPtrArray) values = exp_sweep_points(e->sweep, cfg, problems);
  if (values->len == 0) {
    g_clear_pointer(&e->sweep, exp_sweep_free);
    return;
  }
  g_ptr_array_set_size(e->points, 0);
  for (guint i = 0; i < values->len; i++)
    g_ptr_array_add(e->points, point_new(e->sweep, g_steal_pointer(&values->pdata[i])));
}

/* Appends the lines of @found to @problems, each once (@told: those already there),
 * with " (at point N: LABEL)" after each when @point is not NULL. */
static void
add_problems(GString *problems, const char *found, GHashTable *told, guint index,
             const ExpPoint *point)
{
  g_auto(GStrv) lines = g_strsplit(found, "\n", -1);
  for (char **l = lines; *l; l++) {
    if ((*l)[0] == '\0' || !g_hash_table_add(told, g_strdup(*l)))
      continue;
    if (point != NULL)
      g_string_append_printf(problems, "%s (at point %u: %s)\n", *l, index, point->label);
    else
      g_string_append_printf(problems, "%s\n", *l);
  }
}

/* Builds and checks the configs of variant @vname (NULL: the file alone, named "base")
 * at every point, and adds the variant when they all pass. FALSE only when the file
 * cannot be read again. */
static gboolean
variant_load(Experiment *e, const char *vname, const char *const *overrides,
             GString *problems, GHashTable *told, GError **error)
{
  g_autoptr(GPtrArray) cfgs = g_ptr_array_new_with_free_func((GDestroyNotify)sim_config_free);
  gboolean ok = TRUE;
  for (guint p = 0; p < e->points->len; p++) {
    const ExpPoint *pt = g_ptr_array_index(e->points, p);
    g_autoptr(GString) own = g_string_new(NULL);
    SimConfig *cfg = config_build(e, vname, e->sweep ? (const char *const *)pt->values : NULL,
                                  overrides, own, error);
    if (cfg == NULL)
      return FALSE;
    if (p == 0)   /* the variant's own keys: the same at every point */
      add_problems(problems, own->str, told, 0, NULL);
    g_autoptr(GString) found = g_string_new(NULL);
    if (!config_check(cfg, found)) {
      add_problems(problems, found->str, told, p, e->sweep ? pt : NULL);
      ok = FALSE;
      sim_config_free(cfg);
      continue;
    }
    g_ptr_array_add(cfgs, cfg);
  }
  if (!ok)
    return TRUE;
  ExpVariant *v = g_new0(ExpVariant, 1);
  v->name = g_strdup(vname ? vname : "base");
  if (e->sweep == NULL) {
    v->cfg = g_ptr_array_steal_index(cfgs, 0);
  } else {
    const ExpPoint *first = g_ptr_array_index(e->points, 0);
    g_autoptr(GString) again = g_string_new(NULL);
    v->cfg = config_build(e, vname, (const char *const *)first->values, overrides, again,
                          error);
    gboolean valid = v->cfg != NULL && config_check(v->cfg, again);
    g_assert(valid);   /* as configs->pdata[0], which passed */
    for (guint p = 0; p < cfgs->len; p++)
      g_ptr_array_add(e->configs, g_steal_pointer(&cfgs->pdata[p]));
  }
  g_ptr_array_add(e->variants, v);
  return TRUE;
}

Experiment *
experiment_load(const char *path, const char *const *overrides, GError **error)
{
  return experiment_load_swept(path, overrides, NULL, error);
}

Experiment *
experiment_load_swept(const char *path, const char *const *overrides,
                      const char *const *sweeps, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_autoptr(Experiment) e = g_new0(Experiment, 1);
  e->path = g_strdup(path);
  e->overrides = g_strdupv((char **)overrides);
  e->sweeps = g_strdupv((char **)sweeps);
  e->schema = exp_schema_new();
  e->variants = g_ptr_array_new_with_free_func((GDestroyNotify)variant_free);
  e->sweep_keys = g_new0(char *, 1);
  e->points = g_ptr_array_new_with_free_func((GDestroyNotify)point_free);
  ExpPoint *only = g_new0(ExpPoint, 1);
  only->values = g_new0(char *, 1);
  only->label = g_strdup("");
  g_ptr_array_add(e->points, only);
  g_autoptr(GString) problems = g_string_new(NULL);

  e->base = config_build(e, NULL, NULL, overrides, problems, error);
  if (e->base == NULL)
    return NULL;
  if (sim_config_section_origin(e->base, "experiment") == NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: no [experiment] section: an "
                "experiment file starts with one (synack keys experiment lists its keys)",
                path);
    return NULL;
  }
  /* with the base invalid, the variants would only repeat its problems; the name, the
   * sweep, the metric list and the verdict are still checked, from the text as given */
  gboolean base_ok = config_check(e->base, problems);
  const char *name = sim_config_raw(e->base, "experiment", "name");
  if (name != NULL && name[0] != '\0') {
    e->name = g_strdup(name);
  } else {
    g_autofree char *base = g_path_get_basename(path);
    e->name = g_str_has_suffix(base, ".ini") ? g_strndup(base, strlen(base) - 4)
                                             : g_strdup(base);
  }
  if (!name_is_safe(e->name))
    g_string_append_printf(problems, "%s: [experiment] name: '%s' cannot name an output "
                           "folder (letters, digits, '_', '-' and '.' only)\n",
                           name != NULL ? sim_config_origin(e->base, "experiment", "name")
                                        : path, e->name);
  g_autofree char *dir = g_path_get_dirname(path);
  e->sweep = exp_sweep_parse(e->schema, e->base, sweeps, dir, problems);
  check_sets_of_swept_keys(e, problems);
  if (!base_ok) {
    load_report(e, problems);
    load_verdict(e, problems);
    exp_plot_check(e, problems);
    g_string_truncate(problems, problems->len - 1);
    g_set_error_literal(error, SIM_ERROR, SIM_ERROR_INVALID, problems->str);
    return NULL;
  }
  e->seed = (uint64_t)sim_config_get_int(e->base, "experiment", "seed");
  e->replications = (guint)sim_config_get_int(e->base, "experiment", "replications");
  if (e->sweep != NULL)
    load_points(e, overrides, problems);
  if (e->sweep != NULL) {
    g_strfreev(e->sweep_keys);
    e->sweep_keys = g_new0(char *, exp_sweep_n_keys(e->sweep) + 1);
    for (guint i = 0; i < exp_sweep_n_keys(e->sweep); i++)
      e->sweep_keys[i] = g_strdup(exp_sweep_key(e->sweep, i));
    e->configs = g_ptr_array_new_with_free_func((GDestroyNotify)sim_config_free);
  }

  g_autoptr(GHashTable) told = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) sections = sim_config_sections(e->base, "variant.");
  for (char **s = sections; *s; s++) {
    const char *vname = *s + strlen("variant.");
    if (!name_is_safe(vname) || strchr(vname, '.') != NULL) {
      g_string_append_printf(problems, "%s: [%s]: a variant's name is letters, digits, "
                             "'_' and '-'\n", sim_config_section_origin(e->base, *s), *s);
      continue;
    }
    if (!variant_load(e, vname, overrides, problems, told, error))
      return NULL;
  }
  if (sections[0] == NULL && !variant_load(e, NULL, overrides, problems, told, error))
    return NULL;
  load_report(e, problems);
  load_verdict(e, problems);
  exp_plot_check(e, problems);
  if (problems->len == 0)
    return g_steal_pointer(&e);
  g_string_truncate(problems, problems->len - 1);
  g_set_error_literal(error, SIM_ERROR, SIM_ERROR_INVALID, problems->str);
  return NULL;
}

GArray *
experiment_runs(const Experiment *e)
{
  g_return_val_if_fail(e != NULL, NULL);
  GArray *runs = g_array_new(FALSE, FALSE, sizeof(ExpRunKey));
  for (guint v = 0; v < e->variants->len; v++)
    for (guint p = 0; p < e->points->len; p++)
      for (guint r = 0; r < e->replications; r++) {
        ExpRunKey k = { .variant = v, .point = p, .replication = r };
        g_array_append_val(runs, k);
      }
  return runs;
}

const SimConfig *
experiment_config(const Experiment *e, guint variant, guint point)
{
  g_return_val_if_fail(e != NULL && variant < e->variants->len && point < e->points->len,
                       NULL);
  if (e->configs != NULL)
    return g_ptr_array_index(e->configs, variant * e->points->len + point);
  return ((const ExpVariant *)g_ptr_array_index(e->variants, variant))->cfg;
}


char *
experiment_resolved(const Experiment *e)
{
  g_return_val_if_fail(e != NULL, NULL);
  /* the base built again (file and --set, empirical files found as they were), with
   * the name it ran under and every TCP value written out ... */
  g_autoptr(GString) ignored = g_string_new(NULL);
  g_autoptr(SimConfig) cfg = config_build(e, NULL, NULL, (const char *const *)e->overrides,
                                          ignored, NULL);
  if (cfg == NULL)
    return NULL;
  /* ... the sweep with --sweep merged in, keys in their order ... */
  if (e->sweep != NULL)
    exp_sweep_write(e->sweep, cfg);
  /* a swept preset makes the TCP values differ from point to point: they are left to it */
  gboolean preset_swept = e->sweep != NULL && exp_sweep_find(e->sweep, "tcp", "preset") >= 0;
  if (sim_config_raw(cfg, "experiment", "name") == NULL ||
      sim_config_raw(cfg, "experiment", "name")[0] == '\0')
    sim_config_set(cfg, "experiment", "name", e->name, "the file's name", NULL);
  if (!sim_config_validate(cfg, NULL))
    return NULL;
  g_autoptr(GPtrArray) base_tcp = exp_tcp_effective(cfg);
  if (!preset_swept)
    exp_tcp_materialize(cfg);
  /* ... and, in each variant, the TCP values its preset changes that it does not set */
  for (guint i = 0; i < e->variants->len; i++) {
    const ExpVariant *v = g_ptr_array_index(e->variants, i);
    g_autofree char *section = g_strconcat("variant.", v->name, NULL);
    if (sim_config_section_origin(cfg, section) == NULL)
      continue;
    /* a --set beats a variant: where both set a key, the file says what ran */
    for (char **o = e->overrides; o && *o; o++) {
      /* "sec.key=value", spelt as sim_config_set_override reads it */
      const char *eq = strchr(*o, '=');
      g_autofree char *lhs = g_strndup(*o, (gsize)(eq - *o));
      char *dot = strrchr(lhs, '.');
      *dot = '\0';
      g_autofree char *key = g_strconcat(g_strstrip(lhs), ".", g_strstrip(dot + 1), NULL);
      g_autofree char *value = g_strstrip(g_strdup(eq + 1));
      if (sim_config_raw(cfg, section, key) != NULL)
        sim_config_set(cfg, section, key, value, "--set", NULL);
    }
    g_autoptr(GPtrArray) kv = exp_tcp_effective(v->cfg);
    for (guint k = 0; !preset_swept && k + 1 < kv->len; k += 2) {
      if (e->sweep != NULL && exp_sweep_find(e->sweep, "tcp", kv->pdata[k]) >= 0)
        continue;   /* the sweep's, at every point */
      g_autofree char *key = g_strconcat("tcp.", (char *)kv->pdata[k], NULL);
      if (strcmp(kv->pdata[k + 1], base_tcp->pdata[k + 1]) != 0 &&
          sim_config_raw(cfg, section, key) == NULL)
        sim_config_set(cfg, section, key, kv->pdata[k + 1], "preset", NULL);
    }
  }
  return sim_config_to_data(cfg);
}
