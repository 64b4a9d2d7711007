/* Tests for core/sim_sched.c: order, ties, cancellation, run limits, timers, counters.
 * The central test drives the ladder queue and a plain sorted-array reference through
 * long random sequences of schedule / cancel / timer moves / pops with many ties, over
 * delay mixes that exercise every tier (top, rungs, bottom, spawning, bottom-to-rung),
 * and requires the two to agree event by event. */
#include "test_util.h"
#include "sim_rng.h"
#include "sim_sched.h"

/* ---- a recorder: callbacks append their id to a list ---------------------------- */

typedef struct {
  GArray *fired;    /* uint32 ids in firing order */
  GArray *times;    /* SimTime of each firing */
  SimSched *s;
} Rec;

typedef struct {
  Rec *rec;
  uint32_t id;
} Tag;

static void
record_fire(SimSched *s, void *ctx)
{
  Tag *t = ctx;
  SimTime now = sim_sched_now(s);
  g_array_append_val(t->rec->fired, t->id);
  g_array_append_val(t->rec->times, now);
}

static void
rec_init(Rec *r)
{
  r->fired = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  r->times = g_array_new(FALSE, FALSE, sizeof(SimTime));
  r->s = sim_sched_new();
}

static void
rec_clear(Rec *r)
{
  CU_ASSERT_EQUAL(sim_sched_stats(r->s)->pending, 0);
  sim_sched_free(r->s);
  g_array_free(r->fired, TRUE);
  g_array_free(r->times, TRUE);
}

static uint32_t
fired_id(const Rec *r, guint i)
{
  return g_array_index(r->fired, uint32_t, i);
}

/* ---- behaviour tests ------------------------------------------------------------ */

static void
equal_times_fire_in_scheduling_order(void)
{
  Rec r;
  rec_init(&r);
  enum { N = 5000 };
  static Tag tags[N];
  for (uint32_t i = 0; i < N; i++) {
    tags[i] = (Tag){ &r, i };
    /* three distinct times, interleaved: ties within each must keep order */
    sim_sched_at(r.s, (SimTime)(i % 3) * SIM_MS, record_fire, &tags[i]);
  }
  CU_ASSERT_EQUAL(sim_sched_run(r.s, SIM_TIME_MAX), SIM_RUN_EMPTY);
  CU_ASSERT_EQUAL_FATAL(r.fired->len, N);
  guint k = 0;
  for (uint32_t t = 0; t < 3; t++)
    for (uint32_t i = t; i < N; i += 3)
      CU_ASSERT_EQUAL(fired_id(&r, k++), i);
  rec_clear(&r);
}

static void
events_fire_in_time_order_with_clock_set(void)
{
  Rec r;
  rec_init(&r);
  static Tag tags[4];
  const SimTime at[4] = { 30 * SIM_MS, 10 * SIM_MS, 20 * SIM_MS, 10 * SIM_MS };
  for (uint32_t i = 0; i < 4; i++) {
    tags[i] = (Tag){ &r, i };
    sim_sched_at(r.s, at[i], record_fire, &tags[i]);
  }
  CU_ASSERT_EQUAL(sim_sched_next_time(r.s), 10 * SIM_MS);
  sim_sched_run(r.s, SIM_TIME_MAX);
  const uint32_t want[4] = { 1, 3, 2, 0 };
  for (guint i = 0; i < 4; i++) {
    CU_ASSERT_EQUAL(fired_id(&r, i), want[i]);
    CU_ASSERT_EQUAL(g_array_index(r.times, SimTime, i), at[want[i]]);
  }
  CU_ASSERT_EQUAL(sim_sched_now(r.s), 30 * SIM_MS);
  CU_ASSERT_EQUAL(sim_sched_next_time(r.s), SIM_TIME_NEVER);
  rec_clear(&r);
}

