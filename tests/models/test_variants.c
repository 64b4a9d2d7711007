/* Tests for the lifecycle variants of models/tcp.c (handshake 2/3/4, close 3/4, data on
 * SYNs, the TIME-WAIT length, RST in TIME-WAIT), the per-run oracle counters of
 * models/net.h, the report table of models/metrics.h, and one test per claim C1-C19 of
 * ../shared/seed/CLAIMS.md.
 *
 * Single-host tests use the packetdrill-style harness: the test plays the peer, the host
 * has ISN 0, the peer's ISN is PEER_ISN. Segments the peer sends "from a connection" carry
 * an incarnation (inject_inc), which the oracles use; harness_inject's carry 0 ("no
 * connection", like a RST from a closed port). Two-host tests (Duo) join a client and a
 * server by 1 ms links through taps that record every segment each side sends and can
 * lose or hold back chosen ones. */
#include "harness.h"
#include "link.h"
#include "metrics.h"
#include "pair.h"

#define PEER_ISN HARNESS_PEER_ISN
#define SPORT HARNESS_PEER_PORT
#define LPORT HARNESS_LISTEN_PORT   /* the host's listening port in passive tests */
#define CPORT 40000   /* a fixed client port */

/* incarnations of the scripted peer's connections (any nonzero ids) */
#define INC_A 1001u
#define INC_B 2002u

/* ---- single-host helpers ------------------------------------------------------------- */

/* harness_inject, from the peer connection of incarnation @inc (0: none). */
static void
inject_inc(Harness *h, SimTime at, uint64_t inc, uint16_t sport, uint16_t dport, uint8_t flags,
           uint32_t seq, uint32_t ack, uint32_t len)
{
  Segment *s = harness_segment(h, sport, dport, flags, seq, ack, len);
  s->incarnation = inc;
  harness_inject_segment(h, at, s);
}

/* Active open from the host to the peer (incarnation @inc), completed at t + 10 ms:
 * > S 0:0  < S. PEER_ISN ack 1  > . 1 ack PEER_ISN+1. RTT 10 ms: RTO 200 ms. Also checks
 * that the host sent its SYN at t and its ACK at t + 10 ms. */
static TcpConn *
open_active_inc(Harness *h, SimTime t, uint16_t lport, uint64_t inc)
{
  SimTime syn_at, ack_at;
  TcpConn *c = harness_open_active(h, t, lport, inc, &syn_at, &ack_at);
  CU_ASSERT_EQUAL(syn_at, t);
  CU_ASSERT_EQUAL(ack_at, t + 10 * SIM_MS);
  return c;
}

static TcpConn *
open_active(Harness *h, SimTime t)
{
  return open_active_inc(h, t, 0, INC_A);
}

/* Passive open on LPORT (SYN at t from incarnation INC_A, ACK at t + 10 ms), completed
 * and accepted: returns the ESTABLISHED child (RTT 10 ms: RTO 200 ms). */
static TcpConn *
open_passive(Harness *h, TcpConn **listener_out, SimTime t)
{
  return harness_open_passive(h, listener_out, t, INC_A);
}

/* ---- configuration tweaks ---------------------------------------------------------------- */

static int tweak_handshake = 3;
static int tweak_close = 4;
static TcpSynData tweak_syn_data = TCP_SYN_DATA_DROP;

static void
handshake_of_test(TcpConfig *cfg)
{
  cfg->handshake = tweak_handshake;
}

static void
close_of_test(TcpConfig *cfg)
{
  cfg->close = tweak_close;
}

static void
syn_data_of_test(TcpConfig *cfg)
{
  cfg->syn_data = tweak_syn_data;
}

static void
hs2(TcpConfig *cfg)
{
  cfg->handshake = 2;
}

static void
hs2_synack_retries_1(TcpConfig *cfg)
{
  cfg->handshake = 2;
  cfg->synack_retries = 1;
}

static void
hs4(TcpConfig *cfg)
{
  cfg->handshake = 4;
}

static void
close3(TcpConfig *cfg)
{
  cfg->close = 3;
}

static void
tw0(TcpConfig *cfg)
{
  cfg->time_wait = 0;
}

static void
sd_buffer(TcpConfig *cfg)
{
  cfg->syn_data = TCP_SYN_DATA_BUFFER;
}

static void
sd_buffer_synack_retries_1(TcpConfig *cfg)
{
  cfg->syn_data = TCP_SYN_DATA_BUFFER;
  cfg->synack_retries = 1;
}

static void
sd_buffer_backlog_8(TcpConfig *cfg)
{
  cfg->syn_data = TCP_SYN_DATA_BUFFER;
  cfg->syn_backlog = 8;
}

static void
sd_accept(TcpConfig *cfg)
{
  cfg->syn_data = TCP_SYN_DATA_ACCEPT;
}

static void
rst_tw_ignored(TcpConfig *cfg)
{
  cfg->rst_in_time_wait = FALSE;
}

static void
no_tlp(TcpConfig *cfg)
{
  cfg->tlp = FALSE;
}

static void
no_tlp_fin_retries_2(TcpConfig *cfg)
{
  cfg->tlp = FALSE;
  cfg->fin_retries = 2;
}

static void
syn_retries_1(TcpConfig *cfg)
{
  cfg->syn_retries = 1;
}

static void
one_port(TcpConfig *cfg)
{
  cfg->port_lo = CPORT;
  cfg->port_hi = CPORT;
}

static void
syn_backlog_1(TcpConfig *cfg)
{
  cfg->syn_backlog = 1;
}

static void
isn_random(TcpConfig *cfg)
{
  cfg->isn = TCP_ISN_RANDOM;
}

static void
rfc_preset(TcpConfig *cfg)
{
  tcp_config_preset(cfg, TCP_PRESET_RFC);
  cfg->tw_compact = FALSE;     /* as the fixtures: these tests look at closed connections */
}

static void
rfc_one_port(TcpConfig *cfg)
{
  rfc_preset(cfg);
  one_port(cfg);
}

static void
rfc_one_port_tw0(TcpConfig *cfg)
{
  rfc_one_port(cfg);
  cfg->time_wait = 0;
}

/* ---- two hosts: a client and a server joined by 1 ms links, through taps ---------------- */

#define SADDR PAIR_SERVER_ADDR
#define SRV_PORT 80
#define TAP_MAX 64

typedef struct {
  SimTime at;
  uint8_t flags;
  uint32_t seq, ack, len;
  uint64_t incarnation;
} Seen;

/* What one side sends passes here on its way to the link: recorded, then lost (bit i
 * of @drop: the side's segment number i), held back for the test to deliver (@hold,
 * one at a time, in @held), or passed on. */
typedef struct {
  Net *net;
  NetRx next;
  Seen seen[TAP_MAX];
  guint n;
  uint64_t drop, hold;
  Segment *held;
} Tap;

static void
tap_deliver(void *ctx, Segment *seg)
{
  Tap *t = ctx;
  guint i = t->n++;
  if (i < TAP_MAX)
    t->seen[i] = (Seen){ net_now(t->net), seg->flags, seg->seq, seg->ack, seg->len,
                         seg->incarnation };
  uint64_t bit = i < 64 ? (uint64_t)1 << i : 0;
  if (t->drop & bit) {
    seg_free(&t->net->segs, seg);
    return;
  }
  if (t->hold & bit) {
    g_assert(t->held == NULL);
    t->held = seg;
    return;
  }
  t->next.deliver(t->next.ctx, seg);
}

/* Asserts the @i-th segment the tap saw (from 0): flags, seq, ack (with ACK only),
 * payload length and the time it was sent. */
#define tap_expect(t, i, flags, seq, ack, len, at) \
  tap_expect_at_line((t), (i), (flags), (seq), (ack), (len), (at), __LINE__)
static void
tap_expect_at_line(const Tap *t, guint i, uint8_t flags, uint32_t seq, uint32_t ack,
                   uint32_t len, SimTime at, int line)
{
  char want[8], got[8];
  if (i >= t->n || i >= TAP_MAX) {
    fprintf(stderr, "\n  %s:%d: segment %u (%s seq=%u ack=%u len=%u) not sent: %u were\n",
            __FILE__, line, i, seg_flags_str(flags, want), seq, ack, len, t->n);
    CU_FAIL("segment not sent");
    return;
  }
  const Seen *s = &t->seen[i];
  gboolean ok = s->flags == flags && s->seq == seq && s->len == len && s->at == at &&
                (!(flags & TCP_ACK) || s->ack == ack);
  if (!ok) {
    fprintf(stderr,
            "\n  %s:%d: segment %u: expected %s seq=%u ack=%u len=%u at %" G_GINT64_FORMAT
            ", got %s seq=%u ack=%u len=%u at %" G_GINT64_FORMAT "\n",
            __FILE__, line, i, seg_flags_str(flags, want), seq, ack, len, at,
            seg_flags_str(s->flags, got), s->seq, s->ack, s->len, s->at);
    CU_FAIL("segment differs");
  } else {
    CU_PASS("segment as expected");
  }
}

/* An app: what it saw, and the connection it holds (NULL once it let go). The server's
 * Side holds the last connection it accepted. */
typedef struct {
  TcpConn *conn;
  int connected, accepted, readable, closed;
  TcpErr closed_err;
  SimTime t_connected, t_accepted, t_eof, t_closed;
  uint64_t bytes_read;
  gboolean eof;
  uint32_t write_on_accept;   /* bytes the server writes to each connection it accepts */
  gboolean close_on_eof;      /* tcp_close when the peer's FIN is read */
} Side;

static SimTime
now_of(const TcpConn *c)
{
  return net_now(host_net(tcp_host(c)));
}

static void
side_connected(TcpConn *c, void *app)
{
  Side *s = app;
  s->connected++;
  s->t_connected = now_of(c);
}

static void
side_acceptable(TcpConn *l, void *app)
{
  Side *s = app;
  TcpConn *c;
  while ((c = tcp_accept(l, NULL)) != NULL) {
    s->accepted++;
    s->t_accepted = now_of(c);
    s->conn = c;
    if (s->write_on_accept > 0)
      CU_ASSERT_EQUAL(tcp_write(c, s->write_on_accept, NULL), s->write_on_accept);
  }
}

static void
side_readable(TcpConn *c, void *app)
{
  Side *s = app;
  s->readable++;
  for (;;) {
    int64_t n = tcp_read(c, UINT32_MAX, NULL);
    if (n > 0) {
      s->bytes_read += (uint64_t)n;
      continue;
    }
    if (n == 0) {
      if (!s->eof) {
        s->eof = TRUE;
        s->t_eof = now_of(c);
      }
      if (s->close_on_eof) {
        if (s->conn == c)
          s->conn = NULL;
        tcp_close(c);
      }
    }
    break;
  }
}

static void
side_closed(TcpConn *c, TcpErr err, void *app)
{
  Side *s = app;
  s->closed++;
  s->closed_err = err;
  s->t_closed = now_of(c);
  if (s->conn == c)
    s->conn = NULL;
  tcp_close(c);   /* let go */
}

/* The app lets go of its connection now (tcp_close); returns it, still valid until the
 * stack frees it. */
static TcpConn *
side_close(Side *s)
{
  TcpConn *c = s->conn;
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  s->conn = NULL;
  tcp_close(c);
  return c;
}

typedef struct {
  Pair pair;            /* its up link carries client -> server, down server -> client */
  Tap tup, tdown;       /* what the client sends, what the server sends */
  TcpConn *listener;
  Side cli, srv;
  TcpCallbacks cb;
} Duo;

/* A client (address 1, Linux preset changed by @ctweak) and a server (address 2, Linux
 * preset changed by @stweak, listening on port 80) joined by perfect 1 ms links. */
static void
duo_init(Duo *d, void (*ctweak)(TcpConfig *cfg), void (*stweak)(TcpConfig *cfg))
{
  memset(d, 0, sizeof *d);
  TcpConfig ccfg, scfg;
  pair_config(&ccfg, FALSE, ctweak);
  pair_config(&scfg, FALSE, stweak);
  pair_init(&d->pair, 7, &ccfg, &scfg, NULL, NULL);
  d->tup.net = d->tdown.net = d->pair.net;
  d->tup.next = link_rx(d->pair.up);
  d->tdown.next = link_rx(d->pair.down);
  host_set_default_route(d->pair.client, (NetRx){ tap_deliver, &d->tup });
  host_set_default_route(d->pair.server, (NetRx){ tap_deliver, &d->tdown });
  d->cb = (TcpCallbacks){ side_connected, side_acceptable, side_readable, side_closed };
  d->listener = tcp_listen(d->pair.server, SRV_PORT, 16, &d->cb, &d->srv, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d->listener);
}

static TcpConn *
duo_connect(Duo *d, uint16_t lport, TcpErr *err)
{
  d->cli.conn = tcp_connect(d->pair.client, SADDR, SRV_PORT, lport, &d->cb, &d->cli, err);
  return d->cli.conn;
}

static void
duo_run(Duo *d, SimTime t)
{
  sim_sched_run(d->pair.sched, t);
}

/* Segments both hosts sent. */
static uint64_t
duo_segs(const Duo *d)
{
  return host_stats(d->pair.client)->segs_out + host_stats(d->pair.server)->segs_out;
}

/* Frees what the taps still hold back, runs out what is in flight and every timer,
 * closes the listener and frees everything (pair_free). */
static void
duo_finish(Duo *d)
{
  if (d->tup.held)
    seg_free(&d->pair.net->segs, d->tup.held);
  if (d->tdown.held)
    seg_free(&d->pair.net->segs, d->tdown.held);
  sim_sched_run(d->pair.sched, SIM_TIME_MAX);   /* deliver what is in flight, expire timers */
  tcp_close(d->listener);
  pair_free(&d->pair);
}

/* ---- handshake = 2 (C6) ---------------------------------------------------------------- */

/* A two-way server commits on the SYN: SYN,ACK out, the child SYN-RECEIVED -> ESTABLISHED
 * at the SYN's instant, queued for accept; what it writes follows the SYN (ISS + 1). The
 * client's ACK of ISS + 1 acknowledges the SYN only; the data is acknowledged apart. */
static void
hs2_server_commits_on_the_syn_and_sends_after_it(void)
{
  Harness h;
  harness_init(&h, hs2);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 10 * SIM_MS, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 10 * SIM_MS - 1);
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 0);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), 10 * SIM_MS);
  harness_expect_nothing(&h);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->transitions[TCP_LISTEN][TCP_SYN_RECEIVED], 1);
  CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 1);
  CU_ASSERT_EQUAL(h.app.acceptable, 1);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  SimTime times[TCP_NSTATES];
  tcp_state_times(c, times);
  CU_ASSERT_EQUAL(times[TCP_SYN_RECEIVED], 0);
  CU_ASSERT_EQUAL(tcp_irs(c), PEER_ISN);
  CU_ASSERT_EQUAL(tcp_rcv_nxt(c), PEER_ISN + 1);
  CU_ASSERT_EQUAL(tcp_snd_nxt(c), 1);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 10 * SIM_MS + 1 * SIM_S);   /* the SYN's RTO */
  CU_ASSERT_EQUAL(tcp_write(c, 300, &err), 300);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 300), 10 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_snd_nxt(c), 301);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 10 * SIM_MS + 1 * SIM_S);
  /* the ACK of the SYN alone: the data is still out; the RTO restarts (no RTT sample
   * yet: 1 s) */
  inject_inc(&h, 30 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 30 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 30 * SIM_MS + 1 * SIM_S);
  /* then the ACK of the data */
  inject_inc(&h, 40 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 301, 0);
  harness_run_until(&h, 40 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  CU_ASSERT_EQUAL(tcp_srtt(c), 30 * SIM_MS);   /* data sent at 10 ms, acknowledged at 40 */
  /* a later write starts where the data ended: the SYN is no longer counted out */
  CU_ASSERT_EQUAL(tcp_write(c, 10, &err), 10);
  harness_expect(&h, TCP_ACK | TCP_PSH, 301, PEER_ISN + 1, 10);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(n->rtx_synack, 0);
  CU_ASSERT_EQUAL(n->wasted_conns, 0);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 311, PEER_ISN + 1, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* A two-way server's SYN is retransmitted as SYN,ACK on timeout, up to synack_retries,
 * not the data behind it; then the committed connection fails (ETIMEDOUT): wasted, with
 * the time from the SYN to the failure and the bytes it sent. */
static void
hs2_unacknowledged_syn_is_resent_as_syn_ack_then_gives_up(void)
{
  Harness h;
  harness_init(&h, hs2_synack_retries_1);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_write(c, 100, &err), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  harness_run_until(&h, 1 * SIM_S - 1);
  harness_expect_nothing(&h);
  harness_run_until(&h, 1 * SIM_S);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), 1 * SIM_S);
  harness_expect_nothing(&h);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->rtx_synack, 1);
  CU_ASSERT_EQUAL(n->rtx_data, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 3 * SIM_S);
  harness_run_until(&h, 3 * SIM_S - 1);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  harness_run_until(&h, 3 * SIM_S);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed, 1);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_TIMEDOUT);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 1);
  CU_ASSERT_EQUAL(n->wasted_conns, 1);
  CU_ASSERT_EQUAL(n->wasted_time, 3 * SIM_S);
  CU_ASSERT_EQUAL(n->wasted_bytes, 100);
  tcp_close(c);
  tcp_close(l);
  harness_finish(&h);
}

