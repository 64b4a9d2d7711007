/* exp_run: one run of an experiment (exp_run.h). */
#include "exp_run.h"

#include <math.h>
#include <string.h>
#include "app.h"
#include "exp_config.h"
#include "sim_error.h"
#include "topology.h"

/* What a run adds up from its apps, hosts and links once it has ended. */
typedef struct {
  AppClientStats client;       /* summed over clients */
  uint64_t server_accepted, server_completed, server_reset, server_bytes_sent;
  uint64_t flood_syns;
  uint64_t rst_sent_closed;
  LinkStats links;             /* summed over links */
  uint64_t events;
  SimTime end;
} RunTotals;

static double
ratio(double a, double b)
{
  return b > 0 ? a / b : 0.0;
}

#define FAILED(c) ((c).refused + (c).timed_out + (c).reset + (c).no_port)
/* name, unit, doc, value (an expression over `const RunTotals *r`) */
#define RUN_METRICS(X)                                                                      \
  X("conns_opened", "count", "connections the clients opened (every connect attempted)",   \
    (double)r->client.opened)                                                              \
  X("conns_completed", "count", "client connections that sent their request, read the "    \
    "reply to its end and closed", (double)r->client.completed)                            \
  X("conns_failed", "count", "client connections refused, timed out, reset or without a "  \
    "local port", (double)FAILED(r->client))                                               \
  X("connect_time_mean", "s", "mean time from connect to ESTABLISHED at the client (the "  \
    "handshake's cost, C7)", ratio(sim_time_to_s(r->client.connect_time_sum),                          \
    (double)(r->client.opened - FAILED(r->client) + r->client.reset)))                     \
  X("completion_time_mean", "s", "mean time from connect to the end of a completed "       \
    "exchange", ratio(sim_time_to_s(r->client.completion_time_sum), (double)r->client.completed))      \
  X("server_accepted", "count", "connections the servers accepted",                        \
    (double)r->server_accepted)                                                            \
  X("server_completed", "count", "accepted connections the servers saw through to the end", \
    (double)r->server_completed)                                                           \
  X("server_reset", "count", "accepted connections that ended reset or timed out",         \
    (double)r->server_reset)                                                               \
  X("server_bytes_sent", "bytes", "reply bytes the servers wrote", (double)r->server_bytes_sent) \
  X("flood_syns", "count", "SYNs the attackers sent", (double)r->flood_syns)               \
  X("segments_sent", "count", "segments handed to links: every host's, retransmissions, "  \
    "RSTs and flood SYNs included (a dumbbell counts each hop)", (double)r->links.sent)    \
  X("segments_per_conn", "count", "segments_sent per connection opened",                   \
    ratio((double)r->links.sent, (double)r->client.opened))                                \
  X("segments_lost", "count", "segments the links' loss models dropped",                   \
    (double)r->links.lost)                                                                 \
  X("segments_duplicated", "count", "extra copies the links made", (double)r->links.duplicated) \
  X("segments_held", "count", "segments held back in the network", (double)r->links.held)  \
  X("segments_expired", "count", "segments dropped on arrival for being older than the "   \
    "network's MSL", (double)r->links.expired)                                             \
  X("queue_drops", "count", "segments dropped by full link queues",                        \
    (double)r->links.queue_drops)                                                          \
  X("rst_for_no_conn", "count", "RSTs hosts sent in answer to segments for no connection", \
    (double)r->rst_sent_closed)                                                            \
  X("events", "count", "simulation events fired", (double)r->events)                       \
  X("sim_seconds", "s", "simulated time at the end of the run", sim_time_to_s(r->end))

#define RUN_DEF(name, unit, doc, value) { name, unit, doc },
static const MetricDef run_defs[] = { RUN_METRICS(RUN_DEF) };

static void
run_read(const RunTotals *r, double *out)
{
  guint i = 0;
#define RUN_VALUE(name, unit, doc, value) out[i++] = (value);
  RUN_METRICS(RUN_VALUE)
#undef RUN_VALUE
}

guint
exp_metric_count(void)
{
  guint nm;
  metrics_table(&nm);
  return nm + (guint)G_N_ELEMENTS(run_defs);
}

const MetricDef *
exp_metric(guint i)
{
  guint nm;
  const MetricDef *m = metrics_table(&nm);
  g_return_val_if_fail(i < nm + G_N_ELEMENTS(run_defs), NULL);
  return i < nm ? &m[i] : &run_defs[i - nm];
}