static void
cancel_prevents_firing_and_is_safe_on_stale_handles(void)
{
  Rec r;
  rec_init(&r);
  static Tag a, b;
  a = (Tag){ &r, 1 };
  b = (Tag){ &r, 2 };
  SimEventId ea = sim_sched_at(r.s, 5, record_fire, &a);
  SimEventId eb = sim_sched_at(r.s, 7, record_fire, &b);
  CU_ASSERT_TRUE(sim_sched_is_pending(r.s, ea));
  CU_ASSERT_TRUE(sim_sched_cancel(r.s, eb));
  CU_ASSERT_FALSE(sim_sched_is_pending(r.s, eb));
  CU_ASSERT_FALSE(sim_sched_cancel(r.s, eb));          /* cancelled twice */
  CU_ASSERT_FALSE(sim_sched_cancel(r.s, SIM_EVENT_NONE));
  CU_ASSERT_EQUAL(sim_sched_stats(r.s)->pending, 1);
  sim_sched_run(r.s, SIM_TIME_MAX);
  CU_ASSERT_EQUAL_FATAL(r.fired->len, 1);
  CU_ASSERT_EQUAL(fired_id(&r, 0), 1);
  CU_ASSERT_FALSE(sim_sched_is_pending(r.s, ea));
  CU_ASSERT_FALSE(sim_sched_cancel(r.s, ea));          /* already fired */
  CU_ASSERT_FALSE(sim_sched_cancel(r.s, eb));          /* cancelled, then passed */
  /* a handle from the future (never issued) is not pending and cannot be cancelled */
  SimEventId forged = { 100, 1000000 };
  CU_ASSERT_FALSE(sim_sched_is_pending(r.s, forged));
  CU_ASSERT_FALSE(sim_sched_cancel(r.s, forged));
  const SimSchedStats *st = sim_sched_stats(r.s);
  CU_ASSERT_EQUAL(st->scheduled, 2);
  CU_ASSERT_EQUAL(st->fired, 1);
  CU_ASSERT_EQUAL(st->cancelled, 1);
  CU_ASSERT_EQUAL(st->peak_pending, 2);
  rec_clear(&r);
}

static void
run_until_stops_at_the_limit_and_sets_the_clock(void)
{
  Rec r;
  rec_init(&r);
  static Tag tags[3];
  for (uint32_t i = 0; i < 3; i++) {
    tags[i] = (Tag){ &r, i };
    sim_sched_at(r.s, (SimTime)(i + 1) * SIM_S, record_fire, &tags[i]);
  }
  CU_ASSERT_EQUAL(sim_sched_run(r.s, 2 * SIM_S), SIM_RUN_TIME);
  CU_ASSERT_EQUAL(r.fired->len, 2);   /* the event at exactly the limit fires */
  CU_ASSERT_EQUAL(sim_sched_now(r.s), 2 * SIM_S);
  CU_ASSERT_EQUAL(sim_sched_run(r.s, 2500 * SIM_MS), SIM_RUN_TIME);
  CU_ASSERT_EQUAL(sim_sched_now(r.s), 2500 * SIM_MS);
  CU_ASSERT_EQUAL(r.fired->len, 2);
  /* relative scheduling counts from the advanced clock */
  static Tag late;
  late = (Tag){ &r, 9 };
  SimEventId e = sim_sched_after(r.s, 100 * SIM_MS, record_fire, &late);
  CU_ASSERT_EQUAL(e.time, 2600 * SIM_MS);
  CU_ASSERT_EQUAL(sim_sched_run(r.s, SIM_TIME_MAX), SIM_RUN_EMPTY);
  CU_ASSERT_EQUAL_FATAL(r.fired->len, 4);
  CU_ASSERT_EQUAL(fired_id(&r, 2), 9);
  CU_ASSERT_EQUAL(fired_id(&r, 3), 2);
  CU_ASSERT_EQUAL(sim_sched_now(r.s), 3 * SIM_S);   /* run to empty: the last event */
  /* a finite limit past the last event still moves the clock to the limit */
  CU_ASSERT_EQUAL(sim_sched_run(r.s, 5 * SIM_S), SIM_RUN_EMPTY);
  CU_ASSERT_EQUAL(sim_sched_now(r.s), 5 * SIM_S);
  rec_clear(&r);
}

static void
stop_fire(SimSched *s, void *ctx)
{
  record_fire(s, ctx);
  sim_sched_stop(s);
}

static void
stop_from_a_callback_ends_the_run_after_it(void)
{
  Rec r;
  rec_init(&r);
  static Tag tags[3];
  for (uint32_t i = 0; i < 3; i++)
    tags[i] = (Tag){ &r, i };
  sim_sched_at(r.s, 1, record_fire, &tags[0]);
  sim_sched_at(r.s, 2, stop_fire, &tags[1]);
  sim_sched_at(r.s, 3, record_fire, &tags[2]);
  CU_ASSERT_EQUAL(sim_sched_run(r.s, SIM_TIME_MAX), SIM_RUN_STOPPED);
  CU_ASSERT_EQUAL(r.fired->len, 2);
  CU_ASSERT_EQUAL(sim_sched_now(r.s), 2);
  CU_ASSERT_TRUE(sim_sched_step(r.s));
  CU_ASSERT_FALSE(sim_sched_step(r.s));
  CU_ASSERT_EQUAL(r.fired->len, 3);
  rec_clear(&r);
}

