/* net: the world of one simulation run: its scheduler, log, segment pool and random
 * stream identity, shared by the hosts and links built in it. One Net per run; nothing
 * here is global, so runs on different threads share nothing. */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "segment.h"
#include "sim_log.h"
#include "sim_rng.h"
#include "sim_sched.h"

G_BEGIN_DECLS

/* Whatever segments can be handed to: a host, or a test harness playing a peer. */
typedef struct {
  void (*deliver)(void *ctx, Segment *seg);   /* takes ownership of @seg */
  void *ctx;
} NetRx;

/* Counts the TCP model keeps per run (tcp.h names the states; TcpState indexes these). */
#define NET_TCP_NSTATES 11
typedef struct {
  uint64_t live_conns;                                  /* connections allocated, not freed */
  uint64_t conns_created;
  uint64_t in_state[NET_TCP_NSTATES];                   /* live connections per state now */
  uint64_t transitions[NET_TCP_NSTATES][NET_TCP_NSTATES]; /* [from][to] */
  /* connection-time spent in each state, added as connections leave it (and when they
   * are freed, so that a torn-down run counts everything) */
  SimTime state_time[NET_TCP_NSTATES];
  /* The oracles: what went wrong, counted where it happens (models/metrics.h names
   * each one for reports). A wasted connection is a passive one that committed
   * (reached ESTABLISHED) and closed without the client incarnation whose SYN it
   * answered ever acknowledging its SYN (C6: an old SYN answered by a client in
   * TIME-WAIT or by no connection at all); a stale segment is one from another
   * incarnation taken in by a connection that has a peer (C16). */
  uint64_t wasted_conns, wasted_bytes;
  SimTime wasted_time;                  /* from commitment to CLOSED */
  uint64_t stale_segs, stale_bytes;
  uint64_t last_ack_timeouts, last_ack_resets;          /* left LAST-ACK otherwise (C17) */
  uint64_t time_wait_reacks;     /* a resent FIN acknowledged again from TIME-WAIT (C15) */
  uint64_t time_wait_resets;     /* TIME-WAITs a RST ended early (RFC 1337's hazard) */
  uint64_t connect_refused, connect_timed_out, connect_no_port;
  uint64_t syn_backlog_drops, accept_backlog_drops;
  uint64_t syn_data_bytes, syn_data_held, syn_data_held_peak;   /* bytes on SYNs (C8) */
  uint64_t rtx_syn, rtx_synack, rtx_data, rtx_fin, probes;      /* retransmissions */
} NetTcpCounts;

/* Trace records the hosts and links emit (SimTraceRecord.kind; tcp.h has the TCP
 * model's), each about a segment (subject, lent for the call):
 *   NET_TRACE_HOST_OUT   a host hands @subject to the network; component: its address
 *   NET_TRACE_HOST_IN    @subject is delivered to a host; component: its address
 *   NET_TRACE_LINK_DROP  a link drops @subject; arg[0] = NetDropReason
 *   NET_TRACE_LINK_DUP   a link makes a copy of @subject (the copy's `dup` is set)
 *   NET_TRACE_LINK_HELD  a link holds @subject back; arg[0] = for how long (ns)
 * Link records have component 0. */
enum {
  NET_TRACE_HOST_OUT = 16,
  NET_TRACE_HOST_IN,
  NET_TRACE_LINK_DROP,
  NET_TRACE_LINK_DUP,
  NET_TRACE_LINK_HELD,
};

typedef enum {
  NET_DROP_LOST,        /* the loss model */
  NET_DROP_QUEUE,       /* a full drop-tail queue */
  NET_DROP_EXPIRED,     /* older than the network's MSL on arrival */
} NetDropReason;

typedef struct Net {
  SimSched *sched;          /* not owned */
  SimLog *log;              /* not owned; never NULL (a silent log if none given) */
  SegPool segs;
  SimRngStreamId stream;    /* seed, point, replication; .component set per component */
  uint64_t next_incarnation;
  NetTcpCounts tcp;
  /* When set, called before tcp.in_state changes (at the time of the change): how the
   * counts are sampled over time without events of their own (exp_record.h). */
  void (*census)(void *ctx, const struct Net *net);
  void *census_ctx;
  SimLog silent;
} Net;

/* A world over @sched (which must outlive it). @log may be NULL. @stream names the run's
 * streams; its component field is ignored. */
Net *net_new(SimSched *sched, SimLog *log, const SimRngStreamId *stream);
/* Frees the world; segments still in flight are reclaimed with the pool. */
void net_free(Net *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Net, net_free)

/* Seeds @rng as the stream of component @component of this run. Components are numbered
 * by whoever builds them (topologies), so adding one never shifts another's stream. */
void net_component_rng(const Net *net, uint64_t component, SimRng *rng);

static inline SimTime
net_now(const Net *net)
{
  return sim_sched_now(net->sched);
}

G_END_DECLS
