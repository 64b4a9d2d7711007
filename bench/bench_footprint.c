/* bench_footprint: heap bytes per idle host and per connection in TIME-WAIT.
 * Idle hosts: N hosts are built and the heap in use grows by N * per_host. TIME-WAIT:
 * one client opens K connections to a server over perfect links and closes each as soon
 * as it is established; the server closes on the end of the stream, so every client
 * connection ends in TIME-WAIT. The heap growth over K counts everything a TIME-WAIT
 * connection holds: its record, its slot in the host's table, its timer's event.
 * Heap figures come from mallinfo2() (bytes in use, allocator overhead included). */
#include <glib.h>
#include <malloc.h>
#include <stdio.h>

#include "bench_util.h"
#include "host.h"
#include "link.h"
#include "net.h"
#include "tcp.h"

static size_t
heap_in_use(void)
{
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

static void
close_when_connected(TcpConn *c, void *app)
{
  (void)app;
  tcp_close(c);
}

static void
accept_all(TcpConn *l, void *app)
{
  (void)app;
  while (tcp_accept(l, NULL))
    ;
}

static void
close_at_end_of_stream(TcpConn *c, void *app)
{
  (void)app;
  if (tcp_read(c, UINT32_MAX, NULL) == 0)
    tcp_close(c);
}

int
main(int argc, char **argv)
{
  gint64 hosts = 100000, conns = 60000;
  GOptionEntry entries[] = {
    { "hosts", 0, 0, G_OPTION_ARG_INT64, &hosts, "idle hosts to build (default 100000)", "N" },
    { "conns", 0, 0, G_OPTION_ARG_INT64, &conns, "TIME-WAIT connections, <= 64000 (default 60000)", "K" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc = g_option_context_new("- memory per idle host and per TIME-WAIT connection");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "bench_footprint: %s\n", err->message);
    return 2;
  }
  if (hosts < 1 || conns < 1 || conns > 64000) {
    fprintf(stderr, "bench_footprint: need --hosts >= 1 and --conns in [1, 64000]\n");
    return 2;
  }

  SimSched *s = sim_sched_new();
  Net *net = net_new(s, NULL, &(SimRngStreamId){ 1, 0, 0, 0 });
  TcpConfig cfg;
  tcp_config_preset(&cfg, TCP_PRESET_LINUX);
  cfg.port_lo = 1024;
  cfg.port_hi = 65535;
  cfg.syn_backlog = 65535;   /* every SYN of the burst is answered at once */

  /* idle hosts */
  size_t h0 = heap_in_use();
  Host **idle = g_new(Host *, hosts);
  size_t h1 = heap_in_use();
  for (gint64 i = 0; i < hosts; i++)
    idle[i] = host_new(net, (NetAddr)(100 + i), &cfg, (uint64_t)(100 + i));
  size_t h2 = heap_in_use();
  double per_host = (double)(h2 - h1) / (double)hosts;
  (void)h0;

  /* TIME-WAIT connections */
  LinkParams lp;
  link_params_init(&lp);
  lp.delay = 1 * SIM_MS;
  Host *client = host_new(net, 1, &cfg, 1), *server = host_new(net, 2, &cfg, 2);
  Link *up = link_new(net, &lp, host_rx(server), 3), *down = link_new(net, &lp, host_rx(client), 4);
  host_set_default_route(client, link_rx(up));
  host_set_default_route(server, link_rx(down));
  TcpCallbacks ccb = { close_when_connected, NULL, NULL, NULL };
  TcpCallbacks scb = { NULL, accept_all, close_at_end_of_stream, NULL };
  TcpConn *l = tcp_listen(server, 80, 65535, &scb, NULL, NULL);
  /* two warm-up rounds size the pools, queues and tables the measured round reuses
   * (the first runs from an empty scheduler at time 0, the later ones alike) */
  for (int round = 0; round < 3; round++) {
    if (round == 2)
      h1 = heap_in_use();
    for (gint64 i = 0; i < conns; i++)
      tcp_connect(client, 2, 80, 0, &ccb, NULL, NULL);
    sim_sched_run(s, sim_sched_now(s) + 1 * SIM_S);
    if (round < 2)
      sim_sched_run(s, sim_sched_now(s) + 61 * SIM_S);   /* let TIME-WAIT expire */
  }
  h2 = heap_in_use();
  guint in_tw = host_conn_count(client);
  double per_tw = (double)(h2 - h1) / (double)conns;

  printf("bench=footprint hosts=%" G_GINT64_FORMAT " idle_host_bytes=%.0f conns=%" G_GINT64_FORMAT
         " time_wait=%u time_wait_bytes=%.0f peak_rss_kb=%ld\n",
         hosts, per_host, conns, in_tw, per_tw, bench_peak_rss_kb());

  sim_sched_run(s, SIM_TIME_MAX);
  tcp_close(l);
  host_free(client);
  host_free(server);
  for (gint64 i = 0; i < hosts; i++)
    host_free(idle[i]);
  g_free(idle);
  link_free(up);
  link_free(down);
  net_free(net);
  sim_sched_free(s);
  return in_tw == (guint)conns ? 0 : 1;
}
