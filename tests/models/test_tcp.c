/* Tests for models/tcp.c, one behaviour each, packetdrill-style: the test plays the
 * peer, injects segments at set times and expects the host's segments with exact flags,
 * sequence and acknowledgement numbers, lengths, times, states and timer deadlines.
 * The host uses ISN policy zero, so its ISS is 0; the peer's ISN is PEER_ISN. Claim
 * numbers refer to ../shared/seed/CLAIMS.md. */
#include "harness.h"
#include "link.h"

#define PEER_ISN 5000u
#define SPORT HARNESS_PEER_PORT
#define LPORT 80   /* the host's listening port in passive tests */

/* ---- helpers ----------------------------------------------------------------------- */

/* Active open from the host to the peer, completed: returns the ESTABLISHED connection.
 * Segments: > S 0:0  < S. PEER_ISN ack 1  > . 1 ack PEER_ISN+1 */
static TcpConn *
open_active(Harness *h, SimTime t)
{
  harness_run_until(h, t);
  TcpErr err;
  TcpConn *c = tcp_connect(h->host, HARNESS_PEER_ADDR, SPORT, 0, &h->cb, &h->app, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  harness_expect(h, TCP_SYN, 0, 0, 0);
  harness_inject(h, t + 10 * SIM_MS, SPORT, tcp_local_port(c), TCP_SYN | TCP_ACK, PEER_ISN, 1,
                 0);
  harness_run_until(h, t + 10 * SIM_MS);
  harness_expect(h, TCP_ACK, 1, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  return c;
}

/* Passive open on LPORT, completed and accepted: returns the ESTABLISHED child. */
static TcpConn *
open_passive(Harness *h, TcpConn **listener_out, SimTime t)
{
  TcpErr err;
  TcpConn *l = tcp_listen(h->host, LPORT, 16, &h->cb, &h->app, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  harness_inject(h, t, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(h, t);
  harness_expect(h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_inject(h, t + 10 * SIM_MS, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(h, t + 10 * SIM_MS);
  CU_ASSERT_EQUAL(h->app.acceptable, 1);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  *listener_out = l;
  return c;
}

static void
isn_random(TcpConfig *cfg)
{
  cfg->isn = TCP_ISN_RANDOM;
}

static void
syn_linear_4(TcpConfig *cfg)
{
  cfg->syn_linear_timeouts = 4;
}

/* ---- opening (C1-C5) ------------------------------------------------------------------ */

/* C2: the client sends SYN with its ISN and no data and enters SYN-SENT; C4: it answers
 * the SYN,ACK with ACK = server ISN + 1 and enters ESTABLISHED. */
static void
syn_sent_sends_syn_then_ack_of_syn_ack(void)
{
  Harness h;
  harness_init(&h, isn_random);
  TcpErr err;
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, &err);
  CU_ASSERT_EQUAL(err, TCP_OK);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_SENT);
  uint32_t iss = tcp_iss(c);
  CU_ASSERT_NOT_EQUAL(iss, 0);   /* random ISN (probability 2^-32 of a false failure) */
  CU_ASSERT_EQUAL(tcp_local_port(c), 32768);
  Captured *syn = g_queue_peek_head(&h.out);
  CU_ASSERT_EQUAL(syn->seg->mss, 1460);
  harness_expect(&h, TCP_SYN, iss, 0, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 1 * SIM_S);   /* initial RTO */
  harness_inject(&h, 30 * SIM_MS, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, iss + 1, 0);
  harness_run_until(&h, 30 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, iss + 1, PEER_ISN + 1, 0), 30 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(h.app.connected, 1);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  /* the handshake gave the first RTT sample: RTO = R + 4 * R/2 = 90 ms, floored at 200 */
  CU_ASSERT_EQUAL(tcp_rto(c), 200 * SIM_MS);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, iss + 1, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* C1, C3, C5: a listener in LISTEN answers SYN with SYN,ACK (its own ISN, ACK = client
 * ISN + 1), the child is SYN-RECEIVED, and ESTABLISHED when the third segment arrives. */
static void
listen_answers_syn_and_establishes_on_ack(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  CU_ASSERT_EQUAL(tcp_state(l), TCP_LISTEN);
  harness_inject(&h, 5 * SIM_MS, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 5 * SIM_MS);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  CU_ASSERT_EQUAL(h.app.acceptable, 0);
  CU_ASSERT_PTR_NULL(tcp_accept(l, &err));
  CU_ASSERT_EQUAL(err, TCP_ERR_AGAIN);
  /* C4: the third segment carries data; the server takes it and acknowledges it */
  harness_inject(&h, 15 * SIM_MS, SPORT, LPORT, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 15 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
  CU_ASSERT_EQUAL(h.app.acceptable, 1);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(tcp_irs(c), PEER_ISN);
  CU_ASSERT_EQUAL(tcp_readable(c), 100);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 100);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 101, 0);
  tcp_close(l);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_finish(&h);
}

/* C4: data written before the handshake completes rides on the third segment. */
static void
data_written_in_syn_sent_rides_on_the_third_segment(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpErr err;
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, &err);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  CU_ASSERT_EQUAL(tcp_write(c, 300, &err), 300);
  harness_expect_nothing(&h);   /* C8: nothing rides on the SYN */
  harness_inject(&h, 10 * SIM_MS, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 300);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 301, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* Data on a SYN is not taken (no SYN data without Fast Open): the SYN,ACK acknowledges
 * only the SYN. */
static void
listen_drops_data_carried_on_syn(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  harness_inject(&h, 0, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 500);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* ---- retransmission of the handshake ------------------------------------------------- */

/* Linux: SYN at 0, then 1, 3, 7, 15, 31, 63 s (6 retries, RTO doubling from 1 s);
 * connect fails with ETIMEDOUT at 127 s. */
static void
syn_sent_backs_off_exponentially_then_times_out(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  const int at[] = { 1, 3, 7, 15, 31, 63 };
  for (unsigned i = 0; i < G_N_ELEMENTS(at); i++) {
    harness_run_until(&h, at[i] * SIM_S - 1);
    harness_expect_nothing(&h);
    harness_run_until(&h, at[i] * SIM_S);
    CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN, 0, 0, 0), at[i] * SIM_S);
  }
  harness_run_until(&h, 127 * SIM_S - 1);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_SENT);
  harness_run_until(&h, 127 * SIM_S);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed, 1);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_TIMEDOUT);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 6);
  harness_expect_nothing(&h);
  tcp_close(c);
  harness_finish(&h);
}

/* syn_linear_timeouts = 4: RTOs 1, 1, 1, 1, 1, 2, 4 s: SYNs at 0, 1, 2, 3, 4, 5, 7 and
 * failure at 11 s. */
static void
syn_sent_with_linear_timeouts_keeps_one_second_first(void)
{
  Harness h;
  harness_init(&h, syn_linear_4);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  const int at[] = { 1, 2, 3, 4, 5, 7 };
  for (unsigned i = 0; i < G_N_ELEMENTS(at); i++) {
    harness_run_until(&h, at[i] * SIM_S);
    CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN, 0, 0, 0), at[i] * SIM_S);
  }
  harness_run_until(&h, 11 * SIM_S - 1);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_SENT);
  harness_run_until(&h, 11 * SIM_S);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_TIMEDOUT);
  harness_expect_nothing(&h);
  tcp_close(c);
  harness_finish(&h);
}

/* SYN,ACK retransmitted at 1, 3, 7, 15, 31 s (5 retries); the half-open connection is
 * dropped silently at 63 s. */
static void
syn_received_backs_off_then_drops_the_embryo(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  harness_inject(&h, 0, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 0);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  const int at[] = { 1, 3, 7, 15, 31 };
  for (unsigned i = 0; i < G_N_ELEMENTS(at); i++) {
    harness_run_until(&h, at[i] * SIM_S);
    CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), at[i] * SIM_S);
  }
  harness_run_until(&h, 63 * SIM_S - 1);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  harness_run_until(&h, 63 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(h.app.closed, 0);   /* the app never knew it */
  tcp_close(l);
  harness_finish(&h);
}

