/* harness: a host and a scripted peer for TCP tests (see harness.h). */
#include "harness.h"

#include <stdio.h>

static void
capture(void *ctx, Segment *seg)
{
  Harness *h = ctx;
  Captured *c = g_new(Captured, 1);
  c->seg = seg;
  c->at = sim_sched_now(h->sched);
  g_queue_push_tail(&h->out, c);
}

static void
app_connected(TcpConn *c, void *app)
{
  (void)c;
  ((AppLog *)app)->connected++;
}

static void
app_acceptable(TcpConn *l, void *app)
{
  (void)l;
  ((AppLog *)app)->acceptable++;
}

static void
app_readable(TcpConn *c, void *app)
{
  (void)c;
  ((AppLog *)app)->readable++;
}

static void
app_closed(TcpConn *c, TcpErr err, void *app)
{
  (void)c;
  AppLog *log = app;
  log->closed++;
  log->closed_err = err;
}

void
harness_init(Harness *h, void (*tweak)(TcpConfig *cfg))
{
  memset(h, 0, sizeof *h);
  h->sched = sim_sched_new();
  SimRngStreamId id = { 1, 0, 0, 0 };
  h->net = net_new(h->sched, NULL, &id);
  tcp_config_preset(&h->cfg, TCP_PRESET_LINUX);
  h->cfg.isn = TCP_ISN_ZERO;
  h->cfg.tw_compact = FALSE;   /* tests look at connections they closed */
  if (tweak)
    tweak(&h->cfg);
  CU_ASSERT_TRUE_FATAL(tcp_config_validate(&h->cfg, NULL));
  h->host = host_new(h->net, HARNESS_HOST_ADDR, &h->cfg, 1);
  host_set_default_route(h->host, (NetRx){ capture, h });
  g_queue_init(&h->out);
  h->cb = (TcpCallbacks){ app_connected, app_acceptable, app_readable, app_closed };
}

void
harness_drop_output(Harness *h)
{
  Captured *c;
  while ((c = g_queue_pop_head(&h->out))) {
    seg_free(&h->net->segs, c->seg);
    g_free(c);
  }
}

void
harness_finish(Harness *h)
{
  harness_finish_counting(h, NULL);
}

void
harness_finish_counting(Harness *h, NetTcpCounts *out)
{
  harness_expect_nothing(h);
  harness_drop_output(h);
  host_free(h->host);
  if (out)
    *out = h->net->tcp;
  /* what the host left in the queue (timers of freed connections were stopped, so only
   * injected segments that never arrived may remain) */
  CU_ASSERT_EQUAL(sim_sched_stats(h->sched)->pending, 0);
  CU_ASSERT_EQUAL(h->net->segs.live, 0);
  CU_ASSERT_EQUAL(h->net->tcp.live_conns, 0);
  net_free(h->net);
  sim_sched_free(h->sched);
}

typedef struct {
  Harness *h;
  Segment *seg;
} Injection;

static void
arrive(SimSched *s, void *ctx)
{
  (void)s;
  Injection *in = ctx;
  host_receive(in->h->host, in->seg);
  g_free(in);
}

Segment *
harness_segment(Harness *h, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
                uint32_t ack, uint32_t len)
{
  Segment *s = seg_new(&h->net->segs);
  s->src = HARNESS_PEER_ADDR;
  s->dst = HARNESS_HOST_ADDR;
  s->sport = sport;
  s->dport = dport;
  s->flags = flags;
  s->seq = seq;
  s->ack = ack;
  s->len = len;
  s->wnd = 65535;
  s->mss = (flags & TCP_SYN) ? 1460 : 0;
  return s;
}

void
harness_inject_segment(Harness *h, SimTime at, Segment *seg)
{
  seg->birth = at;
  Injection *in = g_new(Injection, 1);
  *in = (Injection){ h, seg };
  sim_sched_at(h->sched, at, arrive, in);
}

void
harness_inject(Harness *h, SimTime at, uint16_t sport, uint16_t dport, uint8_t flags,
               uint32_t seq, uint32_t ack, uint32_t len)
{
  harness_inject_segment(h, at, harness_segment(h, sport, dport, flags, seq, ack, len));
}

