/* Tests for models/link.c: each impairment on its own (delay, jitter with and without
 * reordering, serialization, drop-tail, Bernoulli and Gilbert-Elliott loss, duplication,
 * hold-back, MSL expiry), then all at once for the counters, the random streams, and
 * parameter validation. Every test is a small complete run: segments are sent from
 * scheduled events, a recorder plays the receiver, and teardown requires the pool and
 * the event list to be empty. */
#include "test_util.h"
#include "link.h"
#include "sim_dist.h"
#include "sim_error.h"

#include <math.h>

/* ---- a recorder: the receiver at the far end of a link -------------------------- */

typedef struct {
  SimTime at;       /* arrival time */
  Segment seg;      /* the fields as delivered */
} Arrival;

typedef struct {
  Net *net;
  GArray *arrivals;     /* Arrival, in arrival order */
  unsigned dirty_next;  /* segments delivered with `next` still set */
} Recorder;

static void
record_arrival(void *ctx, Segment *seg)
{
  Recorder *rec = ctx;
  Arrival a = { net_now(rec->net), *seg };
  if (seg->next != NULL)
    rec->dirty_next++;
  g_array_append_val(rec->arrivals, a);
  seg_free(&rec->net->segs, seg);
}

static void
recorder_init(Recorder *rec, Net *net)
{
  rec->net = net;
  rec->arrivals = g_array_new(FALSE, FALSE, sizeof(Arrival));
  rec->dirty_next = 0;
}

static void
recorder_clear(Recorder *rec)
{
  CU_ASSERT_EQUAL(rec->dirty_next, 0);
  g_array_free(rec->arrivals, TRUE);
}

static NetRx
recorder_rx(Recorder *rec)
{
  return (NetRx){ record_arrival, rec };
}

static const Arrival *
arrival(const Recorder *rec, guint i)
{
  return &g_array_index(rec->arrivals, Arrival, i);
}

/* ---- a rig: scheduler, world, one link and its recorder ------------------------- */

typedef struct {
  SimSched *sched;
  Net *net;
  LinkParams p;
  Link *link;
  Recorder rec;
  GPtrArray *dists;     /* distributions the params point at, freed at the end */
} Rig;

static void
rig_init(Rig *r, uint64_t seed)
{
  r->sched = sim_sched_new();
  r->net = net_new(r->sched, NULL, &(SimRngStreamId){ seed, 0, 0, 0 });
  link_params_init(&r->p);
  r->link = NULL;
  recorder_init(&r->rec, r->net);
  r->dists = g_ptr_array_new_with_free_func((GDestroyNotify)sim_dist_free);
}

/* A duration distribution, owned by the rig. */
static SimDist *
rig_dist(Rig *r, const char *text)
{
  GError *err = NULL;
  SimDist *d = sim_dist_parse(text, SIM_DIST_DURATION, NULL, &err);
  g_assert_no_error(err);
  g_ptr_array_add(r->dists, d);
  return d;
}

/* Builds the link once r->p is filled in. */
static void
rig_link(Rig *r, uint64_t component)
{
  GError *err = NULL;
  CU_ASSERT_TRUE(link_params_validate(&r->p, &err));
  g_assert_no_error(err);
  r->link = link_new(r->net, &r->p, recorder_rx(&r->rec), component);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r->link);
}

static void
rig_run(Rig *r)
{
  CU_ASSERT_EQUAL(sim_sched_run(r->sched, SIM_TIME_MAX), SIM_RUN_EMPTY);
}

/* Teardown: nothing may be left in flight, in the pool or in the event list. */
static void
rig_clear(Rig *r)
{
  CU_ASSERT_EQUAL(sim_sched_stats(r->sched)->pending, 0);
  CU_ASSERT_EQUAL(r->net->segs.live, 0);
  if (r->link != NULL)
    CU_ASSERT_EQUAL(link_in_flight(r->link), 0);
  link_free(r->link);
  recorder_clear(&r->rec);
  net_free(r->net);
  sim_sched_free(r->sched);
  g_ptr_array_free(r->dists, TRUE);
}

/* A segment with recognisable fields; birth is now, as a sender would set it. No MSS
 * option, so its wire size is 40 + @len. */
static Segment *
make_seg(Net *net, uint32_t seq, uint32_t len)
{
  Segment *s = seg_new(&net->segs);
  s->src = 0x0a000001u;
  s->dst = 0x0a000002u;
  s->sport = (uint16_t)(40000u + seq % 1000u);
  s->dport = 80;
  s->seq = seq;
  s->ack = seq * 3u + 1u;
  s->wnd = 65535u - seq % 100u;
  s->len = len;
  s->flags = (uint8_t)(TCP_ACK | (seq % 3u == 0 ? TCP_PSH : 0));
  s->incarnation = 1000u + seq;
  s->birth = net_now(net);
  return s;
}

/* ---- a pacer: sends @per_tick segments every @gap until @left is used up --------- */

typedef struct {
  Net *net;
  Link *link;
  uint32_t next_seq;
  uint32_t left;
  uint32_t per_tick;
  SimTime gap;
  uint32_t len;           /* payload of every segment, unless len_of is set */
  uint32_t (*len_of)(uint32_t seq);
} Pacer;

static void
pacer_fire(SimSched *s, void *ctx)
{
  Pacer *pc = ctx;
  for (uint32_t i = 0; i < pc->per_tick && pc->left > 0; i++, pc->left--) {
    uint32_t seq = pc->next_seq++;
    uint32_t len = pc->len_of ? pc->len_of(seq) : pc->len;
    link_send(pc->link, make_seg(pc->net, seq, len));
  }
  if (pc->left > 0)
    sim_sched_after(s, pc->gap, pacer_fire, pc);
}