int
exp_metric_find(const char *name)
{
  guint n = exp_metric_count();
  for (guint i = 0; i < n; i++)
    if (strcmp(exp_metric(i)->name, name) == 0)
      return (int)i;
  return -1;
}

/* ---- one run ---------------------------------------------------------------------- */

typedef struct {
  SimSched *sched;
  Net *net;
  Topology *topo;
  TcpConfig client_tcp, server_tcp;
  LinkParams links[4];          /* access up, access down, bottleneck up, bottleneck down */
  GPtrArray *dists;             /* SimDist *, owned */
  SimDist *interarrival;        /* one of dists, or NULL */
  GPtrArray *clients, *servers, *flooders;
} Run;

static void
run_free(Run *r)
{
  /* apps before hosts (they hold connections), hosts and links before the world */
  if (r->clients)
    g_ptr_array_free(r->clients, TRUE);
  if (r->servers)
    g_ptr_array_free(r->servers, TRUE);
  if (r->flooders)
    g_ptr_array_free(r->flooders, TRUE);
  topology_free(r->topo);
  net_free(r->net);
  sim_sched_free(r->sched);
  if (r->dists)
    g_ptr_array_free(r->dists, TRUE);
}

static gboolean
run_build(Run *r, const SimConfig *cfg, uint64_t replication,
          ExpRecord *record, GError **error)
{
  r->dists = g_ptr_array_new_with_free_func((GDestroyNotify)sim_dist_free);
  r->clients = g_ptr_array_new_with_free_func((GDestroyNotify)app_client_free);
  r->servers = g_ptr_array_new_with_free_func((GDestroyNotify)app_server_free);
  r->flooders = g_ptr_array_new_with_free_func((GDestroyNotify)app_flooder_free);
  const char *roles[2] = { "access", "bottleneck" }, *dirs[2] = { "up", "down" };
  for (int i = 0; i < 4; i++)
    if (!exp_link_params(cfg, roles[i / 2], dirs[i % 2], &r->links[i], r->dists, error))
      return FALSE;
  exp_tcp_config(cfg, "client", &r->client_tcp);
  exp_tcp_config(cfg, "server", &r->server_tcp);

  r->sched = sim_sched_new();
  SimRngStreamId stream = {
    .seed = (uint64_t)sim_config_get_int(cfg, "experiment", "seed"),
    .point = 0,     /* common random numbers across points (exp_run.h) */
    .replication = replication,
  };
  r->net = net_new(r->sched, exp_record_log(record), &stream);

  TopoSpec spec;
  exp_topo_spec(cfg, &spec);
  spec.access_up = &r->links[0];
  spec.access_down = &r->links[1];
  spec.bottleneck_up = &r->links[2];
  spec.bottleneck_down = &r->links[3];
  spec.client_tcp = &r->client_tcp;
  spec.server_tcp = &r->server_tcp;
  r->topo = topology_build(r->net, &spec, error);
  if (r->topo == NULL)
    return FALSE;

  AppServerConfig sc;
  exp_server_config(cfg, &sc);
  for (guint j = 0; j < topology_n_servers(r->topo); j++) {
    TcpErr terr = TCP_OK;
    AppServer *srv = app_server_new(topology_server(r->topo, j), &sc, &terr);
    if (srv == NULL) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "server %u cannot listen on port %u: %s",
                  j, sc.port, tcp_err_name(terr));
      return FALSE;
    }
    g_ptr_array_add(r->servers, srv);
  }

  g_autoptr(GError) derr = NULL;
  r->interarrival = exp_client_interarrival(cfg, &derr);
  if (derr != NULL) {
    g_propagate_error(error, g_steal_pointer(&derr));
    return FALSE;
  }
  if (r->interarrival != NULL)
    g_ptr_array_add(r->dists, r->interarrival);
  SimTime stagger = exp_client_stagger(cfg);
  for (guint i = 0; i < topology_n_clients(r->topo); i++) {
    AppClientConfig cc;
    exp_client_config(cfg, host_addr(topology_server_of(r->topo, i)), &cc);
    cc.interarrival = r->interarrival;
    cc.samples = exp_record_samples(record);
    cc.start += (SimTime)i * stagger;
    g_ptr_array_add(r->clients, app_client_new(topology_client(r->topo, i), &cc));
  }

  AppFlooderConfig fc;
  for (guint k = 0; k < topology_n_attackers(r->topo); k++) {
    guint target = (guint)sim_config_get_int(cfg, "flooder", "target");
    if (!exp_flooder_config(cfg, host_addr(topology_server(r->topo, target)), &fc))
      break;
    g_ptr_array_add(r->flooders, app_flooder_new(topology_attacker(r->topo, k), &fc));
  }
  return TRUE;
}