/* A retransmitted SYN in SYN-RECEIVED makes the SYN,ACK go again at once. */
static void
syn_received_answers_duplicate_syn_with_syn_ack(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  harness_inject(&h, 0, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_inject(&h, 500 * SIM_MS, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 500 * SIM_MS);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0), 500 * SIM_MS);
  tcp_close(l);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_finish(&h);
}

/* ---- closed ports and resets --------------------------------------------------------- */

/* RFC 9293 §3.10.7.1: a SYN to a port with no listener gets <SEQ=0><ACK=SEG.SEQ+1>
 * <CTL=RST,ACK>; an ACK gets <SEQ=SEG.ACK><CTL=RST>; a RST gets nothing. */
static void
closed_port_answers_with_rst(void)
{
  Harness h;
  harness_init(&h, NULL);
  harness_inject(&h, 0, SPORT, 9, TCP_SYN, PEER_ISN, 0, 0);
  harness_inject(&h, 1, SPORT, 9, TCP_ACK, PEER_ISN, 777, 10);
  harness_inject(&h, 2, SPORT, 9, TCP_RST, PEER_ISN, 0, 0);
  harness_run_until(&h, 2);
  harness_expect(&h, TCP_RST | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_expect(&h, TCP_RST, 777, 0, 0);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_stats(h.host)->rst_sent_closed, 2);
  harness_finish(&h);
}

/* RST answering our SYN (with an acceptable ACK): connection refused. */
static void
syn_sent_rst_refuses_the_connection(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  harness_inject(&h, 10 * SIM_MS, SPORT, 32768, TCP_RST | TCP_ACK, 0, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_REFUSED);
  harness_expect_nothing(&h);
  tcp_close(c);
  harness_finish(&h);
}

/* SYN-SENT: an ACK that does not acknowledge our SYN is answered with RST
 * <SEQ=SEG.ACK> and otherwise ignored; a RST with a bad ACK is ignored. */
static void
syn_sent_bad_ack_gets_rst_and_bad_rst_is_ignored(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  harness_inject(&h, 1, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, 99, 0);
  harness_inject(&h, 2, SPORT, 32768, TCP_RST | TCP_ACK, 0, 99, 0);
  harness_run_until(&h, 2);
  harness_expect(&h, TCP_RST, 99, 0, 0);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_SENT);
  tcp_close(c);   /* close in SYN-SENT sends nothing */
  harness_expect_nothing(&h);
  harness_finish(&h);
}

/* RFC 5961 §3.2: a RST exactly at RCV.NXT resets; one elsewhere in the window draws a
 * challenge ACK and changes nothing. */
static void
established_rst_in_window_gets_challenge_ack(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_RST, PEER_ISN + 100, 0, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->challenge_acks, 1);
  harness_inject(&h, 30 * SIM_MS, SPORT, 32768, TCP_RST, PEER_ISN + 1, 0, 0);
  harness_run_until(&h, 30 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_RESET);
  TcpErr err;
  CU_ASSERT_EQUAL(tcp_read(c, 10, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_RESET);
  tcp_close(c);
  harness_finish(&h);
}

/* RFC 5961 §4: a SYN on an established connection draws a challenge ACK. */
static void
established_syn_gets_challenge_ack(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_SYN, PEER_ISN + 1, 0, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* Closing with unread data aborts with RST (Linux), not FIN. */
static void
close_with_unread_data_sends_rst(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 50);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 51, 0);
  CU_ASSERT_EQUAL(h.app.readable, 1);
  tcp_close(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 51, 0);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_finish(&h);
}

/* ---- data --------------------------------------------------------------------------- */

/* A write is cut into MSS segments, PSH on the last; the ACK stops the timer; a lost
 * segment is sent again after the RTO with exponential backoff. */
static void
established_sends_mss_segments_and_retransmits_on_timeout(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);          /* RTT sample 10 ms: RTO 200 ms */
  CU_ASSERT_EQUAL(tcp_rto(c), 200 * SIM_MS);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 3000, NULL), 3000);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK, 1461, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 2921, PEER_ISN + 1, 80);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 300 * SIM_MS);
  /* the first two are acknowledged; the third is lost */
  harness_inject(&h, 110 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 2921, 0);
  harness_run_until(&h, 110 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 310 * SIM_MS);
  harness_run_until(&h, 310 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 2921, PEER_ISN + 1, 80),
                  310 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_rto(c), 400 * SIM_MS);   /* RFC 6298 (5.5): backed off */
  harness_run_until(&h, 710 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 2921, PEER_ISN + 1, 80),
                  710 * SIM_MS);
  harness_inject(&h, 720 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 3001, 0);
  harness_run_until(&h, 720 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  CU_ASSERT_EQUAL(tcp_rto(c), 200 * SIM_MS);   /* backoff cleared by the new ACK */
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 2);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 3001, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* Out-of-order data is not kept: a duplicate ACK asks for RCV.NXT again. */
static void
established_out_of_order_data_gets_duplicate_ack(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 101, 1, 100);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(tcp_readable(c), 0);
  CU_ASSERT_EQUAL(h.app.readable, 0);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* ---- closing (C9-C15) ------------------------------------------------------------------ */

/* The active closer: FIN-WAIT-1 (C9), FIN-WAIT-2 on the ACK (C11), TIME-WAIT on the
 * peer's FIN, which it acknowledges (C13), CLOSED after the TIME-WAIT length (C15). */
static void
active_close_walks_fin_wait_1_fin_wait_2_time_wait_closed(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  tcp_close(c);   /* the app lets go; the stack finishes the close */
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_1);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 300 * SIM_MS);
  harness_inject(&h, 110 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 110 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  /* an orphaned FIN-WAIT-2 waits at most fin_wait_2_timeout (Linux 60 s) */
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 110 * SIM_MS + 60 * SIM_S);
  harness_inject(&h, 200 * SIM_MS, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 200 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 200 * SIM_MS + 60 * SIM_S);
  SimTime times[TCP_NSTATES];
  tcp_state_times(c, times);
  CU_ASSERT_EQUAL(times[TCP_SYN_SENT], 10 * SIM_MS);
  CU_ASSERT_EQUAL(times[TCP_ESTABLISHED], 90 * SIM_MS);
  CU_ASSERT_EQUAL(times[TCP_FIN_WAIT_1], 10 * SIM_MS);
  CU_ASSERT_EQUAL(times[TCP_FIN_WAIT_2], 90 * SIM_MS);
  harness_run_until(&h, 200 * SIM_MS + 60 * SIM_S - 1);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  harness_run_until(&h, 200 * SIM_MS + 60 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);   /* CLOSED and freed */
  const NetTcpCounts *n = &h.net->tcp;
  CU_ASSERT_EQUAL(n->transitions[TCP_CLOSED][TCP_SYN_SENT], 1);
  CU_ASSERT_EQUAL(n->transitions[TCP_SYN_SENT][TCP_ESTABLISHED], 1);
  CU_ASSERT_EQUAL(n->transitions[TCP_ESTABLISHED][TCP_FIN_WAIT_1], 1);
  CU_ASSERT_EQUAL(n->transitions[TCP_FIN_WAIT_1][TCP_FIN_WAIT_2], 1);
  CU_ASSERT_EQUAL(n->transitions[TCP_FIN_WAIT_2][TCP_TIME_WAIT], 1);
  CU_ASSERT_EQUAL(n->transitions[TCP_TIME_WAIT][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(n->transitions[TCP_ESTABLISHED][TCP_CLOSE_WAIT], 0);
  harness_expect_nothing(&h);
  harness_finish(&h);
}

/* C15: in TIME-WAIT a retransmitted FIN (our last ACK was lost) is acknowledged again
 * and the TIME-WAIT timer restarts. */
static void
time_wait_reacks_retransmitted_fin_and_restarts(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  harness_inject(&h, 30 * SIM_S, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 30 * SIM_S);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0), 30 * SIM_S);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 90 * SIM_S);
  harness_run_until(&h, 80 * SIM_S);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);   /* the first deadline has passed */
  harness_run_until(&h, 90 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_expect_nothing(&h);
  harness_finish(&h);
}

