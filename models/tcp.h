/* tcp: the RFC 9293 connection model: all eleven states, one handler per state, every
 * state change checked against the legality table of RFC 9293 Figure 5. Retransmission
 * per RFC 6298 (Karn, exponential backoff), SYN and SYN-ACK retries (with Linux's
 * optional linear SYN timeouts), FIN retries, TIME-WAIT that re-ACKs a retransmitted FIN
 * and restarts, RST generation and acceptance (RFC 5961 in-window checks), abort on close
 * with unread data (as Linux), ISN policies. Data is counted, not stored; the window is
 * fixed (the place for congestion control is tcp_send_window()).
 *
 * The API is socket-like so that a scripted peer (tests, packetdrill scripts) and the
 * apps drive a connection the same way: tcp_listen / tcp_connect / tcp_accept /
 * tcp_write / tcp_read / tcp_shutdown / tcp_close, with callbacks for what arrives. */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "host.h"
#include "segment.h"

G_BEGIN_DECLS

typedef enum {
  TCP_CLOSED,
  TCP_LISTEN,
  TCP_SYN_SENT,
  TCP_SYN_RECEIVED,
  TCP_ESTABLISHED,
  TCP_FIN_WAIT_1,
  TCP_FIN_WAIT_2,
  TCP_CLOSE_WAIT,
  TCP_CLOSING,
  TCP_LAST_ACK,
  TCP_TIME_WAIT,
  TCP_NSTATES
} TcpState;

G_STATIC_ASSERT(TCP_NSTATES == NET_TCP_NSTATES);

/* "ESTABLISHED", "FIN-WAIT-1", ... as RFC 9293 writes them. */
const char *tcp_state_name(TcpState s);
/* TRUE if RFC 9293 Figure 5 (plus the transitions that abort, time out or reset
 * connections) allows @from -> @to. */
gboolean tcp_transition_legal(TcpState from, TcpState to);

typedef enum {
  TCP_ISN_RANDOM,   /* 32 random bits from the host's stream */
  TCP_ISN_CLOCK,    /* RFC 793: a counter ticking every 4 us */
  TCP_ISN_RFC6528,  /* RFC 6528: the 4 us clock plus a keyed hash of the 4-tuple */
  TCP_ISN_ZERO,     /* 0: for readable traces */
} TcpIsnPolicy;

/* What a listener does with data carried on a SYN (C8). */
typedef enum {
  TCP_SYN_DATA_DROP,    /* acknowledge the SYN only; the client sends the data again
                         * (Linux without Fast Open) */
  TCP_SYN_DATA_BUFFER,  /* keep it in the half-open connection, acknowledged and
                         * readable once the handshake completes (memory held counted) */
  TCP_SYN_DATA_ACCEPT,  /* acknowledge it on the SYN,ACK, readable at once (as Fast Open
                         * does, without its cookie) */
} TcpSynData;

typedef enum {
  TCP_PRESET_LINUX,   /* Linux defaults: RTO min 200 ms, TIME-WAIT 60 s, 6 SYN retries */
  TCP_PRESET_RFC,     /* RFC values: RTO min 1 s, TIME-WAIT 2 MSL = 4 min */
} TcpPreset;

