/* Tests for models/app: a client host and a server host joined by two 10 Mbit/s links
 * with 5 ms of delay each way, so that every time is exact: a segment of w wire bytes
 * takes TX(w) = w * 800 ns to clock out, then D = 5 ms to arrive. Wire sizes: SYN and
 * SYN,ACK 48 bytes (MSS and window-scale options), a bare ACK, FIN or RST 40, a segment
 * with n bytes of data 40 + n. The Linux preset with ISN zero; nothing is lost unless a
 * test says so. */
#include "test_util.h"
#include "app.h"
#include "link.h"
#include "net.h"
#include "pair.h"
#include "sim_dist.h"
#include "tcp.h"

#define D (5 * SIM_MS)
#define TX(w) ((SimTime)(w) * 800)
#define HANDSHAKE (2 * (TX(48) + D))   /* connect() to ESTABLISHED on idle links */
#define CLIENT_ADDR PAIR_CLIENT_ADDR
#define SERVER_ADDR PAIR_SERVER_ADDR
#define PORT 80
#define START (1 * SIM_MS)

/* ---- fixture ------------------------------------------------------------------------ */

/* The client (CLIENT_ADDR) and the server (SERVER_ADDR) on the links above: up is
 * client -> server, down server -> client. @tweak adjusts the TCP config; @up_loss is
 * the loss probability client -> server. */
static void
duo_init(Pair *d, void (*tweak)(TcpConfig *cfg), uint64_t seed, double up_loss)
{
  TcpConfig cfg;
  pair_config(&cfg, TRUE, tweak);
  LinkParams down_lp;
  link_params_init(&down_lp);
  down_lp.delay = D;
  down_lp.rate_bps = 10000000;
  LinkParams up_lp = down_lp;
  up_lp.loss = up_loss;
  pair_init(d, seed, &cfg, &cfg, &up_lp, &down_lp);
}

/* Runs out every timer (TIME-WAIT included), frees the apps and the world, and checks
 * that nothing is left behind. */
static void
duo_finish(Pair *d, AppClient *client, AppServer *server)
{
  sim_sched_run(d->sched, SIM_TIME_MAX);
  CU_ASSERT_EQUAL(host_conn_count(d->client), 0);
  CU_ASSERT_EQUAL(host_conn_count(d->server), 0);
  app_client_free(client);
  app_server_free(server);
  pair_free(d);
}

static AppClientConfig
client_config(uint32_t conns, AppCloseOrder close, uint32_t request)
{
  return (AppClientConfig){
    .server = SERVER_ADDR,
    .port = PORT,
    .conns = conns,
    .start = START,
    .interarrival = NULL,
    .request_bytes = request,
    .close = close,
    .record = TRUE,
  };
}

static AppServerConfig
server_config(uint32_t request, uint32_t response, gboolean close_first)
{
  return (AppServerConfig){
    .port = PORT,
    .backlog = 128,
    .request_bytes = request,
    .response_bytes = response,
    .service_time = 0,
    .close_first = close_first,
    .record = TRUE,
  };
}

