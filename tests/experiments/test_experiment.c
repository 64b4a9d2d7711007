/* Tests for experiments/experiment.c and the loading side of experiments/exp_config.c:
 * precedence of values (schema default < TCP preset < [tcp] < [tcp.client]; file <
 * variant < --set), the fallback of link sections, the run list, the default name,
 * experiment_resolved() loaded back (same settings, same metrics), and the message of
 * every kind of bad input, each naming the file, the line and the key. The input files
 * are in tests/data/experiments/. */
#include "test_util.h"
#include "sim_rng.h"
#include "exp_config.h"
#include "exp_run.h"
#include "experiment.h"

#include <glib/gstdio.h>

/* ---- helpers ---------------------------------------------------------------------- */

static char *
exp_path(const char *name)
{
  g_autofree char *rel = g_build_filename("experiments", name, NULL);
  return test_data_path(rel);
}

/* Loads a data file that must be valid; prints the problems if it is not. */
static Experiment *
load_ok(const char *name, const char *const *overrides)
{
  g_autofree char *path = exp_path(name);
  GError *err = NULL;
  Experiment *e = experiment_load(path, overrides, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  %s: unexpected error:\n%s\n", name, err->message);
    g_error_free(err);
  }
  return e;
}

/* Loads @path, which must fail with @code; returns the message (owned). */
static char *
load_fail_path(const char *path, const char *const *overrides, int code)
{
  GError *err = NULL;
  Experiment *e = experiment_load(path, overrides, &err);
  CU_ASSERT_PTR_NULL(e);
  experiment_free(e);
  if (err == NULL) {
    fprintf(stderr, "\n  %s: loaded, but should not have\n", path);
    return g_strdup("");
  }
  CU_ASSERT_EQUAL(err->domain, SIM_ERROR);
  CU_ASSERT_EQUAL(err->code, code);
  if (err->domain != SIM_ERROR || err->code != code)
    fprintf(stderr, "\n  %s: error code %d, expected %d: %s\n", path, err->code, code,
            err->message);
  char *msg = g_strdup(err->message);
  g_error_free(err);
  return msg;
}

static char *
load_fail(const char *name, const char *const *overrides, int code)
{
  g_autofree char *path = exp_path(name);
  return load_fail_path(path, overrides, code);
}

#define ASSERT_CONTAINS(msg, needle) assert_contains(msg, needle, __LINE__)
static void
assert_contains(const char *msg, const char *needle, int line)
{
  if (strstr(msg, needle) != NULL) {
    CU_PASS("message has the expected text");
    return;
  }
  fprintf(stderr, "\n  (line %d) message\n    %s\n  lacks\n    %s\n", line, msg, needle);
  CU_FAIL("message lacks the expected text");
}

static guint
count_lines(const char *msg)
{
  if (msg[0] == '\0')
    return 0;
  guint n = 1;
  for (const char *p = msg; *p; p++)
    n += *p == '\n';
  return n;
}

/* Asserts that the data file @name fails to load with @code and that its message has
 * exactly @n_lines lines, one of which is "<path of name>:<line>: <rest>" (line 0: no
 * line number, "<path>: <rest>"). */
static void
assert_problem(const char *name, const char *const *overrides, int code, guint n_lines,
               guint line, const char *rest)
{
  g_autofree char *path = exp_path(name);
  g_autofree char *msg = load_fail_path(path, overrides, code);
  g_autofree char *want = line ? g_strdup_printf("%s:%u: %s", path, line, rest)
                               : g_strdup_printf("%s: %s", path, rest);
  ASSERT_CONTAINS(msg, want);
  if (count_lines(msg) != n_lines) {
    fprintf(stderr, "\n  %s: %u problem lines, expected %u:\n%s\n", name, count_lines(msg),
            n_lines, msg);
    CU_FAIL("wrong number of problems");
  }
}

static const ExpVariant *
variant(const Experiment *e, guint i)
{
  CU_ASSERT_FATAL(i < e->variants->len);
  return g_ptr_array_index(e->variants, i);
}

static const ExpVariant *
variant_named(const Experiment *e, const char *name)
{
  for (guint i = 0; i < e->variants->len; i++)
    if (strcmp(variant(e, i)->name, name) == 0)
      return variant(e, i);
  fprintf(stderr, "\n  no variant '%s'\n", name);
  CU_FAIL_FATAL("no such variant");
  return NULL;
}

static TcpConfig
tcp_of(const SimConfig *cfg, const char *role)
{
  TcpConfig t;
  exp_tcp_config(cfg, role, &t);
  return t;
}

/* Link parameters of (@role, @dir); the distributions go into @dists. */
static LinkParams
link_of(const SimConfig *cfg, const char *role, const char *dir, GPtrArray *dists)
{
  LinkParams lp;
  GError *err = NULL;
  gboolean ok = exp_link_params(cfg, role, dir, &lp, dists, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  links %s %s: %s\n", role, dir, err->message);
    g_error_free(err);
  }
  CU_ASSERT_FATAL(ok);
  return lp;
}

static GPtrArray *
dist_array(void)
{
  return g_ptr_array_new_with_free_func((GDestroyNotify)sim_dist_free);
}

