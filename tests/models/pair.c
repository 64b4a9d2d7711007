/* pair: a client and a server joined by links, for TCP tests (see pair.h). */
#include "pair.h"

void
pair_config(TcpConfig *cfg, gboolean isn_zero, void (*tweak)(TcpConfig *cfg))
{
  tcp_config_preset(cfg, TCP_PRESET_LINUX);
  cfg->tw_compact = FALSE;     /* tests look at connections they closed */
  if (isn_zero)
    cfg->isn = TCP_ISN_ZERO;
  if (tweak)
    tweak(cfg);
  CU_ASSERT_TRUE_FATAL(tcp_config_validate(cfg, NULL));
}

/* A link's parameters: @lp, or a perfect link with 1 ms of delay. */
static void
link_params_or_default(LinkParams *out, const LinkParams *lp)
{
  link_params_init(out);
  out->delay = 1 * SIM_MS;
  if (lp)
    *out = *lp;
}

void
pair_init(Pair *p, uint64_t seed, const TcpConfig *ccfg, const TcpConfig *scfg,
          const LinkParams *up_lp, const LinkParams *down_lp)
{
  memset(p, 0, sizeof *p);
  p->sched = sim_sched_new();
  p->net = net_new(p->sched, NULL, &(SimRngStreamId){ seed, 0, 0, 0 });
  p->ccfg = *ccfg;
  p->scfg = *scfg;
  link_params_or_default(&p->up_lp, up_lp);
  link_params_or_default(&p->down_lp, down_lp);
  p->client = host_new(p->net, PAIR_CLIENT_ADDR, &p->ccfg, 1);
  p->server = host_new(p->net, PAIR_SERVER_ADDR, &p->scfg, 2);
  p->up = link_new(p->net, &p->up_lp, host_rx(p->server), 3);
  p->down = link_new(p->net, &p->down_lp, host_rx(p->client), 4);
  host_set_default_route(p->client, link_rx(p->up));
  host_set_default_route(p->server, link_rx(p->down));
}

void
pair_free(Pair *p)
{
  host_free(p->client);
  host_free(p->server);
  CU_ASSERT_EQUAL(sim_sched_stats(p->sched)->pending, 0);
  CU_ASSERT_EQUAL(p->net->segs.live, 0);
  CU_ASSERT_EQUAL(p->net->tcp.live_conns, 0);
  link_free(p->up);
  link_free(p->down);
  net_free(p->net);
  sim_sched_free(p->sched);
}
