/* bench_storm: a connection storm on a star. One server host, N client hosts, each client
 * on its own pair of 10 Mbps / 5 ms links (client -> server and server -> client; the
 * server routes to each client by its address). Every client opens K connections one
 * after another (AppClient, APP_CLOSE_FIRST): connect, send 100 bytes, half-close, read
 * to the server's FIN; the next opens when the previous is in TIME-WAIT. The server
 * (AppServer) reads and closes when the client's FIN arrives. The run drains until every
 * TIME-WAIT has expired (--time-wait, default 240 s: ns-3's 2 x 120 s MSL). The same
 * scenario for ns-3 is ../shared/peers/ns3/conn_storm.cc; bench/storm_compare.sh runs both.
 *
 * Start times: client i opens its first connection at i * stagger (default 1 us), a
 * fixed, seed-independent spread (ns-3's --stagger takes the same value in us) that keeps
 * the SYNs of the first wave from all arriving at one instant. The server's SYN backlog
 * is the model's largest, 65535; at N = 10^6 a 1 us spread still overflows it for a
 * while (syn_dropped counts the SYNs dropped, which are retried after 1 s): --stagger
 * 10us avoids that.
 *
 * The star is topologies/topology.c's (kind star), which fixes addresses and random
 * streams by position.
 *
 * Timing: wall_seconds is the run alone (sim_sched_run from time 0 until the last
 * TIME-WAIT expires), as ns-3's run_s; building the star (setup_seconds) and freeing it
 * (teardown_seconds) are reported apart. conns_per_sec = completed / wall_seconds.
 * Memory: peak_rss_kb (VmHWM) for the whole process; bytes_per_client is the heap growth
 * (mallinfo2, allocator overhead included) of building one client (host, two links, app,
 * the server's route to it, the bench's pointers); bytes_per_time_wait is the heap growth
 * from the end of setup to the moment every client is done (when TIME-WAIT peaks), over
 * the connections then in TIME-WAIT (0 when some TIME-WAIT had already expired, which
 * only a lossy run that drags on for longer than --time-wait does). time_wait_peak is
 * sampled every 10 ms of simulated time. The heap readings and the bench's own polling
 * of the clients are timed out of wall_seconds.
 *
 * Prints one key=value line; exits 0 if every connection has an outcome (none failed
 * unless --loss > 0) and nothing outlives the drain, 1 otherwise, 2 on bad options. */
#include <glib.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>

#include "app.h"
#include "bench_util.h"
#include "host.h"
#include "link.h"
#include "net.h"
#include "sim_sched.h"
#include "sim_time.h"
#include "tcp.h"
#include "topology.h"

#define CLIENT_MAX ((gint64)TOPO_MAX_HOSTS)
#define SERVER_PORT 80
#define REQUEST_BYTES 100
#define SAMPLE_STEP (10 * SIM_MS)

