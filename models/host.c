/* host: addresses, routes, demultiplexing and ephemeral ports. An idle host is small:
 * its tables are created on first use. */
#include "host.h"
#include "host_internal.h"
#include "tcp.h"

struct Host {
  Net *net;
  NetAddr addr;
  uint16_t next_port;
  const TcpConfig *cfg;
  NetRx default_route;
  GHashTable *routes;     /* NetAddr -> NetRx *, NULL until a second route */
  GHashTable *conns;      /* TcpConn * (its tuple) -> TcpConn *, NULL until first use */
  GHashTable *listeners;  /* port -> TcpConn *, NULL until first listen */
  SimRng rng;
  uint64_t isn_secret[2];
  HostStats stats;
};

static guint
tuple_hash(gconstpointer p)
{
  const TcpTuple *t = p;
  uint64_t x = ((uint64_t)t->laddr << 32 | t->raddr) * 0x9e3779b97f4a7c15ULL;
  x ^= ((uint64_t)t->lport << 16 | t->rport) * 0xc2b2ae3d27d4eb4fULL;
  return (guint)(x ^ (x >> 29));
}

static gboolean
tuple_equal(gconstpointer a, gconstpointer b)
{
  const TcpTuple *x = a, *y = b;
  return x->laddr == y->laddr && x->raddr == y->raddr && x->lport == y->lport &&
         x->rport == y->rport;
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
  if (h->conns)
    g_hash_table_destroy(h->conns);
  if (h->listeners)
    g_hash_table_destroy(h->listeners);
  if (h->routes)
    g_hash_table_destroy(h->routes);
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
  g_return_if_fail(h != NULL);
  if (h->routes == NULL)
    h->routes = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  NetRx *copy = g_new(NetRx, 1);
  *copy = out;
  g_hash_table_replace(h->routes, GUINT_TO_POINTER(dst), copy);
}

void
host_send(Host *h, Segment *seg)
{
  const NetRx *out = &h->default_route;
  if (h->routes) {
    const NetRx *r = g_hash_table_lookup(h->routes, GUINT_TO_POINTER(seg->dst));
    if (r)
      out = r;
  }
  if (out->deliver == NULL) {
    h->stats.no_route++;
    seg_free(&h->net->segs, seg);
    return;
  }
  h->stats.segs_out++;
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
  TcpTuple t = { seg->dst, seg->src, seg->dport, seg->sport };
  TcpConn *c = h->conns ? g_hash_table_lookup(h->conns, &t) : NULL;
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
  return h->conns ? g_hash_table_size(h->conns) : 0;
}

TcpConn *
host__conn_lookup(const Host *h, const TcpTuple *t)
{
  return h->conns ? g_hash_table_lookup(h->conns, t) : NULL;
}

void
host__conn_insert(Host *h, TcpConn *c)
{
  if (h->conns == NULL)
    h->conns = g_hash_table_new(tuple_hash, tuple_equal);
  g_assert(!g_hash_table_contains(h->conns, c));
  g_hash_table_insert(h->conns, c, c);
}

void
host__conn_remove(Host *h, TcpConn *c)
{
  if (h->conns)
    g_hash_table_remove(h->conns, c);
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
  if (h->conns) {
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, h->conns);
    while (g_hash_table_iter_next(&it, &k, &v))
      g_ptr_array_add(all, v);
  }
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