/* Starts @pc at @when. */
static void
pacer_start(Pacer *pc, SimSched *s, SimTime when)
{
  sim_sched_at(s, when, pacer_fire, pc);
}

/* A burst of @count segments of @len bytes numbered from @first, sent at @when. */
static Pacer
burst(Rig *r, uint32_t first, uint32_t count, uint32_t len)
{
  return (Pacer){ r->net, r->link, first, count, count, 0, len, NULL };
}

/* One segment every @gap. */
static Pacer
paced(Rig *r, uint32_t count, SimTime gap, uint32_t len)
{
  return (Pacer){ r->net, r->link, 0, count, 1, gap, len, NULL };
}

/* |x - want| <= 5 standard errors, reported with the numbers when it fails. */
static void
assert_within_5se(const char *what, double x, double want, double se)
{
  if (fabs(x - want) > 5.0 * se) {
    fprintf(stderr, "\n  %s: %.6g, expected %.6g +/- %.3g (5 SE)\n", what, x, want,
            5.0 * se);
    CU_FAIL("statistic outside 5 standard errors");
  }
}

/* ---- delay and jitter ----------------------------------------------------------- */

static void
perfect_link_delivers_after_exactly_the_delay_in_order(void)
{
  Rig r;
  rig_init(&r, 1);
  /* link_params_init gives a perfect link with no delay */
  CU_ASSERT_EQUAL(r.p.delay, 0);
  CU_ASSERT_FALSE(r.p.reorder);
  CU_ASSERT_PTR_NULL(r.p.jitter);
  CU_ASSERT_EQUAL(r.p.loss, 0.0);
  CU_ASSERT_EQUAL(r.p.rate_bps, 0);
  r.p.delay = 7 * SIM_MS + 3;
  rig_link(&r, 1);
  CU_ASSERT_PTR_EQUAL(link_params(r.link), &r.p);
  /* three per tick, ticks 1.5 ms apart (closer than the delay: several in flight) */
  Pacer pc = paced(&r, 300, 1500 * SIM_US, 100);
  pc.per_tick = 3;
  pacer_start(&pc, r.sched, 2 * SIM_MS);
  rig_run(&r);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, 300);
  uint64_t bytes = 0;
  for (guint i = 0; i < 300; i++) {
    const Arrival *a = arrival(&r.rec, i);
    CU_ASSERT_EQUAL(a->seg.seq, i);
    CU_ASSERT_EQUAL(a->seg.birth, 2 * SIM_MS + (SimTime)(i / 3) * 1500 * SIM_US);
    CU_ASSERT_EQUAL(a->at, a->seg.birth + r.p.delay);
    CU_ASSERT_EQUAL(a->seg.dup, 0);
    bytes += seg_wire_bytes(&a->seg);
  }
  const LinkStats *st = link_stats(r.link);
  CU_ASSERT_EQUAL(st->sent, 300);
  CU_ASSERT_EQUAL(st->delivered, 300);
  CU_ASSERT_EQUAL(st->bytes_delivered, bytes);
  CU_ASSERT_EQUAL(st->lost + st->duplicated + st->held + st->queue_drops + st->expired, 0);
  rig_clear(&r);
}

/* Segments 100 us apart with exp(1 ms) jitter: without the in-order rule, about 45% of
 * neighbours would swap. */
static void
send_dense_jittered(Rig *r, gboolean reorder, Pacer *pc)
{
  r->p.delay = 5 * SIM_MS;
  r->p.jitter = rig_dist(r, "exp(1ms)");
  r->p.reorder = reorder;
  rig_link(r, 2);
  *pc = paced(r, 10000, 100 * SIM_US, 500);
  pacer_start(pc, r->sched, 0);
  rig_run(r);
}

static void
in_order_link_never_reorders_under_jitter(void)
{
  Rig r;
  rig_init(&r, 2);
  Pacer pc;
  send_dense_jittered(&r, FALSE, &pc);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, 10000);
  guint pushed = 0;
  for (guint i = 0; i < 10000; i++) {
    const Arrival *a = arrival(&r.rec, i);
    CU_ASSERT_EQUAL(a->seg.seq, i);
    CU_ASSERT(a->at >= a->seg.birth + r.p.delay);
    if (i > 0) {
      CU_ASSERT(a->at >= arrival(&r.rec, i - 1)->at);
      pushed += a->at == arrival(&r.rec, i - 1)->at;
    }
  }
  /* the rule was exercised: many segments were pushed onto their predecessor's time */
  CU_ASSERT(pushed > 1000);
  rig_clear(&r);
}

static void
reordering_link_lets_jitter_swap_segments(void)
{
  Rig r;
  rig_init(&r, 2);
  Pacer pc;
  send_dense_jittered(&r, TRUE, &pc);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, 10000);
  guint swaps = 0;
  for (guint i = 1; i < 10000; i++) {
    const Arrival *a = arrival(&r.rec, i);
    CU_ASSERT(a->at >= arrival(&r.rec, i - 1)->at);   /* the clock never goes back */
    CU_ASSERT(a->at >= a->seg.birth + r.p.delay);
    swaps += a->seg.seq < arrival(&r.rec, i - 1)->seg.seq;
  }
  CU_ASSERT(swaps > 1000);
  rig_clear(&r);
}