static AppServer *
server_new(Pair *d, const AppServerConfig *cfg)
{
  TcpErr err = TCP_ERR_AGAIN;
  AppServer *s = app_server_new(d->server, cfg, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL(err, TCP_OK);
  return s;
}

static SimDist *
duration(const char *text)
{
  GError *err = NULL;
  SimDist *dist = sim_dist_parse(text, SIM_DIST_DURATION, NULL, &err);
  g_assert_no_error(err);
  return dist;
}

static void
one_port(TcpConfig *cfg)
{
  cfg->port_lo = 40000;
  cfg->port_hi = 40000;
}

static void
one_syn_retry(TcpConfig *cfg)
{
  cfg->syn_retries = 1;
}

static void
small_send_buffer(TcpConfig *cfg)
{
  cfg->snd_buf = 1000;
}

static void
isn_random(TcpConfig *cfg)
{
  cfg->isn = TCP_ISN_RANDOM;
}

/* ---- client and server ------------------------------------------------------------- */

/* Sequential APP_CLOSE_FIRST, 100-byte requests, no reply, the server closing on the
 * client's FIN. After the handshake the client sends ACK, the request (140 wire bytes)
 * and its FIN back to back; the server acknowledges the request, then the FIN, and its
 * own FIN follows, whose arrival completes the exchange: the client is in TIME-WAIT.
 * The next connection opens at that instant, but its SYN waits on the uplink behind
 * the client's ACK of that FIN: one TX(40) later than the first one's. */
static void
sequential_close_first_completes_each_in_turn(void)
{
  Pair d;
  duo_init(&d, NULL, 1, 0.0);
  AppServerConfig scfg = server_config(100, 0, FALSE);
  AppServer *server = server_new(&d, &scfg);
  AppClientConfig ccfg = client_config(3, APP_CLOSE_FIRST, 100);
  AppClient *client = app_client_new(d.client, &ccfg);
  CU_ASSERT_PTR_NOT_NULL_FATAL(client);
  sim_sched_run(d.sched, START - 1);
  CU_ASSERT_EQUAL(app_client_stats(client)->opened, 0);   /* nothing before start */
  sim_sched_run(d.sched, 1 * SIM_S);
  CU_ASSERT_TRUE(app_client_done(client));

  const SimTime exchange = 4 * D + 2 * TX(48) + 4 * TX(40) + TX(140);
  guint n = 0;
  const AppConnRecord *r = app_client_records(client, &n);
  CU_ASSERT_EQUAL_FATAL(n, 3);
  SimTime expect_open = START, completion_sum = 0, connect_sum = 0;
  for (guint i = 0; i < n; i++) {
    SimTime behind = i == 0 ? 0 : TX(40);
    CU_ASSERT_EQUAL(r[i].outcome, APP_CONN_COMPLETED);
    CU_ASSERT_EQUAL(r[i].opened, expect_open);
    CU_ASSERT_EQUAL(r[i].established, expect_open + behind + HANDSHAKE);
    CU_ASSERT_EQUAL(r[i].finished, expect_open + behind + exchange);
    CU_ASSERT_EQUAL(r[i].bytes_rcvd, 0);
    CU_ASSERT_NOT_EQUAL(r[i].incarnation, 0);
    if (i > 0)
      CU_ASSERT_EQUAL(r[i].opened, r[i - 1].finished);   /* next opens when one is done */
    connect_sum += r[i].established - r[i].opened;
    completion_sum += r[i].finished - r[i].opened;
    expect_open = r[i].finished;
  }
  const AppClientStats *cs = app_client_stats(client);
  CU_ASSERT_EQUAL(cs->opened, 3);
  CU_ASSERT_EQUAL(cs->completed, 3);
  CU_ASSERT_EQUAL(cs->refused + cs->timed_out + cs->reset + cs->no_port, 0);
  CU_ASSERT_EQUAL(cs->connect_time_sum, connect_sum);
  CU_ASSERT_EQUAL(cs->connect_time_sum, 3 * HANDSHAKE + 2 * TX(40));
  CU_ASSERT_EQUAL(cs->completion_time_sum, completion_sum);
  CU_ASSERT_EQUAL(cs->completion_time_sum, 3 * exchange + 2 * TX(40));
  CU_ASSERT_EQUAL(cs->bytes_rcvd, 0);
  /* the client holds the three TIME-WAITs; the server finished with LAST-ACK */
  CU_ASSERT_EQUAL(host_conn_count(d.client), 3);
  CU_ASSERT_EQUAL(host_conn_count(d.server), 0);
  CU_ASSERT_EQUAL(d.net->tcp.transitions[TCP_FIN_WAIT_2][TCP_TIME_WAIT], 3);
  CU_ASSERT_EQUAL(d.net->tcp.transitions[TCP_LAST_ACK][TCP_CLOSED], 3);

  const AppServerStats *ss = app_server_stats(server);
  CU_ASSERT_EQUAL(ss->accepted, 3);
  CU_ASSERT_EQUAL(ss->completed, 3);
  CU_ASSERT_EQUAL(ss->reset, 0);
  CU_ASSERT_EQUAL(ss->bytes_rcvd, 300);
  CU_ASSERT_EQUAL(ss->bytes_sent, 0);
  guint sn = 0;
  const AppConnRecord *sr = app_server_records(server, &sn);
  CU_ASSERT_EQUAL_FATAL(sn, 3);
  for (guint i = 0; i < sn; i++) {
    SimTime behind = i == 0 ? 0 : TX(40);
    /* accepted when the client's ACK arrives; closed when its FIN does */
    SimTime accepted = r[i].opened + behind + HANDSHAKE + TX(40) + D;
    CU_ASSERT_EQUAL(sr[i].opened, accepted);
    CU_ASSERT_EQUAL(sr[i].established, accepted);
    CU_ASSERT_EQUAL(sr[i].finished, accepted + TX(140) + TX(40));
    CU_ASSERT_EQUAL(sr[i].bytes_rcvd, 100);
    CU_ASSERT_EQUAL(sr[i].outcome, APP_CONN_COMPLETED);
    CU_ASSERT_NOT_EQUAL(sr[i].incarnation, r[i].incarnation);
  }
  duo_finish(&d, client, server);
}

/* With an arrival process the opens follow the gaps (const 5 ms), not the completions:
 * the exchanges (about 20 ms each) overlap, and all complete. */
static void
interarrival_opens_follow_the_gaps(void)
{
  Pair d;
  duo_init(&d, NULL, 2, 0.0);
  SimDist *gap = duration("const(5ms)");
  AppServerConfig scfg = server_config(100, 0, FALSE);
  AppServer *server = server_new(&d, &scfg);
  AppClientConfig ccfg = client_config(5, APP_CLOSE_FIRST, 100);
  ccfg.interarrival = gap;
  AppClient *client = app_client_new(d.client, &ccfg);
  sim_sched_run(d.sched, START + 4 * 5 * SIM_MS);
  /* all five are open before the first completes (20.3 ms after it opened) */
  CU_ASSERT_EQUAL(app_client_stats(client)->opened, 5);
  CU_ASSERT_EQUAL(app_client_stats(client)->completed, 0);
  CU_ASSERT_FALSE(app_client_done(client));
  sim_sched_run(d.sched, 1 * SIM_S);
  CU_ASSERT_TRUE(app_client_done(client));
  guint n = 0;
  const AppConnRecord *r = app_client_records(client, &n);
  CU_ASSERT_EQUAL_FATAL(n, 5);
  for (guint i = 0; i < n; i++) {
    CU_ASSERT_EQUAL(r[i].opened, START + (SimTime)i * 5 * SIM_MS);
    CU_ASSERT_EQUAL(r[i].outcome, APP_CONN_COMPLETED);
    CU_ASSERT_TRUE(r[i].finished - r[i].opened >= 4 * D);
    if (i > 0)
      CU_ASSERT_TRUE(r[i].opened < r[i - 1].finished);   /* in flight together */
  }
  CU_ASSERT_EQUAL(app_client_stats(client)->completed, 5);
  CU_ASSERT_EQUAL(app_server_stats(server)->accepted, 5);
  CU_ASSERT_EQUAL(app_server_stats(server)->completed, 5);
  CU_ASSERT_EQUAL(app_server_stats(server)->bytes_rcvd, 500);
  duo_finish(&d, client, server);
  sim_dist_free(gap);
}

/* APP_CLOSE_SECOND against a server that closes first with a 2000-byte reply: the
 * client reads the reply to the server's FIN, then closes (LAST-ACK -> CLOSED); the
 * server holds TIME-WAIT. */
static void
close_second_leaves_time_wait_to_the_server(void)
{
  Pair d;
  duo_init(&d, NULL, 3, 0.0);
  AppServerConfig scfg = server_config(100, 2000, TRUE);
  AppServer *server = server_new(&d, &scfg);
  AppClientConfig ccfg = client_config(3, APP_CLOSE_SECOND, 100);
  AppClient *client = app_client_new(d.client, &ccfg);
  sim_sched_run(d.sched, 1 * SIM_S);
  CU_ASSERT_TRUE(app_client_done(client));
  const AppClientStats *cs = app_client_stats(client);
  CU_ASSERT_EQUAL(cs->completed, 3);
  CU_ASSERT_EQUAL(cs->bytes_rcvd, 6000);
  guint n = 0;
  const AppConnRecord *r = app_client_records(client, &n);
  CU_ASSERT_EQUAL_FATAL(n, 3);
  for (guint i = 0; i < n; i++) {
    CU_ASSERT_EQUAL(r[i].bytes_rcvd, 2000);
    CU_ASSERT_EQUAL(r[i].outcome, APP_CONN_COMPLETED);
  }
  CU_ASSERT_EQUAL(d.net->tcp.transitions[TCP_LAST_ACK][TCP_CLOSED], 3);
  CU_ASSERT_EQUAL(d.net->tcp.transitions[TCP_FIN_WAIT_2][TCP_TIME_WAIT], 3);
  CU_ASSERT_EQUAL(host_conn_count(d.server), 3);   /* the TIME-WAITs are the server's */
  CU_ASSERT_EQUAL(host_conn_count(d.client), 0);
  const AppServerStats *ss = app_server_stats(server);
  CU_ASSERT_EQUAL(ss->accepted, 3);
  CU_ASSERT_EQUAL(ss->completed, 3);
  CU_ASSERT_EQUAL(ss->bytes_rcvd, 300);
  CU_ASSERT_EQUAL(ss->bytes_sent, 6000);
  duo_finish(&d, client, server);
}

/* No listener: every SYN is answered with RST,ACK (40 bytes), so each connection is
 * refused one round trip after it opened, and the next opens then. */
static void
no_listener_refuses_every_connection(void)
{
  Pair d;
  duo_init(&d, NULL, 4, 0.0);
  AppClientConfig ccfg = client_config(3, APP_CLOSE_FIRST, 100);
  AppClient *client = app_client_new(d.client, &ccfg);
  sim_sched_run(d.sched, 1 * SIM_S);
  CU_ASSERT_TRUE(app_client_done(client));
  const AppClientStats *cs = app_client_stats(client);
  CU_ASSERT_EQUAL(cs->opened, 3);
  CU_ASSERT_EQUAL(cs->refused, 3);
  CU_ASSERT_EQUAL(cs->completed + cs->timed_out + cs->reset + cs->no_port, 0);
  CU_ASSERT_EQUAL(cs->connect_time_sum, 0);
  CU_ASSERT_EQUAL(cs->completion_time_sum, 0);
  guint n = 0;
  const AppConnRecord *r = app_client_records(client, &n);
  CU_ASSERT_EQUAL_FATAL(n, 3);
  for (guint i = 0; i < n; i++) {
    CU_ASSERT_EQUAL(r[i].opened, START + (SimTime)i * (TX(48) + TX(40) + 2 * D));
    CU_ASSERT_EQUAL(r[i].finished, r[i].opened + TX(48) + TX(40) + 2 * D);
    CU_ASSERT_EQUAL(r[i].established, -1);
    CU_ASSERT_EQUAL(r[i].outcome, APP_CONN_REFUSED);
  }
  CU_ASSERT_EQUAL(host_stats(d.server)->rst_sent_closed, 3);
  duo_finish(&d, client, NULL);
}

/* Without records the counts are still kept. */
static void
records_off_keeps_only_the_counts(void)
{
  Pair d;
  duo_init(&d, NULL, 4, 0.0);
  AppClientConfig ccfg = client_config(2, APP_CLOSE_FIRST, 0);
  ccfg.record = FALSE;
  AppClient *client = app_client_new(d.client, &ccfg);
  sim_sched_run(d.sched, 1 * SIM_S);
  guint n = 99;
  app_client_records(client, &n);
  CU_ASSERT_EQUAL(n, 0);
  CU_ASSERT_EQUAL(app_client_stats(client)->refused, 2);
  CU_ASSERT_TRUE(app_client_done(client));
  duo_finish(&d, client, NULL);
}

/* Every SYN lost: with one SYN retry the connect gives up after the initial RTO (1 s)
 * and its doubling (2 s): 3 s after it opened. */
static void
lost_syns_time_out_after_the_retries(void)
{
  Pair d;
  duo_init(&d, one_syn_retry, 5, 1.0);
  AppServerConfig scfg = server_config(100, 0, FALSE);
  AppServer *server = server_new(&d, &scfg);
  AppClientConfig ccfg = client_config(2, APP_CLOSE_FIRST, 100);
  AppClient *client = app_client_new(d.client, &ccfg);
  sim_sched_run(d.sched, START + 3 * SIM_S - 1);
  CU_ASSERT_EQUAL(app_client_stats(client)->timed_out, 0);
  sim_sched_run(d.sched, START + 3 * SIM_S);
  CU_ASSERT_EQUAL(app_client_stats(client)->timed_out, 1);
  sim_sched_run(d.sched, 1 * SIM_MIN);
  CU_ASSERT_TRUE(app_client_done(client));
  const AppClientStats *cs = app_client_stats(client);
  CU_ASSERT_EQUAL(cs->timed_out, 2);
  CU_ASSERT_EQUAL(cs->opened, 2);
  guint n = 0;
  const AppConnRecord *r = app_client_records(client, &n);
  CU_ASSERT_EQUAL_FATAL(n, 2);
  CU_ASSERT_EQUAL(r[1].opened, r[0].finished);
  for (guint i = 0; i < n; i++) {
    CU_ASSERT_EQUAL(r[i].finished - r[i].opened, 3 * SIM_S);
    CU_ASSERT_EQUAL(r[i].established, -1);
    CU_ASSERT_EQUAL(r[i].outcome, APP_CONN_TIMED_OUT);
  }
  CU_ASSERT_EQUAL(app_server_stats(server)->accepted, 0);
  duo_finish(&d, client, server);
}

/* One ephemeral port, held in TIME-WAIT (60 s) by the first connection: the next two
 * find no port at the instant the first completes, one after the other. */
static void
time_wait_on_the_only_port_leaves_no_port(void)
{
  Pair d;
  duo_init(&d, one_port, 6, 0.0);
  AppServerConfig scfg = server_config(100, 0, FALSE);
  AppServer *server = server_new(&d, &scfg);
  AppClientConfig ccfg = client_config(3, APP_CLOSE_FIRST, 100);
  AppClient *client = app_client_new(d.client, &ccfg);
  sim_sched_run(d.sched, 1 * SIM_S);
  CU_ASSERT_TRUE(app_client_done(client));
  const AppClientStats *cs = app_client_stats(client);
  CU_ASSERT_EQUAL(cs->opened, 3);
  CU_ASSERT_EQUAL(cs->completed, 1);
  CU_ASSERT_EQUAL(cs->no_port, 2);
  CU_ASSERT_EQUAL(host_stats(d.client)->port_exhausted, 2);
  guint n = 0;
  const AppConnRecord *r = app_client_records(client, &n);
  CU_ASSERT_EQUAL_FATAL(n, 3);
  CU_ASSERT_EQUAL(r[0].outcome, APP_CONN_COMPLETED);
  for (guint i = 1; i < n; i++) {
    CU_ASSERT_EQUAL(r[i].outcome, APP_CONN_NO_PORT);
    CU_ASSERT_EQUAL(r[i].incarnation, 0);
    CU_ASSERT_EQUAL(r[i].opened, r[0].finished);
    CU_ASSERT_EQUAL(r[i].finished, r[0].finished);
    CU_ASSERT_EQUAL(r[i].established, -1);
  }
  CU_ASSERT_EQUAL(app_server_stats(server)->accepted, 1);
  duo_finish(&d, client, server);
}

/* The server answers service_time after the request is in, and (closing first) closes
 * right after writing: its record spans the request's arrival (TX(140) behind the ACK
 * that completed the accept) plus the service time. */
static void
service_time_delays_the_reply(void)
{
  static const SimTime service[] = { 0, 30 * SIM_MS };
  SimTime client_took[2];
  for (int k = 0; k < 2; k++) {
    Pair d;
    duo_init(&d, NULL, 7, 0.0);
    AppServerConfig scfg = server_config(100, 500, TRUE);
    scfg.service_time = service[k];
    AppServer *server = server_new(&d, &scfg);
    AppClientConfig ccfg = client_config(1, APP_CLOSE_SECOND, 100);
    AppClient *client = app_client_new(d.client, &ccfg);
    sim_sched_run(d.sched, 1 * SIM_S);
    CU_ASSERT_TRUE(app_client_done(client));
    guint n = 0;
    const AppConnRecord *sr = app_server_records(server, &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(sr[0].finished - sr[0].opened, TX(140) + service[k]);
    CU_ASSERT_EQUAL(sr[0].outcome, APP_CONN_COMPLETED);
    const AppConnRecord *r = app_client_records(client, &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(r[0].bytes_rcvd, 500);
    client_took[k] = r[0].finished - r[0].opened;
    CU_ASSERT_EQUAL(app_server_stats(server)->bytes_sent, 500);
    duo_finish(&d, client, server);
  }
  /* without the wait the reply queued behind the server's ACK of the request; with it,
   * that ACK had long gone */
  CU_ASSERT_EQUAL(client_took[1] - client_took[0], service[1] - TX(40));
}

/* A request or reply larger than the send buffer (1000 bytes here) is cut to what the
 * buffer takes: the stack has no "writable" event to resume on. The server, never
 * seeing its 5000 bytes, replies at the client's FIN. */
static void
writes_beyond_the_send_buffer_are_cut(void)
{
  Pair d;
  duo_init(&d, small_send_buffer, 8, 0.0);
  AppServerConfig scfg = server_config(5000, 3000, FALSE);
  AppServer *server = server_new(&d, &scfg);
  AppClientConfig ccfg = client_config(1, APP_CLOSE_FIRST, 5000);
  AppClient *client = app_client_new(d.client, &ccfg);
  sim_sched_run(d.sched, 1 * SIM_S);
  CU_ASSERT_TRUE(app_client_done(client));
  CU_ASSERT_EQUAL(app_client_stats(client)->completed, 1);
  CU_ASSERT_EQUAL(app_client_stats(client)->bytes_rcvd, 1000);
  const AppServerStats *ss = app_server_stats(server);
  CU_ASSERT_EQUAL(ss->bytes_rcvd, 1000);
  CU_ASSERT_EQUAL(ss->bytes_sent, 1000);
  CU_ASSERT_EQUAL(ss->completed, 1);
  duo_finish(&d, client, server);
}

/* A reply larger than the client's window, written before the server's close: the
 * server is in LAST-ACK (or CLOSING) with data still waiting for window, and each ACK
 * that opens it lets more go, then the FIN. The whole reply arrives and both ends
 * finish, whichever closes first. */
static void
reply_beyond_the_window_is_sent_after_the_close(void)
{
  for (int k = 0; k < 2; k++) {
    Pair d;
    duo_init(&d, NULL, 9, 0.0);
    AppServerConfig scfg = server_config(100, 200000, k == 1);
    AppServer *server = server_new(&d, &scfg);
    AppClientConfig ccfg = client_config(2, k == 0 ? APP_CLOSE_FIRST : APP_CLOSE_SECOND, 100);
    AppClient *client = app_client_new(d.client, &ccfg);
    sim_sched_run(d.sched, 10 * SIM_S);
    CU_ASSERT_TRUE(app_client_done(client));
    CU_ASSERT_EQUAL(app_client_stats(client)->completed, 2);
    CU_ASSERT_EQUAL(app_client_stats(client)->bytes_rcvd, 400000);
    CU_ASSERT_EQUAL(app_server_stats(server)->completed, 2);
    CU_ASSERT_EQUAL(d.net->tcp.last_ack_timeouts, 0);
    duo_finish(&d, client, server);
  }
}

/* A listener of the test's that aborts whatever it accepts. */
static void
abort_on_accept(TcpConn *l, void *app)
{
  (void)app;
  TcpConn *c;
  while ((c = tcp_accept(l, NULL)) != NULL)
    tcp_abort(c);
}

/* Reset once established: the peer aborts (RST) when the client's ACK reaches it; the
 * RST arrives one round trip after the handshake, behind that ACK and the request. */
static void
reset_after_established_counts_as_reset(void)
{
  Pair d;
  duo_init(&d, NULL, 9, 0.0);
  static const TcpCallbacks cb = { NULL, abort_on_accept, NULL, NULL };
  TcpConn *l = tcp_listen(d.server, PORT, 16, &cb, NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  AppClientConfig ccfg = client_config(2, APP_CLOSE_SECOND, 100);
  AppClient *client = app_client_new(d.client, &ccfg);
  sim_sched_run(d.sched, 1 * SIM_S);
  CU_ASSERT_TRUE(app_client_done(client));
  const AppClientStats *cs = app_client_stats(client);
  CU_ASSERT_EQUAL(cs->reset, 2);
  CU_ASSERT_EQUAL(cs->completed, 0);
  CU_ASSERT_EQUAL(cs->connect_time_sum, 2 * HANDSHAKE);
  CU_ASSERT_EQUAL(cs->completion_time_sum, 0);
  guint n = 0;
  const AppConnRecord *r = app_client_records(client, &n);
  CU_ASSERT_EQUAL_FATAL(n, 2);
  for (guint i = 0; i < n; i++) {
    CU_ASSERT_EQUAL(r[i].established, r[i].opened + HANDSHAKE);
    CU_ASSERT_EQUAL(r[i].finished, r[i].opened + HANDSHAKE + 2 * TX(40) + 2 * D);
    CU_ASSERT_EQUAL(r[i].outcome, APP_CONN_RESET);
  }
  CU_ASSERT_EQUAL(r[1].opened, r[0].finished);
  tcp_close(l);
  duo_finish(&d, client, NULL);
}

/* A client of the test's that aborts as soon as it is connected. */
static void
abort_on_connect(TcpConn *c, void *app)
{
  (void)app;
  tcp_abort(c);
}

/* The server counts a connection the client resets as reset, not completed. */
static void
server_counts_a_reset_client(void)
{
  Pair d;
  duo_init(&d, NULL, 10, 0.0);
  AppServerConfig scfg = server_config(100, 0, FALSE);
  AppServer *server = server_new(&d, &scfg);
  static const TcpCallbacks cb = { abort_on_connect, NULL, NULL, NULL };
  CU_ASSERT_PTR_NOT_NULL(tcp_connect(d.client, SERVER_ADDR, PORT, 0, &cb, NULL, NULL));
  sim_sched_run(d.sched, 1 * SIM_S);
  const AppServerStats *ss = app_server_stats(server);
  CU_ASSERT_EQUAL(ss->accepted, 1);
  CU_ASSERT_EQUAL(ss->reset, 1);
  CU_ASSERT_EQUAL(ss->completed, 0);
  guint n = 0;
  const AppConnRecord *sr = app_server_records(server, &n);
  CU_ASSERT_EQUAL_FATAL(n, 1);
  CU_ASSERT_EQUAL(sr[0].outcome, APP_CONN_RESET);
  /* the ACK and the RST left back to back */
  CU_ASSERT_EQUAL(sr[0].finished - sr[0].opened, TX(40));
  duo_finish(&d, NULL, server);
}

static void
server_port_taken_fails(void)
{
  Pair d;
  duo_init(&d, NULL, 11, 0.0);
  AppServerConfig scfg = server_config(100, 0, FALSE);
  AppServer *server = server_new(&d, &scfg);
  TcpErr err = TCP_OK;
  CU_ASSERT_PTR_NULL(app_server_new(d.server, &scfg, &err));
  CU_ASSERT_EQUAL(err, TCP_ERR_ADDRINUSE);
  duo_finish(&d, NULL, server);
}

/* Same seed, same records (random ISNs and exponential gaps both drawn from the
 * client host's stream); another seed, other gaps. */
static void
collect_records(uint64_t seed, GArray *out)
{
  Pair d;
  duo_init(&d, isn_random, seed, 0.0);
  SimDist *gap = duration("exp(5ms)");
  AppServerConfig scfg = server_config(100, 700, FALSE);
  AppServer *server = server_new(&d, &scfg);
  AppClientConfig ccfg = client_config(20, APP_CLOSE_FIRST, 100);
  ccfg.interarrival = gap;
  AppClient *client = app_client_new(d.client, &ccfg);
  sim_sched_run(d.sched, 10 * SIM_S);
  CU_ASSERT_TRUE(app_client_done(client));
  CU_ASSERT_EQUAL(app_client_stats(client)->completed, 20);
  CU_ASSERT_EQUAL(app_client_stats(client)->bytes_rcvd, 20 * 700);
  guint n = 0;
  const AppConnRecord *r = app_client_records(client, &n);
  g_array_append_vals(out, r, n);
  duo_finish(&d, client, server);
  sim_dist_free(gap);
}

static gboolean
same_records(const GArray *a, const GArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++) {
    const AppConnRecord *x = &g_array_index(a, AppConnRecord, i);
    const AppConnRecord *y = &g_array_index(b, AppConnRecord, i);
    if (x->incarnation != y->incarnation || x->opened != y->opened ||
        x->established != y->established || x->finished != y->finished ||
        x->bytes_rcvd != y->bytes_rcvd || x->outcome != y->outcome)
      return FALSE;
  }
  return TRUE;
}

static void
same_seed_gives_same_records(void)
{
  GArray *one = g_array_new(FALSE, FALSE, sizeof(AppConnRecord));
  GArray *two = g_array_new(FALSE, FALSE, sizeof(AppConnRecord));
  GArray *other = g_array_new(FALSE, FALSE, sizeof(AppConnRecord));
  collect_records(21, one);
  collect_records(21, two);
  collect_records(22, other);
  CU_ASSERT_EQUAL(one->len, 20);
  CU_ASSERT_TRUE(same_records(one, two));
  CU_ASSERT_FALSE(same_records(one, other));
  g_array_free(one, TRUE);
  g_array_free(two, TRUE);
  g_array_free(other, TRUE);
}

/* Freeing the apps mid-run, with connections in every stage (handshake, request,
 * service), sends nothing and leaks nothing; the world then drains (what is in flight
 * meets no connection and ends in RSTs), or is torn down at once. */
static void
free_in_flight(gboolean drain)
{
  Pair d;
  duo_init(&d, NULL, 12, 0.0);
  SimDist *gap = duration("const(1ms)");
  AppServerConfig scfg = server_config(100, 1000, FALSE);
  scfg.service_time = 20 * SIM_MS;
  AppServer *server = server_new(&d, &scfg);
  AppClientConfig ccfg = client_config(30, APP_CLOSE_FIRST, 100);
  ccfg.interarrival = gap;
  AppClient *client = app_client_new(d.client, &ccfg);
  sim_sched_run(d.sched, START + 25 * SIM_MS);
  CU_ASSERT_EQUAL(app_client_stats(client)->opened, 26);
  CU_ASSERT_EQUAL(app_client_stats(client)->completed, 0);
  CU_ASSERT_TRUE(app_server_stats(server)->accepted > 0);
  CU_ASSERT_TRUE(host_conn_count(d.client) > 0);
  CU_ASSERT_TRUE(host_conn_count(d.server) > 0);
  CU_ASSERT_FALSE(app_client_done(client));
  uint64_t up_sent = link_stats(d.up)->sent, down_sent = link_stats(d.down)->sent;
  app_client_free(client);
  app_server_free(server);
  CU_ASSERT_EQUAL(link_stats(d.up)->sent, up_sent);       /* nothing sent */
  CU_ASSERT_EQUAL(link_stats(d.down)->sent, down_sent);
  CU_ASSERT_EQUAL(host_conn_count(d.client), 0);
  CU_ASSERT_EQUAL(host_conn_count(d.server), 0);
  if (drain) {
    uint64_t created = d.net->tcp.conns_created;
    sim_sched_run(d.sched, SIM_TIME_MAX);
    CU_ASSERT_EQUAL(d.net->segs.live, 0);
    CU_ASSERT_EQUAL(sim_sched_stats(d.sched)->pending, 0);
    CU_ASSERT_EQUAL(d.net->tcp.live_conns, 0);
    CU_ASSERT_EQUAL(d.net->tcp.conns_created, created);   /* no open was left pending */
    CU_ASSERT_TRUE(host_stats(d.server)->rst_sent_closed > 0);
  }
  host_free(d.client);
  host_free(d.server);
  CU_ASSERT_EQUAL(d.net->tcp.live_conns, 0);
  link_free(d.up);
  link_free(d.down);
  net_free(d.net);
  sim_sched_free(d.sched);
  sim_dist_free(gap);
}

static void
free_with_connections_in_flight_then_drain(void)
{
  free_in_flight(TRUE);
}

static void
free_with_connections_in_flight_then_teardown(void)
{
  free_in_flight(FALSE);
}

/* ---- flooder ----------------------------------------------------------------------- */

typedef struct {
  GArray *segs;     /* Segment copies, as sent */
  GArray *times;    /* SimTime of each */
  Host *to;
  Net *net;
} Tap;

static void
tap_deliver(void *ctx, Segment *seg)
{
  Tap *t = ctx;
  Segment copy = *seg;
  copy.next = NULL;
  SimTime now = net_now(t->net);
  g_array_append_val(t->segs, copy);
  g_array_append_val(t->times, now);
  host_receive(t->to, seg);
}

static void
syn_backlog_4(TcpConfig *cfg)
{
  cfg->syn_backlog = 4;
}

/* Ten SYNs, 1 ms apart from 1 ms on, from five spoofed sources in turn, each carrying
 * 100 bytes, at a listener with a SYN backlog of 4: four embryos, six SYNs dropped; the
 * SYN,ACKs go to addresses the server has no route to. */
static void
flooder_sends_spoofed_syns(void)
{
  SimSched *sched = sim_sched_new();
  Net *net = net_new(sched, NULL, &(SimRngStreamId){ 13, 0, 0, 0 });
  TcpConfig cfg;
  tcp_config_preset(&cfg, TCP_PRESET_LINUX);
  syn_backlog_4(&cfg);
  Host *flood = host_new(net, 3, &cfg, 1);
  Host *server = host_new(net, SERVER_ADDR, &cfg, 2);
  Tap tap = { g_array_new(FALSE, FALSE, sizeof(Segment)),
              g_array_new(FALSE, FALSE, sizeof(SimTime)), server, net };
  host_set_default_route(flood, (NetRx){ tap_deliver, &tap });
  AppServerConfig scfg = server_config(100, 0, FALSE);
  TcpErr err;
  AppServer *app = app_server_new(server, &scfg, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(app);
  AppFlooderConfig fcfg = {
    .target = SERVER_ADDR,
    .port = PORT,
    .count = 10,
    .start = START,
    .interval = 1 * SIM_MS,
    .syn_payload = 100,
    .spoof_base = 0x0b000000u,
    .spoof_count = 5,
  };
  uint64_t created = net->tcp.conns_created;
  AppFlooder *f = app_flooder_new(flood, &fcfg);
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  sim_sched_run(sched, 100 * SIM_MS);   /* before any SYN,ACK is sent again (1 s) */
  CU_ASSERT_EQUAL(app_flooder_stats(f)->syns_sent, 10);
  CU_ASSERT_EQUAL(app_flooder_stats(f)->payload_bytes_sent, 1000);
  CU_ASSERT_EQUAL_FATAL(tap.segs->len, 10);
  GHashTable *tuples = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < tap.segs->len; i++) {
    const Segment *s = &g_array_index(tap.segs, Segment, i);
    CU_ASSERT_EQUAL(g_array_index(tap.times, SimTime, i), START + (SimTime)i * SIM_MS);
    CU_ASSERT_EQUAL(s->src, 0x0b000000u + i % 5);
    CU_ASSERT_EQUAL(s->dst, SERVER_ADDR);
    CU_ASSERT_EQUAL(s->dport, PORT);
    CU_ASSERT_TRUE(s->sport >= 1024);
    CU_ASSERT_EQUAL(s->flags, TCP_SYN);
    CU_ASSERT_EQUAL(s->len, 100);
    CU_ASSERT_EQUAL(s->mss, 1460);
    CU_ASSERT_EQUAL(s->wnd, 65535);
    CU_ASSERT_EQUAL(s->incarnation, 0);
    CU_ASSERT_EQUAL(s->birth, START + (SimTime)i * SIM_MS);
    gint64 *key = g_new(gint64, 1);
    *key = (gint64)s->src << 16 | s->sport;
    g_hash_table_add(tuples, key);
  }
  CU_ASSERT_EQUAL(g_hash_table_size(tuples), 10);   /* ten distinct (source, port) */
  g_hash_table_destroy(tuples);
  /* the sequence numbers are random: not all alike */
  CU_ASSERT_NOT_EQUAL(g_array_index(tap.segs, Segment, 0).seq,
                      g_array_index(tap.segs, Segment, 1).seq);
  const HostStats *hs = host_stats(server);
  CU_ASSERT_EQUAL(hs->segs_in, 10);
  CU_ASSERT_EQUAL(hs->syn_dropped, 6);
  CU_ASSERT_EQUAL(hs->no_route, 4);              /* the SYN,ACKs to spoofed sources */
  CU_ASSERT_EQUAL(net->tcp.conns_created - created, 4);
  CU_ASSERT_EQUAL(host_conn_count(server), 4);   /* embryos in SYN-RECEIVED */
  CU_ASSERT_EQUAL(net->tcp.transitions[TCP_LISTEN][TCP_SYN_RECEIVED], 4);
  CU_ASSERT_EQUAL(app_server_stats(app)->accepted, 0);
  app_flooder_free(f);
  sim_sched_run(sched, SIM_TIME_MAX);   /* the embryos give up their SYN,ACK retries */
  CU_ASSERT_EQUAL(host_conn_count(server), 0);
  app_server_free(app);
  host_free(flood);
  host_free(server);
  CU_ASSERT_EQUAL(net->segs.live, 0);
  CU_ASSERT_EQUAL(net->tcp.live_conns, 0);
  g_array_free(tap.segs, TRUE);
  g_array_free(tap.times, TRUE);
  net_free(net);
  sim_sched_free(sched);
}

static void
drop_segment(void *ctx, Segment *seg)
{
  seg_free(&((Net *)ctx)->segs, seg);
}

/* Freeing a flooder stops its SYNs. */
static void
flooder_free_cancels_the_rest(void)
{
  SimSched *sched = sim_sched_new();
  Net *net = net_new(sched, NULL, &(SimRngStreamId){ 14, 0, 0, 0 });
  TcpConfig cfg;
  tcp_config_preset(&cfg, TCP_PRESET_LINUX);
  Host *flood = host_new(net, 3, &cfg, 1);
  host_set_default_route(flood, (NetRx){ drop_segment, net });
  AppFlooderConfig fcfg = {
    .target = SERVER_ADDR, .port = PORT, .count = 10, .start = 0,
    .interval = 1 * SIM_MS, .syn_payload = 0, .spoof_base = 100, .spoof_count = 1,
  };
  AppFlooder *f = app_flooder_new(flood, &fcfg);
  sim_sched_run(sched, 2 * SIM_MS);
  CU_ASSERT_EQUAL(app_flooder_stats(f)->syns_sent, 3);
  CU_ASSERT_EQUAL(app_flooder_stats(f)->payload_bytes_sent, 0);
  app_flooder_free(f);
  sim_sched_run(sched, SIM_TIME_MAX);
  CU_ASSERT_EQUAL(host_stats(flood)->segs_out, 3);
  CU_ASSERT_EQUAL(sim_sched_stats(sched)->pending, 0);
  host_free(flood);
  CU_ASSERT_EQUAL(net->segs.live, 0);
  net_free(net);
  sim_sched_free(sched);
}

/* ---- validation ---------------------------------------------------------------------- */

#define REJECTS(validate, cfg, key)                                                  \
  do {                                                                               \
    GError *err_ = NULL;                                                             \
    CU_ASSERT_FALSE(validate(&(cfg), &err_));                                        \
    TEST_ASSERT_ERROR(err_, SIM_ERROR_RANGE, key);                                   \
  } while (0)

static void
validate_names_each_bad_key(void)
{
  GError *err = NULL;
  const AppClientConfig client = client_config(1, APP_CLOSE_FIRST, 100);
  CU_ASSERT_TRUE(app_client_config_validate(&client, &err));
  g_assert_no_error(err);
  AppClientConfig c = client;
  c.port = 0;
  REJECTS(app_client_config_validate, c, "client.port");
  c = client;
  c.conns = 0;
  REJECTS(app_client_config_validate, c, "client.conns must be >= 1");
  c = client;
  c.start = -1;
  REJECTS(app_client_config_validate, c, "client.start");
  c = client;
  c.close = (AppCloseOrder)7;
  REJECTS(app_client_config_validate, c, "client.close");
  GError *perr = NULL;
  SimDist *number = sim_dist_parse("exp(2)", SIM_DIST_NUMBER, NULL, &perr);
  g_assert_no_error(perr);
  c = client;
  c.interarrival = number;
  REJECTS(app_client_config_validate, c, "client.interarrival");
  sim_dist_free(number);

  const AppServerConfig server = server_config(100, 100, FALSE);
  CU_ASSERT_TRUE(app_server_config_validate(&server, &err));
  g_assert_no_error(err);
  AppServerConfig s = server;
  s.port = 0;
  REJECTS(app_server_config_validate, s, "server.port");
  s = server;
  s.backlog = 0;
  REJECTS(app_server_config_validate, s, "server.backlog");
  s = server;
  s.service_time = -1;
  REJECTS(app_server_config_validate, s, "server.service_time");

  const AppFlooderConfig flooder = {
    .target = 2, .port = 80, .count = 1, .start = 0, .interval = 1, .spoof_base = 9,
    .spoof_count = 1,
  };
  CU_ASSERT_TRUE(app_flooder_config_validate(&flooder, &err));
  g_assert_no_error(err);
  AppFlooderConfig f = flooder;
  f.target = 0;
  REJECTS(app_flooder_config_validate, f, "flooder.target");
  f = flooder;
  f.port = 0;
  REJECTS(app_flooder_config_validate, f, "flooder.port");
  f = flooder;
  f.interval = 0;
  REJECTS(app_flooder_config_validate, f, "flooder.interval");
  f = flooder;
  f.spoof_count = 0;
  REJECTS(app_flooder_config_validate, f, "flooder.spoof_count");
  f = flooder;
  f.count = 0;
  REJECTS(app_flooder_config_validate, f, "flooder.count");
  f = flooder;
  f.start = -5;
  REJECTS(app_flooder_config_validate, f, "flooder.start");
}

/* Constructors refuse what validation rejects (a critical, as for any misuse). */
static void
constructors_refuse_bad_configs(void)
{
  Pair d;
  duo_init(&d, NULL, 15, 0.0);
  test_criticals_catch();
  AppClientConfig c = client_config(0, APP_CLOSE_FIRST, 100);
  CU_ASSERT_PTR_NULL(app_client_new(d.client, &c));
  AppServerConfig s = server_config(100, 0, FALSE);
  s.port = 0;
  CU_ASSERT_PTR_NULL(app_server_new(d.server, &s, NULL));
  AppFlooderConfig f = { .target = 0, .port = 80, .count = 1, .interval = 1,
                         .spoof_count = 1 };
  CU_ASSERT_PTR_NULL(app_flooder_new(d.client, &f));
  CU_ASSERT_EQUAL(test_criticals_release(), 3);
  CU_ASSERT_EQUAL(sim_sched_stats(d.sched)->scheduled, 0);
  duo_finish(&d, NULL, NULL);
}

void test_app_register(void);
void
test_app_register(void)
{
  static const CU_TestInfo tests[] = {
    { "sequential_close_first_completes_each_in_turn",
      sequential_close_first_completes_each_in_turn },
    { "interarrival_opens_follow_the_gaps", interarrival_opens_follow_the_gaps },
    { "close_second_leaves_time_wait_to_the_server",
      close_second_leaves_time_wait_to_the_server },
    { "no_listener_refuses_every_connection", no_listener_refuses_every_connection },
    { "records_off_keeps_only_the_counts", records_off_keeps_only_the_counts },
    { "lost_syns_time_out_after_the_retries", lost_syns_time_out_after_the_retries },
    { "time_wait_on_the_only_port_leaves_no_port", time_wait_on_the_only_port_leaves_no_port },
    { "service_time_delays_the_reply", service_time_delays_the_reply },
    { "reply_beyond_the_window_is_sent_after_the_close",
      reply_beyond_the_window_is_sent_after_the_close },
    { "writes_beyond_the_send_buffer_are_cut", writes_beyond_the_send_buffer_are_cut },
    { "reset_after_established_counts_as_reset", reset_after_established_counts_as_reset },
    { "server_counts_a_reset_client", server_counts_a_reset_client },
    { "server_port_taken_fails", server_port_taken_fails },
    { "same_seed_gives_same_records", same_seed_gives_same_records },
    { "free_with_connections_in_flight_then_drain",
      free_with_connections_in_flight_then_drain },
    { "free_with_connections_in_flight_then_teardown",
      free_with_connections_in_flight_then_teardown },
    { "flooder_sends_spoofed_syns", flooder_sends_spoofed_syns },
    { "flooder_free_cancels_the_rest", flooder_free_cancels_the_rest },
    { "validate_names_each_bad_key", validate_names_each_bad_key },
    { "constructors_refuse_bad_configs", constructors_refuse_bad_configs },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("app", tests);
}