/* FIN-WAIT-1 -> TIME-WAIT when the peer's FIN also acknowledges ours. */
static void
fin_wait_1_fin_with_ack_of_fin_goes_to_time_wait(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  harness_run_until(&h, 61 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_finish(&h);
}

/* The passive closer: CLOSE-WAIT on the FIN, which it acknowledges (C10), LAST-ACK when
 * its app closes and its FIN goes (C12), CLOSED on the ACK of that FIN (C14). */
static void
passive_close_walks_close_wait_last_ack_closed(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l;
  TcpConn *c = open_passive(&h, &l, 0);
  harness_inject(&h, 50 * SIM_MS, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 50 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 2, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSE_WAIT);
  TcpErr err;
  CU_ASSERT_EQUAL(tcp_read(c, 100, &err), 0);   /* end of stream */
  /* C18: the server finishes its own sending first; its FIN comes separately */
  harness_run_until(&h, 80 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 200, &err), 200);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 2, 200);
  tcp_close(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_LAST_ACK);
  harness_expect(&h, TCP_FIN | TCP_ACK, 201, PEER_ISN + 2, 0);
  harness_inject(&h, 90 * SIM_MS, SPORT, LPORT, TCP_ACK, PEER_ISN + 2, 202, 0);
  harness_run_until(&h, 90 * SIM_MS);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_expect_nothing(&h);
  tcp_close(l);
  harness_finish(&h);
}

/* LAST-ACK: the FIN is retransmitted with backoff until acknowledged. */
static void
last_ack_retransmits_fin(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l;
  TcpConn *c = open_passive(&h, &l, 0);   /* RTT 10 ms: RTO 200 ms */
  harness_inject(&h, 50 * SIM_MS, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 50 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 2, 0);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 2, 0);
  harness_run_until(&h, 250 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 2, 0), 250 * SIM_MS);
  harness_run_until(&h, 650 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 2, 0), 650 * SIM_MS);
  harness_inject(&h, 700 * SIM_MS, SPORT, LPORT, TCP_ACK, PEER_ISN + 2, 2, 0);
  harness_run_until(&h, 700 * SIM_MS);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_expect_nothing(&h);
  tcp_close(l);
  harness_finish(&h);
}

/* Half-close: after shutdown for writing the host still receives data. */
static void
half_close_keeps_receiving(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  tcp_shutdown_write(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  TcpErr err;
  CU_ASSERT_EQUAL(tcp_write(c, 10, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_PIPE);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_inject(&h, 30 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 2, 700);
  harness_run_until(&h, 30 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 701, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 700);
  harness_inject(&h, 40 * SIM_MS, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 701, 2, 0);
  harness_run_until(&h, 40 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 702, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 0);
  tcp_close(c);
  harness_run_until(&h, 61 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_finish(&h);
}

/* ---- simultaneous open and close --------------------------------------------------- */

/* SYN-SENT receiving a bare SYN: SYN-RECEIVED with <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>;
 * the peer's SYN,ACK then establishes. */
static void
simultaneous_open_goes_through_syn_received(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  harness_inject(&h, 5 * SIM_MS, SPORT, 32768, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 5 * SIM_MS);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_RECEIVED);
  harness_inject(&h, 10 * SIM_MS, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  /* the peer's SYN,ACK repeats its SYN (sequence number below RCV.NXT): it is
   * acknowledged, and its ACK of our SYN is taken on the next segment */
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_inject(&h, 15 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 15 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(h.app.connected, 1);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* Both ends close at once: FIN-WAIT-1 -> CLOSING on the peer's FIN, TIME-WAIT on the
 * ACK of ours. */
static void
simultaneous_close_goes_through_closing_to_time_wait(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSING);
  harness_inject(&h, 25 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 2, 2, 0);
  harness_run_until(&h, 25 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  harness_run_until(&h, 25 * SIM_MS + 60 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_expect_nothing(&h);
  harness_finish(&h);
}



/* ---- backlogs, timeouts, retries, ISNs, wraparound ------------------------------- */

static void
syn_backlog_1(TcpConfig *cfg)
{
  cfg->syn_backlog = 1;
}

/* A listener keeps at most syn_backlog half-open connections: a SYN beyond that is
 * dropped and counted. */
static void
listen_drops_syn_when_syn_backlog_is_full(void)
{
  Harness h;
  harness_init(&h, syn_backlog_1);
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  harness_inject(&h, 0, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_inject(&h, 1, SPORT + 1, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 1);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_stats(h.host)->syn_dropped, 1);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  tcp_close(l);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_finish(&h);
}

/* With the accept queue full (backlog 1, nobody accepting), a new SYN is dropped and
 * counted; accepting makes room again. */
static void
listen_drops_syn_when_accept_queue_is_full(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l = tcp_listen(h.host, LPORT, 1, &h.cb, &h.app, NULL);
  harness_inject(&h, 0, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_inject(&h, 1 * SIM_MS, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_inject(&h, 2 * SIM_MS, SPORT + 1, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 2 * SIM_MS);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_stats(h.host)->accept_dropped, 1);
  TcpConn *c = tcp_accept(l, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  harness_inject(&h, 3 * SIM_MS, SPORT + 1, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 3 * SIM_MS);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  tcp_close(l);   /* drops the half-open second connection */
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_finish(&h);
}

static void
connect_timeout_2500ms(TcpConfig *cfg)
{
  cfg->connect_timeout = 2500 * SIM_MS;
}

/* connect_timeout cuts the SYN schedule short: SYN at 0 and 1 s, failure at 2.5 s. */
static void
connect_timeout_fails_the_connect_at_its_deadline(void)
{
  Harness h;
  harness_init(&h, connect_timeout_2500ms);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  harness_run_until(&h, 1 * SIM_S);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 2500 * SIM_MS);
  harness_run_until(&h, 2500 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_TIMEDOUT);
  harness_expect_nothing(&h);
  tcp_close(c);
  harness_finish(&h);
}


/* connect_timeout bounds the handshake only: an established connection retransmits
 * after it as usual. */
static void
connect_timeout_ends_with_the_handshake(void)
{
  Harness h;
  harness_init(&h, connect_timeout_2500ms);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 3 * SIM_S);
  CU_ASSERT_EQUAL(tcp_write(c, 10, NULL), 10);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 10);
  harness_run_until(&h, 3200 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 10), 3200 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 11, PEER_ISN + 1, 0);
  harness_finish(&h);
}

static void
fin_retries_2(TcpConfig *cfg)
{
  cfg->fin_retries = 2;
}

/* An orphaned connection (closed by its app) gives up its FIN after fin_retries
 * retransmissions: FIN at 0, +200 ms, +400 ms more; CLOSED when the next RTO expires. */
static void
orphan_gives_up_fin_after_fin_retries(void)
{
  Harness h;
  harness_init(&h, fin_retries_2);
  TcpConn *c = open_active(&h, 0);   /* RTO 200 ms */
  harness_run_until(&h, 100 * SIM_MS);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0), 300 * SIM_MS);
  harness_run_until(&h, 700 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0), 700 * SIM_MS);
  harness_run_until(&h, 1500 * SIM_MS - 1);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  harness_run_until(&h, 1500 * SIM_MS);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_expect_nothing(&h);
  harness_finish(&h);
}

static void
isn_clock(TcpConfig *cfg)
{
  cfg->isn = TCP_ISN_CLOCK;
}

static void
isn_rfc6528(TcpConfig *cfg)
{
  cfg->isn = TCP_ISN_RFC6528;
}

/* ISN policy clock: the RFC 793 counter ticking every 4 us. */
static void
isn_clock_counts_four_microsecond_ticks(void)
{
  Harness h;
  harness_init(&h, isn_clock);
  harness_run_until(&h, 1 * SIM_S);
  TcpConn *a = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  CU_ASSERT_EQUAL(tcp_iss(a), 250000);
  harness_expect(&h, TCP_SYN, 250000, 0, 0);
  harness_run_until(&h, 1 * SIM_S + 40 * SIM_US);
  TcpConn *b = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  CU_ASSERT_EQUAL(tcp_iss(b), 250010);
  harness_expect(&h, TCP_SYN, 250010, 0, 0);
  tcp_close(a);
  tcp_close(b);
  harness_finish(&h);
}

/* ISN policy rfc6528: the clock plus a keyed hash of the 4-tuple: two 4-tuples at the
 * same instant differ; one 4-tuple advances with the clock. */
static void
isn_rfc6528_offsets_the_clock_per_four_tuple(void)
{
  Harness h;
  harness_init(&h, isn_rfc6528);
  TcpConn *a = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  TcpConn *b = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  CU_ASSERT_NOT_EQUAL(tcp_iss(a), tcp_iss(b));
  uint32_t first = tcp_iss(a);
  uint16_t port = tcp_local_port(a);
  tcp_close(a);
  harness_run_until(&h, 4 * SIM_MS);
  TcpConn *again = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, port, &h.cb, &h.app, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(again);
  CU_ASSERT_EQUAL(tcp_iss(again) - first, 1000u);   /* 4 ms of 4 us ticks */
  tcp_close(b);
  tcp_close(again);
  while (harness_pending(&h) > 0)
    harness_expect(&h, TCP_SYN, ((Captured *)g_queue_peek_head(&h.out))->seg->seq, 0, 0);
  harness_finish(&h);
}

/* Sequence numbers wrap modulo 2^32 (RFC 9293 §3.4): an ISS just below 2^32 and data
 * across the wrap are acknowledged correctly, on both sides. */
static void
sequence_numbers_wrap_modulo_2_32(void)
{
  Harness h;
  harness_init(&h, isn_clock);
  /* the clock ISN reads 2^32 - 10 at this instant */
  SimTime t = (SimTime)(UINT32_MAX - 9) * 4 * SIM_US;
  harness_run_until(&h, t);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  uint32_t iss = tcp_iss(c);
  CU_ASSERT_EQUAL(iss, UINT32_MAX - 9);
  harness_expect(&h, TCP_SYN, iss, 0, 0);
  const uint32_t peer = UINT32_MAX - 99;
  harness_inject(&h, t + 1 * SIM_MS, SPORT, 32768, TCP_SYN | TCP_ACK, peer, iss + 1, 0);
  harness_run_until(&h, t + 1 * SIM_MS);
  harness_expect(&h, TCP_ACK, iss + 1, peer + 1, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  /* 300 bytes from the peer: its sequence numbers wrap */
  harness_inject(&h, t + 2 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, peer + 1, iss + 1, 300);
  harness_run_until(&h, t + 2 * SIM_MS);
  harness_expect(&h, TCP_ACK, iss + 1, peer + 301, 0);
  CU_ASSERT_EQUAL(tcp_rcv_nxt(c), 201u);   /* 2^32 - 99 + 300 */
  /* 100 bytes from the host: its sequence numbers wrap too */
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, iss + 1, peer + 301, 100);
  harness_inject(&h, t + 3 * SIM_MS, SPORT, 32768, TCP_ACK, peer + 301, iss + 101, 0);
  harness_run_until(&h, t + 3 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_snd_nxt(c), 91u);    /* 2^32 - 9 + 100 */
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);   /* all acknowledged */
  CU_ASSERT_EQUAL(tcp_read(c, 1000, NULL), 300);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 91, peer + 301, 0);
  harness_finish(&h);
}


