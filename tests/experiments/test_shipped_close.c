/* Tests for the shipped experiments on tear-down (experiments/configs/): close (C9-C15),
 * time_wait (C16, C17), port_reuse (C17) and three_way_close (C18, C19). Each is loaded
 * as shipped, shrunk with overrides that leave every variant's own knobs alone (fewer
 * connections, replications or simulated seconds), run variant by variant with
 * exp_run_one, and checked on its figures against what the claim predicts, with the
 * numbers taken from the variant's own configuration (TIME-WAIT, MSL, ports, service
 * time); the shipped [verdict] expect must hold on the same figures. */
#include "test_util.h"
#include "exp_config.h"
#include "exp_run.h"
#include "experiment.h"

#include <math.h>

#ifndef SYNACK_CONFIG_DIR
#error "SYNACK_CONFIG_DIR must name the folder of the shipped experiments"
#endif

/* ---- running a shipped experiment ---------------------------------------------------- */

/* Mean figures of every variant of one experiment: mean[v][m] over its replications. */
typedef struct {
  Experiment *e;
  guint n_metrics;
  double *mean;         /* variants->len * n_metrics */
} Shipped;

/* Loads experiments/configs/@name.ini with @overrides and runs all of it; FALSE (with the
 * reason on stderr) if it does not load or a run fails. */
static gboolean
shipped_run(Shipped *s, const char *name, const char *const *overrides)
{
  memset(s, 0, sizeof *s);
  g_autofree char *file = g_strconcat(name, ".ini", NULL);
  g_autofree char *path = g_build_filename(SYNACK_CONFIG_DIR, file, NULL);
  GError *err = NULL;
  s->e = experiment_load(path, overrides, &err);
  if (s->e == NULL) {
    fprintf(stderr, "\n  %s: %s\n", path, err->message);
    g_error_free(err);
    return FALSE;
  }
  s->n_metrics = exp_metric_count();
  s->mean = g_new0(double, (gsize)s->e->variants->len * s->n_metrics);
  g_autofree double *values = g_new(double, s->n_metrics);
  for (guint v = 0; v < s->e->variants->len; v++) {
    const ExpVariant *var = g_ptr_array_index(s->e->variants, v);
    for (guint r = 0; r < s->e->replications; r++) {
      if (!exp_run_one(var->cfg, r, values, NULL, &err)) {
        fprintf(stderr, "\n  %s %s #%u: %s\n", name, var->name, r, err->message);
        g_error_free(err);
        return FALSE;
      }
      for (guint m = 0; m < s->n_metrics; m++)
        s->mean[v * s->n_metrics + m] += values[m] / s->e->replications;
    }
  }
  return TRUE;
}

static void
shipped_clear(Shipped *s)
{
  g_clear_pointer(&s->e, experiment_free);
  g_clear_pointer(&s->mean, g_free);
}

static int
variant_index(const Shipped *s, const char *variant)
{
  for (guint v = 0; v < s->e->variants->len; v++)
    if (strcmp(((const ExpVariant *)g_ptr_array_index(s->e->variants, v))->name, variant) == 0)
      return (int)v;
  return -1;
}

/* The variant's configuration; fails the test (fatally) if there is no such variant. */
static const SimConfig *
variant_cfg(const Shipped *s, const char *variant)
{
  int v = variant_index(s, variant);
  if (v < 0)
    fprintf(stderr, "\n  %s: no variant '%s'\n", s->e->name, variant);
  CU_ASSERT_FATAL(v >= 0);
  return ((const ExpVariant *)g_ptr_array_index(s->e->variants, (guint)v))->cfg;
}

/* The mean of @metric over @variant's replications (NaN, and a failed test, for an
 * unknown variant or metric: NaN fails every comparison the tests make). */
static double
fig(const Shipped *s, const char *variant, const char *metric)
{
  int v = variant_index(s, variant), m = exp_metric_find(metric);
  if (v < 0 || m < 0) {
    fprintf(stderr, "\n  %s: no figure %s.%s\n", s->e->name, variant, metric);
    CU_FAIL("unknown variant or metric");
    return NAN;
  }
  return s->mean[(guint)v * s->n_metrics + (guint)m];
}

static double
seconds(SimTime t)
{
  return (double)t / SIM_S;
}

/* The client's effective TCP settings in @variant (preset, file and variant applied). */
static TcpConfig
client_tcp(const Shipped *s, const char *variant)
{
  TcpConfig t;
  exp_tcp_config(variant_cfg(s, variant), "client", &t);
  return t;
}