/* Once the client has acknowledged a two-way server's SYN, a timeout resends the data
 * (from ISS + 1), not the SYN,ACK; an ACK covering SYN and data at once leaves nothing
 * counted out. */
static void
hs2_after_the_syn_is_acked_a_timeout_resends_data(void)
{
  Harness h;
  harness_init(&h, hs2);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_write(c, 100, &err), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  inject_inc(&h, 10 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 1010 * SIM_MS);
  harness_run_until(&h, 1010 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 1010 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(h.net->tcp.rtx_data, 1);
  CU_ASSERT_EQUAL(h.net->tcp.rtx_synack, 0);
  inject_inc(&h, 1020 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 101, 0);
  harness_run_until(&h, 1020 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 101, PEER_ISN + 1, 0);

  /* SYN and data acknowledged by one ACK */
  inject_inc(&h, 2 * SIM_S, INC_B, SPORT + 1, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 2 * SIM_S);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  TcpConn *d = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  CU_ASSERT_EQUAL(tcp_write(d, 50, &err), 50);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 50);
  inject_inc(&h, 2010 * SIM_MS, INC_B, SPORT + 1, LPORT, TCP_ACK, PEER_ISN + 1, 51, 0);
  harness_run_until(&h, 2010 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(d), SIM_TIME_NEVER);
  CU_ASSERT_EQUAL(tcp_write(d, 10, &err), 10);
  harness_expect(&h, TCP_ACK | TCP_PSH, 51, PEER_ISN + 1, 10);
  harness_expect_nothing(&h);
  tcp_abort(d);
  harness_expect(&h, TCP_RST | TCP_ACK, 61, PEER_ISN + 1, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* A two-way server whose SYN,ACK was lost gets the client's SYN again: its own SYN is
 * still unacknowledged, so it answers with the SYN,ACK again (as a three-way server in
 * SYN-RECEIVED does), which lets the client complete; a bare ACK would not (a client in
 * SYN-SENT drops an ACK without SYN, RFC 9293 §3.10.7.3). */
static void
hs2_duplicate_syn_gets_the_syn_ack_again(void)
{
  Harness h;
  harness_init(&h, hs2);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  /* the client's SYN again, before the server's own RTO (1 s) */
  inject_inc(&h, 500 * SIM_MS, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 500 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), 500 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  harness_drop_output(&h);
  tcp_abort(c);
  harness_drop_output(&h);
  tcp_close(l);
  harness_finish(&h);
}

/* ---- handshake = 4 (C7) ---------------------------------------------------------------- */

/* A four-way server answers a SYN with a pure ACK <SEQ=ISS><ACK=ISN+1> and its SYN
 * <SEQ=ISS> without ACK, at the same instant; the child is SYN-RECEIVED until the client's
 * ACK of that SYN. */
static void
hs4_server_sends_its_ack_and_its_syn_apart(void)
{
  Harness h;
  harness_init(&h, hs4);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 10 * SIM_MS, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_EQUAL_FATAL(harness_pending(&h), 2);
  const Captured *syn = g_queue_peek_nth(&h.out, 1);
  CU_ASSERT_EQUAL(syn->seg->ack, 0);
  CU_ASSERT_EQUAL(syn->seg->mss, 1460);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 0, PEER_ISN + 1, 0), 10 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN, 0, 0, 0), 10 * SIM_MS);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->transitions[TCP_LISTEN][TCP_SYN_RECEIVED], 1);
  CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 0);
  CU_ASSERT_EQUAL(h.app.acceptable, 0);
  inject_inc(&h, 20 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 1);
  CU_ASSERT_EQUAL(h.app.acceptable, 1);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(tcp_snd_nxt(c), 1);
  CU_ASSERT_EQUAL(tcp_rcv_nxt(c), PEER_ISN + 1);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* A four-way client takes the server's pure ACK in SYN-SENT (SND.UNA moves, first RTT
 * sample, still SYN-SENT, SYN timer still running), then on the server's SYN sends the
 * fourth segment, an ACK, and is ESTABLISHED. */
static void
hs4_client_takes_the_ack_then_acks_the_syn(void)
{
  Harness h;
  harness_init(&h, hs4);
  TcpErr err;
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, &err);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  inject_inc(&h, 10 * SIM_MS, INC_A, SPORT, 32768, TCP_ACK, PEER_ISN, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_SENT);
  CU_ASSERT_EQUAL(h.app.connected, 0);
  CU_ASSERT_EQUAL(tcp_srtt(c), 10 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 1 * SIM_S);
  inject_inc(&h, 20 * SIM_MS, INC_A, SPORT, 32768, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 20 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0), 20 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(h.app.connected, 1);
  CU_ASSERT_EQUAL(tcp_irs(c), PEER_ISN);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_SYN_SENT][TCP_ESTABLISHED], 1);
  CU_ASSERT_EQUAL(h.net->tcp.rtx_syn, 0);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* Two hosts, 1 ms each way: segments exchanged and the instants each side reaches
 * ESTABLISHED. 2: SYN / SYN,ACK / ACK, server at 1 ms (on the SYN), client at 2 ms;
 * 3: the same segments, server at 3 ms; 4: SYN / ACK / SYN / ACK, server at 3 ms. */
static void
handshakes_2_3_4_between_two_hosts(void)
{
  for (int hs = 2; hs <= 4; hs++) {
    tweak_handshake = hs;
    Duo d;
    duo_init(&d, handshake_of_test, handshake_of_test);
    TcpConn *c = duo_connect(&d, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    uint32_t ciss = tcp_iss(c);
    duo_run(&d, 100 * SIM_MS);
    CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, c);   /* its app still has it */
    CU_ASSERT_EQUAL(d.cli.connected, 1);
    CU_ASSERT_EQUAL(d.srv.accepted, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d.srv.conn);
    CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
    CU_ASSERT_EQUAL(tcp_state(d.srv.conn), TCP_ESTABLISHED);
    uint32_t siss = tcp_iss(d.srv.conn);
    CU_ASSERT_EQUAL(d.cli.t_connected, 2 * SIM_MS);
    CU_ASSERT_EQUAL(d.srv.t_accepted, (hs == 2 ? 1 : 3) * SIM_MS);
    CU_ASSERT_EQUAL(duo_segs(&d), hs == 4 ? 4 : 3);
    tap_expect(&d.tup, 0, TCP_SYN, ciss, 0, 0, 0);
    if (hs == 4) {
      CU_ASSERT_EQUAL(d.tdown.n, 2);
      tap_expect(&d.tdown, 0, TCP_ACK, siss, ciss + 1, 0, 1 * SIM_MS);
      tap_expect(&d.tdown, 1, TCP_SYN, siss, 0, 0, 1 * SIM_MS);
    } else {
      CU_ASSERT_EQUAL(d.tdown.n, 1);
      tap_expect(&d.tdown, 0, TCP_SYN | TCP_ACK, siss, ciss + 1, 0, 1 * SIM_MS);
    }
    CU_ASSERT_EQUAL(d.tup.n, 2);
    tap_expect(&d.tup, 1, TCP_ACK, ciss + 1, siss + 1, 0, 2 * SIM_MS);
    CU_ASSERT_EQUAL(d.pair.net->tcp.transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 1);
    CU_ASSERT_EQUAL(d.pair.net->tcp.transitions[TCP_SYN_SENT][TCP_ESTABLISHED], 1);
    duo_finish(&d);
  }
  tweak_handshake = 3;
}

/* ---- the old SYN (C6), one host ------------------------------------------------------- */

/* An old SYN of client incarnation INC_A arrives long after that client is gone. A
 * two-way server commits: ESTABLISHED, accepted, sends data. The client's host has no
 * connection for the SYN,ACK and answers <SEQ=SEG.ACK><CTL=RST>: the connection resets,
 * never having heard from INC_A: one wasted connection, held 50 ms, 300 bytes sent. */
static void
hs2_old_syn_commits_a_wasted_connection(void)
{
  Harness h;
  harness_init(&h, hs2);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 10 * SIM_S, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 10 * SIM_S);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), 10 * SIM_S);
  CU_ASSERT_EQUAL(h.app.acceptable, 1);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(tcp_write(c, 300, &err), 300);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 300);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->wasted_conns, 0);   /* counted when it closes */
  inject_inc(&h, 10 * SIM_S + 50 * SIM_MS, 0, SPORT, LPORT, TCP_RST, PEER_ISN + 1, 0, 0);
  harness_run_until(&h, 10 * SIM_S + 50 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed, 1);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_RESET);
  CU_ASSERT_EQUAL(n->wasted_conns, 1);
  CU_ASSERT_EQUAL(n->wasted_time, 50 * SIM_MS);
  CU_ASSERT_EQUAL(n->wasted_bytes, 300);
  CU_ASSERT_EQUAL(n->transitions[TCP_ESTABLISHED][TCP_CLOSED], 1);
  tcp_close(c);
  tcp_close(l);
  harness_finish(&h);
}

/* An old SYN whose client connection is still in TIME-WAIT: the client's TIME-WAIT
 * answers the two-way server's SYN,ACK and data with ACKs of its old sequence space,
 * which never acknowledge the server's SYN. The server gives up its SYN,ACK retries:
 * wasted, although the ACKs came from the very incarnation that sent the SYN. */
static void
hs2_old_syn_answered_from_time_wait_is_wasted(void)
{
  Harness h;
  harness_init(&h, hs2_synack_retries_1);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 10 * SIM_S, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 10 * SIM_S);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_write(c, 200, &err), 200);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 200);
  /* TIME-WAIT's answer: its own SND.NXT and RCV.NXT from the finished exchange */
  inject_inc(&h, 10 * SIM_S + 10 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1,
             777777, 0);
  harness_run_until(&h, 10 * SIM_S + 10 * SIM_MS);
  harness_drop_output(&h);
  harness_run_until(&h, 20 * SIM_S);
  harness_drop_output(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_TIMEDOUT);
  CU_ASSERT_EQUAL(h.net->tcp.wasted_conns, 1);
  CU_ASSERT_EQUAL(h.net->tcp.wasted_bytes, 200);
  tcp_close(c);
  tcp_close(l);
  harness_finish(&h);
}

/* The same old SYN at a three-way server: the SYN,ACK is answered by RST and the embryo
 * dies in SYN-RECEIVED, never ESTABLISHED, never offered to the app: nothing wasted. */
static void
hs3_old_syn_dies_in_syn_received(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 10 * SIM_S, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 10 * SIM_S);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(h.app.acceptable, 0);
  CU_ASSERT_PTR_NULL(tcp_accept(l, &err));
  CU_ASSERT_EQUAL(err, TCP_ERR_AGAIN);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  inject_inc(&h, 10 * SIM_S + 50 * SIM_MS, 0, SPORT, LPORT, TCP_RST, PEER_ISN + 1, 0, 0);
  harness_run_until(&h, 10 * SIM_S + 50 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 0);
  CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(n->wasted_conns, 0);
  CU_ASSERT_EQUAL(n->wasted_time, 0);
  CU_ASSERT_EQUAL(n->wasted_bytes, 0);
  CU_ASSERT_EQUAL(h.app.closed, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* Only a segment from the SYN's own incarnation confirms a two-way connection: one
 * acknowledged by INC_A is not wasted when it later resets; one whose SYN came from
 * INC_B and that hears only from INC_A (a stale segment) is. */
static void
hs2_connection_confirmed_by_its_client_is_not_wasted(void)
{
  Harness h;
  harness_init(&h, hs2);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_write(c, 300, &err), 300);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 300);
  inject_inc(&h, 10 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 301, 0);
  inject_inc(&h, 20 * SIM_MS, INC_A, SPORT, LPORT, TCP_RST, PEER_ISN + 1, 0, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->wasted_conns, 0);
  CU_ASSERT_EQUAL(n->wasted_bytes, 0);
  CU_ASSERT_EQUAL(n->stale_segs, 0);
  tcp_close(c);

  inject_inc(&h, 100 * SIM_MS, INC_B, SPORT + 1, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 100 * SIM_MS);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  TcpConn *d = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  inject_inc(&h, 110 * SIM_MS, INC_A, SPORT + 1, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  inject_inc(&h, 150 * SIM_MS, 0, SPORT + 1, LPORT, TCP_RST, PEER_ISN + 1, 0, 0);
  harness_run_until(&h, 150 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(d), TCP_CLOSED);
  CU_ASSERT_EQUAL(n->stale_segs, 1);
  CU_ASSERT_EQUAL(n->wasted_conns, 1);
  CU_ASSERT_EQUAL(n->wasted_time, 50 * SIM_MS);
  CU_ASSERT_EQUAL(n->wasted_bytes, 0);
  tcp_close(d);
  tcp_close(l);
  harness_finish(&h);
}

/* A wasted connection is charged from its commitment (ESTABLISHED), not from its SYN:
 * a three-way embryo (SYN from INC_B at 0) completed at 100 ms by an ACK of another
 * incarnation (INC_A: a stale segment) and reset at 150 ms wasted 50 ms. */
static void
hs3_embryo_completed_by_another_incarnation_is_wasted_from_commitment(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 0, INC_B, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  inject_inc(&h, 100 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 100 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(h.app.acceptable, 1);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->stale_segs, 1);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  inject_inc(&h, 150 * SIM_MS, 0, SPORT, LPORT, TCP_RST, PEER_ISN + 1, 0, 0);
  harness_run_until(&h, 150 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(n->wasted_conns, 1);
  CU_ASSERT_EQUAL(n->wasted_time, 50 * SIM_MS);
  CU_ASSERT_EQUAL(n->wasted_bytes, 0);
  tcp_close(c);
  tcp_close(l);
  harness_finish(&h);
}

/* A three-way client in SYN-SENT, given a SYN,ACK that acknowledges another ISN (meant
 * for an older incarnation), answers <SEQ=SEG.ACK><CTL=RST> and stays in SYN-SENT; the
 * right SYN,ACK then completes. */
static void
syn_sent_answers_a_syn_ack_for_another_isn_with_rst(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpErr err;
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, &err);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  inject_inc(&h, 10 * SIM_MS, INC_A, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, 7778, 0);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_RST, 7778, 0, 0), 10 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_SENT);
  CU_ASSERT_EQUAL(h.app.connected, 0);
  CU_ASSERT_EQUAL(h.app.closed, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 1 * SIM_S);
  inject_inc(&h, 20 * SIM_MS, INC_B, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN + 9, 1, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 10, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 10, 0);
  harness_finish(&h);
}

/* ---- data on SYNs (C8) ---------------------------------------------------------------- */

/* drop (default): the SYN,ACK acknowledges the SYN only; the bytes are counted as
 * arrived on a SYN, not held, never readable. */
static void
syn_data_drop_acknowledges_the_syn_only(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 500);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->syn_data_bytes, 500);
  CU_ASSERT_EQUAL(n->syn_data_held, 0);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 0);
  inject_inc(&h, 10 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  harness_expect_nothing(&h);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_readable(c), 0);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_AGAIN);
  CU_ASSERT_EQUAL(tcp_rcv_nxt(c), PEER_ISN + 1);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* buffer: the SYN,ACK acknowledges the SYN only; the half-open connection holds the
 * bytes (held and its peak count them over several SYNs); when the handshake completes
 * they become readable and an ACK acknowledges them; an embryo reset by the peer lets
 * its bytes go undelivered. */