typedef struct {
  GArray *recs;   /* SimTraceRecord */
} TraceLog;

static void
collect_trace(void *ctx, const SimTraceRecord *rec)
{
  g_array_append_val(((TraceLog *)ctx)->recs, *rec);
}

/* Every state change and segment reaches the trace sink, in order, with its fields. */
static void
trace_records_state_changes_and_segments(void)
{
  Harness h;
  harness_init(&h, NULL);
  SimLog log;
  sim_log_init(&log);
  TraceLog tl = { g_array_new(FALSE, FALSE, sizeof(SimTraceRecord)) };
  sim_log_set_trace(&log, collect_trace, &tl);
  h.net->log = &log;
  TcpConn *c = open_active(&h, 0);
  uint64_t inc = tcp_incarnation(c);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  const struct {
    int64_t kind, a1, a2, a3;
    SimTime t;
  } want[] = {
    { TCP_TRACE_STATE, TCP_CLOSED, TCP_SYN_SENT, 0, 0 },
    { TCP_TRACE_SEND, TCP_SYN, 0, 0, 0 },
    { TCP_TRACE_RECV, TCP_SYN | TCP_ACK, PEER_ISN, 1, 10 * SIM_MS },
    { TCP_TRACE_STATE, TCP_SYN_SENT, TCP_ESTABLISHED, 0, 10 * SIM_MS },
    { TCP_TRACE_SEND, TCP_ACK, 1, PEER_ISN + 1, 10 * SIM_MS },
    { TCP_TRACE_SEND, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 10 * SIM_MS },
    { TCP_TRACE_STATE, TCP_ESTABLISHED, TCP_CLOSED, 0, 10 * SIM_MS },
  };
  CU_ASSERT_EQUAL_FATAL(tl.recs->len, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const SimTraceRecord *r = &g_array_index(tl.recs, SimTraceRecord, i);
    CU_ASSERT_EQUAL(r->kind, want[i].kind);
    CU_ASSERT_EQUAL(r->time, want[i].t);
    CU_ASSERT_EQUAL(r->component, HARNESS_HOST_ADDR);
    CU_ASSERT_EQUAL(r->arg[0], (int64_t)inc);
    CU_ASSERT_EQUAL(r->arg[1], want[i].a1);
    CU_ASSERT_EQUAL(r->arg[2], want[i].a2);
    if (want[i].kind != TCP_TRACE_STATE)
      CU_ASSERT_EQUAL(r->arg[3], want[i].a3);
  }
  CU_ASSERT_EQUAL(log.traced, G_N_ELEMENTS(want));
  g_array_free(tl.recs, TRUE);
  h.net->log = &h.net->silent;
  harness_finish(&h);
}


/* ---- robustness ------------------------------------------------------------------- */

/* Any segment a peer can send and any order of socket calls leave the model consistent:
 * 20000 random segments (every flag combination, sequence and acknowledgement numbers
 * near the live ones or anywhere) mixed with random app calls, on a listener and the
 * connections it and the app make; no misuse warning, and once the app lets go every
 * connection reaches CLOSED and is freed. */