static void
jitter_adds_its_mean_to_the_delay(void)
{
  Rig r;
  rig_init(&r, 3);
  r.p.delay = 10 * SIM_MS;
  r.p.jitter = rig_dist(&r, "exp(1ms)");
  rig_link(&r, 3);
  /* 20 ms apart: exp(1 ms) pushes a segment onto the next one with probability e^-20,
   * so the in-order rule does not bias the mean */
  enum { N = 20000 };
  Pacer pc = paced(&r, N, 20 * SIM_MS, 100);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, N);
  double sum = 0;
  SimTime min_extra = SIM_TIME_MAX;
  for (guint i = 0; i < N; i++) {
    const Arrival *a = arrival(&r.rec, i);
    SimTime extra = a->at - a->seg.birth - r.p.delay;
    min_extra = MIN(min_extra, extra);
    sum += (double)extra;
  }
  CU_ASSERT(min_extra >= 0);
  /* exp(1 ms) has standard deviation 1 ms */
  assert_within_5se("mean jitter (ns)", sum / N, 1e6, 1e6 / sqrt(N));
  rig_clear(&r);
}

/* ---- bandwidth and the drop-tail queue ------------------------------------------ */

/* 1000 payload bytes + 40 header bytes at 1 Mbit/s */
#define TX_1000_AT_1MBPS (1040 * 8 * SIM_US)

static void
serialization_spaces_back_to_back_segments_by_wire_time(void)
{
  Rig r;
  rig_init(&r, 4);
  r.p.delay = 5 * SIM_MS;
  r.p.rate_bps = 1000000;
  rig_link(&r, 4);
  Pacer pc = burst(&r, 0, 10, 1000);
  pacer_start(&pc, r.sched, SIM_S);
  rig_run(&r);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, 10);
  for (guint i = 0; i < 10; i++) {
    const Arrival *a = arrival(&r.rec, i);
    CU_ASSERT_EQUAL(a->seg.seq, i);
    CU_ASSERT_EQUAL(a->at, SIM_S + r.p.delay + (SimTime)(i + 1) * TX_1000_AT_1MBPS);
  }
  CU_ASSERT_EQUAL(link_stats(r.link)->bytes_delivered, 10 * 1040);
  rig_clear(&r);
}

static void
serialization_time_is_rounded_up_to_the_ns(void)
{
  Rig r;
  rig_init(&r, 5);
  r.p.delay = SIM_MS;
  r.p.rate_bps = 7000000;   /* 8320 bits take 1188571.43 ns */
  rig_link(&r, 5);
  Pacer pc = burst(&r, 0, 3, 1000);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, 3);
  for (guint i = 0; i < 3; i++)
    CU_ASSERT_EQUAL(arrival(&r.rec, i)->at, SIM_MS + (SimTime)(i + 1) * 1188572);
  rig_clear(&r);
}

static void
drop_tail_limits_waiting_segments_by_count(void)
{
  Rig r;
  rig_init(&r, 6);
  r.p.delay = SIM_MS;
  r.p.rate_bps = 1000000;
  r.p.queue_packets = 5;
  rig_link(&r, 6);
  /* the first goes straight onto the wire, five wait, fourteen find the queue full */
  Pacer pc = burst(&r, 0, 20, 1000);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  const LinkStats *st = link_stats(r.link);
  CU_ASSERT_EQUAL(st->sent, 20);
  CU_ASSERT_EQUAL(st->queue_drops, 14);
  CU_ASSERT_EQUAL(st->delivered, 6);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, 6);
  for (guint i = 0; i < 6; i++) {
    CU_ASSERT_EQUAL(arrival(&r.rec, i)->seg.seq, i);
    CU_ASSERT_EQUAL(arrival(&r.rec, i)->at, SIM_MS + (SimTime)(i + 1) * TX_1000_AT_1MBPS);
  }
  rig_clear(&r);
}

/* Sends one segment of a given payload when it fires: probes the queue's byte count. */
typedef struct {
  Net *net;
  Link *link;
  uint32_t seq, len;
} OneShot;

static void
one_shot_fire(SimSched *s, void *ctx)
{
  (void)s;
  OneShot *o = ctx;
  link_send(o->link, make_seg(o->net, o->seq, o->len));
}

static void
drop_tail_limits_waiting_bytes(void)
{
  Rig r;
  rig_init(&r, 7);
  r.p.delay = SIM_MS;
  r.p.rate_bps = 1000000;
  r.p.queue_bytes = 3 * 1040 + 500;
  rig_link(&r, 7);
  /* one on the wire, three waiting (3120 bytes), sixteen do not fit */
  Pacer pc = burst(&r, 0, 20, 1000);
  pacer_start(&pc, r.sched, 0);
  /* then, at the same instant: a bare ACK (40 bytes) fits, 500 more would not, 460
   * fills the limit exactly and is accepted */
  OneShot probes[3] = {
    { r.net, r.link, 20, 0 },
    { r.net, r.link, 21, 460 },
    { r.net, r.link, 22, 420 },
  };
  for (int i = 0; i < 3; i++)
    sim_sched_at(r.sched, 0, one_shot_fire, &probes[i]);
  rig_run(&r);
  const LinkStats *st = link_stats(r.link);
  CU_ASSERT_EQUAL(st->sent, 23);
  CU_ASSERT_EQUAL(st->queue_drops, 17);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, 6);
  const uint32_t want[6] = { 0, 1, 2, 3, 20, 22 };
  for (guint i = 0; i < 6; i++)
    CU_ASSERT_EQUAL(arrival(&r.rec, i)->seg.seq, want[i]);
  rig_clear(&r);
}

