/* bench_hold: the classic hold model through synack's public scheduler API.
 * Pre-fill N events at times drawn Exp(mean); then M times the earliest event fires and
 * its callback schedules one new event at now + Exp(mean). Optional heavy ties (times
 * rounded to a grid) and cancellations (each callback also schedules a decoy and cancels
 * an older one) exercise the paths the plain model does not. Prints one key=value line. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim_rng.h"
#include "sim_sched.h"
#include "sim_time.h"
#include "bench_util.h"

typedef struct {
  SimRng rng;
  double mean_ns;
  SimTime grid;          /* > 1: times rounded up to multiples of grid (ties) */
  double cancel;         /* probability that a callback also schedules a decoy */
  uint64_t remaining;    /* hold operations left */
  uint64_t checksum;     /* order-sensitive hash of fired (time, op) */
  SimTime last;
  gboolean order_ok;
  SimEventId *decoys;    /* ring of decoy handles, cancelled when overwritten */
  size_t ndecoys, decoy_pos;
} Hold;

static SimTime
draw_delay(Hold *h)
{
  SimTime d = (SimTime)(sim_rng_exp(&h->rng, h->mean_ns) + 0.5);
  if (h->grid > 1)
    d = (d / h->grid + 1) * h->grid;
  return d;
}

static void decoy_fire(SimSched *s, void *ctx);

static void
hold_fire(SimSched *s, void *ctx)
{
  Hold *h = ctx;
  SimTime now = sim_sched_now(s);
  if (now < h->last)
    h->order_ok = FALSE;
  h->last = now;
  h->checksum = (h->checksum ^ (uint64_t)now) * 0x100000001b3ULL;
  if (h->remaining == 0) {
    sim_sched_stop(s);
    return;
  }
  h->remaining--;
  sim_sched_after(s, draw_delay(h), hold_fire, h);
  if (h->cancel > 0 && sim_rng_bernoulli(&h->rng, h->cancel)) {
    SimEventId *slot = &h->decoys[h->decoy_pos];
    sim_sched_cancel(s, *slot);
    *slot = sim_sched_after(s, draw_delay(h), decoy_fire, h);
    h->decoy_pos = (h->decoy_pos + 1) % h->ndecoys;
  }
}

static void
decoy_fire(SimSched *s, void *ctx)
{
  (void)s;
  (void)ctx;
}

int
main(int argc, char **argv)
{
  gint64 n = 10000, ops = 10000000, seed = 1, grid = 0;
  double mean_ms = 1.0, cancel = 0.0;
  GOptionEntry entries[] = {
    { "n", 0, 0, G_OPTION_ARG_INT64, &n, "events pending (default 10000)", "N" },
    { "ops", 0, 0, G_OPTION_ARG_INT64, &ops, "hold operations (default 10^7)", "M" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "random seed (default 1)", "S" },
    { "mean-ms", 0, 0, G_OPTION_ARG_DOUBLE, &mean_ms, "mean increment in ms (default 1)", "MS" },
    { "grid", 0, 0, G_OPTION_ARG_INT64, &grid, "round times to multiples of this many ns (ties)", "NS" },
    { "cancel", 0, 0, G_OPTION_ARG_DOUBLE, &cancel, "probability of a decoy schedule+cancel per op", "P" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc = g_option_context_new("- hold-model benchmark of the scheduler");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "bench_hold: %s\n", err->message);
    return 2;
  }
  if (n < 1 || ops < 0 || mean_ms <= 0 || grid < 0 || cancel < 0 || cancel > 1) {
    fprintf(stderr, "bench_hold: need --n >= 1, --ops >= 0, --mean-ms > 0, --grid >= 0, "
                    "--cancel in [0, 1]\n");
    return 2;
  }

  Hold h = { .mean_ns = mean_ms * 1e6, .grid = grid, .cancel = cancel,
             .remaining = (uint64_t)ops, .order_ok = TRUE };
  sim_rng_seed(&h.rng, (uint64_t)seed);
  h.ndecoys = (size_t)MAX(1, n / 4);
  h.decoys = g_new0(SimEventId, h.ndecoys);

  SimSched *s = sim_sched_new();
  double t0 = bench_now_s();
  for (gint64 i = 0; i < n; i++)
    sim_sched_at(s, draw_delay(&h), hold_fire, &h);
  double t1 = bench_now_s();
  sim_sched_run(s, SIM_TIME_MAX);
  double t2 = bench_now_s();

  const SimSchedStats *st = sim_sched_stats(s);
  double hold_s = t2 - t1;
  printf("struct=ladder n=%" G_GINT64_FORMAT " ops=%" G_GINT64_FORMAT " seed=%" G_GINT64_FORMAT
         " grid=%" G_GINT64_FORMAT " cancel=%g fill_s=%.4f hold_s=%.4f events_per_sec=%.0f"
         " ns_per_op=%.2f peak_rss_kb=%ld fired=%" G_GUINT64_FORMAT " cancelled=%"
         G_GUINT64_FORMAT " peak_pending=%" G_GUINT64_FORMAT " rungs=%" G_GUINT64_FORMAT
         " order_ok=%d checksum=%016" G_GINT64_MODIFIER "x\n",
         n, ops, seed, grid, cancel, t1 - t0, hold_s, ops > 0 ? (double)ops / hold_s : 0.0,
         ops > 0 ? hold_s * 1e9 / (double)ops : 0.0, bench_peak_rss_kb(), st->fired,
         st->cancelled, st->peak_pending, st->rungs_spawned, h.order_ok, h.checksum);
  sim_sched_free(s);
  g_free(h.decoys);
  return h.order_ok ? 0 : 1;
}
