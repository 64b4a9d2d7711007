/* host: addresses, routes, demultiplexing and ephemeral ports. An idle host is small:
 * its tables are allocated on first use.
 *
 * The connection and route tables are on the path of every segment, and a server of a
 * large star holds hundreds of thousands of entries in each, so they are flat open
 * addressing tables (linear probing, power-of-two capacity, at most 3/4 full when
 * small (a client's dozen connections in TIME-WAIT), half full when large,
 * backward-shift deletion): one slot read per lookup, where a GHashTable reads a hash
 * array, a key array and the value, each a cache miss at that size. */
#include "host.h"
#include "host_internal.h"
#include "tcp.h"

/* A connection slot keeps the tuple's hash, so that probing past other connections
 * does not touch them. Empty: c == NULL. */
typedef struct {
  uint32_t hash;
  TcpConn *c;
} ConnSlot;

typedef struct {
  NetAddr dst;
  NetRx rx;            /* empty: rx.deliver == NULL */
} RouteSlot;

struct Host {
  Net *net;
  NetAddr addr;
  uint16_t next_port;
  const TcpConfig *cfg;
  NetRx default_route;
  RouteSlot *routes;      /* NULL until the first route */
  ConnSlot *conns;        /* NULL until the first connection */
  uint32_t routes_mask, nroutes;
  uint32_t conns_mask, nconns;
  GHashTable *listeners;  /* port -> TcpConn *, NULL until first listen */
  SimRng rng;
  uint64_t isn_secret[2];
  HostStats stats;
};

static inline uint32_t
tuple_hash(const TcpTuple *t)
{
  uint64_t x = ((uint64_t)t->laddr << 32 | t->raddr) * 0x9e3779b97f4a7c15ULL;
  x ^= ((uint64_t)t->lport << 16 | t->rport) * 0xc2b2ae3d27d4eb4fULL;
  x ^= x >> 32;
  return (uint32_t)((x * 0x9e3779b97f4a7c15ULL) >> 32);   /* tables index by low bits */
}

static inline gboolean
tuple_equal(const TcpTuple *x, const TcpTuple *y)
{
  return x->laddr == y->laddr && x->raddr == y->raddr && x->lport == y->lport &&
         x->rport == y->rport;
}

static inline uint32_t
addr_hash(NetAddr a)
{
  return (uint32_t)(((uint64_t)a * 0x9e3779b97f4a7c15ULL) >> 32);
}

/* ---- the connection table ------------------------------------------------------- */

static TcpConn *
conn_find(const Host *h, const TcpTuple *t, uint32_t hash)
{
  if (h->conns == NULL)
    return NULL;
  for (uint32_t i = hash & h->conns_mask;; i = (i + 1) & h->conns_mask) {
    const ConnSlot *s = &h->conns[i];
    if (s->c == NULL)
      return NULL;
    if (s->hash == hash && tuple_equal((const TcpTuple *)s->c, t))
      return s->c;
  }
}

static gboolean conn_place(Host *h, uint32_t hash, TcpConn *c);

/* A small table (a client's dozen connections) may be 3/4 full; a large one (a server's)
 * at most half, where a search for an absent tuple (every SYN) would otherwise probe a
 * long run of slots. */
static inline gboolean
conns_full(const Host *h)
{
  uint32_t cap = h->conns_mask + 1;
  return cap <= 64 ? (h->nconns + 1) * 4 > cap * 3 : (h->nconns + 1) * 2 > cap;
}

static void
conns_grow(Host *h)
{
  ConnSlot *old = h->conns;
  uint32_t old_cap = old ? h->conns_mask + 1 : 0;
  uint32_t cap = old ? old_cap * 2 : 8;
  h->conns = g_new0(ConnSlot, cap);
  h->conns_mask = cap - 1;
  for (uint32_t i = 0; i < old_cap; i++)
    if (old[i].c)
      conn_place(h, old[i].hash, old[i].c);
  g_free(old);
}

/* Puts @c in the first free slot of its probe run; FALSE if its tuple is already in the
 * run (a caller's bug, checked on the way at no extra cost). */
static gboolean
conn_place(Host *h, uint32_t hash, TcpConn *c)
{
  uint32_t i = hash & h->conns_mask;
  for (; h->conns[i].c != NULL; i = (i + 1) & h->conns_mask)
    if (h->conns[i].hash == hash &&
        tuple_equal((const TcpTuple *)h->conns[i].c, (const TcpTuple *)c))
      return FALSE;
  h->conns[i] = (ConnSlot){ hash, c };
  return TRUE;
}

