/* sim_sched: a ladder queue (Tang, Goh & Thng, ACM TOMACS 2005) over integer time.
 *
 * Three tiers hold every pending event:
 *   top     unsorted array of the events at or after top_start (the far future);
 *   rungs   up to MAX_RUNGS rungs of buckets; rung i+1 splits one bucket of rung i;
 *           bucket widths are powers of two so that locating a bucket is a shift;
 *   bottom  a small sorted array of the earliest events, popped from its head.
 * Events are only sorted in small batches (one bucket at a time), so schedule and pop are
 * O(1) amortised whatever the number pending. Order is by (time, seq): seq is a global
 * counter, so equal times fire in scheduling order.
 *
 * Buckets are lists of fixed-size chunks of events stored by value, recycled through a
 * free list: appending is a store into a chunk that is usually in cache, and draining a
 * bucket reads whole chunks. Cancellation is lazy: a cancelled event's seq goes into a
 * bitmap over the window of live seqs and the event is dropped when it reaches the head
 * of the bottom. Because
 * events leave the queue in (time, seq) order, a handle whose key is not after the last
 * key removed has certainly fired (or been dropped): no per-event liveness record is
 * needed, and the hold loop touches no memory but the queue itself. */
#include "sim_sched.h"

#include <stdlib.h>
#include <string.h>

/* Events per chunk: a chunk is 16 + 32 * CHUNK_CAP bytes. */
#ifndef CHUNK_CAP
#define CHUNK_CAP 15
#endif
/* A rung gets about one bucket per BUCKET_TARGET events it is built from. */
#ifndef BUCKET_TARGET
#define BUCKET_TARGET 32
#endif
/* A bucket with more events than this becomes a rung of its own instead of being sorted
 * into the bottom. */
#ifndef SPAWN_THRES
#define SPAWN_THRES 64
#endif
/* A bottom that grows past this (by inserts below the lowest rung) becomes a rung. */
#ifndef BOTTOM_MAX
#define BOTTOM_MAX 512
#endif
#define MAX_RUNGS 24
#define CHUNKS_PER_SLAB 256

typedef struct {
  SimTime time;
  uint64_t seq;
  SimEventFn fn;
  void *ctx;
} Event;

typedef struct Chunk {
  struct Chunk *next;
  uint32_t n;
  Event ev[CHUNK_CAP];
} Chunk;

typedef struct {
  Chunk *head;  /* most recent chunk first; order inside a bucket does not matter */
  uint64_t count;
} Bucket;

typedef struct {
  SimTime start;      /* time of bucket 0 */
  SimTime cur_start;  /* start of bucket cur; events before it belong below this rung */
  unsigned shift;     /* bucket width is 2^shift ns */
  uint32_t nb;        /* buckets in use */
  uint32_t cur;       /* next bucket to drain */
  uint32_t cap;       /* buckets allocated (kept between uses of this rung slot) */
  Bucket *b;
} Rung;

/* The set of cancelled seqs: a bitmap over a sliding window of seqs, a ring of 64-bit
 * words. Seqs are handed out consecutively and a cancelled event leaves the set when
 * its time comes, so the window spans from the oldest cancelled event still queued to
 * the newest seq: a bit per event scheduled meanwhile, a few hundred kilobytes where a
 * hash set of the same members would take tens of megabytes and miss the cache on
 * every event fired. */
typedef struct {
  uint64_t *word;     /* ring of cap words; logical word i is word[(head + i) & (cap-1)] */
  size_t cap, head, nwords;
  uint64_t base;      /* seq of bit 0 of logical word 0 (a multiple of 64) */
  uint64_t n;         /* members */
} SeqSet;

struct SimSched {
  SimTime now;
  uint64_t next_seq;
  gboolean stop;

  /* key of the last event removed from the queue (fired or dropped as cancelled) */
  SimTime last_time;
  uint64_t last_seq;

  Event *bot;
  size_t bot_head, bot_tail, bot_cap;

  Rung rungs[MAX_RUNGS];
  unsigned nrungs;

  Event *top;
  size_t top_n, top_cap;
  SimTime top_min, top_max;
  SimTime top_start;  /* events at or after this go to the top */