static void
syn_data_buffer_holds_until_the_handshake_completes(void)
{
  Harness h;
  harness_init(&h, sd_buffer);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  const NetTcpCounts *n = &h.net->tcp;
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 500);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(n->syn_data_held, 500);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 500);
  inject_inc(&h, 1 * SIM_MS, INC_B, SPORT + 1, LPORT, TCP_SYN, PEER_ISN, 0, 300);
  harness_run_until(&h, 1 * SIM_MS);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(n->syn_data_held, 800);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 800);
  CU_ASSERT_EQUAL(n->syn_data_bytes, 800);
  /* the first completes: its 500 bytes are acknowledged and readable */
  inject_inc(&h, 10 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 1, PEER_ISN + 501, 0), 10 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(n->syn_data_held, 300);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 800);
  CU_ASSERT_EQUAL(h.app.acceptable, 1);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_readable(c), 500);
  CU_ASSERT_EQUAL(tcp_rcv_nxt(c), PEER_ISN + 501);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 500);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->bytes_rcvd, 500);
  /* the second is reset while half-open: its 300 bytes go nowhere */
  inject_inc(&h, 20 * SIM_MS, 0, SPORT + 1, LPORT, TCP_RST, PEER_ISN + 1, 0, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(n->syn_data_held, 0);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 800);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  CU_ASSERT_EQUAL(h.app.acceptable, 1);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 501, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* buffer: an embryo that exhausts its SYN,ACK retries is dropped with its bytes. */
static void
syn_data_buffer_lets_go_when_syn_ack_retries_run_out(void)
{
  Harness h;
  harness_init(&h, sd_buffer_synack_retries_1);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  const NetTcpCounts *n = &h.net->tcp;
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 400);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_run_until(&h, 1 * SIM_S);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), 1 * SIM_S);
  CU_ASSERT_EQUAL(n->syn_data_held, 400);
  harness_run_until(&h, 3 * SIM_S - 1);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  harness_run_until(&h, 3 * SIM_S);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(n->syn_data_held, 0);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 400);
  CU_ASSERT_EQUAL(h.app.acceptable, 0);
  CU_ASSERT_PTR_NULL(tcp_accept(l, &err));
  tcp_close(l);
  harness_finish(&h);
}

/* accept: the SYN,ACK acknowledges the data with the SYN (ISN + 1 + len); the half-open
 * connection holds it (counted as held) until the handshake completes, which sends
 * nothing more; it is readable once accepted. */
static void
syn_data_accept_acknowledges_it_on_the_syn_ack(void)
{
  Harness h;
  harness_init(&h, sd_accept);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 500);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 501, 0);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->syn_data_bytes, 500);
  CU_ASSERT_EQUAL(n->syn_data_held, 500);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 500);
  inject_inc(&h, 10 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 501, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(n->syn_data_held, 0);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 500);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_readable(c), 500);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 500);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 501, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* buffer under a flood of SYNs with payload from 20 ports, SYN backlog 8: 8 embryos
 * hold 1000 bytes each (peak 8000), 12 SYNs are dropped; all arrived bytes are counted;
 * closing the listener lets the held bytes go. */
static void
syn_data_buffer_flood_is_bounded_by_the_syn_backlog(void)
{
  Harness h;
  harness_init(&h, sd_buffer_backlog_8);
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  for (int i = 0; i < 20; i++)
    inject_inc(&h, i * SIM_US, INC_A + (uint64_t)i, (uint16_t)(SPORT + i), LPORT, TCP_SYN,
               PEER_ISN, 0, 1000);
  harness_run_until(&h, 19 * SIM_US);
  for (int i = 0; i < 8; i++)
    CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), i * SIM_US);
  harness_expect_nothing(&h);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->syn_data_bytes, 20000);
  CU_ASSERT_EQUAL(n->syn_data_held, 8000);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 8000);
  CU_ASSERT_EQUAL(n->syn_backlog_drops, 12);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 8);
  tcp_close(l);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(n->syn_data_held, 0);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 8000);
  harness_finish(&h);
}

/* ---- close = 3 (C18, C19) ---------------------------------------------------------------- */

/* A close=3 host given a FIN in ESTABLISHED enters CLOSE-WAIT and sends no ACK; what it
 * sends meanwhile carries ACK = RCV.NXT - 1 (not the FIN); the peer's FIN sent again gets
 * no answer; when its app closes, one FIN,ACK acknowledges the FIN and LAST-ACK follows
 * as usual. */
static void
close3_holds_the_ack_of_the_fin_until_its_own_fin(void)
{
  Harness h;
  harness_init(&h, close3);
  TcpConn *l;
  TcpConn *c = open_passive(&h, &l, 0);
  inject_inc(&h, 50 * SIM_MS, INC_A, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 50 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSE_WAIT);
  CU_ASSERT_EQUAL(tcp_rcv_nxt(c), PEER_ISN + 2);
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_ESTABLISHED][TCP_CLOSE_WAIT], 1);
  CU_ASSERT_EQUAL(h.app.readable, 1);
  TcpErr err;
  CU_ASSERT_EQUAL(tcp_read(c, 100, &err), 0);   /* end of stream */
  harness_run_until(&h, 80 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 200, &err), 200);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 200), 80 * SIM_MS);
  inject_inc(&h, 90 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 2, 201, 0);
  harness_run_until(&h, 90 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  /* the peer, not having its FIN acknowledged, sends it again: still no answer */
  inject_inc(&h, 300 * SIM_MS, INC_A, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1, 201, 0);
  harness_run_until(&h, 300 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSE_WAIT);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->dup_segs, 1);
  harness_run_until(&h, 400 * SIM_MS);
  tcp_close(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_LAST_ACK);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_FIN | TCP_ACK, 201, PEER_ISN + 2, 0), 400 * SIM_MS);
  harness_expect_nothing(&h);
  inject_inc(&h, 410 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 2, 202, 0);
  harness_run_until(&h, 410 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_CLOSE_WAIT][TCP_LAST_ACK], 1);
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_LAST_ACK][TCP_CLOSED], 1);
  tcp_close(l);
  harness_finish(&h);
}

/* close=4 (default), the contrast: the FIN is acknowledged at once, and again when it
 * comes again. */
static void
close4_acks_the_fin_at_once_and_again_when_resent(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l;
  TcpConn *c = open_passive(&h, &l, 0);
  inject_inc(&h, 50 * SIM_MS, INC_A, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 50 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 1, PEER_ISN + 2, 0), 50 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSE_WAIT);
  inject_inc(&h, 300 * SIM_MS, INC_A, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 1, PEER_ISN + 2, 0), 300 * SIM_MS);
  harness_expect_nothing(&h);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 2, 0);
  inject_inc(&h, 310 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 2, 2, 0);
  harness_run_until(&h, 310 * SIM_MS);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  tcp_close(l);
  harness_finish(&h);
}

/* close=3: data arriving with the FIN is acknowledged at once, the FIN not:
 * ACK = RCV.NXT - 1 = the FIN's sequence number. */
static void
close3_fin_with_data_acknowledges_the_data_only(void)
{
  Harness h;
  harness_init(&h, close3);
  TcpConn *l;
  TcpConn *c = open_passive(&h, &l, 0);
  inject_inc(&h, 50 * SIM_MS, INC_A, SPORT, LPORT, TCP_FIN | TCP_ACK | TCP_PSH, PEER_ISN + 1,
             1, 100);
  harness_run_until(&h, 50 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0), 50 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSE_WAIT);
  TcpErr err;
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 100);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 0);
  harness_run_until(&h, 60 * SIM_MS);
  tcp_close(c);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 102, 0), 60 * SIM_MS);
  inject_inc(&h, 70 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 102, 2, 0);
  harness_run_until(&h, 70 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  tcp_close(l);
  harness_finish(&h);
}

/* Two hosts, the server's app closing 50 ms after the client's FIN arrived (less than
 * the client's 200 ms RTO): close=3 takes 3 segments (FIN / FIN,ACK / ACK), close=4
 * takes 4 (FIN / ACK / FIN / ACK); nothing is retransmitted either way. */
static void
close_3_and_4_segments_with_a_prompt_server(void)
{
  for (int cl = 3; cl <= 4; cl++) {
    tweak_close = cl;
    Duo d;
    duo_init(&d, close_of_test, close_of_test);
    TcpConn *c = duo_connect(&d, 0, NULL);
    uint32_t ciss = tcp_iss(c);
    duo_run(&d, 100 * SIM_MS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d.srv.conn);
    uint32_t siss = tcp_iss(d.srv.conn);
    uint64_t before = duo_segs(&d);
    CU_ASSERT_EQUAL(before, 3);
    side_close(&d.cli);
    tap_expect(&d.tup, 2, TCP_FIN | TCP_ACK, ciss + 1, siss + 1, 0, 100 * SIM_MS);
    duo_run(&d, 101 * SIM_MS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d.srv.conn);
    CU_ASSERT_EQUAL(tcp_state(d.srv.conn), TCP_CLOSE_WAIT);
    CU_ASSERT_TRUE(d.srv.eof);
    duo_run(&d, 151 * SIM_MS);
    side_close(&d.srv);
    duo_run(&d, 152 * SIM_MS);
    CU_ASSERT_EQUAL_FATAL(host_conn_count(d.pair.client), 1);   /* c not freed */
    CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
    duo_run(&d, 1 * SIM_S);
    if (cl == 3) {
      CU_ASSERT_EQUAL(d.tdown.n, 2);
      tap_expect(&d.tdown, 1, TCP_FIN | TCP_ACK, siss + 1, ciss + 2, 0, 151 * SIM_MS);
    } else {
      CU_ASSERT_EQUAL(d.tdown.n, 3);
      tap_expect(&d.tdown, 1, TCP_ACK, siss + 1, ciss + 2, 0, 101 * SIM_MS);
      tap_expect(&d.tdown, 2, TCP_FIN | TCP_ACK, siss + 1, ciss + 2, 0, 151 * SIM_MS);
    }
    CU_ASSERT_EQUAL(d.tup.n, 4);
    tap_expect(&d.tup, 3, TCP_ACK, ciss + 2, siss + 2, 0, 152 * SIM_MS);
    CU_ASSERT_EQUAL(duo_segs(&d) - before, (uint64_t)cl);
    CU_ASSERT_EQUAL(d.pair.net->tcp.rtx_fin, 0);
    CU_ASSERT_EQUAL(d.pair.net->tcp.probes, 0);
    CU_ASSERT_EQUAL(d.pair.net->tcp.transitions[TCP_LAST_ACK][TCP_CLOSED], 1);
    duo_finish(&d);
  }
  tweak_close = 4;
}

/* ---- TIME-WAIT length (C15-C17) -------------------------------------------------------- */

/* time_wait = 0: TIME-WAIT is entered and left at the same instant; the peer's FIN sent
 * again (its ACK lost) then finds no connection: <SEQ=SEG.ACK><CTL=RST>. With the default
 * TIME-WAIT the FIN is acknowledged again and the 60 s restart. */
static void
time_wait_0_is_left_at_once_and_a_resent_fin_gets_rst(void)
{
  for (int tw = 0; tw < 2; tw++) {
    Harness h;
    harness_init(&h, tw == 0 ? tw0 : NULL);
    TcpConn *c = open_active(&h, 0);
    harness_run_until(&h, 100 * SIM_MS);
    tcp_close(c);
    harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
    inject_inc(&h, 110 * SIM_MS, INC_A, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
    harness_run_until(&h, 110 * SIM_MS);
    CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0), 110 * SIM_MS);
    const NetTcpCounts *n = &h.net->tcp;
    CU_ASSERT_EQUAL(n->transitions[TCP_FIN_WAIT_1][TCP_TIME_WAIT] +
                      n->transitions[TCP_FIN_WAIT_2][TCP_TIME_WAIT], 1);
    inject_inc(&h, 310 * SIM_MS, INC_A, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
    if (tw == 0) {
      CU_ASSERT_EQUAL(n->transitions[TCP_TIME_WAIT][TCP_CLOSED], 1);
      CU_ASSERT_EQUAL(n->state_time[TCP_TIME_WAIT], 0);
      CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
      harness_run_until(&h, 310 * SIM_MS);
      CU_ASSERT_EQUAL(harness_expect(&h, TCP_RST, 2, 0, 0), 310 * SIM_MS);
      CU_ASSERT_EQUAL(host_stats(h.host)->rst_sent_closed, 1);
    } else {
      CU_ASSERT_EQUAL(n->transitions[TCP_TIME_WAIT][TCP_CLOSED], 0);
      CU_ASSERT_EQUAL_FATAL(host_conn_count(h.host), 1);   /* c not freed */
      CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
      harness_run_until(&h, 310 * SIM_MS);
      CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0), 310 * SIM_MS);
      CU_ASSERT_EQUAL(tcp_timer_deadline(c), 310 * SIM_MS + 60 * SIM_S);
      CU_ASSERT_EQUAL(host_stats(h.host)->rst_sent_closed, 0);
      harness_run_until(&h, 310 * SIM_MS + 60 * SIM_S);
      CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
      CU_ASSERT_EQUAL(n->state_time[TCP_TIME_WAIT], 200 * SIM_MS + 60 * SIM_S);
    }
    harness_expect_nothing(&h);
    harness_finish(&h);
  }
}

/* The other side of that: a host in LAST-ACK whose FIN's ACK was lost sends its FIN
 * again (tail loss probe at 260 ms); the peer, its TIME-WAIT over, answers RST
 * <SEQ=SEG.ACK>: LAST-ACK ends on the RST, counted as a LAST-ACK reset. */
static void
last_ack_reset_by_a_peer_without_time_wait(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l;
  TcpConn *c = open_passive(&h, &l, 0);
  inject_inc(&h, 50 * SIM_MS, INC_A, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 50 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 2, 0);
  harness_run_until(&h, 60 * SIM_MS);
  tcp_close(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_LAST_ACK);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 2, 0);
  harness_run_until(&h, 260 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 2, 0), 260 * SIM_MS);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->probes, 1);
  inject_inc(&h, 270 * SIM_MS, 0, SPORT, LPORT, TCP_RST, PEER_ISN + 2, 0, 0);
  harness_run_until(&h, 270 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(n->last_ack_resets, 1);
  CU_ASSERT_EQUAL(n->last_ack_timeouts, 0);
  CU_ASSERT_EQUAL(n->transitions[TCP_LAST_ACK][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(n->state_time[TCP_LAST_ACK], 210 * SIM_MS);
  tcp_close(l);
  harness_finish(&h);
}

/* A LAST-ACK connection (closed by its app) whose FIN is never acknowledged gives up
 * after fin_retries (2, no TLP): FIN at 60 ms, again at 260 and 660 ms, CLOSED at
 * 1460 ms: a LAST-ACK timeout. */
static void
last_ack_times_out_after_fin_retries(void)
{
  Harness h;
  harness_init(&h, no_tlp_fin_retries_2);
  TcpConn *l;
  TcpConn *c = open_passive(&h, &l, 0);
  inject_inc(&h, 50 * SIM_MS, INC_A, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 50 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 2, 0);
  harness_run_until(&h, 60 * SIM_MS);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 2, 0);
  harness_run_until(&h, 260 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 2, 0), 260 * SIM_MS);
  harness_run_until(&h, 660 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 2, 0), 660 * SIM_MS);
  const NetTcpCounts *n = &h.net->tcp;
  harness_run_until(&h, 1460 * SIM_MS - 1);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  CU_ASSERT_EQUAL(n->last_ack_timeouts, 0);
  harness_run_until(&h, 1460 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(n->last_ack_timeouts, 1);
  CU_ASSERT_EQUAL(n->last_ack_resets, 0);
  CU_ASSERT_EQUAL(n->rtx_fin, 2);
  CU_ASSERT_EQUAL(n->transitions[TCP_LAST_ACK][TCP_CLOSED], 1);
  tcp_close(l);
  harness_finish(&h);
}

/* ---- stale segments (C16) ---------------------------------------------------------------- */

/* Only a segment of another incarnation that the connection takes in is stale: the
 * peer's own (INC_A), one from no connection (0), or one of INC_B outside the window
 * are not; INC_B's in-window data is, with its new bytes only. */