static size_t
heap_in_use(void)
{
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

/* Connections in TIME-WAIT now, from the run's transition counts. */
static uint64_t
time_wait_now(const Net *net)
{
  uint64_t in = 0, out = 0;
  for (int s = 0; s < TCP_NSTATES; s++) {
    in += net->tcp.transitions[s][TCP_TIME_WAIT];
    out += net->tcp.transitions[TCP_TIME_WAIT][s];
  }
  return in - out;
}

static gboolean
parse_duration(const char *opt, const char *text, SimTime *out)
{
  g_autoptr(GError) err = NULL;
  if (!sim_time_parse(text, FALSE, out, &err)) {
    fprintf(stderr, "bench_storm: --%s: %s\n", opt, err->message);
    return FALSE;
  }
  return TRUE;
}

int
main(int argc, char **argv)
{
  gint64 clients = 1000, conns = 10, seed = 1;
  double loss = 0.0;
  g_autofree char *time_wait_text = NULL, *stagger_text = NULL, *delay_text = NULL;
  GOptionEntry entries[] = {
    { "clients", 0, 0, G_OPTION_ARG_INT64, &clients, "client hosts (default 1000)", "N" },
    { "conns", 0, 0, G_OPTION_ARG_INT64, &conns, "connections per client, one after another (default 10)", "K" },
    { "loss", 0, 0, G_OPTION_ARG_DOUBLE, &loss, "Bernoulli loss on every link, both ways (default 0)", "P" },
    { "time-wait", 0, 0, G_OPTION_ARG_STRING, &time_wait_text, "TIME-WAIT length (default 240s, ns-3's 2 x MSL)", "D" },
    { "stagger", 0, 0, G_OPTION_ARG_STRING, &stagger_text, "client i starts at i * D (default 1us)", "D" },
    { "delay", 0, 0, G_OPTION_ARG_STRING, &delay_text, "one-way delay of every link (default 5ms)", "D" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "random seed (default 1)", "S" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc = g_option_context_new("- connection storm on a star of N clients");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "bench_storm: %s\n", err->message);
    return 2;
  }
  if (argc > 1) {
    fprintf(stderr, "bench_storm: unexpected argument '%s'\n", argv[1]);
    return 2;
  }
  SimTime time_wait = 240 * SIM_S, stagger = 1 * SIM_US, delay = 5 * SIM_MS;
  if ((time_wait_text && !parse_duration("time-wait", time_wait_text, &time_wait)) ||
      (stagger_text && !parse_duration("stagger", stagger_text, &stagger)) ||
      (delay_text && !parse_duration("delay", delay_text, &delay)))
    return 2;
  if (clients < 1 || clients > CLIENT_MAX || conns < 1 || conns > UINT32_MAX ||
      !(loss >= 0 && loss <= 1) || seed < 0 ||
      (clients > 1 && stagger > (SIM_TIME_MAX / 2) / (clients - 1))) {
    fprintf(stderr, "bench_storm: need --clients in [1, %" G_GINT64_FORMAT "], --conns in "
                    "[1, 2^32), --loss in [0, 1], --seed >= 0, and --stagger * clients "
                    "within the clock\n", CLIENT_MAX);
    return 2;
  }

  /* ---- the star ---- */
  SimSched *s = sim_sched_new();
  Net *net = net_new(s, NULL, &(SimRngStreamId){ (uint64_t)seed, 0, 0, 0 });
  TcpConfig ccfg, scfg;
  tcp_config_preset(&ccfg, TCP_PRESET_LINUX);
  ccfg.time_wait = time_wait;
  scfg = ccfg;
  scfg.syn_backlog = 65535;   /* the most the model takes; ns-3 has no such limit */
  if (!tcp_config_validate(&ccfg, &err) || !tcp_config_validate(&scfg, &err)) {
    fprintf(stderr, "bench_storm: %s\n", err->message);
    return 2;
  }
  LinkParams lp;
  link_params_init(&lp);
  lp.delay = delay;
  lp.rate_bps = 10 * 1000 * 1000;
  lp.loss = loss;

  size_t heap0 = heap_in_use();
  double t0 = bench_now_s();
  TopoSpec spec = {
    .kind = TOPO_STAR,
    .clients = (uint32_t)clients,
    .servers = 1,
    .access_up = &lp,
    .access_down = &lp,
    .client_tcp = &ccfg,
    .server_tcp = &scfg,
  };
  Topology *topo = topology_build(net, &spec, &err);
  if (topo == NULL) {
    fprintf(stderr, "bench_storm: %s\n", err->message);
    return 2;
  }
  Host *server = topology_server(topo, 0);
  AppServerConfig sc = {
    .port = SERVER_PORT,
    .backlog = 65535,
    .request_bytes = REQUEST_BYTES,
    .response_bytes = 0,
    .service_time = 0,
    .close_first = FALSE,     /* close when the client's FIN has arrived */
    .record = FALSE,
  };
  TcpErr terr = TCP_OK;
  AppServer *srv = app_server_new(server, &sc, &terr);
  if (srv == NULL) {
    fprintf(stderr, "bench_storm: server: %s\n", tcp_err_name(terr));
    return 1;
  }
  uint64_t live_base = net->tcp.live_conns;   /* the listener */

  AppClient **app = g_new(AppClient *, clients);
  for (gint64 i = 0; i < clients; i++) {
    AppClientConfig cc = {
      .server = host_addr(server),
      .port = SERVER_PORT,
      .conns = (uint32_t)conns,
      .start = (SimTime)i * stagger,
      .interarrival = NULL,   /* one after another */
      .request_bytes = REQUEST_BYTES,
      .close = APP_CLOSE_FIRST,
      .record = FALSE,
    };
    app[i] = app_client_new(topology_client(topo, (guint)i), &cc);
  }
  double t1 = bench_now_s();
  size_t heap1 = heap_in_use();

  /* ---- the run: in 10 ms steps (sampling TIME-WAIT) until every client is done, then
   * straight on until the last TIME-WAIT expires ---- */
  SimTime last_start = (SimTime)(clients - 1) * stagger, next_check = 0, next_poll = 0;
  uint64_t tw_peak = 0, tw_done = 0;
  size_t heap_done = heap1;
  double excluded = 0;
  double t2 = bench_now_s();
  for (;;) {
    SimTime next = sim_sched_next_time(s);
    if (next == SIM_TIME_NEVER)
      break;
    SimTime until = MAX(next, sim_sched_now(s));
    until = until > SIM_TIME_MAX - SAMPLE_STEP ? SIM_TIME_MAX
                                               : (until / SAMPLE_STEP + 1) * SAMPLE_STEP;
    sim_sched_run(s, until);
    uint64_t tw = time_wait_now(net);
    tw_peak = MAX(tw_peak, tw);
    /* Every client done? Asking each costs O(N) and is bench overhead (timed out of
     * wall_seconds): asked once a simulated second while every live connection is in
     * TIME-WAIT (the end of a run without loss), else every 10 s (a loss may keep some
     * server connection retrying after the last client is done) */
    SimTime now = sim_sched_now(s);
    gboolean quiet = net->tcp.live_conns - live_base == tw;
    if (now >= last_start && now >= (quiet ? next_check : next_poll)) {
      double ta = bench_now_s();
      gboolean done = TRUE;
      for (gint64 i = 0; i < clients && done; i++)
        done = app_client_done(app[i]);
      if (done) {
        tw_done = tw;
        heap_done = heap_in_use();
      }
      excluded += bench_now_s() - ta;
      if (done)
        break;
      next_check = now + 1 * SIM_S;
      next_poll = now + 10 * SIM_S;
    }
  }
  double t_drain = bench_now_s();
  sim_sched_run(s, SIM_TIME_MAX);
  double t3 = bench_now_s();

  /* ---- results ---- */
  double wall = t3 - t2 - excluded;
  SimSchedStats sched_st = *sim_sched_stats(s);
  double sim_seconds = sim_time_to_s(sim_sched_now(s));
  long peak_rss_kb = bench_peak_rss_kb();
  uint64_t completed = 0, failed = 0, opened = 0;
  for (gint64 i = 0; i < clients; i++) {
    const AppClientStats *cs = app_client_stats(app[i]);
    opened += cs->opened;
    completed += cs->completed;
    failed += cs->refused + cs->timed_out + cs->reset + cs->no_port;
  }
  uint64_t segs_lost = 0;
  for (guint i = 0; i < topology_n_links(topo); i++)
    segs_lost += link_stats(topology_link(topo, i))->lost;
  AppServerStats srv_st = *app_server_stats(srv);
  uint64_t syn_dropped = host_stats(server)->syn_dropped;
  uint64_t left = net->tcp.live_conns - live_base;
  double per_client = (double)(heap1 - heap0) / (double)clients;
  /* 0 unless every completed connection was still in TIME-WAIT when the last client
   * was done (always so without loss) */
  double per_tw = tw_done > 0 && tw_done == completed && heap_done > heap1
                      ? (double)(heap_done - heap1) / (double)tw_done : 0;

  /* ---- teardown (timed apart: not part of wall_seconds) ---- */
  double t4 = bench_now_s();
  for (gint64 i = 0; i < clients; i++)
    app_client_free(app[i]);
  app_server_free(srv);
  topology_free(topo);
  g_free(app);
  net_free(net);
  sim_sched_free(s);
  double teardown = bench_now_s() - t4;

  printf("bench=storm clients=%" G_GINT64_FORMAT " conns=%" G_GINT64_FORMAT " loss=%g"
         " time_wait_s=%g stagger_us=%g seed=%" G_GINT64_FORMAT " completed=%" PRIu64
         " failed=%" PRIu64 " events=%" PRIu64 " sim_seconds=%.6f setup_seconds=%.4f"
         " wall_seconds=%.4f drain_seconds=%.4f teardown_seconds=%.4f conns_per_sec=%.0f"
         " events_per_sec=%.0f peak_rss_kb=%ld bytes_per_client=%.0f"
         " bytes_per_time_wait=%.0f time_wait_peak=%" PRIu64 " server_accepted=%" PRIu64
         " server_completed=%" PRIu64 " server_bytes=%" PRIu64 " syn_dropped=%" PRIu64
         " segs_lost=%" PRIu64 " peak_pending=%" PRIu64 " cancelled=%" PRIu64 "\n",
         clients, conns, loss, sim_time_to_s(time_wait), (double)stagger / SIM_US, seed,
         completed, failed, sched_st.fired, sim_seconds, t1 - t0, wall, t3 - t_drain, teardown,
         wall > 0 ? (double)completed / wall : 0.0,
         wall > 0 ? (double)sched_st.fired / wall : 0.0, peak_rss_kb, per_client, per_tw,
         tw_peak, srv_st.accepted, srv_st.completed, srv_st.bytes_rcvd, syn_dropped, segs_lost,
         sched_st.peak_pending, sched_st.cancelled);

  uint64_t target = (uint64_t)clients * (uint64_t)conns;
  gboolean ok = completed + failed == target && opened == target && left == 0 &&
                (loss > 0 || failed == 0);
  if (!ok)
    fprintf(stderr, "bench_storm: %" PRIu64 " of %" PRIu64 " connections have an outcome "
                    "(%" PRIu64 " failed), %" PRIu64 " still live after the drain\n",
            completed + failed, target, failed, left);
  return ok ? 0 : 1;
}
