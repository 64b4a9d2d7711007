/* topology: builders that wire hosts and links into the shapes experiments use.
 *   pair      one client, one server, a link each way
 *   star      N clients, one server; each client has its own link each way (the
 *             connection-storm scenario)
 *   dumbbell  N clients on the left, M servers on the right; each host has its own
 *             access link each way to a router on its side, and the two routers are
 *             joined by one bottleneck link each way that every flow shares
 * plus A attacker hosts (for a SYN flooder), wired to the server side as clients are:
 * in a star or pair each has its own access links to the server; in a dumbbell they sit
 * on the left with the clients.
 *
 * Link parameters come by role: access links (host <-> server or host <-> router) and
 * bottleneck links, each split by direction, "up" toward the servers and "down" toward
 * the clients. A pair or star has access links only. Every host's "up link" is the one
 * of its pair that carries traffic toward the servers: a client's or attacker's leaves
 * it, a dumbbell server's (router -> server) arrives at it.
 *
 * Routes: in a pair or star each client and attacker sends everything over its up link,
 * and the server has a route to each of them over its down link (host_add_route). In a
 * dumbbell every host sends everything to the router on its side; a router forwards a
 * segment for one of its hosts to that host's access link (found from the address, O(1))
 * and anything else from its own hosts over the bottleneck. A segment arriving over the
 * bottleneck for no host of that side is dropped and counted (topology_no_route): that
 * is where the answers to a flooder's spoofed sources end. The routers add no delay.
 *
 * Addresses and random-stream components are fixed by position, so that adding clients
 * never changes what an existing host or link draws:
 *   server j      address TOPO_SERVER_BASE + j, component 1 + j*3 (its access links
 *                 in a dumbbell: + 1 up, + 2 down)
 *   client i      address TOPO_CLIENT_BASE + i, component TOPO_COMPONENT_CLIENTS + 3*i,
 *                 its up link + 1, its down link + 2
 *   attacker k    address TOPO_ATTACKER_BASE + k, component TOPO_COMPONENT_ATTACKERS
 *                 + 3*k, its up link + 1, its down link + 2
 *   bottleneck    components TOPO_COMPONENT_BOTTLENECK (up) and + 1 (down)
 * Building is O(hosts) with no quadratic step: a star of a million clients takes about
 * 0.6 s and 670 bytes of heap per client (its host, its two links, the server's route
 * to it), a dumbbell about 620 (its routers need no table). */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "host.h"
#include "link.h"

G_BEGIN_DECLS

typedef enum {
  TOPO_PAIR,
  TOPO_STAR,
  TOPO_DUMBBELL,
} TopoKind;

const char *topo_kind_name(TopoKind k);   /* "pair", "star", "dumbbell" */

#define TOPO_SERVER_BASE   ((NetAddr)0x0a000001u)   /* 10.0.0.1 */
#define TOPO_CLIENT_BASE   ((NetAddr)0x0b000001u)   /* 11.0.0.1 */
#define TOPO_ATTACKER_BASE ((NetAddr)0x0c000001u)   /* 12.0.0.1 */
#define TOPO_MAX_HOSTS     (1u << 23)               /* per role, keeps the bases apart */
#define TOPO_COMPONENT_BOTTLENECK ((uint64_t)1 << 40)
#define TOPO_COMPONENT_SERVERS    ((uint64_t)1)
#define TOPO_COMPONENT_CLIENTS    ((uint64_t)1 << 32)
#define TOPO_COMPONENT_ATTACKERS  ((uint64_t)1 << 36)

typedef struct {
  TopoKind kind;
  uint32_t clients;            /* pair: 1; star, dumbbell: >= 1 */
  uint32_t servers;            /* pair, star: 1; dumbbell: >= 1 */
  uint32_t attackers;          /* >= 0 */
  /* Not copied: each must outlive the topology (links keep pointing at them). */
  const LinkParams *access_up, *access_down;
  const LinkParams *bottleneck_up, *bottleneck_down;   /* dumbbell only (else ignored) */
  const TcpConfig *client_tcp, *server_tcp;            /* attackers run client_tcp */
} TopoSpec;

typedef struct Topology Topology;

/* Checks @spec (counts per kind, within TOPO_MAX_HOSTS, every needed pointer given,
 * link parameters valid), naming the field as "topology.clients", "link.access.up" ...
 * (SIM_ERROR_RANGE for a count above TOPO_MAX_HOSTS, SIM_ERROR_INVALID for a count the
 * kind does not allow or a missing pointer, link_params_validate's code for a link).
 * The TCP configs are the caller's to validate (tcp_config_validate). */
gboolean topology_spec_validate(const TopoSpec *spec, GError **error);
/* Builds the hosts, links and routers in @net (scheduling nothing). NULL with @error
 * when @spec does not validate. */
Topology *topology_build(Net *net, const TopoSpec *spec, GError **error);
/* Frees the hosts (and every connection they still have), the routers and the links.
 * Free the apps running on the hosts first. Call with the scheduler stopped for good
 * (segments in flight refer to links), as link_free says. */
void topology_free(Topology *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Topology, topology_free)

TopoKind topology_kind(const Topology *t);
guint topology_n_clients(const Topology *t);
guint topology_n_servers(const Topology *t);
guint topology_n_attackers(const Topology *t);
Host *topology_client(const Topology *t, guint i);
Host *topology_server(const Topology *t, guint j);
Host *topology_attacker(const Topology *t, guint k);
/* The server client @i talks to: server i mod M. */
Host *topology_server_of(const Topology *t, guint i);

/* Every link of the topology, in a fixed order: each host's up then down access link,
 * servers first, then clients, then attackers; then the bottleneck up and down. Only a
 * dumbbell's servers have access links of their own (in a pair or star the server's
 * links are its clients'), so client i's up link is link 2M + 2i in a dumbbell with M
 * servers and link 2i in a pair or star. */
guint topology_n_links(const Topology *t);
Link *topology_link(const Topology *t, guint i);
/* The two bottleneck links (NULL outside a dumbbell). */
Link *topology_bottleneck(const Topology *t, gboolean up);
/* Segments the routers of a dumbbell dropped for want of a route (0 outside a dumbbell,
 * where the server counts them in host_stats()->no_route). */
uint64_t topology_no_route(const Topology *t);

G_END_DECLS