static void
random_segments_and_calls_never_break_the_model(void)
{
  Harness h;
  harness_init(&h, NULL);
  SimRng rng;
  sim_rng_seed(&rng, 2024);
  test_criticals_catch();
  TcpConn *l = tcp_listen(h.host, LPORT, 8, &h.cb, &h.app, NULL);
  GPtrArray *held = g_ptr_array_new();   /* connections the app holds */
  static const uint8_t flag_bits[] = { TCP_SYN, TCP_ACK, TCP_FIN, TCP_RST, TCP_PSH };
  static const uint32_t lens[] = { 0, 0, 1, 100, 1460 };
  SimTime t = 0;
  for (int step = 0; step < 20000; step++) {
    uint64_t op = sim_rng_below(&rng, 100);
    if (op < 60) {
      uint8_t flags = 0;
      for (unsigned b = 0; b < G_N_ELEMENTS(flag_bits); b++)
        if (sim_rng_bernoulli(&rng, b == 1 ? 0.7 : 0.25))
          flags |= flag_bits[b];
      uint16_t dport = sim_rng_bernoulli(&rng, 0.5) ? LPORT
                                                    : (uint16_t)(32768 + sim_rng_below(&rng, 4));
      uint16_t sport = (uint16_t)(SPORT + sim_rng_below(&rng, 3));
      uint32_t seq = sim_rng_bernoulli(&rng, 0.8) ? PEER_ISN + (uint32_t)sim_rng_below(&rng, 4000)
                                                  : (uint32_t)sim_rng_next(&rng);
      uint32_t ack = sim_rng_bernoulli(&rng, 0.8) ? (uint32_t)sim_rng_below(&rng, 4000)
                                                  : (uint32_t)sim_rng_next(&rng);
      uint32_t len = lens[sim_rng_below(&rng, G_N_ELEMENTS(lens))];
      harness_inject(&h, t, sport, dport, flags, seq, ack, len);
    } else if (op < 65) {
      TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, (uint16_t)(SPORT + sim_rng_below(&rng, 3)),
                               0, &h.cb, &h.app, NULL);
      if (c)
        g_ptr_array_add(held, c);
    } else if (op < 70) {
      TcpConn *c = tcp_accept(l, NULL);
      if (c)
        g_ptr_array_add(held, c);
    } else if (op < 90 && held->len > 0) {
      guint i = (guint)sim_rng_below(&rng, held->len);
      TcpConn *c = held->pdata[i];
      switch (sim_rng_below(&rng, 5)) {
      case 0:
        tcp_write(c, (uint32_t)sim_rng_below(&rng, 5000), NULL);
        break;
      case 1:
        tcp_read(c, (uint32_t)sim_rng_below(&rng, 5000), NULL);
        break;
      case 2:
        tcp_shutdown_write(c);
        break;
      case 3:
        g_ptr_array_remove_index_fast(held, i);
        tcp_close(c);
        break;
      default:
        g_ptr_array_remove_index_fast(held, i);
        tcp_abort(c);
        break;
      }
    } else {
      t += (SimTime)sim_rng_below(&rng, 200) * SIM_MS;
    }
    harness_run_until(&h, t);
    harness_drop_output(&h);
  }
  while (held->len > 0) {
    tcp_close(held->pdata[held->len - 1]);
    g_ptr_array_set_size(held, held->len - 1);
  }
  g_ptr_array_free(held, TRUE);
  tcp_close(l);
  /* with no peer answering, every connection left ends through its timers */
  for (int i = 0; i < 100 && host_conn_count(h.host) > 0; i++) {
    harness_run_until(&h, t += 60 * SIM_S);
    harness_drop_output(&h);
  }
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 0);
  CU_ASSERT_EQUAL(test_criticals_release(), 0);
  CU_ASSERT_TRUE(h.net->tcp.conns_created > 50);   /* the run reached many connections */
  harness_finish(&h);
}

/* ---- two hosts joined by links ---------------------------------------------------- */

/* A client and a server joined by two perfect links with a 1 ms delay each way. */
typedef struct {
  SimSched *sched;
  Net *net;
  TcpConfig cfg;
  LinkParams lp;
  Host *client, *server;
  Link *up, *down;
  TcpConn *listener;
  AppLog capp, sapp;
  TcpCallbacks cb;
} Pair;

static void
pair_app_closed(TcpConn *c, TcpErr err, void *app)
{
  AppLog *log = app;
  log->closed++;
  log->closed_err = err;
  tcp_close(c);   /* let go at once, as a client that only counts */
}

/* The server keeps what it accepts and closes when it reads the end of the stream: the
 * client is the active closer and holds TIME-WAIT. */
static void
pair_app_acceptable(TcpConn *l, void *app)
{
  ((AppLog *)app)->acceptable++;
  while (tcp_accept(l, NULL))
    ;
}

static void
pair_app_readable(TcpConn *c, void *app)
{
  ((AppLog *)app)->readable++;
  if (tcp_read(c, UINT32_MAX, NULL) == 0)
    tcp_close(c);
}

/* A client (address 1) and a server (address 2, listening on port 80 with @lcb/@lapp)
 * joined by two links with impairments @lp (NULL: perfect, 1 ms each way). */
static void
pair_init_with(Pair *p, void (*tweak)(TcpConfig *cfg), const LinkParams *lp, uint64_t seed,
               const TcpCallbacks *lcb, void *lapp)
{
  memset(p, 0, sizeof *p);
  p->sched = sim_sched_new();
  p->net = net_new(p->sched, NULL, &(SimRngStreamId){ seed, 0, 0, 0 });
  tcp_config_preset(&p->cfg, TCP_PRESET_LINUX);
  if (tweak)
    tweak(&p->cfg);
  CU_ASSERT_TRUE_FATAL(tcp_config_validate(&p->cfg, NULL));
  link_params_init(&p->lp);
  p->lp.delay = 1 * SIM_MS;
  if (lp)
    p->lp = *lp;
  p->client = host_new(p->net, 1, &p->cfg, 1);
  p->server = host_new(p->net, 2, &p->cfg, 2);
  p->up = link_new(p->net, &p->lp, host_rx(p->server), 3);
  p->down = link_new(p->net, &p->lp, host_rx(p->client), 4);
  host_set_default_route(p->client, link_rx(p->up));
  host_set_default_route(p->server, link_rx(p->down));
  p->cb = (TcpCallbacks){ NULL, pair_app_acceptable, pair_app_readable, pair_app_closed };
  p->listener = tcp_listen(p->server, 80, 1024, lcb ? lcb : &p->cb, lcb ? lapp : &p->sapp, NULL);
}

static void
pair_init(Pair *p, void (*tweak)(TcpConfig *cfg))
{
  pair_init_with(p, tweak, NULL, 7, NULL, NULL);
}