/* ---- the route table ------------------------------------------------------------ */

static const NetRx *
route_find(const Host *h, NetAddr dst)
{
  if (h->routes == NULL)
    return NULL;
  for (uint32_t i = addr_hash(dst) & h->routes_mask;; i = (i + 1) & h->routes_mask) {
    const RouteSlot *s = &h->routes[i];
    if (s->rx.deliver == NULL)
      return NULL;
    if (s->dst == dst)
      return &s->rx;
  }
}

static void
route_place(Host *h, NetAddr dst, NetRx rx)
{
  uint32_t i = addr_hash(dst) & h->routes_mask;
  while (h->routes[i].rx.deliver != NULL && h->routes[i].dst != dst)
    i = (i + 1) & h->routes_mask;
  if (h->routes[i].rx.deliver == NULL)
    h->nroutes++;
  h->routes[i] = (RouteSlot){ dst, rx };
}

static void
routes_grow(Host *h)
{
  RouteSlot *old = h->routes;
  uint32_t old_cap = old ? h->routes_mask + 1 : 0;
  uint32_t cap = old ? old_cap * 2 : 8;
  h->routes = g_new0(RouteSlot, cap);
  h->routes_mask = cap - 1;
  h->nroutes = 0;
  for (uint32_t i = 0; i < old_cap; i++)
    if (old[i].rx.deliver)
      route_place(h, old[i].dst, old[i].rx);
  g_free(old);
}

Host *
host_new(Net *net, NetAddr addr, const TcpConfig *cfg, uint64_t component)
{
  g_return_val_if_fail(net != NULL && cfg != NULL, NULL);
  Host *h = g_new0(Host, 1);
  h->net = net;
  h->addr = addr;
  h->cfg = cfg;
  h->next_port = cfg->port_lo;
  net_component_rng(net, component, &h->rng);
  /* the ISN secret comes from a stream of its own, so that drawing it does not shift
   * the host's main stream */
  SimRng secret;
  net_component_rng(net, component ^ 0x5ec12e7000000000ULL, &secret);
  h->isn_secret[0] = sim_rng_next(&secret);
  h->isn_secret[1] = sim_rng_next(&secret);
  return h;
}

static void
destroy_conn(TcpConn *c, void *ctx)
{
  (void)ctx;
  tcp_conn_destroy(c);
}

void
host_free(Host *h)
{
  if (h == NULL)
    return;
  host__foreach_conn(h, destroy_conn, NULL);
  g_free(h->conns);
  if (h->listeners)
    g_hash_table_destroy(h->listeners);
  g_free(h->routes);
  g_free(h);
}

NetAddr host_addr(const Host *h) { return h->addr; }
Net *host_net(const Host *h) { return h->net; }
const TcpConfig *host_config(const Host *h) { return h->cfg; }
const HostStats *host_stats(const Host *h) { return &h->stats; }
HostStats *host__stats(Host *h) { return &h->stats; }
SimRng *host_rng(Host *h) { return &h->rng; }
const uint64_t *host__isn_secret(const Host *h) { return h->isn_secret; }

void
host_set_default_route(Host *h, NetRx out)
{
  g_return_if_fail(h != NULL);
  h->default_route = out;
}

void
host_add_route(Host *h, NetAddr dst, NetRx out)
{
  g_return_if_fail(h != NULL && out.deliver != NULL);
  if (h->routes == NULL || (h->nroutes + 1) * 2 > h->routes_mask + 1)
    routes_grow(h);
  route_place(h, dst, out);
}

void
host_send(Host *h, Segment *seg)
{
  const NetRx *out = route_find(h, seg->dst);
  if (out == NULL)
    out = &h->default_route;
  if (out->deliver == NULL) {
    h->stats.no_route++;
    seg_free(&h->net->segs, seg);
    return;
  }
  h->stats.segs_out++;
  SIM_TRACE_ON(h->net->log, net_now(h->net), h->addr, NET_TRACE_HOST_OUT, seg, 0, 0, 0, 0);
  out->deliver(out->ctx, seg);
}

static void
deliver_to_host(void *ctx, Segment *seg)
{
  host_receive(ctx, seg);
}

NetRx
host_rx(Host *h)
{
  return (NetRx){ deliver_to_host, h };
}