static gboolean
lookup(const char *variant, const char *metric, double *value, void *user)
{
  const Shipped *s = user;
  int v = variant != NULL ? variant_index(s, variant) : 0;
  int m = exp_metric_find(metric);
  if (v < 0 || m < 0)
    return FALSE;
  *value = s->mean[(guint)v * s->n_metrics + (guint)m];
  return TRUE;
}

/* The shipped [verdict] expect holds on these figures (printed when it does not). */
static void
assert_verdict_holds(const Shipped *s)
{
  CU_ASSERT_PTR_NOT_NULL_FATAL(s->e->verdict);
  gboolean holds = FALSE;
  GError *err = NULL;
  g_autoptr(GString) figures = g_string_new(NULL);
  gboolean ok = exp_verdict_eval(s->e->verdict, lookup, (void *)s, &holds, figures, &err);
  if (!ok) {
    fprintf(stderr, "\n  %s: verdict: %s\n", s->e->name, err->message);
    g_error_free(err);
  } else if (!holds) {
    fprintf(stderr, "\n  %s: the verdict does not hold: %s\n", s->e->name, figures->str);
  }
  CU_ASSERT_TRUE(ok && holds);
}

/* Prints @variant.@metric = value when @cond is false, then asserts it. */
#define CHECK(s, cond, variant, metric)                                                   \
  do {                                                                                    \
    if (!(cond))                                                                          \
      fprintf(stderr, "\n  %s: %s.%s = %g fails %s\n", (s)->e->name, (variant), (metric), \
              fig((s), (variant), (metric)), #cond);                                      \
    CU_ASSERT_TRUE(cond);                                                                 \
  } while (0)

/* ---- the files themselves -------------------------------------------------------------- */

static void
shipped_files_say_what_they_test(void)
{
  const char *names[] = { "close", "time_wait", "port_reuse", "three_way_close" };
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    g_autofree char *file = g_strconcat(names[i], ".ini", NULL);
    g_autofree char *path = g_build_filename(SYNACK_CONFIG_DIR, file, NULL);
    GError *err = NULL;
    g_autoptr(Experiment) e = experiment_load(path, NULL, &err);
    if (err != NULL) {
      fprintf(stderr, "\n  %s: %s\n", path, err->message);
      g_clear_error(&err);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(e->name, names[i]);
    CU_ASSERT_TRUE(strlen(sim_config_get_string(e->base, "experiment", "description")) > 0);
    CU_ASSERT_TRUE(strlen(sim_config_get_string(e->base, "experiment", "hypothesis")) > 0);
    CU_ASSERT_PTR_NOT_NULL(e->verdict);
    CU_ASSERT_TRUE(e->variants->len >= 2);
    /* the header names the claims it tests */
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
    CU_ASSERT_TRUE(g_str_has_prefix(text, "# "));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Claim"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Hypothesis:"));
  }
}

/* ---- close (C9-C15) -------------------------------------------------------------------- */

static const char *const close_small[] = {
  "experiment.replications=3", "client.conns=20", NULL,
};

/* C9-C14 on a clean network: every connection passes FIN-WAIT-1 for one round trip (the
 * ACK of its FIN comes at once), FIN-WAIT-2 while the server works, the server CLOSE-WAIT
 * for exactly its service time and LAST-ACK for about one round trip; nobody in CLOSING,
 * nothing resent. C15: every client TIME-WAIT lasts exactly 2 MSL. */
