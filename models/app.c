/* app: the client, server and SYN flooder declared in app.h, written against the
 * socket-like API of tcp.h the way a program uses sockets: each connection an app holds
 * has a small state record, passed to the stack as the callbacks' app pointer and freed
 * when the app lets go of the connection (tcp_close), so any number of connections can
 * be in flight at once.
 *
 * Choices where app.h leaves room:
 *  - A write the send buffer cannot take whole is cut to what it takes: the stack has no
 *    "writable" callback to resume on, and the default buffer (1 MiB) holds any
 *    request or reply the experiments use. The counts say what was written.
 *  - The client counts every connect it attempts in `opened`, NO_PORT ones included, so
 *    that once done opened = completed + refused + timed_out + reset + no_port.
 *  - closed(TCP_OK) reaching the client before its exchange completed (only a RST in
 *    CLOSING or LAST-ACK can do that) counts as RESET: the exchange did not finish.
 *  - The server's `reset` counts every accepted connection that ended otherwise than
 *    completed (reset or timed out); its records keep the exact outcome.
 *  - A server with request_bytes 0 takes the request to be whatever the client sends
 *    up to its FIN; a service_time of 0 replies inside the callback that read the
 *    request (no event), later ones through a scheduled event.
 *  - Freeing an app frees the connections it still holds at once, without a segment
 *    (tcp_conn_destroy, as host_free does): tcp_close would send a FIN and tcp_abort a
 *    RST, and merely detaching them would leave connections that reach CLOSED with
 *    nobody to free them. The server's listener is closed (its half-open connections
 *    are dropped silently; the accept queue is always empty, as the server accepts at
 *    once). Pending opens, service events and SYNs are cancelled.
 *
 * Apps assume that hosts reach each other through links, which deliver in a later
 * event: nothing here expects a callback of its own connection to run inside a call it
 * makes to the stack. Free an app outside its own callbacks. */
#include "app.h"
#include "sim_error.h"

/* Per-connection state is handed to the stack as the app pointer; the owning app keeps
 * its live ones in a list so that freeing the app can reach them. */
typedef struct AppClientConn {
  AppClient *a;
  TcpConn *c;
  struct AppClientConn *prev, *next;
  SimTime opened;
  guint index;               /* its record, when the client keeps records */
} AppClientConn;

struct AppClient {
  Host *h;
  AppClientConfig cfg;
  AppClientStats stats;
  GArray *records;           /* AppConnRecord, in opening order */
  AppClientConn *live;       /* connections the client still holds */
  SimEventId next_open;
  uint64_t finished;         /* connections with an outcome */
};

/* ---- records ------------------------------------------------------------------------- */

/* @records is NULL when the app keeps none: a client that does not record pays for no
 * array (a benchmark builds a million clients). */
static guint
record_append(GArray *records, uint64_t incarnation, SimTime opened, SimTime established)
{
  if (records == NULL)
    return 0;
  AppConnRecord r = {
    .incarnation = incarnation,
    .opened = opened,
    .established = established,
    .finished = -1,
    .bytes_rcvd = 0,
    .outcome = APP_CONN_PENDING,
  };
  g_array_append_val(records, r);
  return records->len - 1;
}

static inline AppConnRecord *
record_at(GArray *records, guint index)
{
  return records ? &g_array_index(records, AppConnRecord, index) : NULL;
}

static const AppConnRecord *
records_of(const GArray *records, guint *n)
{
  if (n)
    *n = records ? records->len : 0;
  return records ? (const AppConnRecord *)(const void *)records->data : NULL;
}

/* The outcome a connection's failure stands for. */
static AppConnOutcome
outcome_of(TcpErr err)
{
  switch (err) {
  case TCP_ERR_REFUSED:
    return APP_CONN_REFUSED;
  case TCP_ERR_TIMEDOUT:
    return APP_CONN_TIMED_OUT;
  case TCP_ERR_ADDRNOTAVAIL:
    return APP_CONN_NO_PORT;
  default:
    return APP_CONN_RESET;   /* RESET, and TCP_OK before the exchange finished */
  }
}