static void
pair_finish(Pair *p)
{
  sim_sched_run(p->sched, SIM_TIME_MAX);   /* deliver what is in flight, expire timers */
  tcp_close(p->listener);
  CU_ASSERT_EQUAL(host_conn_count(p->client), 0);
  CU_ASSERT_EQUAL(host_conn_count(p->server), 0);
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

/* Opens a connection from the client and closes it from the client once established:
 * the client ends in TIME-WAIT, the server in CLOSED. */
static TcpConn *
pair_open_close(Pair *p, TcpErr *err)
{
  TcpConn *c = tcp_connect(p->client, 2, 80, 0, &p->cb, &p->capp, err);
  if (c == NULL)
    return NULL;
  sim_sched_run(p->sched, sim_sched_now(p->sched) + 5 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  tcp_close(c);
  sim_sched_run(p->sched, sim_sched_now(p->sched) + 10 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  return c;
}

static void
four_ports(TcpConfig *cfg)
{
  cfg->port_lo = 40000;
  cfg->port_hi = 40003;
}

/* C17: the active closer holds each 4-tuple in TIME-WAIT; with a range of four ports
 * the fifth connect to the same server finds no port (EADDRNOTAVAIL) until the
 * TIME-WAIT length has passed. */
static void
client_time_wait_exhausts_ports_then_frees_them(void)
{
  Pair p;
  pair_init(&p, four_ports);
  for (int i = 0; i < 4; i++) {
    TcpConn *c = pair_open_close(&p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(tcp_local_port(c), 40000 + i);
  }
  CU_ASSERT_EQUAL(host_conn_count(p.client), 4);   /* all four in TIME-WAIT */
  CU_ASSERT_EQUAL(host_conn_count(p.server), 0);   /* the passive closer is done */
  TcpErr err;
  CU_ASSERT_PTR_NULL(tcp_connect(p.client, 2, 80, 0, &p.cb, &p.capp, &err));
  CU_ASSERT_EQUAL(err, TCP_ERR_ADDRNOTAVAIL);
  CU_ASSERT_EQUAL(host_stats(p.client)->port_exhausted, 1);
  /* another destination port is another 4-tuple: ports are free for it */
  TcpConn *other = tcp_connect(p.client, 2, 81, 0, &p.cb, &p.capp, &err);
  CU_ASSERT_PTR_NOT_NULL(other);
  sim_sched_run(p.sched, sim_sched_now(p.sched) + 10 * SIM_MS);   /* refused: no listener */
  CU_ASSERT_EQUAL(p.capp.closed_err, TCP_ERR_REFUSED);
  /* when the first TIME-WAIT ends, its port comes back */
  sim_sched_run(p.sched, 60 * SIM_S + 20 * SIM_MS);
  CU_ASSERT_EQUAL(host_conn_count(p.client), 3);
  TcpConn *again = tcp_connect(p.client, 2, 80, 0, &p.cb, &p.capp, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(again);
  CU_ASSERT_EQUAL(tcp_local_port(again), 40000);
  sim_sched_run(p.sched, sim_sched_now(p.sched) + 5 * SIM_MS);
  tcp_close(again);
  pair_finish(&p);
}

static void
four_ports_tw_reuse(TcpConfig *cfg)
{
  four_ports(cfg);
  cfg->tw_reuse = TRUE;
}

/* tw_reuse: a port whose 4-tuple has been in TIME-WAIT for at least 1 s is taken over,
 * and the new connection's ISN starts above the old incarnation's SND.NXT + 65535. */
static void
tw_reuse_takes_over_a_time_wait_port_after_the_delay(void)
{
  Pair p;
  pair_init(&p, four_ports_tw_reuse);
  uint32_t old_snd_nxt[4];
  for (int i = 0; i < 4; i++)
    old_snd_nxt[i] = tcp_snd_nxt(pair_open_close(&p, NULL));
  TcpErr err;
  /* too early: TIME-WAIT entered less than 1 s ago */
  CU_ASSERT_PTR_NULL(tcp_connect(p.client, 2, 80, 0, &p.cb, &p.capp, &err));
  CU_ASSERT_EQUAL(err, TCP_ERR_ADDRNOTAVAIL);
  sim_sched_run(p.sched, sim_sched_now(p.sched) + 1 * SIM_S);
  TcpConn *c = tcp_connect(p.client, 2, 80, 0, &p.cb, &p.capp, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_local_port(c), 40000);
  CU_ASSERT_EQUAL(tcp_iss(c), old_snd_nxt[0] + 65535 + 2);
  CU_ASSERT_EQUAL(host_stats(p.client)->tw_reused, 1);
  CU_ASSERT_EQUAL(host_conn_count(p.client), 4);
  sim_sched_run(p.sched, sim_sched_now(p.sched) + 5 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  tcp_close(c);
  pair_finish(&p);
}


/* ---- many connections over impaired links ------------------------------------------ */

/* One request/response exchange per connection: the client writes REQ bytes and shuts
 * down writing; the server reads to the end, answers RESP bytes and closes; the client
 * reads to the end and closes. */
#define REQ 3000u
#define RESP 500u

typedef struct {
  uint32_t got;
  gboolean eof, closed;
  TcpErr err;
  TcpConn *c;   /* valid while !closed: the app still holds it */
} Exchange;

static void
ex_connected(TcpConn *c, void *app)
{
  (void)app;
  CU_ASSERT_EQUAL(tcp_write(c, REQ, NULL), REQ);
  tcp_shutdown_write(c);
}

static void
ex_readable(TcpConn *c, void *app)
{
  Exchange *x = app;
  int64_t n;
  while ((n = tcp_read(c, UINT32_MAX, NULL)) > 0)
    x->got += (uint32_t)n;
  if (n == 0 && !x->eof) {
    x->eof = TRUE;
    if (tcp_state(c) == TCP_CLOSE_WAIT && tcp_local_port(c) == 80)
      CU_ASSERT_EQUAL(tcp_write(c, RESP, NULL), RESP);   /* the server answers */
    tcp_close(c);
    x->closed = TRUE;
  }
}

static void
ex_closed(TcpConn *c, TcpErr err, void *app)
{
  Exchange *x = app;
  x->err = err;
  if (!x->closed) {
    x->closed = TRUE;
    tcp_close(c);
  }
}

static const TcpCallbacks ex_cb = { ex_connected, NULL, ex_readable, ex_closed };

typedef struct {
  GPtrArray *server_side;   /* Exchange * of accepted connections */
} ExServer;

static void
ex_acceptable(TcpConn *l, void *app)
{
  ExServer *srv = app;
  TcpConn *c;
  while ((c = tcp_accept(l, NULL))) {
    Exchange *x = g_new0(Exchange, 1);
    g_ptr_array_add(srv->server_side, x);
    x->c = c;
    tcp_set_app(c, &ex_cb, x);
    ex_readable(c, x);   /* data may have come with the handshake */
  }
}

static const TcpCallbacks ex_listen_cb = { NULL, ex_acceptable, NULL, NULL };

typedef struct {
  Host *client;
  Exchange *x;
} ExStart;

static void
ex_start(SimSched *s, void *ctx)
{
  (void)s;
  ExStart *st = ctx;
  TcpErr err;
  st->x->c = tcp_connect(st->client, 2, 80, 0, &ex_cb, st->x, &err);
  CU_ASSERT_PTR_NOT_NULL(st->x->c);
}

typedef struct {
  int completed;   /* the client read the whole response */
  int failed;      /* the client's app was told of an error */
  int hung;        /* half-closed clients whose peer gave up: FIN-WAIT-2 until closed */
  int abandoned;   /* server connections whose client gave up mid-request */
  uint64_t trace_hash;  /* every trace record of the run, folded in order */
  uint64_t events;      /* events fired */
} ExOutcome;

static void
hash_trace(void *ctx, const SimTraceRecord *rec)
{
  uint64_t *h = ctx;
  const uint64_t words[] = { (uint64_t)rec->time, rec->component, rec->kind, (uint64_t)rec->arg[0],
                             (uint64_t)rec->arg[1], (uint64_t)rec->arg[2], (uint64_t)rec->arg[3] };
  for (unsigned i = 0; i < G_N_ELEMENTS(words); i++)
    *h = (*h ^ words[i]) * 0x100000001b3ULL;
}

/* N exchanges, one every 20 ms, over links with @loss, 5 % duplication and reordering
 * jitter. Checks that every byte that arrives arrives once and in order, that failures
 * are told to the app, and that nothing is left at the end. */
static ExOutcome
run_exchanges(double loss, int n, uint64_t seed)
{
  LinkParams lp;
  link_params_init(&lp);
  lp.delay = 5 * SIM_MS;
  lp.jitter = sim_dist_parse("uniform(0ms, 4ms)", SIM_DIST_DURATION, NULL, NULL);
  lp.reorder = TRUE;
  lp.loss = loss;
  lp.dup = 0.05;
  ExServer srv = { g_ptr_array_new_with_free_func(g_free) };
  Pair p;
  pair_init_with(&p, NULL, &lp, seed, &ex_listen_cb, &srv);
  SimLog log;
  sim_log_init(&log);
  uint64_t trace_hash = 0xcbf29ce484222325ULL;
  sim_log_set_trace(&log, hash_trace, &trace_hash);
  p.net->log = &log;
  SimSched *sched = p.sched;
  Host *client = p.client;
  Exchange *cx = g_new0(Exchange, n);
  ExStart *starts = g_new(ExStart, n);
  for (int i = 0; i < n; i++) {
    starts[i] = (ExStart){ client, &cx[i] };
    sim_sched_at(sched, (SimTime)i * 20 * SIM_MS, ex_start, &starts[i]);
  }
  sim_sched_run(sched, SIM_TIME_MAX);

  ExOutcome out = { 0, 0, 0, 0, 0, 0 };
  for (int i = 0; i < n; i++) {
    if (cx[i].eof) {
      out.completed++;
      CU_ASSERT_EQUAL(cx[i].got, RESP);   /* every response byte, once */
    } else if (cx[i].closed) {
      out.failed++;
      CU_ASSERT_NOT_EQUAL(cx[i].err, TCP_OK);   /* a failure is always told */
    } else {
      /* RFC 9293: FIN-WAIT-2 waits for the peer's FIN as long as the app holds the
       * connection; only an orphan is timed out */
      out.hung++;
      CU_ASSERT_EQUAL(tcp_state(cx[i].c), TCP_FIN_WAIT_2);
      CU_ASSERT_EQUAL(tcp_timer_deadline(cx[i].c), SIM_TIME_NEVER);
      tcp_close(cx[i].c);
      CU_ASSERT_EQUAL(tcp_timer_deadline(cx[i].c), sim_sched_now(sched) + 60 * SIM_S);
    }
  }
  for (guint i = 0; i < srv.server_side->len; i++) {
    Exchange *x = srv.server_side->pdata[i];
    if (x->eof) {
      CU_ASSERT_EQUAL(x->got, REQ);      /* every request byte, once */
    } else if (!x->closed) {
      /* the client gave up mid-request (no RST on a timeout, as Linux): with nothing
       * of its own outstanding the server has no timer and waits; its app aborts */
      out.abandoned++;
      CU_ASSERT_EQUAL(tcp_state(x->c), TCP_ESTABLISHED);
      CU_ASSERT_EQUAL(tcp_timer_deadline(x->c), SIM_TIME_NEVER);
      CU_ASSERT_TRUE(x->got < REQ);
      x->closed = TRUE;
      tcp_abort(x->c);
    }
  }
  if (out.abandoned > 0)
    CU_ASSERT_TRUE(out.failed > 0);
  sim_sched_run(sched, SIM_TIME_MAX);   /* orphaned FIN-WAIT-2s time out, RSTs land */
  CU_ASSERT_TRUE(link_stats(p.up)->lost > 0 && link_stats(p.up)->duplicated > 0);
  sim_sched_run(sched, SIM_TIME_MAX);   /* run out the TIME-WAITs: the hash includes them */
  out.trace_hash = trace_hash;
  out.events = sim_sched_stats(sched)->fired;
  pair_finish(&p);
  sim_dist_free(lp.jitter);
  g_ptr_array_free(srv.server_side, TRUE);
  g_free(cx);
  g_free(starts);
  return out;
}

/* 10 % loss each way: retransmission carries every exchange through. */
static void
exchanges_complete_despite_loss_duplication_and_reordering(void)
{
  ExOutcome o = run_exchanges(0.10, 300, 11);
  CU_ASSERT_EQUAL(o.completed, 300);
  CU_ASSERT_EQUAL(o.abandoned, 0);
}

/* 45 % loss each way: some exchanges fail (their apps are told why) or are left
 * half-closed by a peer that gave up; every connection still ends cleanly. */
static void
exchanges_under_heavy_loss_fail_cleanly(void)
{
  ExOutcome o = run_exchanges(0.45, 300, 11);
  CU_ASSERT_EQUAL(o.completed + o.failed + o.hung, 300);
  CU_ASSERT_TRUE(o.failed + o.hung > 0);
  CU_ASSERT_TRUE(o.completed > 150);
}


/* The same seed gives the same run, record for record; another seed another run. */
static void
same_seed_gives_the_same_run(void)
{
  ExOutcome a = run_exchanges(0.2, 100, 5);
  ExOutcome b = run_exchanges(0.2, 100, 5);
  ExOutcome c = run_exchanges(0.2, 100, 6);
  CU_ASSERT_EQUAL(a.trace_hash, b.trace_hash);
  CU_ASSERT_EQUAL(a.events, b.events);
  CU_ASSERT_EQUAL(a.completed, b.completed);
  CU_ASSERT_NOT_EQUAL(a.trace_hash, c.trace_hash);
  CU_ASSERT_TRUE(a.events > 1000);
}


/* ---- Linux behaviours the public packetdrill lifecycle scripts pin ------------------ */

/* close/close-remote-fin-then-close.pkt: after the passive close completes, a stray ACK
 * to the port (still listened on) is answered <SEQ=SEG.ACK><CTL=RST>. */
static void
passive_close_then_stray_ack_gets_rst_from_listener(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l;
  TcpConn *c = open_passive(&h, &l, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 2, 0);
  TcpErr err;
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 0);
  harness_run_until(&h, 30 * SIM_MS);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 2, 0);
  harness_inject(&h, 40 * SIM_MS, SPORT, LPORT, TCP_ACK, PEER_ISN + 2, 2, 0);
  harness_inject(&h, 50 * SIM_MS, SPORT, LPORT, TCP_ACK, PEER_ISN + 2, 2, 0);
  harness_run_until(&h, 50 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_RST, 2, 0, 0), 50 * SIM_MS);
  harness_expect_nothing(&h);
  tcp_close(l);
  harness_finish(&h);
}

/* close/close-on-syn-sent.pkt: close() in SYN-SENT sends no RST; the SYN,ACK that comes
 * later finds no connection and is answered <SEQ=SEG.ACK><CTL=RST>. */
static void
close_in_syn_sent_sends_nothing_and_late_syn_ack_gets_rst(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  tcp_close(c);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  harness_inject(&h, 100 * SIM_MS, SPORT, 32768, TCP_SYN | TCP_ACK, 0, 1, 0);
  harness_run_until(&h, 100 * SIM_MS);
  harness_expect(&h, TCP_RST, 1, 0, 0);
  harness_finish(&h);
}

static void
syn_retries_1(TcpConfig *cfg)
{
  cfg->syn_retries = 1;
}

/* packetdrill/tests/packet-timeout.pkt: with tcp_syn_retries=1 the SYN goes at 0 and 1 s
 * and nothing at 3 s: connect fails with ETIMEDOUT then. */
static void
syn_retries_1_sends_two_syns_and_fails_at_3s(void)
{
  Harness h;
  harness_init(&h, syn_retries_1);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  harness_run_until(&h, 1 * SIM_S);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN, 0, 0, 0), 1 * SIM_S);
  harness_run_until(&h, 3 * SIM_S - 1);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_SYN_SENT);
  harness_run_until(&h, 3 * SIM_S);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_TIMEDOUT);
  tcp_close(c);
  harness_finish(&h);
}

