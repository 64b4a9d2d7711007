/* pair: two hosts joined by links, for tests that run TCP end to end. A client
 * (PAIR_CLIENT_ADDR) and a server (PAIR_SERVER_ADDR) share one net; the client's segments
 * go to the server over the up link and the server's come back over the down link (each
 * host's default route). The test adds what it needs on top: listeners, apps, or taps
 * between a host and its link. */
#pragma once

#include "test_util.h"
#include "host.h"
#include "link.h"
#include "net.h"
#include "sim_sched.h"
#include "tcp.h"

#define PAIR_CLIENT_ADDR 1u
#define PAIR_SERVER_ADDR 2u

typedef struct {
  SimSched *sched;
  Net *net;
  TcpConfig ccfg, scfg;        /* the client's config, the server's (the hosts read these) */
  LinkParams up_lp, down_lp;   /* the links' parameters (the links read these) */
  Host *client, *server;
  Link *up, *down;             /* client -> server, server -> client */
} Pair;

/* Sets @cfg to the Linux preset, with ISN policy zero when @isn_zero, changed by @tweak
 * (NULL: left as it is), and asserts (fatally) that the model can run it. */
void pair_config(TcpConfig *cfg, gboolean isn_zero, void (*tweak)(TcpConfig *cfg));

/* Builds @p: a scheduler, a net whose random streams derive from @seed, the client
 * (random stream 1) with a copy of @ccfg, the server (2) with a copy of @scfg, the up
 * link (3) with a copy of @up_lp and the down link (4) with a copy of @down_lp (NULL:
 * perfect, 1 ms of delay). */
void pair_init(Pair *p, uint64_t seed, const TcpConfig *ccfg, const TcpConfig *scfg,
               const LinkParams *up_lp, const LinkParams *down_lp);

/* Frees the hosts, asserts that nothing is left (no pending event, no live segment, no
 * live connection), then frees the links, the net and the scheduler. The test runs the
 * simulation out and lets go of its connections and apps first. */
void pair_free(Pair *p);
