/* metrics: the report table over the per-run counters (see metrics.h). One X-macro list
 * keeps names, units, docs and the reading of each value together. */
#include "metrics.h"

#include <string.h>
#include "tcp.h"


/* name, unit, doc, value (an expression over `const NetTcpCounts *n`) */
#define METRICS(X)                                                                        \
  X("conns_created", "count", "connections created (active, passive and listeners)",       \
    (double)n->conns_created)                                                              \
  X("conns_established", "count", "times a connection reached ESTABLISHED",               \
    (double)into(n, TCP_ESTABLISHED))                                                                    \
  X("time_wait_entered", "count", "times a connection entered TIME-WAIT", (double)into(n, TCP_TIME_WAIT)) \
  X("wasted_connections", "count",                                                         \
    "passive connections that committed (ESTABLISHED) to a client incarnation that never " \
    "answered after its SYN (C6)", (double)n->wasted_conns)                                \
  X("wasted_seconds", "s", "time wasted connections were held after committing",          \
    sim_time_to_s(n->wasted_time))                                                                     \
  X("wasted_bytes", "bytes", "payload bytes sent on wasted connections",                  \
    (double)n->wasted_bytes)                                                               \
  X("stale_segments", "count",                                                             \
    "segments of an older incarnation of a 4-tuple taken in by a newer one (C16)",        \
    (double)n->stale_segs)                                                                 \
  X("stale_bytes", "bytes", "payload bytes of stale segments taken as new data (C16)",    \
    (double)n->stale_bytes)                                                                \
  X("last_ack_timeouts", "count",                                                          \
    "connections that left LAST-ACK by giving up their FIN, never acknowledged (C17)",    \
    (double)n->last_ack_timeouts)                                                          \
  X("last_ack_resets", "count", "connections that left LAST-ACK on a RST (C17)",          \
    (double)n->last_ack_resets)                                                            \
  X("time_wait_reacks", "count", "resent FINs acknowledged again from TIME-WAIT, each "    \
    "restarting it (C15)", (double)n->time_wait_reacks)                                    \
  X("time_wait_resets", "count", "TIME-WAITs ended early by a RST (RFC 1337's hazard)",   \
    (double)n->time_wait_resets)                                                           \
  X("connect_refused", "count", "active opens answered with RST", (double)n->connect_refused) \
  X("connect_timed_out", "count", "active opens that gave up their SYN retries",          \
    (double)n->connect_timed_out)                                                          \
  X("connect_no_port", "count", "active opens that found no free local port",             \
    (double)n->connect_no_port)                                                            \
  X("syn_backlog_drops", "count", "SYNs dropped with the SYN queue full",                 \
    (double)n->syn_backlog_drops)                                                          \
  X("accept_backlog_drops", "count", "SYNs or handshake ACKs dropped with the accept queue full", \
    (double)n->accept_backlog_drops)                                                       \
  X("syn_data_bytes", "bytes", "payload bytes that arrived on SYNs at listeners (C8)",    \
    (double)n->syn_data_bytes)                                                             \
  X("syn_data_held_peak", "bytes",                                                         \
    "most SYN payload bytes half-open connections held at once (syn_data=buffer or accept, C8)",    \
    (double)n->syn_data_held_peak)                                                         \
  X("rtx_syn", "count", "SYN retransmissions", (double)n->rtx_syn)                        \
  X("rtx_synack", "count", "SYN,ACK retransmissions", (double)n->rtx_synack)              \
  X("rtx_data", "count", "data segment retransmissions on timeout", (double)n->rtx_data)  \
  X("rtx_fin", "count", "FIN retransmissions on timeout (C19)", (double)n->rtx_fin)       \
  X("tail_loss_probes", "count", "tail loss probes sent", (double)n->probes)              \
  X("time_closed", "s", "connection-seconds in CLOSED (listeners' and closed sockets')",  \
    sim_time_to_s(n->state_time[TCP_CLOSED]))                                                                   \
  X("time_listen", "s", "connection-seconds in LISTEN", sim_time_to_s(n->state_time[TCP_LISTEN]))             \
  X("time_syn_sent", "s", "connection-seconds in SYN-SENT", sim_time_to_s(n->state_time[TCP_SYN_SENT]))         \
  X("time_syn_received", "s", "connection-seconds in SYN-RECEIVED", sim_time_to_s(n->state_time[TCP_SYN_RECEIVED])) \
  X("time_established", "s", "connection-seconds in ESTABLISHED", sim_time_to_s(n->state_time[TCP_ESTABLISHED]))   \
  X("time_fin_wait_1", "s", "connection-seconds in FIN-WAIT-1", sim_time_to_s(n->state_time[TCP_FIN_WAIT_1]))     \
  X("time_fin_wait_2", "s", "connection-seconds in FIN-WAIT-2", sim_time_to_s(n->state_time[TCP_FIN_WAIT_2]))     \
  X("time_close_wait", "s", "connection-seconds in CLOSE-WAIT", sim_time_to_s(n->state_time[TCP_CLOSE_WAIT]))     \
  X("time_closing", "s", "connection-seconds in CLOSING", sim_time_to_s(n->state_time[TCP_CLOSING]))           \
  X("time_last_ack", "s", "connection-seconds in LAST-ACK", sim_time_to_s(n->state_time[TCP_LAST_ACK]))         \
  X("time_time_wait", "s", "connection-seconds in TIME-WAIT (C17: the port-reuse cost)",  \
    sim_time_to_s(n->state_time[TCP_TIME_WAIT]))

/* Transitions into state @to from any state. */
static uint64_t
into(const NetTcpCounts *n, int to)
{
  uint64_t sum = 0;
  for (int from = 0; from < NET_TCP_NSTATES; from++)
    sum += n->transitions[from][to];
  return sum;
}

#define DEF(name, unit, doc, value) { name, unit, doc },
static const MetricDef table[] = { METRICS(DEF) };
#undef DEF

const MetricDef *
metrics_table(guint *n)
{
  if (n)
    *n = G_N_ELEMENTS(table);
  return table;
}

int
metrics_find(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(table); i++)
    if (strcmp(table[i].name, name) == 0)
      return (int)i;
  return -1;
}

void
metrics_read(const Net *net, double *out)
{
  g_return_if_fail(net != NULL && out != NULL);
  const NetTcpCounts *n = &net->tcp;
  guint i = 0;
#define READ(name, unit, doc, value) out[i++] = (value);
  METRICS(READ)
#undef READ
}