/* shutdown/shutdown-wr-close.pkt: after shutdown(SHUT_WR) and the ACK of the FIN, a
 * write fails with EPIPE, data still arrives, and after close() the peer's FIN moves the
 * orphan from FIN-WAIT-2 to TIME-WAIT. */
static void
shutdown_write_then_close_receives_until_peer_fin(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l;
  TcpConn *c = open_passive(&h, &l, 0);
  harness_run_until(&h, 20 * SIM_MS);
  tcp_shutdown_write(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 20 * SIM_MS);
  TcpErr err;
  CU_ASSERT_EQUAL(tcp_write(c, 1000, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_PIPE);
  harness_inject(&h, 30 * SIM_MS, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 2, 1000);
  harness_run_until(&h, 30 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 1001, 0);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 1000);
  harness_run_until(&h, 40 * SIM_MS);
  tcp_close(c);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  harness_inject(&h, 50 * SIM_MS, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1001, 2, 0);
  harness_run_until(&h, 50 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 1002, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_TIME_WAIT);
  harness_run_until(&h, 61 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  tcp_close(l);
  harness_finish(&h);
}

/* ---- configuration and the state table --------------------------------------------- */

static void
transition_table_follows_rfc_figure_5(void)
{
  CU_ASSERT_TRUE(tcp_transition_legal(TCP_CLOSED, TCP_SYN_SENT));
  CU_ASSERT_TRUE(tcp_transition_legal(TCP_SYN_SENT, TCP_ESTABLISHED));
  CU_ASSERT_TRUE(tcp_transition_legal(TCP_FIN_WAIT_2, TCP_TIME_WAIT));
  CU_ASSERT_TRUE(tcp_transition_legal(TCP_TIME_WAIT, TCP_CLOSED));
  CU_ASSERT_FALSE(tcp_transition_legal(TCP_CLOSED, TCP_ESTABLISHED));
  CU_ASSERT_FALSE(tcp_transition_legal(TCP_LISTEN, TCP_ESTABLISHED));   /* 3-way only */
  CU_ASSERT_FALSE(tcp_transition_legal(TCP_ESTABLISHED, TCP_TIME_WAIT));
  CU_ASSERT_FALSE(tcp_transition_legal(TCP_CLOSE_WAIT, TCP_TIME_WAIT));
  CU_ASSERT_FALSE(tcp_transition_legal(TCP_TIME_WAIT, TCP_ESTABLISHED));
  CU_ASSERT_STRING_EQUAL(tcp_state_name(TCP_CLOSE_WAIT), "CLOSE-WAIT");
  CU_ASSERT_STRING_EQUAL(tcp_state_name(TCP_TIME_WAIT), "TIME-WAIT");
}

static void
presets_carry_linux_and_rfc_values(void)
{
  TcpConfig lx, rfc;
  tcp_config_preset(&lx, TCP_PRESET_LINUX);
  tcp_config_preset(&rfc, TCP_PRESET_RFC);
  CU_ASSERT_EQUAL(lx.time_wait, 60 * SIM_S);
  CU_ASSERT_EQUAL(lx.rto_min, 200 * SIM_MS);
  CU_ASSERT_EQUAL(lx.syn_retries, 6);
  CU_ASSERT_EQUAL(lx.synack_retries, 5);
  CU_ASSERT_EQUAL(lx.port_lo, 32768);
  CU_ASSERT_EQUAL(lx.port_hi, 60999);
  CU_ASSERT_EQUAL(rfc.time_wait, 2 * rfc.msl);
  CU_ASSERT_EQUAL(rfc.rto_min, 1 * SIM_S);
  CU_ASSERT_TRUE(tcp_config_validate(&lx, NULL));
  CU_ASSERT_TRUE(tcp_config_validate(&rfc, NULL));
}

static void
config_rejects_what_the_model_cannot_run(void)
{
  TcpConfig c;
  GError *err = NULL;
  tcp_config_preset(&c, TCP_PRESET_LINUX);
  c.handshake = 5;
  CU_ASSERT_FALSE(tcp_config_validate(&c, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_RANGE, "tcp.handshake");
  tcp_config_preset(&c, TCP_PRESET_LINUX);
  c.time_wait = -1;
  CU_ASSERT_FALSE(tcp_config_validate(&c, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_RANGE, "tcp.time_wait");
  tcp_config_preset(&c, TCP_PRESET_LINUX);
  c.port_lo = 40000;
  c.port_hi = 30000;
  CU_ASSERT_FALSE(tcp_config_validate(&c, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_RANGE, "tcp.port_range");
  tcp_config_preset(&c, TCP_PRESET_LINUX);
  c.rto_max = c.rto_min - 1;
  CU_ASSERT_FALSE(tcp_config_validate(&c, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_RANGE, "tcp.rto_max");
  tcp_config_preset(&c, TCP_PRESET_LINUX);
  c.mss = 0;
  CU_ASSERT_FALSE(tcp_config_validate(&c, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_RANGE, "tcp.mss");
}

void test_tcp_register(void);
void
test_tcp_register(void)
{
  static const CU_TestInfo tests[] = {
    { "syn_sent_sends_syn_then_ack_of_syn_ack", syn_sent_sends_syn_then_ack_of_syn_ack },
    { "listen_answers_syn_and_establishes_on_ack", listen_answers_syn_and_establishes_on_ack },
    { "data_written_in_syn_sent_rides_on_the_third_segment",
      data_written_in_syn_sent_rides_on_the_third_segment },
    { "listen_drops_data_carried_on_syn", listen_drops_data_carried_on_syn },
    { "syn_sent_backs_off_exponentially_then_times_out",
      syn_sent_backs_off_exponentially_then_times_out },
    { "syn_sent_with_linear_timeouts_keeps_one_second_first",
      syn_sent_with_linear_timeouts_keeps_one_second_first },
    { "syn_received_backs_off_then_drops_the_embryo",
      syn_received_backs_off_then_drops_the_embryo },
    { "syn_received_answers_duplicate_syn_with_syn_ack",
      syn_received_answers_duplicate_syn_with_syn_ack },
    { "closed_port_answers_with_rst", closed_port_answers_with_rst },
    { "syn_sent_rst_refuses_the_connection", syn_sent_rst_refuses_the_connection },
    { "syn_sent_bad_ack_gets_rst_and_bad_rst_is_ignored",
      syn_sent_bad_ack_gets_rst_and_bad_rst_is_ignored },
    { "established_rst_in_window_gets_challenge_ack",
      established_rst_in_window_gets_challenge_ack },
    { "established_syn_gets_challenge_ack", established_syn_gets_challenge_ack },
    { "close_with_unread_data_sends_rst", close_with_unread_data_sends_rst },
    { "established_sends_mss_segments_and_retransmits_on_timeout",
      established_sends_mss_segments_and_retransmits_on_timeout },
    { "established_out_of_order_data_gets_duplicate_ack",
      established_out_of_order_data_gets_duplicate_ack },
    { "active_close_walks_fin_wait_1_fin_wait_2_time_wait_closed",
      active_close_walks_fin_wait_1_fin_wait_2_time_wait_closed },
    { "time_wait_reacks_retransmitted_fin_and_restarts",
      time_wait_reacks_retransmitted_fin_and_restarts },
    { "fin_wait_1_fin_with_ack_of_fin_goes_to_time_wait",
      fin_wait_1_fin_with_ack_of_fin_goes_to_time_wait },
    { "passive_close_walks_close_wait_last_ack_closed",
      passive_close_walks_close_wait_last_ack_closed },
    { "last_ack_retransmits_fin", last_ack_retransmits_fin },
    { "half_close_keeps_receiving", half_close_keeps_receiving },
    { "simultaneous_open_goes_through_syn_received",
      simultaneous_open_goes_through_syn_received },
    { "simultaneous_close_goes_through_closing_to_time_wait",
      simultaneous_close_goes_through_closing_to_time_wait },
    { "listen_drops_syn_when_syn_backlog_is_full", listen_drops_syn_when_syn_backlog_is_full },
    { "listen_drops_syn_when_accept_queue_is_full", listen_drops_syn_when_accept_queue_is_full },
    { "connect_timeout_fails_the_connect_at_its_deadline",
      connect_timeout_fails_the_connect_at_its_deadline },
    { "connect_timeout_ends_with_the_handshake", connect_timeout_ends_with_the_handshake },
    { "orphan_gives_up_fin_after_fin_retries", orphan_gives_up_fin_after_fin_retries },
    { "isn_clock_counts_four_microsecond_ticks", isn_clock_counts_four_microsecond_ticks },
    { "isn_rfc6528_offsets_the_clock_per_four_tuple",
      isn_rfc6528_offsets_the_clock_per_four_tuple },
    { "sequence_numbers_wrap_modulo_2_32", sequence_numbers_wrap_modulo_2_32 },
    { "trace_records_state_changes_and_segments", trace_records_state_changes_and_segments },
    { "random_segments_and_calls_never_break_the_model",
      random_segments_and_calls_never_break_the_model },
    { "client_time_wait_exhausts_ports_then_frees_them",
      client_time_wait_exhausts_ports_then_frees_them },
    { "tw_reuse_takes_over_a_time_wait_port_after_the_delay",
      tw_reuse_takes_over_a_time_wait_port_after_the_delay },
    { "exchanges_complete_despite_loss_duplication_and_reordering",
      exchanges_complete_despite_loss_duplication_and_reordering },
    { "exchanges_under_heavy_loss_fail_cleanly", exchanges_under_heavy_loss_fail_cleanly },
    { "same_seed_gives_the_same_run", same_seed_gives_the_same_run },
    { "passive_close_then_stray_ack_gets_rst_from_listener",
      passive_close_then_stray_ack_gets_rst_from_listener },
    { "close_in_syn_sent_sends_nothing_and_late_syn_ack_gets_rst",
      close_in_syn_sent_sends_nothing_and_late_syn_ack_gets_rst },
    { "syn_retries_1_sends_two_syns_and_fails_at_3s", syn_retries_1_sends_two_syns_and_fails_at_3s },
    { "shutdown_write_then_close_receives_until_peer_fin",
      shutdown_write_then_close_receives_until_peer_fin },
    { "transition_table_follows_rfc_figure_5", transition_table_follows_rfc_figure_5 },
    { "presets_carry_linux_and_rfc_values", presets_carry_linux_and_rfc_values },
    { "config_rejects_what_the_model_cannot_run", config_rejects_what_the_model_cannot_run },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("tcp", tests);
}