  Chunk *free_chunks;
  GPtrArray *slabs;

  SeqSet cancelled;
  SimSchedStats stats;

  /* sim_sched_set_watch: called every watch_every fired events (never: left at max) */
  uint64_t watch_left, watch_every;
  SimWatchFn watch;
  void *watch_ctx;
};

/* ---- the cancelled set ---------------------------------------------------------- */

static inline uint64_t *
seqset_word(const SeqSet *set, size_t i)
{
  return &set->word[(set->head + i) & (set->cap - 1)];
}

static gboolean
seqset_contains(const SeqSet *set, uint64_t seq)
{
  if (set->n == 0 || seq < set->base || seq - set->base >= (uint64_t)set->nwords * 64)
    return FALSE;
  uint64_t off = seq - set->base;
  return (*seqset_word(set, off / 64) >> (off % 64)) & 1;
}

/* Doubles the ring, unrolling it so that logical word 0 is word[0]. */
static void
seqset_grow(SeqSet *set)
{
  size_t cap = set->cap ? set->cap * 2 : 64;
  uint64_t *w = g_new0(uint64_t, cap);
  for (size_t i = 0; i < set->nwords; i++)
    w[i] = *seqset_word(set, i);
  g_free(set->word);
  set->word = w;
  set->cap = cap;
  set->head = 0;
}

/* Adds @seq; FALSE if it was already there. */
static gboolean
seqset_add(SeqSet *set, uint64_t seq)
{
  if (set->n == 0) {
    /* every bit is clear: the window may start anywhere */
    set->base = seq & ~(uint64_t)63;
    set->nwords = 0;
  }
  while (seq < set->base) {                   /* rare: an old event cancelled late */
    if (set->nwords == set->cap)
      seqset_grow(set);
    set->head = (set->head + set->cap - 1) & (set->cap - 1);
    set->word[set->head] = 0;
    set->base -= 64;
    set->nwords++;
  }
  while (seq - set->base >= (uint64_t)set->nwords * 64) {
    if (set->nwords == set->cap)
      seqset_grow(set);
    *seqset_word(set, set->nwords) = 0;
    set->nwords++;
  }
  uint64_t off = seq - set->base;
  uint64_t *w = seqset_word(set, off / 64);
  uint64_t bit = (uint64_t)1 << (off % 64);
  if (*w & bit)
    return FALSE;
  *w |= bit;
  set->n++;
  return TRUE;
}

/* Removes @seq; FALSE if it was not there. The window's empty front words are let go. */
static inline gboolean
seqset_remove(SeqSet *set, uint64_t seq)
{
  if (seq < set->base || seq - set->base >= (uint64_t)set->nwords * 64)
    return FALSE;
  uint64_t off = seq - set->base;
  uint64_t *w = seqset_word(set, off / 64);
  uint64_t bit = (uint64_t)1 << (off % 64);
  if (!(*w & bit))
    return FALSE;
  *w &= ~bit;
  set->n--;
  while (set->nwords > 0 && *seqset_word(set, 0) == 0) {
    set->head = (set->head + 1) & (set->cap - 1);
    set->base += 64;
    set->nwords--;
  }
  return TRUE;
}

/* ---- chunks and buckets --------------------------------------------------------- */

static G_NO_INLINE Chunk *
chunk_slab(SimSched *q)
{
  Chunk *slab = g_new(Chunk, CHUNKS_PER_SLAB);
  g_ptr_array_add(q->slabs, slab);
  q->stats.chunk_slabs++;
  for (int i = CHUNKS_PER_SLAB - 1; i > 0; i--) {
    slab[i].next = q->free_chunks;
    q->free_chunks = &slab[i];
  }
  return &slab[0];
}

static inline Chunk *
chunk_get(SimSched *q)
{
  Chunk *c = q->free_chunks;
  if (G_LIKELY(c != NULL))
    q->free_chunks = c->next;
  else
    c = chunk_slab(q);
  c->n = 0;
  return c;
}

static inline void
chunk_put(SimSched *q, Chunk *c)
{
  c->next = q->free_chunks;
  q->free_chunks = c;
}