/* ---- client -------------------------------------------------------------------------- */

static void client_open(SimSched *s, void *ctx);

static AppConnRecord *
client_record(AppClient *a, const AppClientConn *ac)
{
  return record_at(a->records, ac->index);
}

/* Schedules the next open of a sequential client. Through an event at the current
 * time, never inline: a connect that fails at once (NO_PORT) would otherwise recurse,
 * and the connection that just ended is still inside the stack's call. */
static void
client_next(AppClient *a)
{
  if (a->cfg.interarrival == NULL && a->stats.opened < a->cfg.conns) {
    SimSched *s = host_net(a->h)->sched;
    a->next_open = sim_sched_at(s, sim_sched_now(s), client_open, a);
  }
}

static void
client_count(AppClient *a, AppConnOutcome o)
{
  switch (o) {
  case APP_CONN_COMPLETED:
    a->stats.completed++;
    break;
  case APP_CONN_REFUSED:
    a->stats.refused++;
    break;
  case APP_CONN_TIMED_OUT:
    a->stats.timed_out++;
    break;
  case APP_CONN_NO_PORT:
    a->stats.no_port++;
    break;
  default:
    a->stats.reset++;
    break;
  }
  a->finished++;
}

/* The connection has its outcome: count it, let go of it (the stack finishes TIME-WAIT
 * or LAST-ACK on its own) and, if sequential, open the next one. */
static void
sample_time(GArray *into, const AppTimeSamples *s, SimTime t)
{
  if (into != NULL && into->len < s->max) {
    double v = sim_time_to_s(t);
    g_array_append_val(into, v);
  }
}

static void
client_finish(AppClientConn *ac, AppConnOutcome o)
{
  AppClient *a = ac->a;
  SimTime now = net_now(host_net(a->h));
  client_count(a, o);
  if (o == APP_CONN_COMPLETED) {
    a->stats.completion_time_sum += now - ac->opened;
    sample_time(a->cfg.samples ? a->cfg.samples->completion : NULL, a->cfg.samples,
                now - ac->opened);
  }
  AppConnRecord *r = client_record(a, ac);
  if (r) {
    r->finished = now;
    r->outcome = (uint8_t)o;
  }
  if (ac->prev)
    ac->prev->next = ac->next;
  else
    a->live = ac->next;
  if (ac->next)
    ac->next->prev = ac->prev;
  tcp_close(ac->c);
  g_free(ac);
  client_next(a);
}

/* Reads what has arrived; returns TRUE at the end of the stream. */
static gboolean
client_read(AppClientConn *ac)
{
  AppClient *a = ac->a;
  AppConnRecord *r = client_record(a, ac);
  for (;;) {
    int64_t n = tcp_read(ac->c, UINT32_MAX, NULL);
    if (n <= 0)
      return n == 0;
    a->stats.bytes_rcvd += (uint64_t)n;
    if (r)
      r->bytes_rcvd += (uint32_t)n;
  }
}

static void
client_connected(TcpConn *c, void *app)
{
  AppClientConn *ac = app;
  AppClient *a = ac->a;
  SimTime now = net_now(host_net(a->h));
  a->stats.connect_time_sum += now - ac->opened;
  sample_time(a->cfg.samples ? a->cfg.samples->connect : NULL, a->cfg.samples,
              now - ac->opened);
  AppConnRecord *r = client_record(a, ac);
  if (r)
    r->established = now;
  if (a->cfg.request_bytes > 0)
    tcp_write(c, a->cfg.request_bytes, NULL);   /* cut to the send buffer: see top */
  if (a->cfg.close == APP_CLOSE_FIRST)
    tcp_shutdown_write(c);                      /* the FIN follows the request */
}