static void
stale_counts_segments_of_another_incarnation_taken_in(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active_inc(&h, 0, 0, INC_A);
  const NetTcpCounts *n = &h.net->tcp;
  inject_inc(&h, 20 * SIM_MS, INC_A, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
  inject_inc(&h, 30 * SIM_MS, 0, SPORT, 32768, TCP_ACK, PEER_ISN + 101, 1, 0);
  harness_run_until(&h, 30 * SIM_MS);
  harness_expect_nothing(&h);
  inject_inc(&h, 40 * SIM_MS, INC_B, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 40 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
  CU_ASSERT_EQUAL(n->stale_segs, 0);
  CU_ASSERT_EQUAL(n->stale_bytes, 0);
  inject_inc(&h, 50 * SIM_MS, INC_B, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 101, 1, 50);
  harness_run_until(&h, 50 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 151, 0);
  CU_ASSERT_EQUAL(n->stale_segs, 1);
  CU_ASSERT_EQUAL(n->stale_bytes, 50);
  inject_inc(&h, 60 * SIM_MS, INC_B, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 131, 1, 40);
  harness_run_until(&h, 60 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 171, 0);
  CU_ASSERT_EQUAL(n->stale_segs, 2);
  CU_ASSERT_EQUAL(n->stale_bytes, 70);
  CU_ASSERT_EQUAL(tcp_readable(c), 170);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 171, 0);
  harness_finish(&h);
}

/* ---- RST in TIME-WAIT ------------------------------------------------------------------- */

/* Brings the host to TIME-WAIT at 20 ms (peer FIN,ACK acknowledging ours). */
static TcpConn *
to_time_wait(Harness *h)
{
  TcpConn *c = open_active(h, 0);
  tcp_close(c);
  harness_expect(h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  inject_inc(h, 20 * SIM_MS, INC_A, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(h, 20 * SIM_MS);
  harness_expect(h, TCP_ACK, 2, PEER_ISN + 2, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  return c;
}

/* rst_in_time_wait (default TRUE): a RST with the exact sequence number ends TIME-WAIT at
 * once; one with another sequence number is ignored. */
static void
rst_in_time_wait_ends_it(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = to_time_wait(&h);
  const NetTcpCounts *n = &h.net->tcp;
  inject_inc(&h, 1 * SIM_S, 0, SPORT, 32768, TCP_RST, PEER_ISN + 1, 0, 0);
  harness_run_until(&h, 1 * SIM_S);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL_FATAL(host_conn_count(h.host), 1);   /* c not freed */
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  CU_ASSERT_EQUAL(n->time_wait_resets, 0);
  inject_inc(&h, 2 * SIM_S, 0, SPORT, 32768, TCP_RST, PEER_ISN + 2, 0, 0);
  harness_run_until(&h, 2 * SIM_S - 1);
  CU_ASSERT_EQUAL(n->transitions[TCP_TIME_WAIT][TCP_CLOSED], 0);
  harness_run_until(&h, 2 * SIM_S);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(n->transitions[TCP_TIME_WAIT][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(n->time_wait_resets, 1);
  CU_ASSERT_EQUAL(n->state_time[TCP_TIME_WAIT], 2 * SIM_S - 20 * SIM_MS);
  harness_finish(&h);
}

/* rst_in_time_wait FALSE (RFC 1337): the exact RST is ignored; TIME-WAIT lasts its 60 s. */
static void
rst_in_time_wait_ignored_when_off(void)
{
  Harness h;
  harness_init(&h, rst_tw_ignored);
  TcpConn *c = to_time_wait(&h);
  const NetTcpCounts *n = &h.net->tcp;
  inject_inc(&h, 2 * SIM_S, 0, SPORT, 32768, TCP_RST, PEER_ISN + 2, 0, 0);
  harness_run_until(&h, 2 * SIM_S);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL_FATAL(host_conn_count(h.host), 1);   /* c not freed */
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  CU_ASSERT_EQUAL(n->transitions[TCP_TIME_WAIT][TCP_CLOSED], 0);
  CU_ASSERT_EQUAL(n->time_wait_resets, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 20 * SIM_MS + 60 * SIM_S);
  harness_run_until(&h, 20 * SIM_MS + 60 * SIM_S - 1);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  harness_run_until(&h, 20 * SIM_MS + 60 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(n->transitions[TCP_TIME_WAIT][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(n->state_time[TCP_TIME_WAIT], 60 * SIM_S);
  harness_expect_nothing(&h);
  harness_finish(&h);
}

/* ---- counters: failures, drops, retransmissions, time per state ---------------------------- */

#define ASSERT_CONNECT_FAILS(n, refused, timed_out, no_port) \
  do {                                                        \
    CU_ASSERT_EQUAL((n)->connect_refused, (refused));         \
    CU_ASSERT_EQUAL((n)->connect_timed_out, (timed_out));     \
    CU_ASSERT_EQUAL((n)->connect_no_port, (no_port));         \
  } while (0)

#define ASSERT_RTX(n, syn, synack, data, fin, probes_)   \
  do {                                                   \
    CU_ASSERT_EQUAL((n)->rtx_syn, (syn));                \
    CU_ASSERT_EQUAL((n)->rtx_synack, (synack));          \
    CU_ASSERT_EQUAL((n)->rtx_data, (data));              \
    CU_ASSERT_EQUAL((n)->rtx_fin, (fin));                \
    CU_ASSERT_EQUAL((n)->probes, (probes_));             \
  } while (0)

/* A RST answering the SYN: connect_refused. */
static void
connect_refused_counts_a_rst_to_the_syn(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  inject_inc(&h, 10 * SIM_MS, 0, SPORT, 32768, TCP_RST | TCP_ACK, 0, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_REFUSED);
  ASSERT_CONNECT_FAILS(&h.net->tcp, 1, 0, 0);
  tcp_close(c);
  harness_finish(&h);
}

/* SYN retries exhausted (syn_retries 1: SYN at 0 and 1 s, failure at 3 s):
 * connect_timed_out. */
static void
connect_timed_out_counts_exhausted_syn_retries(void)
{
  Harness h;
  harness_init(&h, syn_retries_1);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  harness_run_until(&h, 1 * SIM_S);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  harness_run_until(&h, 3 * SIM_S - 1);
  ASSERT_CONNECT_FAILS(&h.net->tcp, 0, 0, 0);
  harness_run_until(&h, 3 * SIM_S);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_TIMEDOUT);
  ASSERT_CONNECT_FAILS(&h.net->tcp, 0, 1, 0);
  ASSERT_RTX(&h.net->tcp, 1, 0, 0, 0, 0);
  tcp_close(c);
  harness_finish(&h);
}

/* A port range of one port, in use: the next connect finds none: connect_no_port. */
static void
connect_no_port_counts_an_exhausted_port_range(void)
{
  Harness h;
  harness_init(&h, one_port);
  TcpErr err;
  TcpConn *a = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_EQUAL(tcp_local_port(a), CPORT);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  CU_ASSERT_PTR_NULL(tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, &err));
  CU_ASSERT_EQUAL(err, TCP_ERR_ADDRNOTAVAIL);
  harness_expect_nothing(&h);
  ASSERT_CONNECT_FAILS(&h.net->tcp, 0, 0, 1);
  CU_ASSERT_EQUAL(host_stats(h.host)->port_exhausted, 1);
  tcp_close(a);
  harness_finish(&h);
}

/* SYN backlog 1: a second SYN while the first is half-open is dropped. */
static void
syn_backlog_drops_count_syns_beyond_the_syn_queue(void)
{
  Harness h;
  harness_init(&h, syn_backlog_1);
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  inject_inc(&h, 1 * SIM_MS, INC_B, SPORT + 1, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 1 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), 0);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(h.net->tcp.syn_backlog_drops, 1);
  CU_ASSERT_EQUAL(h.net->tcp.accept_backlog_drops, 0);
  CU_ASSERT_EQUAL(host_stats(h.host)->syn_dropped, 1);
  tcp_close(l);
  harness_finish(&h);
}

/* Listen backlog 1, nobody accepting: of two completed handshakes the second's ACK is
 * dropped (its SYN,ACK goes again at its RTO); a third SYN is dropped too. */
static void
accept_backlog_drops_count_handshakes_beyond_the_accept_queue(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l = tcp_listen(h.host, LPORT, 1, &h.cb, &h.app, NULL);
  const NetTcpCounts *n = &h.net->tcp;
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  inject_inc(&h, 1 * SIM_MS, INC_B, SPORT + 1, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 1 * SIM_MS);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  inject_inc(&h, 10 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  inject_inc(&h, 11 * SIM_MS, INC_B, SPORT + 1, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 11 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(h.app.acceptable, 1);
  CU_ASSERT_EQUAL(n->accept_backlog_drops, 1);
  inject_inc(&h, 20 * SIM_MS, INC_A + 2, SPORT + 2, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(n->accept_backlog_drops, 2);
  CU_ASSERT_EQUAL(n->syn_backlog_drops, 0);
  CU_ASSERT_EQUAL(host_stats(h.host)->accept_dropped, 2);
  harness_run_until(&h, 1001 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), 1001 * SIM_MS);
  TcpConn *c = tcp_accept(l, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* A lost SYN: the SYN again at 1 s. */
static void
rtx_syn_counts_a_resent_syn(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  harness_run_until(&h, 1 * SIM_S - 1);
  ASSERT_RTX(&h.net->tcp, 0, 0, 0, 0, 0);
  harness_run_until(&h, 1 * SIM_S);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN, 0, 0, 0), 1 * SIM_S);
  ASSERT_RTX(&h.net->tcp, 1, 0, 0, 0, 0);
  inject_inc(&h, 1010 * SIM_MS, INC_A, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, 1, 0);
  harness_run_until(&h, 1010 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  ASSERT_RTX(&h.net->tcp, 1, 0, 0, 0, 0);
  harness_finish(&h);
}

/* A lost SYN,ACK: the SYN,ACK again at 1 s. */
static void
rtx_synack_counts_a_resent_syn_ack(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  inject_inc(&h, 0, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 1 * SIM_S - 1);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  ASSERT_RTX(&h.net->tcp, 0, 0, 0, 0, 0);
  harness_run_until(&h, 1 * SIM_S);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), 1 * SIM_S);
  ASSERT_RTX(&h.net->tcp, 0, 1, 0, 0, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* Lost data (RTT 10 ms, RTO 200 ms, TLP on): the tail loss probe resends it at 300 ms,
 * the RTO (restarted by the probe) at 500 ms. */
static void
rtx_data_and_probes_count_resent_data(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 300 * SIM_MS);
  ASSERT_RTX(&h.net->tcp, 0, 0, 0, 0, 1);
  harness_run_until(&h, 500 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 500 * SIM_MS);
  ASSERT_RTX(&h.net->tcp, 0, 0, 1, 0, 1);
  inject_inc(&h, 510 * SIM_MS, INC_A, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 101, 0);
  harness_run_until(&h, 510 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 2);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 101, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* A lost FIN (no TLP): the FIN again at its RTO, 300 ms. */
static void
rtx_fin_counts_a_resent_fin(void)
{
  Harness h;
  harness_init(&h, no_tlp);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0), 300 * SIM_MS);
  ASSERT_RTX(&h.net->tcp, 0, 0, 0, 1, 0);
  inject_inc(&h, 310 * SIM_MS, INC_A, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 310 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0);
  harness_run_until(&h, 61 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  ASSERT_RTX(&h.net->tcp, 0, 0, 0, 1, 0);
  harness_finish(&h);
}

/* A clean active and a clean passive connection, data both ways, closed both ways: no
 * failure, drop, retransmission, waste, stale segment or SYN data is counted. */
static void
clean_exchanges_count_nothing_amiss(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  inject_inc(&h, 20 * SIM_MS, INC_A, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 101, 50);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 101, PEER_ISN + 51, 0);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, NULL), 50);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 101, PEER_ISN + 51, 0);
  inject_inc(&h, 30 * SIM_MS, INC_A, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 51, 102, 0);
  harness_run_until(&h, 30 * SIM_MS);
  harness_expect(&h, TCP_ACK, 102, PEER_ISN + 52, 0);

  TcpConn *l;
  TcpConn *s = harness_open_passive(&h, &l, 100 * SIM_MS, INC_B);
  inject_inc(&h, 120 * SIM_MS, INC_B, SPORT, LPORT, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 70);
  harness_run_until(&h, 120 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 71, 0);
  CU_ASSERT_EQUAL(tcp_read(s, 1000, NULL), 70);
  inject_inc(&h, 130 * SIM_MS, INC_B, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 71, 1, 0);
  harness_run_until(&h, 130 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 72, 0);
  tcp_close(s);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 72, 0);
  inject_inc(&h, 140 * SIM_MS, INC_B, SPORT, LPORT, TCP_ACK, PEER_ISN + 72, 2, 0);
  harness_run_until(&h, 61 * SIM_S);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  tcp_close(l);
  const NetTcpCounts *n = &h.net->tcp;
  ASSERT_CONNECT_FAILS(n, 0, 0, 0);
  ASSERT_RTX(n, 0, 0, 0, 0, 0);
  CU_ASSERT_EQUAL(n->syn_backlog_drops, 0);
  CU_ASSERT_EQUAL(n->accept_backlog_drops, 0);
  CU_ASSERT_EQUAL(n->wasted_conns, 0);
  CU_ASSERT_EQUAL(n->wasted_time, 0);
  CU_ASSERT_EQUAL(n->wasted_bytes, 0);
  CU_ASSERT_EQUAL(n->stale_segs, 0);
  CU_ASSERT_EQUAL(n->stale_bytes, 0);
  CU_ASSERT_EQUAL(n->last_ack_timeouts, 0);
  CU_ASSERT_EQUAL(n->last_ack_resets, 0);
  CU_ASSERT_EQUAL(n->syn_data_bytes, 0);
  CU_ASSERT_EQUAL(n->syn_data_held_peak, 0);
  CU_ASSERT_EQUAL(n->conns_created, 3);
  CU_ASSERT_EQUAL(n->transitions[TCP_LAST_ACK][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(n->transitions[TCP_TIME_WAIT][TCP_CLOSED], 1);
  harness_finish(&h);
}

/* Connection-seconds per state, added as connections leave a state, when an app lets go
 * of a CLOSED one, and at teardown: a listener open 0-63 s; an active close (SYN-SENT
 * 10 ms, ESTABLISHED 90 ms, FIN-WAIT-1 10 ms, FIN-WAIT-2 90 ms, TIME-WAIT 60 s); a
 * refused connect held CLOSED by its app for 990 ms; a connection ESTABLISHED at 64.01 s
 * and torn down with the host at 70 s. */
static void
state_time_adds_up_connection_seconds_per_state(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  TcpConn *c = open_active(&h, 0);
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->state_time[TCP_SYN_SENT], 10 * SIM_MS);
  CU_ASSERT_EQUAL(n->state_time[TCP_ESTABLISHED], 0);   /* not left yet */
  harness_run_until(&h, 100 * SIM_MS);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(n->state_time[TCP_ESTABLISHED], 90 * SIM_MS);
  inject_inc(&h, 110 * SIM_MS, INC_A, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 2, 0);
  inject_inc(&h, 200 * SIM_MS, INC_A, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 200 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0);
  CU_ASSERT_EQUAL(n->state_time[TCP_FIN_WAIT_1], 10 * SIM_MS);
  CU_ASSERT_EQUAL(n->state_time[TCP_FIN_WAIT_2], 90 * SIM_MS);
  CU_ASSERT_EQUAL(n->state_time[TCP_TIME_WAIT], 0);
  harness_run_until(&h, 200 * SIM_MS + 60 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(n->state_time[TCP_TIME_WAIT], 60 * SIM_S);
  CU_ASSERT_EQUAL(n->state_time[TCP_CLOSED], 0);

  harness_run_until(&h, 61 * SIM_S);
  TcpConn *r = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  inject_inc(&h, 61010 * SIM_MS, 0, SPORT, tcp_local_port(r), TCP_RST | TCP_ACK, 0, 1, 0);
  harness_run_until(&h, 62 * SIM_S);
  CU_ASSERT_EQUAL(tcp_state(r), TCP_CLOSED);
  CU_ASSERT_EQUAL(n->state_time[TCP_CLOSED], 0);
  tcp_close(r);
  CU_ASSERT_EQUAL(n->state_time[TCP_CLOSED], 990 * SIM_MS);

  harness_run_until(&h, 63 * SIM_S);
  CU_ASSERT_EQUAL(n->state_time[TCP_LISTEN], 0);
  tcp_close(l);
  CU_ASSERT_EQUAL(n->state_time[TCP_LISTEN], 63 * SIM_S);

  open_active(&h, 64 * SIM_S);
  harness_run_until(&h, 70 * SIM_S);
  NetTcpCounts after;
  harness_finish_counting(&h, &after);
  CU_ASSERT_EQUAL(after.state_time[TCP_CLOSED], 990 * SIM_MS);
  CU_ASSERT_EQUAL(after.state_time[TCP_LISTEN], 63 * SIM_S);
  CU_ASSERT_EQUAL(after.state_time[TCP_SYN_SENT], 30 * SIM_MS);
  CU_ASSERT_EQUAL(after.state_time[TCP_SYN_RECEIVED], 0);
  CU_ASSERT_EQUAL(after.state_time[TCP_ESTABLISHED], 90 * SIM_MS + 5990 * SIM_MS);
  CU_ASSERT_EQUAL(after.state_time[TCP_FIN_WAIT_1], 10 * SIM_MS);
  CU_ASSERT_EQUAL(after.state_time[TCP_FIN_WAIT_2], 90 * SIM_MS);
  CU_ASSERT_EQUAL(after.state_time[TCP_CLOSE_WAIT], 0);
  CU_ASSERT_EQUAL(after.state_time[TCP_CLOSING], 0);
  CU_ASSERT_EQUAL(after.state_time[TCP_LAST_ACK], 0);
  CU_ASSERT_EQUAL(after.state_time[TCP_TIME_WAIT], 60 * SIM_S);
}

/* ---- the metrics table ------------------------------------------------------------------- */

static gboolean
is_snake_case(const char *s)
{
  if (!g_ascii_islower(s[0]))
    return FALSE;
  for (const char *p = s; *p; p++) {
    if (*p == '_') {
      if (p[1] == '_' || p[1] == '\0')
        return FALSE;
    } else if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p)) {
      return FALSE;
    }
  }
  return TRUE;
}

/* Every metric: a unique snake_case name, a unit among count, bytes and s, a doc. */
static void
metrics_table_names_units_and_docs(void)
{
  guint len = 0;
  const MetricDef *t = metrics_table(&len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_TRUE(len >= 35);
  CU_ASSERT_PTR_EQUAL(metrics_table(NULL), t);
  for (guint i = 0; i < len; i++) {
    CU_ASSERT_PTR_NOT_NULL_FATAL(t[i].name);
    if (!is_snake_case(t[i].name)) {
      fprintf(stderr, "\n  metric name \"%s\" is not snake_case\n", t[i].name);
      CU_FAIL("metric name not snake_case");
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(t[i].unit);
    CU_ASSERT_TRUE(strcmp(t[i].unit, "count") == 0 || strcmp(t[i].unit, "bytes") == 0 ||
                   strcmp(t[i].unit, "s") == 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t[i].doc);
    CU_ASSERT_TRUE(t[i].doc[0] != '\0');
    for (guint j = 0; j < i; j++)
      if (strcmp(t[i].name, t[j].name) == 0) {
        fprintf(stderr, "\n  metric \"%s\" twice (%u and %u)\n", t[i].name, j, i);
        CU_FAIL("metric name not unique");
      }
  }
}

/* metrics_find gives each name's index, and -1 for anything else. */
static void
metrics_find_gives_the_index_or_minus_1(void)
{
  guint len = 0;
  const MetricDef *t = metrics_table(&len);
  for (guint i = 0; i < len; i++)
    CU_ASSERT_EQUAL(metrics_find(t[i].name), (int)i);
  CU_ASSERT_EQUAL(metrics_find(""), -1);
  CU_ASSERT_EQUAL(metrics_find("no_such_metric"), -1);
  CU_ASSERT_EQUAL(metrics_find("wasted"), -1);
  CU_ASSERT_EQUAL(metrics_find("wasted_connection"), -1);
  CU_ASSERT_EQUAL(metrics_find("wasted_connections_"), -1);
  CU_ASSERT_EQUAL(metrics_find("Wasted_connections"), -1);
  CU_ASSERT_TRUE(metrics_find("wasted_connections") >= 0);
}

typedef struct {
  const char *name, *unit;
  double value;
} WantMetric;

/* What each metric must read from @n, with its unit. */
static guint
want_metrics(const NetTcpCounts *n, WantMetric *w)
{
  uint64_t est = 0, tw = 0;
  for (int f = 0; f < NET_TCP_NSTATES; f++) {
    est += n->transitions[f][TCP_ESTABLISHED];
    tw += n->transitions[f][TCP_TIME_WAIT];
  }
  static const char *const time_names[TCP_NSTATES] = {
    "time_closed", "time_listen", "time_syn_sent", "time_syn_received", "time_established",
    "time_fin_wait_1", "time_fin_wait_2", "time_close_wait", "time_closing", "time_last_ack",
    "time_time_wait",
  };
  guint k = 0;
#define W(name_, unit_, value_) w[k++] = (WantMetric){ (name_), (unit_), (double)(value_) }
  W("conns_created", "count", n->conns_created);
  W("conns_established", "count", est);
  W("time_wait_entered", "count", tw);
  W("wasted_connections", "count", n->wasted_conns);
  W("wasted_seconds", "s", (double)n->wasted_time / SIM_S);
  W("wasted_bytes", "bytes", n->wasted_bytes);
  W("stale_segments", "count", n->stale_segs);
  W("stale_bytes", "bytes", n->stale_bytes);
  W("last_ack_timeouts", "count", n->last_ack_timeouts);
  W("last_ack_resets", "count", n->last_ack_resets);
  W("time_wait_reacks", "count", n->time_wait_reacks);
  W("time_wait_resets", "count", n->time_wait_resets);
  W("connect_refused", "count", n->connect_refused);
  W("connect_timed_out", "count", n->connect_timed_out);
  W("connect_no_port", "count", n->connect_no_port);
  W("syn_backlog_drops", "count", n->syn_backlog_drops);
  W("accept_backlog_drops", "count", n->accept_backlog_drops);
  W("syn_data_bytes", "bytes", n->syn_data_bytes);
  W("syn_data_held_peak", "bytes", n->syn_data_held_peak);
  W("rtx_syn", "count", n->rtx_syn);
  W("rtx_synack", "count", n->rtx_synack);
  W("rtx_data", "count", n->rtx_data);
  W("rtx_fin", "count", n->rtx_fin);
  W("tail_loss_probes", "count", n->probes);
  for (int s = 0; s < TCP_NSTATES; s++)
    W(time_names[s], "s", (double)n->state_time[s] / SIM_S);
#undef W
  return k;
}

/* metrics_read writes exactly the table's length (the canary after it survives) and
 * reads each counter into its own metric: every counter of a synthetic run holds a
 * distinct value, so a metric wired to the wrong field shows. */
static void
metrics_read_takes_each_metric_from_its_counter(void)
{
  SimSched *sched = sim_sched_new();
  Net *net = net_new(sched, NULL, &(SimRngStreamId){ 1, 0, 0, 0 });
  NetTcpCounts *n = &net->tcp;
  n->conns_created = 3;
  n->transitions[TCP_SYN_SENT][TCP_ESTABLISHED] = 5;
  n->transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED] = 7;
  n->transitions[TCP_FIN_WAIT_2][TCP_TIME_WAIT] = 11;
  n->transitions[TCP_CLOSING][TCP_TIME_WAIT] = 13;
  n->transitions[TCP_FIN_WAIT_1][TCP_TIME_WAIT] = 17;
  n->transitions[TCP_ESTABLISHED][TCP_CLOSE_WAIT] = 1000;   /* counted by neither */
  n->wasted_conns = 19;
  n->wasted_time = 1500 * SIM_MS;
  n->wasted_bytes = 23;
  n->stale_segs = 29;
  n->stale_bytes = 31;
  n->last_ack_timeouts = 37;
  n->last_ack_resets = 41;
  n->time_wait_reacks = 107;
  n->time_wait_resets = 109;
  n->connect_refused = 43;
  n->connect_timed_out = 47;
  n->connect_no_port = 53;
  n->syn_backlog_drops = 59;
  n->accept_backlog_drops = 61;
  n->syn_data_bytes = 67;
  n->syn_data_held = 71;
  n->syn_data_held_peak = 73;
  n->rtx_syn = 79;
  n->rtx_synack = 83;
  n->rtx_data = 89;
  n->rtx_fin = 97;
  n->probes = 101;
  for (int s = 0; s < TCP_NSTATES; s++)
    n->state_time[s] = (SimTime)(s + 1) * 250 * SIM_MS + 103 * SIM_S;
  guint len = 0;
  metrics_table(&len);
  double *out = g_new(double, len + 1);
  for (guint i = 0; i <= len; i++)
    out[i] = -7.25;
  metrics_read(net, out);
  CU_ASSERT_EQUAL(out[len], -7.25);
  WantMetric want[64];
  guint k = want_metrics(n, want);
  CU_ASSERT_EQUAL(k, 35);
  CU_ASSERT_TRUE(len >= k);
  for (guint i = 0; i < k; i++) {
    int idx = metrics_find(want[i].name);
    if (idx < 0) {
      fprintf(stderr, "\n  metric \"%s\" missing\n", want[i].name);
      CU_FAIL("metric missing");
      continue;
    }
    CU_ASSERT_STRING_EQUAL(metrics_table(NULL)[idx].unit, want[i].unit);
    if (out[idx] != want[i].value) {
      fprintf(stderr, "\n  metric \"%s\" = %.17g, want %.17g\n", want[i].name, out[idx],
              want[i].value);
      CU_FAIL("metric value differs");
    }
  }
  CU_ASSERT_EQUAL(out[metrics_find("conns_established")], 12.0);
  CU_ASSERT_EQUAL(out[metrics_find("time_wait_entered")], 41.0);
  CU_ASSERT_EQUAL(out[metrics_find("wasted_seconds")], 1.5);
  CU_ASSERT_EQUAL(out[metrics_find("time_closed")], 103.25);
  CU_ASSERT_EQUAL(out[metrics_find("time_time_wait")], 105.75);
  g_free(out);
  net_free(net);
  sim_sched_free(sched);
}

static double
metric_of(const double *out, const char *name)
{
  int idx = metrics_find(name);
  CU_ASSERT_TRUE_FATAL(idx >= 0);
  return out[idx];
}

/* A run's report: the wasted two-way connection of hs2_old_syn_commits_a_wasted_connection
 * read through the table. */
static void
metrics_read_reports_a_wasted_connection(void)
{
  Harness h;
  harness_init(&h, hs2);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  inject_inc(&h, 10 * SIM_S, INC_A, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 10 * SIM_S);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_write(c, 300, &err), 300);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 300);
  inject_inc(&h, 10 * SIM_S + 50 * SIM_MS, 0, SPORT, LPORT, TCP_RST, PEER_ISN + 1, 0, 0);
  harness_run_until(&h, 10 * SIM_S + 50 * SIM_MS);
  tcp_close(c);
  guint len = 0;
  metrics_table(&len);
  double *out = g_new(double, len + 1);
  out[len] = 42.5;
  metrics_read(h.net, out);
  CU_ASSERT_EQUAL(out[len], 42.5);
  CU_ASSERT_EQUAL(metric_of(out, "wasted_connections"), 1.0);
  CU_ASSERT_EQUAL(metric_of(out, "wasted_seconds"), 0.05);
  CU_ASSERT_EQUAL(metric_of(out, "wasted_bytes"), 300.0);
  CU_ASSERT_EQUAL(metric_of(out, "conns_created"), 2.0);
  CU_ASSERT_EQUAL(metric_of(out, "conns_established"), 1.0);
  CU_ASSERT_EQUAL(metric_of(out, "time_wait_entered"), 0.0);
  CU_ASSERT_EQUAL(metric_of(out, "time_established"), 0.05);
  CU_ASSERT_EQUAL(metric_of(out, "time_syn_received"), 0.0);
  CU_ASSERT_EQUAL(metric_of(out, "time_listen"), 0.0);   /* still listening */
  CU_ASSERT_EQUAL(metric_of(out, "stale_segments"), 0.0);
  harness_run_until(&h, 11 * SIM_S);
  tcp_close(l);
  metrics_read(h.net, out);
  CU_ASSERT_EQUAL(metric_of(out, "time_listen"), 11.0);
  CU_ASSERT_EQUAL(out[len], 42.5);
  g_free(out);
  harness_finish(&h);
}

/* ---- configuration ---------------------------------------------------------------------- */

/* handshake 2, 3, 4, close 3, 4 and the three SYN data policies validate; handshake 1
 * and 5, close 2 and 5, a SYN data policy out of range are rejected, naming the field. */
static void
config_validates_the_variants(void)
{
  TcpConfig c;
  GError *err = NULL;
  for (int hs = 2; hs <= 4; hs++) {
    tcp_config_preset(&c, TCP_PRESET_LINUX);
    c.handshake = hs;
    CU_ASSERT_TRUE(tcp_config_validate(&c, &err));
    CU_ASSERT_PTR_NULL(err);
  }
  const int bad_hs[] = { 1, 5, 0, -1 };
  for (unsigned i = 0; i < G_N_ELEMENTS(bad_hs); i++) {
    tcp_config_preset(&c, TCP_PRESET_LINUX);
    c.handshake = bad_hs[i];
    CU_ASSERT_FALSE(tcp_config_validate(&c, &err));
    TEST_ASSERT_ERROR(err, SIM_ERROR_RANGE, "tcp.handshake");
  }
  for (int cl = 3; cl <= 4; cl++) {
    tcp_config_preset(&c, TCP_PRESET_RFC);
    c.close = cl;
    CU_ASSERT_TRUE(tcp_config_validate(&c, &err));
    CU_ASSERT_PTR_NULL(err);
  }
  const int bad_close[] = { 2, 5, 0 };
  for (unsigned i = 0; i < G_N_ELEMENTS(bad_close); i++) {
    tcp_config_preset(&c, TCP_PRESET_LINUX);
    c.close = bad_close[i];
    CU_ASSERT_FALSE(tcp_config_validate(&c, &err));
    TEST_ASSERT_ERROR(err, SIM_ERROR_RANGE, "tcp.close ");
  }
  const TcpSynData ok_sd[] = { TCP_SYN_DATA_DROP, TCP_SYN_DATA_BUFFER, TCP_SYN_DATA_ACCEPT };
  for (unsigned i = 0; i < G_N_ELEMENTS(ok_sd); i++) {
    tcp_config_preset(&c, TCP_PRESET_LINUX);
    c.syn_data = ok_sd[i];
    CU_ASSERT_TRUE(tcp_config_validate(&c, &err));
    CU_ASSERT_PTR_NULL(err);
  }
  const int bad_sd[] = { TCP_SYN_DATA_ACCEPT + 1, -1 };
  for (unsigned i = 0; i < G_N_ELEMENTS(bad_sd); i++) {
    tcp_config_preset(&c, TCP_PRESET_LINUX);
    c.syn_data = (TcpSynData)bad_sd[i];
    CU_ASSERT_FALSE(tcp_config_validate(&c, &err));
    TEST_ASSERT_ERROR(err, SIM_ERROR_RANGE, "tcp.syn_data");
  }
  /* the presets: three-way, four-way close, SYN data dropped, RST ends TIME-WAIT */
  tcp_config_preset(&c, TCP_PRESET_LINUX);
  CU_ASSERT_EQUAL(c.handshake, 3);
  CU_ASSERT_EQUAL(c.close, 4);
  CU_ASSERT_EQUAL(c.syn_data, TCP_SYN_DATA_DROP);
  CU_ASSERT_TRUE(c.rst_in_time_wait);
  tcp_config_preset(&c, TCP_PRESET_RFC);
  CU_ASSERT_EQUAL(c.time_wait, 2 * c.msl);
  CU_ASSERT_EQUAL(c.time_wait, 240 * SIM_S);
}

/* ---- the claims, C1-C19 ------------------------------------------------------------------- */

/* C1: both ends start CLOSED; the server opens a port and is in LISTEN. */
static void
claim_c1_both_ends_start_closed_and_the_server_listens(void)
{
  Duo d;
  duo_init(&d, NULL, NULL);
  const NetTcpCounts *n = &d.pair.net->tcp;
  CU_ASSERT_EQUAL(tcp_state(d.listener), TCP_LISTEN);
  CU_ASSERT_EQUAL(n->transitions[TCP_CLOSED][TCP_LISTEN], 1);   /* it was CLOSED */
  CU_ASSERT_EQUAL(n->conns_created, 1);
  CU_ASSERT_EQUAL(host_conn_count(d.pair.client), 0);
  CU_ASSERT_EQUAL(host_conn_count(d.pair.server), 0);
  TcpConn *c = duo_connect(&d, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  /* the client's connection left CLOSED for SYN-SENT: the only other transition */
  CU_ASSERT_EQUAL(n->transitions[TCP_CLOSED][TCP_SYN_SENT], 1);
  uint64_t all = 0;
  for (int f = 0; f < TCP_NSTATES; f++)
    for (int t = 0; t < TCP_NSTATES; t++)
      all += n->transitions[f][t];
  CU_ASSERT_EQUAL(all, 2);
  duo_run(&d, 3 * SIM_MS);
  CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(d.srv.accepted, 1);
  CU_ASSERT_EQUAL(tcp_state(d.listener), TCP_LISTEN);   /* still listening */
  /* only the opened port listens: a SYN to port 81 is refused */
  CU_ASSERT_PTR_NOT_NULL(tcp_connect(d.pair.client, SADDR, 81, 0, &d.cb, &d.cli, NULL));
  duo_run(&d, 5 * SIM_MS);
  CU_ASSERT_EQUAL(d.cli.closed, 1);
  CU_ASSERT_EQUAL(d.cli.closed_err, TCP_ERR_REFUSED);
  duo_finish(&d);
}

/* C2: the client's SYN carries its ISN (random policy), no data, and the client is
 * SYN-SENT. Data written meanwhile waits, even for the SYN's retransmission. */
static void
claim_c2_syn_carries_a_random_isn_no_data_client_syn_sent(void)
{
  Harness h;
  harness_init(&h, isn_random);
  TcpErr err;
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_SENT);
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_CLOSED][TCP_SYN_SENT], 1);
  uint32_t iss = tcp_iss(c);
  CU_ASSERT_NOT_EQUAL(iss, 0);
  CU_ASSERT_EQUAL(tcp_snd_nxt(c), iss + 1);
  CU_ASSERT_EQUAL_FATAL(harness_pending(&h), 1);
  CU_ASSERT_EQUAL(((const Captured *)g_queue_peek_head(&h.out))->seg->ack, 0);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN, iss, 0, 0), 0);
  CU_ASSERT_EQUAL(tcp_write(c, 300, &err), 300);
  harness_expect_nothing(&h);
  harness_run_until(&h, 1 * SIM_S);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN, iss, 0, 0), 1 * SIM_S);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_SENT);
  /* each connection draws its own: two at the same instant differ (not a clock) */
  TcpConn *c2 = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, &err);
  TcpConn *c3 = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c3);
  CU_ASSERT_NOT_EQUAL(tcp_iss(c2), iss);
  CU_ASSERT_NOT_EQUAL(tcp_iss(c3), tcp_iss(c2));
  harness_expect(&h, TCP_SYN, tcp_iss(c2), 0, 0);
  harness_expect(&h, TCP_SYN, tcp_iss(c3), 0, 0);
  tcp_close(c);
  tcp_close(c2);
  tcp_close(c3);
  harness_expect_nothing(&h);
  harness_finish(&h);
}

