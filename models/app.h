/* app: the programs hosts run over the socket-like TCP API: a client that opens
 * connections (one after another, or by an arrival process), a server that answers them,
 * and a SYN flooder with spoofed sources. Clients and servers count every connection's
 * outcome and timing; with `record` on they also keep one AppConnRecord per connection.
 * Apps draw randomness only from the stream their host gives them (host_rng), so adding
 * an app never shifts another component's stream. */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "host.h"
#include "sim_dist.h"
#include "tcp.h"

G_BEGIN_DECLS

/* ---- client --------------------------------------------------------------------- */

typedef enum {
  APP_CLOSE_FIRST,      /* after sending the request: half-close (FIN), read the reply to
                         * its end, then let go: the client is the active closer */
  APP_CLOSE_SECOND,     /* send the request, read the reply until the server's FIN, then
                         * close: the server is the active closer */
} AppCloseOrder;

/* Per-connection times several clients of one run may share, for distributions (CDFs):
 * the first @max of each kind, in the order they happen, in seconds. */
typedef struct {
  guint max;
  GArray *connect;       /* double: connect to ESTABLISHED */
  GArray *completion;    /* double: connect to the end of a completed exchange */
} AppTimeSamples;

typedef struct {
  NetAddr server;
  uint16_t port;
  uint32_t conns;              /* connections to open in all (>= 1) */
  SimTime start;               /* first connect, absolute */
  /* NULL: one after another, the next opening when the previous one is done (its
   * client side has seen the end of the exchange: in TIME-WAIT for APP_CLOSE_FIRST, or
   * CLOSED) or failed. Otherwise the gaps between opens, independent of completion. */
  const SimDist *interarrival;
  uint32_t request_bytes;      /* written once connected (0: none); cut to what the
                                * host's send buffer takes (tcp.h has no "writable"
                                * event to write the rest on) */
  AppCloseOrder close;
  gboolean record;             /* keep one AppConnRecord per connection */
  AppTimeSamples *samples;     /* where to add this client's times, or NULL; not owned */
} AppClientConfig;

typedef enum {
  APP_CONN_PENDING,     /* not finished yet */
  APP_CONN_COMPLETED,   /* request sent, reply read to its end, closed */
  APP_CONN_REFUSED,     /* RST in answer to the SYN */
  APP_CONN_TIMED_OUT,   /* handshake or retransmissions gave up */
  APP_CONN_RESET,       /* reset once established */
  APP_CONN_NO_PORT,     /* no free local port for the connect */
} AppConnOutcome;

typedef struct {
  uint64_t incarnation;        /* the TcpConn's (0 if the connect failed at once) */
  SimTime opened;              /* connect() */
  SimTime established;         /* -1 if never */
  SimTime finished;            /* outcome known; -1 while pending */
  uint32_t bytes_rcvd;
  uint8_t outcome;             /* AppConnOutcome */
} AppConnRecord;

/* opened counts every connect attempted, NO_PORT ones included: once done, opened =
 * completed + refused + timed_out + reset + no_port. A close the stack reports as
 * finished (TCP_OK) before the exchange completed counts as reset. */
typedef struct {
  uint64_t opened, completed, refused, timed_out, reset, no_port;
  SimTime connect_time_sum;    /* sum over established connections of established - opened */
  SimTime completion_time_sum; /* sum over completed connections of finished - opened */
  uint64_t bytes_rcvd;
} AppClientStats;

typedef struct AppClient AppClient;

/* A client on @h (which must outlive it); @cfg is copied (@cfg->interarrival is not:
 * it must outlive the client). Schedules its first connect at cfg->start. */
AppClient *app_client_new(Host *h, const AppClientConfig *cfg);
/* Aborts what is still open (without sending anything: the connections are freed as
 * host_free frees them, their peers are not told), cancels the opens still to come and
 * frees the client. Not from within the client's own callbacks. */
void app_client_free(AppClient *a);
const AppClientStats *app_client_stats(const AppClient *a);
/* TRUE when every connection has an outcome. */
gboolean app_client_done(const AppClient *a);
/* The records, in opening order (empty unless cfg->record). */
const AppConnRecord *app_client_records(const AppClient *a, guint *n);

/* ---- server --------------------------------------------------------------------- */

typedef struct {
  uint16_t port;
  int backlog;
  uint32_t request_bytes;      /* the reply starts once this much is read, or at the
                                * client's FIN (0: only at the FIN) */
  uint32_t response_bytes;     /* written after service_time (0: nothing); cut to the
                                * send buffer as the client's request is */
  SimTime service_time;        /* the work between request and reply (and close) */
  /* TRUE: close once the reply is written (the server closes first); FALSE: close when
   * the client's FIN has arrived and the reply is written. */
  gboolean close_first;
  gboolean record;
} AppServerConfig;

/* reset counts every accepted connection that ended otherwise than completed (reset or
 * timed out; the records tell which). */
typedef struct {
  uint64_t accepted, completed, reset;
  uint64_t bytes_rcvd, bytes_sent;
} AppServerStats;

typedef struct AppServer AppServer;

/* A server listening on @h; NULL with @err when the port is taken. */
AppServer *app_server_new(Host *h, const AppServerConfig *cfg, TcpErr *err);
/* Frees the connections still held without sending anything (as app_client_free),
 * closes the listener (its half-open connections are dropped silently) and frees the
 * server. */
void app_server_free(AppServer *a);
const AppServerStats *app_server_stats(const AppServer *a);
const AppConnRecord *app_server_records(const AppServer *a, guint *n);

/* ---- SYN flooder ---------------------------------------------------------------- */

typedef struct {
  NetAddr target;
  uint16_t port;
  uint32_t count;              /* SYNs to send */
  SimTime start;
  SimTime interval;            /* between SYNs (> 0) */
  uint32_t syn_payload;        /* bytes of data on each SYN (C8) */
  NetAddr spoof_base;          /* sources spoof_base .. spoof_base + spoof_count - 1, */
  uint32_t spoof_count;        /* taken in turn (>= 1), each from a random port */
} AppFlooderConfig;

typedef struct {
  uint64_t syns_sent;
  uint64_t payload_bytes_sent;
} AppFlooderStats;

typedef struct AppFlooder AppFlooder;

/* Sends raw SYNs from @h (through its routes) that no connection stands behind: the
 * first at cfg->start, then one every interval, each with a random source port in
 * 1024..65535 and a random sequence number, an MSS option of 1460 and a 65535 window. */
AppFlooder *app_flooder_new(Host *h, const AppFlooderConfig *cfg);
void app_flooder_free(AppFlooder *a);
const AppFlooderStats *app_flooder_stats(const AppFlooder *a);

/* Rejects what cannot run (no connections, port 0, zero interval or spoof count, a
 * flooder with no target), naming the key as "client.conns", "flooder.target" ... */
gboolean app_client_config_validate(const AppClientConfig *cfg, GError **error);
gboolean app_server_config_validate(const AppServerConfig *cfg, GError **error);
gboolean app_flooder_config_validate(const AppFlooderConfig *cfg, GError **error);

G_END_DECLS