/* A callback that schedules a zero-delay follower: it must fire after every event
 * already pending at the same time (they were scheduled earlier). */
static void
chain_fire(SimSched *s, void *ctx)
{
  Tag *t = ctx;
  record_fire(s, ctx);
  static Tag follower;
  if (t->id == 0) {
    follower = (Tag){ t->rec, 100 };
    sim_sched_after(s, 0, record_fire, &follower);
  }
}

static void
zero_delay_event_fires_after_pending_ties(void)
{
  Rec r;
  rec_init(&r);
  static Tag tags[3];
  for (uint32_t i = 0; i < 3; i++) {
    tags[i] = (Tag){ &r, i };
    sim_sched_at(r.s, 50, chain_fire, &tags[i]);
  }
  sim_sched_run(r.s, SIM_TIME_MAX);
  CU_ASSERT_EQUAL_FATAL(r.fired->len, 4);
  CU_ASSERT_EQUAL(fired_id(&r, 3), 100);
  CU_ASSERT_EQUAL(g_array_index(r.times, SimTime, 3), 50);
  rec_clear(&r);
}

static void
scheduling_in_the_past_is_refused(void)
{
  Rec r;
  rec_init(&r);
  static Tag t;
  t = (Tag){ &r, 1 };
  sim_sched_at(r.s, 10, record_fire, &t);
  sim_sched_run(r.s, SIM_TIME_MAX);
  test_criticals_catch();
  SimEventId e = sim_sched_at(r.s, 5, record_fire, &t);
  CU_ASSERT_EQUAL(e.seq, 0);
  SimEventId f = sim_sched_after(r.s, -1, record_fire, &t);
  CU_ASSERT_EQUAL(f.seq, 0);
  CU_ASSERT_EQUAL(test_criticals_release(), 2);
  CU_ASSERT_EQUAL(sim_sched_stats(r.s)->pending, 0);
  rec_clear(&r);
}

static void
pending_events_are_dropped_unfired_at_free(void)
{
  Rec r;
  rec_init(&r);
  static Tag tags[1000];
  for (uint32_t i = 0; i < 1000; i++) {
    tags[i] = (Tag){ &r, i };
    sim_sched_at(r.s, (SimTime)(i * 7919 % 1000) * SIM_US, record_fire, &tags[i]);
  }
  sim_sched_run(r.s, 500 * SIM_US);
  CU_ASSERT_EQUAL(r.fired->len, 501);
  CU_ASSERT_EQUAL(sim_sched_stats(r.s)->pending, 499);
  sim_sched_free(r.s);   /* must not fire; ASan checks nothing leaks */
  CU_ASSERT_EQUAL(r.fired->len, 501);
  g_array_free(r.fired, TRUE);
  g_array_free(r.times, TRUE);
}


static void
noop_fire(SimSched *s, void *ctx)
{
  (void)s, (void)ctx;
}

/* Bucket storage goes back to the scheduler's free list when buckets drain, whatever
 * their size: identical rounds of scheduling allocate nothing after the first. */
static void
bucket_storage_is_reused_across_rounds(void)
{
  SimSched *s = sim_sched_new();
  enum { N = 20000 };
  uint64_t slabs_after_first = 0;
  for (int round = 0; round < 4; round++) {
    SimTime t0 = sim_sched_now(s);
    for (int i = 0; i < N; i++) {
      /* few events per bucket (the small-batch path) and a far timer-like event each */
      sim_sched_at(s, t0 + 1 * SIM_MS + i % 7, noop_fire, NULL);
      sim_sched_at(s, t0 + 60 * SIM_S + i % 3, noop_fire, NULL);
    }
    sim_sched_run(s, t0 + 70 * SIM_S);
    CU_ASSERT_EQUAL(sim_sched_stats(s)->pending, 0);
    if (round == 0)
      slabs_after_first = sim_sched_stats(s)->chunk_slabs;
  }
  CU_ASSERT_TRUE(slabs_after_first > 0);
  CU_ASSERT_EQUAL(sim_sched_stats(s)->chunk_slabs, slabs_after_first);
  sim_sched_free(s);
}