/* C3: the server answers with SYN,ACK: its own ISN, ACK = client ISN + 1, no data; it
 * is SYN-RECEIVED. */
static void
claim_c3_syn_ack_has_server_isn_and_client_isn_plus_1(void)
{
  Duo d;
  duo_init(&d, NULL, NULL);
  TcpConn *c = duo_connect(&d, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  uint32_t ciss = tcp_iss(c);
  duo_run(&d, 1 * SIM_MS);
  CU_ASSERT_EQUAL_FATAL(d.tdown.n, 1);
  uint32_t siss = d.tdown.seen[0].seq;
  tap_expect(&d.tdown, 0, TCP_SYN | TCP_ACK, siss, ciss + 1, 0, 1 * SIM_MS);
  const NetTcpCounts *n = &d.pair.net->tcp;
  CU_ASSERT_EQUAL(n->transitions[TCP_LISTEN][TCP_SYN_RECEIVED], 1);
  for (int s = 0; s < TCP_NSTATES; s++)
    CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][s], 0);   /* still SYN-RECEIVED */
  CU_ASSERT_EQUAL(host_conn_count(d.pair.server), 1);
  CU_ASSERT_EQUAL(d.srv.accepted, 0);
  duo_run(&d, 3 * SIM_MS);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d.srv.conn);
  CU_ASSERT_EQUAL(tcp_iss(d.srv.conn), siss);
  CU_ASSERT_EQUAL(tcp_irs(d.srv.conn), ciss);
  CU_ASSERT_NOT_EQUAL(siss, ciss);
  CU_ASSERT_NOT_EQUAL(siss, 0);
  duo_finish(&d);
}