static void
link_stats_add(LinkStats *sum, const LinkStats *s)
{
  sum->delivered += s->delivered;
  sum->bytes_delivered += s->bytes_delivered;
  sum->sent += s->sent;
  sum->lost += s->lost;
  sum->duplicated += s->duplicated;
  sum->held += s->held;
  sum->queue_drops += s->queue_drops;
  sum->expired += s->expired;
}

static void
run_totals(const Run *r, RunTotals *t)
{
  memset(t, 0, sizeof *t);
  for (guint i = 0; i < r->clients->len; i++) {
    const AppClientStats *c = app_client_stats(r->clients->pdata[i]);
    t->client.opened += c->opened;
    t->client.completed += c->completed;
    t->client.refused += c->refused;
    t->client.timed_out += c->timed_out;
    t->client.reset += c->reset;
    t->client.no_port += c->no_port;
    t->client.connect_time_sum += c->connect_time_sum;
    t->client.completion_time_sum += c->completion_time_sum;
    t->client.bytes_rcvd += c->bytes_rcvd;
  }
  for (guint j = 0; j < r->servers->len; j++) {
    const AppServerStats *s = app_server_stats(r->servers->pdata[j]);
    t->server_accepted += s->accepted;
    t->server_completed += s->completed;
    t->server_reset += s->reset;
    t->server_bytes_sent += s->bytes_sent;
  }
  for (guint k = 0; k < r->flooders->len; k++)
    t->flood_syns += app_flooder_stats(r->flooders->pdata[k])->syns_sent;
  guint hosts[3] = { topology_n_servers(r->topo), topology_n_clients(r->topo),
                     topology_n_attackers(r->topo) };
  Host *(*get[3])(const Topology *, guint) = { topology_server, topology_client,
                                               topology_attacker };
  for (int role = 0; role < 3; role++)
    for (guint i = 0; i < hosts[role]; i++)
      t->rst_sent_closed += host_stats(get[role](r->topo, i))->rst_sent_closed;
  for (guint i = 0; i < topology_n_links(r->topo); i++)
    link_stats_add(&t->links, link_stats(topology_link(r->topo, i)));
  t->events = sim_sched_stats(r->sched)->fired;
  t->end = sim_sched_now(r->sched);
}

static void
watch_run(const SimSched *s, void *ctx)
{
  ExpRunLive *live = ctx;
  atomic_store_explicit(&live->events, (int64_t)sim_sched_stats(s)->fired,
                        memory_order_relaxed);
  atomic_store_explicit(&live->sim_ns, sim_sched_now(s), memory_order_relaxed);
}

gboolean
exp_run_one(const SimConfig *cfg, uint64_t replication, double *values, ExpRunInfo *info,
            GError **error)
{
  return exp_run_watched(cfg, replication, values, info, NULL, NULL, error);
}

gboolean
exp_run_watched(const SimConfig *cfg, uint64_t replication, double *values, ExpRunInfo *info,
                ExpRunLive *live, ExpRecord *record, GError **error)
{
  g_return_val_if_fail(cfg != NULL && values != NULL, FALSE);
  Run r = { 0 };
  if (!run_build(&r, cfg, replication, record, error)) {
    run_free(&r);
    return FALSE;
  }
  SimTime duration = sim_config_get_duration(cfg, "experiment", "duration");
  if (live != NULL)
    sim_sched_set_watch(r.sched, 1u << 16, watch_run, live);
  exp_record_start(record, r.net);
  sim_sched_run(r.sched, duration > 0 ? duration : SIM_TIME_MAX);
  exp_record_finish(record);

  RunTotals totals;
  run_totals(&r, &totals);
  /* Tearing down closes the books: connections still open add their time in each state
   * to the world's counters as they are freed, so the models' metrics are read last. */
  Net *net = r.net;
  r.net = NULL;
  SimSched *sched = r.sched;
  r.sched = NULL;
  run_free(&r);
  guint nm;
  metrics_table(&nm);
  metrics_read(net, values);
  run_read(&totals, values + nm);
  if (info != NULL) {
    info->events = totals.events;
    info->sim_seconds = sim_time_to_s(totals.end);
  }
  if (live != NULL)
    atomic_store_explicit(&live->events, (int64_t)totals.events, memory_order_relaxed);
  net_free(net);
  sim_sched_free(sched);
  return TRUE;
}