void
host_receive(Host *h, Segment *seg)
{
  h->stats.segs_in++;
  SIM_TRACE_ON(h->net->log, net_now(h->net), h->addr, NET_TRACE_HOST_IN, seg, 0, 0, 0, 0);
  TcpTuple t = { seg->dst, seg->src, seg->dport, seg->sport };
  TcpConn *c = conn_find(h, &t, tuple_hash(&t));
  if (c == NULL)
    c = host__listener(h, seg->dport);
  if (c != NULL) {
    tcp_on_segment(c, seg);
    return;
  }
  /* RFC 9293 §3.10.7.1: no connection: answer with RST (never to a RST) */
  tcp_reply_rst_closed(h, seg);
  seg_free(&h->net->segs, seg);
}

guint
host_conn_count(const Host *h)
{
  return h->nconns;
}

TcpConn *
host__conn_lookup(const Host *h, const TcpTuple *t)
{
  return conn_find(h, t, tuple_hash(t));
}

void
host__conn_insert(Host *h, TcpConn *c)
{
  uint32_t hash = tuple_hash((const TcpTuple *)c);
  if (h->conns == NULL || conns_full(h))
    conns_grow(h);
  gboolean fresh = conn_place(h, hash, c);
  g_assert(fresh);                          /* one connection per 4-tuple */
  (void)fresh;
  h->nconns++;
}

void
host__conn_replace(Host *h, TcpConn *old, TcpConn *new_c)
{
  uint32_t i = tuple_hash((const TcpTuple *)old) & h->conns_mask;
  while (h->conns[i].c != old) {
    g_assert(h->conns[i].c != NULL);
    i = (i + 1) & h->conns_mask;
  }
  h->conns[i].c = new_c;
}

void
host__conn_remove(Host *h, TcpConn *c)
{
  if (h->conns == NULL)
    return;
  uint32_t hash = tuple_hash((const TcpTuple *)c);
  uint32_t i = hash & h->conns_mask;
  while (h->conns[i].c != c) {
    if (h->conns[i].c == NULL)
      return;
    i = (i + 1) & h->conns_mask;
  }
  /* backward-shift deletion: pull later members of the probe run into the hole */
  for (uint32_t j = (i + 1) & h->conns_mask; h->conns[j].c != NULL; j = (j + 1) & h->conns_mask) {
    uint32_t home = h->conns[j].hash & h->conns_mask;
    gboolean stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
    if (!stays) {
      h->conns[i] = h->conns[j];
      i = j;
    }
  }
  h->conns[i] = (ConnSlot){ 0, NULL };
  h->nconns--;
}

TcpConn *
host__listener(const Host *h, uint16_t port)
{
  return h->listeners ? g_hash_table_lookup(h->listeners, GUINT_TO_POINTER(port)) : NULL;
}

void
host__listener_insert(Host *h, uint16_t port, TcpConn *c)
{
  if (h->listeners == NULL)
    h->listeners = g_hash_table_new(g_direct_hash, g_direct_equal);
  g_hash_table_insert(h->listeners, GUINT_TO_POINTER(port), c);
}

void
host__listener_remove(Host *h, uint16_t port)
{
  if (h->listeners)
    g_hash_table_remove(h->listeners, GUINT_TO_POINTER(port));
}

uint16_t
host__pick_port(Host *h, NetAddr raddr, uint16_t rport, TcpConn **tw_victim)
{
  const TcpConfig *cfg = h->cfg;
  uint32_t span = (uint32_t)cfg->port_hi - cfg->port_lo + 1;
  *tw_victim = NULL;
  /* sequential from where the last search stopped: O(1) while ports are free, O(range)
   * to learn that none is */
  for (uint32_t i = 0; i < span; i++) {
    uint16_t port = h->next_port;
    h->next_port = port == cfg->port_hi ? cfg->port_lo : (uint16_t)(port + 1);
    if (host__listener(h, port))
      continue;
    TcpTuple t = { h->addr, raddr, port, rport };
    TcpConn *c = host__conn_lookup(h, &t);
    if (c == NULL)
      return port;
    if (tcp__tw_reusable(c)) {
      *tw_victim = c;
      return port;
    }
  }
  return 0;
}

void
host__foreach_conn(Host *h, void (*fn)(TcpConn *c, void *ctx), void *ctx)
{
  GPtrArray *all = g_ptr_array_new();
  for (uint32_t i = 0; h->conns && i <= h->conns_mask; i++)
    if (h->conns[i].c)
      g_ptr_array_add(all, h->conns[i].c);
  if (h->listeners) {
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, h->listeners);
    while (g_hash_table_iter_next(&it, &k, &v))
      g_ptr_array_add(all, v);
  }
  for (guint i = 0; i < all->len; i++)
    fn(all->pdata[i], ctx);
  g_ptr_array_free(all, TRUE);
}
