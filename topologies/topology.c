/* topology: the pair, star and dumbbell builders, and the two routers of a dumbbell.
 * Addresses and components are pure functions of a host's role and index, so a router
 * finds the link toward a host by subtracting a base address (O(1), no table), and a
 * star's or dumbbell's size never shifts the random stream of a host or link. */
#include "topology.h"
#include "sim_error.h"

/* Hosts of one role behind a router: host k's link from the router is first[2 * k]
 * (the topology's links array keeps each host's up and down link side by side). */
typedef struct {
  NetAddr base;
  guint n;
  Link **first;
} TopoRouteBlock;

/* A forwarding node with no delay, queue or randomness of its own: the links around it
 * carry every impairment. Segments from its own hosts that match none of them take the
 * bottleneck (the default route); segments arriving over the bottleneck that match none
 * are dropped, so a segment crosses the bottleneck at most once and an address nobody
 * has (the source a flooder spoofed) cannot make two routers bounce it for ever. */
typedef struct {
  Net *net;
  TopoRouteBlock block[2];
  guint n_blocks;
  Link *core;          /* the bottleneck link leaving this router */
  uint64_t no_route;   /* segments from the bottleneck for no host of this side */
} TopoRouter;

struct Topology {
  Net *net;
  TopoKind kind;
  guint n_clients, n_servers, n_attackers;
  Host **hosts;        /* servers, clients, attackers: one allocation */
  guint n_links;
  Link **links;        /* in the order topology_link() promises */
  guint client_links;  /* index of client 0's up link (attackers' follow the clients') */
  TopoRouter left, right;   /* dumbbell only */
};

static const char *const kind_names[] = {
  [TOPO_PAIR] = "pair",
  [TOPO_STAR] = "star",
  [TOPO_DUMBBELL] = "dumbbell",
};

const char *
topo_kind_name(TopoKind k)
{
  return (guint)k < G_N_ELEMENTS(kind_names) ? kind_names[k] : "unknown";
}

/* ---- validation ------------------------------------------------------------------- */