/* The reply, or its end: at the end of the stream the exchange is complete whichever
 * side closed first (CLOSE_FIRST: our FIN was sent, theirs has come, we are in
 * TIME-WAIT or CLOSING; CLOSE_SECOND: closing now sends ours, LAST-ACK follows). */
static void
client_readable(TcpConn *c, void *app)
{
  (void)c;
  AppClientConn *ac = app;
  if (client_read(ac))
    client_finish(ac, APP_CONN_COMPLETED);
}

static void
client_closed(TcpConn *c, TcpErr err, void *app)
{
  (void)c;
  AppClientConn *ac = app;
  client_read(ac);   /* count what arrived before the failure */
  client_finish(ac, outcome_of(err));
}

static const TcpCallbacks client_callbacks = {
  .connected = client_connected,
  .acceptable = NULL,
  .readable = client_readable,
  .closed = client_closed,
};

static void
client_open(SimSched *s, void *ctx)
{
  AppClient *a = ctx;
  a->next_open = SIM_EVENT_NONE;
  SimTime now = sim_sched_now(s);
  a->stats.opened++;
  /* an arrival process schedules its next open before this one's outcome is known,
   * drawing the gap now so the draws keep their order whatever the network does */
  if (a->cfg.interarrival && a->stats.opened < a->cfg.conns) {
    SimTime gap = sim_dist_sample_time(a->cfg.interarrival, host_rng(a->h));
    a->next_open = sim_sched_after(s, gap, client_open, a);
  }
  AppClientConn *ac = g_new0(AppClientConn, 1);
  ac->a = a;
  ac->opened = now;
  TcpErr err = TCP_OK;
  ac->c = tcp_connect(a->h, a->cfg.server, a->cfg.port, 0, &client_callbacks, ac, &err);
  ac->index = record_append(a->records, ac->c ? tcp_incarnation(ac->c) : 0, now, -1);
  if (ac->c == NULL) {
    /* no free local port (or the only other failure connect knows): an outcome at once */
    AppConnOutcome o = err == TCP_ERR_ADDRNOTAVAIL ? APP_CONN_NO_PORT : APP_CONN_RESET;
    client_count(a, o);
    AppConnRecord *r = client_record(a, ac);
    if (r) {
      r->finished = now;
      r->outcome = (uint8_t)o;
    }
    g_free(ac);
    client_next(a);
    return;
  }
  ac->next = a->live;
  if (a->live)
    a->live->prev = ac;
  a->live = ac;
}

AppClient *
app_client_new(Host *h, const AppClientConfig *cfg)
{
  g_return_val_if_fail(h != NULL && cfg != NULL, NULL);
  g_return_val_if_fail(app_client_config_validate(cfg, NULL), NULL);
  AppClient *a = g_new0(AppClient, 1);
  a->h = h;
  a->cfg = *cfg;
  if (cfg->record)
    a->records = g_array_new(FALSE, FALSE, sizeof(AppConnRecord));
  SimSched *s = host_net(h)->sched;
  /* a start already past opens at once rather than being refused */
  a->next_open = sim_sched_at(s, MAX(cfg->start, sim_sched_now(s)), client_open, a);
  return a;
}

void
app_client_free(AppClient *a)
{
  if (a == NULL)
    return;
  sim_sched_cancel(host_net(a->h)->sched, a->next_open);
  while (a->live) {
    AppClientConn *ac = a->live;
    a->live = ac->next;
    tcp_conn_destroy(ac->c);   /* nothing sent: see top */
    g_free(ac);
  }
  if (a->records)
    g_array_free(a->records, TRUE);
  g_free(a);
}

const AppClientStats *
app_client_stats(const AppClient *a)
{
  g_return_val_if_fail(a != NULL, NULL);
  return &a->stats;
}

gboolean
app_client_done(const AppClient *a)
{
  g_return_val_if_fail(a != NULL, FALSE);
  return a->finished >= a->cfg.conns;
}

const AppConnRecord *
app_client_records(const AppClient *a, guint *n)
{
  g_return_val_if_fail(a != NULL, NULL);
  return records_of(a->records, n);
}

