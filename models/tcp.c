/* tcp: the RFC 9293 connection model. Shared checks first, then one handler per state
 * (on_seg_listen, on_seg_syn_sent, on_seg_synced), each citing the section of RFC 9293
 * §3.10.7 it implements; every change of state goes through tcp_set_state(), which
 * checks the legality table, counts the transition, keeps the time spent per state and
 * feeds the trace. One timer per connection serves whatever the state needs: SYN,
 * SYN-ACK, data and FIN retransmission, TIME-WAIT, and the orphan FIN-WAIT-2 limit. */
#include "tcp.h"
#include "host_internal.h"
#include "sim_error.h"

#include <string.h>

enum {
  F_APP_RELEASED = 1 << 0,  /* the app let go (tcp_close/abort) or never had it (embryo) */
  F_FIN_WANTED = 1 << 1,    /* the app is done writing: send FIN after the data */
  F_FIN_SENT = 1 << 2,
  F_FIN_RCVD = 1 << 3,
  F_TIMING = 1 << 4,        /* an RTT measurement is running (Karn: only fresh data) */
  F_LISTENER = 1 << 5,
  F_IN_TABLE = 1 << 6,      /* in the host's connection table */
  F_ACCEPTED = 1 << 7,      /* a child the app has taken with tcp_accept */
  F_PASSIVE = 1 << 8,       /* a child of a listener */
  F_EMBRYO = 1 << 9,        /* a child not yet ESTABLISHED (counted in n_embryos) */
  F_WSCALE = 1 << 10,       /* both SYNs carried the window-scale option (RFC 7323) */
  F_RD_SHUT = 1 << 11,      /* the app shut reading down (SHUT_RD) */
  F_ERR_TOLD = 1 << 12,     /* the app has been told the error that closed it */
  F_PROBE_ARMED = 1 << 13,  /* the timer is a tail loss probe, not the RTO */
  F_PROBED = 1 << 14,       /* a probe went out and nothing new was acked since */
  F_FIN_ALONE = 1 << 15,    /* our FIN went out in a segment of its own */
};

/* Marks the oracles and the lifecycle variants keep (TcpConn.oflags). */
enum {
  O_COMMITTED = 1 << 0,     /* passive: reached ESTABLISHED (resources committed) */
  O_CONFIRMED = 1 << 1,     /* passive: the SYN's incarnation acknowledged our SYN */
  O_SYN_UNACKED = 1 << 2,   /* handshake=2: ESTABLISHED with our SYN not yet acknowledged */
  O_FIN_ACK_HELD = 1 << 3,  /* close=3: the ACK of the peer's FIN waits for our FIN */
  O_SYN_DATA_HELD = 1 << 4, /* syn_data=buffer: rcv_avail holds a SYN's data, unacknowledged */
  O_TW_ARM = 1 << 5,        /* TIME-WAIT entered: its timer is armed on the way out of the
                             * entry point, once the record is compact if it can be */
  O_COMPACT = 1 << 6,       /* only the head of TcpConn exists (TCP_COMPACT_SIZE) */
};

struct TcpConn {
  /* ---- a compact TIME-WAIT record keeps only these (TCP_COMPACT_SIZE bytes) ---- */
  TcpTuple t;               /* key of the host's table: must stay first */
  uint8_t state;            /* TcpState */
  uint8_t retries;          /* consecutive retransmissions of the oldest unacked item */
  uint8_t backoff;          /* RTO doublings in force */
  uint8_t err;              /* TcpErr that closed the connection */
  Host *host;
  uint16_t flags;           /* F_* */
  uint8_t busy;             /* nesting of entry points, to free only at the outermost */
  uint8_t oflags;           /* O_*: oracle marks, the variants' state, compaction */
  uint32_t snd_nxt, rcv_nxt;
  uint64_t incarnation;
  SimTime state_since;
  TcpConn *parent;          /* listener of a child until it is accepted */
  SimTimer timer;
  /* ---- the rest ---- */
  uint32_t iss, irs;
  uint32_t snd_una, snd_wnd, snd_wl1, snd_wl2;
  uint32_t snd_queued;      /* bytes written and not yet acknowledged */
  uint32_t rcv_avail;
  uint32_t peer_mss;
  uint32_t rtt_seq;         /* the measurement ends when this is acknowledged */
  SimTime rtt_start;
  SimTime srtt, rttvar;     /* 0 until the first sample */
  SimTime rto;              /* without backoff */
  SimTime rto_since;        /* when the RTO countdown (re)started (RFC 6298 5.1, 5.3) */
  const TcpCallbacks *cb;
  void *app;
  uint64_t peer_incarnation;  /* oracle: the connection whose SYN (or SYN,ACK) we took */
  TcpConn *next;            /* accept queue link */
  struct TcpExt *x;         /* listeners, and connections with a user timeout */
  TcpConnStats stats;
  SimTime state_time[TCP_NSTATES];
};

/* A connection in TIME-WAIT that its app has let go needs no more than the head of
 * TcpConn, as Linux's timewait sockets: it only re-acknowledges a FIN, answers what
 * else comes, and expires. It moves into a record of that size (O_COMPACT); the code
 * that can run on it (segment arrival in TIME-WAIT, emit, the timer, closing and
 * freeing) touches nothing past it, which ASan checks in the tests. */
#define TCP_COMPACT_SIZE offsetof(struct TcpConn, iss)
G_STATIC_ASSERT(offsetof(struct TcpConn, timer) + sizeof(SimTimer) <= TCP_COMPACT_SIZE);

/* What few connections need, kept out of the others (a TIME-WAIT connection pays for
 * every byte of TcpConn): a listener's queues, a connect or user timeout. */
typedef struct TcpExt {
  TcpConn *accept_head, *accept_tail;
  uint16_t backlog, n_accept, n_embryos;
  SimTime connect_deadline; /* SIM_TIME_NEVER: none */
  SimTime user_timeout;     /* 0: none */
  SimTime unacked_since;    /* start of the unacknowledged stretch the user timeout
                             * measures; SIM_TIME_NEVER when nothing was retransmitted */
} TcpExt;

static const char *const state_names[TCP_NSTATES] = {
  "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
  "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
};

const char *
tcp_state_name(TcpState s)
{
  return s < TCP_NSTATES ? state_names[s] : "?";
}

const char *
tcp_timer_name(TcpTimerKind k)
{
  static const char *const names[] = { "rtx", "probe", "time-wait", "fin-wait-2" };
  return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "?";
}

/* RFC 9293 Figure 5, plus the exits every state has to CLOSED (abort, reset, timeout)
 * and a passive child's LISTEN -> SYN-RECEIVED (the listener's own transition, taken by
 * the new connection it spawns). */
#define T(from, to) [from][to] = TRUE
static const gboolean legal[TCP_NSTATES][TCP_NSTATES] = {
  T(TCP_CLOSED, TCP_LISTEN),            /* passive OPEN */
  T(TCP_CLOSED, TCP_SYN_SENT),          /* active OPEN, send SYN */
  T(TCP_LISTEN, TCP_SYN_RECEIVED),      /* rcv SYN, send SYN,ACK */
  T(TCP_LISTEN, TCP_SYN_SENT),          /* SEND (rare) */
  T(TCP_LISTEN, TCP_CLOSED),            /* CLOSE */
  T(TCP_SYN_SENT, TCP_SYN_RECEIVED),    /* rcv SYN (simultaneous open), send SYN,ACK */
  T(TCP_SYN_SENT, TCP_ESTABLISHED),     /* rcv SYN,ACK, send ACK */
  T(TCP_SYN_SENT, TCP_CLOSED),          /* CLOSE, timeout, RST */
  T(TCP_SYN_RECEIVED, TCP_ESTABLISHED), /* rcv ACK of SYN */
  T(TCP_SYN_RECEIVED, TCP_FIN_WAIT_1),  /* CLOSE, send FIN */
  T(TCP_SYN_RECEIVED, TCP_CLOSE_WAIT),  /* rcv FIN with the ACK of our SYN */
  T(TCP_SYN_RECEIVED, TCP_CLOSED),      /* RST, timeout */
  T(TCP_ESTABLISHED, TCP_FIN_WAIT_1),   /* CLOSE, send FIN */
  T(TCP_ESTABLISHED, TCP_CLOSE_WAIT),   /* rcv FIN, send ACK */
  T(TCP_ESTABLISHED, TCP_CLOSED),       /* abort, RST, timeout */
  T(TCP_FIN_WAIT_1, TCP_FIN_WAIT_2),    /* rcv ACK of FIN */
  T(TCP_FIN_WAIT_1, TCP_CLOSING),       /* rcv FIN, send ACK */
  T(TCP_FIN_WAIT_1, TCP_TIME_WAIT),     /* rcv FIN and ACK of FIN together */
  T(TCP_FIN_WAIT_1, TCP_CLOSED),
  T(TCP_FIN_WAIT_2, TCP_TIME_WAIT),     /* rcv FIN, send ACK */
  T(TCP_FIN_WAIT_2, TCP_CLOSED),        /* orphan timeout, RST */
  T(TCP_CLOSE_WAIT, TCP_LAST_ACK),      /* CLOSE, send FIN */
  T(TCP_CLOSE_WAIT, TCP_CLOSED),
  T(TCP_CLOSING, TCP_TIME_WAIT),        /* rcv ACK of FIN */
  T(TCP_CLOSING, TCP_CLOSED),
  T(TCP_LAST_ACK, TCP_CLOSED),          /* rcv ACK of FIN */
  T(TCP_TIME_WAIT, TCP_CLOSED),         /* timeout = 2 MSL (or the configured length) */
};
#undef T

gboolean
tcp_transition_legal(TcpState from, TcpState to)
{
  return from < TCP_NSTATES && to < TCP_NSTATES && legal[from][to];
}

static const char *const err_names[] = {
  "OK", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "EADDRNOTAVAIL", "EADDRINUSE",
  "EPIPE", "ENOTCONN", "EAGAIN",
};

