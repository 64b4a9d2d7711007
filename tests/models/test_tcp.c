/* Tests for models/tcp.c, one behaviour each, packetdrill-style: the test plays the
 * peer, injects segments at set times and expects the host's segments with exact flags,
 * sequence and acknowledgement numbers, lengths, times, states and timer deadlines.
 * The host uses ISN policy zero, so its ISS is 0; the peer's ISN is PEER_ISN. Claim
 * numbers refer to ../shared/seed/CLAIMS.md. */
#include "harness.h"
#include "link.h"
#include "pair.h"

#define PEER_ISN HARNESS_PEER_ISN
#define SPORT HARNESS_PEER_PORT
#define LPORT HARNESS_LISTEN_PORT   /* the host's listening port in passive tests */

/* ---- helpers ----------------------------------------------------------------------- */

/* Active open from the host to the peer, completed: returns the ESTABLISHED connection.
 * Segments: > S 0:0  < S. PEER_ISN ack 1  > . 1 ack PEER_ISN+1 */
static TcpConn *
open_active(Harness *h, SimTime t)
{
  return harness_open_active(h, t, 0, 0, NULL, NULL);
}

/* Passive open on LPORT, completed and accepted: returns the ESTABLISHED child, after
 * checking that the app was told once that it could accept. */