static gboolean
check_count(const char *key, uint32_t n, uint32_t lo, uint32_t hi, TopoKind kind,
            GError **error)
{
  if (n > TOPO_MAX_HOSTS) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE,
                "topology.%s: %" G_GUINT32_FORMAT " is more than the %u a role can have",
                key, n, TOPO_MAX_HOSTS);
    return FALSE;
  }
  if (n < lo || n > hi) {
    if (lo == hi)
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "topology.%s: a %s has exactly %" G_GUINT32_FORMAT ", not %"
                  G_GUINT32_FORMAT, key, topo_kind_name(kind), lo, n);
    else
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "topology.%s: a %s needs at least %" G_GUINT32_FORMAT, key,
                  topo_kind_name(kind), lo);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_link(const char *key, const LinkParams *p, GError **error)
{
  if (p == NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: no link parameters given", key);
    return FALSE;
  }
  GError *local = NULL;
  if (!link_params_validate(p, &local)) {
    g_propagate_prefixed_error(error, local, "%s: ", key);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_tcp(const char *key, const TcpConfig *cfg, GError **error)
{
  if (cfg == NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "topology.%s: no TCP config given", key);
    return FALSE;
  }
  return TRUE;
}

gboolean
topology_spec_validate(const TopoSpec *spec, GError **error)
{
  g_return_val_if_fail(spec != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  TopoKind k = spec->kind;
  uint32_t max = TOPO_MAX_HOSTS;
  switch (k) {
  case TOPO_PAIR:
    if (!check_count("clients", spec->clients, 1, 1, k, error) ||
        !check_count("servers", spec->servers, 1, 1, k, error))
      return FALSE;
    break;
  case TOPO_STAR:
    if (!check_count("clients", spec->clients, 1, max, k, error) ||
        !check_count("servers", spec->servers, 1, 1, k, error))
      return FALSE;
    break;
  case TOPO_DUMBBELL:
    if (!check_count("clients", spec->clients, 1, max, k, error) ||
        !check_count("servers", spec->servers, 1, max, k, error))
      return FALSE;
    break;
  default:
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "topology.kind: unknown kind %d",
                (int)k);
    return FALSE;
  }
  if (!check_count("attackers", spec->attackers, 0, max, k, error) ||
      !check_link("link.access.up", spec->access_up, error) ||
      !check_link("link.access.down", spec->access_down, error))
    return FALSE;
  if (k == TOPO_DUMBBELL && (!check_link("link.bottleneck.up", spec->bottleneck_up, error) ||
                             !check_link("link.bottleneck.down", spec->bottleneck_down, error)))
    return FALSE;
  return check_tcp("client_tcp", spec->client_tcp, error) &&
         check_tcp("server_tcp", spec->server_tcp, error);
}

/* ---- routers ---------------------------------------------------------------------- */

static Link *
router_lookup(const TopoRouter *r, NetAddr dst)
{
  for (guint b = 0; b < r->n_blocks; b++) {
    const TopoRouteBlock *blk = &r->block[b];
    /* unsigned: an address below the base wraps to a huge offset */
    NetAddr off = dst - blk->base;
    if (off < blk->n)
      return blk->first[2 * (size_t)off];
  }
  return NULL;
}

static void
router_from_access(void *ctx, Segment *seg)
{
  TopoRouter *r = ctx;
  Link *out = router_lookup(r, seg->dst);
  link_send(out ? out : r->core, seg);
}

static void
router_from_core(void *ctx, Segment *seg)
{
  TopoRouter *r = ctx;
  Link *out = router_lookup(r, seg->dst);
  if (out == NULL) {
    r->no_route++;
    seg_free(&r->net->segs, seg);
    return;
  }
  link_send(out, seg);
}

static NetRx
router_access_rx(TopoRouter *r)
{
  return (NetRx){ router_from_access, r };
}

static NetRx
router_core_rx(TopoRouter *r)
{
  return (NetRx){ router_from_core, r };
}

static void
router_add_block(TopoRouter *r, NetAddr base, guint n, Link **first)
{
  g_assert(r->n_blocks < G_N_ELEMENTS(r->block));
  r->block[r->n_blocks++] = (TopoRouteBlock){ base, n, first };
}

/* ---- building ----------------------------------------------------------------------- */

/* A host on the client side (client or attacker) with its two access links at
 * links[at], links[at + 1]: up toward @core_side (the server, or the left router), down
 * back to the host. In a star the server gets a route back over the down link; in a
 * dumbbell the left router finds that link by address. */
static void
build_client_side(Topology *t, const TopoSpec *spec, Host **slot, NetAddr addr,
                  uint64_t component, guint at, NetRx core_side, Host *server)
{
  Host *h = host_new(t->net, addr, spec->client_tcp, component);
  Link *up = link_new(t->net, spec->access_up, core_side, component + 1);
  Link *down = link_new(t->net, spec->access_down, host_rx(h), component + 2);
  host_set_default_route(h, link_rx(up));
  if (server != NULL)
    host_add_route(server, addr, link_rx(down));
  *slot = h;
  t->links[at] = up;
  t->links[at + 1] = down;
}

Topology *
topology_build(Net *net, const TopoSpec *spec, GError **error)
{
  g_return_val_if_fail(net != NULL && spec != NULL, NULL);
  if (!topology_spec_validate(spec, error))
    return NULL;
  gboolean dumbbell = spec->kind == TOPO_DUMBBELL;
  Topology *t = g_new0(Topology, 1);
  t->net = net;
  t->kind = spec->kind;
  t->n_clients = spec->clients;
  t->n_servers = spec->servers;
  t->n_attackers = spec->attackers;
  guint n_hosts = t->n_servers + t->n_clients + t->n_attackers;
  guint server_links = dumbbell ? 2 * t->n_servers : 0;
  t->client_links = server_links;
  t->n_links = server_links + 2 * (t->n_clients + t->n_attackers) + (dumbbell ? 2 : 0);
  t->hosts = g_new(Host *, n_hosts);
  t->links = g_new(Link *, t->n_links);
  Host **clients = t->hosts + t->n_servers;
  Host **attackers = clients + t->n_clients;
  guint attacker_links = t->client_links + 2 * t->n_clients;

  for (guint j = 0; j < t->n_servers; j++)
    t->hosts[j] = host_new(net, TOPO_SERVER_BASE + j, spec->server_tcp,
                           TOPO_COMPONENT_SERVERS + 3 * (uint64_t)j);

  NetRx core_side;
  Host *server = NULL;
  if (dumbbell) {
    /* Routers first, so that the access links can point at them; the bottleneck links
     * last, since they point at routers whose tables are the links array itself. */
    t->left = (TopoRouter){ .net = net };
    t->right = (TopoRouter){ .net = net };
    router_add_block(&t->left, TOPO_CLIENT_BASE, t->n_clients, t->links + t->client_links + 1);
    router_add_block(&t->left, TOPO_ATTACKER_BASE, t->n_attackers, t->links + attacker_links + 1);
    router_add_block(&t->right, TOPO_SERVER_BASE, t->n_servers, t->links);
    /* a server's up link is the right router's way to it (toward the servers: access
     * up); its down link carries its traffic toward the clients (access down) */
    for (guint j = 0; j < t->n_servers; j++) {
      uint64_t comp = TOPO_COMPONENT_SERVERS + 3 * (uint64_t)j;
      t->links[2 * j] = link_new(net, spec->access_up, host_rx(t->hosts[j]), comp + 1);
      t->links[2 * j + 1] = link_new(net, spec->access_down, router_access_rx(&t->right),
                                     comp + 2);
      host_set_default_route(t->hosts[j], link_rx(t->links[2 * j + 1]));
    }
    core_side = router_access_rx(&t->left);
  } else {
    server = t->hosts[0];
    core_side = host_rx(server);
  }

  for (guint i = 0; i < t->n_clients; i++)
    build_client_side(t, spec, &clients[i], TOPO_CLIENT_BASE + i,
                      TOPO_COMPONENT_CLIENTS + 3 * (uint64_t)i, t->client_links + 2 * i,
                      core_side, server);
  for (guint k = 0; k < t->n_attackers; k++)
    build_client_side(t, spec, &attackers[k], TOPO_ATTACKER_BASE + k,
                      TOPO_COMPONENT_ATTACKERS + 3 * (uint64_t)k, attacker_links + 2 * k,
                      core_side, server);

  if (dumbbell) {
    guint b = t->n_links - 2;
    t->links[b] = link_new(net, spec->bottleneck_up, router_core_rx(&t->right),
                           TOPO_COMPONENT_BOTTLENECK);
    t->links[b + 1] = link_new(net, spec->bottleneck_down, router_core_rx(&t->left),
                               TOPO_COMPONENT_BOTTLENECK + 1);
    t->left.core = t->links[b];
    t->right.core = t->links[b + 1];
  }
  return t;
}

void
topology_free(Topology *t)
{
  if (t == NULL)
    return;
  /* hosts first: their connections' timers go with them; then nothing refers to the
   * links but the segments in flight, which the stopped scheduler will never deliver */
  guint n_hosts = t->n_servers + t->n_clients + t->n_attackers;
  for (guint i = 0; i < n_hosts; i++)
    host_free(t->hosts[i]);
  for (guint i = 0; i < t->n_links; i++)
    link_free(t->links[i]);
  g_free(t->hosts);
  g_free(t->links);
  g_free(t);
}

/* ---- access ------------------------------------------------------------------------- */

TopoKind
topology_kind(const Topology *t)
{
  g_return_val_if_fail(t != NULL, TOPO_PAIR);
  return t->kind;
}

guint
topology_n_clients(const Topology *t)
{
  g_return_val_if_fail(t != NULL, 0);
  return t->n_clients;
}

guint
topology_n_servers(const Topology *t)
{
  g_return_val_if_fail(t != NULL, 0);
  return t->n_servers;
}

guint
topology_n_attackers(const Topology *t)
{
  g_return_val_if_fail(t != NULL, 0);
  return t->n_attackers;
}

Host *
topology_client(const Topology *t, guint i)
{
  g_return_val_if_fail(t != NULL && i < t->n_clients, NULL);
  return t->hosts[t->n_servers + i];
}

Host *
topology_server(const Topology *t, guint j)
{
  g_return_val_if_fail(t != NULL && j < t->n_servers, NULL);
  return t->hosts[j];
}

Host *
topology_attacker(const Topology *t, guint k)
{
  g_return_val_if_fail(t != NULL && k < t->n_attackers, NULL);
  return t->hosts[t->n_servers + t->n_clients + k];
}

Host *
topology_server_of(const Topology *t, guint i)
{
  g_return_val_if_fail(t != NULL && i < t->n_clients, NULL);
  return t->hosts[i % t->n_servers];
}

guint
topology_n_links(const Topology *t)
{
  g_return_val_if_fail(t != NULL, 0);
  return t->n_links;
}

Link *
topology_link(const Topology *t, guint i)
{
  g_return_val_if_fail(t != NULL && i < t->n_links, NULL);
  return t->links[i];
}

Link *
topology_bottleneck(const Topology *t, gboolean up)
{
  g_return_val_if_fail(t != NULL, NULL);
  if (t->kind != TOPO_DUMBBELL)
    return NULL;
  return t->links[t->n_links - (up ? 2 : 1)];
}

uint64_t
topology_no_route(const Topology *t)
{
  g_return_val_if_fail(t != NULL, 0);
  return t->left.no_route + t->right.no_route;
}