static inline void
bucket_append(SimSched *q, Bucket *b, const Event *e)
{
  Chunk *c = b->head;
  if (G_UNLIKELY(c == NULL || c->n == CHUNK_CAP)) {
    Chunk *fresh = chunk_get(q);
    fresh->next = c;
    b->head = c = fresh;
  }
  c->ev[c->n++] = *e;
  b->count++;
}

/* ---- ordering ------------------------------------------------------------------- */

static inline gboolean
event_before(const Event *a, const Event *b)
{
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* Stable merge sort for the rare large batch (heavy ties, or the rung limit reached). */
static void
events_merge_sort(Event *ev, Event *tmp, size_t n)
{
  if (n <= 16) {
    for (size_t i = 1; i < n; i++) {
      Event x = ev[i];
      size_t j = i;
      for (; j > 0 && event_before(&x, &ev[j - 1]); j--)
        ev[j] = ev[j - 1];
      ev[j] = x;
    }
    return;
  }
  size_t h = n / 2;
  events_merge_sort(ev, tmp, h);
  events_merge_sort(ev + h, tmp, n - h);
  if (!event_before(&ev[h], &ev[h - 1]))
    return;  /* already in order: common when the batch is all ties in seq order */
  memcpy(tmp, ev, h * sizeof *ev);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n)
    ev[k++] = event_before(&ev[j], &tmp[i]) ? ev[j++] : tmp[i++];
  while (i < h)
    ev[k++] = tmp[i++];
}

static void
events_sort(Event *ev, size_t n)
{
  if (n <= 16) {
    events_merge_sort(ev, NULL, n);
    return;
  }
  Event *tmp = g_new(Event, n / 2 + 1);
  events_merge_sort(ev, tmp, n);
  g_free(tmp);
}

/* ---- the bottom ----------------------------------------------------------------- */

static void
bottom_reserve(SimSched *q, size_t n)
{
  if (n <= q->bot_cap)
    return;
  size_t cap = q->bot_cap ? q->bot_cap : 64;
  while (cap < n)
    cap *= 2;
  q->bot = g_renew(Event, q->bot, cap);
  q->bot_cap = cap;
}

static void rung_from_bottom(SimSched *q);

/* Inserts @e into the sorted bottom, shifting whichever side of its place is shorter. */
static void
bottom_insert(SimSched *q, const Event *e)
{
  size_t lo = q->bot_head, hi = q->bot_tail;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (event_before(e, &q->bot[mid]))
      hi = mid;
    else
      lo = mid + 1;
  }
  size_t pos = lo;
  if (q->bot_head > 0 && pos - q->bot_head <= q->bot_tail - pos) {
    memmove(&q->bot[q->bot_head - 1], &q->bot[q->bot_head],
            (pos - q->bot_head) * sizeof(Event));
    q->bot_head--;
    q->bot[pos - 1] = *e;
  } else {
    if (q->bot_tail == q->bot_cap) {
      if (q->bot_head > 0) {
        memmove(q->bot, &q->bot[q->bot_head], (q->bot_tail - q->bot_head) * sizeof(Event));
        pos -= q->bot_head;
        q->bot_tail -= q->bot_head;
        q->bot_head = 0;
      } else {
        bottom_reserve(q, q->bot_cap + 1);
      }
    }
    memmove(&q->bot[pos + 1], &q->bot[pos], (q->bot_tail - pos) * sizeof(Event));
    q->bot[pos] = *e;
    q->bot_tail++;
  }
  if (G_UNLIKELY(q->bot_tail - q->bot_head > BOTTOM_MAX))
    rung_from_bottom(q);
}

/* ---- rungs ---------------------------------------------------------------------- */

static inline SimTime
rung_bucket_start(const Rung *r, uint64_t i)
{
  unsigned __int128 t = (unsigned __int128)(uint64_t)r->start + ((unsigned __int128)i << r->shift);
  return t > (unsigned __int128)INT64_MAX ? INT64_MAX : (SimTime)t;
}