/* A fresh temporary folder (removed by tmp_dir_remove, with its files). */
static char *
tmp_dir_new(void)
{
  GError *err = NULL;
  char *dir = g_dir_make_tmp("synack-exp-XXXXXX", &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  return dir;
}

static void
tmp_dir_remove(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *n;
  while (d != NULL && (n = g_dir_read_name(d)) != NULL) {
    g_autofree char *p = g_build_filename(dir, n, NULL);
    g_unlink(p);
  }
  if (d != NULL)
    g_dir_close(d);
  CU_ASSERT_EQUAL(g_rmdir(dir), 0);
}

static char *
write_file(const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename(dir, name, NULL);
  CU_ASSERT_FATAL(g_file_set_contents(path, text, -1, NULL));
  return path;
}

/* ---- precedence ------------------------------------------------------------------- */

static void
tcp_defaults_come_from_the_linux_preset(void)
{
  g_autoptr(Experiment) e = load_ok("minimal.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_STRING_EQUAL(sim_config_get_enum(e->base, "tcp", "preset"), "linux");
  TcpConfig want;
  tcp_config_preset(&want, TCP_PRESET_LINUX);
  for (int side = 0; side < 2; side++) {
    TcpConfig t = tcp_of(variant(e, 0)->cfg, side ? "server" : "client");
    CU_ASSERT_EQUAL(t.rto_min, 200 * SIM_MS);
    CU_ASSERT_EQUAL(t.time_wait, 60 * SIM_S);
    CU_ASSERT_EQUAL(t.fin_wait_2_timeout, 60 * SIM_S);
    CU_ASSERT_EQUAL(t.isn, TCP_ISN_RANDOM);
    CU_ASSERT_TRUE(t.tlp);
    CU_ASSERT_EQUAL(t.syn_retries, want.syn_retries);
    CU_ASSERT_EQUAL(t.mss, want.mss);
    CU_ASSERT_EQUAL(t.handshake, 3);
  }
}

static void
rfc_preset_changes_rto_min_and_time_wait(void)
{
  const char *const rfc[] = { "tcp.preset=rfc", NULL };
  g_autoptr(Experiment) e = load_ok("minimal.ini", rfc);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  for (int side = 0; side < 2; side++) {
    TcpConfig t = tcp_of(variant(e, 0)->cfg, side ? "server" : "client");
    CU_ASSERT_EQUAL(t.rto_min, 1 * SIM_S);
    CU_ASSERT_EQUAL(t.msl, 2 * SIM_MIN);
    CU_ASSERT_EQUAL(t.time_wait, 4 * SIM_MIN);
    CU_ASSERT_EQUAL(t.fin_wait_2_timeout, 0);
    CU_ASSERT_EQUAL(t.isn, TCP_ISN_RFC6528);
    CU_ASSERT_FALSE(t.tlp);
    CU_ASSERT_FALSE(t.ack_unsent_drop);
    /* what the presets share */
    CU_ASSERT_EQUAL(t.rto_max, 120 * SIM_S);
    CU_ASSERT_EQUAL(t.syn_retries, 6);
  }
}

static void
tcp_section_beats_preset_and_role_section_beats_tcp(void)
{
  g_autoptr(Experiment) e = load_ok("precedence.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  const SimConfig *cfg = variant(e, 0)->cfg;
  TcpConfig c = tcp_of(cfg, "client"), s = tcp_of(cfg, "server");
  CU_ASSERT_EQUAL(c.time_wait, 7 * SIM_S);        /* [tcp.client] */
  CU_ASSERT_EQUAL(s.time_wait, 5 * SIM_S);        /* [tcp] */
  CU_ASSERT_EQUAL(c.rto_min, 300 * SIM_MS);       /* [tcp], for both sides */
  CU_ASSERT_EQUAL(s.rto_min, 300 * SIM_MS);
  CU_ASSERT_EQUAL(c.syn_retries, 3);
  CU_ASSERT_EQUAL(s.syn_retries, 3);
  CU_ASSERT_EQUAL(c.rto_max, 120 * SIM_S);        /* the preset */
  CU_ASSERT_EQUAL(s.fin_wait_2_timeout, 60 * SIM_S);

  /* under the rfc preset the file's keys still win; what it leaves comes from rfc */
  const char *const rfc[] = { "tcp.preset=rfc", NULL };
  g_autoptr(Experiment) r = load_ok("precedence.ini", rfc);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  c = tcp_of(variant(r, 0)->cfg, "client");
  s = tcp_of(variant(r, 0)->cfg, "server");
  CU_ASSERT_EQUAL(c.time_wait, 7 * SIM_S);
  CU_ASSERT_EQUAL(s.time_wait, 5 * SIM_S);
  CU_ASSERT_EQUAL(c.rto_min, 300 * SIM_MS);
  CU_ASSERT_EQUAL(s.fin_wait_2_timeout, 0);
  CU_ASSERT_EQUAL(c.isn, TCP_ISN_RFC6528);
}

static void
set_beats_file_at_each_level(void)
{
  const char *const over[] = { "tcp.client.rto_min=100ms", "tcp.syn_retries=1",
                               "tcp.client.time_wait = 11s", NULL };
  g_autoptr(Experiment) e = load_ok("precedence.ini", over);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  TcpConfig c = tcp_of(variant(e, 0)->cfg, "client"), s = tcp_of(variant(e, 0)->cfg, "server");
  CU_ASSERT_EQUAL(c.rto_min, 100 * SIM_MS);
  CU_ASSERT_EQUAL(s.rto_min, 300 * SIM_MS);
  CU_ASSERT_EQUAL(c.syn_retries, 1);
  CU_ASSERT_EQUAL(s.syn_retries, 1);
  CU_ASSERT_EQUAL(c.time_wait, 11 * SIM_S);
  CU_ASSERT_EQUAL(s.time_wait, 5 * SIM_S);
  /* a --set on [tcp] does not reach past a [tcp.client] value */
  const char *const tw[] = { "tcp.time_wait=13s", NULL };
  g_autoptr(Experiment) f = load_ok("precedence.ini", tw);
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_EQUAL(tcp_of(variant(f, 0)->cfg, "client").time_wait, 7 * SIM_S);
  CU_ASSERT_EQUAL(tcp_of(variant(f, 0)->cfg, "server").time_wait, 13 * SIM_S);
  CU_ASSERT_STRING_EQUAL(sim_config_origin(f->base, "tcp", "time_wait"),
                         "--set tcp.time_wait=13s");
}

static void
variant_beats_file_and_set_beats_variant(void)
{
  g_autoptr(Experiment) e = load_ok("variants.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL(tcp_of(variant_named(e, "short")->cfg, "client").time_wait, 2 * SIM_S);
  CU_ASSERT_EQUAL(tcp_of(variant_named(e, "same")->cfg, "client").time_wait, 5 * SIM_S);
  /* the variant's preset is under the file's [tcp] keys */
  TcpConfig rfc = tcp_of(variant_named(e, "rfc")->cfg, "server");
  CU_ASSERT_EQUAL(rfc.time_wait, 5 * SIM_S);
  CU_ASSERT_EQUAL(rfc.rto_min, 1 * SIM_S);
  CU_ASSERT_EQUAL(tcp_of(variant_named(e, "short")->cfg, "server").rto_min, 200 * SIM_MS);
  CU_ASSERT_EQUAL(sim_config_get_int(variant_named(e, "same")->cfg, "client", "conns"), 2);
  CU_ASSERT_EQUAL(sim_config_get_int(variant_named(e, "short")->cfg, "client", "conns"), 1);
  /* the base has the file and --set only */
  CU_ASSERT_EQUAL(tcp_of(e->base, "client").time_wait, 5 * SIM_S);

  const char *const over[] = { "tcp.time_wait=9s", "client.conns=3", NULL };
  g_autoptr(Experiment) s = load_ok("variants.ini", over);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  for (guint i = 0; i < s->variants->len; i++) {
    CU_ASSERT_EQUAL(tcp_of(variant(s, i)->cfg, "client").time_wait, 9 * SIM_S);
    CU_ASSERT_EQUAL(tcp_of(variant(s, i)->cfg, "server").time_wait, 9 * SIM_S);
    CU_ASSERT_EQUAL(sim_config_get_int(variant(s, i)->cfg, "client", "conns"), 3);
  }
  CU_ASSERT_EQUAL(tcp_of(variant_named(s, "rfc")->cfg, "client").rto_min, 1 * SIM_S);
  CU_ASSERT_PTR_NULL(e->overrides);
  CU_ASSERT_EQUAL(g_strv_length(s->overrides), 2);
  CU_ASSERT_STRING_EQUAL(s->overrides[0], "tcp.time_wait=9s");
}

static void
set_of_preset_reaches_every_variant(void)
{
  const char *const over[] = { "tcp.preset=rfc", NULL };
  g_autoptr(Experiment) e = load_ok("variants.ini", over);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  for (guint i = 0; i < e->variants->len; i++)
    CU_ASSERT_EQUAL(tcp_of(variant(e, i)->cfg, "client").rto_min, 1 * SIM_S);
  /* and wins over a variant that sets the preset itself */
  const char *const linux_[] = { "tcp.preset=linux", NULL };
  g_autoptr(Experiment) l = load_ok("variants.ini", linux_);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  CU_ASSERT_EQUAL(tcp_of(variant_named(l, "rfc")->cfg, "client").rto_min, 200 * SIM_MS);
}

/* ---- links ------------------------------------------------------------------------ */

static void
link_sections_fall_back_from_direction_to_role_to_link(void)
{
  g_autoptr(Experiment) e = load_ok("precedence.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  const SimConfig *cfg = variant(e, 0)->cfg;
  g_autoptr(GPtrArray) d = dist_array();
  LinkParams up = link_of(cfg, "access", "up", d);
  LinkParams down = link_of(cfg, "access", "down", d);
  LinkParams bup = link_of(cfg, "bottleneck", "up", d);
  LinkParams bdown = link_of(cfg, "bottleneck", "down", d);
  CU_ASSERT_EQUAL(up.delay, 3 * SIM_MS);       /* [link.access.up] */
  CU_ASSERT_EQUAL(down.delay, 2 * SIM_MS);     /* [link.access] */
  CU_ASSERT_EQUAL(bup.delay, 1 * SIM_MS);      /* [link] */
  CU_ASSERT_EQUAL(bdown.delay, 1 * SIM_MS);
  CU_ASSERT_EQUAL(up.loss, 0.125);             /* [link.access], under a [link.access.up] */
  CU_ASSERT_EQUAL(down.loss, 0.125);
  CU_ASSERT_EQUAL(bup.loss, 0.25);
  for (int i = 0; i < 4; i++) {
    const LinkParams *p = (const LinkParams *[]){ &up, &down, &bup, &bdown }[i];
    CU_ASSERT_EQUAL(p->rate_bps, 1000000);     /* [link] */
    CU_ASSERT_EQUAL(p->msl, 30 * SIM_S);
    CU_ASSERT_EQUAL(p->queue_packets, 0);      /* default */
    CU_ASSERT_FALSE(p->gilbert);
    CU_ASSERT_PTR_NULL(p->jitter);
    CU_ASSERT_PTR_NULL(p->hold_time);
  }
  CU_ASSERT_EQUAL(d->len, 0);
}

static void
link_defaults_apply_without_link_sections(void)
{
  g_autoptr(Experiment) e = load_ok("minimal.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  g_autoptr(GPtrArray) d = dist_array();
  LinkParams p = link_of(variant(e, 0)->cfg, "access", "up", d);
  CU_ASSERT_EQUAL(p.delay, 5 * SIM_MS);
  CU_ASSERT_EQUAL(p.rate_bps, 10000000);
  CU_ASSERT_EQUAL(p.loss, 0);
  CU_ASSERT_EQUAL(p.loss_bad, 1);
  CU_ASSERT_EQUAL(p.msl, 0);
  CU_ASSERT_FALSE(p.reorder);
}

static void
link_set_overrides_one_level_only(void)
{
  const char *const over[] = { "link.access.up.loss=0.5", "link.delay=9ms",
                               "link.jitter=uniform(0ms, 1ms)", NULL };
  g_autoptr(Experiment) e = load_ok("precedence.ini", over);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  const SimConfig *cfg = variant(e, 0)->cfg;
  g_autoptr(GPtrArray) d = dist_array();
  LinkParams up = link_of(cfg, "access", "up", d);
  LinkParams down = link_of(cfg, "access", "down", d);
  LinkParams bn = link_of(cfg, "bottleneck", "down", d);
  CU_ASSERT_EQUAL(up.loss, 0.5);
  CU_ASSERT_EQUAL(down.loss, 0.125);
  CU_ASSERT_EQUAL(up.delay, 3 * SIM_MS);       /* [link.access.up] still wins over [link] */
  CU_ASSERT_EQUAL(bn.delay, 9 * SIM_MS);
  CU_ASSERT_PTR_NOT_NULL(up.jitter);           /* from [link], for every link */
  CU_ASSERT_PTR_NOT_NULL(bn.jitter);
  CU_ASSERT_EQUAL(d->len, 3);                  /* one jitter per link asked for */
}

static void
variant_sets_a_link_direction(void)
{
  g_autoptr(Experiment) e = load_ok("variants.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  g_autoptr(GPtrArray) d = dist_array();
  CU_ASSERT_EQUAL(link_of(variant_named(e, "short")->cfg, "access", "up", d).delay,
                  4 * SIM_MS);
  CU_ASSERT_EQUAL(link_of(variant_named(e, "short")->cfg, "access", "down", d).delay,
                  1 * SIM_MS);
  CU_ASSERT_EQUAL(link_of(variant_named(e, "same")->cfg, "access", "up", d).delay,
                  1 * SIM_MS);
}

/* ---- runs and names --------------------------------------------------------------- */

static void
runs_are_variants_times_replications_variant_major(void)
{
  g_autoptr(Experiment) e = load_ok("variants.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL(e->variants->len, 3);
  CU_ASSERT_STRING_EQUAL(variant(e, 0)->name, "short");
  CU_ASSERT_STRING_EQUAL(variant(e, 1)->name, "same");
  CU_ASSERT_STRING_EQUAL(variant(e, 2)->name, "rfc");
  CU_ASSERT_EQUAL(e->replications, 3);
  g_autoptr(GArray) runs = experiment_runs(e);
  CU_ASSERT_EQUAL_FATAL(runs->len, 9);
  for (guint i = 0; i < runs->len; i++) {
    const ExpRunKey *k = &g_array_index(runs, ExpRunKey, i);
    CU_ASSERT_EQUAL(k->variant, i / 3);
    CU_ASSERT_EQUAL(k->replication, i % 3);
    CU_ASSERT_EQUAL(k->point, 0);
  }

  const char *const two[] = { "experiment.replications=2", NULL };
  g_autoptr(Experiment) t = load_ok("variants.ini", two);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(GArray) truns = experiment_runs(t);
  CU_ASSERT_EQUAL(truns->len, 6);
  CU_ASSERT_EQUAL(g_array_index(truns, ExpRunKey, 5).variant, 2);
  CU_ASSERT_EQUAL(g_array_index(truns, ExpRunKey, 5).replication, 1);
}

static void
file_without_variants_has_one_named_base(void)
{
  g_autoptr(Experiment) e = load_ok("plain.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL_FATAL(e->variants->len, 1);
  CU_ASSERT_STRING_EQUAL(variant(e, 0)->name, "base");
  CU_ASSERT_EQUAL(e->seed, 3);
  CU_ASSERT_EQUAL(e->replications, 2);
  CU_ASSERT_PTR_NULL(e->verdict);
  CU_ASSERT_PTR_NULL(e->expect);
  g_autoptr(GArray) runs = experiment_runs(e);
  CU_ASSERT_EQUAL(runs->len, 2);
  CU_ASSERT_EQUAL(e->report->len, exp_metric_count());   /* report = all */
}

static void
name_defaults_to_the_file_name(void)
{
  g_autoptr(Experiment) plain = load_ok("plain.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
  CU_ASSERT_STRING_EQUAL(plain->name, "plain");
  g_autoptr(Experiment) small = load_ok("small.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(small);
  CU_ASSERT_STRING_EQUAL(small->name, "small");   /* [experiment] name */
  const char *const named[] = { "experiment.name=other-1.2", NULL };
  g_autoptr(Experiment) other = load_ok("plain.ini", named);
  CU_ASSERT_PTR_NOT_NULL_FATAL(other);
  CU_ASSERT_STRING_EQUAL(other->name, "other-1.2");

  /* only ".ini" is dropped */
  g_autofree char *dir = tmp_dir_new();
  g_autofree char *src = exp_path("plain.ini");
  g_autofree char *text = NULL;
  CU_ASSERT_FATAL(g_file_get_contents(src, &text, NULL, NULL));
  g_autofree char *path = write_file(dir, "trial.exp", text);
  GError *err = NULL;
  Experiment *e = experiment_load(path, NULL, &err);
  CU_ASSERT_PTR_NOT_NULL(e);
  if (e != NULL)
    CU_ASSERT_STRING_EQUAL(e->name, "trial.exp");
  experiment_free(e);
  g_clear_error(&err);
  tmp_dir_remove(dir);
}

static void
report_is_in_table_order(void)
{
  g_autoptr(Experiment) e = load_ok("resolved.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  const char *names[] = { "conns_opened", "conns_completed", "time_wait_entered",
                          "segments_sent", "events" };
  CU_ASSERT_EQUAL_FATAL(e->report->len, G_N_ELEMENTS(names));
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    CU_ASSERT(exp_metric_find(names[i]) >= 0);
  for (guint i = 1; i < e->report->len; i++)
    CU_ASSERT(g_array_index(e->report, guint, i - 1) < g_array_index(e->report, guint, i));
  /* time_wait_entered is a model metric: it precedes the run's own */
  CU_ASSERT_EQUAL(g_array_index(e->report, guint, 0),
                  (guint)exp_metric_find("time_wait_entered"));
  CU_ASSERT_PTR_NOT_NULL(e->verdict);
  CU_ASSERT_STRING_EQUAL(e->expect, "linux.conns_opened > 0 and rfc.conns_opened > 0");
}

/* ---- the resolved text ------------------------------------------------------------ */

static void
assert_tcp_equal(const TcpConfig *a, const TcpConfig *b, const char *what)
{
  gboolean same = TRUE;
#define SAME(f)                                                                      \
  if (a->f != b->f) {                                                                \
    fprintf(stderr, "\n  %s: tcp %s differs\n", what, #f);                           \
    same = FALSE;                                                                    \
  }
  SAME(mss) SAME(rcv_wnd) SAME(snd_buf) SAME(rto_initial) SAME(rto_min) SAME(rto_max)
  SAME(syn_retries) SAME(syn_linear_timeouts) SAME(synack_retries) SAME(data_retries)
  SAME(fin_retries) SAME(connect_timeout) SAME(time_wait) SAME(msl)
  SAME(fin_wait_2_timeout) SAME(tw_reuse) SAME(tw_reuse_delay) SAME(isn) SAME(port_lo)
  SAME(port_hi) SAME(syn_backlog) SAME(window_scaling) SAME(tlp) SAME(ack_unsent_drop)
  SAME(handshake) SAME(close) SAME(syn_data) SAME(rst_in_time_wait) SAME(tw_compact)
#undef SAME
  CU_ASSERT_TRUE(same);
}

/* The same distribution: both absent, or the same kind and parameters (their text,
 * an empirical file's name aside, which may be spelt relative or absolute) drawing the
 * same values from the same stream. */
static gboolean
dists_same(const SimDist *a, const SimDist *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  g_autofree char *ta = sim_dist_to_string(a), *tb = sim_dist_to_string(b);
  if (!g_str_has_prefix(ta, "empirical(") && strcmp(ta, tb) != 0)
    return FALSE;
  SimRng ra, rb;
  sim_rng_seed(&ra, 42);
  sim_rng_seed(&rb, 42);
  for (int i = 0; i < 256; i++)
    if (sim_dist_sample(a, &ra) != sim_dist_sample(b, &rb))
      return FALSE;
  return TRUE;
}

static void
assert_links_equal(const SimConfig *a, const SimConfig *b, const char *what)
{
  const char *roles[] = { "access", "bottleneck" }, *dirs[] = { "up", "down" };
  for (int i = 0; i < 4; i++) {
    g_autoptr(GPtrArray) d = dist_array();
    LinkParams x = link_of(a, roles[i / 2], dirs[i % 2], d);
    LinkParams y = link_of(b, roles[i / 2], dirs[i % 2], d);
    gboolean same = x.delay == y.delay && x.reorder == y.reorder && x.loss == y.loss &&
                    x.gilbert == y.gilbert && x.p_gb == y.p_gb && x.p_bg == y.p_bg &&
                    x.loss_good == y.loss_good && x.loss_bad == y.loss_bad &&
                    x.dup == y.dup && x.hold == y.hold && x.rate_bps == y.rate_bps &&
                    x.queue_bytes == y.queue_bytes && x.queue_packets == y.queue_packets &&
                    x.msl == y.msl;
    same = same && dists_same(x.jitter, y.jitter) && dists_same(x.hold_time, y.hold_time);
    if (!same)
      fprintf(stderr, "\n  %s: links %s %s differ\n", what, roles[i / 2], dirs[i % 2]);
    CU_ASSERT_TRUE(same);
  }
}

/* Every setting a run reads, compared between two configs. */
static void
assert_settings_equal(const SimConfig *a, const SimConfig *b, const char *what)
{
  const char *roles[] = { "client", "server" };
  for (int r = 0; r < 2; r++) {
    TcpConfig x = tcp_of(a, roles[r]), y = tcp_of(b, roles[r]);
    assert_tcp_equal(&x, &y, what);
  }
  assert_links_equal(a, b, what);
  TopoSpec ta, tb;
  exp_topo_spec(a, &ta);
  exp_topo_spec(b, &tb);
  CU_ASSERT(ta.kind == tb.kind && ta.clients == tb.clients && ta.servers == tb.servers &&
            ta.attackers == tb.attackers);
  AppClientConfig ca, cb;
  exp_client_config(a, 1, &ca);
  exp_client_config(b, 1, &cb);
  CU_ASSERT(ca.port == cb.port && ca.conns == cb.conns && ca.start == cb.start &&
            ca.request_bytes == cb.request_bytes && ca.close == cb.close);
  CU_ASSERT_EQUAL(exp_client_stagger(a), exp_client_stagger(b));
  g_autoptr(SimDist) ia = exp_client_interarrival(a, NULL);
  g_autoptr(SimDist) ib = exp_client_interarrival(b, NULL);
  CU_ASSERT_TRUE(dists_same(ia, ib));
  AppServerConfig sa, sb;
  exp_server_config(a, &sa);
  exp_server_config(b, &sb);
  CU_ASSERT(sa.port == sb.port && sa.backlog == sb.backlog &&
            sa.request_bytes == sb.request_bytes && sa.response_bytes == sb.response_bytes &&
            sa.service_time == sb.service_time && sa.close_first == sb.close_first);
  AppFlooderConfig fa, fb;
  gboolean ha = exp_flooder_config(a, 1, &fa), hb = exp_flooder_config(b, 1, &fb);
  CU_ASSERT_EQUAL(ha, hb);
  if (ha && hb)
    CU_ASSERT(fa.port == fb.port && fa.count == fb.count && fa.start == fb.start &&
              fa.interval == fb.interval && fa.syn_payload == fb.syn_payload &&
              fa.spoof_count == fb.spoof_count);
  CU_ASSERT_EQUAL(sim_config_get_int(a, "flooder", "target"),
                  sim_config_get_int(b, "flooder", "target"));
  CU_ASSERT_EQUAL(sim_config_get_duration(a, "experiment", "duration"),
                  sim_config_get_duration(b, "experiment", "duration"));
  CU_ASSERT_EQUAL(sim_config_get_int(a, "experiment", "seed"),
                  sim_config_get_int(b, "experiment", "seed"));
}

/* Writes experiment_resolved(@e) to @dir/@file and loads it back. */
static Experiment *
reload_resolved(const Experiment *e, const char *dir, const char *file, char **text_out)
{
  char *text = experiment_resolved(e);
  CU_ASSERT_PTR_NOT_NULL(text);
  if (text == NULL) {
    fprintf(stderr, "\n  experiment_resolved gave no text\n");
    return NULL;
  }
  g_autofree char *path = write_file(dir, file, text);
  GError *err = NULL;
  Experiment *back = experiment_load(path, NULL, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  the resolved text does not load back:\n%s\n", err->message);
    g_error_free(err);
  }
  if (text_out != NULL)
    *text_out = text;
  else
    g_free(text);
  return back;
}

static void
assert_same_experiment(const Experiment *a, const Experiment *b)
{
  CU_ASSERT_STRING_EQUAL(a->name, b->name);
  CU_ASSERT_EQUAL(a->seed, b->seed);
  CU_ASSERT_EQUAL(a->replications, b->replications);
  CU_ASSERT_STRING_EQUAL(a->expect ? a->expect : "", b->expect ? b->expect : "");
  CU_ASSERT_EQUAL_FATAL(a->report->len, b->report->len);
  CU_ASSERT_EQUAL(memcmp(a->report->data, b->report->data, a->report->len * sizeof(guint)), 0);
  CU_ASSERT_EQUAL_FATAL(a->variants->len, b->variants->len);
  for (guint i = 0; i < a->variants->len; i++) {
    CU_ASSERT_STRING_EQUAL(variant(a, i)->name, variant(b, i)->name);
    assert_settings_equal(variant(a, i)->cfg, variant(b, i)->cfg, variant(a, i)->name);
  }
}

static const char *const resolved_overrides[] = {
  "tcp.time_wait=9s",            /* variant rfc sets tcp.time_wait too */
  "link.access.up.loss = 0.2",   /* variant rfc_client sets it too */
  "client.conns=2",
  NULL,
};

/* @e's resolved text, saved as @copy in a fresh folder and loaded back, is the same
 * experiment. */
static void
assert_round_trip(const Experiment *e, const char *copy)
{
  g_autofree char *dir = tmp_dir_new();
  g_autoptr(Experiment) back = reload_resolved(e, dir, copy, NULL);
  CU_ASSERT_PTR_NOT_NULL(back);
  if (back != NULL)
    assert_same_experiment(e, back);
  tmp_dir_remove(dir);
}

static void
resolved_text_loads_back_with_the_same_settings(void)
{
  g_autoptr(Experiment) e = load_ok("resolved.ini", resolved_overrides);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  /* what the variants are, before the round trip */
  TcpConfig linux_ = tcp_of(variant_named(e, "linux")->cfg, "client");
  TcpConfig rfc = tcp_of(variant_named(e, "rfc")->cfg, "client");
  TcpConfig rc = tcp_of(variant_named(e, "rfc_client")->cfg, "client");
  TcpConfig rs = tcp_of(variant_named(e, "rfc_client")->cfg, "server");
  CU_ASSERT_EQUAL(linux_.rto_min, 200 * SIM_MS);
  CU_ASSERT_EQUAL(linux_.time_wait, 9 * SIM_S);
  CU_ASSERT_EQUAL(rfc.rto_min, 1 * SIM_S);
  CU_ASSERT_EQUAL(rfc.time_wait, 9 * SIM_S);           /* --set beats the variant's 3s */
  CU_ASSERT_EQUAL(rfc.fin_wait_2_timeout, 0);
  CU_ASSERT_EQUAL(rc.rto_min, 400 * SIM_MS);
  CU_ASSERT_EQUAL(rs.rto_min, 1 * SIM_S);
  CU_ASSERT_EQUAL(rs.synack_retries, 2);
  CU_ASSERT_EQUAL(rs.syn_retries, 4);
  g_autoptr(GPtrArray) d = dist_array();
  CU_ASSERT_EQUAL(link_of(variant_named(e, "rfc_client")->cfg, "access", "up", d).loss, 0.2);

  g_autofree char *dir = tmp_dir_new();
  g_autofree char *text = NULL;
  g_autoptr(Experiment) back = reload_resolved(e, dir, "elsewhere.ini", &text);
  CU_ASSERT_PTR_NOT_NULL(back);
  if (back != NULL) {
    assert_same_experiment(e, back);
    CU_ASSERT_PTR_NULL(back->overrides);
    /* resolving the resolved text changes nothing */
    g_autofree char *again = experiment_resolved(back);
    CU_ASSERT_PTR_NOT_NULL(again);
    if (again != NULL && strcmp(text, again) != 0) {
      fprintf(stderr, "\n  resolving twice differs:\n--- once\n%s\n--- twice\n%s\n", text,
              again);
      CU_FAIL("experiment_resolved is not a fixed point");
    }
  }
  tmp_dir_remove(dir);
}

static void
resolved_text_without_overrides_loads_back(void)
{
  g_autoptr(Experiment) e = load_ok("resolved.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL(tcp_of(variant_named(e, "rfc")->cfg, "client").time_wait, 3 * SIM_S);
  assert_round_trip(e, "copy.ini");
}

static void
resolved_text_runs_with_identical_metrics(void)
{
  g_autoptr(Experiment) e = load_ok("resolved.ini", resolved_overrides);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  g_autofree char *dir = tmp_dir_new();
  g_autoptr(Experiment) back = reload_resolved(e, dir, "rerun.ini", NULL);
  tmp_dir_remove(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(back);
  CU_ASSERT_EQUAL_FATAL(back->variants->len, e->variants->len);
  guint nm = exp_metric_count();
  g_autofree double *x = g_new0(double, nm);
  g_autofree double *y = g_new0(double, nm);
  int opened = exp_metric_find("conns_opened"), flood = exp_metric_find("flood_syns");
  CU_ASSERT_FATAL(opened >= 0 && flood >= 0);
  for (guint v = 0; v < e->variants->len; v++)
    for (uint64_t r = 0; r < e->replications; r++) {
      ExpRunInfo ix, iy;
      GError *err = NULL;
      CU_ASSERT(exp_run_one(variant(e, v)->cfg, r, x, &ix, &err));
      CU_ASSERT_PTR_NULL(err);
      g_clear_error(&err);
      CU_ASSERT(exp_run_one(variant(back, v)->cfg, r, y, &iy, &err));
      CU_ASSERT_PTR_NULL(err);
      g_clear_error(&err);
      CU_ASSERT_EQUAL(ix.events, iy.events);
      CU_ASSERT(ix.events > 0);
      CU_ASSERT_EQUAL(x[opened], 2 * 2);       /* two clients, --set client.conns=2 */
      CU_ASSERT_EQUAL(x[flood], 20);
      for (guint m = 0; m < nm; m++)
        if (memcmp(&x[m], &y[m], sizeof x[m]) != 0) {
          fprintf(stderr, "\n  variant %s replication %u: %s %.17g vs %.17g\n",
                  variant(e, v)->name, (unsigned)r, exp_metric(m)->name, x[m], y[m]);
          CU_FAIL("a metric differs between the file and its resolved text");
        }
    }
}

/* The resolved text holds every section, [flooder] included, with or without attackers. */
static void
resolved_text_of_a_file_without_attackers_loads_back(void)
{
  g_autoptr(Experiment) e = load_ok("plain.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  assert_round_trip(e, "plain.ini");
}

/* An experiment named after its file (no [experiment] name) keeps that name in its
 * resolved text, which is saved as config.resolved.ini: loaded back, it is not named
 * "config.resolved". */
static void
resolved_text_keeps_the_name_taken_from_the_file(void)
{
  g_autoptr(Experiment) e = load_ok("attacked.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_STRING_EQUAL(e->name, "attacked");
  g_autofree char *dir = tmp_dir_new();
  g_autoptr(Experiment) back = reload_resolved(e, dir, "config.resolved.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL(back);
  if (back != NULL)
    CU_ASSERT_STRING_EQUAL(back->name, "attacked");
  tmp_dir_remove(dir);
}

/* A --set beats a variant's key however it is spelt: "tcp. time_wait=9s" sets [tcp]
 * time_wait (sim_config_set_override trims around the dot) and wins over variant rfc's
 * tcp.time_wait = 3s, and the resolved text says 9s in [variant.rfc] too, so that
 * variant loaded back runs with 9s. */
static void
resolved_text_keeps_a_set_spelt_with_spaces(void)
{
  const char *const spaced[] = { "tcp. time_wait=9s", NULL };
  g_autoptr(Experiment) e = load_ok("resolved.ini", spaced);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL(tcp_of(variant_named(e, "rfc")->cfg, "client").time_wait, 9 * SIM_S);
  assert_round_trip(e, "spaced.ini");
}

/* An empirical(FILE) relative to the experiment file is found from any working
 * directory, and the resolved text, which lives in another folder, names FILE by its
 * absolute path, so it loads back with the same settings. */
static void
resolved_text_finds_empirical_files(void)
{
  g_autoptr(Experiment) e = load_ok("empirical.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  assert_round_trip(e, "empirical.ini");
}

/* ---- bad input -------------------------------------------------------------------- */

static void
unknown_section_is_named_with_a_suggestion(void)
{
  assert_problem("bad_unknown_section.ini", NULL, SIM_ERROR_INVALID, 1, 5,
                 "[topolgy]: unknown section; did you mean [topology]?");
}

static void
unknown_family_member_is_named_with_a_suggestion(void)
{
  assert_problem("bad_family_member.ini", NULL, SIM_ERROR_INVALID, 1, 4,
                 "[link.acess]: unknown section (expected one of [link.access] "
                 "[link.bottleneck] [link.access.up] [link.access.down] [link.bottleneck.up] "
                 "[link.bottleneck.down]); did you mean [link.access]?");
}

static void
unknown_key_is_named_with_a_suggestion(void)
{
  assert_problem("bad_unknown_key.ini", NULL, SIM_ERROR_INVALID, 1, 5,
                 "[tcp] time_wiat: unknown key; did you mean 'time_wait'?");
}

static void
wrong_type_names_the_value_and_type(void)
{
  assert_problem("bad_wrong_type.ini", NULL, SIM_ERROR_INVALID, 1, 5,
                 "[topology] clients: 'many' is not an integer");
}

static void
missing_unit_is_named(void)
{
  assert_problem("bad_missing_unit.ini", NULL, SIM_ERROR_INVALID, 1, 5,
                 "[link] delay: '5' has no unit: a duration needs one of ns, us, ms, s, min, h");
}

static void
out_of_range_names_the_range(void)
{
  assert_problem("bad_out_of_range.ini", NULL, SIM_ERROR_INVALID, 1, 5,
                 "[server] port: '70000' is out of range [1, 65535]");
}

static void
duplicate_key_names_both_lines(void)
{
  assert_problem("bad_duplicate_key.ini", NULL, SIM_ERROR_SYNTAX, 1, 7,
                 "[tcp] time_wait: key given twice (first at line 5)");
}

static void
hold_without_hold_time_is_the_required_when_rule(void)
{
  g_autofree char *path = exp_path("bad_hold_without_time.ini");
  g_autofree char *msg = load_fail_path(path, NULL, SIM_ERROR_INVALID);
  g_autofree char *want = g_strdup_printf("%s:6: [link.access] hold: 0.1 needs hold_time",
                                          path);
  ASSERT_CONTAINS(msg, want);
  /* the same file with hold_time is fine, and so is hold = 0 without it */
  const char *const fixed[] = { "link.access.hold_time=uniform(1s, 2s)", NULL };
  g_autoptr(Experiment) ok = experiment_load(path, fixed, NULL);
  CU_ASSERT_PTR_NOT_NULL(ok);
  const char *const zero[] = { "link.access.hold=0", NULL };
  g_autoptr(Experiment) none = experiment_load(path, zero, NULL);
  CU_ASSERT_PTR_NOT_NULL(none);
  /* hold_time given in the wider [link] section counts too */
  const char *const wider[] = { "link.hold_time=uniform(1s, 2s)", NULL };
  g_autoptr(Experiment) w = experiment_load(path, wider, NULL);
  CU_ASSERT_PTR_NOT_NULL(w);
}

static void
empty_file_has_no_experiment_section(void)
{
  assert_problem("empty.ini", NULL, SIM_ERROR_INVALID, 1, 0,
                 "no [experiment] section: an experiment file starts with one");
  assert_problem("no_experiment.ini", NULL, SIM_ERROR_INVALID, 1, 0,
                 "no [experiment] section");
}

static void
binary_garbage_is_refused_at_its_line(void)
{
  assert_problem("bad_binary.ini", NULL, SIM_ERROR_SYNTAX, 1, 3,
                 "the line contains a NUL byte");
  assert_problem("bad_utf8.ini", NULL, SIM_ERROR_SYNTAX, 1, 3, "the line is not valid UTF-8");
}

static void
lines_that_are_not_ini_are_refused(void)
{
  assert_problem("bad_key_before_section.ini", NULL, SIM_ERROR_SYNTAX, 1, 2,
                 "key 'seed' comes before any [section] header");
  assert_problem("bad_syntax_line.ini", NULL, SIM_ERROR_SYNTAX, 1, 3,
                 "expected 'key = value', a [section] header or a comment, got 'seed 1'");
}

static void
missing_file_is_an_io_error(void)
{
  g_autofree char *path = exp_path("no-such-file.ini");
  g_autofree char *msg = load_fail_path(path, NULL, SIM_ERROR_IO);
  ASSERT_CONTAINS(msg, path);
  ASSERT_CONTAINS(msg, "cannot read");
  /* a folder is not a file either */
  g_autofree char *folder = exp_path("");
  g_autofree char *msg2 = load_fail_path(folder, NULL, SIM_ERROR_IO);
  ASSERT_CONTAINS(msg2, "cannot read");
}

static void
variant_may_not_override_experiment(void)
{
  assert_problem("bad_variant_experiment.ini", NULL, SIM_ERROR_INVALID, 1, 5,
                 "[variant.longer] experiment.seed: a variant cannot change [experiment]");
}

static void
variant_may_not_override_a_figure(void)
{
  assert_problem("bad_variant_plot.ini", NULL, SIM_ERROR_INVALID, 1, 9,
                 "[variant.other] plot.opened.kind: a variant cannot change [plot.opened]");
}

static void
variant_key_without_a_dot_is_refused(void)
{
  assert_problem("bad_variant_no_dot.ini", NULL, SIM_ERROR_INVALID, 1, 5,
                 "[variant.two_way] handshake: expected section.key = value");
}

static void
variant_value_is_checked_where_the_variant_says_it(void)
{
  g_autofree char *path = exp_path("bad_variant_value.ini");
  g_autofree char *msg = load_fail_path(path, NULL, SIM_ERROR_INVALID);
  g_autofree char *want = g_strdup_printf("%s:8 [variant.broken]: [tcp] time_wait: 'soon' "
                                          "is not a duration", path);
  ASSERT_CONTAINS(msg, want);
  CU_ASSERT_EQUAL(count_lines(msg), 1);
}

static void
variant_name_with_a_dot_is_refused(void)
{
  assert_problem("bad_variant_name.ini", NULL, SIM_ERROR_INVALID, 1, 4,
                 "[variant.a.b]: a variant's name is letters, digits, '_' and '-'");
}

static void
verdict_naming_an_unknown_variant_is_refused(void)
{
  assert_problem("bad_verdict_variant.ini", NULL, SIM_ERROR_INVALID, 1, 11,
                 "[verdict] expect: 'four_way.conns_opened': no variant 'four_way'");
}

static void
verdict_naming_an_unknown_metric_is_refused(void)
{
  assert_problem("bad_verdict_metric.ini", NULL, SIM_ERROR_INVALID, 1, 5,
                 "[verdict] expect: 'conns_openned' is not a metric");
}

static void
bare_metric_in_a_multi_variant_verdict_is_refused(void)
{
  assert_problem("bad_verdict_bare.ini", NULL, SIM_ERROR_INVALID, 1, 11,
                 "[verdict] expect: 'conns_opened' needs a variant (VARIANT.conns_opened): "
                 "the experiment has 2");
  /* with one variant a bare metric, or base.METRIC, is fine */
  const char *const bare[] = { "verdict.expect=conns_opened > 0 and base.events > 0", NULL };
  g_autoptr(Experiment) e = load_ok("plain.ini", bare);
  CU_ASSERT_PTR_NOT_NULL(e);
}

static void
verdict_syntax_error_names_its_column(void)
{
  assert_problem("bad_verdict_syntax.ini", NULL, SIM_ERROR_INVALID, 1, 5,
                 "[verdict] expect: column 15: expected a number, a name or '(' after '>'");
}

static void
report_with_unknown_metric_is_named_with_a_suggestion(void)
{
  assert_problem("bad_report_metric.ini", NULL, SIM_ERROR_INVALID, 1, 5,
                 "[metrics] report: unknown metric 'conns_complted'; did you mean "
                 "'conns_completed'?");
}

static void
pair_with_two_clients_is_refused(void)
{
  assert_problem("bad_pair_clients.ini", NULL, SIM_ERROR_INVALID, 1, 6,
                 "[topology] clients: a pair has 1 client, not 2");
}

static void
flooder_without_attackers_is_unused(void)
{
  g_autoptr(Experiment) e = load_ok("flooder_unused.ini", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  AppFlooderConfig fc;
  CU_ASSERT_FALSE(exp_flooder_config(variant(e, 0)->cfg, 1, &fc));
  /* with attackers it runs, as the section says */
  const char *const attack[] = { "topology.attackers=1", "flooder.target=0", NULL };
  g_autoptr(Experiment) a = load_ok("flooder_unused.ini", attack);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_TRUE(exp_flooder_config(variant(a, 0)->cfg, 1, &fc));
  CU_ASSERT_EQUAL(fc.count, 10);
  CU_ASSERT_EQUAL(fc.port, 80);       /* [server] port */
}

static void
attackers_without_a_target_are_refused(void)
{
  /* named where the attackers are asked for */
  assert_problem("bad_flooder_no_target.ini", NULL, SIM_ERROR_INVALID, 1, 7,
                 "[flooder] target: a flooder needs a target");
  const char *const attack[] = { "topology.attackers=1", NULL };
  g_autofree char *msg = load_fail("flooder_unused.ini", attack, SIM_ERROR_INVALID);
  ASSERT_CONTAINS(msg, "--set topology.attackers=1: [flooder] target: a flooder needs a "
                       "target");
}

static void
flooder_target_beyond_the_servers_is_refused(void)
{
  assert_problem("bad_flooder_target.ini", NULL, SIM_ERROR_INVALID, 1, 10,
                 "[flooder] target: no server 1 to target (the topology has 1; the first is 0)");
}

static void
unsafe_experiment_name_is_refused(void)
{
  assert_problem("bad_name.ini", NULL, SIM_ERROR_INVALID, 1, 3,
                 "[experiment] name: '../escape' cannot name an output folder");
  const char *const hidden[] = { "experiment.name=.hidden", NULL };
  g_autofree char *msg = load_fail("plain.ini", hidden, SIM_ERROR_INVALID);
  ASSERT_CONTAINS(msg, "--set experiment.name=.hidden: [experiment] name: '.hidden' cannot "
                       "name an output folder");
}

static void
model_and_topology_refusals_name_the_section(void)
{
  assert_problem("bad_tcp_model.ini", NULL, SIM_ERROR_INVALID, 1, 4, "[tcp.client]: ");
  assert_problem("bad_bottleneck_in_pair.ini", NULL, SIM_ERROR_INVALID, 1, 4,
                 "[link.bottleneck]: a pair has no bottleneck link");
}

static void
several_problems_in_one_file_are_all_reported(void)
{
  g_autofree char *path = exp_path("bad_several.ini");
  g_autofree char *msg = load_fail_path(path, NULL, SIM_ERROR_INVALID);
  const char *lines[] = {
    "3: [experiment] seed: 'x' is not an integer",
    "6: [tcp] time_wiat: unknown key; did you mean 'time_wait'?",
    "9: [link] delay: '5' has no unit",
    "10: [link] loss: '2' is out of range (expected a probability in [0, 1])",
    "13: [server] close: 'thrid' is not one of first, second",
  };
  g_auto(GStrv) got = g_strsplit(msg, "\n", -1);
  CU_ASSERT_EQUAL_FATAL(g_strv_length(got), G_N_ELEMENTS(lines));
  for (guint i = 0; i < G_N_ELEMENTS(lines); i++) {
    g_autofree char *want = g_strdup_printf("%s:%s", path, lines[i]);
    ASSERT_CONTAINS(got[i], want);   /* in file order */
  }
}

static void
problems_of_name_variants_report_and_verdict_are_all_reported(void)
{
  g_autofree char *path = exp_path("bad_several_sections.ini");
  g_autofree char *msg = load_fail_path(path, NULL, SIM_ERROR_INVALID);
  const char *lines[] = {
    "3: [experiment] name: 'no/slash' cannot name an output folder",
    "9: [variant.b] experiment.seed: a variant cannot change [experiment]",
    "12: [metrics] report: unknown metric 'nonsense'",
    "15: [verdict] expect: 'c.conns_opened': no variant 'c'",
  };
  CU_ASSERT_EQUAL(count_lines(msg), G_N_ELEMENTS(lines));
  for (guint i = 0; i < G_N_ELEMENTS(lines); i++) {
    g_autofree char *want = g_strdup_printf("%s:%s", path, lines[i]);
    ASSERT_CONTAINS(msg, want);
  }
}

/* Problems of values and of [metrics] report are reported together: the unknown metric
 * on line 8 beside the value without a unit on line 5 ("every problem ... at once",
 * experiment.h). */
static void
value_problems_and_report_problems_are_reported_together(void)
{
  g_autofree char *path = exp_path("bad_mixed.ini");
  g_autofree char *msg = load_fail_path(path, NULL, SIM_ERROR_INVALID);
  g_autofree char *unit = g_strdup_printf("%s:5: [tcp] time_wait: '5' has no unit", path);
  g_autofree char *metric = g_strdup_printf("%s:8: [metrics] report: unknown metric "
                                            "'conns_openned'", path);
  ASSERT_CONTAINS(msg, unit);
  ASSERT_CONTAINS(msg, metric);
}

static void
set_problems_name_the_assignment(void)
{
  const char *const bad_value[] = { "tcp.time_wait=-1s", NULL };
  g_autofree char *m1 = load_fail("plain.ini", bad_value, SIM_ERROR_INVALID);
  ASSERT_CONTAINS(m1, "--set tcp.time_wait=-1s: [tcp] time_wait: '-1s'");
  CU_ASSERT_EQUAL(count_lines(m1), 1);   /* once, not once per variant */

  const char *const bad_key[] = { "tcp.time_wiat=1s", NULL };
  g_autofree char *m2 = load_fail("variants.ini", bad_key, SIM_ERROR_INVALID);
  ASSERT_CONTAINS(m2, "--set tcp.time_wiat=1s: [tcp] time_wiat: unknown key; did you mean "
                      "'time_wait'?");
  CU_ASSERT_EQUAL(count_lines(m2), 1);

  const char *const no_eq[] = { "tcp.time_wait", NULL };
  g_autofree char *m3 = load_fail("plain.ini", no_eq, SIM_ERROR_SYNTAX);
  ASSERT_CONTAINS(m3, "--set tcp.time_wait: expected section.key=value: no '='");
  const char *const no_dot[] = { "time_wait=1s", NULL };
  g_autofree char *m4 = load_fail("plain.ini", no_dot, SIM_ERROR_SYNTAX);
  ASSERT_CONTAINS(m4, "--set time_wait=1s: expected section.key=value: no '.'");

  /* file problems come before --set problems */
  const char *const late[] = { "tcp.rto_min=fast", NULL };
  g_autofree char *path = exp_path("bad_unknown_key.ini");
  g_autofree char *m5 = load_fail_path(path, late, SIM_ERROR_INVALID);
  g_auto(GStrv) lines = g_strsplit(m5, "\n", -1);
  CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), 2);
  CU_ASSERT(g_str_has_prefix(lines[0], path));
  CU_ASSERT(g_str_has_prefix(lines[1], "--set tcp.rto_min=fast: [tcp] rto_min: 'fast'"));
}

static void
load_error_leaves_nothing_behind(void)
{
  /* a failed load returns NULL and sets exactly one error; nothing else to free */
  GError *err = NULL;
  g_autofree char *path = exp_path("bad_several.ini");
  for (int i = 0; i < 3; i++) {
    Experiment *e = experiment_load(path, NULL, &err);
    CU_ASSERT_PTR_NULL(e);
    CU_ASSERT_PTR_NOT_NULL(err);
    g_clear_error(&err);
  }
  /* NULL error is allowed */
  CU_ASSERT_PTR_NULL(experiment_load(path, NULL, NULL));
  experiment_free(NULL);
}

void test_experiment_register(void);
void
test_experiment_register(void)
{
  static const CU_TestInfo tests[] = {
    { "tcp_defaults_come_from_the_linux_preset", tcp_defaults_come_from_the_linux_preset },
    { "rfc_preset_changes_rto_min_and_time_wait", rfc_preset_changes_rto_min_and_time_wait },
    { "tcp_section_beats_preset_and_role_section_beats_tcp",
      tcp_section_beats_preset_and_role_section_beats_tcp },
    { "set_beats_file_at_each_level", set_beats_file_at_each_level },
    { "variant_beats_file_and_set_beats_variant", variant_beats_file_and_set_beats_variant },
    { "set_of_preset_reaches_every_variant", set_of_preset_reaches_every_variant },
    { "link_sections_fall_back_from_direction_to_role_to_link",
      link_sections_fall_back_from_direction_to_role_to_link },
    { "link_defaults_apply_without_link_sections", link_defaults_apply_without_link_sections },
    { "link_set_overrides_one_level_only", link_set_overrides_one_level_only },
    { "variant_sets_a_link_direction", variant_sets_a_link_direction },
    { "runs_are_variants_times_replications_variant_major",
      runs_are_variants_times_replications_variant_major },
    { "file_without_variants_has_one_named_base", file_without_variants_has_one_named_base },
    { "name_defaults_to_the_file_name", name_defaults_to_the_file_name },
    { "report_is_in_table_order", report_is_in_table_order },
    { "resolved_text_loads_back_with_the_same_settings",
      resolved_text_loads_back_with_the_same_settings },
    { "resolved_text_without_overrides_loads_back", resolved_text_without_overrides_loads_back },
    { "resolved_text_runs_with_identical_metrics", resolved_text_runs_with_identical_metrics },
    { "resolved_text_of_a_file_without_attackers_loads_back",
      resolved_text_of_a_file_without_attackers_loads_back },
    { "resolved_text_keeps_the_name_taken_from_the_file",
      resolved_text_keeps_the_name_taken_from_the_file },
    { "value_problems_and_report_problems_are_reported_together",
      value_problems_and_report_problems_are_reported_together },
    { "resolved_text_keeps_a_set_spelt_with_spaces", resolved_text_keeps_a_set_spelt_with_spaces },
    { "resolved_text_finds_empirical_files", resolved_text_finds_empirical_files },
    { "unknown_section_is_named_with_a_suggestion", unknown_section_is_named_with_a_suggestion },
    { "unknown_family_member_is_named_with_a_suggestion",
      unknown_family_member_is_named_with_a_suggestion },
    { "unknown_key_is_named_with_a_suggestion", unknown_key_is_named_with_a_suggestion },
    { "wrong_type_names_the_value_and_type", wrong_type_names_the_value_and_type },
    { "missing_unit_is_named", missing_unit_is_named },
    { "out_of_range_names_the_range", out_of_range_names_the_range },
    { "duplicate_key_names_both_lines", duplicate_key_names_both_lines },
    { "hold_without_hold_time_is_the_required_when_rule",
      hold_without_hold_time_is_the_required_when_rule },
    { "empty_file_has_no_experiment_section", empty_file_has_no_experiment_section },
    { "binary_garbage_is_refused_at_its_line", binary_garbage_is_refused_at_its_line },
    { "lines_that_are_not_ini_are_refused", lines_that_are_not_ini_are_refused },
    { "missing_file_is_an_io_error", missing_file_is_an_io_error },
    { "variant_may_not_override_experiment", variant_may_not_override_experiment },
    { "variant_may_not_override_a_figure", variant_may_not_override_a_figure },
    { "variant_key_without_a_dot_is_refused", variant_key_without_a_dot_is_refused },
    { "variant_value_is_checked_where_the_variant_says_it",
      variant_value_is_checked_where_the_variant_says_it },
    { "variant_name_with_a_dot_is_refused", variant_name_with_a_dot_is_refused },
    { "verdict_naming_an_unknown_variant_is_refused",
      verdict_naming_an_unknown_variant_is_refused },
    { "verdict_naming_an_unknown_metric_is_refused",
      verdict_naming_an_unknown_metric_is_refused },
    { "bare_metric_in_a_multi_variant_verdict_is_refused",
      bare_metric_in_a_multi_variant_verdict_is_refused },
    { "verdict_syntax_error_names_its_column", verdict_syntax_error_names_its_column },
    { "report_with_unknown_metric_is_named_with_a_suggestion",
      report_with_unknown_metric_is_named_with_a_suggestion },
    { "pair_with_two_clients_is_refused", pair_with_two_clients_is_refused },
    { "flooder_without_attackers_is_unused", flooder_without_attackers_is_unused },
    { "attackers_without_a_target_are_refused", attackers_without_a_target_are_refused },
    { "flooder_target_beyond_the_servers_is_refused",
      flooder_target_beyond_the_servers_is_refused },
    { "unsafe_experiment_name_is_refused", unsafe_experiment_name_is_refused },
    { "model_and_topology_refusals_name_the_section",
      model_and_topology_refusals_name_the_section },
    { "several_problems_in_one_file_are_all_reported",
      several_problems_in_one_file_are_all_reported },
    { "problems_of_name_variants_report_and_verdict_are_all_reported",
      problems_of_name_variants_report_and_verdict_are_all_reported },
    { "set_problems_name_the_assignment", set_problems_name_the_assignment },
    { "load_error_leaves_nothing_behind", load_error_leaves_nothing_behind },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("experiment", tests);
}