static void
close_clean_walks_every_closing_state_and_waits_2_msl(void)
{
  Shipped s;
  CU_ASSERT_TRUE_FATAL(shipped_run(&s, "close", close_small));
  const char *v = "clean";
  double conns = fig(&s, v, "conns_opened");
  CU_ASSERT_EQUAL(conns, 20);
  CHECK(&s, fig(&s, v, "conns_completed") == conns, v, "conns_completed");
  CHECK(&s, fig(&s, v, "server_completed") == conns, v, "server_completed");
  /* C13: the client, and only the client, enters TIME-WAIT, once per connection */
  CHECK(&s, fig(&s, v, "time_wait_entered") == conns, v, "time_wait_entered");

  double rtt = 2 * seconds(sim_config_get_duration(variant_cfg(&s, v), "link", "delay"));
  double work = seconds(sim_config_get_duration(variant_cfg(&s, v), "server", "service_time"));
  CU_ASSERT_TRUE_FATAL(work > 2 * rtt);
  double fw1 = fig(&s, v, "time_fin_wait_1") / conns;
  double fw2 = fig(&s, v, "time_fin_wait_2") / conns;
  double cw = fig(&s, v, "time_close_wait") / conns;
  double la = fig(&s, v, "time_last_ack") / conns;
  CHECK(&s, fw1 >= rtt && fw1 < 1.5 * rtt, v, "time_fin_wait_1");          /* C9, C11 */
  CHECK(&s, fabs(cw - work) < 1e-9, v, "time_close_wait");                  /* C10, C12 */
  CHECK(&s, fw2 > work && fw2 < work + rtt, v, "time_fin_wait_2");          /* C11, C12 */
  CHECK(&s, la >= rtt && la < 1.5 * rtt, v, "time_last_ack");               /* C12, C14 */
  CHECK(&s, fig(&s, v, "time_closing") == 0, v, "time_closing");
  CHECK(&s, fig(&s, v, "rtx_fin") == 0, v, "rtx_fin");
  CHECK(&s, fig(&s, v, "last_ack_resets") + fig(&s, v, "last_ack_timeouts") == 0, v,
        "last_ack_resets");

  /* C15: 2 MSL exactly (the RFC preset: MSL 2 min) */
  TcpConfig t = client_tcp(&s, v);
  CU_ASSERT_EQUAL(t.time_wait, 2 * t.msl);
  CU_ASSERT_EQUAL(t.time_wait, 240 * SIM_S);
  double tw = fig(&s, v, "time_time_wait") / fig(&s, v, "time_wait_entered");
  CHECK(&s, fabs(tw - seconds(t.time_wait)) < 1e-6, v, "time_time_wait");
  assert_verdict_holds(&s);
  shipped_clear(&s);
}

/* C15 with the client->server direction lossy: some last ACKs are lost, the server sends
 * its FIN again, the client in TIME-WAIT ACKs it again and restarts its 2 MSL (so the
 * mean TIME-WAIT is longer), and every server still leaves LAST-ACK on an ACK. */
static void
close_lost_last_ack_is_acked_again_from_time_wait(void)
{
  Shipped s;
  CU_ASSERT_TRUE_FATAL(shipped_run(&s, "close", close_small));
  const char *v = "lossy";
  TcpConfig t = client_tcp(&s, v);
  double conns = fig(&s, v, "conns_opened");
  CHECK(&s, fig(&s, v, "segments_lost") > 0, v, "segments_lost");
  CHECK(&s, fig(&s, v, "rtx_fin") > 0, v, "rtx_fin");
  /* each lost last ACK brings a FIN again, acknowledged again from TIME-WAIT */
  CHECK(&s, fig(&s, v, "time_wait_reacks") > 0, v, "time_wait_reacks");
  CHECK(&s, fig(&s, v, "time_wait_reacks") <= fig(&s, v, "rtx_fin"), v, "time_wait_reacks");
  CHECK(&s, fig(&s, "clean", "time_wait_reacks") == 0, "clean", "time_wait_reacks");
  double tw = fig(&s, v, "time_time_wait") / fig(&s, v, "time_wait_entered");
  CHECK(&s, tw > seconds(t.time_wait) + 1e-3, v, "time_time_wait");
  /* the restarts are what the server spent waiting for the ACK of its FIN: its LAST-ACK
   * grows by about as much as TIME-WAIT does (to within a round trip per restart) */
  double extra_tw =
    fig(&s, v, "time_time_wait") - seconds(t.time_wait) * fig(&s, v, "time_wait_entered");
  double extra_la = fig(&s, v, "time_last_ack") - fig(&s, "clean", "time_last_ack");
  if (!(extra_la > 0.9 * extra_tw && extra_la < 1.1 * extra_tw))
    fprintf(stderr, "\n  close: LAST-ACK %g s longer, TIME-WAIT %g s\n", extra_la, extra_tw);
  CU_ASSERT_TRUE(extra_la > 0.9 * extra_tw && extra_la < 1.1 * extra_tw);
  CHECK(&s, fig(&s, v, "conns_completed") == conns, v, "conns_completed");
  CHECK(&s, fig(&s, v, "server_completed") == conns, v, "server_completed");
  CHECK(&s, fig(&s, v, "time_wait_entered") == conns, v, "time_wait_entered");
  CHECK(&s, fig(&s, v, "last_ack_resets") == 0, v, "last_ack_resets");
  CHECK(&s, fig(&s, v, "last_ack_timeouts") == 0, v, "last_ack_timeouts");
  CHECK(&s, fig(&s, v, "rst_for_no_conn") == 0, v, "rst_for_no_conn");
  assert_verdict_holds(&s);
  shipped_clear(&s);
}