/* Pushes an empty rung covering [@lo, @hi) sized for @count events. */
static Rung *
rung_push(SimSched *q, SimTime lo, uint64_t hi, uint64_t count)
{
  g_assert(q->nrungs < MAX_RUNGS && (uint64_t)lo < hi);
  Rung *r = &q->rungs[q->nrungs++];
  uint64_t span = hi - (uint64_t)lo;
  uint64_t want = count / BUCKET_TARGET + 1;
  uint64_t width = span / want + (span % want != 0);
  unsigned shift = 0;
  while (shift < 63 && (UINT64_C(1) << shift) < width)
    shift++;
  uint64_t nb = ((span - 1) >> shift) + 1;
  g_assert(nb <= UINT32_MAX);
  if (nb > r->cap) {
    g_free(r->b);
    r->cap = (uint32_t)MAX(nb, (uint64_t)r->cap * 2);
    r->b = g_new(Bucket, r->cap);
  }
  memset(r->b, 0, nb * sizeof(Bucket));
  r->start = lo;
  r->shift = shift;
  r->nb = (uint32_t)nb;
  r->cur = 0;
  r->cur_start = lo;
  q->stats.rungs_spawned++;
  return r;
}

static inline void
rung_add(SimSched *q, Rung *r, const Event *e)
{
  uint64_t i = (uint64_t)(e->time - r->start) >> r->shift;
  g_assert(i < r->nb);
  bucket_append(q, &r->b[i], e);
}

/* The upper end of the region below the lowest rung (or below the top). */
static inline SimTime
lowest_region_end(const SimSched *q)
{
  return q->nrungs ? q->rungs[q->nrungs - 1].cur_start : q->top_start;
}

static void
rung_from_bottom(SimSched *q)
{
  size_t n = q->bot_tail - q->bot_head;
  const Event *first = &q->bot[q->bot_head], *last = &q->bot[q->bot_tail - 1];
  /* all at one time: no rung can separate them and the bottom is already in order */
  if (q->nrungs == MAX_RUNGS || first->time == last->time)
    return;
  Rung *r = rung_push(q, first->time, (uint64_t)lowest_region_end(q), n);
  for (size_t i = q->bot_head; i < q->bot_tail; i++)
    rung_add(q, r, &q->bot[i]);
  q->bot_head = q->bot_tail = 0;
}

/* Moves the chunk list @c (holding @n events, all in [@start, @start + 2^@shift)) into
 * the empty bottom, sorted. A counting pass on the high bits of each event's offset in
 * the bucket scatters the events almost into order (about one per slot), and an
 * insertion sort finishes: two passes and a few moves per event, where a comparison
 * sort would spend log2(n) passes. */
#define SCATTER_MAX_BITS 10
static void
bottom_fill_from_chunks(SimSched *q, Chunk *c, uint64_t n, SimTime start, unsigned shift)
{
  bottom_reserve(q, n);
  unsigned bits = 0;
  while (bits < SCATTER_MAX_BITS && (UINT64_C(1) << bits) < n)
    bits++;
  if (n <= 8 || bits >= SCATTER_MAX_BITS || shift == 0) {
    size_t k = 0;
    for (Chunk *d = c; d; d = d->next) {
      memcpy(&q->bot[k], d->ev, d->n * sizeof(Event));
      k += d->n;
    }
    events_sort(q->bot, k);
  } else {
    unsigned sub = shift > bits ? shift - bits : 0;  /* slot width is 2^sub */
    uint32_t nslots = 1u << (shift - sub);
    uint32_t slot_pos[(1u << SCATTER_MAX_BITS) + 1];
    memset(slot_pos, 0, (nslots + 1) * sizeof slot_pos[0]);
    for (Chunk *d = c; d; d = d->next)
      for (uint32_t i = 0; i < d->n; i++)
        slot_pos[((uint64_t)(d->ev[i].time - start) >> sub) + 1]++;
    for (uint32_t i = 1; i <= nslots; i++)
      slot_pos[i] += slot_pos[i - 1];
    for (Chunk *d = c; d; d = d->next)
      for (uint32_t i = 0; i < d->n; i++)
        q->bot[slot_pos[(uint64_t)(d->ev[i].time - start) >> sub]++] = d->ev[i];
    for (size_t i = 1; i < n; i++) {
      if (!event_before(&q->bot[i], &q->bot[i - 1]))
        continue;
      Event x = q->bot[i];
      size_t j = i;
      for (; j > 0 && event_before(&x, &q->bot[j - 1]); j--)
        q->bot[j] = q->bot[j - 1];
      q->bot[j] = x;
    }
  }
  while (c) {
    Chunk *next = c->next;
    chunk_put(q, c);
    c = next;
  }
  q->bot_head = 0;
  q->bot_tail = n;
}

