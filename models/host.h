/* host: one endpoint of the network: an address, static routes to its neighbours, the
 * demultiplexing of arriving segments to connections (O(1), through the run-wide
 * connection table), listeners, and the ephemeral port allocator. What a host does with
 * TCP lives in tcp.c; the host only finds the right connection, or answers a segment
 * for no connection with a RST (RFC 9293 §3.10.7.1). */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "net.h"

G_BEGIN_DECLS

typedef struct TcpConn TcpConn;
typedef struct TcpConfig TcpConfig;
typedef struct Host Host;

typedef struct {
  uint64_t segs_in;          /* segments received */
  uint64_t segs_out;         /* segments sent */
  uint64_t rst_sent_closed;  /* RSTs answering segments for no connection */
  uint64_t no_route;         /* segments dropped for want of a route */
  uint64_t port_exhausted;   /* connects refused for want of a free local port */
  uint64_t tw_reused;        /* local ports taken over from TIME-WAIT (tw_reuse) */
  uint64_t syn_dropped;      /* SYNs dropped: SYN backlog full */
  uint64_t accept_dropped;   /* handshakes dropped: accept backlog full */
} HostStats;

/* A host with address @addr running TCP with @cfg (shared, not copied, must outlive the
 * host), drawing from the random stream of component @component. */
Host *host_new(Net *net, NetAddr addr, const TcpConfig *cfg, uint64_t component);
/* Frees the host and every connection it still has (without sending anything). */
void host_free(Host *h);

NetAddr host_addr(const Host *h);
Net *host_net(const Host *h);
const TcpConfig *host_config(const Host *h);
const HostStats *host_stats(const Host *h);
SimRng *host_rng(Host *h);

/* Routes: segments to @dst go to @out; others to the default route. */
void host_set_default_route(Host *h, NetRx out);
void host_add_route(Host *h, NetAddr dst, NetRx out);

/* Hands @seg (owned) to the route for seg->dst; counts and frees it if there is none. */
void host_send(Host *h, Segment *seg);
/* A NetRx that delivers to this host (for links and harnesses). */
NetRx host_rx(Host *h);
/* Delivers an arriving segment (takes ownership). */
void host_receive(Host *h, Segment *seg);

/* Live connections on this host (every state but the listeners). */
guint host_conn_count(const Host *h);

G_END_DECLS