static TcpConn *
open_passive(Harness *h, TcpConn **listener_out, SimTime t)
{
  TcpConn *c = harness_open_passive(h, listener_out, t, 0);
  CU_ASSERT_EQUAL(h->app.acceptable, 1);
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

/* RFC 6298 alone: no tail loss probe ahead of the RTO. */
static void
no_tlp(TcpConfig *cfg)
{
  cfg->tlp = FALSE;
}

/* A write is cut into MSS segments, PSH on the last; the ACK stops the timer; a lost
 * segment is sent again after the RTO with exponential backoff. */
static void
established_sends_mss_segments_and_retransmits_on_timeout(void)
{
  Harness h;
  harness_init(&h, no_tlp);
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

/* A FIN past a gap is out of order too: a duplicate ACK asks for the gap, the FIN is not
 * taken (no CLOSE-WAIT, nothing to read); the FIN sent again after the gap is. */
static void
established_out_of_order_fin_gets_duplicate_ack(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 101, 1, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(h.app.readable, 0);
  harness_inject(&h, 30 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 1, 100);
  harness_inject(&h, 30 * SIM_MS, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 101, 1, 0);
  harness_run_until(&h, 30 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 102, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSE_WAIT);
  CU_ASSERT_EQUAL(tcp_readable(c), 100);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 102, 0);
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
  harness_init(&h, no_tlp);
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
  cfg->tlp = FALSE;
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

/* What a record's subject says, copied while the sink has it. */
typedef struct {
  SimTraceRecord rec;
  uint8_t flags;            /* the segment's, for segment records */
  uint32_t seq;
  TcpState state;           /* the connection's, for state records */
} TracedRec;

static void
collect_subject(void *ctx, const SimTraceRecord *rec)
{
  TracedRec t = { .rec = *rec };
  if (rec->kind == TCP_TRACE_STATE || rec->kind == TCP_TRACE_TIMER) {
    t.state = tcp_state(rec->subject);
  } else if (rec->subject != NULL) {
    const Segment *s = rec->subject;
    t.flags = s->flags;
    t.seq = s->seq;
  }
  g_array_append_val(((TraceLog *)ctx)->recs, t);
}

/* Every state change and segment reaches the trace sink, in order, with its fields and
 * its subject: the connection for a state change, the segment for the model's send and
 * receive and for the host's hand-over to and from the network. */
static void
trace_records_state_changes_and_segments(void)
{
  Harness h;
  harness_init(&h, NULL);
  SimLog log;
  sim_log_init(&log);
  TraceLog tl = { g_array_new(FALSE, FALSE, sizeof(TracedRec)) };
  sim_log_set_trace(&log, collect_subject, &tl);
  h.net->log = &log;
  TcpConn *c = open_active(&h, 0);
  uint64_t inc = tcp_incarnation(c);
  uint32_t iss = tcp_iss(c);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  enum { OUT = NET_TRACE_HOST_OUT, IN = NET_TRACE_HOST_IN };
  const struct {
    int64_t kind, a1, a2, a3;
    SimTime t;
    uint8_t flags;          /* segment records: the subject's flags */
    TcpState state;         /* state records: the subject's state (the new one) */
  } want[] = {
    { TCP_TRACE_STATE, TCP_CLOSED, TCP_SYN_SENT, 0, 0, 0, TCP_SYN_SENT },
    { TCP_TRACE_SEND, TCP_SYN, 0, 0, 0, TCP_SYN, 0 },
    { OUT, 0, 0, 0, 0, TCP_SYN, 0 },
    { IN, 0, 0, 0, 10 * SIM_MS, TCP_SYN | TCP_ACK, 0 },
    { TCP_TRACE_RECV, TCP_SYN | TCP_ACK, PEER_ISN, 1, 10 * SIM_MS, TCP_SYN | TCP_ACK, 0 },
    { TCP_TRACE_STATE, TCP_SYN_SENT, TCP_ESTABLISHED, 0, 10 * SIM_MS, 0, TCP_ESTABLISHED },
    { TCP_TRACE_SEND, TCP_ACK, 1, PEER_ISN + 1, 10 * SIM_MS, TCP_ACK, 0 },
    { OUT, 0, 0, 0, 10 * SIM_MS, TCP_ACK, 0 },
    { TCP_TRACE_SEND, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 10 * SIM_MS, TCP_RST | TCP_ACK, 0 },
    { OUT, 0, 0, 0, 10 * SIM_MS, TCP_RST | TCP_ACK, 0 },
    { TCP_TRACE_STATE, TCP_ESTABLISHED, TCP_CLOSED, 0, 10 * SIM_MS, 0, TCP_CLOSED },
  };
  CU_ASSERT_EQUAL_FATAL(tl.recs->len, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const TracedRec *t = &g_array_index(tl.recs, TracedRec, i);
    const SimTraceRecord *r = &t->rec;
    CU_ASSERT_EQUAL(r->kind, want[i].kind);
    CU_ASSERT_EQUAL(r->time, want[i].t);
    CU_ASSERT_EQUAL(r->component, HARNESS_HOST_ADDR);
    CU_ASSERT_PTR_NOT_NULL(r->subject);
    if (want[i].kind == OUT || want[i].kind == IN) {
      CU_ASSERT_EQUAL(t->flags, want[i].flags);
      continue;
    }
    CU_ASSERT_EQUAL(r->arg[0], (int64_t)inc);
    CU_ASSERT_EQUAL(r->arg[1], want[i].a1);
    CU_ASSERT_EQUAL(r->arg[2], want[i].a2);
    if (want[i].kind == TCP_TRACE_STATE) {
      CU_ASSERT_EQUAL(t->state, want[i].state);
    } else {
      CU_ASSERT_EQUAL(r->arg[3], want[i].a3);
      CU_ASSERT_EQUAL(t->flags, want[i].flags);
      /* seq relative to the ISS of our side or to the peer's */
      CU_ASSERT_EQUAL(t->seq - (want[i].kind == TCP_TRACE_SEND ? iss : 0), (uint32_t)want[i].a2);
    }
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

/* A client and a server joined by two perfect links with a 1 ms delay each way, the
 * server listening on port 80. */
typedef struct {
  Pair pair;
  TcpConn *listener;
  AppLog capp, sapp;
  TcpCallbacks cb;
} Duo;

static void
duo_app_closed(TcpConn *c, TcpErr err, void *app)
{
  AppLog *log = app;
  log->closed++;
  log->closed_err = err;
  tcp_close(c);   /* let go at once, as a client that only counts */
}

/* The server keeps what it accepts and closes when it reads the end of the stream: the
 * client is the active closer and holds TIME-WAIT. */
static void
duo_app_acceptable(TcpConn *l, void *app)
{
  ((AppLog *)app)->acceptable++;
  while (tcp_accept(l, NULL))
    ;
}

static void
duo_app_readable(TcpConn *c, void *app)
{
  ((AppLog *)app)->readable++;
  if (tcp_read(c, UINT32_MAX, NULL) == 0)
    tcp_close(c);
}

/* A client (address 1) and a server (address 2, listening on port 80 with @lcb/@lapp)
 * joined by two links with impairments @lp (NULL: perfect, 1 ms each way). */
static void
duo_init_with(Duo *d, void (*tweak)(TcpConfig *cfg), const LinkParams *lp, uint64_t seed,
              const TcpCallbacks *lcb, void *lapp)
{
  memset(d, 0, sizeof *d);
  TcpConfig cfg;
  pair_config(&cfg, FALSE, tweak);
  pair_init(&d->pair, seed, &cfg, &cfg, lp, lp);
  d->cb = (TcpCallbacks){ NULL, duo_app_acceptable, duo_app_readable, duo_app_closed };
  d->listener = tcp_listen(d->pair.server, 80, 1024, lcb ? lcb : &d->cb, lcb ? lapp : &d->sapp,
                           NULL);
}

/* duo_init_with perfect links, seed 7 and the counting apps on both sides. */
static void
duo_init(Duo *d, void (*tweak)(TcpConfig *cfg))
{
  duo_init_with(d, tweak, NULL, 7, NULL, NULL);
}

/* Runs out what is in flight and every timer, closes the listener, checks that neither
 * host holds a connection and frees everything (pair_free). */
static void
duo_finish(Duo *d)
{
  sim_sched_run(d->pair.sched, SIM_TIME_MAX);   /* deliver what is in flight, expire timers */
  tcp_close(d->listener);
  CU_ASSERT_EQUAL(host_conn_count(d->pair.client), 0);
  CU_ASSERT_EQUAL(host_conn_count(d->pair.server), 0);
  pair_free(&d->pair);
}

/* Opens a connection from the client and closes it from the client once established:
 * the client ends in TIME-WAIT, the server in CLOSED. */
static TcpConn *
duo_open_close(Duo *d, TcpErr *err)
{
  SimSched *sched = d->pair.sched;
  TcpConn *c = tcp_connect(d->pair.client, 2, 80, 0, &d->cb, &d->capp, err);
  if (c == NULL)
    return NULL;
  sim_sched_run(sched, sim_sched_now(sched) + 5 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  tcp_close(c);
  sim_sched_run(sched, sim_sched_now(sched) + 10 * SIM_MS);
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
  Duo d;
  duo_init(&d, four_ports);
  for (int i = 0; i < 4; i++) {
    TcpConn *c = duo_open_close(&d, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(tcp_local_port(c), 40000 + i);
  }
  CU_ASSERT_EQUAL(host_conn_count(d.pair.client), 4);   /* all four in TIME-WAIT */
  CU_ASSERT_EQUAL(host_conn_count(d.pair.server), 0);   /* the passive closer is done */
  TcpErr err;
  CU_ASSERT_PTR_NULL(tcp_connect(d.pair.client, 2, 80, 0, &d.cb, &d.capp, &err));
  CU_ASSERT_EQUAL(err, TCP_ERR_ADDRNOTAVAIL);
  CU_ASSERT_EQUAL(host_stats(d.pair.client)->port_exhausted, 1);
  /* another destination port is another 4-tuple: ports are free for it */
  TcpConn *other = tcp_connect(d.pair.client, 2, 81, 0, &d.cb, &d.capp, &err);
  CU_ASSERT_PTR_NOT_NULL(other);
  /* refused: no listener */
  sim_sched_run(d.pair.sched, sim_sched_now(d.pair.sched) + 10 * SIM_MS);
  CU_ASSERT_EQUAL(d.capp.closed_err, TCP_ERR_REFUSED);
  /* when the first TIME-WAIT ends, its port comes back */
  sim_sched_run(d.pair.sched, 60 * SIM_S + 20 * SIM_MS);
  CU_ASSERT_EQUAL(host_conn_count(d.pair.client), 3);
  TcpConn *again = tcp_connect(d.pair.client, 2, 80, 0, &d.cb, &d.capp, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(again);
  CU_ASSERT_EQUAL(tcp_local_port(again), 40000);
  sim_sched_run(d.pair.sched, sim_sched_now(d.pair.sched) + 5 * SIM_MS);
  tcp_close(again);
  duo_finish(&d);
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
  Duo d;
  duo_init(&d, four_ports_tw_reuse);
  uint32_t old_snd_nxt[4];
  for (int i = 0; i < 4; i++)
    old_snd_nxt[i] = tcp_snd_nxt(duo_open_close(&d, NULL));
  TcpErr err;
  /* too early: TIME-WAIT entered less than 1 s ago */
  CU_ASSERT_PTR_NULL(tcp_connect(d.pair.client, 2, 80, 0, &d.cb, &d.capp, &err));
  CU_ASSERT_EQUAL(err, TCP_ERR_ADDRNOTAVAIL);
  sim_sched_run(d.pair.sched, sim_sched_now(d.pair.sched) + 1 * SIM_S);
  TcpConn *c = tcp_connect(d.pair.client, 2, 80, 0, &d.cb, &d.capp, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_local_port(c), 40000);
  CU_ASSERT_EQUAL(tcp_iss(c), old_snd_nxt[0] + 65535 + 2);
  CU_ASSERT_EQUAL(host_stats(d.pair.client)->tw_reused, 1);
  CU_ASSERT_EQUAL(host_conn_count(d.pair.client), 4);
  sim_sched_run(d.pair.sched, sim_sched_now(d.pair.sched) + 5 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  tcp_close(c);
  duo_finish(&d);
}


/* ---- compact TIME-WAIT records ------------------------------------------------------ */

static void
tw_compact_on(TcpConfig *cfg)
{
  cfg->tw_compact = TRUE;
}

static void
tw_compact_one_port_reuse(TcpConfig *cfg)
{
  cfg->tw_compact = TRUE;
  cfg->port_lo = cfg->port_hi = 32768;
  cfg->tw_reuse = TRUE;
}

/* An active open at 0, closed by the app at once and by the peer at 20 ms: the
 * connection is in TIME-WAIT from 20 ms on, let go by its app (compact when allowed). */
static void
close_into_time_wait(Harness *h)
{
  TcpConn *c = open_active(h, 0);
  tcp_close(c);
  harness_expect(h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_inject(h, 20 * SIM_MS, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(h, 20 * SIM_MS);
  harness_expect(h, TCP_ACK, 2, PEER_ISN + 2, 0);
}

/* A connection in TIME-WAIT that its app has let go moves into a compact record and
 * behaves as before: it re-ACKs a retransmitted FIN and restarts, expires on time, and
 * its time is counted. (The test never touches the connection after tcp_close.) */
static void
compact_time_wait_reacks_restarts_and_expires(void)
{
  Harness h;
  harness_init(&h, tw_compact_on);
  close_into_time_wait(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 1);
  harness_inject(&h, 30 * SIM_S, SPORT, 32768, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 30 * SIM_S);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0), 30 * SIM_S);
  /* an in-window ACK is taken silently; a segment outside the window gets an ACK */
  harness_inject(&h, 31 * SIM_S, SPORT, 32768, TCP_ACK, PEER_ISN + 2, 2, 0);
  harness_run_until(&h, 31 * SIM_S);
  harness_expect_nothing(&h);
  harness_inject(&h, 32 * SIM_S, SPORT, 32768, TCP_ACK, PEER_ISN + 100000, 2, 10);
  harness_run_until(&h, 32 * SIM_S);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0);
  harness_run_until(&h, 90 * SIM_S - 1);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  harness_run_until(&h, 90 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 0);
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_TIME_WAIT][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(h.net->tcp.state_time[TCP_TIME_WAIT], 90 * SIM_S - 20 * SIM_MS);
  harness_finish(&h);
}

/* An exact RST ends a compact TIME-WAIT at once (rst_in_time_wait). */
static void
compact_time_wait_ends_on_rst(void)
{
  Harness h;
  harness_init(&h, tw_compact_on);
  close_into_time_wait(&h);
  harness_inject(&h, 1 * SIM_S, SPORT, 32768, TCP_RST, PEER_ISN + 2, 0, 0);
  harness_run_until(&h, 1 * SIM_S);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 0);
  CU_ASSERT_EQUAL(h.net->tcp.state_time[TCP_TIME_WAIT], 1 * SIM_S - 20 * SIM_MS);
  harness_expect_nothing(&h);
  harness_finish(&h);
}

/* The passive opener closes first and waits in a compact TIME-WAIT; a new SYN above
 * RCV.NXT ends it and the listener answers it: a new incarnation on the 4-tuple. */
static void
compact_time_wait_hands_a_new_syn_to_the_listener(void)
{
  Harness h;
  harness_init(&h, tw_compact_on);
  TcpConn *l;
  TcpConn *c = open_passive(&h, &l, 0);
  tcp_close(c);
  harness_expect(&h, TCP_FIN | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, LPORT, TCP_FIN | TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 2, 0);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  harness_inject(&h, 5 * SIM_S, SPORT, LPORT, TCP_SYN, PEER_ISN + 100000, 0, 0);
  harness_run_until(&h, 5 * SIM_S);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 100001, 0), 5 * SIM_S);
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_TIME_WAIT][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);       /* the new embryo */
  tcp_close(l);
  harness_finish(&h);
}

/* tw_reuse takes the only port from a compact TIME-WAIT record: the new incarnation's
 * ISS starts above the old SND.NXT (2 with ISN zero: SYN and FIN) + 65537. */
static void
compact_time_wait_port_taken_over_by_tw_reuse(void)
{
  Harness h;
  harness_init(&h, tw_compact_one_port_reuse);
  close_into_time_wait(&h);
  harness_run_until(&h, 2 * SIM_S);
  TcpErr err;
  TcpConn *n = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(n);
  CU_ASSERT_EQUAL(tcp_local_port(n), 32768);
  CU_ASSERT_EQUAL(tcp_iss(n), 2 + 65535 + 2);
  harness_expect(&h, TCP_SYN, 2 + 65535 + 2, 0, 0);
  CU_ASSERT_EQUAL(host_stats(h.host)->tw_reused, 1);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 1);
  tcp_abort(n);
  harness_finish(&h);
}

/* Host teardown frees compact records like any connection. */
static void
compact_time_wait_freed_with_the_host(void)
{
  Harness h;
  harness_init(&h, tw_compact_on);
  close_into_time_wait(&h);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 1);
  harness_finish(&h);      /* frees the host with the record in it; checks nothing is left */
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
  Duo d;
  duo_init_with(&d, NULL, &lp, seed, &ex_listen_cb, &srv);
  SimLog log;
  sim_log_init(&log);
  uint64_t trace_hash = 0xcbf29ce484222325ULL;
  sim_log_set_trace(&log, hash_trace, &trace_hash);
  d.pair.net->log = &log;
  SimSched *sched = d.pair.sched;
  Host *client = d.pair.client;
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
  CU_ASSERT_TRUE(link_stats(d.pair.up)->lost > 0 && link_stats(d.pair.up)->duplicated > 0);
  sim_sched_run(sched, SIM_TIME_MAX);   /* run out the TIME-WAITs: the hash includes them */
  out.trace_hash = trace_hash;
  out.events = sim_sched_stats(sched)->fired;
  duo_finish(&d);
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

/* ---- window scaling (RFC 7323) ------------------------------------------------------ */

/* As harness_inject, with the advertised window @wnd (bytes) and the window-scale option
 * announcing @wscale (-1: no option) chosen by the test. */
static void
inject_opts(Harness *h, SimTime at, uint16_t sport, uint16_t dport, uint8_t flags,
            uint32_t seq, uint32_t ack, uint32_t len, uint32_t wnd, int wscale)
{
  Segment *s = harness_segment(h, sport, dport, flags, seq, ack, len);
  s->wnd = wnd;
  seg_set_wscale(s, wscale);
  harness_inject_segment(h, at, s);
}

/* The next captured segment, not popped, to read the fields harness_expect does not
 * check; if nothing was sent, the assertion fails and an all-zero segment stands in. */
static const Segment *
peek_out(Harness *h)
{
  static const Segment none;
  Captured *c = g_queue_peek_head(&h->out);
  CU_ASSERT_PTR_NOT_NULL(c);
  return c ? c->seg : &none;
}

static uint32_t tweak_rcv_wnd = 65535;

static void
rcv_wnd_of_test(TcpConfig *cfg)
{
  cfg->rcv_wnd = tweak_rcv_wnd;
}

static void
rcv_wnd_1000003(TcpConfig *cfg)
{
  cfg->rcv_wnd = 1000003;   /* shift 4: 1000003 >> 4 = 62500; scaled window 1000000 */
}

static void
rcv_wnd_1000003_no_wscale(TcpConfig *cfg)
{
  cfg->rcv_wnd = 1000003;
  cfg->window_scaling = FALSE;
}

static void
rcv_wnd_1_gib(TcpConfig *cfg)
{
  cfg->rcv_wnd = 1u << 30;
}

/* RFC 7323 §2.3: our SYN announces the least shift s with rcv_wnd >> s <= 65535, at most
 * 14, and its own window field is never scaled (§2.2): min(rcv_wnd, 65535). */
static void
wscale_syn_announces_the_least_shift_that_fits_rcv_wnd(void)
{
  static const struct {
    uint32_t rcv_wnd;
    int shift;
  } cases[] = {
    { 1000, 0 },          { 65535, 0 },           { 65536, 1 },
    { 131071, 1 },        { 131072, 2 },          { 1000003, 4 },
    { (1u << 29) - 1, 13 }, { 1u << 29, 14 },     { 0xffffffffu, 14 },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
    Harness h;
    tweak_rcv_wnd = cases[i].rcv_wnd;
    harness_init(&h, rcv_wnd_of_test);
    TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
    const Segment *syn = peek_out(&h);
    if (seg_wscale(syn) != cases[i].shift)
      fprintf(stderr, "\n  rcv_wnd %u: shift %d, expected %d\n", cases[i].rcv_wnd,
              seg_wscale(syn), cases[i].shift);
    CU_ASSERT_EQUAL(seg_wscale(syn), cases[i].shift);
    CU_ASSERT_EQUAL(syn->wnd, MIN(cases[i].rcv_wnd, 65535u));
    CU_ASSERT_EQUAL(syn->mss, 1460);
    harness_expect(&h, TCP_SYN, 0, 0, 0);
    CU_ASSERT_FALSE(tcp_wscale_ok(c));   /* not before the peer answered */
    tcp_abort(c);                        /* SYN-SENT: nothing to send */
    harness_finish(&h);
  }
  tweak_rcv_wnd = 65535;
}

/* Active open, both SYNs with the option: agreed; the SYN advertises 65535, every later
 * segment the window scaled down and back, (1000003 >> 4) << 4 = 1000000 bytes, and
 * carries no option. */
static void
wscale_agreed_on_active_open_advertises_the_scaled_window(void)
{
  Harness h;
  harness_init(&h, rcv_wnd_1000003);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  const Segment *s = peek_out(&h);
  CU_ASSERT_EQUAL(seg_wscale(s), 4);
  CU_ASSERT_EQUAL(s->wnd, 65535);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  inject_opts(&h, 10 * SIM_MS, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, 1, 0, 65535, 7);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_TRUE(tcp_wscale_ok(c));
  s = peek_out(&h);
  CU_ASSERT_EQUAL(s->wnd, 1000000);
  CU_ASSERT_EQUAL(seg_wscale(s), -1);
  CU_ASSERT_EQUAL(s->mss, 0);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 20 * SIM_MS);
  s = peek_out(&h);
  CU_ASSERT_EQUAL(s->wnd, 1000000);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, NULL), 100);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 101, 0);
  harness_finish(&h);
}