/* ---- timers --------------------------------------------------------------------- */

static void
timer_moved_later_fires_once_at_the_new_deadline(void)
{
  Rec r;
  rec_init(&r);
  static Tag t;
  t = (Tag){ &r, 7 };
  SimTimer timer;
  sim_timer_init(&timer, record_fire, &t);
  CU_ASSERT_FALSE(sim_timer_armed(&timer));
  sim_timer_set(r.s, &timer, 1 * SIM_S);
  uint64_t scheduled = sim_sched_stats(r.s)->scheduled;
  for (int i = 2; i <= 10; i++)
    sim_timer_set(r.s, &timer, (SimTime)i * SIM_S);
  /* moving later queued nothing new */
  CU_ASSERT_EQUAL(sim_sched_stats(r.s)->scheduled, scheduled);
  CU_ASSERT_EQUAL(sim_sched_stats(r.s)->timer_moves, 9);
  CU_ASSERT_TRUE(sim_timer_armed(&timer));
  sim_sched_run(r.s, SIM_TIME_MAX);
  CU_ASSERT_EQUAL_FATAL(r.fired->len, 1);
  CU_ASSERT_EQUAL(g_array_index(r.times, SimTime, 0), 10 * SIM_S);
  CU_ASSERT_FALSE(sim_timer_armed(&timer));
  rec_clear(&r);
}

static void
timer_moved_earlier_fires_at_the_earlier_time(void)
{
  Rec r;
  rec_init(&r);
  static Tag t;
  t = (Tag){ &r, 7 };
  SimTimer timer;
  sim_timer_init(&timer, record_fire, &t);
  sim_timer_set(r.s, &timer, 10 * SIM_S);
  sim_timer_set(r.s, &timer, 3 * SIM_S);
  sim_sched_run(r.s, SIM_TIME_MAX);
  CU_ASSERT_EQUAL_FATAL(r.fired->len, 1);
  CU_ASSERT_EQUAL(g_array_index(r.times, SimTime, 0), 3 * SIM_S);
  CU_ASSERT_EQUAL(sim_sched_stats(r.s)->cancelled, 1);
  rec_clear(&r);
}

static void
timer_stop_prevents_firing(void)
{
  Rec r;
  rec_init(&r);
  static Tag t;
  t = (Tag){ &r, 7 };
  SimTimer timer;
  sim_timer_init(&timer, record_fire, &t);
  sim_timer_set_after(r.s, &timer, 5 * SIM_MS);
  sim_timer_set_after(r.s, &timer, 9 * SIM_MS);
  sim_timer_stop(r.s, &timer);
  sim_timer_stop(r.s, &timer);   /* stopping a stopped timer is harmless */
  CU_ASSERT_FALSE(sim_timer_armed(&timer));
  sim_sched_run(r.s, SIM_TIME_MAX);
  CU_ASSERT_EQUAL(r.fired->len, 0);
  rec_clear(&r);
}

/* Timers keep scheduling order among ties by when they were last set, even when the
 * later set only moved the deadline. */
static void
timers_with_equal_deadlines_fire_in_set_order(void)
{
  Rec r;
  rec_init(&r);
  static Tag ta, tb;
  ta = (Tag){ &r, 1 };
  tb = (Tag){ &r, 2 };
  SimTimer a, b;
  sim_timer_init(&a, record_fire, &ta);
  sim_timer_init(&b, record_fire, &tb);
  sim_timer_set(r.s, &b, 1 * SIM_S);
  sim_timer_set(r.s, &a, 1 * SIM_S);
  sim_timer_set(r.s, &b, 2 * SIM_S);   /* moved: now set after a */
  sim_timer_set(r.s, &a, 2 * SIM_S);   /* moved: now set after b */
  sim_sched_run(r.s, SIM_TIME_MAX);
  CU_ASSERT_EQUAL_FATAL(r.fired->len, 2);
  CU_ASSERT_EQUAL(fired_id(&r, 0), 2);
  CU_ASSERT_EQUAL(fired_id(&r, 1), 1);
  rec_clear(&r);
}

/* ---- the reference comparison --------------------------------------------------- */

typedef struct {
  SimTime time;
  uint64_t order;   /* reference tie-break: the scheduling (or timer set) order */
  uint32_t id;
} RefEvent;

typedef struct {
  GArray *pending;       /* RefEvent sorted latest first: the next to fire is the last */
  uint64_t next_order;
} Ref;

