/* exp_ladder: reads a run's trace.csv (docs/OUTPUTS.md) and draws one connection as a
 * ladder diagram, the two ends as vertical lines and each segment as an arrow from its
 * sender at the send time to its receiver at the arrival time: as text (one row per
 * event, about 100 columns) and as a gnuplot script with its data.
 *
 * A trace is loaded whole (O(rows) memory, 80 bytes a row). Building a ladder scans the
 * rows of one run once and matches each segment's copies to their fates (arrival, drop)
 * against the copies still in flight: O(rows in the run x segments in flight). */
#pragma once

#include <glib.h>
#include "sim_time.h"

G_BEGIN_DECLS

typedef enum {
  EXP_TRACE_SEND,
  EXP_TRACE_RECV,
  EXP_TRACE_DROP,
  EXP_TRACE_DUP,
  EXP_TRACE_HELD,
  EXP_TRACE_STATE,
  EXP_TRACE_TIMER,
  EXP_TRACE_TRUNCATED,
} ExpTraceKind;

/* One row of trace.csv. Addresses are host-order 32-bit numbers; fields a row's kind
 * leaves empty are 0. */
typedef struct {
  guint line;               /* in the file (the header is line 1) */
  guint run;                /* index into ExpTrace.runs */
  SimTime time;
  ExpTraceKind kind;
  guint32 host;             /* 0: the network */
  guint64 conn;
  guint32 src, dst;
  guint16 sport, dport;
  guint8 flags;             /* TCP_SYN | TCP_ACK ... (models/segment.h values) */
  guint32 seq, ack, len, wnd;
  gint8 from, to;           /* state rows: the states (index into exp_ladder_state_name) */
  gint8 timer;              /* timer rows: 0 rtx, 1 probe, 2 time-wait, 3 fin-wait-2 */
  gint8 drop;               /* drop rows: 0 lost, 1 queue, 2 expired */
  gboolean dup;             /* recv rows: the copy a link made */
  SimTime held;             /* held rows: for how long */
} ExpTraceEvent;

typedef struct {
  char *variant;
  guint replication;
  guint events;             /* rows of this run */
} ExpTraceRun;

typedef struct {
  char *path;               /* as given (or the name given to exp_trace_parse) */
  guint point;              /* the sweep point whose rows were read */
  GArray *events;           /* ExpTraceEvent, in file order */
  GArray *runs;             /* ExpTraceRun, in order of first appearance */
} ExpTrace;

/* The eleven RFC 9293 state names as trace.csv writes them ("SYN-SENT"), by index
 * (0 CLOSED ... 10 TIME-WAIT); NULL out of range. */
const char *exp_ladder_state_name(int state);

/* Reads the rows of sweep point @point (0 without a sweep) of @path; every row is
 * checked. NULL with SIM_ERROR_IO when it cannot be read, SIM_ERROR_SYNTAX when a line
 * is malformed: the message names the file, the line and what was expected
 * ("DIR/trace.csv:7: seq: expected a number from 0 to 4294967295, got 'x'"). */
ExpTrace *exp_trace_load(const char *path, guint point, GError **error);
/* The same on @text (@len bytes, -1: NUL-terminated), named @name in messages. */
ExpTrace *exp_trace_parse(const char *text, gssize len, const char *name, guint point,
                          GError **error);
void exp_trace_free(ExpTrace *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExpTrace, exp_trace_free)

/* The run of @variant (NULL: the first in the file) and @replication; FALSE with
 * SIM_ERROR_INVALID naming what the trace holds when there is no such run. */
gboolean exp_trace_find_run(const ExpTrace *t, const char *variant, guint replication,
                            guint *run, GError **error);

typedef enum {
  EXP_OPENER_UNKNOWN,       /* no SYN seen */
  EXP_OPENER_ACTIVE,        /* sent a SYN without ACK */
  EXP_OPENER_PASSIVE,       /* answered one (LISTEN -> SYN-RECEIVED, or a SYN,ACK) */
  EXP_OPENER_LISTENER,      /* a listening socket (remote 0.0.0.0:0) */
} ExpOpener;

/* One connection (an incarnation with state rows) of a run. */
typedef struct {
  guint64 conn;
  guint32 local, remote;
  guint16 lport, rport;
  ExpOpener opener;
  SimTime first, last;      /* its first and last row (any row naming it) */
  char *states;             /* the states it went through, short: "SS>ES>F1>F2>TW>CL" */
  guint sent;               /* segments it sent */
  guint rtx;                /* of which sent again: same seq, flags and length as an
                               earlier one, occupying sequence space (data, SYN, FIN) */
  guint drops;              /* of its segments the network dropped (copies included) */
} ExpTraceConn;

/* The connections of run @run by incarnation (owned: free with g_array_unref; the
 * strings go with it). */