/* C4: the third segment has ACK = server ISN + 1, may carry data (written in SYN-SENT),
 * and the client is ESTABLISHED as it sends it; without data it is a bare ACK. */
static void
claim_c4_third_segment_acks_server_isn_may_carry_data(void)
{
  Duo d;
  duo_init(&d, NULL, NULL);
  TcpConn *c = duo_connect(&d, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  uint32_t ciss = tcp_iss(c);
  CU_ASSERT_EQUAL(tcp_write(c, 300, NULL), 300);
  duo_run(&d, 2 * SIM_MS - 1);
  CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_SENT);
  CU_ASSERT_EQUAL(d.tup.n, 1);
  tap_expect(&d.tup, 0, TCP_SYN, ciss, 0, 0, 0);
  duo_run(&d, 2 * SIM_MS);
  CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, c);
  CU_ASSERT_EQUAL_FATAL(d.tdown.n, 1);
  uint32_t siss = d.tdown.seen[0].seq;
  CU_ASSERT_EQUAL(d.tup.n, 2);
  tap_expect(&d.tup, 1, TCP_ACK | TCP_PSH, ciss + 1, siss + 1, 300, 2 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(d.cli.t_connected, 2 * SIM_MS);
  duo_run(&d, 3 * SIM_MS);
  CU_ASSERT_EQUAL(d.srv.bytes_read, 300);   /* the server took it */
  /* a client with nothing to send: a bare ACK */
  duo_run(&d, 10 * SIM_MS);
  TcpConn *c2 = duo_connect(&d, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
  duo_run(&d, 12 * SIM_MS);
  CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, c2);
  CU_ASSERT_EQUAL(tcp_state(c2), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(d.tdown.n, 3);
  tap_expect(&d.tup, 3, TCP_ACK, tcp_iss(c2) + 1, d.tdown.seen[2].seq + 1, 0, 12 * SIM_MS);
  duo_finish(&d);
}

/* C5: the server is ESTABLISHED when the third segment arrives (3 ms), not before. */
static void
claim_c5_server_established_on_the_third_segment(void)
{
  Duo d;
  duo_init(&d, NULL, NULL);
  TcpConn *c = duo_connect(&d, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  const NetTcpCounts *n = &d.pair.net->tcp;
  duo_run(&d, 3 * SIM_MS - 1);
  CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, c);
  CU_ASSERT_EQUAL_FATAL(d.tdown.n, 1);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 0);
  CU_ASSERT_EQUAL(d.srv.accepted, 0);
  tap_expect(&d.tup, 1, TCP_ACK, tcp_iss(c) + 1, d.tdown.seen[0].seq + 1, 0, 2 * SIM_MS);
  duo_run(&d, 3 * SIM_MS);
  CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 1);
  CU_ASSERT_EQUAL(d.srv.accepted, 1);
  CU_ASSERT_EQUAL(d.srv.t_accepted, 3 * SIM_MS);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d.srv.conn);
  CU_ASSERT_EQUAL(tcp_state(d.srv.conn), TCP_ESTABLISHED);
  duo_finish(&d);
}

/* C6: the client's first SYN is held up in the network; the client retransmits it,
 * connects, gets 1000 bytes, closes; its TIME-WAIT ends. At 100 s the old SYN reaches
 * the server. Two-way: the server commits (ESTABLISHED, accepted, sends 1000 bytes); the
 * client's host answers SYN,ACK and data with RST; the connection resets: one wasted
 * connection, 2 ms, 1000 bytes. Three-way: the embryo's SYN,ACK gets the RST and it
 * dies in SYN-RECEIVED: nothing wasted, never ESTABLISHED. */
static void
claim_c6_two_way_commits_to_an_old_syn_three_way_rejects_it(void)
{
  for (int hs = 2; hs <= 3; hs++) {
    tweak_handshake = hs;
    Duo d;
    duo_init(&d, handshake_of_test, handshake_of_test);
    d.srv.write_on_accept = 1000;
    d.srv.close_on_eof = TRUE;
    d.tup.hold = 1;   /* the client's first segment, its SYN */
    TcpConn *c = duo_connect(&d, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    uint32_t ciss = tcp_iss(c);
    uint64_t cinc = tcp_incarnation(c);
    duo_run(&d, 1 * SIM_S - 1);
    CU_ASSERT_EQUAL(host_conn_count(d.pair.server), 0);
    duo_run(&d, 1 * SIM_S + 10 * SIM_MS);
    const NetTcpCounts *n = &d.pair.net->tcp;
    CU_ASSERT_EQUAL(n->rtx_syn, 1);
    CU_ASSERT_EQUAL(d.cli.connected, 1);
    CU_ASSERT_EQUAL(d.cli.bytes_read, 1000);
    CU_ASSERT_EQUAL(d.srv.accepted, 1);
    duo_run(&d, 2 * SIM_S);
    side_close(&d.cli);
    duo_run(&d, 2 * SIM_S + 10 * SIM_MS);
    CU_ASSERT_EQUAL_FATAL(host_conn_count(d.pair.client), 1);   /* c not freed */
    CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
    CU_ASSERT_EQUAL(host_conn_count(d.pair.server), 0);
    duo_run(&d, 100 * SIM_S);
    CU_ASSERT_EQUAL(host_conn_count(d.pair.client), 0);
    CU_ASSERT_EQUAL(n->wasted_conns, 0);
    CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 1);
    CU_ASSERT_EQUAL(d.tdown.n, 4);
    CU_ASSERT_EQUAL(d.tup.n, 6);
    Segment *old = d.tup.held;
    d.tup.held = NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(old);
    CU_ASSERT_EQUAL(old->flags, TCP_SYN);
    CU_ASSERT_EQUAL(old->seq, ciss);
    CU_ASSERT_EQUAL(old->incarnation, cinc);
    host_receive(d.pair.server, old);
    CU_ASSERT_TRUE_FATAL(d.tdown.n >= 5);
    uint32_t s2 = d.tdown.seen[4].seq;
    tap_expect(&d.tdown, 4, TCP_SYN | TCP_ACK, s2, ciss + 1, 0, 100 * SIM_S);
    if (hs == 2) {
      CU_ASSERT_EQUAL(d.tdown.n, 6);
      tap_expect(&d.tdown, 5, TCP_ACK | TCP_PSH, s2 + 1, ciss + 1, 1000, 100 * SIM_S);
      CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 2);
      CU_ASSERT_EQUAL(d.srv.accepted, 2);
    } else {
      CU_ASSERT_EQUAL(d.tdown.n, 5);
      CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_ESTABLISHED], 1);
      CU_ASSERT_EQUAL(d.srv.accepted, 1);
    }
    duo_run(&d, 100 * SIM_S + 10 * SIM_MS);
    tap_expect(&d.tup, 6, TCP_RST, ciss + 1, 0, 0, 100 * SIM_S + 1 * SIM_MS);
    CU_ASSERT_EQUAL(host_conn_count(d.pair.server), 0);
    if (hs == 2) {
      CU_ASSERT_EQUAL(d.tup.n, 8);
      tap_expect(&d.tup, 7, TCP_RST, ciss + 1, 0, 0, 100 * SIM_S + 1 * SIM_MS);
      CU_ASSERT_EQUAL(host_stats(d.pair.client)->rst_sent_closed, 2);
      CU_ASSERT_EQUAL(n->wasted_conns, 1);
      CU_ASSERT_EQUAL(n->wasted_time, 2 * SIM_MS);
      CU_ASSERT_EQUAL(n->wasted_bytes, 1000);
      CU_ASSERT_EQUAL(d.srv.closed, 1);
      CU_ASSERT_EQUAL(d.srv.closed_err, TCP_ERR_RESET);
      CU_ASSERT_EQUAL(n->transitions[TCP_ESTABLISHED][TCP_CLOSED], 1);
    } else {
      CU_ASSERT_EQUAL(d.tup.n, 7);
      CU_ASSERT_EQUAL(host_stats(d.pair.client)->rst_sent_closed, 1);
      CU_ASSERT_EQUAL(n->wasted_conns, 0);
      CU_ASSERT_EQUAL(n->wasted_time, 0);
      CU_ASSERT_EQUAL(n->wasted_bytes, 0);
      CU_ASSERT_EQUAL(d.srv.closed, 0);
      CU_ASSERT_EQUAL(n->transitions[TCP_SYN_RECEIVED][TCP_CLOSED], 1);
      CU_ASSERT_EQUAL(n->transitions[TCP_ESTABLISHED][TCP_CLOSED], 0);
    }
    duo_finish(&d);
  }
  tweak_handshake = 3;
}

/* C7: a four-way handshake (SYN / ACK / SYN / ACK) works, costs one segment more than
 * three-way and no less time: both ends ESTABLISHED at 3 ms either way. */
static void
claim_c7_four_way_costs_a_segment_more_and_no_less_time(void)
{
  uint64_t segs[2];
  SimTime both[2];
  for (int k = 0; k < 2; k++) {
    tweak_handshake = 3 + k;
    Duo d;
    duo_init(&d, handshake_of_test, handshake_of_test);
    TcpConn *c = duo_connect(&d, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    duo_run(&d, 100 * SIM_MS);
    CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, c);
    CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d.srv.conn);
    CU_ASSERT_EQUAL(tcp_state(d.srv.conn), TCP_ESTABLISHED);
    segs[k] = duo_segs(&d);
    both[k] = MAX(d.cli.t_connected, d.srv.t_accepted);
    if (k == 1) {
      CU_ASSERT_EQUAL(d.tdown.seen[0].flags, TCP_ACK);
      CU_ASSERT_EQUAL(d.tdown.seen[1].flags, TCP_SYN);
      CU_ASSERT_EQUAL(d.tup.seen[1].flags, TCP_ACK);
    }
    duo_finish(&d);
  }
  tweak_handshake = 3;
  CU_ASSERT_EQUAL(segs[0], 3);
  CU_ASSERT_EQUAL(segs[1], 4);
  CU_ASSERT_EQUAL(both[0], 3 * SIM_MS);
  CU_ASSERT_EQUAL(both[1], 3 * SIM_MS);
}

/* C8: a flood of 10 SYNs with 1000 bytes each. A server that drops SYN data (the
 * default) acknowledges the SYNs only and holds nothing; one that keeps it holds
 * 10000 bytes for half-open connections. Data on the third segment is taken either way
 * (once, on completion, for the buffering server). */
static void
claim_c8_syn_data_costs_memory_only_if_kept(void)
{
  for (int k = 0; k < 2; k++) {
    tweak_syn_data = k == 0 ? TCP_SYN_DATA_DROP : TCP_SYN_DATA_BUFFER;
    Harness h;
    harness_init(&h, syn_data_of_test);
    TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
    for (int i = 0; i < 10; i++)
      inject_inc(&h, i * SIM_MS, INC_A + (uint64_t)i, (uint16_t)(SPORT + i), LPORT, TCP_SYN,
                 PEER_ISN, 0, 1000);
    harness_run_until(&h, 9 * SIM_MS);
    for (int i = 0; i < 10; i++)
      CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), i * SIM_MS);
    const NetTcpCounts *n = &h.net->tcp;
    CU_ASSERT_EQUAL(n->syn_data_bytes, 10000);
    CU_ASSERT_EQUAL(n->syn_data_held, k == 0 ? 0 : 10000);
    CU_ASSERT_EQUAL(n->syn_data_held_peak, k == 0 ? 0 : 10000);
    if (k == 0)   /* the client sends its data again on the third segment */
      inject_inc(&h, 20 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 1000);
    else
      inject_inc(&h, 20 * SIM_MS, INC_A, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
    harness_run_until(&h, 20 * SIM_MS);
    CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1001, 0), 20 * SIM_MS);
    harness_expect_nothing(&h);
    TcpConn *c = tcp_accept(l, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(tcp_readable(c), 1000);
    CU_ASSERT_EQUAL(n->syn_data_held, k == 0 ? 0 : 9000);
    tcp_close(l);
    CU_ASSERT_EQUAL(n->syn_data_held, 0);
    CU_ASSERT_EQUAL(n->syn_data_held_peak, k == 0 ? 0 : 10000);
    tcp_abort(c);
    harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1001, 0);
    harness_finish(&h);
  }
  tweak_syn_data = TCP_SYN_DATA_DROP;
}

/* The close ladder of C9-C15: the RFC preset on both ends (RTO min 1 s, no TLP,
 * TIME-WAIT 2 MSL = 240 s), connected at 3 ms; the client's app shuts down writing at
 * 100 ms, the server's at 500 ms (ladder_client_fin, ladder_server_fin). Both apps keep
 * their connections, so closed() tells when each reaches CLOSED. */
typedef struct {
  Duo d;
  TcpConn *c, *s;
  uint32_t ciss, siss;
} Ladder;