/* Every knob of the model, in one place. Shared read-only by the hosts using it. */
struct TcpConfig {
  uint32_t mss;               /* bytes of payload per segment we send and announce */
  uint32_t rcv_wnd;           /* receive window we advertise (fixed) */
  uint32_t snd_buf;           /* most unacknowledged + unsent bytes a writer may queue */
  SimTime rto_initial;        /* RFC 6298 (2.1): 1 s */
  SimTime rto_min;            /* floor of the computed RTO (Linux 200 ms, RFC 1 s) */
  SimTime rto_max;            /* ceiling of RTO with backoff: 120 s */
  int syn_retries;            /* SYN retransmissions before connect fails (Linux 6) */
  int syn_linear_timeouts;    /* SYN retransmissions, after the first timeout, that keep
                               * the initial RTO instead of doubling it (Linux's
                               * tcp_syn_linear_timeouts; 0: classic doubling) */
  int synack_retries;         /* SYN-ACK retransmissions before the embryo is dropped (5) */
  int data_retries;           /* retransmissions of data before the connection is
                               * aborted (Linux tcp_retries2 = 15) */
  int fin_retries;            /* retransmissions of a FIN from an orphaned connection
                               * (closed by its app) before giving up (Linux 8) */
  SimTime connect_timeout;    /* 0: none beyond the SYN retries */
  SimTime time_wait;          /* TIME-WAIT length (Linux 60 s; RFC 2 * MSL) */
  SimTime msl;                /* maximum segment lifetime the model assumes (RFC 2 min) */
  SimTime fin_wait_2_timeout; /* orphaned FIN-WAIT-2 is closed after this (Linux 60 s);
                               * 0: wait for ever (RFC) */
  gboolean tw_reuse;          /* a connect may take a port whose 4-tuple is in TIME-WAIT */
  SimTime tw_reuse_delay;     /* ... if it has been in TIME-WAIT at least this long (1 s) */
  TcpIsnPolicy isn;
  uint16_t port_lo, port_hi;  /* ephemeral ports (Linux 32768-60999) */
  int syn_backlog;            /* embryonic (SYN-RECEIVED) connections per listener */
  gboolean window_scaling;    /* RFC 7323 window-scale option: announce a shift on SYNs
                               * and, when both ends did, advertise windows above 64 KB
                               * in steps of 2^shift (Linux on) */
  gboolean tlp;               /* tail loss probe (RFC 8985 §7, Linux tcp_early_retrans):
                               * 2 SRTT after the last new segment (plus rto_min when one
                               * segment is out), never later than the RTO, send the last
                               * segment again once per flight (Linux on) */
  gboolean ack_unsent_drop;   /* a segment acknowledging what was never sent is dropped
                               * silently (Linux up to 6.x) instead of answered with an
                               * ACK (RFC 9293 §3.10.7.4) */
  /* Design variants of the lifecycle, the seed's "why not?" questions. Each changes
   * only the transitions it names (tcp.c, marked with the claim). */
  int handshake;              /* segments to open: 3; 2: the server is ESTABLISHED on the
                               * SYN and may send at once (C6); 4: SYN / ACK / SYN / ACK,
                               * the server's ACK and SYN apart (C7) */
  int close;                  /* segments to close: 4; 3: the passive closer holds the
                               * ACK of the peer's FIN until its own FIN (C18, C19) */
  TcpSynData syn_data;        /* data on a SYN (C8) */
  gboolean rst_in_time_wait;  /* a RST ends TIME-WAIT (RFC 9293, Linux's default);
                               * FALSE: ignored, as RFC 1337 advises */
  /* Implementation, not protocol: */
  gboolean tw_compact;        /* a connection in TIME-WAIT whose app has let go moves into
                               * a record of about 100 bytes, as Linux's timewait sockets
                               * (tests that still look at a connection they closed turn
                               * this off) */
};

void tcp_config_preset(TcpConfig *cfg, TcpPreset preset);
/* Rejects what the model cannot run (zero MSS, empty or inverted port range, negative
 * or zero times where a positive one is needed, rto_min > rto_max, retries < 0 ...),
 * naming the field. */
gboolean tcp_config_validate(const TcpConfig *cfg, GError **error);

typedef enum {
  TCP_OK = 0,
  TCP_ERR_REFUSED,       /* RST in answer to our SYN (ECONNREFUSED) */
  TCP_ERR_TIMEDOUT,      /* retries exhausted (ETIMEDOUT) */
  TCP_ERR_RESET,         /* RST on a synchronized connection (ECONNRESET) */
  TCP_ERR_ADDRNOTAVAIL,  /* no free local port (EADDRNOTAVAIL) */
  TCP_ERR_ADDRINUSE,     /* port already listened on (EADDRINUSE) */
  TCP_ERR_PIPE,          /* write after shutdown (EPIPE) */
  TCP_ERR_NOTCONN,       /* operation needs a connection (ENOTCONN) */
  TCP_ERR_AGAIN,         /* nothing to accept / read yet (EAGAIN) */
} TcpErr;

const char *tcp_err_name(TcpErr e);  /* "ECONNREFUSED", ... */