/* Active open, the SYN,ACK without the option: not agreed, so the window stays within
 * 16 bits unscaled: 65535 although rcv_wnd is 1000003. */
static void
wscale_not_agreed_when_the_syn_ack_lacks_it(void)
{
  Harness h;
  harness_init(&h, rcv_wnd_1000003);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  CU_ASSERT_EQUAL(seg_wscale(peek_out(&h)), 4);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  harness_inject(&h, 10 * SIM_MS, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_FALSE(tcp_wscale_ok(c));
  CU_ASSERT_EQUAL(peek_out(&h)->wnd, 65535);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 20 * SIM_MS);
  CU_ASSERT_EQUAL(peek_out(&h)->wnd, 65535);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, NULL), 100);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 101, 0);
  harness_finish(&h);
}

/* RFC 7323 §2.2: a SYN,ACK carries the option only in answer to a SYN that did. A SYN
 * without it gets a SYN,ACK without it and an unscaled window (65535) for the whole
 * connection; a SYN with it gets our shift (4) on the SYN,ACK (window 65535, never
 * scaled on a SYN) and 1000000 on the later segments. */
static void
wscale_syn_ack_carries_it_only_in_answer_to_a_syn_that_did(void)
{
  Harness h;
  harness_init(&h, rcv_wnd_1000003);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  /* first peer (SPORT): no option */
  harness_inject(&h, 0, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 0);
  const Segment *s = peek_out(&h);
  CU_ASSERT_EQUAL(seg_wscale(s), -1);
  CU_ASSERT_EQUAL(s->wnd, 65535);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_inject(&h, 10 * SIM_MS, SPORT, LPORT, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_EQUAL(peek_out(&h)->wnd, 65535);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
  TcpConn *a = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_FALSE(tcp_wscale_ok(a));
  /* second peer (SPORT + 1): announces shift 2 */
  inject_opts(&h, 20 * SIM_MS, SPORT + 1, LPORT, TCP_SYN, PEER_ISN, 0, 0, 65535, 2);
  harness_run_until(&h, 20 * SIM_MS);
  s = peek_out(&h);
  CU_ASSERT_EQUAL(seg_wscale(s), 4);
  CU_ASSERT_EQUAL(s->wnd, 65535);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_inject(&h, 30 * SIM_MS, SPORT + 1, LPORT, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 30 * SIM_MS);
  s = peek_out(&h);
  CU_ASSERT_EQUAL(s->wnd, 1000000);
  CU_ASSERT_EQUAL(seg_wscale(s), -1);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
  TcpConn *b = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT_TRUE(tcp_wscale_ok(b));
  CU_ASSERT_EQUAL(tcp_read(a, 1000, NULL), 100);
  CU_ASSERT_EQUAL(tcp_read(b, 1000, NULL), 100);
  tcp_abort(a);
  CU_ASSERT_EQUAL(peek_out(&h)->wnd, 0);   /* a RST advertises nothing */
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 101, 0);
  tcp_abort(b);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 101, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* window_scaling FALSE: no option on our SYN nor on a SYN,ACK, even in answer to a SYN
 * (or SYN,ACK) that has it; never agreed; windows stay at 65535. */
static void
wscale_off_sends_no_option_and_never_agrees(void)
{
  Harness h;
  harness_init(&h, rcv_wnd_1000003_no_wscale);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  const Segment *s = peek_out(&h);
  CU_ASSERT_EQUAL(seg_wscale(s), -1);
  CU_ASSERT_EQUAL(s->wnd, 65535);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  inject_opts(&h, 10 * SIM_MS, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, 1, 0, 65535, 7);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_FALSE(tcp_wscale_ok(c));
  CU_ASSERT_EQUAL(peek_out(&h)->wnd, 65535);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
  /* passive side */
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  inject_opts(&h, 20 * SIM_MS, SPORT, LPORT, TCP_SYN, PEER_ISN, 0, 0, 65535, 7);
  harness_run_until(&h, 20 * SIM_MS);
  s = peek_out(&h);
  CU_ASSERT_EQUAL(seg_wscale(s), -1);
  CU_ASSERT_EQUAL(s->wnd, 65535);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_inject(&h, 30 * SIM_MS, SPORT, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 30 * SIM_MS);
  TcpConn *a = tcp_accept(l, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_FALSE(tcp_wscale_ok(a));
  harness_expect_nothing(&h);
  tcp_abort(a);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  tcp_close(l);
  harness_finish(&h);
}

/* RFC 7323 §2.3: with the shift at its maximum of 14, the window field (16 bits) holds at
 * most 65535, so no window above 65535 << 14 = 1073725440 bytes can be advertised: a
 * rcv_wnd of 1 GiB (2^30, which would need shift 15) must be advertised as 1073725440
 * (Linux clamps its window to U16_MAX << rcv_wscale in tcp_select_initial_window). */
static void
wscale_window_is_capped_at_65535_shifted_by_14(void)
{
  Harness h;
  harness_init(&h, rcv_wnd_1_gib);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  CU_ASSERT_EQUAL(seg_wscale(peek_out(&h)), 14);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  inject_opts(&h, 10 * SIM_MS, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, 1, 0, 65535, 7);
  harness_run_until(&h, 10 * SIM_MS);
  CU_ASSERT_TRUE(tcp_wscale_ok(c));
  CU_ASSERT_EQUAL(peek_out(&h)->wnd, 65535u << 14);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 0);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* ---- tail loss probe (RFC 8985 §7, Linux tcp_schedule_loss_probe) ------------------- */

/* One segment out (SRTT 10 ms, RTO 200 ms): the probe would come 2 SRTT + rto_min =
 * 220 ms after the send, later than the RTO, so it fires at the RTO deadline (send +
 * 200 ms) and resends the segment, counted as a probe and a retransmission but not as a
 * timeout. The RTO then runs from the probe, not backed off (200 ms later), and only
 * after that doubles (400 ms); no second probe. */
static void
tlp_single_segment_probe_fires_at_the_rto_deadline(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  CU_ASSERT_EQUAL(tcp_srtt(c), 10 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_rto(c), 200 * SIM_MS);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 300 * SIM_MS);
  harness_run_until(&h, 300 * SIM_MS - 1);
  harness_expect_nothing(&h);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 300 * SIM_MS);
  const TcpConnStats *st = tcp_conn_stats(c);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  CU_ASSERT_EQUAL(st->retransmits, 1);
  CU_ASSERT_EQUAL(st->timeouts, 0);
  CU_ASSERT_EQUAL(tcp_rto(c), 200 * SIM_MS);   /* a probe is no timeout: no backoff */
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 500 * SIM_MS);
  harness_run_until(&h, 500 * SIM_MS - 1);
  harness_expect_nothing(&h);
  harness_run_until(&h, 500 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 500 * SIM_MS);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  CU_ASSERT_EQUAL(st->retransmits, 2);
  CU_ASSERT_EQUAL(st->timeouts, 1);
  CU_ASSERT_EQUAL(tcp_rto(c), 400 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 900 * SIM_MS);
  harness_run_until(&h, 900 * SIM_MS - 1);
  harness_expect_nothing(&h);
  harness_run_until(&h, 900 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 900 * SIM_MS);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  CU_ASSERT_EQUAL(st->retransmits, 3);
  CU_ASSERT_EQUAL(st->timeouts, 2);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 1700 * SIM_MS);
  harness_inject(&h, 950 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 101, 0);
  harness_run_until(&h, 950 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  CU_ASSERT_EQUAL(tcp_rto(c), 200 * SIM_MS);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 101, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* Two segments out (a write of 2 MSS): the probe comes 2 SRTT + 2 ms after the last send
 * (100 + 22 ms), long before the RTO (300 ms), and resends the last segment (1461, 1460
 * bytes, PSH). A duplicate ACK does not allow a second probe: the next thing sent is
 * the RTO's retransmission of the oldest segment. */
static void
tlp_burst_probe_fires_2_srtt_plus_2_ms_after_the_last_send(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 2920, NULL), 2920);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 122 * SIM_MS);
  harness_run_until(&h, 122 * SIM_MS - 1);
  harness_expect_nothing(&h);
  harness_run_until(&h, 122 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460),
                  122 * SIM_MS);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 1);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->timeouts, 0);
  /* a duplicate ACK (SND.UNA does not move) changes nothing */
  harness_inject(&h, 200 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 200 * SIM_MS);
  harness_expect_nothing(&h);
  harness_run_until(&h, 400 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);   /* the RTO: go back to SND.UNA */
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 2);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->timeouts, 1);
  harness_inject(&h, 410 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 2921, 0);
  harness_run_until(&h, 410 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 2921, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* RFC 8985 §7.3 (and Linux tcp_send_loss_probe, which splits the last skb at
 * (pcount - 1) * mss): the probe resends the last segment sent. A write of 5000 bytes
 * goes as 1460 + 1460 + 1460 + 620: the probe is 4381:5001 (620 bytes, PSH), not the
 * last 1460 bytes of data (3541:5001, a segment that never existed). */
static void
tlp_probe_resends_the_last_segment_sent_not_the_last_mss(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 5000, NULL), 5000);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK, 1461, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK, 2921, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 4381, PEER_ISN + 1, 620);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 122 * SIM_MS);
  harness_run_until(&h, 122 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 4381, PEER_ISN + 1, 620),
                  122 * SIM_MS);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  harness_inject(&h, 130 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 5001, 0);
  harness_run_until(&h, 130 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 5001, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* RFC 8985 §7.3: after the probe the sender re-arms the RTO; Linux does it from the
 * probe's time (tcp_send_loss_probe sets icsk_pending = 0 "s.t. tcp_rearm_rto will
 * restart timer from now"), whatever the number of segments out. Two segments sent at
 * 100 ms, probe at 122 ms: the RTO fires at 122 + 200 = 322 ms, not at 300 ms. */
static void
tlp_rto_restarts_from_the_probe_with_several_segments_out(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 2920, NULL), 2920);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460);
  harness_run_until(&h, 122 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460),
                  122 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 322 * SIM_MS);
  harness_run_until(&h, 322 * SIM_MS - 1);
  harness_expect_nothing(&h);
  harness_run_until(&h, 322 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460), 322 * SIM_MS);
  harness_inject(&h, 330 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 2921, 0);
  harness_run_until(&h, 330 * SIM_MS);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 2921, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* A FIN sent alone (after the data) is the last segment: the probe resends the FIN
 * alone. Data at 100 ms, FIN at 110 ms: probe at 110 + 2 SRTT + 2 ms = 132 ms. */
