/* link: a one-way channel between two points of the network, with every impairment the
 * lifecycle claims need: delay (base + jitter, in order or reordering), Bernoulli or
 * Gilbert-Elliott loss, duplication, hold-back spikes (a segment stuck in the network
 * for a while: the old SYN of claim C6), bandwidth with a drop-tail queue, and the
 * network's lifetime limit (a segment older than the MSL is dropped, so MSL holds).
 * Each link draws from its own random stream. Delivery is one scheduler event per
 * segment; no per-link event runs while the link is idle. */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "net.h"
#include "sim_dist.h"

G_BEGIN_DECLS

/* Impairments, shared read-only by every link built with them (a topology builds a
 * million access links from one LinkParams); the caller owns it and it must outlive the
 * links. Zeroed (after link_params_init) means a perfect link with no delay. */
typedef struct {
  SimTime delay;            /* base one-way propagation delay */
  SimDist *jitter;          /* extra delay per segment (duration dist) or NULL; negative
                             * draws count as 0 */
  gboolean reorder;         /* FALSE: a segment never overtakes an earlier one (its
                             * arrival is pushed to the previous arrival); TRUE: jitter may
                             * reorder */
  double loss;              /* Bernoulli loss probability, when gilbert is FALSE */
  gboolean gilbert;         /* Gilbert-Elliott two-state loss instead of Bernoulli */
  double p_gb, p_bg;        /* per-segment transition probabilities good->bad, bad->good */
  double loss_good, loss_bad; /* loss probability in each state */
  double dup;               /* probability that a delivered segment arrives twice */
  double hold;              /* probability that a segment is held back ... */
  SimDist *hold_time;       /* ... for this long (duration dist; required if hold > 0),
                             * on top of its delay and jitter. One segment stuck in the
                             * network: those behind it pass it even when reorder is
                             * FALSE (it does not block the link) */
  int64_t rate_bps;         /* bandwidth in bits/s; 0: infinite (no serialization) */
  int64_t queue_bytes;      /* drop-tail limit of the queue waiting to be sent, in wire
                             * bytes; 0: unlimited */
  int64_t queue_packets;    /* the same in segments; 0: unlimited */
  SimTime msl;              /* network lifetime: a segment whose age on arrival exceeds
                             * it is dropped (expired); 0: no limit */
} LinkParams;

void link_params_init(LinkParams *p);
/* Checks ranges (probabilities in [0, 1], non-negative delay, rate, limits, msl;
 * hold_time present when hold > 0). On failure names the field ("loss", "p_gb", ...). */
gboolean link_params_validate(const LinkParams *p, GError **error);

typedef struct {
  uint64_t delivered;     /* segments handed to the receiver (duplicates included) */
  uint64_t bytes_delivered; /* wire bytes delivered */
  uint64_t sent;          /* segments handed to link_send */
  uint64_t lost;          /* dropped by the loss model */
  uint64_t duplicated;    /* extra copies made */
  uint64_t held;          /* segments held back */
  uint64_t queue_drops;   /* dropped because the queue was full */
  uint64_t expired;       /* dropped at arrival for being older than the MSL */
} LinkStats;

typedef struct Link Link;

/* A link from the sender to @rx in @net, with impairments @p (not copied) and the random
 * stream of component @component. */
Link *link_new(Net *net, const LinkParams *p, NetRx rx, uint64_t component);
/* Frees @l. Segments in flight on it must have been delivered or the scheduler must not
 * run again (they reference the link). */
void link_free(Link *l);

/* Sends @seg (takes ownership). Order of effects: queue (drop-tail) and serialization at
 * rate_bps; then the loss model; then delay + jitter (+ hold-back); duplication makes an
 * independent copy (its own jitter) marked seg->dup = 1. Segments whose age exceeds msl
 * when they arrive are dropped. */
void link_send(Link *l, Segment *seg);

/* A NetRx that sends into @l: what a host's route to a neighbour is. */
NetRx link_rx(Link *l);

const LinkStats *link_stats(const Link *l);
const LinkParams *link_params(const Link *l);
/* Segments accepted by link_send (and copies made) not yet delivered or dropped. */
uint64_t link_in_flight(const Link *l);

G_END_DECLS