static void
top_reset(SimSched *q)
{
  q->top_n = 0;
  q->top_min = INT64_MAX;
  q->top_max = INT64_MIN;
}

/* Brings the next batch of earliest events into the (empty) bottom. FALSE when the
 * queue is empty. */
static gboolean
refill(SimSched *q)
{
  q->bot_head = q->bot_tail = 0;
  for (;;) {
    if (q->nrungs == 0) {
      if (q->top_n == 0) {
        q->top_start = 0;  /* empty: the next events start a new epoch in the top */
        return FALSE;
      }
      uint64_t hi = (uint64_t)q->top_max + 1;
      if (q->top_n <= SPAWN_THRES || q->top_min == q->top_max) {
        bottom_reserve(q, q->top_n);
        memcpy(q->bot, q->top, q->top_n * sizeof(Event));
        events_sort(q->bot, q->top_n);
        q->bot_tail = q->top_n;
        q->top_start = hi > INT64_MAX ? INT64_MAX : (SimTime)hi;
        top_reset(q);
        return TRUE;
      }
      Rung *r = rung_push(q, q->top_min, hi, q->top_n);
      for (size_t i = 0; i < q->top_n; i++)
        rung_add(q, r, &q->top[i]);
      q->top_start = rung_bucket_start(r, r->nb);
      top_reset(q);
    }

    Rung *r = &q->rungs[q->nrungs - 1];
    while (r->cur < r->nb && r->b[r->cur].count == 0)
      r->cur++;
    if (r->cur == r->nb) {
      q->nrungs--;
      continue;
    }
    Bucket *b = &r->b[r->cur];
    Chunk *list = b->head;
    uint64_t n = b->count;
    b->head = NULL;
    b->count = 0;
    r->cur++;
    r->cur_start = rung_bucket_start(r, r->cur);

    if (n > SPAWN_THRES && r->shift > 0 && q->nrungs < MAX_RUNGS) {
      SimTime lo = INT64_MAX, hi = INT64_MIN;
      for (Chunk *c = list; c; c = c->next)
        for (uint32_t i = 0; i < c->n; i++) {
          lo = MIN(lo, c->ev[i].time);
          hi = MAX(hi, c->ev[i].time);
        }
      if (lo < hi) {
        /* the child covers the rest of this bucket, up to where the parent resumes */
        Rung *child = rung_push(q, lo, (uint64_t)r->cur_start, n);
        while (list) {
          Chunk *next = list->next;
          for (uint32_t i = 0; i < list->n; i++)
            rung_add(q, child, &list->ev[i]);
          chunk_put(q, list);
          list = next;
        }
        continue;
      }
    }
    bottom_fill_from_chunks(q, list, n, rung_bucket_start(r, r->cur - 1), r->shift);
    return TRUE;
  }
}

/* ---- public API ----------------------------------------------------------------- */

SimSched *
sim_sched_new(void)
{
  SimSched *q = g_new0(SimSched, 1);
  q->next_seq = 1;
  q->watch_left = UINT64_MAX;
  q->slabs = g_ptr_array_new_with_free_func(g_free);
  top_reset(q);
  return q;
}

void
sim_sched_free(SimSched *q)
{
  if (q == NULL)
    return;
  for (unsigned i = 0; i < MAX_RUNGS; i++)
    g_free(q->rungs[i].b);
  g_ptr_array_free(q->slabs, TRUE);
  g_free(q->bot);
  g_free(q->top);
  g_free(q->cancelled.word);
  g_free(q);
}

SimTime
sim_sched_now(const SimSched *q)
{
  return q->now;
}