const char *
tcp_err_name(TcpErr e)
{
  return (unsigned)e < G_N_ELEMENTS(err_names) ? err_names[e] : "?";
}

/* ---- configuration ------------------------------------------------------------- */

void
tcp_config_preset(TcpConfig *cfg, TcpPreset preset)
{
  g_return_if_fail(cfg != NULL);
  *cfg = (TcpConfig){
    .mss = 1460,
    .rcv_wnd = 65535,
    .snd_buf = 1u << 20,
    .rto_initial = 1 * SIM_S,
    .rto_min = 200 * SIM_MS,
    .rto_max = 120 * SIM_S,
    .syn_retries = 6,
    .syn_linear_timeouts = 0,
    .synack_retries = 5,
    .data_retries = 15,
    .fin_retries = 8,
    .connect_timeout = 0,
    .time_wait = 60 * SIM_S,
    .msl = 2 * SIM_MIN,
    .fin_wait_2_timeout = 60 * SIM_S,
    .tw_reuse = FALSE,
    .tw_reuse_delay = 1 * SIM_S,
    .isn = TCP_ISN_RANDOM,
    .port_lo = 32768,
    .port_hi = 60999,
    .syn_backlog = 1024,
    .handshake = 3,
    .close = 4,
    .window_scaling = TRUE,
    .tlp = TRUE,
    .ack_unsent_drop = TRUE,
    .syn_data = TCP_SYN_DATA_DROP,
    .rst_in_time_wait = TRUE,
    .tw_compact = TRUE,
  };
  if (preset == TCP_PRESET_RFC) {
    cfg->rto_min = 1 * SIM_S;            /* RFC 6298 (2.4) */
    cfg->time_wait = 2 * cfg->msl;       /* RFC 9293 §3.10.7.4: 2 MSL */
    cfg->fin_wait_2_timeout = 0;
    cfg->isn = TCP_ISN_RFC6528;
    cfg->tlp = FALSE;
    cfg->ack_unsent_drop = FALSE;
  }
}

gboolean
tcp_config_validate(const TcpConfig *c, GError **error)
{
  g_return_val_if_fail(c != NULL, FALSE);
  const char *bad = NULL, *why = NULL;
  if (c->mss == 0)
    bad = "mss", why = "must be at least 1 byte";
  else if (c->rcv_wnd == 0)
    bad = "rcv_wnd", why = "must be at least 1 byte";
  else if (c->snd_buf == 0)
    bad = "snd_buf", why = "must be at least 1 byte";
  else if (c->rto_initial <= 0)
    bad = "rto_initial", why = "must be > 0";
  else if (c->rto_min <= 0)
    bad = "rto_min", why = "must be > 0";
  else if (c->rto_max < c->rto_min)
    bad = "rto_max", why = "must be >= rto_min";
  else if (c->syn_retries < 0 || c->syn_retries > 255)
    bad = "syn_retries", why = "must be in [0, 255]";
  else if (c->syn_linear_timeouts < 0 || c->syn_linear_timeouts > 255)
    bad = "syn_linear_timeouts", why = "must be in [0, 255]";
  else if (c->synack_retries < 0 || c->synack_retries > 255)
    bad = "synack_retries", why = "must be in [0, 255]";
  else if (c->data_retries < 0 || c->data_retries > 255)
    bad = "data_retries", why = "must be in [0, 255]";
  else if (c->fin_retries < 0 || c->fin_retries > 255)
    bad = "fin_retries", why = "must be in [0, 255]";
  else if (c->connect_timeout < 0)
    bad = "connect_timeout", why = "must be >= 0";
  else if (c->time_wait < 0)
    bad = "time_wait", why = "must be >= 0";
  else if (c->msl <= 0)
    bad = "msl", why = "must be > 0";
  else if (c->fin_wait_2_timeout < 0)
    bad = "fin_wait_2_timeout", why = "must be >= 0";
  else if (c->tw_reuse_delay < 0)
    bad = "tw_reuse_delay", why = "must be >= 0";
  else if ((unsigned)c->isn > TCP_ISN_ZERO)
    bad = "isn", why = "must be random, clock, rfc6528 or zero";
  else if (c->port_lo == 0 || c->port_lo > c->port_hi)
    bad = "port_range", why = "must be a non-empty range of ports from 1 to 65535";
  else if (c->syn_backlog < 1 || c->syn_backlog > 65535)
    bad = "syn_backlog", why = "must be in [1, 65535]";
  else if (c->handshake < 2 || c->handshake > 4)
    bad = "handshake", why = "must be 2, 3 or 4 segments";
  else if (c->close < 3 || c->close > 4)
    bad = "close", why = "must be 3 or 4 segments";
  else if ((unsigned)c->syn_data > TCP_SYN_DATA_ACCEPT)
    bad = "syn_data", why = "must be drop, buffer or accept";
  if (bad == NULL)
    return TRUE;
  g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE, "tcp.%s %s", bad, why);
  return FALSE;
}

/* ---- small helpers -------------------------------------------------------------- */

static inline Net *conn_net(const TcpConn *c) { return host_net(c->host); }
static inline SimTime conn_now(const TcpConn *c) { return net_now(conn_net(c)); }
static inline const TcpConfig *conn_cfg(const TcpConn *c) { return host_config(c->host); }

static void on_timer(SimSched *s, void *ctx);

static TcpExt *
ext_new(void)
{
  TcpExt *x = g_new0(TcpExt, 1);
  x->unacked_since = SIM_TIME_NEVER;
  x->connect_deadline = SIM_TIME_NEVER;
  return x;
}

static inline SimTime
connect_deadline(const TcpConn *c)
{
  return c->x ? c->x->connect_deadline : SIM_TIME_NEVER;
}

/* Every change of the per-state counts goes through here; -1: none. */
static inline void
count_move(Net *net, int from, int to)
{
  if (G_UNLIKELY(net->census != NULL))
    net->census(net->census_ctx, net);
  if (from >= 0)
    net->tcp.in_state[from]--;
  if (to >= 0)
    net->tcp.in_state[to]++;
}

static TcpConn *
conn_new(Host *h, const TcpTuple *t, const TcpCallbacks *cb, void *app, TcpState state)
{
  TcpConn *c = g_new0(TcpConn, 1);
  c->t = *t;
  c->host = h;
  c->state = (uint8_t)state;
  c->cb = cb;
  c->app = app;
  c->incarnation = host_net(h)->next_incarnation++;
  c->rto = conn_cfg(c)->rto_initial;
  c->state_since = conn_now(c);
  sim_timer_init(&c->timer, on_timer, c);
  Net *net = host_net(h);
  net->tcp.live_conns++;
  net->tcp.conns_created++;
  count_move(net, -1, (int)state);
  return c;
}

static void
conn_free(TcpConn *c)
{
  conn_net(c)->tcp.state_time[c->state] += conn_now(c) - c->state_since;
  sim_timer_stop(conn_net(c)->sched, &c->timer);
  if (!(c->oflags & O_COMPACT))
    g_free(c->x);
  if (c->flags & F_IN_TABLE)
    host__conn_remove(c->host, c);
  conn_net(c)->tcp.live_conns--;
  count_move(conn_net(c), c->state, -1);
  g_free(c);
}

/* RFC 9293 §3.10.7: every state change goes through here. */
static void
tcp_set_state(TcpConn *c, TcpState to, const char *why)
{
  TcpState from = (TcpState)c->state;
  g_assert(tcp_transition_legal(from, to));
  Net *net = conn_net(c);
  SimTime now = net_now(net);
  if (!(c->oflags & O_COMPACT))
    c->state_time[from] += now - c->state_since;
  net->tcp.state_time[from] += now - c->state_since;
  c->state_since = now;
  c->state = (uint8_t)to;
  net->tcp.transitions[from][to]++;
  count_move(net, (int)from, (int)to);
  SIM_TRACE_ON(net->log, now, host_addr(c->host), TCP_TRACE_STATE, c, (int64_t)c->incarnation,
               from, to, 0);
  SIM_LOG(net->log, SIM_LOG_DEBUG, now, "tcp", "%u:%u conn %" G_GUINT64_FORMAT " %s -> %s (%s)",
          host_addr(c->host), c->t.lport, c->incarnation, state_names[from], state_names[to],
          why);
}

static inline uint32_t
rcv_wnd(const TcpConn *c)
{
  return conn_cfg(c)->rcv_wnd;
}

/* RFC 7323 §2.3: the shift we announce: the least that fits our window in 16 bits. */
static int
rcv_wscale(const TcpConn *c)
{
  int shift = 0;
  while (shift < 14 && (rcv_wnd(c) >> shift) > 65535)
    shift++;
  return shift;
}

/* The window a segment of ours advertises, in bytes: never scaled on a SYN (RFC 7323
 * §2.2); scaled, and so a multiple of 2^shift, only when both ends agreed. */
static uint32_t
advertised_window(const TcpConn *c, uint8_t flags)
{
  if ((flags & TCP_SYN) || !(c->flags & F_WSCALE))
    return MIN(rcv_wnd(c), 65535u);
  int shift = rcv_wscale(c);
  return MIN(rcv_wnd(c) >> shift, 65535u) << shift;   /* the field has 16 bits */
}