static gboolean
ref_before(const RefEvent *a, const RefEvent *b)
{
  return a->time < b->time || (a->time == b->time && a->order < b->order);
}

static gint
ref_find(const Ref *ref, uint32_t id)
{
  for (guint i = 0; i < ref->pending->len; i++)
    if (g_array_index(ref->pending, RefEvent, i).id == id)
      return (gint)i;
  return -1;
}

static void
ref_add(Ref *ref, SimTime time, uint32_t id)
{
  RefEvent e = { time, ref->next_order++, id };
  guint lo = 0, hi = ref->pending->len;
  while (lo < hi) {   /* first element that fires before e */
    guint mid = lo + (hi - lo) / 2;
    if (ref_before(&g_array_index(ref->pending, RefEvent, mid), &e))
      hi = mid;
    else
      lo = mid + 1;
  }
  g_array_insert_val(ref->pending, lo, e);
}

static gboolean
ref_remove(Ref *ref, uint32_t id)
{
  gint i = ref_find(ref, id);
  if (i < 0)
    return FALSE;
  g_array_remove_index(ref->pending, (guint)i);
  return TRUE;
}

static gboolean
ref_pop(Ref *ref, RefEvent *out)
{
  if (ref->pending->len == 0)
    return FALSE;
  *out = g_array_index(ref->pending, RefEvent, ref->pending->len - 1);
  g_array_set_size(ref->pending, ref->pending->len - 1);
  return TRUE;
}

/* Delay mixes that drive different parts of the queue. */
typedef enum {
  MIX_EXP,        /* Exp(1ms): the hold model; top and rungs */
  MIX_TIES,       /* few distinct delays: heavy ties everywhere */
  MIX_NEAR_FAR,   /* mostly tiny delays (bottom inserts) with rare very far ones */
  MIX_WIDE,       /* delays over 12 orders of magnitude: deep rungs */
} DelayMix;

static SimTime
draw_delay(SimRng *rng, DelayMix mix)
{
  switch (mix) {
  case MIX_EXP:
    return (SimTime)sim_rng_exp(rng, 1e6);
  case MIX_TIES:
    return (SimTime)sim_rng_below(rng, 4) * 250 * SIM_US;
  case MIX_NEAR_FAR:
    return sim_rng_bernoulli(rng, 0.9) ? (SimTime)sim_rng_below(rng, 100)
                                       : (SimTime)sim_rng_below(rng, 1000) * SIM_S;
  case MIX_WIDE:
  default:
    return (SimTime)exp(sim_rng_uniform(rng) * 28.0);   /* 1 ns .. ~1.4e12 ns */
  }
}

typedef struct {
  uint32_t fired_id;
  SimTime fired_at;
  guint nfired;
} Probe;

typedef struct {
  Probe *probe;
  uint32_t id;
} ProbeTag;

static void
probe_fire(SimSched *s, void *ctx)
{
  ProbeTag *t = ctx;
  t->probe->fired_id = t->id;
  t->probe->fired_at = sim_sched_now(s);
  t->probe->nfired++;
}

/* Plain events have ids < NTIMERS*0 .. ; timers are ids [TIMER_BASE, TIMER_BASE+NT). */
#define NTIMERS 64
#define TIMER_BASE 0x80000000u