/* ---- time_wait (C16, C17) --------------------------------------------------------------- */

static const char *const time_wait_small[] = {
  "experiment.replications=4", "client.conns=100", NULL,
};

/* C16: on one 4-tuple with delayed duplicates (held below the MSL), no TIME-WAIT lets new
 * connections take old segments, data included; half an MSL lets fewer through; 2 MSL
 * none. Random ISNs alone reject them too: the effect needs sequence spaces that
 * overlap. */
static void
time_wait_without_wait_new_connections_take_old_segments(void)
{
  Shipped s;
  CU_ASSERT_TRUE_FATAL(shipped_run(&s, "time_wait", time_wait_small));
  /* what the variants are */
  TcpConfig t0 = client_tcp(&s, "tw_0s"), t1 = client_tcp(&s, "tw_1s"),
            t4 = client_tcp(&s, "tw_4s");
  CU_ASSERT_EQUAL(t0.port_lo, t0.port_hi);
  CU_ASSERT_EQUAL(t0.time_wait, 0);
  CU_ASSERT_EQUAL(t1.time_wait, t1.msl / 2);
  CU_ASSERT_EQUAL(t4.time_wait, 2 * t4.msl);
  CU_ASSERT_EQUAL(sim_config_get_duration(variant_cfg(&s, "tw_4s"), "link", "msl"), t4.msl);

  CHECK(&s, fig(&s, "tw_0s", "segments_held") > 0, "tw_0s", "segments_held");
  CHECK(&s, fig(&s, "tw_0s", "stale_segments") > 0, "tw_0s", "stale_segments");
  CHECK(&s, fig(&s, "tw_0s", "stale_bytes") > 0, "tw_0s", "stale_bytes");
  CHECK(&s, fig(&s, "tw_1s", "stale_segments") < fig(&s, "tw_0s", "stale_segments"), "tw_1s",
        "stale_segments");
  CHECK(&s, fig(&s, "tw_4s", "segments_held") > 0, "tw_4s", "segments_held");
  CHECK(&s, fig(&s, "tw_4s", "stale_segments") == 0, "tw_4s", "stale_segments");
  CHECK(&s, fig(&s, "tw_4s", "stale_bytes") == 0, "tw_4s", "stale_bytes");
  CHECK(&s, fig(&s, "tw_0s_random_isn", "segments_held") > 0, "tw_0s_random_isn",
        "segments_held");
  CHECK(&s, fig(&s, "tw_0s_random_isn", "stale_segments") == 0, "tw_0s_random_isn",
        "stale_segments");
  /* the price of the wait on one port: fewer connections, the others find no port */
  CHECK(&s, fig(&s, "tw_4s", "conns_completed") < fig(&s, "tw_0s", "conns_completed"),
        "tw_4s", "conns_completed");
  CHECK(&s, fig(&s, "tw_4s", "connect_no_port") > fig(&s, "tw_0s", "connect_no_port"),
        "tw_4s", "connect_no_port");
  assert_verdict_holds(&s);
  shipped_clear(&s);
}

/* C17: the last ACK lost on the way, a TIME-WAIT shorter than the server's RTO leaves
 * some servers' LAST-ACK to a reset; 1 s and 2 MSL leave none. */
static void
time_wait_short_wait_ends_last_ack_on_a_reset(void)
{
  Shipped s;
  CU_ASSERT_TRUE_FATAL(shipped_run(&s, "time_wait", time_wait_small));
  const char *lossy[] = { "lossy_tw_0s", "lossy_tw_100ms", "lossy_tw_1s", "lossy_tw_4s" };
  for (guint i = 0; i < G_N_ELEMENTS(lossy); i++) {
    CHECK(&s, fig(&s, lossy[i], "segments_lost") > 0, lossy[i], "segments_lost");
    CHECK(&s, fig(&s, lossy[i], "segments_held") == 0, lossy[i], "segments_held");
    TcpConfig t = client_tcp(&s, lossy[i]);
    double failures =
      fig(&s, lossy[i], "last_ack_resets") + fig(&s, lossy[i], "last_ack_timeouts");
    if (t.time_wait < t.rto_min)
      CHECK(&s, failures > 0, lossy[i], "last_ack_resets");
    else
      CHECK(&s, failures == 0, lossy[i], "last_ack_resets");
  }
  CU_ASSERT_EQUAL(client_tcp(&s, "lossy_tw_0s").time_wait, 0);
  TcpConfig t4 = client_tcp(&s, "lossy_tw_4s");
  CU_ASSERT_EQUAL(t4.time_wait, 2 * t4.msl);
  assert_verdict_holds(&s);
  shipped_clear(&s);
}