static void
emit(TcpConn *c, uint8_t flags, uint32_t seq, uint32_t len)
{
  Net *net = conn_net(c);
  Segment *s = seg_new(&net->segs);
  s->src = c->t.laddr;
  s->dst = c->t.raddr;
  s->sport = c->t.lport;
  s->dport = c->t.rport;
  s->seq = seq;
  s->ack = (flags & TCP_ACK) ? c->rcv_nxt : 0;
  if (c->oflags & O_FIN_ACK_HELD) {
    /* close=3 (C19): the peer's FIN is acknowledged by our FIN, not before */
    if (flags & TCP_FIN)
      c->oflags &= ~O_FIN_ACK_HELD;
    else
      s->ack--;
  }
  s->wnd = (flags & TCP_RST) ? 0 : advertised_window(c, flags);
  s->len = len;
  s->flags = flags;
  if (flags & TCP_SYN) {
    s->mss = (uint16_t)MIN(conn_cfg(c)->mss, 65535u);
    /* an active open's SYN carries the option; an answer to a SYN only if that SYN
     * did (§2.2) */
    if (conn_cfg(c)->window_scaling &&
        ((c->state == TCP_SYN_SENT && !(flags & TCP_ACK)) || (c->flags & F_WSCALE)))
      seg_set_wscale(s, rcv_wscale(c));
  }
  s->incarnation = c->incarnation;
  s->birth = net_now(net);
  if (!(c->oflags & O_COMPACT))
    c->stats.segs_sent++;
  SIM_TRACE_ON(net->log, s->birth, host_addr(c->host), TCP_TRACE_SEND, s,
               (int64_t)c->incarnation, flags | ((int64_t)len << 8), seq, s->ack);
  host_send(c->host, s);
}

/* An empty ACK: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
static void
send_ack(TcpConn *c)
{
  emit(c, TCP_ACK, c->snd_nxt, 0);
}

/* RFC 5961 §3.2, §4: the challenge ACK. */
static void
send_challenge_ack(TcpConn *c)
{
  c->stats.challenge_acks++;
  send_ack(c);
}

/* ---- initial sequence numbers ---------------------------------------------------- */

