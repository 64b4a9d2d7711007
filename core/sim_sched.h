/* sim_sched: the future-event list and the clock of one simulation run.
 * A ladder queue (Tang, Goh & Thng 2005) adapted to integer time: O(1) amortised schedule
 * and pop independent of the number of pending events, equal times fire in the order
 * they were scheduled, cancel is O(1) and safe on stale handles. SimTimer on top makes
 * the TCP pattern "push the deadline a little later on every segment" free. */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "sim_time.h"

G_BEGIN_DECLS

typedef struct SimSched SimSched;

/* An event's action. @s is the scheduler that fires it (now = the event's time). */
typedef void (*SimEventFn)(SimSched *s, void *ctx);

/* Handle of a scheduled event: its time and its scheduling sequence number. Events fire in
 * (time, seq) order, so a handle alone tells whether its event has already fired. Copy it
 * freely; SIM_EVENT_NONE (seq 0) names no event. */
typedef struct {
  SimTime time;
  uint64_t seq;
} SimEventId;

#define SIM_EVENT_NONE ((SimEventId){ 0, 0 })

typedef struct {
  uint64_t scheduled;     /* events ever scheduled */
  uint64_t fired;         /* events whose callback ran */
  uint64_t cancelled;     /* events cancelled before firing */
  uint64_t pending;       /* scheduled, not yet fired or cancelled */
  uint64_t peak_pending;  /* largest value of pending */
  uint64_t timer_moves;   /* SimTimer deadline moves that cost no queue operation */
  uint64_t rungs_spawned; /* ladder rungs built (structure cost, for benchmarks) */
  uint64_t chunk_slabs;   /* bucket storage allocated, in slabs of 256 chunks */
} SimSchedStats;

typedef enum {
  SIM_RUN_EMPTY,    /* no event left (now == the limit, if finite) */
  SIM_RUN_TIME,     /* the next event is after the time limit; now == the limit */
  SIM_RUN_STOPPED,  /* sim_sched_stop() was called by a callback */
} SimRunResult;

/* A new scheduler at time 0, with no pending event. */
SimSched *sim_sched_new(void);
/* Frees @s and drops its pending events without firing them. */
void sim_sched_free(SimSched *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimSched, sim_sched_free)

SimTime sim_sched_now(const SimSched *s);

/* Schedules @fn(@s, @ctx) at absolute time @when >= now (misuse otherwise: a critical
 * warning and SIM_EVENT_NONE). O(1) amortised. */
SimEventId sim_sched_at(SimSched *s, SimTime when, SimEventFn fn, void *ctx);
/* Schedules at now + @delay, @delay >= 0, saturating at SIM_TIME_MAX. */
SimEventId sim_sched_after(SimSched *s, SimTime delay, SimEventFn fn, void *ctx);

/* Cancels the event named by @id. TRUE if it was pending and will now never fire; FALSE
 * (and no effect) if it already fired, was already cancelled, or @id is SIM_EVENT_NONE.
 * O(1): the event is dropped lazily when the queue reaches it. */
gboolean sim_sched_cancel(SimSched *s, SimEventId id);
/* TRUE if the event named by @id is scheduled and neither fired nor cancelled. */
gboolean sim_sched_is_pending(const SimSched *s, SimEventId id);

/* Fires events in (time, seq) order while their time is <= @until (SIM_TIME_MAX: until
 * none is left), or until a callback calls sim_sched_stop(). Unless stopped, the clock
 * then reads @until (when finite): the run covered that span even if it was quiet. */
SimRunResult sim_sched_run(SimSched *s, SimTime until);
/* Fires the next event, if any (a cancelled one whose time has come is dropped instead,
 * the clock moving to its time); FALSE when none is left. */
gboolean sim_sched_step(SimSched *s);
/* Makes the running sim_sched_run() return after the current callback. */
void sim_sched_stop(SimSched *s);
/* Time of the next event in the queue, or SIM_TIME_NEVER. It may be that of an event
 * cancelled ahead of the clock, which is dropped, not fired, when its time comes. */
SimTime sim_sched_next_time(SimSched *s);

const SimSchedStats *sim_sched_stats(const SimSched *s);

/* An observer of a long run (progress reports): sim_sched_run() calls @fn every @every
 * events it fires, between events. It only looks (the scheduler is const), so a
 * watched run is the same run. NULL @fn removes it. */
typedef void (*SimWatchFn)(const SimSched *s, void *ctx);
void sim_sched_set_watch(SimSched *s, uint64_t every, SimWatchFn fn, void *ctx);

/* A restartable timer for a deadline that moves often (TCP's retransmission timer is
 * pushed later on nearly every ACK). Moving the deadline later costs nothing: the queued
 * event stays where it is and, when it fires early, re-queues itself at the deadline.
 * Moving it earlier cancels and re-queues. Embed it in its owner; call sim_timer_stop()
 * before freeing the owner. */
typedef struct {
  SimTime deadline;  /* SIM_TIME_NEVER when not armed */
  SimEventId ev;     /* queued event, at ev.time <= deadline */
  uint64_t order;    /* sequence number taken by the last set: its place among ties */
  SimEventFn fn;
  void *ctx;
} SimTimer;

void sim_timer_init(SimTimer *t, SimEventFn fn, void *ctx);
/* Arms @t to fire at @when (>= now), or moves its deadline there. */
void sim_timer_set(SimSched *s, SimTimer *t, SimTime when);
void sim_timer_set_after(SimSched *s, SimTimer *t, SimTime delay);
/* Disarms @t; no effect if it is not armed. */
void sim_timer_stop(SimSched *s, SimTimer *t);

static inline gboolean
sim_timer_armed(const SimTimer *t)
{
  return t->deadline != SIM_TIME_NEVER;
}

G_END_DECLS