static void
segment_larger_than_the_queue_passes_an_idle_link(void)
{
  Rig r;
  rig_init(&r, 18);
  r.p.rate_bps = 1000000;
  r.p.queue_bytes = 500;
  r.p.queue_packets = 1;
  rig_link(&r, 18);
  /* the first finds the transmitter idle and never waits; the second (1040 bytes)
   * cannot wait in a 500-byte queue; the third (140 bytes) can */
  Pacer pc = burst(&r, 0, 2, 1000);
  pacer_start(&pc, r.sched, 0);
  OneShot small = { r.net, r.link, 2, 100 };
  sim_sched_at(r.sched, 0, one_shot_fire, &small);
  rig_run(&r);
  CU_ASSERT_EQUAL(link_stats(r.link)->queue_drops, 1);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, 2);
  CU_ASSERT_EQUAL(arrival(&r.rec, 0)->seg.seq, 0);
  CU_ASSERT_EQUAL(arrival(&r.rec, 0)->at, TX_1000_AT_1MBPS);
  CU_ASSERT_EQUAL(arrival(&r.rec, 1)->seg.seq, 2);
  CU_ASSERT_EQUAL(arrival(&r.rec, 1)->at, TX_1000_AT_1MBPS + 140 * 8 * SIM_US);
  rig_clear(&r);
}

static void
queue_drains_lazily_and_accepts_again(void)
{
  Rig r;
  rig_init(&r, 8);
  r.p.delay = SIM_MS;
  r.p.rate_bps = 1000000;
  r.p.queue_packets = 2;
  rig_link(&r, 8);
  /* t=0: 0 transmits, 1 and 2 wait, 3 and 4 are dropped */
  Pacer first = burst(&r, 0, 5, 1000);
  pacer_start(&first, r.sched, 0);
  /* when 1 starts transmitting it leaves the queue: one place is free again */
  Pacer second = burst(&r, 10, 3, 1000);
  pacer_start(&second, r.sched, TX_1000_AT_1MBPS);
  /* long after everything left, the queue is empty and the link idle */
  Pacer third = burst(&r, 20, 5, 1000);
  pacer_start(&third, r.sched, SIM_S);
  CU_ASSERT_EQUAL(sim_sched_stats(r.sched)->pending, 3);
  rig_run(&r);
  const LinkStats *st = link_stats(r.link);
  CU_ASSERT_EQUAL(st->sent, 13);
  CU_ASSERT_EQUAL(st->queue_drops, 6);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, 7);
  const uint32_t want_seq[7] = { 0, 1, 2, 10, 20, 21, 22 };
  const SimTime want_at[7] = {
    SIM_MS + 1 * TX_1000_AT_1MBPS, SIM_MS + 2 * TX_1000_AT_1MBPS,
    SIM_MS + 3 * TX_1000_AT_1MBPS, SIM_MS + 4 * TX_1000_AT_1MBPS,
    SIM_S + SIM_MS + 1 * TX_1000_AT_1MBPS, SIM_S + SIM_MS + 2 * TX_1000_AT_1MBPS,
    SIM_S + SIM_MS + 3 * TX_1000_AT_1MBPS,
  };
  for (guint i = 0; i < 7; i++) {
    CU_ASSERT_EQUAL(arrival(&r.rec, i)->seg.seq, want_seq[i]);
    CU_ASSERT_EQUAL(arrival(&r.rec, i)->at, want_at[i]);
  }
  rig_clear(&r);
}

/* ---- loss ----------------------------------------------------------------------- */

/* Sends @n segments numbered 0..n-1 at time 0 and returns which arrived (owned). */
static gboolean *
send_and_mark_received(Rig *r, uint32_t n)
{
  Pacer pc = burst(r, 0, n, 100);
  pacer_start(&pc, r->sched, 0);
  rig_run(r);
  gboolean *got = g_new0(gboolean, n);
  for (guint i = 0; i < r->rec.arrivals->len; i++) {
    const Arrival *a = arrival(&r->rec, i);
    g_assert(a->seg.seq < n);
    got[a->seg.seq] = TRUE;
  }
  return got;
}

static void
bernoulli_loss_rate_matches_p(void)
{
  Rig r;
  rig_init(&r, 9);
  r.p.delay = SIM_MS;
  r.p.loss = 0.1;
  rig_link(&r, 9);
  enum { N = 100000 };
  g_autofree gboolean *got = send_and_mark_received(&r, N);
  const LinkStats *st = link_stats(r.link);
  CU_ASSERT_EQUAL(st->lost + st->delivered, N);
  uint64_t missing = 0;
  for (guint i = 0; i < N; i++)
    missing += !got[i];
  CU_ASSERT_EQUAL(missing, st->lost);
  assert_within_5se("Bernoulli loss rate", (double)st->lost / N, 0.1, sqrt(0.1 * 0.9 / N));
  rig_clear(&r);
}

static void
gilbert_elliott_loss_rate_is_the_stationary_mix(void)
{
  Rig r;
  rig_init(&r, 10);
  r.p.delay = SIM_MS;
  r.p.gilbert = TRUE;
  r.p.loss = 0.9;   /* ignored when gilbert is TRUE */
  r.p.p_gb = 0.05;
  r.p.p_bg = 0.2;
  r.p.loss_good = 0.02;
  r.p.loss_bad = 0.3;
  rig_link(&r, 10);
  enum { N = 200000 };
  g_autofree gboolean *got = send_and_mark_received(&r, N);
  const LinkStats *st = link_stats(r.link);
  CU_ASSERT_EQUAL(st->lost + st->delivered, N);
  const double pi_bad = r.p.p_gb / (r.p.p_gb + r.p.p_bg);
  const double want = pi_bad * r.p.loss_bad + (1 - pi_bad) * r.p.loss_good;
  /* Losses are correlated through the state, whose autocorrelation at lag k is
   * rho^k with rho = 1 - p_gb - p_bg, so the variance per segment is
   * m(1-m) + 2 (loss_bad - loss_good)^2 pi(1-pi) rho / (1 - rho). */
  const double rho = 1 - r.p.p_gb - r.p.p_bg;
  const double dl = r.p.loss_bad - r.p.loss_good;
  const double var =
    want * (1 - want) + 2 * dl * dl * pi_bad * (1 - pi_bad) * rho / (1 - rho);
  assert_within_5se("Gilbert-Elliott loss rate", (double)st->lost / N, want, sqrt(var / N));
  rig_clear(&r);
}

