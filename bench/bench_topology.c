/* bench_topology: the cost of building and freeing a topology, alone (no traffic). A star
 * of --clients N (default 10^6) on links of 5 ms each way, or with --kind dumbbell the same
 * clients across a 5 ms bottleneck to --servers M servers, the Linux TCP preset on every
 * host. build_seconds times topology_build, free_seconds topology_free. Memory:
 * peak_rss_kb (VmHWM) for the whole process; bytes_per_client is the heap growth
 * (mallinfo2, allocator overhead included) of the build over N: a client host, its two
 * links, the server's route to it and the topology's pointers.
 *
 * Prints one key=value line; exits 0, 1 if the build fails, 2 on bad options. */
#include <glib.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "link.h"
#include "net.h"
#include "sim_error.h"
#include "sim_sched.h"
#include "tcp.h"
#include "topology.h"

static size_t
heap_in_use(void)
{
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

int
main(int argc, char **argv)
{
  gint64 clients = 1000000, servers = 1;
  g_autofree char *kind_text = NULL;
  GOptionEntry entries[] = {
    { "clients", 0, 0, G_OPTION_ARG_INT64, &clients, "client hosts (default 1000000)", "N" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_text, "star or dumbbell (default star)", "K" },
    { "servers", 0, 0, G_OPTION_ARG_INT64, &servers, "servers of a dumbbell (default 1)", "M" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc = g_option_context_new("- build and free a large topology");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "bench_topology: %s\n", err->message);
    return 2;
  }
  if (argc > 1) {
    fprintf(stderr, "bench_topology: unexpected argument '%s'\n", argv[1]);
    return 2;
  }
  TopoKind kind = TOPO_STAR;
  if (kind_text != NULL && strcmp(kind_text, "dumbbell") == 0)
    kind = TOPO_DUMBBELL;
  else if (kind_text != NULL && strcmp(kind_text, "star") != 0) {
    fprintf(stderr, "bench_topology: --kind: star or dumbbell, not '%s'\n", kind_text);
    return 2;
  }
  if (clients < 1 || clients > TOPO_MAX_HOSTS || servers < 1 || servers > TOPO_MAX_HOSTS ||
      (kind == TOPO_STAR && servers != 1)) {
    fprintf(stderr, "bench_topology: need --clients and --servers in [1, %u] (a star has "
                    "one server)\n", TOPO_MAX_HOSTS);
    return 2;
  }

  SimSched *s = sim_sched_new();
  Net *net = net_new(s, NULL, &(SimRngStreamId){ 1, 0, 0, 0 });
  TcpConfig cfg;
  tcp_config_preset(&cfg, TCP_PRESET_LINUX);
  LinkParams lp;
  link_params_init(&lp);
  lp.delay = 5 * SIM_MS;
  TopoSpec spec = {
    .kind = kind,
    .clients = (uint32_t)clients,
    .servers = (uint32_t)servers,
    .attackers = 0,
    .access_up = &lp,
    .access_down = &lp,
    .bottleneck_up = &lp,
    .bottleneck_down = &lp,
    .client_tcp = &cfg,
    .server_tcp = &cfg,
  };

  size_t heap0 = heap_in_use();
  double t0 = bench_now_s();
  Topology *t = topology_build(net, &spec, &err);
  double t1 = bench_now_s();
  size_t heap1 = heap_in_use();
  if (t == NULL) {
    fprintf(stderr, "bench_topology: %s\n", err->message);
    return 1;
  }
  guint links = topology_n_links(t);
  double t2 = bench_now_s();
  topology_free(t);
  double t3 = bench_now_s();
  long peak_rss_kb = bench_peak_rss_kb();
  net_free(net);
  sim_sched_free(s);

  printf("bench=topology kind=%s clients=%" G_GINT64_FORMAT " servers=%" G_GINT64_FORMAT
         " links=%u build_seconds=%.4f free_seconds=%.4f peak_rss_kb=%ld"
         " bytes_per_client=%.0f\n",
         topo_kind_name(kind), clients, servers, links, t1 - t0, t3 - t2, peak_rss_kb,
         (double)(heap1 - heap0) / (double)clients);
  return 0;
}
