/* harness: one simulated host whose peer is played by the test, packetdrill-style.
 * The test injects segments at chosen times and expects the host's outbound segments,
 * in order, with exact flags, seq, ack and length, and checks states and timers through
 * the socket-like TCP API. Outbound segments are captured as the host sends them (its
 * default route leads here), so nothing is lost or delayed between host and test. */
#pragma once

#include "test_util.h"
#include "host.h"
#include "net.h"
#include "sim_sched.h"
#include "tcp.h"

#define HARNESS_HOST_ADDR 0x0a000001u   /* 10.0.0.1: the simulated host */
#define HARNESS_PEER_ADDR 0x0a000002u   /* 10.0.0.2: the scripted peer */
#define HARNESS_PEER_PORT 4242
#define HARNESS_PEER_ISN 5000u      /* the peer's ISN in the openers below */
#define HARNESS_LISTEN_PORT 80      /* the host's listening port in harness_open_passive */

typedef struct {
  Segment *seg;
  SimTime at;
} Captured;

/* Callback events the app side saw, in order. */
typedef struct {
  int connected;
  int acceptable;
  int readable;
  int closed;
  TcpErr closed_err;
} AppLog;

typedef struct {
  SimSched *sched;
  Net *net;
  TcpConfig cfg;
  Host *host;
  GQueue out;        /* Captured *, oldest first */
  AppLog app;
  TcpCallbacks cb;
} Harness;

/* A host with the Linux preset, ISN policy zero (so sequence numbers read as in a
 * textbook) and full TIME-WAIT records (tw_compact off: tests look at connections they
 * have closed) unless @tweak changes the config. */
void harness_init(Harness *h, void (*tweak)(TcpConfig *cfg));
/* Tears everything down and asserts nothing is left: no captured segment unexpected,
 * no live segment, no pending event once the host is gone. */
void harness_finish(Harness *h);
/* harness_finish, keeping in *@out (when not NULL) a copy of the run's counters as they
 * are once the host is freed (its teardown adds the time of the connections it still
 * had). */
void harness_finish_counting(Harness *h, NetTcpCounts *out);

/* A new segment from the peer (HARNESS_PEER_ADDR:@sport) to @dport of the host, with
 * window 65535, MSS 1460 on a SYN, no window-scale option and incarnation 0 (no
 * connection): the test may change any field before harness_inject_segment. */
Segment *harness_segment(Harness *h, uint16_t sport, uint16_t dport, uint8_t flags,
                         uint32_t seq, uint32_t ack, uint32_t len);
/* Schedules the arrival of @seg (from harness_segment) at the host at absolute time @at,
 * which becomes its birth; the host takes it over then. */
void harness_inject_segment(Harness *h, SimTime at, Segment *seg);
/* Schedules the arrival at the host, at absolute time @at, of a segment from the peer
 * (HARNESS_PEER_ADDR:@sport) to @dport of the host: harness_segment's defaults. */
void harness_inject(Harness *h, SimTime at, uint16_t sport, uint16_t dport, uint8_t flags,
                    uint32_t seq, uint32_t ack, uint32_t len);
/* Runs the simulation up to @t inclusive. */
void harness_run_until(Harness *h, SimTime t);

/* Active open from the host's port @lport (0: an ephemeral one) to HARNESS_PEER_PORT at
 * @t, completed at @t + 10 ms; the peer's SYN,ACK carries incarnation @inc (0: none):
 *   > S 0:0  < S. HARNESS_PEER_ISN:HARNESS_PEER_ISN ack 1  > . 1 ack HARNESS_PEER_ISN+1
 * Asserts each segment and the state; returns the ESTABLISHED connection (RTT 10 ms:
 * RTO 200 ms). @syn_at and @ack_at, when not NULL, receive the capture times of the
 * host's SYN and ACK for the caller to check. */
TcpConn *harness_open_active(Harness *h, SimTime t, uint16_t lport, uint64_t inc,
                             SimTime *syn_at, SimTime *ack_at);
/* Passive open: a listener on HARNESS_LISTEN_PORT (backlog 16, into *@listener_out), the
 * peer's SYN at @t and its ACK at @t + 10 ms, both of incarnation @inc (0: none):
 *   < S HARNESS_PEER_ISN:HARNESS_PEER_ISN  > S. 0:0 ack HARNESS_PEER_ISN+1  < . 1
 * Returns the child, accepted and ESTABLISHED (RTT 10 ms: RTO 200 ms). */
TcpConn *harness_open_passive(Harness *h, TcpConn **listener_out, SimTime t, uint64_t inc);

/* Pops the next captured segment and asserts its flags, seq, ack (checked only when
 * @flags has TCP_ACK) and payload length; returns its capture time (-1 if none). */
#define harness_expect(h, flags, seq, ack, len) \
  harness_expect_at_line((h), (flags), (seq), (ack), (len), __FILE__, __LINE__)
SimTime harness_expect_at_line(Harness *h, uint8_t flags, uint32_t seq, uint32_t ack,
                               uint32_t len, const char *file, int line);
/* Asserts that no captured segment is waiting. */
#define harness_expect_nothing(h) harness_expect_nothing_at_line((h), __FILE__, __LINE__)
void harness_expect_nothing_at_line(Harness *h, const char *file, int line);

/* Frees every captured segment not yet expected. */
void harness_drop_output(Harness *h);

/* The number of captured segments not yet expected. */
guint harness_pending(const Harness *h);