static inline void
enqueue(SimSched *q, const Event *e)
{
  SimTime t = e->time;
  if (t >= q->top_start) {
    if (G_UNLIKELY(q->top_n == q->top_cap)) {
      q->top_cap = q->top_cap ? q->top_cap * 2 : 256;
      q->top = g_renew(Event, q->top, q->top_cap);
    }
    q->top[q->top_n++] = *e;
    if (t < q->top_min)
      q->top_min = t;
    if (t > q->top_max)
      q->top_max = t;
    return;
  }
  for (unsigned i = 0; i < q->nrungs; i++) {
    Rung *r = &q->rungs[i];
    if (t >= r->cur_start) {
      rung_add(q, r, e);
      return;
    }
  }
  bottom_insert(q, e);
}

static inline void
count_scheduled(SimSched *q)
{
  q->stats.scheduled++;
  if (++q->stats.pending > q->stats.peak_pending)
    q->stats.peak_pending = q->stats.pending;
}

SimEventId
sim_sched_at(SimSched *q, SimTime when, SimEventFn fn, void *ctx)
{
  g_return_val_if_fail(q != NULL && fn != NULL, SIM_EVENT_NONE);
  g_return_val_if_fail(when >= q->now, SIM_EVENT_NONE);
  Event e = { when, q->next_seq++, fn, ctx };
  enqueue(q, &e);
  count_scheduled(q);
  return (SimEventId){ when, e.seq };
}

SimEventId
sim_sched_after(SimSched *q, SimTime delay, SimEventFn fn, void *ctx)
{
  g_return_val_if_fail(q != NULL && delay >= 0, SIM_EVENT_NONE);
  SimTime when = delay > SIM_TIME_MAX - q->now ? SIM_TIME_MAX : q->now + delay;
  return sim_sched_at(q, when, fn, ctx);
}

/* TRUE if the event keyed (@time, @seq) has left the queue: keys leave in order. */
static inline gboolean
key_removed(const SimSched *q, SimTime time, uint64_t seq)
{
  return time < q->last_time || (time == q->last_time && seq <= q->last_seq);
}

gboolean
sim_sched_is_pending(const SimSched *q, SimEventId id)
{
  g_return_val_if_fail(q != NULL, FALSE);
  if (id.seq == 0 || id.seq >= q->next_seq || key_removed(q, id.time, id.seq))
    return FALSE;
  return !seqset_contains(&q->cancelled, id.seq);
}

gboolean
sim_sched_cancel(SimSched *q, SimEventId id)
{
  g_return_val_if_fail(q != NULL, FALSE);
  if (id.seq == 0 || id.seq >= q->next_seq || key_removed(q, id.time, id.seq))
    return FALSE;
  if (!seqset_add(&q->cancelled, id.seq))
    return FALSE;
  q->stats.cancelled++;
  q->stats.pending--;
  return TRUE;
}

/* The earliest event, left in place at the bottom's head; NULL if none. Cancelled
 * events met on the way are dropped while they are not in the future: dropping one
 * ahead of the clock would move the last removed key past events not yet scheduled
 * (an event set later for an earlier time would look gone to sim_sched_cancel). A
 * cancelled event in the future is returned, and fire_head() drops it when the clock
 * gets there. */
static inline Event *
peek(SimSched *q)
{
  for (;;) {
    if (G_UNLIKELY(q->bot_head == q->bot_tail) && !refill(q))
      return NULL;
    Event *e = &q->bot[q->bot_head];
    if (G_LIKELY(q->cancelled.n == 0) || e->time > q->now ||
        !seqset_remove(&q->cancelled, e->seq))
      return e;
    q->last_time = e->time;
    q->last_seq = e->seq;
    q->bot_head++;
  }
}

static inline void
fire_head(SimSched *q, Event *head)
{
  Event e = *head;  /* the callback may reshape the bottom */
  q->bot_head++;
  q->last_time = q->now = e.time;
  q->last_seq = e.seq;
  if (G_UNLIKELY(q->cancelled.n != 0) && seqset_remove(&q->cancelled, e.seq))
    return;         /* cancelled: its time has come, nothing to do */
  q->stats.fired++;
  q->stats.pending--;
  e.fn(q, e.ctx);
}