/* ---- port_reuse (C17) ------------------------------------------------------------------- */

/* C17: opening faster than ports / TIME-WAIT, a client completes no more than the ports'
 * first use plus one connection per port per TIME-WAIT, and gets close to that (the limit
 * is what binds); the rest fail for want of a port. With the whole Linux range the bound
 * is above the offered rate and nothing fails; tw_reuse lifts the bound. */
static void
port_reuse_rate_stays_under_ports_over_time_wait(void)
{
  const char *const set[] = { "experiment.replications=1", "experiment.duration=120s", NULL };
  Shipped s;
  CU_ASSERT_TRUE_FATAL(shipped_run(&s, "port_reuse", set));
  double offered = 0;
  for (guint v = 0; v < s.e->variants->len; v++) {
    const ExpVariant *var = g_ptr_array_index(s.e->variants, v);
    const char *n = var->name;
    TcpConfig t = client_tcp(&s, n);
    double ports = (double)t.port_hi - t.port_lo + 1;
    double tw = seconds(t.time_wait);
    double d = fig(&s, n, "sim_seconds");
    CU_ASSERT_EQUAL(d, 120);
    double done = fig(&s, n, "conns_completed"), bound = ports / tw;
    offered = fig(&s, n, "conns_opened") / d;
    CHECK(&s, done > 0, n, "conns_completed");
    if (t.tw_reuse) {
      /* a port is taken again after tw_reuse_delay rather than the whole TIME-WAIT */
      CHECK(&s, done / d > 5 * bound, n, "conns_completed");
      CHECK(&s, done / d < ports / seconds(t.tw_reuse_delay) + ports / d, n, "conns_completed");
    } else if (bound < offered) {
      CHECK(&s, (done - ports) / d < bound, n, "conns_completed");
      CHECK(&s, done / d > 0.9 * bound, n, "conns_completed");
      CHECK(&s, fig(&s, n, "connect_no_port") > 0, n, "connect_no_port");
      CHECK(&s, fig(&s, n, "connect_no_port") == fig(&s, n, "conns_failed"), n, "conns_failed");
    } else {
      CHECK(&s, fig(&s, n, "conns_failed") == 0, n, "conns_failed");
      CHECK(&s, done >= 0.99 * fig(&s, n, "conns_opened"), n, "conns_completed");
    }
  }
  CU_ASSERT_TRUE(offered > 40 && offered < 60);   /* exp(20ms): 50 opens a second */
  CHECK(&s, fig(&s, "tw_1s", "conns_completed") > fig(&s, "tw_10s", "conns_completed"),
        "tw_1s", "conns_completed");
  CHECK(&s, fig(&s, "tw_10s", "conns_completed") > fig(&s, "tw_60s", "conns_completed"),
        "tw_10s", "conns_completed");
  CHECK(&s,
        fig(&s, "tw_60s_100_ports", "conns_completed") > fig(&s, "tw_60s", "conns_completed"),
        "tw_60s_100_ports", "conns_completed");
  CHECK(&s, fig(&s, "tw_60s_linux_ports", "conns_failed") == 0, "tw_60s_linux_ports",
        "conns_failed");
  assert_verdict_holds(&s);
  shipped_clear(&s);
}

/* ---- three_way_close (C18, C19) ------------------------------------------------------- */

/* C19: with close = 3 and a server that works longer than the client's RTO, the client
 * sends a tail loss probe and then its FIN again and again, more the longer the work;
 * C18: with close = 4 the ACK comes at once, the client waits in FIN-WAIT-2 and sends
 * nothing again. Under the RTO, close = 3 resends nothing and saves a segment. */