static void
gilbert_elliott_losses_come_in_bursts(void)
{
  Rig r;
  rig_init(&r, 11);
  r.p.gilbert = TRUE;
  r.p.p_gb = 0.01;
  r.p.p_bg = 0.2;
  r.p.loss_good = 0.0;
  r.p.loss_bad = 1.0;
  rig_link(&r, 11);
  enum { N = 200000 };
  g_autofree gboolean *got = send_and_mark_received(&r, N);
  /* every segment sent in the bad state is lost, and only those: a run of losses is a
   * stay in the bad state, geometric with mean 1/p_bg (a Bernoulli loss of the same
   * rate would give runs of mean about 1.05) */
  uint64_t runs = 0, lost = 0;
  for (guint i = 0; i < N; i++) {
    if (!got[i]) {
      lost++;
      runs += i == 0 || got[i - 1];
    }
  }
  CU_ASSERT_EQUAL(lost, link_stats(r.link)->lost);
  CU_ASSERT_FATAL(runs > 1000);
  const double sd = sqrt(1 - r.p.p_bg) / r.p.p_bg;
  assert_within_5se("mean loss run", (double)lost / (double)runs, 1 / r.p.p_bg,
                    sd / sqrt((double)runs));
  rig_clear(&r);
}

/* ---- duplication and hold-back -------------------------------------------------- */

static gboolean
same_fields_but_dup(const Segment *a, const Segment *b)
{
  return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
         a->dport == b->dport && a->seq == b->seq && a->ack == b->ack && a->wnd == b->wnd &&
         a->len == b->len && a->mss == b->mss && a->flags == b->flags &&
         a->incarnation == b->incarnation && a->birth == b->birth;
}

static void
duplicate_is_marked_and_otherwise_identical(void)
{
  Rig r;
  rig_init(&r, 12);
  r.p.delay = 3 * SIM_MS;
  r.p.dup = 0.2;
  rig_link(&r, 12);
  enum { N = 100000 };
  Pacer pc = paced(&r, N, 10 * SIM_US, 0);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  const LinkStats *st = link_stats(r.link);
  CU_ASSERT_EQUAL(st->delivered, N + st->duplicated);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, N + st->duplicated);
  /* with no jitter a copy arrives with its original, right after it */
  guint copies = 0;
  for (guint i = 0; i < r.rec.arrivals->len; i++) {
    const Arrival *a = arrival(&r.rec, i);
    if (!a->seg.dup)
      continue;
    copies++;
    CU_ASSERT_FATAL(i > 0);
    const Arrival *orig = arrival(&r.rec, i - 1);
    CU_ASSERT_EQUAL(orig->seg.dup, 0);
    CU_ASSERT_TRUE(same_fields_but_dup(&a->seg, &orig->seg));
    CU_ASSERT_EQUAL(a->at, orig->at);
  }
  CU_ASSERT_EQUAL(copies, st->duplicated);
  assert_within_5se("duplication rate", (double)copies / N, 0.2, sqrt(0.2 * 0.8 / N));
  rig_clear(&r);
}

static void
duplicate_takes_its_own_jitter(void)
{
  Rig r;
  rig_init(&r, 13);
  r.p.delay = 3 * SIM_MS;
  r.p.dup = 1.0;
  r.p.jitter = rig_dist(&r, "uniform(0s, 10ms)");
  r.p.reorder = TRUE;
  rig_link(&r, 13);
  enum { N = 1000 };
  Pacer pc = paced(&r, N, SIM_S, 0);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, 2 * N);
  /* sends 1 s apart: each pair arrives within 10 ms of its sending, in some order, and
   * the copy's jitter is a draw of its own: uniform(0, 10ms) with mean 5 ms */
  guint differ = 0;
  double copy_extra = 0;
  for (guint i = 0; i < 2 * N; i += 2) {
    const Arrival *a = arrival(&r.rec, i), *b = arrival(&r.rec, i + 1);
    CU_ASSERT_EQUAL(a->seg.seq, b->seg.seq);
    CU_ASSERT_EQUAL(a->seg.dup + b->seg.dup, 1);
    differ += a->at != b->at;
    const Arrival *copy = a->seg.dup ? a : b;
    copy_extra += (double)(copy->at - copy->seg.birth - r.p.delay);
  }
  CU_ASSERT(differ > N * 9 / 10);
  assert_within_5se("mean jitter of copies (ns)", copy_extra / N, 5e6, 1e7 / sqrt(12.0 * N));
  rig_clear(&r);
}

static void
held_segments_arrive_late_and_do_not_block_others(void)
{
  Rig r;
  rig_init(&r, 14);
  r.p.delay = 10 * SIM_MS;
  r.p.hold = 0.1;
  r.p.hold_time = rig_dist(&r, "const(100ms)");
  r.p.reorder = FALSE;
  rig_link(&r, 14);
  enum { N = 20000 };
  Pacer pc = paced(&r, N, SIM_MS, 100);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, N);
  /* each segment is either on time or exactly hold_time late: a held segment blocking
   * the link would make the hundred sent behind it late by odd amounts */
  guint late = 0, odd = 0, overtaken = 0;
  for (guint i = 0; i < N; i++) {
    const Arrival *a = arrival(&r.rec, i);
    SimTime extra = a->at - a->seg.birth - r.p.delay;
    late += extra == 100 * SIM_MS;
    odd += extra != 0 && extra != 100 * SIM_MS;
    if (i > 0)
      overtaken += a->seg.seq < arrival(&r.rec, i - 1)->seg.seq;
  }
  CU_ASSERT_EQUAL(odd, 0);
  CU_ASSERT_EQUAL(late, link_stats(r.link)->held);
  CU_ASSERT(overtaken > 0);
  assert_within_5se("held fraction", (double)late / N, 0.1, sqrt(0.1 * 0.9 / N));
  rig_clear(&r);
}