/* Trace records the model emits (SimTraceRecord.kind), with the connection's host's
 * address as component and arg[0] the connection's incarnation:
 *   TCP_TRACE_STATE  arg[1] = old state, arg[2] = new state; subject: the connection
 *   TCP_TRACE_SEND   arg[1] = flags | payload length << 8, arg[2] = seq, arg[3] = ack;
 *                    subject: the segment
 *   TCP_TRACE_RECV   as SEND, for a segment handed to the connection
 *   TCP_TRACE_TIMER  arg[1] = TcpTimerKind of the timer that fired; subject: the
 *                    connection
 * A connection lent as subject may be read with the accessors below (tcp_state,
 * tcp_local_port, tcp_remote_addr, ...), also in TIME-WAIT. */
typedef enum {
  TCP_TRACE_STATE = 1,
  TCP_TRACE_SEND = 2,
  TCP_TRACE_RECV = 3,
  TCP_TRACE_TIMER = 4,
} TcpTraceKind;

typedef enum {
  TCP_TIMER_RTX,          /* retransmission: SYN, SYN-ACK, data or FIN */
  TCP_TIMER_PROBE,        /* tail loss or zero-window probe */
  TCP_TIMER_TIME_WAIT,    /* end of TIME-WAIT */
  TCP_TIMER_FIN_WAIT_2,   /* orphaned FIN-WAIT-2 gives up */
} TcpTimerKind;

/* "rtx", "probe", "time-wait", "fin-wait-2". */
const char *tcp_timer_name(TcpTimerKind k);

/* What the owner of a connection hears. Every member may be NULL. */
typedef struct {
  /* an active open completed (ESTABLISHED) */
  void (*connected)(TcpConn *c, void *app);
  /* a listener has a new connection ready for tcp_accept() */
  void (*acceptable)(TcpConn *listener, void *app);
  /* data, or the peer's FIN, can be read */
  void (*readable)(TcpConn *c, void *app);
  /* the connection failed or was reset (@err), or finished its close (TCP_OK): it is
   * CLOSED and will send nothing more */
  void (*closed)(TcpConn *c, TcpErr err, void *app);
} TcpCallbacks;

/* Per-connection counts (32-bit where a lifecycle cannot reach 2^32: they are paid for
 * by every connection, TIME-WAIT ones included). */
typedef struct {
  uint64_t bytes_sent, bytes_rcvd;   /* payload, first transmissions / in order */
  uint32_t segs_sent, segs_rcvd;
  uint32_t retransmits;              /* segments sent again (SYN, SYN-ACK, data, FIN, and
                                      * tail loss probes, which the run counts apart) */
  uint32_t timeouts;                 /* retransmission timer expiries */
  uint32_t challenge_acks;           /* RFC 5961 challenge ACKs sent */
  uint32_t dup_segs;                 /* segments entirely before RCV.NXT */
} TcpConnStats;

/* Open a listener on @port of @h. Fails with TCP_ERR_ADDRINUSE. @cb and @app receive
 * the listener's events; children start with the listener's callbacks and app. */
TcpConn *tcp_listen(Host *h, uint16_t port, int backlog, const TcpCallbacks *cb, void *app,
                    TcpErr *err);
/* Active open to @raddr:@rport from an ephemeral port (or @lport if nonzero). Sends the
 * SYN at once; connected() or closed() follows. Fails synchronously only with
 * TCP_ERR_ADDRNOTAVAIL / TCP_ERR_ADDRINUSE. */
TcpConn *tcp_connect(Host *h, NetAddr raddr, uint16_t rport, uint16_t lport,
                     const TcpCallbacks *cb, void *app, TcpErr *err);
/* The next established connection of @listener, or NULL (TCP_ERR_AGAIN). It starts
 * with the listener's callbacks and app; tcp_set_app() gives it its own. */
TcpConn *tcp_accept(TcpConn *listener, TcpErr *err);
/* Routes @c's events to @cb and @app from now on. */
void tcp_set_app(TcpConn *c, const TcpCallbacks *cb, void *app);
/* Queues @len bytes for sending; returns the bytes accepted (may be less than @len when
 * the send buffer is full), or -1 with @err (TCP_ERR_PIPE after shutdown/close,
 * TCP_ERR_NOTCONN before the connection is synchronized... as Linux, writing in
 * SYN-SENT queues). */