static void
ladder_open(Ladder *L, uint64_t client_drop)
{
  duo_init(&L->d, rfc_preset, rfc_preset);
  L->d.tup.drop = client_drop;
  L->c = duo_connect(&L->d, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(L->c);
  duo_run(&L->d, 3 * SIM_MS);
  L->s = L->d.srv.conn;
  CU_ASSERT_PTR_NOT_NULL_FATAL(L->s);
  L->ciss = tcp_iss(L->c);
  L->siss = tcp_iss(L->s);
  CU_ASSERT_EQUAL(tcp_state(L->c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(tcp_state(L->s), TCP_ESTABLISHED);
}

/* The state of the ladder's client / server connection; CLOSED once its app heard
 * closed() (the connection is freed then and must not be touched). */
static TcpState
cstate(const Ladder *L)
{
  return L->d.cli.closed ? TCP_CLOSED : tcp_state(L->c);
}

static TcpState
sstate(const Ladder *L)
{
  return L->d.srv.closed ? TCP_CLOSED : tcp_state(L->s);
}

static void
ladder_client_fin(Ladder *L)
{
  duo_run(&L->d, 100 * SIM_MS);
  CU_ASSERT_EQUAL_FATAL(L->d.cli.closed, 0);
  tcp_shutdown_write(L->c);
}

static void
ladder_server_fin(Ladder *L)
{
  duo_run(&L->d, 500 * SIM_MS);
  CU_ASSERT_EQUAL_FATAL(L->d.srv.closed, 0);
  tcp_shutdown_write(L->s);
}

/* C9: the closing side (client) sends FIN and enters FIN-WAIT-1. */
static void
claim_c9_closer_sends_fin_and_enters_fin_wait_1(void)
{
  Ladder L;
  ladder_open(&L, 0);
  ladder_client_fin(&L);
  CU_ASSERT_EQUAL(cstate(&L), TCP_FIN_WAIT_1);
  CU_ASSERT_EQUAL(L.d.tup.n, 3);
  tap_expect(&L.d.tup, 2, TCP_FIN | TCP_ACK, L.ciss + 1, L.siss + 1, 0, 100 * SIM_MS);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.transitions[TCP_ESTABLISHED][TCP_FIN_WAIT_1], 1);
  CU_ASSERT_EQUAL_FATAL(L.d.cli.closed, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(L.c), 1100 * SIM_MS);   /* its RTO: 1 s */
  duo_finish(&L.d);
}

/* C10: the server ACKs the FIN (alone, at once) and enters CLOSE-WAIT. */
static void
claim_c10_server_acks_the_fin_and_enters_close_wait(void)
{
  Ladder L;
  ladder_open(&L, 0);
  ladder_client_fin(&L);
  duo_run(&L.d, 101 * SIM_MS - 1);
  CU_ASSERT_EQUAL(sstate(&L), TCP_ESTABLISHED);
  duo_run(&L.d, 101 * SIM_MS);
  CU_ASSERT_EQUAL(sstate(&L), TCP_CLOSE_WAIT);
  CU_ASSERT_EQUAL(L.d.tdown.n, 2);
  tap_expect(&L.d.tdown, 1, TCP_ACK, L.siss + 1, L.ciss + 2, 0, 101 * SIM_MS);
  CU_ASSERT_TRUE(L.d.srv.eof);
  CU_ASSERT_EQUAL(L.d.srv.t_eof, 101 * SIM_MS);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.transitions[TCP_ESTABLISHED][TCP_CLOSE_WAIT], 1);
  duo_finish(&L.d);
}

/* C11: on that ACK the client enters FIN-WAIT-2 (at 102 ms). */
static void
claim_c11_client_enters_fin_wait_2_on_the_ack(void)
{
  Ladder L;
  ladder_open(&L, 0);
  ladder_client_fin(&L);
  duo_run(&L.d, 102 * SIM_MS - 1);
  CU_ASSERT_EQUAL(cstate(&L), TCP_FIN_WAIT_1);
  duo_run(&L.d, 102 * SIM_MS);
  CU_ASSERT_EQUAL(cstate(&L), TCP_FIN_WAIT_2);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.transitions[TCP_FIN_WAIT_1][TCP_FIN_WAIT_2], 1);
  CU_ASSERT_EQUAL_FATAL(L.d.cli.closed, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(L.c), SIM_TIME_NEVER);   /* no FIN to resend */
  CU_ASSERT_EQUAL(L.d.tup.n, 3);                              /* nothing answers an ACK */
  duo_finish(&L.d);
}

/* C12: when the server has finished (its app shuts down at 500 ms), it sends its FIN
 * and enters LAST-ACK; nothing from it before that. */
static void
claim_c12_server_sends_its_fin_and_enters_last_ack(void)
{
  Ladder L;
  ladder_open(&L, 0);
  ladder_client_fin(&L);
  duo_run(&L.d, 500 * SIM_MS);
  CU_ASSERT_EQUAL(sstate(&L), TCP_CLOSE_WAIT);
  CU_ASSERT_EQUAL(L.d.tdown.n, 2);
  CU_ASSERT_EQUAL_FATAL(L.d.srv.closed, 0);
  tcp_shutdown_write(L.s);
  CU_ASSERT_EQUAL(sstate(&L), TCP_LAST_ACK);
  CU_ASSERT_EQUAL(L.d.tdown.n, 3);
  tap_expect(&L.d.tdown, 2, TCP_FIN | TCP_ACK, L.siss + 1, L.ciss + 2, 0, 500 * SIM_MS);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.transitions[TCP_CLOSE_WAIT][TCP_LAST_ACK], 1);
  duo_finish(&L.d);
}

/* C13: the client ACKs the server's FIN and enters TIME-WAIT (501 ms). */
static void
claim_c13_client_acks_the_server_fin_and_enters_time_wait(void)
{
  Ladder L;
  ladder_open(&L, 0);
  ladder_client_fin(&L);
  ladder_server_fin(&L);
  duo_run(&L.d, 501 * SIM_MS);
  CU_ASSERT_EQUAL(cstate(&L), TCP_TIME_WAIT);
  CU_ASSERT_EQUAL(L.d.tup.n, 4);
  tap_expect(&L.d.tup, 3, TCP_ACK, L.ciss + 2, L.siss + 2, 0, 501 * SIM_MS);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.transitions[TCP_FIN_WAIT_2][TCP_TIME_WAIT], 1);
  CU_ASSERT_EQUAL_FATAL(L.d.cli.closed, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(L.c), 501 * SIM_MS + 240 * SIM_S);
  duo_finish(&L.d);
}

/* C14: the server enters CLOSED on that ACK (502 ms). */
static void
claim_c14_server_enters_closed_on_the_last_ack(void)
{
  Ladder L;
  ladder_open(&L, 0);
  ladder_client_fin(&L);
  ladder_server_fin(&L);
  duo_run(&L.d, 502 * SIM_MS - 1);
  CU_ASSERT_EQUAL(sstate(&L), TCP_LAST_ACK);
  CU_ASSERT_EQUAL(L.d.srv.closed, 0);
  duo_run(&L.d, 502 * SIM_MS);
  CU_ASSERT_EQUAL(L.d.srv.closed, 1);            /* the app heard it; L.s is gone */
  CU_ASSERT_EQUAL(L.d.srv.closed_err, TCP_OK);
  CU_ASSERT_EQUAL(L.d.srv.t_closed, 502 * SIM_MS);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.transitions[TCP_LAST_ACK][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(host_conn_count(L.d.pair.server), 0);
  CU_ASSERT_EQUAL(L.d.tdown.n, 3);
  duo_finish(&L.d);
}

/* C15: the client stays in TIME-WAIT 2 MSL (240 s) and then enters CLOSED; if its last
 * ACK is lost, the server's FIN comes again (its RTO, 1.5 s), is ACKed again and TIME-WAIT
 * restarts from there. */
static void
claim_c15_time_wait_lasts_2_msl_and_reacks_a_resent_fin(void)
{
  Ladder L;
  ladder_open(&L, 0);
  CU_ASSERT_EQUAL(L.d.pair.ccfg.time_wait, 2 * L.d.pair.ccfg.msl);
  ladder_client_fin(&L);
  ladder_server_fin(&L);
  duo_run(&L.d, 501 * SIM_MS + 240 * SIM_S - 1);
  CU_ASSERT_EQUAL(cstate(&L), TCP_TIME_WAIT);
  CU_ASSERT_EQUAL(L.d.cli.closed, 0);
  duo_run(&L.d, 501 * SIM_MS + 240 * SIM_S);
  CU_ASSERT_EQUAL(L.d.cli.closed, 1);
  CU_ASSERT_EQUAL(L.d.cli.closed_err, TCP_OK);
  CU_ASSERT_EQUAL(L.d.cli.t_closed, 501 * SIM_MS + 240 * SIM_S);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.transitions[TCP_TIME_WAIT][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.state_time[TCP_TIME_WAIT], 240 * SIM_S);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.time_wait_reacks, 0);
  duo_finish(&L.d);

  /* the client's last ACK (its segment 3) is lost */
  ladder_open(&L, 1u << 3);
  ladder_client_fin(&L);
  ladder_server_fin(&L);
  duo_run(&L.d, 1500 * SIM_MS - 1);
  CU_ASSERT_EQUAL(sstate(&L), TCP_LAST_ACK);
  CU_ASSERT_EQUAL(L.d.tdown.n, 3);
  duo_run(&L.d, 1502 * SIM_MS);
  tap_expect(&L.d.tdown, 3, TCP_FIN | TCP_ACK, L.siss + 1, L.ciss + 2, 0, 1500 * SIM_MS);
  tap_expect(&L.d.tup, 4, TCP_ACK, L.ciss + 2, L.siss + 2, 0, 1501 * SIM_MS);
  CU_ASSERT_EQUAL(cstate(&L), TCP_TIME_WAIT);
  CU_ASSERT_EQUAL_FATAL(L.d.cli.closed, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(L.c), 1501 * SIM_MS + 240 * SIM_S);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.time_wait_reacks, 1);
  CU_ASSERT_EQUAL(L.d.srv.closed, 1);
  CU_ASSERT_EQUAL(L.d.srv.t_closed, 1502 * SIM_MS);
  CU_ASSERT_EQUAL(L.d.pair.net->tcp.last_ack_resets, 0);
  duo_run(&L.d, 1501 * SIM_MS + 240 * SIM_S - 1);
  CU_ASSERT_EQUAL(L.d.cli.closed, 0);
  duo_run(&L.d, 1501 * SIM_MS + 240 * SIM_S);
  CU_ASSERT_EQUAL(L.d.cli.closed, 1);
  CU_ASSERT_EQUAL(L.d.cli.t_closed, 1501 * SIM_MS + 240 * SIM_S);
  duo_finish(&L.d);
}

/* C16: without TIME-WAIT (time_wait 0) a new connection from the same port, to the same
 * peer (a new peer incarnation INC_B), takes a delayed duplicate of the old incarnation's
 * data as its own: a stale segment of 100 bytes. With TIME-WAIT (60 s) the port cannot
 * be reused meanwhile (EADDRINUSE) and TIME-WAIT answers the old segment with an ACK. */
static void
claim_c16_without_time_wait_a_new_incarnation_takes_old_data(void)
{
  for (int k = 0; k < 2; k++) {
    Harness h;
    harness_init(&h, k == 0 ? tw0 : NULL);
    TcpConn *c = open_active_inc(&h, 0, CPORT, INC_A);
    CU_ASSERT_EQUAL(tcp_local_port(c), CPORT);
    inject_inc(&h, 20 * SIM_MS, INC_A, SPORT, CPORT, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
    harness_run_until(&h, 20 * SIM_MS);
    harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
    CU_ASSERT_EQUAL(tcp_read(c, 1000, NULL), 100);
    tcp_close(c);
    harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 101, 0);
    inject_inc(&h, 30 * SIM_MS, INC_A, SPORT, CPORT, TCP_FIN | TCP_ACK, PEER_ISN + 101, 2, 0);
    harness_run_until(&h, 30 * SIM_MS);
    harness_expect(&h, TCP_ACK, 2, PEER_ISN + 102, 0);
    /* a duplicate of INC_A's data, delayed in the network, arrives at 2 s */
    inject_inc(&h, 2 * SIM_S, INC_A, SPORT, CPORT, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
    harness_run_until(&h, 1 * SIM_S);
    TcpErr err;
    TcpConn *c2 = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, CPORT, &h.cb, &h.app, &err);
    const NetTcpCounts *n = &h.net->tcp;
    if (k == 0) {
      CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
      CU_ASSERT_EQUAL(err, TCP_OK);
      harness_expect(&h, TCP_SYN, 0, 0, 0);
      inject_inc(&h, 1010 * SIM_MS, INC_B, SPORT, CPORT, TCP_SYN | TCP_ACK, PEER_ISN, 1, 0);
      harness_run_until(&h, 1010 * SIM_MS);
      harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
      CU_ASSERT_EQUAL(tcp_state(c2), TCP_ESTABLISHED);
      CU_ASSERT_EQUAL(n->stale_segs, 0);
      harness_run_until(&h, 2 * SIM_S);
      CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0), 2 * SIM_S);
      CU_ASSERT_EQUAL(n->stale_segs, 1);
      CU_ASSERT_EQUAL(n->stale_bytes, 100);
      CU_ASSERT_EQUAL(tcp_readable(c2), 100);   /* confused data */
      tcp_abort(c2);
      harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 101, 0);
    } else {
      CU_ASSERT_PTR_NULL(c2);
      CU_ASSERT_EQUAL(err, TCP_ERR_ADDRINUSE);
      harness_expect_nothing(&h);
      harness_run_until(&h, 2 * SIM_S);
      CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 2, PEER_ISN + 102, 0), 2 * SIM_S);
      CU_ASSERT_EQUAL(n->stale_segs, 0);
      CU_ASSERT_EQUAL(n->stale_bytes, 0);
      harness_run_until(&h, 30 * SIM_MS + 60 * SIM_S);
      CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
      c2 = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, CPORT, &h.cb, &h.app, &err);
      CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
      harness_expect(&h, TCP_SYN, 0, 0, 0);
      tcp_close(c2);
    }
    harness_expect_nothing(&h);
    harness_finish(&h);
  }
}

/* C17: the client's last ACK is lost. With TIME-WAIT 0 the server's resent FIN finds no
 * connection and is answered by RST: the server leaves LAST-ACK on a reset. With 2 MSL
 * the FIN is ACKed again and the server closes cleanly, but with a one-port range the
 * client cannot open another connection to that server until TIME-WAIT ends. */
static void
claim_c17_short_time_wait_resets_last_ack_long_one_ties_up_the_port(void)
{
  for (int k = 0; k < 2; k++) {
    Duo d;
    duo_init(&d, k == 0 ? rfc_one_port_tw0 : rfc_one_port, rfc_preset);
    d.srv.close_on_eof = TRUE;
    d.tup.drop = 1u << 3;   /* the client's segment 3: its last ACK */
    TcpConn *c = duo_connect(&d, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(tcp_local_port(c), CPORT);
    uint32_t ciss = tcp_iss(c);
    duo_run(&d, 100 * SIM_MS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d.srv.conn);
    uint32_t siss = tcp_iss(d.srv.conn);
    side_close(&d.cli);
    duo_run(&d, 102 * SIM_MS);
    tap_expect(&d.tdown, 1, TCP_ACK, siss + 1, ciss + 2, 0, 101 * SIM_MS);
    tap_expect(&d.tdown, 2, TCP_FIN | TCP_ACK, siss + 1, ciss + 2, 0, 101 * SIM_MS);
    tap_expect(&d.tup, 3, TCP_ACK, ciss + 2, siss + 2, 0, 102 * SIM_MS);
    const NetTcpCounts *n = &d.pair.net->tcp;
    if (k == 0) {
      CU_ASSERT_EQUAL(host_conn_count(d.pair.client), 0);
    } else {
      CU_ASSERT_EQUAL_FATAL(host_conn_count(d.pair.client), 1);   /* c not freed */
      CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
    }
    duo_run(&d, 1101 * SIM_MS - 1);
    CU_ASSERT_EQUAL(host_conn_count(d.pair.server), 1);   /* LAST-ACK */
    duo_run(&d, 1103 * SIM_MS);
    tap_expect(&d.tdown, 3, TCP_FIN | TCP_ACK, siss + 1, ciss + 2, 0, 1101 * SIM_MS);
    if (k == 0) {
      tap_expect(&d.tup, 4, TCP_RST, ciss + 2, 0, 0, 1102 * SIM_MS);
      CU_ASSERT_EQUAL(n->last_ack_resets, 1);
    } else {
      tap_expect(&d.tup, 4, TCP_ACK, ciss + 2, siss + 2, 0, 1102 * SIM_MS);
      CU_ASSERT_EQUAL(n->last_ack_resets, 0);
    }
    CU_ASSERT_EQUAL(host_conn_count(d.pair.server), 0);
    CU_ASSERT_EQUAL(n->last_ack_timeouts, 0);
    CU_ASSERT_EQUAL(n->transitions[TCP_LAST_ACK][TCP_CLOSED], 1);
    /* the port-reuse cost */
    duo_run(&d, 2 * SIM_S);
    TcpErr err;
    TcpConn *again = duo_connect(&d, 0, &err);
    if (k == 0) {
      CU_ASSERT_PTR_NOT_NULL_FATAL(again);
      CU_ASSERT_EQUAL(tcp_local_port(again), CPORT);
      CU_ASSERT_EQUAL(n->connect_no_port, 0);
    } else {
      CU_ASSERT_PTR_NULL(again);
      CU_ASSERT_EQUAL(err, TCP_ERR_ADDRNOTAVAIL);
      CU_ASSERT_EQUAL(n->connect_no_port, 1);
      duo_run(&d, 1102 * SIM_MS + 240 * SIM_S - 1);
      CU_ASSERT_PTR_NULL(duo_connect(&d, 0, &err));
      CU_ASSERT_EQUAL(n->connect_no_port, 2);
      duo_run(&d, 1102 * SIM_MS + 240 * SIM_S);
      again = duo_connect(&d, 0, &err);
      CU_ASSERT_PTR_NOT_NULL_FATAL(again);
      CU_ASSERT_EQUAL(tcp_local_port(again), CPORT);
      CU_ASSERT_EQUAL(n->connect_no_port, 2);
    }
    duo_run(&d, sim_sched_now(d.pair.sched) + 10 * SIM_MS);
    CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, again);   /* its app still has it */
    CU_ASSERT_EQUAL(tcp_state(again), TCP_ESTABLISHED);
    duo_finish(&d);
  }
}