/* ---- server -------------------------------------------------------------------------- */

typedef struct AppServerConn {
  AppServer *a;
  TcpConn *c;
  struct AppServerConn *prev, *next;
  SimEventId reply;          /* the service event, while it is pending */
  uint32_t got;              /* request bytes read */
  gboolean eof;              /* the client's FIN has been read */
  gboolean reply_started;    /* the request is in: the reply is on its way */
  gboolean replied;          /* the reply is written */
  guint index;
} AppServerConn;

struct AppServer {
  Host *h;
  AppServerConfig cfg;
  AppServerStats stats;
  TcpConn *listener;
  GArray *records;
  AppServerConn *live;
};

static AppConnRecord *
server_record(AppServer *a, const AppServerConn *sc)
{
  return record_at(a->records, sc->index);
}

/* Reads everything readable, counting it; notes the end of the stream. */
static void
server_read(AppServerConn *sc)
{
  AppServer *a = sc->a;
  AppConnRecord *r = server_record(a, sc);
  for (;;) {
    int64_t n = tcp_read(sc->c, UINT32_MAX, NULL);
    if (n == 0)
      sc->eof = TRUE;
    if (n <= 0)
      return;
    sc->got += (uint32_t)MIN((uint64_t)n, UINT32_MAX - sc->got);
    a->stats.bytes_rcvd += (uint64_t)n;
    if (r)
      r->bytes_rcvd += (uint32_t)n;
  }
}

/* Lets go of @sc's connection with outcome @o. Unread data would turn the close into
 * a RST (as Linux), so whatever arrived meanwhile is read first. */
static void
server_finish(AppServerConn *sc, AppConnOutcome o)
{
  AppServer *a = sc->a;
  server_read(sc);
  sim_sched_cancel(host_net(a->h)->sched, sc->reply);
  if (o == APP_CONN_COMPLETED)
    a->stats.completed++;
  else
    a->stats.reset++;
  AppConnRecord *r = server_record(a, sc);
  if (r) {
    r->finished = net_now(host_net(a->h));
    r->outcome = (uint8_t)o;
  }
  if (sc->prev)
    sc->prev->next = sc->next;
  else
    a->live = sc->next;
  if (sc->next)
    sc->next->prev = sc->prev;
  tcp_close(sc->c);
  g_free(sc);
}

/* Closes once the reply is written: at once if the server closes first, else when the
 * client's FIN is in as well. */
static void
server_maybe_close(AppServerConn *sc)
{
  if (sc->replied && (sc->a->cfg.close_first || sc->eof))
    server_finish(sc, APP_CONN_COMPLETED);
}

static void
server_reply(AppServerConn *sc)
{
  AppServer *a = sc->a;
  sc->reply = SIM_EVENT_NONE;
  if (a->cfg.response_bytes > 0) {
    int64_t n = tcp_write(sc->c, a->cfg.response_bytes, NULL);   /* cut: see top */
    if (n > 0)
      a->stats.bytes_sent += (uint64_t)n;
  }
  sc->replied = TRUE;
  server_maybe_close(sc);
}

static void
server_reply_event(SimSched *s, void *ctx)
{
  (void)s;
  server_reply(ctx);
}

/* After a read: starts the reply once the request is in, or closes once both the reply
 * and the client's FIN are done. */
static void
server_progress(AppServerConn *sc)
{
  AppServer *a = sc->a;
  if (!sc->reply_started &&
      ((a->cfg.request_bytes > 0 && sc->got >= a->cfg.request_bytes) || sc->eof)) {
    sc->reply_started = TRUE;
    if (a->cfg.service_time == 0) {
      server_reply(sc);
      return;
    }
    sc->reply = sim_sched_after(host_net(a->h)->sched, a->cfg.service_time,
                                server_reply_event, sc);
    return;
  }
  server_maybe_close(sc);
}