int64_t tcp_write(TcpConn *c, uint32_t len, TcpErr *err);
/* Consumes up to @len received bytes; returns how many (0 at end of stream after the
 * peer's FIN), or -1 with TCP_ERR_AGAIN when nothing is readable yet. */
int64_t tcp_read(TcpConn *c, uint32_t len, TcpErr *err);
/* A connection reset or timed out reports its error once, as a socket does: reads
 * first return the data queued before the reset; then the first tcp_read or tcp_write
 * fails with the error, later reads return 0 (end of stream) and later writes fail with
 * TCP_ERR_PIPE. A connection reset while it waits in a listener's accept queue stays
 * there, CLOSED, with its data (Linux), and tcp_accept hands it out. */
/* Bytes received and not read (FIN not counted: SIOCINQ). */
uint32_t tcp_readable(const TcpConn *c);
/* Half-close: no more writes; a FIN follows the queued data. */
void tcp_shutdown_write(TcpConn *c);
/* No more reads wanted (SHUT_RD): tcp_read returns 0 instead of TCP_ERR_AGAIN when
 * nothing is queued. As Linux, data still arriving is acknowledged and readable, except
 * in FIN-WAIT-1/2, where new data resets the connection. */
void tcp_shutdown_read(TcpConn *c);
/* TCP_USER_TIMEOUT (RFC 5482): the connection fails with TCP_ERR_TIMEDOUT once what it
 * sent has gone unacknowledged for @timeout, whatever the retry counts say; the RTO is
 * cut short to end there. 0 turns it off. */
void tcp_set_user_timeout(TcpConn *c, SimTime timeout);
/* The app lets go of @c: as shutdown_write, except that unread data makes it an abort
 * (RST, as Linux). After this call @c belongs to the stack, which frees it when it
 * reaches CLOSED; the app must not use it again. */
void tcp_close(TcpConn *c);
/* Sends RST (if synchronized) and goes to CLOSED at once; the app lets go of @c. */
void tcp_abort(TcpConn *c);

TcpState tcp_state(const TcpConn *c);
Host *tcp_host(const TcpConn *c);
uint16_t tcp_local_port(const TcpConn *c);
uint16_t tcp_remote_port(const TcpConn *c);
NetAddr tcp_remote_addr(const TcpConn *c);
uint32_t tcp_iss(const TcpConn *c);
uint32_t tcp_irs(const TcpConn *c);
uint32_t tcp_snd_nxt(const TcpConn *c);
uint32_t tcp_rcv_nxt(const TcpConn *c);
uint64_t tcp_incarnation(const TcpConn *c);
/* The current retransmission timeout (with backoff), and when the pending timer of
 * this connection fires (SIM_TIME_NEVER if none). */
SimTime tcp_rto(const TcpConn *c);
SimTime tcp_timer_deadline(const TcpConn *c);
TcpErr tcp_error(const TcpConn *c);
const TcpConnStats *tcp_conn_stats(const TcpConn *c);
/* Time spent so far in each state, indexed by TcpState (the current one up to now). */
void tcp_state_times(const TcpConn *c, SimTime out[TCP_NSTATES]);

/* The smoothed RTT (0 before the first sample), and whether the window-scale option
 * was agreed on by both ends. */
SimTime tcp_srtt(const TcpConn *c);
gboolean tcp_wscale_ok(const TcpConn *c);

/* Sequence arithmetic modulo 2^32 (RFC 9293 §3.4). */
static inline gboolean tcp_seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline gboolean tcp_seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline gboolean tcp_seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline gboolean tcp_seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

/* ---- used by host.c ---- */

/* A segment for this connection (or listener) has arrived; takes ownership. */
void tcp_on_segment(TcpConn *c, Segment *seg);
/* Frees @c at once without sending anything: host teardown, and an app being freed
 * with connections it still holds (app.c). Never from inside @c's own callbacks. */
void tcp_conn_destroy(TcpConn *c);
/* Answers @seg, which matched no connection, per RFC 9293 §3.10.7.1 (no RST to a RST). */
void tcp_reply_rst_closed(Host *h, const Segment *seg);

G_END_DECLS