/* ---- the maximum segment lifetime ----------------------------------------------- */

static void
segments_older_than_msl_expire_on_arrival(void)
{
  /* 10 ms on a link whose lifetime is 5 ms: nothing gets through */
  Rig r;
  rig_init(&r, 15);
  r.p.delay = 10 * SIM_MS;
  r.p.msl = 5 * SIM_MS;
  rig_link(&r, 15);
  Pacer pc = burst(&r, 0, 100, 100);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  CU_ASSERT_EQUAL(r.rec.arrivals->len, 0);
  CU_ASSERT_EQUAL(link_stats(r.link)->expired, 100);
  CU_ASSERT_EQUAL(link_stats(r.link)->delivered, 0);
  rig_clear(&r);

  /* exactly MSL old is not older than the MSL */
  rig_init(&r, 15);
  r.p.delay = 5 * SIM_MS;
  r.p.msl = 5 * SIM_MS;
  rig_link(&r, 15);
  pc = burst(&r, 0, 100, 100);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  CU_ASSERT_EQUAL(r.rec.arrivals->len, 100);
  CU_ASSERT_EQUAL(link_stats(r.link)->expired, 0);
  rig_clear(&r);
}

static void
held_segments_past_msl_expire_while_others_arrive(void)
{
  Rig r;
  rig_init(&r, 16);
  r.p.delay = 10 * SIM_MS;
  r.p.msl = SIM_S;
  r.p.hold = 0.3;
  r.p.hold_time = rig_dist(&r, "const(2s)");
  rig_link(&r, 16);
  enum { N = 10000 };
  Pacer pc = paced(&r, N, SIM_MS, 100);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  const LinkStats *st = link_stats(r.link);
  CU_ASSERT(st->held > N / 5);
  CU_ASSERT_EQUAL(st->expired, st->held);
  CU_ASSERT_EQUAL(st->delivered, N - st->held);
  CU_ASSERT_EQUAL_FATAL(r.rec.arrivals->len, st->delivered);
  for (guint i = 0; i < r.rec.arrivals->len; i++) {
    const Arrival *a = arrival(&r.rec, i);
    CU_ASSERT_EQUAL(a->at - a->seg.birth, r.p.delay);
  }
  rig_clear(&r);
}

/* ---- everything at once: counters and events ------------------------------------ */

static uint32_t
varied_len(uint32_t seq)
{
  return (seq * 37u) % 1461u;
}

/* Checks, while the run goes on, that every segment in flight is exactly one pending
 * event: the link keeps no event of its own. */
typedef struct {
  Link *link;
  Pacer *pacer;
  guint checks, mismatches;
} Probe;

static void
probe_fire(SimSched *s, void *ctx)
{
  Probe *pr = ctx;
  uint64_t pending = sim_sched_stats(s)->pending;
  uint64_t others = pr->pacer->left > 0 ? 1 : 0;
  pr->checks++;
  pr->mismatches += link_in_flight(pr->link) != pending - others;
  /* stops when nothing else is pending, whatever the link reports */
  if (pending > 0)
    sim_sched_after(s, 7 * SIM_MS, probe_fire, pr);
}

static void
counters_add_up_with_every_impairment_on(void)
{
  Rig r;
  rig_init(&r, 17);
  r.p.delay = 2 * SIM_MS;
  r.p.jitter = rig_dist(&r, "exp(1ms)");
  r.p.reorder = TRUE;
  r.p.loss = 0.05;
  r.p.dup = 0.05;
  r.p.hold = 0.05;
  r.p.hold_time = rig_dist(&r, "uniform(0s, 3s)");
  r.p.msl = SIM_S;
  r.p.rate_bps = 10000000;
  r.p.queue_packets = 20;
  r.p.queue_bytes = 20000;
  rig_link(&r, 17);
  enum { N = 20000 };
  /* bursts of 50 every 30 ms overflow the 20-segment queue, and the link carries about
   * what is offered, so the queue is rarely empty when a burst comes */
  Pacer pc = { r.net, r.link, 0, N, 50, 30 * SIM_MS, 0, varied_len };
  pacer_start(&pc, r.sched, 0);
  Probe pr = { r.link, &pc, 0, 0 };
  sim_sched_at(r.sched, 1, probe_fire, &pr);
  rig_run(&r);
  CU_ASSERT(pr.checks > 100);
  CU_ASSERT_EQUAL(pr.mismatches, 0);
  const LinkStats *st = link_stats(r.link);
  CU_ASSERT_EQUAL(st->sent, N);
  /* every impairment happened */
  CU_ASSERT(st->lost > 0 && st->duplicated > 0 && st->held > 0 && st->queue_drops > 0 &&
            st->expired > 0);
  CU_ASSERT_EQUAL(st->sent, st->delivered - st->duplicated + st->lost + st->queue_drops +
                              st->expired);
  CU_ASSERT_EQUAL(link_in_flight(r.link), 0);
  CU_ASSERT_EQUAL(st->delivered, r.rec.arrivals->len);
  uint64_t bytes = 0;
  for (guint i = 0; i < r.rec.arrivals->len; i++)
    bytes += seg_wire_bytes(&arrival(&r.rec, i)->seg);
  CU_ASSERT_EQUAL(st->bytes_delivered, bytes);
  rig_clear(&r);
}