static void
server_readable(TcpConn *c, void *app)
{
  (void)c;
  AppServerConn *sc = app;
  server_read(sc);
  server_progress(sc);
}

static void
server_closed(TcpConn *c, TcpErr err, void *app)
{
  (void)c;
  server_finish(app, outcome_of(err));
}

static const TcpCallbacks server_conn_callbacks = {
  .connected = NULL,
  .acceptable = NULL,
  .readable = server_readable,
  .closed = server_closed,
};

/* Takes every connection the listener has ready. One reset while it waited in the
 * accept queue comes out CLOSED, its closed() never told: it ends here. */
static void
server_acceptable(TcpConn *l, void *app)
{
  AppServer *a = app;
  SimTime now = net_now(host_net(a->h));
  TcpConn *c;
  while ((c = tcp_accept(l, NULL)) != NULL) {
    a->stats.accepted++;
    AppServerConn *sc = g_new0(AppServerConn, 1);
    sc->a = a;
    sc->c = c;
    sc->index = record_append(a->records, tcp_incarnation(c), now, now);
    sc->next = a->live;
    if (a->live)
      a->live->prev = sc;
    a->live = sc;
    tcp_set_app(c, &server_conn_callbacks, sc);
    if (tcp_state(c) == TCP_CLOSED) {
      server_finish(sc, outcome_of(tcp_error(c)));
      continue;
    }
    /* data that came before the accept raised no readable() of ours */
    server_read(sc);
    server_progress(sc);
  }
}

static const TcpCallbacks server_listen_callbacks = {
  .connected = NULL,
  .acceptable = server_acceptable,
  .readable = NULL,
  .closed = NULL,
};

AppServer *
app_server_new(Host *h, const AppServerConfig *cfg, TcpErr *err)
{
  g_return_val_if_fail(h != NULL && cfg != NULL, NULL);
  g_return_val_if_fail(app_server_config_validate(cfg, NULL), NULL);
  AppServer *a = g_new0(AppServer, 1);
  a->h = h;
  a->cfg = *cfg;
  a->listener = tcp_listen(h, cfg->port, cfg->backlog, &server_listen_callbacks, a, err);
  if (a->listener == NULL) {
    g_free(a);
    return NULL;
  }
  if (cfg->record)
    a->records = g_array_new(FALSE, FALSE, sizeof(AppConnRecord));
  return a;
}

void
app_server_free(AppServer *a)
{
  if (a == NULL)
    return;
  SimSched *s = host_net(a->h)->sched;
  while (a->live) {
    AppServerConn *sc = a->live;
    a->live = sc->next;
    sim_sched_cancel(s, sc->reply);
    tcp_conn_destroy(sc->c);   /* nothing sent: see top */
    g_free(sc);
  }
  tcp_close(a->listener);
  if (a->records)
    g_array_free(a->records, TRUE);
  g_free(a);
}

const AppServerStats *
app_server_stats(const AppServer *a)
{
  g_return_val_if_fail(a != NULL, NULL);
  return &a->stats;
}

const AppConnRecord *
app_server_records(const AppServer *a, guint *n)
{
  g_return_val_if_fail(a != NULL, NULL);
  return records_of(a->records, n);
}

/* ---- SYN flooder ----------------------------------------------------------------------- */

struct AppFlooder {
  Host *h;
  AppFlooderConfig cfg;
  AppFlooderStats stats;
  SimEventId next;
};

/* One spoofed SYN: the sources taken in turn, each from a random port and with a
 * random sequence number (drawn in that order from the host's stream), no connection
 * (incarnation 0) behind it. */
