/* Tests for experiments/exp_sweep.c and the sweep side of experiments/experiment.c: each
 * form of a swept key's values expanded to exact values (lists, ranges with units,
 * number ranges reaching their stop, integer ranges, log ranges and their rounding), zip
 * and where, the order of the grid, variants crossed with points (each config holding
 * its point's values), --sweep and --set against the file, the resolved text loaded back
 * to the same points and configs, and the message of every kind of bad sweep, each
 * naming the file, the line and the key (tests/data/experiments/bad_sweep_*.ini). */
#include "test_util.h"
#include "exp_config.h"
#include "exp_sweep.h"
#include "exp_verdict.h"
#include "experiment.h"

#include <glib/gstdio.h>

/* ---- helpers ---------------------------------------------------------------------- */

static char *
exp_path(const char *name)
{
  g_autofree char *rel = g_build_filename("experiments", name, NULL);
  return test_data_path(rel);
}

/* Expands @text for @type and compares with @want ("|"-separated values). */
#define ASSERT_EXPANDS(type, text, want) assert_expands(type, text, want, __LINE__)
static void
assert_expands(SimKeyType type, const char *text, const char *want, int line)
{
  GError *err = NULL;
  g_autoptr(GPtrArray) got = exp_sweep_expand(type, text, &err);
  if (got == NULL) {
    fprintf(stderr, "\n  (line %d) '%s': %s\n", line, text, err->message);
    g_error_free(err);
    CU_FAIL("values not expanded");
    return;
  }
  g_ptr_array_add(got, NULL);
  g_autofree char *joined = g_strjoinv("|", (char **)got->pdata);
  g_ptr_array_remove_index(got, got->len - 1);
  if (strcmp(joined, want) != 0) {
    fprintf(stderr, "\n  (line %d) '%s' gives\n    %s\n  expected\n    %s\n", line, text,
            joined, want);
    CU_FAIL("wrong values");
  } else {
    CU_PASS("values as expected");
  }
}

#define ASSERT_REFUSED(type, text, want) assert_refused(type, text, want, __LINE__)
static void
assert_refused(SimKeyType type, const char *text, const char *want, int line)
{
  GError *err = NULL;
  g_autoptr(GPtrArray) got = exp_sweep_expand(type, text, &err);
  CU_ASSERT_PTR_NULL(got);
  if (err == NULL) {
    fprintf(stderr, "\n  (line %d) '%s' was taken\n", line, text);
    CU_FAIL("values taken");
    return;
  }
  if (strcmp(err->message, want) != 0) {
    fprintf(stderr, "\n  (line %d) '%s': message\n    %s\n  expected\n    %s\n", line, text,
            err->message, want);
    CU_FAIL("wrong message");
  }
  g_error_free(err);
}