static void
compare_with_reference(DelayMix mix, uint64_t seed, unsigned steps)
{
  SimRng rng;
  sim_rng_seed(&rng, seed);
  SimSched *s = sim_sched_new();
  Ref ref = { g_array_new(FALSE, FALSE, sizeof(RefEvent)), 0 };
  Probe probe = { 0, 0, 0 };
  GArray *handles = g_array_new(FALSE, FALSE, sizeof(SimEventId)); /* by id */
  GPtrArray *tags = g_ptr_array_new_with_free_func(g_free);
  SimTimer timers[NTIMERS];
  ProbeTag timer_tags[NTIMERS];
  for (uint32_t i = 0; i < NTIMERS; i++) {
    timer_tags[i] = (ProbeTag){ &probe, TIMER_BASE + i };
    sim_timer_init(&timers[i], probe_fire, &timer_tags[i]);
  }
  unsigned mismatches = 0, fired = 0;

  for (unsigned step = 0; step < steps && mismatches == 0; step++) {
    uint64_t op = sim_rng_below(&rng, 100);
    SimTime now = sim_sched_now(s);
    if (op < 40) {                                   /* schedule */
      SimTime when = now + draw_delay(&rng, mix);
      ProbeTag *t = g_new(ProbeTag, 1);
      *t = (ProbeTag){ &probe, handles->len };
      g_ptr_array_add(tags, t);
      SimEventId h = sim_sched_at(s, when, probe_fire, t);
      g_array_append_val(handles, h);
      ref_add(&ref, when, t->id);
    } else if (op < 50 && handles->len > 0) {        /* cancel any handle, stale or not */
      uint32_t id = (uint32_t)sim_rng_below(&rng, handles->len);
      gboolean got = sim_sched_cancel(s, g_array_index(handles, SimEventId, id));
      gboolean want = ref_remove(&ref, id);
      mismatches += got != want;
    } else if (op < 55 && handles->len > 0) {        /* is_pending agrees */
      uint32_t id = (uint32_t)sim_rng_below(&rng, handles->len);
      mismatches += sim_sched_is_pending(s, g_array_index(handles, SimEventId, id)) !=
                    (ref_find(&ref, id) >= 0);
    } else if (op < 65) {                            /* timer set (later or earlier) */
      uint32_t k = (uint32_t)sim_rng_below(&rng, NTIMERS);
      SimTime when = now + draw_delay(&rng, mix);
      sim_timer_set(s, &timers[k], when);
      ref_remove(&ref, TIMER_BASE + k);
      ref_add(&ref, when, TIMER_BASE + k);
    } else if (op < 67) {                            /* timer stop */
      uint32_t k = (uint32_t)sim_rng_below(&rng, NTIMERS);
      sim_timer_stop(s, &timers[k]);
      ref_remove(&ref, TIMER_BASE + k);
    } else {                                         /* pop one */
      RefEvent want;
      gboolean have = ref_pop(&ref, &want);
      guint before = probe.nfired;
      /* a timer that fires early re-queues itself without reaching probe_fire: step
       * until a user callback runs or the queue is empty */
      while (probe.nfired == before && sim_sched_step(s))
        ;
      gboolean got = probe.nfired != before;
      if (got != have) {
        mismatches++;
      } else if (have) {
        fired++;
        if (probe.fired_id != want.id || probe.fired_at != want.time) {
          fprintf(stderr, "\n  mix %d seed %" G_GUINT64_FORMAT " step %u: fired id %u at %"
                  G_GINT64_FORMAT ", reference id %u at %" G_GINT64_FORMAT "\n", mix, seed,
                  step, probe.fired_id, probe.fired_at, want.id, want.time);
          mismatches++;
        }
      }
    }
  }
  /* drain both completely */
  RefEvent want;
  while (mismatches == 0 && ref_pop(&ref, &want)) {
    guint before = probe.nfired;
    while (probe.nfired == before && sim_sched_step(s))
      ;
    mismatches += probe.nfired == before || probe.fired_id != want.id ||
                  probe.fired_at != want.time;
    fired++;
  }
  CU_ASSERT_EQUAL(mismatches, 0);
  CU_ASSERT_TRUE(fired > steps / 10);   /* the run really exercised pops */
  if (mismatches == 0) {
    /* what is left are cancelled events, dropped without a callback */
    guint before = probe.nfired;
    while (sim_sched_step(s))
      ;
    CU_ASSERT_EQUAL(probe.nfired, before);
    CU_ASSERT_EQUAL(sim_sched_stats(s)->pending, 0);
  }
  for (uint32_t i = 0; i < NTIMERS; i++)
    sim_timer_stop(s, &timers[i]);
  sim_sched_free(s);
  g_array_free(ref.pending, TRUE);
  g_array_free(handles, TRUE);
  g_ptr_array_free(tags, TRUE);
}

static void
matches_reference_on_exponential_delays(void)
{
  for (uint64_t seed = 1; seed <= 3; seed++)
    compare_with_reference(MIX_EXP, seed, 60000);
}

static void
matches_reference_on_heavy_ties(void)
{
  for (uint64_t seed = 1; seed <= 3; seed++)
    compare_with_reference(MIX_TIES, seed, 60000);
}

static void
matches_reference_on_near_and_far_delays(void)
{
  for (uint64_t seed = 1; seed <= 3; seed++)
    compare_with_reference(MIX_NEAR_FAR, seed, 60000);
}

static void
matches_reference_on_widely_spread_delays(void)
{
  for (uint64_t seed = 1; seed <= 3; seed++)
    compare_with_reference(MIX_WIDE, seed, 60000);
}