static void
tlp_probe_resends_a_fin_sent_alone(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 2920, NULL), 2920);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460);
  harness_run_until(&h, 110 * SIM_MS);
  tcp_shutdown_write(c);
  harness_expect(&h, TCP_ACK | TCP_FIN, 2921, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 132 * SIM_MS);
  harness_run_until(&h, 132 * SIM_MS - 1);
  harness_expect_nothing(&h);
  harness_run_until(&h, 132 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_FIN, 2921, PEER_ISN + 1, 0), 132 * SIM_MS);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 1);
  harness_inject(&h, 140 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 2922, 0);
  harness_run_until(&h, 140 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 2922, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* A FIN that rode on the last data segment rides on the probe too: data written and
 * shut down in SYN-SENT go as 1/1460 and 1461/1460+FIN on the SYN,ACK at 10 ms; the
 * probe at 10 + 22 ms resends 1461/1460 with PSH and FIN. */
static void
tlp_probe_resends_data_with_the_fin_that_rode_on_it(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = tcp_connect(h.host, HARNESS_PEER_ADDR, SPORT, 0, &h.cb, &h.app, NULL);
  harness_expect(&h, TCP_SYN, 0, 0, 0);
  CU_ASSERT_EQUAL(tcp_write(c, 2920, NULL), 2920);
  tcp_shutdown_write(c);
  harness_inject(&h, 10 * SIM_MS, SPORT, 32768, TCP_SYN | TCP_ACK, PEER_ISN, 1, 0);
  harness_run_until(&h, 10 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH | TCP_FIN, 1461, PEER_ISN + 1, 1460);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_1);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 32 * SIM_MS);
  harness_run_until(&h, 32 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH | TCP_FIN, 1461, PEER_ISN + 1, 1460),
                  32 * SIM_MS);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  harness_inject(&h, 40 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 2922, 0);
  harness_run_until(&h, 40 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 2922, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* One probe per flight: after a probe, an ACK that moves SND.UNA allows the next flight
 * its own probe. Flight 1 (100 bytes at 100 ms) is probed at 300 ms and acknowledged at
 * 310 ms; flight 2 (2 MSS at 400 ms) is probed at 422 ms. */
static void
tlp_new_ack_after_the_probe_allows_a_probe_for_the_next_flight(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 300 * SIM_MS);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  harness_inject(&h, 310 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 101, 0);
  harness_run_until(&h, 310 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  CU_ASSERT_EQUAL(tcp_srtt(c), 10 * SIM_MS);   /* Karn: no sample from the probed segment */
  harness_run_until(&h, 400 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 2920, NULL), 2920);
  harness_expect(&h, TCP_ACK, 101, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1561, PEER_ISN + 1, 1460);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 422 * SIM_MS);
  harness_run_until(&h, 422 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1561, PEER_ISN + 1, 1460),
                  422 * SIM_MS);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 2);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->timeouts, 0);
  harness_inject(&h, 430 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 3021, 0);
  harness_run_until(&h, 430 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 3021, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* One probe per flight: new data sent after the probe, before any ACK, gets no probe of
 * its own (it would come at 150 + 22 = 172 ms); the next segment is the RTO's
 * retransmission of the oldest. */
static void
tlp_no_second_probe_for_data_sent_after_the_probe(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 2920, NULL), 2920);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460);
  harness_run_until(&h, 122 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460),
                  122 * SIM_MS);
  harness_run_until(&h, 150 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 1460, NULL), 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 2921, PEER_ISN + 1, 1460);
  harness_run_until(&h, 250 * SIM_MS);
  harness_expect_nothing(&h);
  harness_run_until(&h, 400 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->timeouts, 1);
  harness_inject(&h, 410 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 4381, 0);
  harness_run_until(&h, 410 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 4381, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* The single-segment rule counts bytes: one full segment (1460 bytes at 100 ms) and its
 * FIN sent apart (110 ms) make MSS + 1 bytes out, still "one segment": the probe is due
 * 2 SRTT + rto_min after the FIN (330 ms), so at the RTO deadline (300 ms), not at
 * 110 + 22 ms; it resends the FIN alone, and the RTO then runs from the probe. */
static void
tlp_a_full_segment_and_its_fin_count_as_one_segment(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 1460, NULL), 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 1460);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 300 * SIM_MS);
  harness_run_until(&h, 110 * SIM_MS);
  tcp_shutdown_write(c);
  harness_expect(&h, TCP_ACK | TCP_FIN, 1461, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 300 * SIM_MS);
  harness_run_until(&h, 300 * SIM_MS - 1);
  harness_expect_nothing(&h);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_FIN, 1461, PEER_ISN + 1, 0), 300 * SIM_MS);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 500 * SIM_MS);
  harness_inject(&h, 310 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 1462, 0);
  harness_run_until(&h, 310 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1462, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* Two data segments are not one: a write of MSS + 1 bytes goes as 1460 + 1, and the
 * probe is due 2 SRTT + 2 ms after (122 ms) as for any flight of several segments
 * (tcp.h: "plus rto_min when one segment is out"; Linux: packets_out == 1), resending
 * the 1-byte segment. */
static void
tlp_mss_plus_1_data_bytes_are_two_segments(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 1461, NULL), 1461);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 122 * SIM_MS);
  harness_run_until(&h, 122 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1), 122 * SIM_MS);
  harness_inject(&h, 130 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 1462, 0);
  harness_run_until(&h, 130 * SIM_MS);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1462, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* tlp FALSE: the timer after a flight of two segments is the RTO (300 ms, not 122 ms),
 * which resends the oldest segment; no probe. */