SimRunResult
sim_sched_run(SimSched *q, SimTime until)
{
  g_return_val_if_fail(q != NULL, SIM_RUN_EMPTY);
  q->stop = FALSE;
  for (;;) {
    Event *e = peek(q);
    if (e == NULL) {
      if (until != SIM_TIME_MAX && until > q->now)
        q->now = until;
      return SIM_RUN_EMPTY;
    }
    if (e->time > until) {
      if (until > q->now)
        q->now = until;
      return SIM_RUN_TIME;
    }
    fire_head(q, e);
    if (G_UNLIKELY(--q->watch_left == 0)) {
      q->watch_left = q->watch_every;
      q->watch(q, q->watch_ctx);
    }
    if (G_UNLIKELY(q->stop))
      return SIM_RUN_STOPPED;
  }
}

void
sim_sched_set_watch(SimSched *q, uint64_t every, SimWatchFn fn, void *ctx)
{
  g_return_if_fail(q != NULL && (fn == NULL || every > 0));
  q->watch = fn;
  q->watch_ctx = ctx;
  q->watch_every = fn ? every : UINT64_MAX;
  q->watch_left = q->watch_every;
}

gboolean
sim_sched_step(SimSched *q)
{
  g_return_val_if_fail(q != NULL, FALSE);
  Event *e = peek(q);
  if (e == NULL)
    return FALSE;
  fire_head(q, e);
  return TRUE;
}

void
sim_sched_stop(SimSched *q)
{
  g_return_if_fail(q != NULL);
  q->stop = TRUE;
}

SimTime
sim_sched_next_time(SimSched *q)
{
  g_return_val_if_fail(q != NULL, SIM_TIME_NEVER);
  Event *e = peek(q);
  return e ? e->time : SIM_TIME_NEVER;
}

const SimSchedStats *
sim_sched_stats(const SimSched *q)
{
  return &q->stats;
}

/* ---- timers --------------------------------------------------------------------- */

/* Queues @t's event at @when with sequence number @seq, so that a timer whose deadline
 * was moved later keeps the place in line it took when it was moved. */
static void timer_fire(SimSched *q, void *ctx);

static void
timer_queue(SimSched *q, SimTimer *t, SimTime when, uint64_t seq)
{
  Event e = { when, seq, timer_fire, t };
  enqueue(q, &e);
  t->ev = (SimEventId){ when, seq };
}

static void
timer_fire(SimSched *q, void *ctx)
{
  SimTimer *t = ctx;
  if (t->ev.seq != t->order) {
    /* set again after this event was queued, to the same time or later: follow the
     * deadline, keeping the place in line of that last set */
    timer_queue(q, t, t->deadline, t->order);
    count_scheduled(q);
    return;
  }
  t->deadline = SIM_TIME_NEVER;
  t->ev = SIM_EVENT_NONE;
  t->fn(q, t->ctx);
}

void
sim_timer_init(SimTimer *t, SimEventFn fn, void *ctx)
{
  g_return_if_fail(t != NULL && fn != NULL);
  t->deadline = SIM_TIME_NEVER;
  t->ev = SIM_EVENT_NONE;
  t->order = 0;
  t->fn = fn;
  t->ctx = ctx;
}

void
sim_timer_set(SimSched *q, SimTimer *t, SimTime when)
{
  g_return_if_fail(q != NULL && t != NULL && when >= q->now && when != SIM_TIME_NEVER);
  t->order = q->next_seq++;
  if (sim_timer_armed(t)) {
    if (t->ev.time <= when) {
      t->deadline = when;
      q->stats.timer_moves++;
      return;
    }
    sim_sched_cancel(q, t->ev);
  }
  t->deadline = when;
  timer_queue(q, t, when, t->order);
  count_scheduled(q);
}

void
sim_timer_set_after(SimSched *q, SimTimer *t, SimTime delay)
{
  g_return_if_fail(q != NULL && delay >= 0);
  SimTime when = delay >= SIM_TIME_NEVER - q->now ? SIM_TIME_NEVER - 1 : q->now + delay;
  sim_timer_set(q, t, when);
}

void
sim_timer_stop(SimSched *q, SimTimer *t)
{
  g_return_if_fail(q != NULL && t != NULL);
  if (!sim_timer_armed(t))
    return;
  sim_sched_cancel(q, t->ev);
  t->deadline = SIM_TIME_NEVER;
  t->ev = SIM_EVENT_NONE;
}