GArray *exp_trace_connections(const ExpTrace *t, guint run);

/* Appends the listing `synack trace --list` prints: a line naming the run and the short
 * state names, a header, one line per connection. */
void exp_trace_format_list(const ExpTrace *t, guint run, GString *out);

/* ---- one connection's ladder ------------------------------------------------------- */

typedef enum {
  EXP_ROW_SEGMENT,          /* an arrow: a segment (or a copy the network made) */
  EXP_ROW_STATE,            /* a side's state changes */
  EXP_ROW_TIMER,            /* a side's timer fires */
  EXP_ROW_TRUNCATED,        /* the trace ends here ([trace] max_events) */
} ExpRowKind;

typedef enum {
  EXP_FATE_ARRIVED,
  EXP_FATE_LOST,
  EXP_FATE_QUEUE,           /* dropped by a full link queue */
  EXP_FATE_EXPIRED,         /* older than the MSL */
  EXP_FATE_UNKNOWN,         /* no arrival or drop in the trace (still in flight) */
} ExpFate;

typedef struct {
  ExpRowKind kind;
  int side;                 /* 0 left, 1 right: the sender, or whose state or timer */
  SimTime time;             /* the send (or copy, state change, timer) time */
  guint line;               /* of the row it comes from */
  guint64 conn;             /* the sender's or the side's incarnation */
  /* segments */
  ExpFate fate;
  SimTime arrival;          /* ARRIVED: when; drops: when dropped */
  gboolean sent_unseen;     /* only its arrival or drop is in the trace */
  gboolean rtx, dup;        /* sent again; a copy the network made */
  SimTime held;             /* > 0: held back that long */
  guint8 flags;
  guint32 seq, ack, len;    /* relative to the ISNs when known (see rel_seq, rel_ack) */
  gboolean rel_seq, rel_ack;
  /* the arrow's text ("SYN,ACK seq=0 ack=1"), the state ("ESTABLISHED"), or the timer
   * ("[rtx timer]") */
  char *label;
  guint marks;              /* segments: where the marks after flags, seq, ack and len
                               begin in @label ("(rtx)", "(dup)", "(held 0.3 s)") */
} ExpLadderRow;

typedef struct {
  char *variant;
  guint point;              /* shown when > 0 */
  guint replication;
  guint64 conn;             /* the incarnation asked for */
  guint32 addr[2];          /* left, right */
  guint16 port[2];
  ExpOpener opener[2];
  GArray *incarnations[2];  /* guint64: the incarnations seen on each side */
  char *initial[2];         /* the state each side starts from (NULL: none seen) */
  SimTime start;            /* absolute time of the first row (time 0 of the ladder) */
  GArray *rows;             /* ExpLadderRow in time order (file order for ties) */
} ExpLadder;

/* The ladder of incarnation @conn (0: the lowest that is not a listener, else the
 * lowest) in run @run: its 4-tuple (from its state rows), every row on that 4-tuple in
 * either direction from its first to its last row, and the segments sent before or
 * arriving after that span whose other end falls in it. The left side is the end that
 * sent the first SYN without ACK, else @conn's own end. Sequence numbers are made
 * relative to the sender's initial sequence number (the seq of its incarnation's SYN),
 * acknowledgments to the latest SYN the other side sent before; absolute when no SYN is
 * seen. NULL with SIM_ERROR_INVALID listing the connections of the run when @conn has no
 * state row there. */
ExpLadder *exp_ladder_new(const ExpTrace *t, guint run, guint64 conn, GError **error);
void exp_ladder_free(ExpLadder *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExpLadder, exp_ladder_free)

/* Appends the text ladder: a header (variant, replication, connection, both ends, the
 * absolute start time), then one row per event, times in ms from the start. */
void exp_ladder_render_text(const ExpLadder *l, GString *out);

/* "ladder-VARIANT-rR-cID", "ladder-VARIANT-pP-rR-cID" at a sweep point P > 0 (characters other than letters, digits, '.', '_' and '-' in
 * the variant name become '_'). Owned. */
char *exp_ladder_basename(const ExpLadder *l);

typedef enum {
  EXP_LADDER_PNG = 1,
  EXP_LADDER_SVG = 2,
  EXP_LADDER_BOTH = 3,
} ExpLadderFormat;

/* Writes @dir/@base.gp and @dir/@base.dat (@dir is made if missing): a gnuplot script
 * that, run from @dir, draws the ladder into @base.png and/or @base.svg. FALSE with
 * SIM_ERROR_IO when a file cannot be written. */
gboolean exp_ladder_write_gnuplot(const ExpLadder *l, const char *dir, const char *base,
                                  ExpLadderFormat format, GError **error);

G_END_DECLS