static void
tlp_off_leaves_the_rto_alone(void)
{
  Harness h;
  harness_init(&h, no_tlp);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 2920, NULL), 2920);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 300 * SIM_MS);
  harness_run_until(&h, 300 * SIM_MS - 1);
  harness_expect_nothing(&h);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460), 300 * SIM_MS);
  CU_ASSERT_EQUAL(h.net->tcp.probes, 0);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 1);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->timeouts, 1);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 700 * SIM_MS);
  harness_inject(&h, 310 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 2921, 0);
  harness_run_until(&h, 310 * SIM_MS);
  harness_expect_nothing(&h);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 2921, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* ---- ACK of unsent data (RFC 9293 §3.10.7.4 fifth check) ----------------------------- */

static void
ack_unsent_answered(TcpConfig *cfg)
{
  cfg->ack_unsent_drop = FALSE;
}

/* Linux (ack_unsent_drop): in ESTABLISHED a segment whose ACK is above SND.NXT (here
 * SND.NXT + 1) is dropped whole: no answer, its data and FIN not taken, SND.UNA not
 * moved (the timer keeps its deadline). The same segment acknowledging SND.NXT is
 * taken. */
static void
established_ack_of_unsent_data_is_dropped_silently(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 20 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 220 * SIM_MS);
  harness_inject(&h, 30 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH | TCP_FIN, PEER_ISN + 1, 102,
                 50);
  harness_run_until(&h, 30 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(tcp_rcv_nxt(c), PEER_ISN + 1);
  CU_ASSERT_EQUAL(tcp_readable(c), 0);
  CU_ASSERT_EQUAL(h.app.readable, 0);
  TcpErr err;
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_AGAIN);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 220 * SIM_MS);
  /* acknowledging exactly SND.NXT, the same segment is taken */
  harness_inject(&h, 40 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH | TCP_FIN, PEER_ISN + 1, 101,
                 50);
  harness_run_until(&h, 40 * SIM_MS);
  harness_expect(&h, TCP_ACK, 101, PEER_ISN + 52, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSE_WAIT);
  CU_ASSERT_EQUAL(tcp_readable(c), 50);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 101, PEER_ISN + 52, 0);
  harness_finish(&h);
}