/* ---- random streams ------------------------------------------------------------- */

/* A lossy, jittery link of component @component under master seed @seed; @n segments
 * one every 100 us. Returns the arrivals as (seq, time) pairs, owned. */
static GArray *
lossy_run(uint64_t seed, uint64_t component, uint32_t n)
{
  Rig r;
  rig_init(&r, seed);
  r.p.delay = SIM_MS;
  r.p.jitter = rig_dist(&r, "exp(1ms)");
  r.p.reorder = TRUE;
  r.p.loss = 0.3;
  rig_link(&r, component);
  Pacer pc = paced(&r, n, 100 * SIM_US, 100);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  GArray *out = g_array_new(FALSE, FALSE, sizeof(SimTime));
  for (guint i = 0; i < r.rec.arrivals->len; i++) {
    SimTime pair[2] = { arrival(&r.rec, i)->seg.seq, arrival(&r.rec, i)->at };
    g_array_append_vals(out, pair, 2);
  }
  rig_clear(&r);
  return out;
}

static gboolean
same_outcome(const GArray *a, const GArray *b)
{
  return a->len == b->len && memcmp(a->data, b->data, a->len * sizeof(SimTime)) == 0;
}

static void
link_streams_are_deterministic_and_per_component(void)
{
  GArray *a = lossy_run(77, 3, 2000);
  GArray *again = lossy_run(77, 3, 2000);
  GArray *other_component = lossy_run(77, 4, 2000);
  GArray *other_seed = lossy_run(78, 3, 2000);
  CU_ASSERT(a->len / 2 > 1000);   /* (seq, time) pairs: most segments arrive */
  CU_ASSERT_TRUE(same_outcome(a, again));
  CU_ASSERT_FALSE(same_outcome(a, other_component));
  CU_ASSERT_FALSE(same_outcome(a, other_seed));
  g_array_free(a, TRUE);
  g_array_free(again, TRUE);
  g_array_free(other_component, TRUE);
  g_array_free(other_seed, TRUE);
}

static void
busy_neighbour_link_does_not_change_a_links_draws(void)
{
  GArray *alone = lossy_run(77, 3, 2000);
  /* the same link in a world where another link (component 9) carries interleaved
   * traffic drawn from the same master seed */
  Rig r;
  rig_init(&r, 77);
  r.p.delay = SIM_MS;
  r.p.jitter = rig_dist(&r, "exp(1ms)");
  r.p.reorder = TRUE;
  r.p.loss = 0.3;
  rig_link(&r, 3);
  Recorder other_rec;
  recorder_init(&other_rec, r.net);
  Link *other = link_new(r.net, &r.p, recorder_rx(&other_rec), 9);
  Pacer pc = paced(&r, 2000, 100 * SIM_US, 100);
  Pacer noise = paced(&r, 5000, 37 * SIM_US, 100);
  noise.link = other;
  pacer_start(&noise, r.sched, 0);
  pacer_start(&pc, r.sched, 0);
  rig_run(&r);
  GArray *shared = g_array_new(FALSE, FALSE, sizeof(SimTime));
  for (guint i = 0; i < r.rec.arrivals->len; i++) {
    SimTime pair[2] = { arrival(&r.rec, i)->seg.seq, arrival(&r.rec, i)->at };
    g_array_append_vals(shared, pair, 2);
  }
  CU_ASSERT_TRUE(same_outcome(alone, shared));
  CU_ASSERT(other_rec.arrivals->len > 0);
  CU_ASSERT_EQUAL(link_in_flight(other), 0);
  link_free(other);
  recorder_clear(&other_rec);
  rig_clear(&r);
  g_array_free(alone, TRUE);
  g_array_free(shared, TRUE);
}

/* ---- parameter validation ------------------------------------------------------- */

/* Validation of @p must fail with @code and a message containing @fragment. */
static void
assert_rejected(const LinkParams *p, SimErrorCode code, const char *fragment)
{
  GError *err = NULL;
  CU_ASSERT_FALSE(link_params_validate(p, &err));
  TEST_ASSERT_ERROR(err, code, fragment);
}

