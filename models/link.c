/* link: the one-way channel declared in link.h. Each link_send decides at once, from the
 * link's own random stream, whether the segment is dropped and when it arrives, and
 * schedules one delivery event; between sends the link costs no event and no work.
 * The bandwidth queue is kept as a list of start times that is trimmed lazily. */
#include "link.h"
#include "sim_error.h"

/* A segment waiting for the transmitter: when its transmission starts and its size. */
typedef struct {
  SimTime start;
  uint32_t wire;
} LinkWaiting;

/* 176 bytes on LP64, plus the waiting ring (16 bytes a slot, at least 8) once a segment
 * has had to wait on a link with a queue limit. A topology may build a million links,
 * so the in-flight count is not stored: it follows from the counters (link_in_flight). */
struct Link {
  /* what a delivery reads, in the first cache line (a star's server has a link to each
   * of its clients: these lines are rarely in cache when a segment arrives) */
  const LinkParams *p;
  NetRx rx;
  LinkStats stats;        /* delivered and bytes_delivered first */
  Net *net;
  SimRng rng;
  SimTime busy_until;     /* when the transmitter finishes the last accepted segment */
  SimTime last_arrival;   /* latest in-order arrival scheduled (reorder FALSE) */
  LinkWaiting *wait;      /* ring of segments whose transmission has not started */
  uint32_t wait_head, wait_len, wait_cap;  /* wait_cap: 0 or a power of two */
  gboolean bad;           /* Gilbert-Elliott state: TRUE in the bad state */
  uint64_t wait_bytes;    /* wire bytes in the ring */
};
/* keeps the size stated above honest */
G_STATIC_ASSERT(sizeof(void *) != 8 || sizeof(struct Link) == 176);

/* ---- parameters ----------------------------------------------------------------- */

void
link_params_init(LinkParams *p)
{
  g_return_if_fail(p != NULL);
  *p = (LinkParams){ 0 };   /* also reorder = gilbert = FALSE, jitter = hold_time = NULL */
}