/* RFC 9293 (ack_unsent_drop FALSE): the same segment is answered with
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and otherwise dropped. */
static void
established_ack_of_unsent_data_gets_an_ack_without_the_knob(void)
{
  Harness h;
  harness_init(&h, ack_unsent_answered);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 20 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  harness_inject(&h, 30 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH | TCP_FIN, PEER_ISN + 1, 102,
                 50);
  harness_run_until(&h, 30 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 101, PEER_ISN + 1, 0), 30 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(tcp_rcv_nxt(c), PEER_ISN + 1);
  CU_ASSERT_EQUAL(tcp_readable(c), 0);
  CU_ASSERT_EQUAL(h.app.readable, 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 220 * SIM_MS);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 101, PEER_ISN + 1, 0);
  harness_finish(&h);
}

/* ---- SHUT_RD and data after close ---------------------------------------------------- */

/* After tcp_shutdown_read, a read with nothing queued returns 0 (end of stream), not
 * EAGAIN; in ESTABLISHED data still arriving is acknowledged and readable (Linux). */
static void
shutdown_read_reads_0_and_still_takes_data_in_established(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  TcpErr err;
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_AGAIN);
  tcp_shutdown_read(c);
  harness_expect_nothing(&h);   /* SHUT_RD sends nothing */
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  err = TCP_ERR_AGAIN;
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 0);
  CU_ASSERT_EQUAL(err, TCP_OK);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(tcp_readable(c), 100);
  CU_ASSERT_EQUAL(h.app.readable, 1);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 100);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 0);
  CU_ASSERT_EQUAL(err, TCP_OK);
  tcp_abort(c);
  harness_expect(&h, TCP_RST | TCP_ACK, 1, PEER_ISN + 101, 0);
  harness_finish(&h);
}

/* Shut for reading and writing, FIN sent and not yet acknowledged (FIN-WAIT-1): new data
 * resets (Linux tcp_rcv_state_process, RFC 1122 §4.2.2.13): <SEQ=SEG.ACK><CTL=RST>, and
 * the connection is CLOSED with ECONNRESET. */
static void
shutdown_read_then_data_in_fin_wait_1_resets(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 20 * SIM_MS);
  tcp_shutdown_read(c);
  tcp_shutdown_write(c);
  harness_expect(&h, TCP_ACK | TCP_FIN, 1, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_1);
  harness_inject(&h, 30 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 30 * SIM_MS);
  CU_ASSERT_EQUAL(peek_out(&h)->ack, 0);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_RST, 1, 0, 0), 30 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(tcp_error(c), TCP_ERR_RESET);
  CU_ASSERT_EQUAL(h.app.closed, 1);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_RESET);
  CU_ASSERT_EQUAL(tcp_readable(c), 0);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), SIM_TIME_NEVER);
  tcp_close(c);
  harness_finish(&h);
}

/* The same in FIN-WAIT-2 (FIN acknowledged): a retransmission of data already received
 * only gets an ACK; new data resets with <SEQ=SEG.ACK><CTL=RST>. */
static void
shutdown_read_then_data_in_fin_wait_2_resets_but_old_data_is_acked(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_inject(&h, 20 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 20 * SIM_MS);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 101, 0);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, NULL), 100);
  harness_run_until(&h, 30 * SIM_MS);
  tcp_shutdown_read(c);
  tcp_shutdown_write(c);
  harness_expect(&h, TCP_ACK | TCP_FIN, 1, PEER_ISN + 101, 0);
  harness_inject(&h, 40 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 101, 2, 0);
  harness_run_until(&h, 40 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  harness_inject(&h, 50 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 2, 100);
  harness_run_until(&h, 50 * SIM_MS);
  harness_expect(&h, TCP_ACK, 2, PEER_ISN + 101, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  harness_inject(&h, 60 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 101, 2, 100);
  harness_run_until(&h, 60 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_RST, 2, 0, 0), 60 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed, 1);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_RESET);
  CU_ASSERT_EQUAL(tcp_readable(c), 0);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  tcp_close(c);
  harness_finish(&h);
}

/* Data after tcp_close() in FIN-WAIT-1: nobody will read it; Linux aborts:
 * <SEQ=SEG.ACK><CTL=RST>, and the orphan is gone. */
static void
data_after_close_in_fin_wait_1_resets(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 20 * SIM_MS);
  tcp_close(c);
  harness_expect(&h, TCP_ACK | TCP_FIN, 1, PEER_ISN + 1, 0);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_1);
  harness_inject(&h, 30 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(&h, 30 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_RST, 1, 0, 0), 30 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 0);   /* freed */
  CU_ASSERT_EQUAL(h.app.closed, 0);            /* the app had let go */
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_FIN_WAIT_1][TCP_CLOSED], 1);
  harness_finish(&h);
}

/* The same in FIN-WAIT-2 (FIN acknowledged, orphan timer running): RST with SEQ = the
 * segment's ACK (2), the orphan gone, its timer with it. */
static void
data_after_close_in_fin_wait_2_resets(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 20 * SIM_MS);
  tcp_close(c);
  harness_expect(&h, TCP_ACK | TCP_FIN, 1, PEER_ISN + 1, 0);
  harness_inject(&h, 30 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 2, 0);
  harness_run_until(&h, 30 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_2);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 30 * SIM_MS + 60 * SIM_S);
  harness_inject(&h, 40 * SIM_MS, SPORT, 32768, TCP_ACK | TCP_PSH, PEER_ISN + 1, 2, 100);
  harness_run_until(&h, 40 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_RST, 2, 0, 0), 40 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 0);
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_FIN_WAIT_2][TCP_CLOSED], 1);
  CU_ASSERT_EQUAL(sim_sched_stats(h.sched)->pending, 0);   /* the orphan timer went too */
  harness_finish(&h);
}

/* ---- a connection reset in the accept queue ------------------------------------------ */

/* Listener on LPORT; the peer (@sport) opens, sends 100 bytes with the third segment,
 * and resets at @at + 20 ms while the child waits unaccepted: returns nothing, the
 * child stays queued. */
static void
child_reset_in_accept_queue(Harness *h, uint16_t sport, SimTime at)
{
  harness_inject(h, at, sport, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(h, at);
  harness_expect(h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_inject(h, at + 10 * SIM_MS, sport, LPORT, TCP_ACK | TCP_PSH, PEER_ISN + 1, 1, 100);
  harness_run_until(h, at + 10 * SIM_MS);
  harness_expect(h, TCP_ACK, 1, PEER_ISN + 101, 0);
  harness_inject(h, at + 20 * SIM_MS, sport, LPORT, TCP_RST, PEER_ISN + 101, 0, 0);
  harness_run_until(h, at + 20 * SIM_MS);
  harness_expect_nothing(h);
}

/* Linux: a connection reset while it waits in the accept queue stays there; accept hands
 * it out CLOSED with its 100 bytes; the first write reports ECONNRESET, the next EPIPE;
 * the read returns the bytes, then 0 (the error was told by the write). */
static void
reset_in_accept_queue_stays_queued_and_write_tells_the_error(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  child_reset_in_accept_queue(&h, SPORT, 0);
  CU_ASSERT_EQUAL(h.app.acceptable, 1);
  CU_ASSERT_EQUAL(h.app.closed, 0);          /* nobody holds it yet: nobody is told */
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 2);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(err, TCP_OK);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(tcp_error(c), TCP_ERR_RESET);
  CU_ASSERT_EQUAL(tcp_readable(c), 100);
  CU_ASSERT_PTR_NULL(tcp_accept(l, &err));
  CU_ASSERT_EQUAL(err, TCP_ERR_AGAIN);
  CU_ASSERT_EQUAL(tcp_write(c, 10, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_RESET);
  CU_ASSERT_EQUAL(tcp_write(c, 10, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_PIPE);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 100);
  CU_ASSERT_EQUAL(err, TCP_OK);
  err = TCP_ERR_AGAIN;
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 0);
  CU_ASSERT_EQUAL(err, TCP_OK);
  harness_expect_nothing(&h);
  tcp_close(c);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 1);
  tcp_close(l);
  harness_finish(&h);
}