void
harness_run_until(Harness *h, SimTime t)
{
  sim_sched_run(h->sched, t);
}

/* The openers' segments: from HARNESS_PEER_PORT of the peer's connection of incarnation
 * @inc, no payload, arriving at @at. */
static void
inject_opening(Harness *h, SimTime at, uint64_t inc, uint16_t dport, uint8_t flags,
               uint32_t seq, uint32_t ack)
{
  Segment *s = harness_segment(h, HARNESS_PEER_PORT, dport, flags, seq, ack, 0);
  s->incarnation = inc;
  harness_inject_segment(h, at, s);
}

TcpConn *
harness_open_active(Harness *h, SimTime t, uint16_t lport, uint64_t inc, SimTime *syn_at,
                    SimTime *ack_at)
{
  harness_run_until(h, t);
  TcpErr err;
  TcpConn *c = tcp_connect(h->host, HARNESS_PEER_ADDR, HARNESS_PEER_PORT, lport, &h->cb,
                           &h->app, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  SimTime at = harness_expect(h, TCP_SYN, 0, 0, 0);
  if (syn_at)
    *syn_at = at;
  inject_opening(h, t + 10 * SIM_MS, inc, tcp_local_port(c), TCP_SYN | TCP_ACK,
                 HARNESS_PEER_ISN, 1);
  harness_run_until(h, t + 10 * SIM_MS);
  at = harness_expect(h, TCP_ACK, 1, HARNESS_PEER_ISN + 1, 0);
  if (ack_at)
    *ack_at = at;
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  return c;
}

TcpConn *
harness_open_passive(Harness *h, TcpConn **listener_out, SimTime t, uint64_t inc)
{
  TcpErr err;
  TcpConn *l = tcp_listen(h->host, HARNESS_LISTEN_PORT, 16, &h->cb, &h->app, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  inject_opening(h, t, inc, HARNESS_LISTEN_PORT, TCP_SYN, HARNESS_PEER_ISN, 0);
  harness_run_until(h, t);
  harness_expect(h, TCP_SYN | TCP_ACK, 0, HARNESS_PEER_ISN + 1, 0);
  inject_opening(h, t + 10 * SIM_MS, inc, HARNESS_LISTEN_PORT, TCP_ACK, HARNESS_PEER_ISN + 1, 1);
  harness_run_until(h, t + 10 * SIM_MS);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  *listener_out = l;
  return c;
}

SimTime
harness_expect_at_line(Harness *h, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len,
                       const char *file, int line)
{
  Captured *c = g_queue_pop_head(&h->out);
  char want[8], got[8];
  if (c == NULL) {
    fprintf(stderr, "\n  %s:%d: expected %s seq=%u ack=%u len=%u, nothing was sent\n", file,
            line, seg_flags_str(flags, want), seq, ack, len);
    CU_FAIL("expected segment not sent");
    return -1;
  }
  Segment *s = c->seg;
  gboolean ok = s->flags == flags && s->seq == seq && s->len == len &&
                (!(flags & TCP_ACK) || s->ack == ack);
  if (!ok) {
    fprintf(stderr, "\n  %s:%d: expected %s seq=%u ack=%u len=%u, got %s seq=%u ack=%u len=%u\n",
            file, line, seg_flags_str(flags, want), seq, ack, len, seg_flags_str(s->flags, got),
            s->seq, s->ack, s->len);
    CU_FAIL("segment differs");
  } else {
    CU_PASS("segment as expected");
  }
  SimTime at = c->at;
  seg_free(&h->net->segs, s);
  g_free(c);
  return at;
}

void
harness_expect_nothing_at_line(Harness *h, const char *file, int line)
{
  Captured *c = g_queue_peek_head(&h->out);
  if (c == NULL) {
    CU_PASS("nothing sent");
    return;
  }
  char got[8];
  fprintf(stderr, "\n  %s:%d: expected nothing, got %s seq=%u ack=%u len=%u at %" G_GINT64_FORMAT "\n",
          file, line, seg_flags_str(c->seg->flags, got), c->seg->seq, c->seg->ack, c->seg->len,
          c->at);
  CU_FAIL("unexpected segment");
}

guint
harness_pending(const Harness *h)
{
  return g_queue_get_length((GQueue *)&h->out);
}