/* Written as !(in range) so that NaN is rejected too. */
static gboolean
check_probability(const char *field, double v, GError **error)
{
  if (!(v >= 0.0 && v <= 1.0)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE, "%s: %g is not a probability in [0, 1]",
                field, v);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_duration(const char *field, SimTime v, GError **error)
{
  if (v < 0) {
    char buf[SIM_TIME_FMT_LEN];
    g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE, "%s: %s is negative", field,
                sim_time_format(v, buf, sizeof buf));
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_count(const char *field, int64_t v, GError **error)
{
  if (v < 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE, "%s: %" G_GINT64_FORMAT " is negative",
                field, v);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_duration_dist(const char *field, const SimDist *d, GError **error)
{
  if (d != NULL && sim_dist_domain(d) != SIM_DIST_DURATION) {
    g_autofree char *text = sim_dist_to_string(d);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: %s is not a distribution of durations (its values need units)", field,
                text);
    return FALSE;
  }
  return TRUE;
}

gboolean
link_params_validate(const LinkParams *p, GError **error)
{
  g_return_val_if_fail(p != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  /* Every probability is checked, including those of the loss model not selected, so a
   * typo is caught before someone switches models. */
  if (!check_probability("loss", p->loss, error) ||
      !check_probability("p_gb", p->p_gb, error) ||
      !check_probability("p_bg", p->p_bg, error) ||
      !check_probability("loss_good", p->loss_good, error) ||
      !check_probability("loss_bad", p->loss_bad, error) ||
      !check_probability("dup", p->dup, error) ||
      !check_probability("hold", p->hold, error) ||
      !check_duration("delay", p->delay, error) ||
      !check_duration("msl", p->msl, error) ||
      !check_count("rate_bps", p->rate_bps, error) ||
      !check_count("queue_bytes", p->queue_bytes, error) ||
      !check_count("queue_packets", p->queue_packets, error) ||
      !check_duration_dist("jitter", p->jitter, error) ||
      !check_duration_dist("hold_time", p->hold_time, error))
    return FALSE;
  if (p->hold > 0.0 && p->hold_time == NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "hold: %g needs hold_time, the distribution of how long a segment is held",
                p->hold);
    return FALSE;
  }
  return TRUE;
}

/* ---- life cycle ----------------------------------------------------------------- */

Link *
link_new(Net *net, const LinkParams *p, NetRx rx, uint64_t component)
{
  g_return_val_if_fail(net != NULL && p != NULL && rx.deliver != NULL, NULL);
  /* Parameters that fail validation would misbehave later (a NULL hold_time is read on
   * the first hold); refusing them here costs O(1) per link. */
  g_return_val_if_fail(link_params_validate(p, NULL), NULL);
  Link *l = g_new0(Link, 1);
  l->net = net;
  l->p = p;
  l->rx = rx;
  net_component_rng(net, component, &l->rng);
  return l;
}

/* Segments still in flight keep pointing at @l from their delivery events; they are
 * harmless only if those events never fire (sim_sched_free drops them and net_free
 * reclaims the segments), which is how a run is torn down. Checking would cost a walk of
 * the event list, so it is left to the caller, as link.h says. */
void
link_free(Link *l)
{
  if (l == NULL)
    return;
  g_free(l->wait);
  g_free(l);
}

const LinkStats *
link_stats(const Link *l)
{
  g_return_val_if_fail(l != NULL, NULL);
  return &l->stats;
}

const LinkParams *
link_params(const Link *l)
{
  g_return_val_if_fail(l != NULL, NULL);
  return l->p;
}

/* Every segment handed to link_send, and every copy made, ends exactly once as a queue
 * drop, a loss, a delivery or an expiry; what has not ended yet is in flight. */
uint64_t
link_in_flight(const Link *l)
{
  g_return_val_if_fail(l != NULL, 0);
  const LinkStats *st = &l->stats;
  return st->sent + st->duplicated - st->queue_drops - st->lost - st->delivered -
         st->expired;
}

/* ---- arithmetic on times -------------------------------------------------------- */

/* a + b for a, b >= 0, saturating at SIM_TIME_MAX (a segment scheduled there simply
 * never arrives within any run). */
static inline SimTime
time_add(SimTime a, SimTime b)
{
  return a > SIM_TIME_MAX - b ? SIM_TIME_MAX : a + b;
}

/* Time to clock @wire bytes onto a link of @rate_bps, in ns, rounded up: a segment is
 * not received until its last bit is. Quotient and remainder are taken separately so
 * that nothing overflows (8e9 * wire needs 66 bits for the largest wire). */
static SimTime
tx_time(uint32_t wire, int64_t rate_bps)
{
  const uint64_t rate = (uint64_t)rate_bps;
  const uint64_t bits = (uint64_t)wire * 8u;
  /* bits * 1e9 = (q * rate + r) * 1e9 with r < rate; split again to stay in 64 bits */
  const uint64_t q = bits / rate, r = bits % rate;
  const unsigned __int128 rest_ns =
    ((unsigned __int128)r * 1000000000u + rate - 1) / rate;
  const unsigned __int128 t = (unsigned __int128)q * 1000000000u + rest_ns;
  return t > (unsigned __int128)SIM_TIME_MAX ? SIM_TIME_MAX : (SimTime)t;
}

/* ---- the drop-tail queue -------------------------------------------------------- */

/* The queue holds the segments whose transmission has not started: the one on the wire
 * has left it, as with a NIC's transmit ring behind a qdisc. Segments are appended in
 * order of start time, so those that have started by @now are at the head; trimming
 * them here, when the next segment is offered, replaces a per-segment dequeue event.
 * O(1) amortised per segment. */
static void
queue_trim(Link *l, SimTime now)
{
  while (l->wait_len > 0 && l->wait[l->wait_head].start <= now) {
    l->wait_bytes -= l->wait[l->wait_head].wire;
    l->wait_head = (l->wait_head + 1) & (l->wait_cap - 1);
    l->wait_len--;
  }
}

static void
queue_push(Link *l, SimTime start, uint32_t wire)
{
  if (l->wait_len == l->wait_cap) {
    g_assert(l->wait_cap < (UINT32_C(1) << 31));
    uint32_t cap = l->wait_cap ? 2 * l->wait_cap : 8;
    LinkWaiting *ring = g_new(LinkWaiting, cap);
    for (uint32_t i = 0; i < l->wait_len; i++)
      ring[i] = l->wait[(l->wait_head + i) & (l->wait_cap - 1)];
    g_free(l->wait);
    l->wait = ring;
    l->wait_cap = cap;
    l->wait_head = 0;
  }
  l->wait[(l->wait_head + l->wait_len) & (l->wait_cap - 1)] = (LinkWaiting){ start, wire };
  l->wait_len++;
  l->wait_bytes += wire;
}

/* TRUE if a segment of @wire bytes that must wait until @start may join the queue (and
 * then records it). Without limits nothing needs recording: the transmitter's
 * busy_until alone gives the serialization. */
static gboolean
queue_admit(Link *l, SimTime now, SimTime start, uint32_t wire)
{
  const LinkParams *p = l->p;
  if (p->queue_packets == 0 && p->queue_bytes == 0)
    return TRUE;
  queue_trim(l, now);
  if (p->queue_packets > 0 && (int64_t)l->wait_len >= p->queue_packets)
    return FALSE;
  if (p->queue_bytes > 0 && l->wait_bytes + wire > (uint64_t)p->queue_bytes)
    return FALSE;
  queue_push(l, start, wire);
  return TRUE;
}

/* ---- loss ----------------------------------------------------------------------- */

/* Gilbert-Elliott: the state moves first, then the segment is lost with the new state's
 * probability. In the bad state a run of segments stays bad for a geometric number of
 * segments of mean 1/p_bg, which is what makes losses come in bursts; the stationary
 * share of bad segments is p_gb / (p_gb + p_bg). Links start in the good state. */
static gboolean
lost_on_wire(Link *l)
{
  const LinkParams *p = l->p;
  if (!p->gilbert)
    return p->loss > 0.0 && sim_rng_bernoulli(&l->rng, p->loss);
  if (l->bad) {
    if (sim_rng_bernoulli(&l->rng, p->p_bg))
      l->bad = FALSE;
  } else if (sim_rng_bernoulli(&l->rng, p->p_gb)) {
    l->bad = TRUE;
  }
  return sim_rng_bernoulli(&l->rng, l->bad ? p->loss_bad : p->loss_good);
}

/* ---- delivery ------------------------------------------------------------------- */

/* While a segment is in flight its `next` field, otherwise unused (the segment is in no
 * list: the scheduler holds it by the event's ctx), carries the link it travels on, so
 * that the delivery event needs no record of its own and Segment does not grow. The
 * pointer is only converted back, never dereferenced as a Segment (both types are
 * 8-byte aligned, so the round trip is exact), and is cleared before the receiver
 * sees the segment. */
static void
link_deliver(SimSched *s, void *ctx)
{
  Segment *seg = ctx;
  Link *l = (Link *)(void *)seg->next;
  seg->next = NULL;
  const SimTime msl = l->p->msl;
  /* the network's lifetime limit, enforced at the far end of every link: a segment
   * that took longer than the MSL to get here (held back, or queued) is discarded, so
   * no segment older than the MSL is ever received */
  if (msl > 0 && sim_sched_now(s) - seg->birth > msl) {
    l->stats.expired++;
    SIM_TRACE_ON(l->net->log, sim_sched_now(s), 0, NET_TRACE_LINK_DROP, seg, NET_DROP_EXPIRED,
                 0, 0, 0);
    seg_free(&l->net->segs, seg);
    return;
  }
  l->stats.delivered++;
  l->stats.bytes_delivered += seg_wire_bytes(seg);
  l->rx.deliver(l->rx.ctx, seg);
}

/* Schedules @seg, whose last bit leaves the sender at @departure, to arrive after the
 * propagation delay and a jitter draw, plus @hold if it is held back.
 * With reorder FALSE an arrival is pushed to the previous one, except that a held
 * segment does not become the previous one: it is late on its own, and the segments
 * behind it pass it, whereas otherwise one hold would delay the whole link (head-of-line
 * blocking). The held segment itself still arrives @hold after its in-order time. */
static void
schedule_arrival(Link *l, Segment *seg, SimTime departure, SimTime hold)
{
  const LinkParams *p = l->p;
  SimTime arrival = time_add(departure, p->delay);
  if (p->jitter != NULL)
    arrival = time_add(arrival, sim_dist_sample_time(p->jitter, &l->rng));
  if (!p->reorder) {
    arrival = MAX(arrival, l->last_arrival);
    if (hold == 0)
      l->last_arrival = arrival;
  }
  arrival = time_add(arrival, hold);
  seg->next = (Segment *)(void *)l;
  sim_sched_at(l->net->sched, arrival, link_deliver, seg);
}

/* ---- sending -------------------------------------------------------------------- */

/* Random draws per segment, in this order and only for the impairments enabled: loss
 * (Gilbert-Elliott: transition, then loss), hold, hold time, duplication, jitter of the
 * segment, jitter of its copy. Enabling an impairment therefore shifts the draws of the
 * others on the same link, but never those of another link. */
void
link_send(Link *l, Segment *seg)
{
  g_return_if_fail(l != NULL && seg != NULL);
  const LinkParams *p = l->p;
  const SimTime now = net_now(l->net);
  l->stats.sent++;

  SimTime departure = now;
  if (p->rate_bps > 0) {
    const uint32_t wire = seg_wire_bytes(seg);
    const SimTime start = MAX(now, l->busy_until);
    /* a segment that finds the transmitter idle starts at once and never queues */
    if (start > now && !queue_admit(l, now, start, wire)) {
      l->stats.queue_drops++;
      SIM_TRACE_ON(l->net->log, now, 0, NET_TRACE_LINK_DROP, seg, NET_DROP_QUEUE, 0, 0, 0);
      seg_free(&l->net->segs, seg);
      return;
    }
    departure = time_add(start, tx_time(wire, p->rate_bps));
    l->busy_until = departure;
  }

  /* lost after serialization: a corrupted frame still occupied the wire */
  if (lost_on_wire(l)) {
    l->stats.lost++;
    SIM_TRACE_ON(l->net->log, now, 0, NET_TRACE_LINK_DROP, seg, NET_DROP_LOST, 0, 0, 0);
    seg_free(&l->net->segs, seg);
    return;
  }

  SimTime hold = 0;
  if (p->hold > 0.0 && sim_rng_bernoulli(&l->rng, p->hold)) {
    hold = sim_dist_sample_time(p->hold_time, &l->rng);
    l->stats.held++;
    SIM_TRACE_ON(l->net->log, now, 0, NET_TRACE_LINK_HELD, seg, hold, 0, 0, 0);
  }

  /* the copy is made past the bottleneck (it takes no transmitter time), is never lost
   * or held, and travels with its own jitter */
  Segment *copy = NULL;
  if (p->dup > 0.0 && sim_rng_bernoulli(&l->rng, p->dup)) {
    copy = seg_clone(&l->net->segs, seg);
    copy->dup = 1;
    l->stats.duplicated++;
    SIM_TRACE_ON(l->net->log, now, 0, NET_TRACE_LINK_DUP, seg, 0, 0, 0, 0);
  }
  schedule_arrival(l, seg, departure, hold);
  if (copy != NULL)
    schedule_arrival(l, copy, departure, 0);
}

static void
send_into_link(void *link, Segment *seg)
{
  link_send(link, seg);
}

NetRx
link_rx(Link *l)
{
  return (NetRx){ send_into_link, l };
}