/* The same, read first: the queued bytes (in two reads), then ECONNRESET once, then 0;
 * a write then gets EPIPE. */
static void
reset_in_accept_queue_read_tells_the_error_after_the_data(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpErr err;
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, &err);
  child_reset_in_accept_queue(&h, SPORT, 0);
  TcpConn *c = tcp_accept(l, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(tcp_read(c, 40, &err), 40);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 60);
  CU_ASSERT_EQUAL(err, TCP_OK);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_RESET);
  err = TCP_ERR_AGAIN;
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 0);
  CU_ASSERT_EQUAL(err, TCP_OK);
  CU_ASSERT_EQUAL(tcp_read(c, 1000, &err), 0);
  CU_ASSERT_EQUAL(tcp_write(c, 10, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_PIPE);
  tcp_close(c);
  tcp_close(l);
  harness_expect_nothing(&h);
  harness_finish(&h);
}

/* Closing the listener frees a CLOSED child still in its accept queue, and sends nothing
 * for it (it was reset already). */
static void
closing_the_listener_frees_a_reset_child_still_queued(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  child_reset_in_accept_queue(&h, SPORT, 0);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 2);
  tcp_close(l);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 0);
  CU_ASSERT_EQUAL(h.app.closed, 0);
  harness_finish(&h);
}

/* Host teardown, the listener never closed, frees a reset child still queued next to an
 * ESTABLISHED one (harness_finish checks that no connection is left). */
static void
host_teardown_frees_a_reset_child_still_queued(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *l = tcp_listen(h.host, LPORT, 16, &h.cb, &h.app, NULL);
  CU_ASSERT_PTR_NOT_NULL(l);
  child_reset_in_accept_queue(&h, SPORT, 0);
  harness_inject(&h, 100 * SIM_MS, SPORT + 1, LPORT, TCP_SYN, PEER_ISN, 0, 0);
  harness_run_until(&h, 100 * SIM_MS);
  harness_expect(&h, TCP_SYN | TCP_ACK, 0, PEER_ISN + 1, 0);
  harness_inject(&h, 110 * SIM_MS, SPORT + 1, LPORT, TCP_ACK, PEER_ISN + 1, 1, 0);
  harness_run_until(&h, 110 * SIM_MS);
  CU_ASSERT_EQUAL(h.app.acceptable, 2);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 1);
  CU_ASSERT_EQUAL(h.net->tcp.live_conns, 3);
  harness_finish(&h);
}

/* ---- user timeout (RFC 5482, TCP_USER_TIMEOUT) --------------------------------------- */

/* The end of a user timeout: @c, ESTABLISHED with its timer due at @at, stays so until
 * just before, then fails with ETIMEDOUT at @at, sending nothing more. */
static void
expect_user_timeout_at(Harness *h, TcpConn *c, SimTime at)
{
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), at);
  harness_run_until(h, at - 1);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  harness_run_until(h, at);
  harness_expect_nothing(h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h->app.closed_err, TCP_ERR_TIMEDOUT);
}

/* User timeout 1 s, data sent at 100 ms and never acknowledged (no TLP, RTO 200 ms):
 * retransmissions at 300 and 700 ms; the next RTO (800 ms, due at 1500) is cut short
 * to end at 100 + 1000 = 1100 ms, where the connection fails with ETIMEDOUT, sending
 * nothing more. */
static void
user_timeout_fails_data_retransmission_at_its_deadline(void)
{
  Harness h;
  harness_init(&h, no_tlp);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  tcp_set_user_timeout(c, 1 * SIM_S);
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 100 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 300 * SIM_MS);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 300 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 700 * SIM_MS);
  harness_run_until(&h, 700 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 700 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 1100 * SIM_MS);   /* not 1500 */
  harness_run_until(&h, 1100 * SIM_MS - 1);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_ESTABLISHED);
  CU_ASSERT_EQUAL(h.app.closed, 0);
  harness_run_until(&h, 1100 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed, 1);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_TIMEDOUT);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 2);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->timeouts, 3);
  CU_ASSERT_EQUAL(host_conn_count(h.host), 0);
  TcpErr err;
  CU_ASSERT_EQUAL(tcp_write(c, 10, &err), -1);
  CU_ASSERT_EQUAL(err, TCP_ERR_TIMEDOUT);
  tcp_close(c);
  harness_finish(&h);
}

/* An unacknowledged FIN (shutdown for writing at 100 ms), user timeout 650 ms: the FIN
 * again at 300 and 700 ms, failure at 750 ms. */
static void
user_timeout_fails_fin_retransmission_at_its_deadline(void)
{
  Harness h;
  harness_init(&h, no_tlp);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  tcp_set_user_timeout(c, 650 * SIM_MS);
  tcp_shutdown_write(c);
  harness_expect(&h, TCP_ACK | TCP_FIN, 1, PEER_ISN + 1, 0);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_FIN, 1, PEER_ISN + 1, 0), 300 * SIM_MS);
  harness_run_until(&h, 700 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_FIN, 1, PEER_ISN + 1, 0), 700 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 750 * SIM_MS);
  harness_run_until(&h, 750 * SIM_MS - 1);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_FIN_WAIT_1);
  harness_run_until(&h, 750 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed, 1);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_TIMEDOUT);
  CU_ASSERT_EQUAL(h.net->tcp.transitions[TCP_FIN_WAIT_1][TCP_CLOSED], 1);
  tcp_close(c);
  harness_finish(&h);
}

/* A user timeout shorter than the first RTO cuts that one short: data at 100 ms, user
 * timeout 150 ms: failure at 250 ms with no retransmission (the model's documented
 * rule; Linux would retransmit once at the RTO first, its retransmits_timed_out()
 * needing a retransmission before it counts). */
static void
user_timeout_shorter_than_the_rto_cuts_the_first_rto(void)
{
  Harness h;
  harness_init(&h, no_tlp);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  tcp_set_user_timeout(c, 150 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 250 * SIM_MS);
  harness_run_until(&h, 250 * SIM_MS);
  harness_expect_nothing(&h);
  CU_ASSERT_EQUAL(tcp_state(c), TCP_CLOSED);
  CU_ASSERT_EQUAL(h.app.closed_err, TCP_ERR_TIMEDOUT);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 0);
  tcp_close(c);
  harness_finish(&h);
}

static void
no_tlp_data_retries_2(TcpConfig *cfg)
{
  cfg->tlp = FALSE;
  cfg->data_retries = 2;
}

/* A user timeout of 0 (here set to 1 s, then back to 0) turns it off: the retry count
 * decides (data_retries 2): retransmissions at 300 and 700 ms, failure at 700 + 800 =
 * 1500 ms, not 1100. */
static void
user_timeout_0_leaves_the_retry_count_in_charge(void)
{
  Harness h;
  harness_init(&h, no_tlp_data_retries_2);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  tcp_set_user_timeout(c, 1 * SIM_S);
  tcp_set_user_timeout(c, 0);
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 300 * SIM_MS);
  harness_run_until(&h, 700 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100), 700 * SIM_MS);
  expect_user_timeout_at(&h, c, 1500 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_conn_stats(c)->retransmits, 2);
  tcp_close(c);
  harness_finish(&h);
}

/* With TLP (user timeout 1 s, data at 100 ms): probe at 300 ms, RTOs at 500 and 900 ms,
 * failure at 1100 ms: the probe does not move the start of the unacknowledged stretch. */
static void
user_timeout_with_tlp_counts_from_the_first_send(void)
{
  Harness h;
  harness_init(&h, NULL);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  tcp_set_user_timeout(c, 1 * SIM_S);
  CU_ASSERT_EQUAL(tcp_write(c, 100, NULL), 100);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100);
  const SimTime at[] = { 300, 500, 900 };
  for (unsigned i = 0; i < G_N_ELEMENTS(at); i++) {
    harness_run_until(&h, at[i] * SIM_MS);
    CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1, PEER_ISN + 1, 100),
                    at[i] * SIM_MS);
  }
  CU_ASSERT_EQUAL(h.net->tcp.probes, 1);
  expect_user_timeout_at(&h, c, 1100 * SIM_MS);
  tcp_close(c);
  harness_finish(&h);
}