static void
flooder_send(SimSched *s, void *ctx)
{
  AppFlooder *a = ctx;
  Net *net = host_net(a->h);
  SimRng *rng = host_rng(a->h);
  Segment *seg = seg_new(&net->segs);
  seg->src = a->cfg.spoof_base + (NetAddr)(a->stats.syns_sent % a->cfg.spoof_count);
  seg->dst = a->cfg.target;
  seg->sport = (uint16_t)(1024 + sim_rng_below(rng, 65536 - 1024));
  seg->dport = a->cfg.port;
  seg->seq = (uint32_t)sim_rng_next(rng);
  seg->flags = TCP_SYN;
  seg->len = a->cfg.syn_payload;
  seg->mss = 1460;
  seg->wnd = 65535;
  seg->incarnation = 0;
  seg->birth = sim_sched_now(s);
  a->stats.syns_sent++;
  a->stats.payload_bytes_sent += a->cfg.syn_payload;
  a->next = a->stats.syns_sent < a->cfg.count
              ? sim_sched_after(s, a->cfg.interval, flooder_send, a)
              : SIM_EVENT_NONE;
  host_send(a->h, seg);
}

AppFlooder *
app_flooder_new(Host *h, const AppFlooderConfig *cfg)
{
  g_return_val_if_fail(h != NULL && cfg != NULL, NULL);
  g_return_val_if_fail(app_flooder_config_validate(cfg, NULL), NULL);
  AppFlooder *a = g_new0(AppFlooder, 1);
  a->h = h;
  a->cfg = *cfg;
  SimSched *s = host_net(h)->sched;
  a->next = sim_sched_at(s, MAX(cfg->start, sim_sched_now(s)), flooder_send, a);
  return a;
}

void
app_flooder_free(AppFlooder *a)
{
  if (a == NULL)
    return;
  sim_sched_cancel(host_net(a->h)->sched, a->next);
  g_free(a);
}

const AppFlooderStats *
app_flooder_stats(const AppFlooder *a)
{
  g_return_val_if_fail(a != NULL, NULL);
  return &a->stats;
}

/* ---- validation ------------------------------------------------------------------------ */

static gboolean
reject(GError **error, const char *key, const char *why)
{
  g_set_error(error, SIM_ERROR, SIM_ERROR_RANGE, "%s %s", key, why);
  return FALSE;
}

gboolean
app_client_config_validate(const AppClientConfig *cfg, GError **error)
{
  g_return_val_if_fail(cfg != NULL, FALSE);
  if (cfg->port == 0)
    return reject(error, "client.port", "must be in [1, 65535]");
  if (cfg->conns < 1)
    return reject(error, "client.conns", "must be >= 1");
  if (cfg->start < 0)
    return reject(error, "client.start", "must be >= 0");
  if ((unsigned)cfg->close > APP_CLOSE_SECOND)
    return reject(error, "client.close", "must be first or second");
  if (cfg->interarrival && sim_dist_domain(cfg->interarrival) != SIM_DIST_DURATION)
    return reject(error, "client.interarrival", "must be a distribution of durations");
  return TRUE;
}

gboolean
app_server_config_validate(const AppServerConfig *cfg, GError **error)
{
  g_return_val_if_fail(cfg != NULL, FALSE);
  if (cfg->port == 0)
    return reject(error, "server.port", "must be in [1, 65535]");
  if (cfg->backlog < 1 || cfg->backlog > 65535)
    return reject(error, "server.backlog", "must be in [1, 65535]");
  if (cfg->service_time < 0)
    return reject(error, "server.service_time", "must be >= 0");
  return TRUE;
}

gboolean
app_flooder_config_validate(const AppFlooderConfig *cfg, GError **error)
{
  g_return_val_if_fail(cfg != NULL, FALSE);
  if (cfg->target == 0)
    return reject(error, "flooder.target", "must be set (0 is no address)");
  if (cfg->port == 0)
    return reject(error, "flooder.port", "must be in [1, 65535]");
  if (cfg->count < 1)
    return reject(error, "flooder.count", "must be >= 1");
  if (cfg->start < 0)
    return reject(error, "flooder.start", "must be >= 0");
  if (cfg->interval <= 0)
    return reject(error, "flooder.interval", "must be > 0");
  if (cfg->spoof_count < 1)
    return reject(error, "flooder.spoof_count", "must be >= 1");
  return TRUE;
}