/* Many pending events at once (deep rungs, spawning, large bottom of ties), checked
 * against the sorted order of what was scheduled. */
static void
large_queue_drains_in_key_order(void)
{
  enum { N = 200000 };
  SimRng rng;
  sim_rng_seed(&rng, 42);
  Rec r;
  rec_init(&r);
  Tag *tags = g_new(Tag, N);
  SimTime *when = g_new(SimTime, N);
  for (uint32_t i = 0; i < N; i++) {
    tags[i] = (Tag){ &r, i };
    /* a quarter of the events share one of 16 instants */
    when[i] = sim_rng_bernoulli(&rng, 0.25) ? (SimTime)sim_rng_below(&rng, 16) * SIM_S
                                            : (SimTime)sim_rng_exp(&rng, 5e9);
    sim_sched_at(r.s, when[i], record_fire, &tags[i]);
  }
  CU_ASSERT_EQUAL(sim_sched_stats(r.s)->peak_pending, N);
  sim_sched_run(r.s, SIM_TIME_MAX);
  CU_ASSERT_EQUAL_FATAL(r.fired->len, N);
  unsigned bad = 0;
  for (guint i = 1; i < N; i++) {
    uint32_t a = fired_id(&r, i - 1), b = fired_id(&r, i);
    bad += !(when[a] < when[b] || (when[a] == when[b] && a < b));
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_TRUE(sim_sched_stats(r.s)->rungs_spawned > 1);
  g_free(tags);
  g_free(when);
  rec_clear(&r);
}

/* Looking ahead (next_time, a bounded run) past an event cancelled in the future must
 * not make an event scheduled later for an earlier time look already gone: its cancel
 * must still work. (A TCP connection stops its SYN timer, sets a data timer due
 * earlier, and stops that one in turn.) */
static void
cancel_works_after_looking_past_a_cancelled_future_event(void)
{
  Rec r;
  rec_init(&r);
  Tag far = { &r, 1 }, near = { &r, 2 }, last = { &r, 3 };
  SimEventId a = sim_sched_at(r.s, 1000, record_fire, &far);
  CU_ASSERT_EQUAL(sim_sched_run(r.s, 50), SIM_RUN_TIME);
  CU_ASSERT_TRUE(sim_sched_cancel(r.s, a));
  /* look ahead: the cancelled event at 1000 is the head */
  CU_ASSERT_TRUE(sim_sched_next_time(r.s) >= 1000);
  CU_ASSERT_EQUAL(sim_sched_run(r.s, 60), SIM_RUN_TIME);
  SimEventId b = sim_sched_at(r.s, 152, record_fire, &near);
  CU_ASSERT_TRUE(sim_sched_is_pending(r.s, b));
  CU_ASSERT_TRUE(sim_sched_cancel(r.s, b));
  CU_ASSERT_FALSE(sim_sched_is_pending(r.s, b));
  sim_sched_at(r.s, 2000, record_fire, &last);
  sim_sched_run(r.s, SIM_TIME_MAX);
  CU_ASSERT_EQUAL(r.fired->len, 1);
  CU_ASSERT_EQUAL(fired_id(&r, 0), 3);
  CU_ASSERT_EQUAL(sim_sched_stats(r.s)->fired, 1);
  CU_ASSERT_EQUAL(sim_sched_stats(r.s)->pending, 0);
  CU_ASSERT_FALSE(sim_sched_cancel(r.s, a));   /* long gone: a stale handle */
  CU_ASSERT_FALSE(sim_sched_cancel(r.s, b));
  rec_clear(&r);
}

/* A watcher sees every 3rd event's clock and count, and a watched run fires the same
 * events at the same times as an unwatched one. */
typedef struct {
  GArray *fired_at;   /* stats.fired at each call */
  GArray *clock;      /* sim_sched_now at each call */
} Watch;

static void
watch_record(const SimSched *s, void *ctx)
{
  Watch *w = ctx;
  uint64_t fired = sim_sched_stats(s)->fired;
  SimTime now = sim_sched_now(s);
  g_array_append_val(w->fired_at, fired);
  g_array_append_val(w->clock, now);
}

static void
watch_is_called_every_n_events_and_changes_nothing(void)
{
  Rec plain, watched;
  rec_init(&plain);
  rec_init(&watched);
  Tag tags[2][10];
  Rec *recs[2] = { &plain, &watched };
  Watch w = { g_array_new(FALSE, FALSE, sizeof(uint64_t)),
              g_array_new(FALSE, FALSE, sizeof(SimTime)) };
  sim_sched_set_watch(watched.s, 3, watch_record, &w);
  for (int k = 0; k < 2; k++)
    for (uint32_t i = 0; i < 10; i++) {
      tags[k][i] = (Tag){ recs[k], i };
      sim_sched_at(recs[k]->s, (SimTime)(10 - i) * 100, record_fire, &tags[k][i]);
    }
  sim_sched_run(plain.s, SIM_TIME_MAX);
  sim_sched_run(watched.s, SIM_TIME_MAX);
  CU_ASSERT_EQUAL_FATAL(w.fired_at->len, 3);
  for (guint i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(g_array_index(w.fired_at, uint64_t, i), 3 * (i + 1));
    /* events fire at 100, 200, ...: the 3rd at 300 */
    CU_ASSERT_EQUAL(g_array_index(w.clock, SimTime, i), (SimTime)(3 * (i + 1)) * 100);
  }
  CU_ASSERT_EQUAL_FATAL(plain.fired->len, watched.fired->len);
  CU_ASSERT_EQUAL(memcmp(plain.fired->data, watched.fired->data, plain.fired->len * 4), 0);
  CU_ASSERT_EQUAL(memcmp(plain.times->data, watched.times->data,
                         plain.times->len * sizeof(SimTime)), 0);
  /* removed: no more calls */
  sim_sched_set_watch(watched.s, 0, NULL, NULL);
  sim_sched_at(watched.s, 5000, record_fire, &tags[1][0]);
  sim_sched_at(watched.s, 5001, record_fire, &tags[1][1]);
  sim_sched_at(watched.s, 5002, record_fire, &tags[1][2]);
  sim_sched_run(watched.s, SIM_TIME_MAX);
  CU_ASSERT_EQUAL(w.fired_at->len, 3);
  g_array_free(w.fired_at, TRUE);
  g_array_free(w.clock, TRUE);
  rec_clear(&plain);
  rec_clear(&watched);
}

void test_sched_register(void);
void
test_sched_register(void)
{
  static const CU_TestInfo tests[] = {
    { "equal_times_fire_in_scheduling_order", equal_times_fire_in_scheduling_order },
    { "events_fire_in_time_order_with_clock_set", events_fire_in_time_order_with_clock_set },
    { "cancel_prevents_firing_and_is_safe_on_stale_handles",
      cancel_prevents_firing_and_is_safe_on_stale_handles },
    { "run_until_stops_at_the_limit_and_sets_the_clock",
      run_until_stops_at_the_limit_and_sets_the_clock },
    { "stop_from_a_callback_ends_the_run_after_it", stop_from_a_callback_ends_the_run_after_it },
    { "zero_delay_event_fires_after_pending_ties", zero_delay_event_fires_after_pending_ties },
    { "scheduling_in_the_past_is_refused", scheduling_in_the_past_is_refused },
    { "pending_events_are_dropped_unfired_at_free", pending_events_are_dropped_unfired_at_free },
    { "bucket_storage_is_reused_across_rounds", bucket_storage_is_reused_across_rounds },
    { "timer_moved_later_fires_once_at_the_new_deadline",
      timer_moved_later_fires_once_at_the_new_deadline },
    { "timer_moved_earlier_fires_at_the_earlier_time",
      timer_moved_earlier_fires_at_the_earlier_time },
    { "timer_stop_prevents_firing", timer_stop_prevents_firing },
    { "cancel_works_after_looking_past_a_cancelled_future_event",
      cancel_works_after_looking_past_a_cancelled_future_event },
    { "timers_with_equal_deadlines_fire_in_set_order",
      timers_with_equal_deadlines_fire_in_set_order },
    { "matches_reference_on_exponential_delays", matches_reference_on_exponential_delays },
    { "matches_reference_on_heavy_ties", matches_reference_on_heavy_ties },
    { "matches_reference_on_near_and_far_delays", matches_reference_on_near_and_far_delays },
    { "matches_reference_on_widely_spread_delays", matches_reference_on_widely_spread_delays },
    { "large_queue_drains_in_key_order", large_queue_drains_in_key_order },
    { "watch_is_called_every_n_events_and_changes_nothing",
      watch_is_called_every_n_events_and_changes_nothing },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("sched", tests);
}
