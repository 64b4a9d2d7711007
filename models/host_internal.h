/* host_internal: what host.c and tcp.c share and nothing else sees: the 4-tuple key of
 * the connection table and the table operations. */
#pragma once

#include "host.h"

typedef struct {
  NetAddr laddr, raddr;
  uint16_t lport, rport;
} TcpTuple;

/* Every TcpConn starts with its tuple, so a TcpConn * is a key of the table. */
TcpConn *host__conn_lookup(const Host *h, const TcpTuple *t);
void host__conn_insert(Host *h, TcpConn *c);
void host__conn_remove(Host *h, TcpConn *c);
/* @new takes @old's place in the table (same tuple: a connection that moved). */
void host__conn_replace(Host *h, TcpConn *old, TcpConn *new_c);
TcpConn *host__listener(const Host *h, uint16_t port);
void host__listener_insert(Host *h, uint16_t port, TcpConn *c);
void host__listener_remove(Host *h, uint16_t port);

/* A local port for a connection to @raddr:@rport whose 4-tuple is free, or one whose
 * 4-tuple is in TIME-WAIT long enough when tw_reuse allows (then *@tw_victim is that
 * connection: the caller retires it). 0 when every port of the range is taken. */
uint16_t host__pick_port(Host *h, NetAddr raddr, uint16_t rport, TcpConn **tw_victim);

/* The host's counters, for tcp.c to count drops and reuses where they happen. */
HostStats *host__stats(Host *h);

/* The per-host secret of the RFC 6528 ISN hash. */
const uint64_t *host__isn_secret(const Host *h);

/* Calls @fn on every connection and listener (for teardown). The callback may remove
 * the connection it is given. */
void host__foreach_conn(Host *h, void (*fn)(TcpConn *c, void *ctx), void *ctx);

/* Provided by tcp.c for host__pick_port. */
gboolean tcp__tw_reusable(const TcpConn *c);