static uint64_t
mix64(uint64_t x)
{
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

static uint32_t
choose_iss(TcpConn *c)
{
  SimTime now = conn_now(c);
  uint32_t clock = (uint32_t)((uint64_t)now / (4 * SIM_US));   /* RFC 793: 4 us tick */
  switch (conn_cfg(c)->isn) {
  case TCP_ISN_ZERO:
    return 0;
  case TCP_ISN_CLOCK:
    return clock;
  case TCP_ISN_RFC6528: {
    /* RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey) */
    const uint64_t *k = host__isn_secret(c->host);
    uint64_t h = mix64(((uint64_t)c->t.laddr << 32 | c->t.raddr) ^ k[0]);
    h = mix64(h ^ ((uint64_t)c->t.lport << 16 | c->t.rport) ^ k[1]);
    return clock + (uint32_t)h;
  }
  case TCP_ISN_RANDOM:
  default:
    return (uint32_t)sim_rng_next(host_rng(c->host));
  }
}

/* ---- the timer ------------------------------------------------------------------- */

static SimTime
current_rto(const TcpConn *c)
{
  const TcpConfig *cfg = conn_cfg(c);
  SimTime rto = c->rto;
  for (unsigned i = 0; i < c->backoff && rto < cfg->rto_max; i++)
    rto *= 2;
  return MIN(rto, cfg->rto_max);
}

static void
arm_timer(TcpConn *c, SimTime delay)
{
  SimTime when = conn_now(c) + delay;
  if (c->state == TCP_SYN_SENT)
    when = MIN(when, connect_deadline(c));
  c->flags &= ~F_PROBE_ARMED;
  sim_timer_set(conn_net(c)->sched, &c->timer, when);
}

/* Where the user timeout (RFC 5482) measures from: the oldest unacknowledged send. */
static inline SimTime
unacked_start(const TcpConn *c)
{
  return c->x->unacked_since != SIM_TIME_NEVER ? c->x->unacked_since : c->rto_since;
}

/* When the RTO started at rto_since expires: with backoff, and no later than the end
 * of the user timeout (Linux tcp_clamp_rto_to_user_timeout). */
static SimTime
rto_deadline(const TcpConn *c)
{
  SimTime at = c->rto_since + current_rto(c);
  if (c->x && c->x->user_timeout > 0)
    at = MIN(at, unacked_start(c) + c->x->user_timeout);
  return at;
}

/* (Re)starts the retransmission timer now (RFC 6298 5.1, 5.3, 5.6). */
static void
arm_rtx(TcpConn *c)
{
  c->rto_since = conn_now(c);
  arm_timer(c, rto_deadline(c) - c->rto_since);
}

static void
stop_timer(TcpConn *c)
{
  c->flags &= ~F_PROBE_ARMED;
  sim_timer_stop(conn_net(c)->sched, &c->timer);
}

/* RFC 6298 (2.2), (2.3): a new RTT sample R. */
static void
rtt_sample(TcpConn *c, SimTime r)
{
  const TcpConfig *cfg = conn_cfg(c);
  if (c->srtt == 0) {
    c->srtt = r;
    c->rttvar = r / 2;
  } else {
    SimTime err = c->srtt - r;
    if (err < 0)
      err = -err;
    c->rttvar = (3 * c->rttvar + err) / 4;      /* beta = 1/4 */
    c->srtt = (7 * c->srtt + r) / 8;            /* alpha = 1/8 */
  }
  SimTime rto = c->srtt + MAX((SimTime)1 * SIM_MS, 4 * c->rttvar);  /* G = 1 ms */
  c->rto = CLAMP(rto, cfg->rto_min, cfg->rto_max);
}

/* ---- sending ------------------------------------------------------------------------ */

/* Our SYN is not acknowledged yet (a FIN cannot precede the handshake, so these are the
 * only states where it can be outstanding, with a two-way handshake's ESTABLISHED). */
static inline gboolean
syn_unacked(const TcpConn *c)
{
  return c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED ||
         (c->oflags & O_SYN_UNACKED);
}

/* Bytes written by the app and not yet sent. */
static inline uint32_t
unsent(const TcpConn *c)
{
  /* snd_queued counts written, unacknowledged bytes; of those, snd_nxt - snd_una minus
   * the SYN and FIN sequence numbers in flight are sent */
  uint32_t in_flight = c->snd_nxt - c->snd_una;
  if (syn_unacked(c))
    in_flight -= in_flight > 0;
  if ((c->flags & F_FIN_SENT) && in_flight > 0)
    in_flight--;
  return c->snd_queued > in_flight ? c->snd_queued - in_flight : 0;
}

/* The window we may fill: the peer's advertised window. Congestion control would take
 * the minimum with its own window here. */
static inline uint32_t
tcp_send_window(const TcpConn *c)
{
  return c->snd_wnd;
}

static inline uint32_t
send_mss(const TcpConn *c)
{
  uint32_t mss = conn_cfg(c)->mss;
  return c->peer_mss ? MIN(mss, c->peer_mss) : mss;
}

static gboolean
may_send_data(const TcpConn *c)
{
  return c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT ||
         c->state == TCP_FIN_WAIT_1 || c->state == TCP_LAST_ACK || c->state == TCP_CLOSING;
}

/* New data went out (@restart FALSE: the RTO keeps running if it was), or an ACK
 * moved SND.UNA with data still out (@restart TRUE: RFC 6298 5.3). Arms the RTO, or
 * earlier the tail loss probe (RFC 8985 §7.2, as Linux tcp_schedule_loss_probe): 2 SRTT
 * after this send, plus rto_min when a single segment is out (its ACK may be delayed),
 * else 2 ms; never later than the RTO; one probe per flight. A single segment is
 * recognised by the data bytes out (at most one MSS), so a last data segment sent
 * apart from its FIN counts as one. */
static void
arm_xmit_timer(TcpConn *c, gboolean restart)
{
  SimTime now = conn_now(c);
  if (restart || !sim_timer_armed(&c->timer))
    c->rto_since = now;
  SimTime at = rto_deadline(c);
  const TcpConfig *cfg = conn_cfg(c);
  c->flags &= ~F_PROBE_ARMED;
  if (cfg->tlp && c->srtt > 0 && c->retries == 0 && !(c->flags & F_PROBED) &&
      may_send_data(c)) {
    uint32_t data_out = c->snd_nxt - c->snd_una - ((c->flags & F_FIN_SENT) ? 1 : 0);
    SimTime pto = 2 * c->srtt + (data_out <= send_mss(c) ? cfg->rto_min : 2 * SIM_MS);
    at = MIN(now + pto, at);
    c->flags |= F_PROBE_ARMED;
  }
  sim_timer_set(conn_net(c)->sched, &c->timer, at);
}

/* Sends what the window allows of the queued data, then the FIN if it is wanted and
 * everything before it is sent (riding on the last data segment when it fits). */
static void
output(TcpConn *c)
{
  if (!may_send_data(c))
    return;
  gboolean sent_something = FALSE;
  for (;;) {
    uint32_t left = unsent(c);
    uint32_t in_flight = c->snd_nxt - c->snd_una;
    uint32_t wnd = tcp_send_window(c);
    uint32_t room = wnd > in_flight ? wnd - in_flight : 0;
    uint32_t len = MIN(MIN(left, send_mss(c)), room);
    gboolean fin = (c->flags & F_FIN_WANTED) && !(c->flags & F_FIN_SENT) && len == left;
    if (len == 0 && !fin)
      break;
    uint8_t flags = TCP_ACK;
    if (len > 0 && len == left)
      flags |= TCP_PSH;
    if (fin)
      flags |= TCP_FIN;
    if (len > 0 && !(c->flags & F_TIMING)) {
      c->flags |= F_TIMING;
      c->rtt_seq = c->snd_nxt + len;
      c->rtt_start = conn_now(c);
    }
    emit(c, flags, c->snd_nxt, len);
    c->stats.bytes_sent += len;
    c->snd_nxt += len + (fin ? 1 : 0);
    if (fin)
      c->flags |= F_FIN_SENT | (len == 0 ? F_FIN_ALONE : 0);
    sent_something = TRUE;
    if (fin)
      break;
  }
  if (sent_something)
    arm_xmit_timer(c, FALSE);
}

/* Go-back: sends again the oldest unacknowledged segment. */
static void
retransmit_oldest(TcpConn *c)
{
  NetTcpCounts *n = &conn_net(c)->tcp;
  c->stats.retransmits++;
  c->flags &= ~F_TIMING;   /* Karn: no sample from a retransmitted segment */
  if (syn_unacked(c)) {
    if (c->state == TCP_SYN_SENT)
      n->rtx_syn++;
    else
      n->rtx_synack++;
    emit(c, c->state == TCP_SYN_SENT ? TCP_SYN : TCP_SYN | TCP_ACK, c->iss, 0);
    return;
  }
  uint32_t outstanding = c->snd_nxt - c->snd_una;
  gboolean fin_out = (c->flags & F_FIN_SENT) != 0;
  uint32_t data_out = outstanding - (fin_out ? 1 : 0);
  uint32_t len = MIN(data_out, send_mss(c));
  uint8_t flags = TCP_ACK;
  if (len > 0 && len == data_out)
    flags |= TCP_PSH;
  if (fin_out && len == data_out)
    flags |= TCP_FIN;
  if (len > 0)
    n->rtx_data++;
  else
    n->rtx_fin++;
  emit(c, flags, c->snd_una, len);
}

/* The tail loss probe's segment (RFC 8985 §7.3): the last one sent again: the FIN
 * alone if it went alone, else the data of the last segment, with the FIN if it rode on
 * it. Segments are not kept, so the last one is taken to be where a flight cut in MSS
 * pieces from SND.UNA ends (exact for one write; a valid segment in any case). */
static void
retransmit_last(TcpConn *c)
{
  c->stats.retransmits++;
  c->flags &= ~F_TIMING;
  uint32_t fin_out = (c->flags & F_FIN_SENT) ? 1 : 0;
  uint32_t data_out = c->snd_nxt - c->snd_una - fin_out;
  if (fin_out && ((c->flags & F_FIN_ALONE) || data_out == 0)) {
    emit(c, TCP_ACK | TCP_FIN, c->snd_nxt - 1, 0);
    return;
  }
  uint32_t len = (data_out - 1) % send_mss(c) + 1;
  emit(c, TCP_ACK | TCP_PSH | (fin_out ? TCP_FIN : 0), c->snd_nxt - fin_out - len, len);
}

/* ---- closing and freeing ------------------------------------------------------------ */

static void
detach_from_parent(TcpConn *c)
{
  TcpConn *l = c->parent;
  if (l == NULL)
    return;
  if (c->flags & F_EMBRYO) {
    l->x->n_embryos--;
    c->flags &= ~F_EMBRYO;
  } else {
    TcpConn **pp = &l->x->accept_head, *prev = NULL;
    while (*pp && *pp != c) {
      prev = *pp;
      pp = &(*pp)->next;
    }
    if (*pp == c) {
      *pp = c->next;
      if (l->x->accept_tail == c)
        l->x->accept_tail = prev;
      l->x->n_accept--;
    }
  }
  c->parent = NULL;
  c->next = NULL;
}

/* The SYN data a half-open connection held is let go: when @deliver (the handshake
 * completed) it stays readable (buffered data is acknowledged only now; accepted data
 * was on the SYN,ACK), otherwise it is dropped. */
static void
release_syn_data(TcpConn *c, gboolean deliver)
{
  if (!(c->oflags & O_SYN_DATA_HELD))
    return;
  c->oflags &= ~O_SYN_DATA_HELD;
  conn_net(c)->tcp.syn_data_held -= c->rcv_avail;
  if (deliver && conn_cfg(c)->syn_data == TCP_SYN_DATA_ACCEPT)
    return;
  if (deliver) {
    c->rcv_nxt += c->rcv_avail;
    c->stats.bytes_rcvd += c->rcv_avail;
  } else {
    c->rcv_avail = 0;
  }
}

/* The oracles' view of a connection reaching CLOSED from @from with @err. */
static void
count_closed(TcpConn *c, TcpState from, TcpErr err)
{
  NetTcpCounts *n = &conn_net(c)->tcp;
  release_syn_data(c, FALSE);
  if (from == TCP_LAST_ACK && err == TCP_ERR_TIMEDOUT)
    n->last_ack_timeouts++;                   /* C17: the last ACK never came */
  if (!(c->flags & F_PASSIVE)) {
    if (from == TCP_SYN_SENT || from == TCP_SYN_RECEIVED) {
      if (err == TCP_ERR_REFUSED)
        n->connect_refused++;
      else if (err == TCP_ERR_TIMEDOUT)
        n->connect_timed_out++;
    }
    return;
  }
  if ((c->oflags & O_COMMITTED) && !(c->oflags & O_CONFIRMED) && !(c->oflags & O_COMPACT)) {
    /* C6: resources a server committed to a connection no client wanted */
    SimTime held = 0;
    for (int s = TCP_ESTABLISHED; s < TCP_NSTATES; s++)
      held += c->state_time[s];
    n->wasted_conns++;
    n->wasted_bytes += c->stats.bytes_sent;
    n->wasted_time += held;
  }
}

/* Enters CLOSED: no more segments, the 4-tuple is free again. The app hears closed()
 * unless it has let go; the stack frees the connection when the app has let go. A
 * connection waiting in an accept queue stays there, CLOSED, with the data it holds,
 * until accepted (Linux: accept() returns a reset socket, whose data can be read). */
static void
enter_closed(TcpConn *c, TcpErr err, const char *why)
{
  gboolean stays_queued = c->parent != NULL && !(c->flags & F_EMBRYO);
  TcpState from = (TcpState)c->state;
  if (!stays_queued)
    detach_from_parent(c);
  tcp_set_state(c, TCP_CLOSED, why);
  c->err = (uint8_t)err;
  count_closed(c, from, err);
  stop_timer(c);
  if (c->flags & F_IN_TABLE) {
    host__conn_remove(c->host, c);
    c->flags &= ~F_IN_TABLE;
  }
  if (!(c->flags & F_APP_RELEASED) && c->cb && c->cb->closed)
    c->cb->closed(c, err, c->app);
  if (stays_queued)
    c->flags &= ~F_APP_RELEASED;              /* the queue holds it for the acceptor */
}

static inline void
enter(TcpConn *c)
{
  c->busy++;
}

/* A connection in TIME-WAIT its app has let go can shrink, unless it is a wasted one
 * whose waste is counted from its per-state times when it closes, or a listener's. */
static gboolean
compactable(const TcpConn *c)
{
  if (!conn_cfg(c)->tw_compact || c->parent != NULL || (c->flags & F_LISTENER))
    return FALSE;
  return !((c->flags & F_PASSIVE) && (c->oflags & O_COMMITTED) && !(c->oflags & O_CONFIRMED));
}

/* Moves @c into a compact record (see TCP_COMPACT_SIZE) and frees the full one; the
 * host's table and the timer follow. Only at the outermost leave(): no caller holds @c. */
static TcpConn *
compact(TcpConn *c)
{
  SimSched *sched = conn_net(c)->sched;
  /* built through the bytes of the head only: the record is smaller than TcpConn */
  char *bytes = g_malloc(TCP_COMPACT_SIZE);
  TcpConn *n = (TcpConn *)(void *)bytes;
  SimTimer *timer = (SimTimer *)(void *)(bytes + offsetof(TcpConn, timer));
  c->oflags |= O_COMPACT;
  memcpy(bytes, c, TCP_COMPACT_SIZE);
  sim_timer_init(timer, on_timer, n);
  if (sim_timer_armed(&c->timer)) {
    sim_timer_set(sched, timer, c->timer.deadline);
    sim_timer_stop(sched, &c->timer);
  }
  if (c->flags & F_IN_TABLE)
    host__conn_replace(c->host, c, n);
  g_free(c->x);
  g_free(c);
  return n;
}

/* Leaves an entry point; frees @c if it is done and nobody holds it. */
static void
leave(TcpConn *c)
{
  if (--c->busy != 0)
    return;
  if (c->state == TCP_CLOSED && (c->flags & F_APP_RELEASED)) {
    conn_free(c);
    return;
  }
  if (c->state == TCP_TIME_WAIT && (c->flags & F_APP_RELEASED) && !(c->oflags & O_COMPACT) &&
      compactable(c))
    c = compact(c);
  if (c->oflags & O_TW_ARM) {
    c->oflags &= ~O_TW_ARM;
    sim_timer_set(conn_net(c)->sched, &c->timer, c->state_since + conn_cfg(c)->time_wait);
  }
}

static void
enter_time_wait(TcpConn *c, const char *why)
{
  tcp_set_state(c, TCP_TIME_WAIT, why);
  c->flags &= ~F_TIMING;
  stop_timer(c);
  c->oflags |= O_TW_ARM;        /* armed by leave(), after compaction */
}

/* ---- the timer's work ---------------------------------------------------------------- */

/* RFC 6298 (5.4)-(5.6): the retransmission timer expired. Each state has its own retry
 * limit; the RTO doubles with every retry but Linux's first linear SYN timeouts. */
static void
on_rtx_timeout(TcpConn *c)
{
  const TcpConfig *cfg = conn_cfg(c);
  int limit;
  gboolean doubles = TRUE;
  const char *why;
  c->stats.timeouts++;
  switch (c->state) {
  case TCP_SYN_SENT:
    limit = cfg->syn_retries;
    doubles = c->retries + 1 > cfg->syn_linear_timeouts;
    why = "SYN retries exhausted";
    break;
  case TCP_SYN_RECEIVED:
    limit = cfg->synack_retries;
    why = "SYN-ACK retries exhausted";
    break;
  default:
    limit = syn_unacked(c) ? cfg->synack_retries
            : (c->flags & F_APP_RELEASED) ? cfg->fin_retries : cfg->data_retries;
    why = "retransmissions exhausted";
    break;
  }
  if (c->x && c->x->user_timeout > 0) {
    c->x->unacked_since = unacked_start(c);
    if (conn_now(c) - c->x->unacked_since >= c->x->user_timeout) {
      enter_closed(c, TCP_ERR_TIMEDOUT, "user timeout");
      return;
    }
  }
  if (c->retries >= limit ||
      (c->state == TCP_SYN_SENT && conn_now(c) >= connect_deadline(c))) {
    enter_closed(c, TCP_ERR_TIMEDOUT, why);
    return;
  }
  c->retries++;
  if (doubles)
    c->backoff++;
  retransmit_oldest(c);
  arm_rtx(c);
}

/* The tail loss probe fired: new data if the window allows it, else the last segment
 * again; then the RTO, restarted from now (Linux tcp_send_loss_probe). */
static void
on_probe_timeout(TcpConn *c)
{
  c->flags &= ~F_PROBE_ARMED;
  c->flags |= F_PROBED;
  conn_net(c)->tcp.probes++;
  if (c->x && c->x->user_timeout > 0)
    c->x->unacked_since = unacked_start(c);
  uint32_t before = c->snd_nxt;
  output(c);
  if (c->snd_nxt != before)
    return;                                   /* output() armed the RTO */
  retransmit_last(c);
  c->rto_since = conn_now(c);
  sim_timer_set(conn_net(c)->sched, &c->timer, rto_deadline(c));
}

static void
on_timer(SimSched *s, void *ctx)
{
  (void)s;
  TcpConn *c = ctx;
  if (sim_trace_enabled(conn_net(c)->log)) {
    TcpTimerKind k = (c->flags & F_PROBE_ARMED)     ? TCP_TIMER_PROBE
                     : c->state == TCP_TIME_WAIT    ? TCP_TIMER_TIME_WAIT
                     : c->state == TCP_FIN_WAIT_2   ? TCP_TIMER_FIN_WAIT_2
                                                    : TCP_TIMER_RTX;
    SIM_TRACE_ON(conn_net(c)->log, conn_now(c), host_addr(c->host), TCP_TRACE_TIMER, c,
                 (int64_t)c->incarnation, k, 0, 0);
  }
  enter(c);
  if (c->flags & F_PROBE_ARMED) {
    on_probe_timeout(c);
    leave(c);
    return;
  }
  switch (c->state) {
  case TCP_TIME_WAIT:
    enter_closed(c, TCP_OK, "TIME-WAIT timeout");
    break;
  case TCP_FIN_WAIT_2:
    enter_closed(c, TCP_OK, "FIN-WAIT-2 timeout");
    break;
  default:
    on_rtx_timeout(c);
    break;
  }
  leave(c);
}

/* ---- arriving segments --------------------------------------------------------------- */

/* Answer to a segment that belongs to no connection (RFC 9293 §3.10.7.1), also used for
 * unacceptable ACKs in LISTEN and SYN-SENT:
 *   ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
 *   ACK on:  <SEQ=SEG.ACK><CTL=RST> */
static void
reply_rst(Host *h, const Segment *in)
{
  if (in->flags & TCP_RST)
    return;
  Net *net = host_net(h);
  Segment *s = seg_new(&net->segs);
  s->src = in->dst;
  s->dst = in->src;
  s->sport = in->dport;
  s->dport = in->sport;
  if (in->flags & TCP_ACK) {
    s->seq = in->ack;
    s->flags = TCP_RST;
  } else {
    s->seq = 0;
    s->ack = in->seq + seg_seq_len(in);
    s->flags = TCP_RST | TCP_ACK;
  }
  s->birth = net_now(net);
  host_send(h, s);
}

void
tcp_reply_rst_closed(Host *h, const Segment *seg)
{
  if (!(seg->flags & TCP_RST))
    host__stats(h)->rst_sent_closed++;
  reply_rst(h, seg);
}

static void child_established(TcpConn *c);

/* What the peer's SYN tells: its ISN (RCV.NXT is the byte after it: data on a SYN is
 * the listener's syn_data business), its MSS, and whether window scaling is agreed
 * (RFC 7323 §2.2: ours goes on our SYN, or on the SYN,ACK answering one that had it). */
static void
take_peer_syn(TcpConn *c, const Segment *seg)
{
  c->irs = seg->seq;
  c->rcv_nxt = seg->seq + 1;
  c->peer_mss = seg->mss;
  if (conn_cfg(c)->window_scaling && seg_wscale(seg) >= 0)
    c->flags |= F_WSCALE;
}

/* §3.10.7.2 LISTEN */
static void
on_seg_listen(TcpConn *l, Segment *seg)
{
  Host *h = l->host;
  if (seg->flags & TCP_RST)
    return;                                   /* first: an incoming RST is ignored */
  if (seg->flags & TCP_ACK) {                 /* second: any ACK is bad: RST */
    reply_rst(h, seg);
    return;
  }
  if (!(seg->flags & TCP_SYN))
    return;                                   /* fourth: anything else is dropped */
  /* third: a SYN. Linux drops it when the SYN queue or the accept queue is full. */
  NetTcpCounts *n = &host_net(h)->tcp;
  if (seg->len > 0)
    n->syn_data_bytes += seg->len;
  if (l->x->n_embryos >= conn_cfg(l)->syn_backlog) {
    host__stats(h)->syn_dropped++;
    n->syn_backlog_drops++;
    return;
  }
  if (l->x->n_accept >= l->x->backlog) {
    host__stats(h)->accept_dropped++;
    n->accept_backlog_drops++;
    return;
  }
  TcpTuple t = { seg->dst, seg->src, seg->dport, seg->sport };
  TcpConn *c = conn_new(h, &t, l->cb, l->app, TCP_LISTEN);
  c->flags |= F_APP_RELEASED | F_PASSIVE | F_EMBRYO;  /* the stack owns it until accepted */
  c->parent = l;
  l->x->n_embryos++;
  host__conn_insert(h, c);
  c->flags |= F_IN_TABLE;
  const TcpConfig *cfg = conn_cfg(c);
  c->peer_incarnation = seg->incarnation;
  take_peer_syn(c, seg);
  c->snd_wnd = seg->wnd;
  c->snd_wl1 = seg->seq;
  c->iss = choose_iss(c);
  c->snd_una = c->iss;
  c->snd_nxt = c->iss + 1;
  if (seg->len > 0 && cfg->syn_data != TCP_SYN_DATA_DROP) {
    /* C8: the half-open connection holds the data until the handshake completes;
     * accepted data is acknowledged on the SYN,ACK, buffered data only then */
    if (cfg->syn_data == TCP_SYN_DATA_ACCEPT) {
      c->rcv_nxt += seg->len;
      c->stats.bytes_rcvd += seg->len;
    }
    c->rcv_avail = seg->len;
    c->oflags |= O_SYN_DATA_HELD;
    n->syn_data_held += seg->len;
    n->syn_data_held_peak = MAX(n->syn_data_held_peak, n->syn_data_held);
  }
  tcp_set_state(c, TCP_SYN_RECEIVED, "rcv SYN");
  if (cfg->handshake == 4) {
    /* C7: the ACK of the client's SYN and the server's own SYN go apart */
    emit(c, TCP_ACK, c->iss, 0);
    emit(c, TCP_SYN, c->iss, 0);
  } else {
    emit(c, TCP_SYN | TCP_ACK, c->iss, 0);
  }
  arm_rtx(c);
  if (cfg->handshake == 2) {
    /* C6: a two-way server commits on the SYN: ESTABLISHED, handed to accept(), free to
     * send, with its SYN still to be acknowledged */
    c->oflags |= O_SYN_UNACKED | O_COMMITTED;
    tcp_set_state(c, TCP_ESTABLISHED, "rcv SYN (two-way handshake)");
    child_established(c);
  }
}

/* The connection just reached ESTABLISHED: a close the app asked for meanwhile takes
 * effect now (its FIN could not precede the handshake), then queued data goes out. */
static void
established_entered(TcpConn *c)
{
  if (c->state == TCP_ESTABLISHED && (c->flags & F_FIN_WANTED))
    tcp_set_state(c, TCP_FIN_WAIT_1, "CLOSE queued before ESTABLISHED");
  output(c);
}

/* The handshake is over: no more SYN retries; ESTABLISHED. */
static void
handshake_done(TcpConn *c, const char *why)
{
  c->retries = 0;
  c->backoff = 0;
  if (c->x)
    c->x->unacked_since = SIM_TIME_NEVER;
  stop_timer(c);
  tcp_set_state(c, TCP_ESTABLISHED, why);
}

/* @seg acknowledged our SYN, in SYN-SENT (the SYN,ACK) or SYN-RECEIVED: take the peer's
 * window, the first RTT sample unless the SYN was retransmitted (Karn), and enter
 * ESTABLISHED. */
static void
syn_acked(TcpConn *c, const Segment *seg, const char *why)
{
  c->snd_una = seg->ack;
  c->snd_wnd = seg->wnd;
  c->snd_wl1 = seg->seq;
  c->snd_wl2 = seg->ack;
  if (c->retries == 0)
    rtt_sample(c, conn_now(c) - c->state_since);
  handshake_done(c, why);
}

/* §3.10.7.3 SYN-SENT */
static void
on_seg_syn_sent(TcpConn *c, Segment *seg)
{
  gboolean ack = (seg->flags & TCP_ACK) != 0;
  /* first: the ACK must acknowledge our SYN: ISS < SEG.ACK <= SND.NXT */
  if (ack && (tcp_seq_leq(seg->ack, c->iss) || tcp_seq_gt(seg->ack, c->snd_nxt))) {
    if (!(seg->flags & TCP_RST))
      reply_rst(c->host, seg);
    return;
  }
  /* second: RST. Acceptable only with an acceptable ACK. */
  if (seg->flags & TCP_RST) {
    if (ack)
      enter_closed(c, TCP_ERR_REFUSED, "rcv RST");
    return;
  }
  c->peer_incarnation = seg->incarnation;
  if (ack && !(seg->flags & TCP_SYN) && conn_cfg(c)->handshake == 4) {
    /* C7: four-way: the ACK of our SYN comes apart from the server's SYN. Take it and
     * wait for the SYN (the SYN timer keeps running in case it is lost). */
    c->snd_una = seg->ack;
    c->snd_wnd = seg->wnd;
    c->snd_wl1 = seg->seq;
    c->snd_wl2 = seg->ack;
    if (c->retries == 0)
      rtt_sample(c, conn_now(c) - c->state_since);
    return;
  }
  /* fourth: SYN */
  if (!(seg->flags & TCP_SYN))
    return;
  take_peer_syn(c, seg);
  if (!ack && tcp_seq_gt(c->snd_una, c->iss)) {
    /* C7: the server's SYN, after its ACK of ours: the fourth segment acknowledges it */
    handshake_done(c, "rcv SYN after ACK (four-way handshake)");
    send_ack(c);
    if (c->cb && c->cb->connected)
      c->cb->connected(c, c->app);
    established_entered(c);
    return;
  }
  if (ack) {
    syn_acked(c, seg, "rcv SYN,ACK");
    /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; data written during SYN-SENT rides on this
     * third segment instead (claim C4), sent by output() below */
    if (unsent(c) == 0 || c->snd_wnd == 0)
      send_ack(c);
    if (c->cb && c->cb->connected)
      c->cb->connected(c, c->app);
    established_entered(c);
    return;
  }
  /* simultaneous open: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
  c->snd_wnd = seg->wnd;
  c->snd_wl1 = seg->seq;
  tcp_set_state(c, TCP_SYN_RECEIVED, "rcv SYN (simultaneous open)");
  emit(c, TCP_SYN | TCP_ACK, c->iss, 0);
  arm_rtx(c);
}

/* RFC 9293 §3.10.7.4, first check: is the segment acceptable? */
static gboolean
seq_acceptable(const TcpConn *c, const Segment *seg)
{
  uint32_t len = seg_seq_len(seg);
  uint32_t wnd = rcv_wnd(c);
  uint32_t seq = seg->seq;
  if (len == 0) {
    if (wnd == 0)
      return seq == c->rcv_nxt;
    return tcp_seq_leq(c->rcv_nxt, seq) && tcp_seq_lt(seq, c->rcv_nxt + wnd);
  }
  if (wnd == 0)
    return FALSE;
  uint32_t last = seq + len - 1;
  return (tcp_seq_leq(c->rcv_nxt, seq) && tcp_seq_lt(seq, c->rcv_nxt + wnd)) ||
         (tcp_seq_leq(c->rcv_nxt, last) && tcp_seq_lt(last, c->rcv_nxt + wnd));
}

static gboolean
fin_acked(const TcpConn *c)
{
  return (c->flags & F_FIN_SENT) && c->snd_una == c->snd_nxt;
}

/* A child reached ESTABLISHED: queue it for accept() and tell the listener's app. */
static void
child_established(TcpConn *c)
{
  TcpConn *l = c->parent;
  if (l == NULL)
    return;
  c->oflags |= O_COMMITTED;
  if (c->oflags & O_SYN_DATA_HELD) {
    gboolean buffered = conn_cfg(c)->syn_data == TCP_SYN_DATA_BUFFER;
    release_syn_data(c, TRUE);
    if (buffered)
      send_ack(c);                    /* C8: buffered SYN data, acknowledged now */
  }
  l->x->n_embryos--;
  c->flags &= ~F_EMBRYO;
  c->next = NULL;
  if (l->x->accept_tail)
    l->x->accept_tail->next = c;
  else
    l->x->accept_head = c;
  l->x->accept_tail = c;
  l->x->n_accept++;
  if (l->cb && l->cb->acceptable)
    l->cb->acceptable(l, l->app);
}

/* TIME-WAIT (§3.10.7.4): the only thing expected is a retransmission of the peer's FIN:
 * acknowledge it and restart the timeout. A RST closes (RFC 9293; RFC 1337 would ignore
 * it). A new SYN above RCV.NXT ends this incarnation so that the listener can take it
 * (as Linux does); the caller hands the SYN on when this returns TRUE. */
static gboolean
on_seg_time_wait(TcpConn *c, Segment *seg)
{
  if (seg->flags & TCP_RST) {
    /* RFC 1337's hazard: a RST assassinates TIME-WAIT unless the knob says ignore it */
    if (seg->seq == c->rcv_nxt && conn_cfg(c)->rst_in_time_wait) {
      conn_net(c)->tcp.time_wait_resets++;
      enter_closed(c, TCP_OK, "rcv RST in TIME-WAIT");
    }
    return FALSE;
  }
  if ((seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && tcp_seq_gt(seg->seq, c->rcv_nxt)) {
    enter_closed(c, TCP_OK, "rcv SYN in TIME-WAIT (new incarnation)");
    return TRUE;
  }
  if ((seg->flags & TCP_FIN) && seg->seq + seg_seq_len(seg) == c->rcv_nxt) {
    conn_net(c)->tcp.time_wait_reacks++;      /* C15: the last ACK was lost */
    send_ack(c);
    arm_timer(c, conn_cfg(c)->time_wait);
    return FALSE;
  }
  if (!seq_acceptable(c, seg) || (seg->flags & TCP_SYN))
    send_ack(c);
  return FALSE;
}

/* §3.10.7.4: SYN-RECEIVED and every synchronized state but TIME-WAIT. */
static void
on_seg_synced(TcpConn *c, Segment *seg)
{
  /* a duplicate of the peer's SYN while ours is unacknowledged (SYN-RECEIVED, or a
   * two-way server's ESTABLISHED): send the SYN,ACK again (Linux) */
  if ((c->state == TCP_SYN_RECEIVED || (c->oflags & O_SYN_UNACKED)) &&
      (seg->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN && seg->seq == c->irs) {
    retransmit_oldest(c);
    return;
  }

  /* first: sequence number */
  if (!seq_acceptable(c, seg)) {
    if (!(seg->flags & TCP_RST)) {
      if (tcp_seq_lt(seg->seq, c->rcv_nxt))
        c->stats.dup_segs++;
      if ((c->oflags & O_FIN_ACK_HELD) && (seg->flags & TCP_FIN))
        return;                  /* close=3 (C19): the FIN again, still no answer */
      send_ack(c);
    }
    return;
  }
  /* C16: a segment of another incarnation of this 4-tuple, taken as this one's */
  gboolean stale = seg->incarnation != 0 && c->peer_incarnation != 0 &&
                   seg->incarnation != c->peer_incarnation && !(seg->flags & TCP_RST);
  if (stale)
    conn_net(c)->tcp.stale_segs++;

  /* second: RST (RFC 5961 §3.2: only an exact match resets; in window: challenge) */
  if (seg->flags & TCP_RST) {
    if (seg->seq != c->rcv_nxt) {
      send_challenge_ack(c);
      return;
    }
    switch (c->state) {
    case TCP_SYN_RECEIVED:
      enter_closed(c, (c->flags & F_PASSIVE) ? TCP_OK : TCP_ERR_REFUSED, "rcv RST");
      return;
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSE_WAIT:
      enter_closed(c, TCP_ERR_RESET, "rcv RST");
      return;
    default: /* CLOSING, LAST-ACK */
      if (c->state == TCP_LAST_ACK)
        conn_net(c)->tcp.last_ack_resets++;   /* C17 */
      enter_closed(c, TCP_OK, "rcv RST");
      return;
    }
  }

  /* fourth: SYN in a synchronized state (RFC 5961 §4): challenge ACK */
  if (seg->flags & TCP_SYN) {
    send_challenge_ack(c);
    return;
  }

  /* fifth: ACK */
  if (!(seg->flags & TCP_ACK))
    return;
  if (c->state == TCP_SYN_RECEIVED) {
    if (!(tcp_seq_lt(c->snd_una, seg->ack) && tcp_seq_leq(seg->ack, c->snd_nxt))) {
      reply_rst(c->host, seg);                /* <SEQ=SEG.ACK><CTL=RST> */
      return;
    }
    TcpConn *l = c->parent;
    if (l && l->x->n_accept >= l->x->backlog) {
      /* accept queue full: drop the ACK; the SYN,ACK will be sent again (Linux) */
      host__stats(c->host)->accept_dropped++;
      conn_net(c)->tcp.accept_backlog_drops++;
      return;
    }
    syn_acked(c, seg, "rcv ACK of SYN");
    if (c->flags & F_PASSIVE)
      child_established(c);
    else if (c->cb && c->cb->connected)
      c->cb->connected(c, c->app);   /* simultaneous open completes */
    if (c->state == TCP_CLOSED)
      return;
    if (c->state == TCP_ESTABLISHED && (c->flags & F_FIN_WANTED))
      tcp_set_state(c, TCP_FIN_WAIT_1, "CLOSE queued before ESTABLISHED");
  } else {
    if (tcp_seq_gt(seg->ack, c->snd_nxt)) {  /* acknowledges something not yet sent */
      if (!conn_cfg(c)->ack_unsent_drop)
        send_ack(c);
      return;
    }
    if (tcp_seq_lt(c->snd_una, seg->ack)) {
      uint32_t acked = seg->ack - c->snd_una;
      if ((c->flags & F_FIN_SENT) && seg->ack == c->snd_nxt)
        acked--;                               /* the FIN is not a byte of data */
      if (c->oflags & O_SYN_UNACKED) {
        acked--;                               /* nor is a two-way handshake's SYN */
        c->oflags &= ~O_SYN_UNACKED;
      }
      c->snd_queued -= MIN(acked, c->snd_queued);
      c->snd_una = seg->ack;
      if ((c->flags & F_TIMING) && tcp_seq_geq(seg->ack, c->rtt_seq)) {
        c->flags &= ~F_TIMING;
        rtt_sample(c, conn_now(c) - c->rtt_start);
      }
      c->retries = 0;
      c->backoff = 0;
      c->flags &= ~F_PROBED;
      if (c->x)
        c->x->unacked_since = SIM_TIME_NEVER;
      if (c->snd_una == c->snd_nxt)
        stop_timer(c);                         /* RFC 6298 (5.2) */
      else
        arm_xmit_timer(c, TRUE);               /* (5.3) */
    }
    /* window update (SND.WL1 < SEG.SEQ or (= and SND.WL2 <= SEG.ACK)) */
    if (tcp_seq_lt(c->snd_wl1, seg->seq) ||
        (c->snd_wl1 == seg->seq && tcp_seq_leq(c->snd_wl2, seg->ack))) {
      c->snd_wnd = seg->wnd;
      c->snd_wl1 = seg->seq;
      c->snd_wl2 = seg->ack;
    }
  }

  switch (c->state) {
  case TCP_FIN_WAIT_1:
    if (fin_acked(c)) {
      tcp_set_state(c, TCP_FIN_WAIT_2, "rcv ACK of FIN");
      if ((c->flags & F_APP_RELEASED) && conn_cfg(c)->fin_wait_2_timeout > 0)
        arm_timer(c, conn_cfg(c)->fin_wait_2_timeout);
    }
    break;
  /* With our FIN still unacknowledged, data written before the close may still wait for
   * window: the ACK that opens it lets more (and the FIN) go. */
  case TCP_CLOSING:
    if (fin_acked(c))
      enter_time_wait(c, "rcv ACK of FIN");
    else
      output(c);
    return;
  case TCP_LAST_ACK:
    if (fin_acked(c))
      enter_closed(c, TCP_OK, "rcv ACK of FIN");
    else
      output(c);
    return;
  default:
    break;
  }

  /* seventh: segment text (ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2 only) */
  gboolean need_ack = FALSE, news = FALSE;
  if (seg->len > 0) {
    if (c->state != TCP_ESTABLISHED && c->state != TCP_FIN_WAIT_1 &&
        c->state != TCP_FIN_WAIT_2)
      return;
    gboolean closed_by_app =
      (c->flags & F_APP_RELEASED) && !(c->flags & F_PASSIVE && !(c->flags & F_ACCEPTED));
    if ((closed_by_app || (c->flags & F_RD_SHUT)) && c->state != TCP_ESTABLISHED &&
        tcp_seq_gt(seg->seq + seg->len, c->rcv_nxt)) {
      /* new data after the app closed, or shut reading and sent its FIN: nobody will
       * read it. RFC 1122 §4.2.2.13 asks for a reset; Linux answers the segment as one
       * for no connection (<SEQ=SEG.ACK><CTL=RST>) and drops the connection. */
      reply_rst(c->host, seg);
      enter_closed(c, TCP_ERR_RESET, "data after close");
      return;
    }
    if (tcp_seq_gt(seg->seq, c->rcv_nxt)) {
      /* out of order: no reassembly queue in this model; a duplicate ACK asks again */
      send_ack(c);
      return;
    }
    uint32_t skip = c->rcv_nxt - seg->seq;   /* already received part */
    if (skip < seg->len) {
      uint32_t fresh = seg->len - skip;
      if (stale)
        conn_net(c)->tcp.stale_bytes += fresh;
      c->rcv_nxt += fresh;
      c->rcv_avail += fresh;
      c->stats.bytes_rcvd += fresh;
      news = TRUE;
    }
    need_ack = TRUE;
  } else if ((seg->flags & TCP_FIN) && tcp_seq_gt(seg->seq, c->rcv_nxt) &&
             !(c->flags & F_FIN_RCVD)) {
    /* a FIN past a gap (what came before it was lost) is out of order as data is: a
     * duplicate ACK asks for the gap, as Linux does */
    send_ack(c);
    return;
  }

  /* eighth: FIN, when it is the next thing in sequence */
  if ((seg->flags & TCP_FIN) && seg->seq + seg->len == c->rcv_nxt &&
      !(c->flags & F_FIN_RCVD)) {
    c->rcv_nxt++;
    c->flags |= F_FIN_RCVD;
    if (conn_cfg(c)->close == 3 && c->state == TCP_ESTABLISHED) {
      /* C18/C19: a three-way close: the passive closer answers the FIN with its own,
       * when its app is done, carrying the ACK */
      c->oflags |= O_FIN_ACK_HELD;
      if (need_ack)
        send_ack(c);                 /* data that came with the FIN, acknowledged apart */
    } else {
      send_ack(c);
    }
    need_ack = FALSE;
    news = TRUE;
    switch (c->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
      tcp_set_state(c, TCP_CLOSE_WAIT, "rcv FIN");
      break;
    case TCP_FIN_WAIT_1:
      /* our FIN not yet acknowledged (else we would be in FIN-WAIT-2 by now) */
      tcp_set_state(c, TCP_CLOSING, "rcv FIN");
      break;
    case TCP_FIN_WAIT_2:
      enter_time_wait(c, "rcv FIN");
      break;
    default:
      break;
    }
  }
  if (need_ack)
    send_ack(c);
  if (news && !(c->flags & F_APP_RELEASED) && c->cb && c->cb->readable)
    c->cb->readable(c, c->app);
  output(c);
}

void
tcp_on_segment(TcpConn *c, Segment *seg)
{
  Net *net = conn_net(c);
  Host *h = c->host;
  enter(c);
  if (!(c->oflags & O_COMPACT)) {
    c->stats.segs_rcvd++;
    if (seg->incarnation != 0 && seg->incarnation == c->peer_incarnation &&
        (seg->flags & TCP_ACK) && tcp_seq_gt(seg->ack, c->iss) &&
        tcp_seq_leq(seg->ack, c->snd_nxt))
      c->oflags |= O_CONFIRMED;       /* C6: the client that sent the SYN got our SYN */
  }
  SIM_TRACE_ON(net->log, net_now(net), host_addr(h), TCP_TRACE_RECV, seg,
               (int64_t)c->incarnation, seg->flags | ((int64_t)seg->len << 8), seg->seq,
               seg->ack);
  gboolean to_listener = FALSE;
  switch (c->state) {
  case TCP_CLOSED:
    tcp_reply_rst_closed(h, seg);                 /* §3.10.7.1 */
    break;
  case TCP_LISTEN:
    on_seg_listen(c, seg);                        /* §3.10.7.2 */
    break;
  case TCP_SYN_SENT:
    on_seg_syn_sent(c, seg);                      /* §3.10.7.3 */
    break;
  case TCP_TIME_WAIT:
    to_listener = on_seg_time_wait(c, seg);       /* §3.10.7.4 */
    break;
  default:
    on_seg_synced(c, seg);                        /* §3.10.7.4 */
    break;
  }
  leave(c);
  if (to_listener) {
    TcpConn *l = host__listener(h, seg->dport);
    if (l) {
      enter(l);
      on_seg_listen(l, seg);
      leave(l);
    } else {
      tcp_reply_rst_closed(h, seg);
    }
  }
  seg_free(&net->segs, seg);
}

/* ---- the socket-like API ---------------------------------------------------------- */

gboolean
tcp__tw_reusable(const TcpConn *c)
{
  const TcpConfig *cfg = conn_cfg(c);
  return c->state == TCP_TIME_WAIT && cfg->tw_reuse &&
         conn_now(c) - c->state_since >= cfg->tw_reuse_delay;
}

TcpConn *
tcp_listen(Host *h, uint16_t port, int backlog, const TcpCallbacks *cb, void *app,
           TcpErr *err)
{
  g_return_val_if_fail(h != NULL && port != 0, NULL);
  if (host__listener(h, port)) {
    if (err)
      *err = TCP_ERR_ADDRINUSE;
    return NULL;
  }
  TcpTuple t = { host_addr(h), 0, port, 0 };
  TcpConn *l = conn_new(h, &t, cb, app, TCP_CLOSED);
  l->flags |= F_LISTENER;
  l->x = ext_new();
  l->x->backlog = (uint16_t)CLAMP(backlog, 1, 65535);
  tcp_set_state(l, TCP_LISTEN, "passive OPEN");
  host__listener_insert(h, port, l);
  if (err)
    *err = TCP_OK;
  return l;
}

TcpConn *
tcp_connect(Host *h, NetAddr raddr, uint16_t rport, uint16_t lport, const TcpCallbacks *cb,
            void *app, TcpErr *err)
{
  g_return_val_if_fail(h != NULL && rport != 0, NULL);
  const TcpConfig *cfg = host_config(h);
  TcpConn *victim = NULL;
  if (lport == 0) {
    lport = host__pick_port(h, raddr, rport, &victim);
    if (lport == 0) {
      host__stats(h)->port_exhausted++;
      host_net(h)->tcp.connect_no_port++;
      if (err)
        *err = TCP_ERR_ADDRNOTAVAIL;
      return NULL;
    }
  } else {
    TcpTuple t = { host_addr(h), raddr, lport, rport };
    victim = host__conn_lookup(h, &t);
    if (victim && !tcp__tw_reusable(victim)) {
      if (err)
        *err = TCP_ERR_ADDRINUSE;
      return NULL;
    }
  }
  TcpTuple t = { host_addr(h), raddr, lport, rport };
  TcpConn *c = conn_new(h, &t, cb, app, TCP_CLOSED);
  if (victim) {
    /* RFC 6191 / Linux tcp_tw_reuse: the new incarnation starts above anything the old
     * one may still have in flight */
    c->iss = victim->snd_nxt + 65535 + 2;
    host__stats(h)->tw_reused++;
    enter(victim);
    enter_closed(victim, TCP_OK, "TIME-WAIT port reused");
    leave(victim);
  } else {
    c->iss = choose_iss(c);
  }
  host__conn_insert(h, c);
  c->flags |= F_IN_TABLE;
  c->snd_una = c->iss;
  c->snd_nxt = c->iss + 1;
  if (cfg->connect_timeout > 0) {
    c->x = ext_new();
    c->x->connect_deadline = conn_now(c) + cfg->connect_timeout;
  }
  enter(c);
  tcp_set_state(c, TCP_SYN_SENT, "active OPEN");
  emit(c, TCP_SYN, c->iss, 0);
  arm_rtx(c);
  leave(c);
  if (err)
    *err = TCP_OK;
  return c;
}

TcpConn *
tcp_accept(TcpConn *l, TcpErr *err)
{
  g_return_val_if_fail(l != NULL && (l->flags & F_LISTENER), NULL);
  TcpConn *c = l->x->accept_head;
  if (c == NULL) {
    if (err)
      *err = TCP_ERR_AGAIN;
    return NULL;
  }
  l->x->accept_head = c->next;
  if (l->x->accept_tail == c)
    l->x->accept_tail = NULL;
  l->x->n_accept--;
  c->next = NULL;
  c->parent = NULL;
  c->flags &= ~F_APP_RELEASED;
  c->flags |= F_ACCEPTED;
  if (err)
    *err = TCP_OK;
  return c;
}

void
tcp_set_app(TcpConn *c, const TcpCallbacks *cb, void *app)
{
  g_return_if_fail(c != NULL);
  c->cb = cb;
  c->app = app;
}

int64_t
tcp_write(TcpConn *c, uint32_t len, TcpErr *err)
{
  g_return_val_if_fail(c != NULL, -1);
  TcpErr e = TCP_OK;
  if (c->state == TCP_CLOSED && c->err != TCP_OK && !(c->flags & F_ERR_TOLD)) {
    e = (TcpErr)c->err;
    c->flags |= F_ERR_TOLD;
  } else if ((c->flags & F_FIN_WANTED) || c->state == TCP_CLOSED) {
    e = TCP_ERR_PIPE;
  }
  else if (c->state == TCP_LISTEN)
    e = TCP_ERR_NOTCONN;
  if (e != TCP_OK) {
    if (err)
      *err = e;
    return -1;
  }
  uint32_t room = conn_cfg(c)->snd_buf - MIN(c->snd_queued, conn_cfg(c)->snd_buf);
  uint32_t n = MIN(len, room);
  if (n == 0 && len > 0) {
    if (err)
      *err = TCP_ERR_AGAIN;
    return -1;
  }
  c->snd_queued += n;
  enter(c);
  output(c);
  leave(c);
  if (err)
    *err = TCP_OK;
  return n;
}

int64_t
tcp_read(TcpConn *c, uint32_t len, TcpErr *err)
{
  g_return_val_if_fail(c != NULL, -1);
  if (c->rcv_avail > 0) {
    uint32_t n = MIN(len, c->rcv_avail);
    c->rcv_avail -= n;
    if (err)
      *err = TCP_OK;
    return n;
  }
  if (c->state == TCP_CLOSED && c->err != TCP_OK && !(c->flags & F_ERR_TOLD)) {
    c->flags |= F_ERR_TOLD;
    if (err)
      *err = (TcpErr)c->err;
    return -1;
  }
  if ((c->flags & (F_FIN_RCVD | F_RD_SHUT)) || c->state == TCP_CLOSED) {
    if (err)
      *err = TCP_OK;
    return 0;
  }
  if (err)
    *err = c->state == TCP_LISTEN ? TCP_ERR_NOTCONN : TCP_ERR_AGAIN;
  return -1;
}

uint32_t
tcp_readable(const TcpConn *c)
{
  return c->rcv_avail;
}

/* RFC 9293 §3.10.4 CLOSE (and shutdown for writing) */
static void
close_write(TcpConn *c)
{
  if (c->flags & F_FIN_WANTED)
    return;
  switch (c->state) {
  case TCP_SYN_SENT:
  case TCP_SYN_RECEIVED:
    /* our FIN cannot precede the handshake: it goes out on ESTABLISHED */
    c->flags |= F_FIN_WANTED;
    return;
  case TCP_ESTABLISHED:
    c->flags |= F_FIN_WANTED;
    tcp_set_state(c, TCP_FIN_WAIT_1, "CLOSE");
    break;
  case TCP_CLOSE_WAIT:
    c->flags |= F_FIN_WANTED;
    tcp_set_state(c, TCP_LAST_ACK, "CLOSE");
    break;
  default:
    return;
  }
  output(c);
}

void
tcp_shutdown_write(TcpConn *c)
{
  g_return_if_fail(c != NULL);
  enter(c);
  close_write(c);
  leave(c);
}

void
tcp_shutdown_read(TcpConn *c)
{
  g_return_if_fail(c != NULL);
  c->flags |= F_RD_SHUT;
}

void
tcp_set_user_timeout(TcpConn *c, SimTime timeout)
{
  g_return_if_fail(c != NULL && timeout >= 0 && !(c->flags & F_LISTENER));
  if (c->x == NULL) {
    if (timeout == 0)
      return;
    c->x = ext_new();
  }
  c->x->user_timeout = timeout;
}

static void
drop_embryo_of(TcpConn *c, void *listener)
{
  if (c->parent == listener && (c->flags & F_EMBRYO)) {
    enter(c);
    enter_closed(c, TCP_OK, "listener closed");
    leave(c);
  }
}

/* Closing a listener resets the connections queued for accept (Linux
 * inet_csk_listen_stop) and drops the half-open ones. */
static void
close_listener(TcpConn *l)
{
  while (l->x->accept_head) {
    TcpConn *c = l->x->accept_head;
    enter(c);
    detach_from_parent(c);
    c->flags |= F_APP_RELEASED;
    if (c->state != TCP_CLOSED) {
      emit(c, TCP_RST | TCP_ACK, c->snd_nxt, 0);
      enter_closed(c, TCP_ERR_RESET, "listener closed");
    }
    leave(c);
  }
  host__foreach_conn(l->host, drop_embryo_of, l);
  host__listener_remove(l->host, l->t.lport);
  tcp_set_state(l, TCP_CLOSED, "CLOSE");
}

void
tcp_close(TcpConn *c)
{
  g_return_if_fail(c != NULL);
  enter(c);
  c->flags |= F_APP_RELEASED;
  if (c->flags & F_LISTENER) {
    if (c->state == TCP_LISTEN)
      close_listener(c);
    leave(c);
    return;
  }
  if (c->rcv_avail > 0 && c->state != TCP_CLOSED && c->state != TCP_TIME_WAIT) {
    /* close with unread data aborts (Linux; RFC 2525 §2.17) */
    emit(c, TCP_RST | TCP_ACK, c->snd_nxt, 0);
    enter_closed(c, TCP_ERR_RESET, "close with unread data");
  } else if (c->state == TCP_SYN_SENT) {
    enter_closed(c, TCP_OK, "CLOSE in SYN-SENT");
  } else {
    close_write(c);
    if (c->state == TCP_FIN_WAIT_2 && conn_cfg(c)->fin_wait_2_timeout > 0)
      arm_timer(c, conn_cfg(c)->fin_wait_2_timeout);
  }
  leave(c);
}

void
tcp_abort(TcpConn *c)
{
  g_return_if_fail(c != NULL);
  enter(c);
  c->flags |= F_APP_RELEASED;
  switch (c->state) {
  case TCP_SYN_RECEIVED:
  case TCP_ESTABLISHED:
  case TCP_FIN_WAIT_1:
  case TCP_FIN_WAIT_2:
  case TCP_CLOSE_WAIT:
    emit(c, TCP_RST | TCP_ACK, c->snd_nxt, 0);   /* §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST> */
    break;
  default:
    break;
  }
  if (c->flags & F_LISTENER) {
    if (c->state == TCP_LISTEN)
      close_listener(c);
    leave(c);
    return;
  }
  if (c->state != TCP_CLOSED)
    enter_closed(c, TCP_OK, "ABORT");
  leave(c);
}

/* Host teardown frees the connections of its table before its listeners, so that a
 * listener finds in its accept queue only the CLOSED ones no table holds. */
void
tcp_conn_destroy(TcpConn *c)
{
  if (c->flags & F_LISTENER) {
    while (c->x->accept_head) {
      TcpConn *child = c->x->accept_head;
      detach_from_parent(child);
      conn_free(child);
    }
    host__listener_remove(c->host, c->t.lport);
  }
  detach_from_parent(c);
  conn_free(c);
}

/* ---- accessors ------------------------------------------------------------------------ */

TcpState tcp_state(const TcpConn *c) { return (TcpState)c->state; }
Host *tcp_host(const TcpConn *c) { return c->host; }
uint16_t tcp_local_port(const TcpConn *c) { return c->t.lport; }
uint16_t tcp_remote_port(const TcpConn *c) { return c->t.rport; }
NetAddr tcp_remote_addr(const TcpConn *c) { return c->t.raddr; }
uint32_t tcp_iss(const TcpConn *c) { return c->iss; }
uint32_t tcp_irs(const TcpConn *c) { return c->irs; }
uint32_t tcp_snd_nxt(const TcpConn *c) { return c->snd_nxt; }
uint32_t tcp_rcv_nxt(const TcpConn *c) { return c->rcv_nxt; }
uint64_t tcp_incarnation(const TcpConn *c) { return c->incarnation; }
SimTime tcp_rto(const TcpConn *c) { return current_rto(c); }
TcpErr tcp_error(const TcpConn *c) { return (TcpErr)c->err; }
SimTime tcp_srtt(const TcpConn *c) { return c->srtt; }
gboolean tcp_wscale_ok(const TcpConn *c) { return (c->flags & F_WSCALE) != 0; }
const TcpConnStats *tcp_conn_stats(const TcpConn *c) { return &c->stats; }

SimTime
tcp_timer_deadline(const TcpConn *c)
{
  return c->timer.deadline;
}

void
tcp_state_times(const TcpConn *c, SimTime out[TCP_NSTATES])
{
  memcpy(out, c->state_time, sizeof c->state_time);
  out[c->state] += conn_now(c) - c->state_since;
}