/* A temporary experiment file holding @text (removed by file_remove). */
static char *
file_new(const char *text)
{
  g_autofree char *dir = g_dir_make_tmp("synack-sweep-XXXXXX", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  char *path = g_build_filename(dir, "exp.ini", NULL);
  CU_ASSERT_FATAL(g_file_set_contents(path, text, -1, NULL));
  return path;
}

static void
file_remove(const char *path)
{
  g_autofree char *dir = g_path_get_dirname(path);
  g_unlink(path);
  g_rmdir(dir);
}

static Experiment *
load_ok(const char *path, const char *const *overrides, const char *const *sweeps)
{
  GError *err = NULL;
  Experiment *e = experiment_load_swept(path, overrides, sweeps, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  %s: unexpected error:\n%s\n", path, err->message);
    g_error_free(err);
  }
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  return e;
}

/* The message of a load that must fail (owned). */
static char *
load_fail(const char *path, const char *const *overrides, const char *const *sweeps)
{
  GError *err = NULL;
  Experiment *e = experiment_load_swept(path, overrides, sweeps, &err);
  CU_ASSERT_PTR_NULL(e);
  experiment_free(e);
  if (err == NULL) {
    CU_FAIL("loaded, but should not have");
    return g_strdup("");
  }
  CU_ASSERT_EQUAL(err->domain, SIM_ERROR);
  CU_ASSERT_EQUAL(err->code, SIM_ERROR_INVALID);
  char *msg = g_strdup(err->message);
  g_error_free(err);
  return msg;
}

/* The point labels, "|"-separated, must be @want. */
#define ASSERT_POINTS(e, want) assert_points(e, want, __LINE__)
static void
assert_points(const Experiment *e, const char *want, int line)
{
  g_autoptr(GString) got = g_string_new(NULL);
  for (guint p = 0; p < e->points->len; p++)
    g_string_append_printf(got, "%s%s", p > 0 ? "|" : "",
                           ((const ExpPoint *)e->points->pdata[p])->label);
  if (strcmp(got->str, want) != 0) {
    fprintf(stderr, "\n  (line %d) points\n    %s\n  expected\n    %s\n", line, got->str,
            want);
    CU_FAIL("wrong points");
  } else {
    CU_PASS("points as expected");
  }
}

/* The data file @name fails with exactly one problem, "<path>:<line>: <rest>". */
static void
assert_bad_file(const char *name, guint line, const char *rest)
{
  g_autofree char *path = exp_path(name);
  g_autofree char *msg = load_fail(path, NULL, NULL);
  g_autofree char *want = g_strdup_printf("%s:%u: %s", path, line, rest);
  if (strcmp(msg, want) != 0) {
    fprintf(stderr, "\n  %s: message\n    %s\n  expected\n    %s\n", name, msg, want);
    CU_FAIL("wrong message");
  } else {
    CU_PASS("message as expected");
  }
}

static gint64
duration_at(const Experiment *e, guint v, guint p, const char *section, const char *key)
{
  return sim_config_get_duration(experiment_config(e, v, p), section, key);
}

/* ---- the forms of values ---------------------------------------------------------- */

static void
list_items_are_taken_as_written(void)
{
  ASSERT_EXPANDS(SIM_KEY_DURATION, " 0s, 1.5ms ,60s", "0s|1.5ms|60s");
  /* a comma inside parentheses does not split */
  ASSERT_EXPANDS(SIM_KEY_DIST_DURATION, "exp(100ms), uniform(1ms, 2ms)",
                 "exp(100ms)|uniform(1ms, 2ms)");
  ASSERT_EXPANDS(SIM_KEY_ENUM, "drop, buffer, accept", "drop|buffer|accept");
  ASSERT_EXPANDS(SIM_KEY_INT, "3", "3");
  ASSERT_REFUSED(SIM_KEY_DURATION, "1s,,2s", "value 2 of '1s,,2s' is empty");
  ASSERT_REFUSED(SIM_KEY_DURATION, "  ", "no values: expected a list (0s, 30s), a range "
                 "(0s:60s:15s) or log(10, 1000, 3)");
}

static void
range_with_units_counts_in_whole_units(void)
{
  ASSERT_EXPANDS(SIM_KEY_DURATION, "0s:60s:15s", "0s|15s|30s|45s|1min");
  ASSERT_EXPANDS(SIM_KEY_DURATION, "1ms : 2ms : 250us", "1ms|1.25ms|1.5ms|1.75ms|2ms");
  /* stop not reached: the last value is the one before it */
  ASSERT_EXPANDS(SIM_KEY_DURATION, "0s:50s:20s", "0s|20s|40s");
  ASSERT_EXPANDS(SIM_KEY_SIZE, "1KiB:3KiB:1KiB", "1KiB|2KiB|3KiB");
  ASSERT_EXPANDS(SIM_KEY_RATE, "10Mbps:1Mbps:-3Mbps", "10Mbps|7Mbps|4Mbps|1Mbps");
  ASSERT_EXPANDS(SIM_KEY_DURATION, "5s:5s:1s", "5s");
}

static void
number_range_reaches_its_stop(void)
{
  /* 5 * 0.01 is not 0.05 in binary, nor 3 * 0.1 0.3: the stop is still included */
  ASSERT_EXPANDS(SIM_KEY_PROB, "0:0.05:0.01", "0|0.01|0.02|0.03|0.04|0.05");
  ASSERT_EXPANDS(SIM_KEY_DOUBLE, "0:0.3:0.1", "0|0.1|0.2|0.3");
  ASSERT_EXPANDS(SIM_KEY_PROB, "1:0:-0.25", "1|0.75|0.5|0.25|0");
  ASSERT_EXPANDS(SIM_KEY_PROB, "0:0.25:0.1", "0|0.1|0.2");
}

static void
integer_range_stays_integer(void)
{
  ASSERT_EXPANDS(SIM_KEY_INT, "1:10:3", "1|4|7|10");
  ASSERT_EXPANDS(SIM_KEY_INT, "1:9:3", "1|4|7");
  ASSERT_EXPANDS(SIM_KEY_INT, "10:1:-4", "10|6|2");
  ASSERT_REFUSED(SIM_KEY_INT, "0:10:2.5", "'2.5' is not an integer (the key takes integers)");
}

static void
log_range_is_even_in_log_and_rounds_integers(void)
{
  ASSERT_EXPANDS(SIM_KEY_INT, "log(10, 100000, 9)",
                 "10|32|100|316|1000|3162|10000|31623|100000");
  ASSERT_EXPANDS(SIM_KEY_DOUBLE, "log(0.001, 0.1, 3)", "0.001|0.01|0.1");
  ASSERT_EXPANDS(SIM_KEY_DURATION, "log(1ms, 1s, 4)", "1ms|10ms|100ms|1s");
  ASSERT_EXPANDS(SIM_KEY_INT, "log(100, 1, 3)", "100|10|1");
  ASSERT_REFUSED(SIM_KEY_INT, "log(1, 3, 5)", "'log(1, 3, 5)' gives 1 twice once rounded: "
                 "use fewer values or ends further apart");
  ASSERT_REFUSED(SIM_KEY_INT, "log(1, 100)", "a log range is log(from, to, count), got "
                 "'log(1, 100)'");
  ASSERT_REFUSED(SIM_KEY_INT, "log(-1, 100, 3)", "'log(-1, 100, 3)': a log range needs both "
                 "ends above 0");
  ASSERT_REFUSED(SIM_KEY_INT, "log(1, 100, 1)", "'log(1, 100, 1)': a log range needs a "
                 "count of 2 or more");
  ASSERT_REFUSED(SIM_KEY_ENUM, "log(1, 100, 3)", "a log range needs a key of numbers, "
                 "durations, sizes or rates, not a choice: list the values instead");
}

static void
bad_ranges_say_what_is_wrong(void)
{
  ASSERT_REFUSED(SIM_KEY_PROB, "0:1:0", "the range '0:1:0' has a zero step");
  ASSERT_REFUSED(SIM_KEY_DURATION, "60s:0s:15s", "the range '60s:0s:15s' steps away from "
                 "its stop (the step must be negative)");
  ASSERT_REFUSED(SIM_KEY_INT, "0:10:-1", "the range '0:10:-1' steps away from its stop "
                 "(the step must be positive)");
  ASSERT_REFUSED(SIM_KEY_PROB, "0:1", "a range is start:stop:step, got '0:1'");
  ASSERT_REFUSED(SIM_KEY_PROB, ":1:0.1", "the range ':1:0.1' has no start");
  ASSERT_REFUSED(SIM_KEY_DURATION, "0s:10s:5", "'5' has no unit: a duration needs one of "
                 "ns, us, ms, s, min, h");
  ASSERT_REFUSED(SIM_KEY_INT, "1:100000:1", "'1:100000:1' gives more than 10000 values");
  ASSERT_REFUSED(SIM_KEY_BOOL, "0:1:1", "a range needs a key of numbers, durations, sizes "
                 "or rates, not a boolean: list the values instead");
}

/* ---- grids ------------------------------------------------------------------------ */

static const char grid_ini[] =
  "[experiment]\n"
  "name = grid\n"
  "\n"
  "[tcp]\n"
  "time_wait = 1s\n"
  "\n"
  "[sweep]\n"
  "tcp.time_wait = 0s, 30s\n"
  "link.loss = 0:0.2:0.1\n"
  "client.conns = 1, 2\n";

static void
grid_is_the_cross_product_first_key_slowest(void)
{
  g_autofree char *path = file_new(grid_ini);
  g_autoptr(Experiment) e = load_ok(path, NULL, NULL);
  CU_ASSERT_EQUAL(g_strv_length(e->sweep_keys), 3);
  CU_ASSERT_STRING_EQUAL(e->sweep_keys[0], "tcp.time_wait");
  CU_ASSERT_STRING_EQUAL(e->sweep_keys[1], "link.loss");
  CU_ASSERT_STRING_EQUAL(e->sweep_keys[2], "client.conns");
  ASSERT_POINTS(e,
    "tcp.time_wait=0s link.loss=0 client.conns=1|tcp.time_wait=0s link.loss=0 client.conns=2|"
    "tcp.time_wait=0s link.loss=0.1 client.conns=1|tcp.time_wait=0s link.loss=0.1 client.conns=2|"
    "tcp.time_wait=0s link.loss=0.2 client.conns=1|tcp.time_wait=0s link.loss=0.2 client.conns=2|"
    "tcp.time_wait=30s link.loss=0 client.conns=1|tcp.time_wait=30s link.loss=0 client.conns=2|"
    "tcp.time_wait=30s link.loss=0.1 client.conns=1|tcp.time_wait=30s link.loss=0.1 client.conns=2|"
    "tcp.time_wait=30s link.loss=0.2 client.conns=1|tcp.time_wait=30s link.loss=0.2 client.conns=2");
  const ExpPoint *p7 = e->points->pdata[7];
  CU_ASSERT_STRING_EQUAL(p7->values[0], "30s");
  CU_ASSERT_STRING_EQUAL(p7->values[1], "0");
  CU_ASSERT_STRING_EQUAL(p7->values[2], "2");
  CU_ASSERT_PTR_NULL(p7->values[3]);
  /* the sweep beats the file's [tcp] time_wait = 1s */
  CU_ASSERT_EQUAL(duration_at(e, 0, 7, "tcp", "time_wait"), 30 * SIM_S);
  CU_ASSERT_EQUAL(sim_config_get_int(experiment_config(e, 0, 7), "client", "conns"), 2);
  CU_ASSERT_DOUBLE_EQUAL(sim_config_get_prob(experiment_config(e, 0, 9), "link", "loss"), 0.1,
                         1e-12);
  /* one variant, "base", whose cfg is the config at point 0 */
  CU_ASSERT_EQUAL(e->variants->len, 1);
  CU_ASSERT_EQUAL(sim_config_get_duration(((ExpVariant *)e->variants->pdata[0])->cfg, "tcp",
                                          "time_wait"), 0);
  CU_ASSERT_EQUAL(e->configs->len, 12);
  file_remove(path);
}

static void
zipped_keys_vary_together(void)
{
  static const char text[] =
    "[experiment]\n"
    "name = zipped\n"
    "\n"
    "[sweep]\n"
    "tcp.time_wait = 0s, 30s, 60s\n"
    "client.conns = 1, 2\n"
    "link.msl = 0s, 15s, 30s\n"
    "zip = link.msl, tcp.time_wait\n";
  g_autofree char *path = file_new(text);
  g_autoptr(Experiment) e = load_ok(path, NULL, NULL);
  /* one axis for the group, where its first key stands; columns in file order */
  ASSERT_POINTS(e,
    "tcp.time_wait=0s client.conns=1 link.msl=0s|tcp.time_wait=0s client.conns=2 link.msl=0s|"
    "tcp.time_wait=30s client.conns=1 link.msl=15s|tcp.time_wait=30s client.conns=2 link.msl=15s|"
    "tcp.time_wait=60s client.conns=1 link.msl=30s|tcp.time_wait=60s client.conns=2 link.msl=30s");
  CU_ASSERT_EQUAL(duration_at(e, 0, 4, "link", "msl"), 30 * SIM_S);
  file_remove(path);
}

static void
where_drops_points(void)
{
  static const char text[] =
    "[experiment]\n"
    "name = filtered\n"
    "\n"
    "[link]\n"
    "msl = 20s\n"
    "\n"
    "[sweep]\n"
    "tcp.time_wait = 0s:60s:20s\n"
    "tcp.tw_reuse = false, true\n"
    "where = tcp.time_wait <= 2 * link.msl and not (tcp.tw_reuse and tcp.time_wait == 0)\n";
  g_autofree char *path = file_new(text);
  g_autoptr(Experiment) e = load_ok(path, NULL, NULL);
  ASSERT_POINTS(e, "tcp.time_wait=0s tcp.tw_reuse=false|"
                   "tcp.time_wait=20s tcp.tw_reuse=false|tcp.time_wait=20s tcp.tw_reuse=true|"
                   "tcp.time_wait=40s tcp.tw_reuse=false|tcp.time_wait=40s tcp.tw_reuse=true");
  CU_ASSERT_EQUAL(e->configs->len, 5);
  CU_ASSERT_TRUE(sim_config_get_bool(experiment_config(e, 0, 4), "tcp", "tw_reuse"));
  CU_ASSERT_EQUAL(duration_at(e, 0, 4, "tcp", "time_wait"), 40 * SIM_S);
  file_remove(path);
}

static void
where_follows_the_fallbacks_of_dotted_keys(void)
{
  /* link.access.up.loss is not set: [link] loss, which the sweep gives */
  static const char text[] =
    "[experiment]\n"
    "name = fallback\n"
    "\n"
    "[sweep]\n"
    "link.loss = 0, 0.1, 0.2\n"
    "where = link.access.up.loss < 0.15 and link.access.up.rate == 10000000\n";
  g_autofree char *path = file_new(text);
  g_autoptr(Experiment) e = load_ok(path, NULL, NULL);
  ASSERT_POINTS(e, "link.loss=0|link.loss=0.1");
  file_remove(path);
}

static void
dotted_references_split_at_the_last_dot(void)
{
  GError *err = NULL;
  g_autoptr(ExpVerdict) v = exp_verdict_parse_dotted("link.access.up.hold * 2 < tcp.msl",
                                                     &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  CU_ASSERT_EQUAL_FATAL(exp_verdict_n_refs(v), 2);
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_variant(v, 0), "link.access.up");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 0), "hold");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_variant(v, 1), "tcp");
  /* [verdict] expect keeps VARIANT.METRIC */
  CU_ASSERT_PTR_NULL(exp_verdict_parse("link.access.up.hold > 0", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "column 12: unexpected '.' after 'link.access'");
  CU_ASSERT_PTR_NULL(exp_verdict_parse_dotted("link.access.and > 0", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "column 13: 'and' is a keyword, not a name");
}

static void
variants_run_every_point(void)
{
  g_autofree char *path = exp_path("swept.ini");
  g_autoptr(Experiment) e = load_ok(path, NULL, NULL);
  ASSERT_POINTS(e, "tcp.time_wait=0s link.loss=0|tcp.time_wait=0s link.loss=0.05|"
                   "tcp.time_wait=1s link.loss=0|tcp.time_wait=1s link.loss=0.05|"
                   "tcp.time_wait=2s link.loss=0");
  CU_ASSERT_EQUAL_FATAL(e->variants->len, 2);
  CU_ASSERT_EQUAL_FATAL(e->configs->len, 10);
  for (guint v = 0; v < 2; v++)
    for (guint p = 0; p < 5; p++) {
      const SimConfig *cfg = experiment_config(e, v, p);
      CU_ASSERT_PTR_EQUAL(cfg, e->configs->pdata[v * 5 + p]);
      CU_ASSERT_EQUAL(sim_config_get_int(cfg, "tcp", "handshake"), v == 0 ? 2 : 3);
      CU_ASSERT_EQUAL(sim_config_get_duration(cfg, "tcp", "time_wait"), (p / 2) * SIM_S);
      CU_ASSERT_DOUBLE_EQUAL(sim_config_get_prob(cfg, "link", "loss"),
                             p % 2 == 1 ? 0.05 : 0.0, 1e-12);
    }
  /* every variant x point x replication, variant-major */
  g_autoptr(GArray) runs = experiment_runs(e);
  CU_ASSERT_EQUAL_FATAL(runs->len, 20);
  const ExpRunKey *k = &g_array_index(runs, ExpRunKey, 13);
  CU_ASSERT_EQUAL(k->variant, 1);
  CU_ASSERT_EQUAL(k->point, 1);
  CU_ASSERT_EQUAL(k->replication, 1);
}

static void
command_line_sweep_replaces_a_key_in_place_or_adds_one(void)
{
  g_autofree char *path = exp_path("swept.ini");
  const char *const sweeps[] = { "link.loss = 0.1", "client.conns=1:2:1", NULL };
  g_autoptr(Experiment) e = load_ok(path, NULL, sweeps);
  CU_ASSERT_EQUAL(g_strv_length(e->sweep_keys), 3);
  ASSERT_POINTS(e, "tcp.time_wait=0s link.loss=0.1 client.conns=1|"
                   "tcp.time_wait=0s link.loss=0.1 client.conns=2|"
                   "tcp.time_wait=1s link.loss=0.1 client.conns=1|"
                   "tcp.time_wait=1s link.loss=0.1 client.conns=2");
  CU_ASSERT_EQUAL(sim_config_get_int(experiment_config(e, 1, 3), "client", "conns"), 2);
  /* its problems name the item */
  const char *const bad[] = { "link.loss=0,2", NULL };
  g_autofree char *msg = load_fail(path, NULL, bad);
  CU_ASSERT_STRING_EQUAL(msg, "--sweep link.loss=0,2: [sweep] link.loss: value 2 of 2: '2' "
                              "is out of range (expected a probability in [0, 1])");
  const char *const no_eq[] = { "link.loss", NULL };
  g_autofree char *msg2 = load_fail(path, NULL, no_eq);
  CU_ASSERT_STRING_EQUAL(msg2, "--sweep link.loss: expected section.key=values: no '='");
}

static void
set_of_a_swept_key_is_refused(void)
{
  g_autofree char *path = exp_path("swept.ini");
  const char *const sets[] = { "tcp.time_wait=30s", NULL };
  g_autofree char *msg = load_fail(path, sets, NULL);
  g_autofree char *want = g_strdup_printf("--set tcp.time_wait=30s: tcp.time_wait is swept "
                                          "(%s:24): give its values with --sweep "
                                          "tcp.time_wait=VALUES instead", path);
  CU_ASSERT_STRING_EQUAL(msg, want);
  /* a key not swept may be set, and a set still beats the variants */
  const char *const others[] = { "tcp.handshake=4", NULL };
  g_autoptr(Experiment) e = load_ok(path, others, NULL);
  CU_ASSERT_EQUAL(sim_config_get_int(experiment_config(e, 0, 3), "tcp", "handshake"), 4);
}

/* Every setting of @a and @b, as a run takes it, is the same. */
static void
assert_same_settings(const SimSchema *schema, const SimConfig *a, const SimConfig *b)
{
  static const char *const sections[] = { "topology", "link", "link.access.up", "tcp",
                                          "tcp.client", "tcp.server", "client", "server",
                                          "flooder" };
  for (guint s = 0; s < G_N_ELEMENTS(sections); s++)
    for (guint i = 0; i < sim_schema_size(schema); i++) {
      const SimKeySpec *spec = sim_schema_nth(schema, i);
      const char *family = strchr(sections[s], '.') ? (sections[s][0] == 'l' ? "link.*"
                                                                              : "tcp.*")
                                                    : sections[s];
      if (strcmp(spec->section, family) != 0 || strcmp(spec->key, "preset") == 0)
        continue;
      g_autofree char *ta = exp_sweep_effective_text(a, schema, sections[s], spec->key);
      g_autofree char *tb = exp_sweep_effective_text(b, schema, sections[s], spec->key);
      double na, nb;
      gboolean same = (ta == NULL && tb == NULL) ||
                      (ta != NULL && tb != NULL &&
                       (strcmp(ta, tb) == 0 ||
                        (exp_sweep_text_number(spec->type, ta, &na) &&
                         exp_sweep_text_number(spec->type, tb, &nb) && na == nb)));
      if (!same) {
        fprintf(stderr, "\n  [%s] %s: %s, loaded back %s\n", sections[s], spec->key,
                ta ? ta : "(none)", tb ? tb : "(none)");
        CU_FAIL("a setting differs once loaded back");
      }
    }
}

static void
resolved_text_loads_back_to_the_same_points_and_configs(void)
{
  g_autofree char *path = exp_path("swept.ini");
  /* a --sweep replacing a file key (its place kept), one added, a --set not swept */
  const char *const sweeps[] = { "tcp.time_wait=log(1s, 100s, 3)", "tcp.preset=linux, rfc",
                                 NULL };
  const char *const sets[] = { "client.conns=2", NULL };
  g_autoptr(Experiment) e = load_ok(path, sets, sweeps);
  g_autofree char *text = experiment_resolved(e);
  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  g_autofree char *again_path = file_new(text);
  g_autoptr(Experiment) again = load_ok(again_path, NULL, NULL);
  CU_ASSERT_EQUAL_FATAL(g_strv_length(again->sweep_keys), 3);
  for (guint i = 0; i < 3; i++)
    CU_ASSERT_STRING_EQUAL(again->sweep_keys[i], e->sweep_keys[i]);
  CU_ASSERT_EQUAL_FATAL(again->points->len, e->points->len);
  CU_ASSERT_EQUAL(e->points->len, 8);   /* 3 x 2 x 2, less the 4 at loss 0.05 beyond 1 s */
  for (guint p = 0; p < e->points->len; p++)
    CU_ASSERT_STRING_EQUAL(((ExpPoint *)again->points->pdata[p])->label,
                           ((ExpPoint *)e->points->pdata[p])->label);
  CU_ASSERT_EQUAL_FATAL(again->variants->len, e->variants->len);
  for (guint v = 0; v < e->variants->len; v++)
    for (guint p = 0; p < e->points->len; p++)
      assert_same_settings(e->schema, experiment_config(e, v, p),
                           experiment_config(again, v, p));
  /* point 1 runs the rfc preset (its rto_min) with the TIME-WAIT the sweep gives */
  TcpConfig t;
  exp_tcp_config(experiment_config(again, 0, 1), "client", &t);
  CU_ASSERT_EQUAL(t.rto_min, SIM_S);
  CU_ASSERT_EQUAL(t.time_wait, SIM_S);
  CU_ASSERT_EQUAL(sim_config_get_int(experiment_config(again, 0, 1), "client", "conns"), 2);
  /* and the text of the text is the same text */
  g_autofree char *text2 = experiment_resolved(again);
  CU_ASSERT_STRING_EQUAL(text2, text);
  file_remove(again_path);
}

static void
file_without_sweep_has_one_point_and_no_configs(void)
{
  g_autofree char *path = exp_path("small.ini");
  g_autoptr(Experiment) e = load_ok(path, NULL, NULL);
  CU_ASSERT_PTR_NULL(e->sweep);
  CU_ASSERT_PTR_NULL(e->configs);
  CU_ASSERT_EQUAL(e->points->len, 1);
  CU_ASSERT_STRING_EQUAL(((ExpPoint *)e->points->pdata[0])->label, "");
  CU_ASSERT_PTR_NULL(e->sweep_keys[0]);
  CU_ASSERT_PTR_EQUAL(experiment_config(e, 1, 0),
                      ((ExpVariant *)e->variants->pdata[1])->cfg);
}

/* ---- bad sweeps ------------------------------------------------------------------- */

static void
empty_values_and_ranges_are_refused(void)
{
  assert_bad_file("bad_sweep_empty.ini", 6, "[sweep] tcp.time_wait: no values: expected a "
                  "list (0s, 30s), a range (0s:60s:15s) or log(10, 1000, 3)");
  assert_bad_file("bad_sweep_empty_range.ini", 6, "[sweep] link.loss: the range '0::0.01' "
                  "has no stop");
}

static void
zero_and_wrong_sign_steps_are_refused(void)
{
  assert_bad_file("bad_sweep_zero_step.ini", 6, "[sweep] tcp.time_wait: the range "
                  "'0s:60s:0s' has a zero step");
  assert_bad_file("bad_sweep_wrong_sign.ini", 6, "[sweep] link.loss: the range "
                  "'0.05:0:0.01' steps away from its stop (the step must be negative)");
  assert_bad_file("bad_sweep_range_choice.ini", 6, "[sweep] tcp.syn_data: a range needs a "
                  "key of numbers, durations, sizes or rates, not a choice: list the values "
                  "instead");
}

static void
bad_log_ranges_are_refused(void)
{
  assert_bad_file("bad_sweep_log_ends.ini", 6, "[sweep] client.conns: 'log(0, 100, 3)': a "
                  "log range needs both ends above 0");
  assert_bad_file("bad_sweep_log_count.ini", 6, "[sweep] client.conns: 'log(10, 100, 1)': a "
                  "log range needs a count of 2 or more");
  assert_bad_file("bad_sweep_log_rounding.ini", 6, "[sweep] client.conns: 'log(1, 3, 5)' "
                  "gives 1 twice once rounded: use fewer values or ends further apart");
}

static void
value_the_key_refuses_is_named_by_its_place(void)
{
  assert_bad_file("bad_sweep_value.ini", 6, "[sweep] tcp.time_wait: value 2 of 3: 'soon' "
                  "is not a duration: expected a number followed by a unit (ns, us, ms, s, "
                  "min, h)");
}

static void
bad_zips_are_refused(void)
{
  assert_bad_file("bad_sweep_zip_lengths.ini", 8, "[sweep] zip: tcp.time_wait has 3 values, "
                  "link.loss has 2: zipped keys vary together and need as many values");
  assert_bad_file("bad_sweep_zip_unswept.ini", 8, "[sweep] zip: 'link.los' is not swept; "
                  "did you mean 'link.loss'?");
}

static void
bad_wheres_are_refused(void)
{
  assert_bad_file("bad_sweep_where_unknown.ini", 7, "[sweep] where: 'tcp.time_wiat': unknown "
                  "key; did you mean 'time_wait'?");
  assert_bad_file("bad_sweep_where_syntax.ini", 7, "[sweep] where: column 16: expected a "
                  "number, a name or '(' after '<'");
  assert_bad_file("bad_sweep_no_point.ini", 8, "[sweep] where: no point of the 4 of the grid "
                  "satisfies it");
}

static void
unknown_and_whole_experiment_keys_are_refused(void)
{
  assert_bad_file("bad_sweep_unknown_key.ini", 6, "[sweep] tcp.time_wiat: unknown key; did "
                  "you mean 'time_wait'?");
  assert_bad_file("bad_sweep_whole_experiment.ini", 6, "[sweep] experiment.replications: "
                  "[experiment] cannot be swept (it describes the whole experiment)");
}

static void
problems_of_points_name_the_point(void)
{
  /* port_lo above port_hi at the second point only, a cross-key check */
  static const char text[] =
    "[experiment]\n"
    "name = crossed\n"
    "\n"
    "[tcp]\n"
    "port_hi = 40000\n"
    "\n"
    "[sweep]\n"
    "tcp.port_lo = 30000, 50000\n"
    "lnk.loss = 0\n"
    "metrics.samples = 1, 2\n";
  g_autofree char *path = file_new(text);
  g_autofree char *msg = load_fail(path, NULL, NULL);
  g_autofree char *want = g_strdup_printf(
    "%s:9: [sweep] lnk.loss: unknown section; did you mean [link]?\n"
    "%s:10: [sweep] metrics.samples: [metrics] cannot be swept (it describes the whole "
    "experiment)", path, path);
  CU_ASSERT_STRING_EQUAL(msg, want);
  static const char text2[] =
    "[experiment]\n"
    "name = crossed\n"
    "\n"
    "[tcp]\n"
    "port_hi = 40000\n"
    "\n"
    "[sweep]\n"
    "tcp.port_lo = 30000, 50000\n";
  g_autofree char *path2 = file_new(text2);
  g_autofree char *msg2 = load_fail(path2, NULL, NULL);
  g_autofree char *want2 = g_strdup_printf("%s:4: [tcp]: ", path2);
  CU_ASSERT(g_str_has_prefix(msg2, want2));
  CU_ASSERT(g_str_has_suffix(msg2, " (at point 1: tcp.port_lo=50000)"));
  CU_ASSERT_PTR_NULL(strchr(msg2, '\n'));
  file_remove(path);
  file_remove(path2);
}

void test_sweep_register(void);
void
test_sweep_register(void)
{
  static const CU_TestInfo tests[] = {
    { "list_items_are_taken_as_written", list_items_are_taken_as_written },
    { "range_with_units_counts_in_whole_units", range_with_units_counts_in_whole_units },
    { "number_range_reaches_its_stop", number_range_reaches_its_stop },
    { "integer_range_stays_integer", integer_range_stays_integer },
    { "log_range_is_even_in_log_and_rounds_integers",
      log_range_is_even_in_log_and_rounds_integers },
    { "bad_ranges_say_what_is_wrong", bad_ranges_say_what_is_wrong },
    { "grid_is_the_cross_product_first_key_slowest",
      grid_is_the_cross_product_first_key_slowest },
    { "zipped_keys_vary_together", zipped_keys_vary_together },
    { "where_drops_points", where_drops_points },
    { "where_follows_the_fallbacks_of_dotted_keys", where_follows_the_fallbacks_of_dotted_keys },
    { "dotted_references_split_at_the_last_dot", dotted_references_split_at_the_last_dot },
    { "variants_run_every_point", variants_run_every_point },
    { "command_line_sweep_replaces_a_key_in_place_or_adds_one",
      command_line_sweep_replaces_a_key_in_place_or_adds_one },
    { "set_of_a_swept_key_is_refused", set_of_a_swept_key_is_refused },
    { "resolved_text_loads_back_to_the_same_points_and_configs",
      resolved_text_loads_back_to_the_same_points_and_configs },
    { "file_without_sweep_has_one_point_and_no_configs",
      file_without_sweep_has_one_point_and_no_configs },
    { "empty_values_and_ranges_are_refused", empty_values_and_ranges_are_refused },
    { "zero_and_wrong_sign_steps_are_refused", zero_and_wrong_sign_steps_are_refused },
    { "bad_log_ranges_are_refused", bad_log_ranges_are_refused },
    { "value_the_key_refuses_is_named_by_its_place",
      value_the_key_refuses_is_named_by_its_place },
    { "bad_zips_are_refused", bad_zips_are_refused },
    { "bad_wheres_are_refused", bad_wheres_are_refused },
    { "unknown_and_whole_experiment_keys_are_refused",
      unknown_and_whole_experiment_keys_are_refused },
    { "problems_of_points_name_the_point", problems_of_points_name_the_point },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("sweep", tests);
}