/* C18: the server ACKs the client's FIN at once (101 ms), sends the data it still has
 * (600 ms), and its FIN when its app is done (1101 ms): ACK and FIN apart, four segments
 * for the close; the client waits in FIN-WAIT-2 and retransmits nothing. */
static void
claim_c18_passive_closer_acks_the_fin_and_sends_its_own_later(void)
{
  Duo d;
  duo_init(&d, NULL, NULL);
  TcpConn *c = duo_connect(&d, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  uint32_t ciss = tcp_iss(c);
  duo_run(&d, 100 * SIM_MS);
  TcpConn *s = d.srv.conn;
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  uint32_t siss = tcp_iss(s);
  tcp_shutdown_write(c);
  duo_run(&d, 101 * SIM_MS);
  CU_ASSERT_PTR_EQUAL_FATAL(d.srv.conn, s);   /* its app still has it */
  CU_ASSERT_EQUAL(tcp_state(s), TCP_CLOSE_WAIT);
  CU_ASSERT_EQUAL(d.tdown.n, 2);
  tap_expect(&d.tdown, 1, TCP_ACK, siss + 1, ciss + 2, 0, 101 * SIM_MS);
  duo_run(&d, 600 * SIM_MS);
  CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, c);
  CU_ASSERT_PTR_EQUAL_FATAL(d.srv.conn, s);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  CU_ASSERT_EQUAL(tcp_write(s, 500, NULL), 500);
  tap_expect(&d.tdown, 2, TCP_ACK | TCP_PSH, siss + 1, ciss + 2, 500, 600 * SIM_MS);
  duo_run(&d, 1101 * SIM_MS);
  CU_ASSERT_EQUAL(d.cli.bytes_read, 500);
  CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, c);
  CU_ASSERT_PTR_EQUAL_FATAL(d.srv.conn, s);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  side_close(&d.srv);
  CU_ASSERT_EQUAL(tcp_state(s), TCP_LAST_ACK);
  tap_expect(&d.tdown, 3, TCP_FIN | TCP_ACK, siss + 501, ciss + 2, 0, 1101 * SIM_MS);
  duo_run(&d, 1103 * SIM_MS);
  CU_ASSERT_PTR_EQUAL_FATAL(d.cli.conn, c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  CU_ASSERT_EQUAL(host_conn_count(d.pair.server), 0);
  /* the client: FIN (2), the ACK of the data (3), the ACK of the FIN (4) */
  CU_ASSERT_EQUAL(d.tup.n, 5);
  tap_expect(&d.tup, 2, TCP_FIN | TCP_ACK, ciss + 1, siss + 1, 0, 100 * SIM_MS);
  tap_expect(&d.tup, 3, TCP_ACK, ciss + 2, siss + 501, 0, 601 * SIM_MS);
  tap_expect(&d.tup, 4, TCP_ACK, ciss + 2, siss + 502, 0, 1102 * SIM_MS);
  CU_ASSERT_EQUAL(d.tdown.n, 4);
  SimTime times[TCP_NSTATES];
  tcp_state_times(c, times);
  CU_ASSERT_EQUAL(times[TCP_FIN_WAIT_2], 1 * SIM_S);
  const NetTcpCounts *n = &d.pair.net->tcp;
  CU_ASSERT_EQUAL(n->rtx_fin, 0);
  CU_ASSERT_EQUAL(n->probes, 0);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 0);
  side_close(&d.cli);
  duo_finish(&d);
}

/* C19: the server merges ACK and FIN (close=3) and its app takes 1 s to finish: the
 * client, its RTO 200 ms, sends its FIN again and again: a tail loss probe at 300 ms
 * and RTO retransmissions at 500 and 900 ms, before the FIN,ACK arrives at 1102 ms.
 * With close=4 the FIN is acknowledged at once and never sent again. */
static void
claim_c19_three_way_close_makes_the_client_resend_its_fin(void)
{
  for (int cl = 3; cl <= 4; cl++) {
    tweak_close = cl;
    Duo d;
    duo_init(&d, close_of_test, close_of_test);
    TcpConn *c = duo_connect(&d, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    uint32_t ciss = tcp_iss(c);
    duo_run(&d, 100 * SIM_MS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d.srv.conn);
    uint32_t siss = tcp_iss(d.srv.conn);
    CU_ASSERT_EQUAL(tcp_rto(c), 200 * SIM_MS);
    side_close(&d.cli);
    duo_run(&d, 1101 * SIM_MS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d.srv.conn);
    CU_ASSERT_EQUAL(tcp_state(d.srv.conn), TCP_CLOSE_WAIT);
    side_close(&d.srv);
    duo_run(&d, 1200 * SIM_MS);
    CU_ASSERT_EQUAL_FATAL(host_conn_count(d.pair.client), 1);   /* c not freed */
    CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
    const NetTcpCounts *n = &d.pair.net->tcp;
    tap_expect(&d.tup, 2, TCP_FIN | TCP_ACK, ciss + 1, siss + 1, 0, 100 * SIM_MS);
    if (cl == 3) {
      CU_ASSERT_EQUAL(d.tup.n, 7);
      tap_expect(&d.tup, 3, TCP_FIN | TCP_ACK, ciss + 1, siss + 1, 0, 300 * SIM_MS);
      tap_expect(&d.tup, 4, TCP_FIN | TCP_ACK, ciss + 1, siss + 1, 0, 500 * SIM_MS);
      tap_expect(&d.tup, 5, TCP_FIN | TCP_ACK, ciss + 1, siss + 1, 0, 900 * SIM_MS);
      tap_expect(&d.tup, 6, TCP_ACK, ciss + 2, siss + 2, 0, 1102 * SIM_MS);
      CU_ASSERT_EQUAL(d.tdown.n, 2);   /* no answer to any of the FINs before its own */
      tap_expect(&d.tdown, 1, TCP_FIN | TCP_ACK, siss + 1, ciss + 2, 0, 1101 * SIM_MS);
      CU_ASSERT_EQUAL(n->probes, 1);
      CU_ASSERT_EQUAL(n->rtx_fin, 2);
      CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 3);
    } else {
      CU_ASSERT_EQUAL(d.tup.n, 4);
      tap_expect(&d.tup, 3, TCP_ACK, ciss + 2, siss + 2, 0, 1102 * SIM_MS);
      CU_ASSERT_EQUAL(d.tdown.n, 3);
      tap_expect(&d.tdown, 1, TCP_ACK, siss + 1, ciss + 2, 0, 101 * SIM_MS);
      tap_expect(&d.tdown, 2, TCP_FIN | TCP_ACK, siss + 1, ciss + 2, 0, 1101 * SIM_MS);
      CU_ASSERT_EQUAL(n->probes, 0);
      CU_ASSERT_EQUAL(n->rtx_fin, 0);
      CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 0);
    }
    duo_finish(&d);
  }
  tweak_close = 4;
}

void test_variants_register(void);
void
test_variants_register(void)
{
  static const CU_TestInfo tests[] = {
    { "hs2_server_commits_on_the_syn_and_sends_after_it",
      hs2_server_commits_on_the_syn_and_sends_after_it },
    { "hs2_unacknowledged_syn_is_resent_as_syn_ack_then_gives_up",
      hs2_unacknowledged_syn_is_resent_as_syn_ack_then_gives_up },
    { "hs2_after_the_syn_is_acked_a_timeout_resends_data",
      hs2_after_the_syn_is_acked_a_timeout_resends_data },
    { "hs2_duplicate_syn_gets_the_syn_ack_again", hs2_duplicate_syn_gets_the_syn_ack_again },
    { "hs4_server_sends_its_ack_and_its_syn_apart", hs4_server_sends_its_ack_and_its_syn_apart },
    { "hs4_client_takes_the_ack_then_acks_the_syn", hs4_client_takes_the_ack_then_acks_the_syn },
    { "handshakes_2_3_4_between_two_hosts", handshakes_2_3_4_between_two_hosts },
    { "hs2_old_syn_commits_a_wasted_connection", hs2_old_syn_commits_a_wasted_connection },
    { "hs2_old_syn_answered_from_time_wait_is_wasted",
      hs2_old_syn_answered_from_time_wait_is_wasted },
    { "hs3_old_syn_dies_in_syn_received", hs3_old_syn_dies_in_syn_received },
    { "hs2_connection_confirmed_by_its_client_is_not_wasted",
      hs2_connection_confirmed_by_its_client_is_not_wasted },
    { "hs3_embryo_completed_by_another_incarnation_is_wasted_from_commitment",
      hs3_embryo_completed_by_another_incarnation_is_wasted_from_commitment },
    { "syn_sent_answers_a_syn_ack_for_another_isn_with_rst",
      syn_sent_answers_a_syn_ack_for_another_isn_with_rst },
    { "syn_data_drop_acknowledges_the_syn_only", syn_data_drop_acknowledges_the_syn_only },
    { "syn_data_buffer_holds_until_the_handshake_completes",
      syn_data_buffer_holds_until_the_handshake_completes },
    { "syn_data_buffer_lets_go_when_syn_ack_retries_run_out",
      syn_data_buffer_lets_go_when_syn_ack_retries_run_out },
    { "syn_data_accept_acknowledges_it_on_the_syn_ack",
      syn_data_accept_acknowledges_it_on_the_syn_ack },
    { "syn_data_buffer_flood_is_bounded_by_the_syn_backlog",
      syn_data_buffer_flood_is_bounded_by_the_syn_backlog },
    { "close3_holds_the_ack_of_the_fin_until_its_own_fin",
      close3_holds_the_ack_of_the_fin_until_its_own_fin },
    { "close4_acks_the_fin_at_once_and_again_when_resent",
      close4_acks_the_fin_at_once_and_again_when_resent },
    { "close3_fin_with_data_acknowledges_the_data_only",
      close3_fin_with_data_acknowledges_the_data_only },
    { "close_3_and_4_segments_with_a_prompt_server", close_3_and_4_segments_with_a_prompt_server },
    { "time_wait_0_is_left_at_once_and_a_resent_fin_gets_rst",
      time_wait_0_is_left_at_once_and_a_resent_fin_gets_rst },
    { "last_ack_reset_by_a_peer_without_time_wait", last_ack_reset_by_a_peer_without_time_wait },
    { "last_ack_times_out_after_fin_retries", last_ack_times_out_after_fin_retries },
    { "stale_counts_segments_of_another_incarnation_taken_in",
      stale_counts_segments_of_another_incarnation_taken_in },
    { "rst_in_time_wait_ends_it", rst_in_time_wait_ends_it },
    { "rst_in_time_wait_ignored_when_off", rst_in_time_wait_ignored_when_off },
    { "connect_refused_counts_a_rst_to_the_syn", connect_refused_counts_a_rst_to_the_syn },
    { "connect_timed_out_counts_exhausted_syn_retries",
      connect_timed_out_counts_exhausted_syn_retries },
    { "connect_no_port_counts_an_exhausted_port_range",
      connect_no_port_counts_an_exhausted_port_range },
    { "syn_backlog_drops_count_syns_beyond_the_syn_queue",
      syn_backlog_drops_count_syns_beyond_the_syn_queue },
    { "accept_backlog_drops_count_handshakes_beyond_the_accept_queue",
      accept_backlog_drops_count_handshakes_beyond_the_accept_queue },
    { "rtx_syn_counts_a_resent_syn", rtx_syn_counts_a_resent_syn },
    { "rtx_synack_counts_a_resent_syn_ack", rtx_synack_counts_a_resent_syn_ack },
    { "rtx_data_and_probes_count_resent_data", rtx_data_and_probes_count_resent_data },
    { "rtx_fin_counts_a_resent_fin", rtx_fin_counts_a_resent_fin },
    { "clean_exchanges_count_nothing_amiss", clean_exchanges_count_nothing_amiss },
    { "state_time_adds_up_connection_seconds_per_state",
      state_time_adds_up_connection_seconds_per_state },
    { "metrics_table_names_units_and_docs", metrics_table_names_units_and_docs },
    { "metrics_find_gives_the_index_or_minus_1", metrics_find_gives_the_index_or_minus_1 },
    { "metrics_read_takes_each_metric_from_its_counter",
      metrics_read_takes_each_metric_from_its_counter },
    { "metrics_read_reports_a_wasted_connection", metrics_read_reports_a_wasted_connection },
    { "config_validates_the_variants", config_validates_the_variants },
    { "claim_c1_both_ends_start_closed_and_the_server_listens",
      claim_c1_both_ends_start_closed_and_the_server_listens },
    { "claim_c2_syn_carries_a_random_isn_no_data_client_syn_sent",
      claim_c2_syn_carries_a_random_isn_no_data_client_syn_sent },
    { "claim_c3_syn_ack_has_server_isn_and_client_isn_plus_1",
      claim_c3_syn_ack_has_server_isn_and_client_isn_plus_1 },
    { "claim_c4_third_segment_acks_server_isn_may_carry_data",
      claim_c4_third_segment_acks_server_isn_may_carry_data },
    { "claim_c5_server_established_on_the_third_segment",
      claim_c5_server_established_on_the_third_segment },
    { "claim_c6_two_way_commits_to_an_old_syn_three_way_rejects_it",
      claim_c6_two_way_commits_to_an_old_syn_three_way_rejects_it },
    { "claim_c7_four_way_costs_a_segment_more_and_no_less_time",
      claim_c7_four_way_costs_a_segment_more_and_no_less_time },
    { "claim_c8_syn_data_costs_memory_only_if_kept", claim_c8_syn_data_costs_memory_only_if_kept },
    { "claim_c9_closer_sends_fin_and_enters_fin_wait_1",
      claim_c9_closer_sends_fin_and_enters_fin_wait_1 },
    { "claim_c10_server_acks_the_fin_and_enters_close_wait",
      claim_c10_server_acks_the_fin_and_enters_close_wait },
    { "claim_c11_client_enters_fin_wait_2_on_the_ack",
      claim_c11_client_enters_fin_wait_2_on_the_ack },
    { "claim_c12_server_sends_its_fin_and_enters_last_ack",
      claim_c12_server_sends_its_fin_and_enters_last_ack },
    { "claim_c13_client_acks_the_server_fin_and_enters_time_wait",
      claim_c13_client_acks_the_server_fin_and_enters_time_wait },
    { "claim_c14_server_enters_closed_on_the_last_ack",
      claim_c14_server_enters_closed_on_the_last_ack },
    { "claim_c15_time_wait_lasts_2_msl_and_reacks_a_resent_fin",
      claim_c15_time_wait_lasts_2_msl_and_reacks_a_resent_fin },
    { "claim_c16_without_time_wait_a_new_incarnation_takes_old_data",
      claim_c16_without_time_wait_a_new_incarnation_takes_old_data },
    { "claim_c17_short_time_wait_resets_last_ack_long_one_ties_up_the_port",
      claim_c17_short_time_wait_resets_last_ack_long_one_ties_up_the_port },
    { "claim_c18_passive_closer_acks_the_fin_and_sends_its_own_later",
      claim_c18_passive_closer_acks_the_fin_and_sends_its_own_later },
    { "claim_c19_three_way_close_makes_the_client_resend_its_fin",
      claim_c19_three_way_close_makes_the_client_resend_its_fin },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("variants", tests);
}