static void
params_validate_names_each_bad_field(void)
{
  LinkParams p;
  link_params_init(&p);
  GError *err = NULL;
  CU_ASSERT_TRUE(link_params_validate(&p, &err));
  g_assert_no_error(err);

#define PROBABILITY_FIELD(field)                                                      \
  do {                                                                               \
    link_params_init(&p);                                                            \
    p.field = 1.5;                                                                   \
    assert_rejected(&p, SIM_ERROR_RANGE, #field ": 1.5 is not a probability in [0, 1]"); \
    p.field = -0.25;                                                                 \
    assert_rejected(&p, SIM_ERROR_RANGE, #field ": -0.25 is not a probability");     \
    p.field = NAN;                                                                   \
    assert_rejected(&p, SIM_ERROR_RANGE, #field ": ");                               \
    p.field = 1.0;                                                                   \
    if (strcmp(#field, "hold") != 0)                                                 \
      CU_ASSERT_TRUE(link_params_validate(&p, NULL));                                \
  } while (0)
  PROBABILITY_FIELD(loss);
  PROBABILITY_FIELD(p_gb);
  PROBABILITY_FIELD(p_bg);
  PROBABILITY_FIELD(loss_good);
  PROBABILITY_FIELD(loss_bad);
  PROBABILITY_FIELD(dup);
  PROBABILITY_FIELD(hold);
#undef PROBABILITY_FIELD

  link_params_init(&p);
  p.delay = -SIM_MS;
  assert_rejected(&p, SIM_ERROR_RANGE, "delay: -1ms is negative");
  link_params_init(&p);
  p.msl = -2 * SIM_S;
  assert_rejected(&p, SIM_ERROR_RANGE, "msl: -2s is negative");
  link_params_init(&p);
  p.rate_bps = -1;
  assert_rejected(&p, SIM_ERROR_RANGE, "rate_bps: -1 is negative");
  link_params_init(&p);
  p.queue_bytes = -1500;
  assert_rejected(&p, SIM_ERROR_RANGE, "queue_bytes: -1500 is negative");
  link_params_init(&p);
  p.queue_packets = -3;
  assert_rejected(&p, SIM_ERROR_RANGE, "queue_packets: -3 is negative");

  link_params_init(&p);
  p.hold = 0.25;
  assert_rejected(&p, SIM_ERROR_INVALID, "hold: 0.25 needs hold_time");

  g_autoptr(SimDist) number = sim_dist_parse("exp(2)", SIM_DIST_NUMBER, NULL, &err);
  g_assert_no_error(err);
  g_autoptr(SimDist) duration = sim_dist_parse("exp(2ms)", SIM_DIST_DURATION, NULL, &err);
  g_assert_no_error(err);
  link_params_init(&p);
  p.jitter = number;
  assert_rejected(&p, SIM_ERROR_INVALID, "jitter: exp(2) is not a distribution of durations");
  link_params_init(&p);
  p.hold = 0.25;
  p.hold_time = number;
  assert_rejected(&p, SIM_ERROR_INVALID, "hold_time: exp(2) is not a distribution of");

  /* and everything in range at once is accepted */
  link_params_init(&p);
  p.delay = SIM_MS;
  p.jitter = duration;
  p.reorder = TRUE;
  p.gilbert = TRUE;
  p.p_gb = 0.0;
  p.p_bg = 1.0;
  p.loss_good = 0.01;
  p.loss_bad = 0.5;
  p.dup = 0.01;
  p.hold = 0.25;
  p.hold_time = duration;
  p.rate_bps = 1000000000;
  p.queue_bytes = 100000;
  p.queue_packets = 100;
  p.msl = 30 * SIM_S;
  CU_ASSERT_TRUE(link_params_validate(&p, &err));
  g_assert_no_error(err);
}

static void
link_new_refuses_invalid_params(void)
{
  SimSched *s = sim_sched_new();
  Net *net = net_new(s, NULL, &(SimRngStreamId){ 1, 0, 0, 0 });
  Recorder rec;
  recorder_init(&rec, net);
  LinkParams p;
  link_params_init(&p);
  p.hold = 0.5;   /* without hold_time */
  test_criticals_catch();
  CU_ASSERT_PTR_NULL(link_new(net, &p, recorder_rx(&rec), 1));
  CU_ASSERT_EQUAL(test_criticals_release(), 1);
  CU_ASSERT_EQUAL(net->segs.live, 0);
  CU_ASSERT_EQUAL(sim_sched_stats(s)->pending, 0);
  recorder_clear(&rec);
  net_free(net);
  sim_sched_free(s);
}

void test_link_register(void);
void
test_link_register(void)
{
  static const CU_TestInfo tests[] = {
    { "perfect_link_delivers_after_exactly_the_delay_in_order",
      perfect_link_delivers_after_exactly_the_delay_in_order },
    { "in_order_link_never_reorders_under_jitter", in_order_link_never_reorders_under_jitter },
    { "reordering_link_lets_jitter_swap_segments", reordering_link_lets_jitter_swap_segments },
    { "jitter_adds_its_mean_to_the_delay", jitter_adds_its_mean_to_the_delay },
    { "serialization_spaces_back_to_back_segments_by_wire_time",
      serialization_spaces_back_to_back_segments_by_wire_time },
    { "serialization_time_is_rounded_up_to_the_ns", serialization_time_is_rounded_up_to_the_ns },
    { "drop_tail_limits_waiting_segments_by_count", drop_tail_limits_waiting_segments_by_count },
    { "drop_tail_limits_waiting_bytes", drop_tail_limits_waiting_bytes },
    { "segment_larger_than_the_queue_passes_an_idle_link",
      segment_larger_than_the_queue_passes_an_idle_link },
    { "queue_drains_lazily_and_accepts_again", queue_drains_lazily_and_accepts_again },
    { "bernoulli_loss_rate_matches_p", bernoulli_loss_rate_matches_p },
    { "gilbert_elliott_loss_rate_is_the_stationary_mix",
      gilbert_elliott_loss_rate_is_the_stationary_mix },
    { "gilbert_elliott_losses_come_in_bursts", gilbert_elliott_losses_come_in_bursts },
    { "duplicate_is_marked_and_otherwise_identical",
      duplicate_is_marked_and_otherwise_identical },
    { "duplicate_takes_its_own_jitter", duplicate_takes_its_own_jitter },
    { "held_segments_arrive_late_and_do_not_block_others",
      held_segments_arrive_late_and_do_not_block_others },
    { "segments_older_than_msl_expire_on_arrival", segments_older_than_msl_expire_on_arrival },
    { "held_segments_past_msl_expire_while_others_arrive",
      held_segments_past_msl_expire_while_others_arrive },
    { "counters_add_up_with_every_impairment_on", counters_add_up_with_every_impairment_on },
    { "link_streams_are_deterministic_and_per_component",
      link_streams_are_deterministic_and_per_component },
    { "busy_neighbour_link_does_not_change_a_links_draws",
      busy_neighbour_link_does_not_change_a_links_draws },
    { "params_validate_names_each_bad_field", params_validate_names_each_bad_field },
    { "link_new_refuses_invalid_params", link_new_refuses_invalid_params },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("link", tests);
}