/* An ACK that moves SND.UNA ends the unacknowledged stretch: the user timeout counts
 * again from there. User timeout 1 s; 2 MSS at 100 ms (no TLP); RTO at 300 ms resends
 * the first; its ACK at 350 ms restarts the RTO (5.3: due at 550 ms) and the stretch;
 * the second segment is resent at 550 and 950 ms, and the connection fails at
 * 350 + 1000 = 1350 ms, not 1100. */
static void
user_timeout_restarts_when_an_ack_moves_snd_una(void)
{
  Harness h;
  harness_init(&h, no_tlp);
  TcpConn *c = open_active(&h, 0);
  harness_run_until(&h, 100 * SIM_MS);
  tcp_set_user_timeout(c, 1 * SIM_S);
  CU_ASSERT_EQUAL(tcp_write(c, 2920, NULL), 2920);
  harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460);
  harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460);
  harness_run_until(&h, 300 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK, 1, PEER_ISN + 1, 1460), 300 * SIM_MS);
  harness_inject(&h, 350 * SIM_MS, SPORT, 32768, TCP_ACK, PEER_ISN + 1, 1461, 0);
  harness_run_until(&h, 350 * SIM_MS);
  CU_ASSERT_EQUAL(tcp_timer_deadline(c), 550 * SIM_MS);
  harness_run_until(&h, 550 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460),
                  550 * SIM_MS);
  harness_run_until(&h, 950 * SIM_MS);
  CU_ASSERT_EQUAL(harness_expect(&h, TCP_ACK | TCP_PSH, 1461, PEER_ISN + 1, 1460),
                  950 * SIM_MS);
  expect_user_timeout_at(&h, c, 1350 * SIM_MS);
  tcp_close(c);
  harness_finish(&h);
}

/* The Linux preset has window scaling, TLP and the silent drop of an ACK of unsent data
 * on; the RFC preset has TLP and the drop off. */
static void
presets_set_wscale_tlp_and_ack_unsent_drop(void)
{
  TcpConfig lx, rfc;
  tcp_config_preset(&lx, TCP_PRESET_LINUX);
  tcp_config_preset(&rfc, TCP_PRESET_RFC);
  CU_ASSERT_TRUE(lx.window_scaling);
  CU_ASSERT_TRUE(lx.tlp);
  CU_ASSERT_TRUE(lx.ack_unsent_drop);
  CU_ASSERT_FALSE(rfc.tlp);
  CU_ASSERT_FALSE(rfc.ack_unsent_drop);
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
    { "established_out_of_order_fin_gets_duplicate_ack",
      established_out_of_order_fin_gets_duplicate_ack },
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
    { "compact_time_wait_reacks_restarts_and_expires",
      compact_time_wait_reacks_restarts_and_expires },
    { "compact_time_wait_ends_on_rst", compact_time_wait_ends_on_rst },
    { "compact_time_wait_hands_a_new_syn_to_the_listener",
      compact_time_wait_hands_a_new_syn_to_the_listener },
    { "compact_time_wait_port_taken_over_by_tw_reuse",
      compact_time_wait_port_taken_over_by_tw_reuse },
    { "compact_time_wait_freed_with_the_host", compact_time_wait_freed_with_the_host },
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
    { "wscale_syn_announces_the_least_shift_that_fits_rcv_wnd",
      wscale_syn_announces_the_least_shift_that_fits_rcv_wnd },
    { "wscale_agreed_on_active_open_advertises_the_scaled_window",
      wscale_agreed_on_active_open_advertises_the_scaled_window },
    { "wscale_not_agreed_when_the_syn_ack_lacks_it", wscale_not_agreed_when_the_syn_ack_lacks_it },
    { "wscale_syn_ack_carries_it_only_in_answer_to_a_syn_that_did",
      wscale_syn_ack_carries_it_only_in_answer_to_a_syn_that_did },
    { "wscale_off_sends_no_option_and_never_agrees", wscale_off_sends_no_option_and_never_agrees },
    { "wscale_window_is_capped_at_65535_shifted_by_14",
      wscale_window_is_capped_at_65535_shifted_by_14 },
    { "tlp_single_segment_probe_fires_at_the_rto_deadline",
      tlp_single_segment_probe_fires_at_the_rto_deadline },
    { "tlp_burst_probe_fires_2_srtt_plus_2_ms_after_the_last_send",
      tlp_burst_probe_fires_2_srtt_plus_2_ms_after_the_last_send },
    { "tlp_probe_resends_the_last_segment_sent_not_the_last_mss",
      tlp_probe_resends_the_last_segment_sent_not_the_last_mss },
    { "tlp_rto_restarts_from_the_probe_with_several_segments_out",
      tlp_rto_restarts_from_the_probe_with_several_segments_out },
    { "tlp_probe_resends_a_fin_sent_alone", tlp_probe_resends_a_fin_sent_alone },
    { "tlp_probe_resends_data_with_the_fin_that_rode_on_it",
      tlp_probe_resends_data_with_the_fin_that_rode_on_it },
    { "tlp_new_ack_after_the_probe_allows_a_probe_for_the_next_flight",
      tlp_new_ack_after_the_probe_allows_a_probe_for_the_next_flight },
    { "tlp_no_second_probe_for_data_sent_after_the_probe",
      tlp_no_second_probe_for_data_sent_after_the_probe },
    { "tlp_a_full_segment_and_its_fin_count_as_one_segment",
      tlp_a_full_segment_and_its_fin_count_as_one_segment },
    { "tlp_mss_plus_1_data_bytes_are_two_segments", tlp_mss_plus_1_data_bytes_are_two_segments },
    { "tlp_off_leaves_the_rto_alone", tlp_off_leaves_the_rto_alone },
    { "established_ack_of_unsent_data_is_dropped_silently",
      established_ack_of_unsent_data_is_dropped_silently },
    { "established_ack_of_unsent_data_gets_an_ack_without_the_knob",
      established_ack_of_unsent_data_gets_an_ack_without_the_knob },
    { "shutdown_read_reads_0_and_still_takes_data_in_established",
      shutdown_read_reads_0_and_still_takes_data_in_established },
    { "shutdown_read_then_data_in_fin_wait_1_resets",
      shutdown_read_then_data_in_fin_wait_1_resets },
    { "shutdown_read_then_data_in_fin_wait_2_resets_but_old_data_is_acked",
      shutdown_read_then_data_in_fin_wait_2_resets_but_old_data_is_acked },
    { "data_after_close_in_fin_wait_1_resets", data_after_close_in_fin_wait_1_resets },
    { "data_after_close_in_fin_wait_2_resets", data_after_close_in_fin_wait_2_resets },
    { "reset_in_accept_queue_stays_queued_and_write_tells_the_error",
      reset_in_accept_queue_stays_queued_and_write_tells_the_error },
    { "reset_in_accept_queue_read_tells_the_error_after_the_data",
      reset_in_accept_queue_read_tells_the_error_after_the_data },
    { "closing_the_listener_frees_a_reset_child_still_queued",
      closing_the_listener_frees_a_reset_child_still_queued },
    { "host_teardown_frees_a_reset_child_still_queued",
      host_teardown_frees_a_reset_child_still_queued },
    { "user_timeout_fails_data_retransmission_at_its_deadline",
      user_timeout_fails_data_retransmission_at_its_deadline },
    { "user_timeout_fails_fin_retransmission_at_its_deadline",
      user_timeout_fails_fin_retransmission_at_its_deadline },
    { "user_timeout_shorter_than_the_rto_cuts_the_first_rto",
      user_timeout_shorter_than_the_rto_cuts_the_first_rto },
    { "user_timeout_0_leaves_the_retry_count_in_charge",
      user_timeout_0_leaves_the_retry_count_in_charge },
    { "user_timeout_with_tlp_counts_from_the_first_send",
      user_timeout_with_tlp_counts_from_the_first_send },
    { "user_timeout_restarts_when_an_ack_moves_snd_una",
      user_timeout_restarts_when_an_ack_moves_snd_una },
    { "presets_set_wscale_tlp_and_ack_unsent_drop", presets_set_wscale_tlp_and_ack_unsent_drop },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("tcp", tests);
}