static void
three_way_close_resends_the_fin_only_with_close_3(void)
{
  const char *const set[] = { "experiment.replications=1", "client.conns=5", NULL };
  Shipped s;
  CU_ASSERT_TRUE_FATAL(shipped_run(&s, "three_way_close", set));
  const char *work[] = { "50ms", "1s", "5s" };
  double prev_rtx = -1;
  for (guint i = 0; i < G_N_ELEMENTS(work); i++) {
    g_autofree char *v3 = g_strconcat("three_way_", work[i], NULL);
    g_autofree char *v4 = g_strconcat("four_way_", work[i], NULL);
    CU_ASSERT_EQUAL(client_tcp(&s, v3).close, 3);
    CU_ASSERT_EQUAL(client_tcp(&s, v4).close, 4);
    TcpConfig t = client_tcp(&s, v3);
    double service = seconds(sim_config_get_duration(variant_cfg(&s, v3), "server",
                                                     "service_time"));
    CU_ASSERT_EQUAL(service, seconds(sim_config_get_duration(variant_cfg(&s, v4), "server",
                                                            "service_time")));
    double conns = fig(&s, v3, "conns_opened");
    CU_ASSERT_EQUAL(conns, 5);
    for (int k = 0; k < 2; k++) {
      const char *v = k ? v4 : v3;
      CHECK(&s, fig(&s, v, "conns_completed") == conns, v, "conns_completed");
      CHECK(&s, fig(&s, v, "server_completed") == conns, v, "server_completed");
      CHECK(&s, fig(&s, v, "segments_lost") == 0, v, "segments_lost");
    }
    /* four-way: the FIN is ACKed after one round trip; FIN-WAIT-2 holds the wait */
    CHECK(&s, fig(&s, v4, "rtx_fin") == 0, v4, "rtx_fin");
    CHECK(&s, fig(&s, v4, "tail_loss_probes") == 0, v4, "tail_loss_probes");
    CHECK(&s, fig(&s, v4, "time_fin_wait_2") / conns > service, v4, "time_fin_wait_2");
    /* three-way: no FIN-WAIT-2 at all, FIN-WAIT-1 for the whole work */
    CHECK(&s, fig(&s, v3, "time_fin_wait_2") == 0, v3, "time_fin_wait_2");
    CHECK(&s, fig(&s, v3, "time_fin_wait_1") / conns > service, v3, "time_fin_wait_1");
    if (service * SIM_S < (double)t.rto_min) {
      CHECK(&s, fig(&s, v3, "rtx_fin") + fig(&s, v3, "tail_loss_probes") == 0, v3, "rtx_fin");
      CHECK(&s, fig(&s, v3, "segments_per_conn") < fig(&s, v4, "segments_per_conn"), v3,
            "segments_per_conn");
    } else {
      CHECK(&s, fig(&s, v3, "rtx_fin") >= conns, v3, "rtx_fin");
      CHECK(&s, fig(&s, v3, "tail_loss_probes") == conns, v3, "tail_loss_probes");
      CHECK(&s, fig(&s, v3, "rtx_fin") > prev_rtx, v3, "rtx_fin");
      CHECK(&s, fig(&s, v3, "segments_per_conn") > fig(&s, v4, "segments_per_conn"), v3,
            "segments_per_conn");
    }
    prev_rtx = fig(&s, v3, "rtx_fin");
  }
  assert_verdict_holds(&s);
  shipped_clear(&s);
}

void test_shipped_close_register(void);
void
test_shipped_close_register(void)
{
  static const CU_TestInfo tests[] = {
    { "shipped_files_say_what_they_test", shipped_files_say_what_they_test },
    { "close_clean_walks_every_closing_state_and_waits_2_msl",
      close_clean_walks_every_closing_state_and_waits_2_msl },
    { "close_lost_last_ack_is_acked_again_from_time_wait",
      close_lost_last_ack_is_acked_again_from_time_wait },
    { "time_wait_without_wait_new_connections_take_old_segments",
      time_wait_without_wait_new_connections_take_old_segments },
    { "time_wait_short_wait_ends_last_ack_on_a_reset",
      time_wait_short_wait_ends_last_ack_on_a_reset },
    { "port_reuse_rate_stays_under_ports_over_time_wait",
      port_reuse_rate_stays_under_ports_over_time_wait },
    { "three_way_close_resends_the_fin_only_with_close_3",
      three_way_close_resends_the_fin_only_with_close_3 },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("shipped_close", tests);
}
