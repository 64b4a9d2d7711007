/* Tests for experiments/exp_ladder.c: trace.csv parsed (every field, every kind of
 * malformed row named by file and line), runs and connections found, a connection's
 * ladder across two incarnations of one 4-tuple, seq/ack relative to the ISNs, the
 * active opener on the left, the fates of copies (lost, duplicated, held, dropped from
 * a queue), the text ladders of the fixtures in tests/data/trace/ byte for byte, and the
 * gnuplot figure. */
#include "test_util.h"
#include "exp_gnuplot.h"
#include "exp_ladder.h"
#include "segment.h"

#include <glib/gstdio.h>

#define HEADER "variant,point,replication,time,host,event,conn,src,sport,dst,dport,flags,seq,ack,len,wnd,detail\n"

/* ---- helpers ---------------------------------------------------------------------- */

static ExpTrace *
load_fixture(const char *name)
{
  g_autofree char *rel = g_build_filename("trace", name, "trace.csv", NULL);
  g_autofree char *path = test_data_path(rel);
  g_autoptr(GError) err = NULL;
  ExpTrace *t = exp_trace_load(path, 0, &err);
  if (t == NULL)
    fprintf(stderr, "\n  %s: %s\n", path, err->message);
  return t;
}

static ExpLadder *
ladder_of(const ExpTrace *t, const char *variant, guint rep, guint64 conn)
{
  g_autoptr(GError) err = NULL;
  guint run = 0;
  if (!exp_trace_find_run(t, variant, rep, &run, &err)) {
    fprintf(stderr, "\n  %s\n", err->message);
    return NULL;
  }
  ExpLadder *l = exp_ladder_new(t, run, conn, &err);
  if (l == NULL)
    fprintf(stderr, "\n  %s\n", err->message);
  return l;
}

static const ExpLadderRow *
row(const ExpLadder *l, guint i)
{
  CU_ASSERT_FATAL(i < l->rows->len);
  return &g_array_index(l->rows, ExpLadderRow, i);
}

/* The first segment row whose label starts with @label, or NULL. */
static const ExpLadderRow *
find_label(const ExpLadder *l, const char *label)
{
  for (guint i = 0; i < l->rows->len; i++) {
    const ExpLadderRow *r = &g_array_index(l->rows, ExpLadderRow, i);
    if (r->kind == EXP_ROW_SEGMENT && g_str_has_prefix(r->label, label))
      return r;
  }
  fprintf(stderr, "\n  no segment row labelled '%s...'\n", label);
  return NULL;
}

#define ASSERT_STR(got, want) assert_str(got, want, __LINE__)
static void
assert_str(const char *got, const char *want, int line)
{
  if (got != NULL && strcmp(got, want) == 0) {
    CU_PASS("strings equal");
    return;
  }
  fprintf(stderr, "\n  (line %d) got '%s', expected '%s'\n", line, got ? got : "(null)", want);
  CU_FAIL("strings differ");
}

/* ---- parsing ---------------------------------------------------------------------- */

static void
parse_reads_every_kind_of_row(void)
{
  const char *text = HEADER
    "v1,0,0,0.000000000,11.0.0.1,state,2,11.0.0.1,32768,10.0.0.1,80,,,,,,CLOSED->SYN-SENT\n"
    "v1,0,0,0.000000001,11.0.0.1,send,2,11.0.0.1,32768,10.0.0.1,80,S,4294967295,0,0,65535,mss=1460 ws=7\n"
    "v1,0,0,1.5,,drop,2,11.0.0.1,32768,10.0.0.1,80,S,4294967295,0,0,65535,expired\n"
    "v1,0,0,2.000000000,,held,2,11.0.0.1,32768,10.0.0.1,80,FRP.,7,8,100,512,0.250000000\n"
    "v1,0,0,2.000000000,,dup,2,11.0.0.1,32768,10.0.0.1,80,-,7,8,0,512,\n"
    "v1,0,0,2.5,10.0.0.1,recv,2,11.0.0.1,32768,10.0.0.1,80,R.,7,8,0,0,mss=1460 dup\r\n"
    "v1,0,1,3.000000000,11.0.0.1,timer,2,11.0.0.1,32768,10.0.0.1,80,,,,,,fin-wait-2\n"
    "v2,0,0,4.000000000,,truncated,0,,,,,,,,,,\n";
  g_autoptr(GError) err = NULL;
  g_autoptr(ExpTrace) t = exp_trace_parse(text, -1, "mem.csv", 0, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_EQUAL(t->events->len, 8);
  CU_ASSERT_EQUAL(t->runs->len, 3);
  ASSERT_STR(g_array_index(t->runs, ExpTraceRun, 0).variant, "v1");
  CU_ASSERT_EQUAL(g_array_index(t->runs, ExpTraceRun, 0).events, 6);
  CU_ASSERT_EQUAL(g_array_index(t->runs, ExpTraceRun, 1).replication, 1);
  ASSERT_STR(g_array_index(t->runs, ExpTraceRun, 2).variant, "v2");
  const ExpTraceEvent *e = (const ExpTraceEvent *)(void *)t->events->data;
  CU_ASSERT_EQUAL(e[0].kind, EXP_TRACE_STATE);
  CU_ASSERT_EQUAL(e[0].line, 2);
  CU_ASSERT_EQUAL(e[0].from, 0);
  CU_ASSERT_EQUAL(e[0].to, 2);
  ASSERT_STR(exp_ladder_state_name(e[0].to), "SYN-SENT");
  CU_ASSERT_EQUAL(e[1].kind, EXP_TRACE_SEND);
  CU_ASSERT_EQUAL(e[1].time, 1);
  CU_ASSERT_EQUAL(e[1].host, 0x0b000001u);
  CU_ASSERT_EQUAL(e[1].src, 0x0b000001u);
  CU_ASSERT_EQUAL(e[1].dst, 0x0a000001u);
  CU_ASSERT_EQUAL(e[1].sport, 32768);
  CU_ASSERT_EQUAL(e[1].dport, 80);
  CU_ASSERT_EQUAL(e[1].conn, 2);
  CU_ASSERT_EQUAL(e[1].flags, TCP_SYN);
  CU_ASSERT_EQUAL(e[1].seq, 4294967295u);
  CU_ASSERT_EQUAL(e[1].wnd, 65535);
  CU_ASSERT_EQUAL(e[2].kind, EXP_TRACE_DROP);
  CU_ASSERT_EQUAL(e[2].time, 1500000000);
  CU_ASSERT_EQUAL(e[2].host, 0);
  CU_ASSERT_EQUAL(e[2].drop, 2);
  CU_ASSERT_EQUAL(e[3].kind, EXP_TRACE_HELD);
  CU_ASSERT_EQUAL(e[3].held, 250 * SIM_MS);
  CU_ASSERT_EQUAL(e[3].flags, TCP_FIN | TCP_RST | TCP_PSH | TCP_ACK);
  CU_ASSERT_EQUAL(e[3].len, 100);
  CU_ASSERT_EQUAL(e[4].kind, EXP_TRACE_DUP);
  CU_ASSERT_EQUAL(e[4].flags, 0);
  CU_ASSERT_EQUAL(e[5].kind, EXP_TRACE_RECV);
  CU_ASSERT_TRUE(e[5].dup);
  CU_ASSERT_FALSE(e[1].dup);
  CU_ASSERT_EQUAL(e[5].flags, TCP_RST | TCP_ACK);
  CU_ASSERT_EQUAL(e[6].kind, EXP_TRACE_TIMER);
  CU_ASSERT_EQUAL(e[6].timer, 3);
  CU_ASSERT_EQUAL(e[6].run, 1);
  CU_ASSERT_EQUAL(e[7].kind, EXP_TRACE_TRUNCATED);
  CU_ASSERT_EQUAL(e[7].run, 2);
}

static void
parse_header_only_is_an_empty_trace(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(ExpTrace) t = exp_trace_parse(HEADER, -1, "mem.csv", 0, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_EQUAL(t->events->len, 0);
  guint run = 9;
  CU_ASSERT_FALSE(exp_trace_find_run(t, NULL, 0, &run, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, "mem.csv holds no event");
}

static void
parse_error_names_file_line_and_expectation(void)
{
  static const struct {
    const char *row;   /* the second line (after a good first data row) */
    const char *want;  /* what the message says after "bad.csv:3: " */
  } cases[] = {
    { "v,0,0,1.0,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0",
      "expected 17 comma-separated fields (variant,point,replication,time,host,event,conn,"
      "src,sport,dst,dport,flags,seq,ack,len,wnd,detail), got 16" },
    { "", "expected 17 comma-separated fields" },
    { "v,x,0,1.0,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,",
      "point: expected a number from 0 to 4294967295, got 'x'" },
    { "v,0,0,1.0,1.2.3.4,sent,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,",
      "event: expected send, recv, drop, dup, held, state, timer or truncated, got 'sent'" },
    { ",0,0,1.0,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,",
      "variant: expected a name, got nothing" },
    { "v,0,-1,1.0,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,",
      "replication: expected a number from 0 to 4294967295, got '-1'" },
    { "v,0,0,1.5s,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,",
      "time: expected seconds with up to nine decimals, got '1.5s'" },
    { "v,0,0,1.0000000001,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,",
      "time: expected seconds with up to nine decimals, got '1.0000000001'" },
    { "v,0,0,1.0,,send,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,",
      "host: expected an address (dotted quad), got ''" },
    { "v,0,0,1.0,1.2.3.4,drop,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,lost",
      "host: expected nothing for a drop row, got '1.2.3.4'" },
    { "v,0,0,1.0,1.2.3.4,send,x,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,",
      "conn: expected a number from 0 to 18446744073709551615, got 'x'" },
    { "v,0,0,1.0,1.2.3.4,send,1,1.2.3.256,1,5.6.7.8,2,S,1,0,0,0,",
      "src: expected an address (dotted quad), got '1.2.3.256'" },
    { "v,0,0,1.0,1.2.3.4,send,1,1.2.3.4,1,5.6.7,2,S,1,0,0,0,",
      "dst: expected an address (dotted quad), got '5.6.7'" },
    { "v,0,0,1.0,1.2.3.4,send,1,1.2.3.4,65536,5.6.7.8,2,S,1,0,0,0,",
      "sport: expected a number from 0 to 65535, got '65536'" },
    { "v,0,0,1.0,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,SS,1,0,0,0,",
      "flags: expected tcpdump flags (S, S., ., P., F., R, R.), got 'SS'" },
    { "v,0,0,1.0,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,,1,0,0,0,",
      "flags: expected tcpdump flags (S, S., ., P., F., R, R.), got ''" },
    { "v,0,0,1.0,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,S,4294967296,0,0,0,",
      "seq: expected a number from 0 to 4294967295, got '4294967296'" },
    { "v,0,0,1.0,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,S,1,0,-4,0,",
      "len: expected a number from 0 to 4294967295, got '-4'" },
    { "v,0,0,1.0,1.2.3.4,state,1,1.2.3.4,1,5.6.7.8,2,,,,,,SYN-SENT->OPEN",
      "detail: expected FROM->TO with RFC 9293 state names (SYN-SENT->ESTABLISHED), "
      "got 'SYN-SENT->OPEN'" },
    { "v,0,0,1.0,1.2.3.4,state,1,1.2.3.4,1,5.6.7.8,2,S,,,,,CLOSED->LISTEN",
      "flags: expected nothing for a state row, got 'S'" },
    { "v,0,0,1.0,1.2.3.4,timer,1,1.2.3.4,1,5.6.7.8,2,,,,,,keepalive",
      "detail: expected rtx, probe, time-wait or fin-wait-2, got 'keepalive'" },
    { "v,0,0,1.0,,drop,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,stolen",
      "detail: expected lost, queue or expired, got 'stolen'" },
    { "v,0,0,1.0,,held,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,soon",
      "detail: expected the seconds it is held, got 'soon'" },
    { "v,0,0,1.0,,truncated,0,1.2.3.4,,,,,,,,,",
      "src: expected nothing for a truncated row, got '1.2.3.4'" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strconcat(HEADER,
      "v,0,0,0.5,1.2.3.4,send,1,1.2.3.4,1,5.6.7.8,2,S,1,0,0,0,\n", cases[i].row, "\n", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(ExpTrace) t = exp_trace_parse(text, -1, "bad.csv", 0, &err);
    CU_ASSERT_PTR_NULL(t);
    g_autofree char *want = g_strconcat("bad.csv:3: ", cases[i].want, NULL);
    if (err == NULL || !g_str_has_prefix(err->message, want)) {
      fprintf(stderr, "\n  row '%s':\n    got  %s\n    want %s\n", cases[i].row,
              err ? err->message : "(no error)", want);
      CU_FAIL("wrong message");
      continue;
    }
    CU_ASSERT_EQUAL(err->domain, SIM_ERROR);
    CU_ASSERT_EQUAL(err->code, SIM_ERROR_SYNTAX);
  }
}

static void
parse_rejects_a_wrong_header_or_an_empty_file(void)
{
  g_autoptr(GError) err = NULL;
  CU_ASSERT_PTR_NULL(exp_trace_parse("variant,replication,time\n", -1, "h.csv", 0, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "h.csv:1: expected the header 'variant,point,"
                    "replication,time,host,event,conn,src,sport,dst,dport,flags,seq,ack,len,wnd,"
                    "detail', got 'variant,replication,time'");
  CU_ASSERT_PTR_NULL(exp_trace_parse("", -1, "e.csv", 0, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "e.csv:1: expected the header");
}

static void
load_missing_file_is_an_io_error(void)
{
  g_autofree char *path = test_data_path("trace/no-such/trace.csv");
  g_autoptr(GError) err = NULL;
  CU_ASSERT_PTR_NULL(exp_trace_load(path, 0, &err));
  g_autofree char *want = g_strdup_printf("cannot read '%s': no such file", path);
  TEST_ASSERT_ERROR(err, SIM_ERROR_IO, want);
}

/* ---- runs and connections ----------------------------------------------------------- */

static void
find_run_defaults_to_the_first_variant_and_lists_what_exists(void)
{
  g_autoptr(ExpTrace) t = load_fixture("handshake");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  guint run = 9;
  g_autoptr(GError) err = NULL;
  CU_ASSERT_TRUE(exp_trace_find_run(t, NULL, 0, &run, &err));
  CU_ASSERT_EQUAL(run, 0);
  CU_ASSERT_TRUE(exp_trace_find_run(t, "rtt_100ms", 0, &run, &err));
  CU_ASSERT_EQUAL(run, 1);
  CU_ASSERT_FALSE(exp_trace_find_run(t, "rtt_1ms", 0, &run, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID,
                    "has no variant 'rtt_1ms'; traced variants: rtt_10ms, rtt_100ms");
  CU_ASSERT_FALSE(exp_trace_find_run(t, "rtt_10ms", 3, &run, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID,
                    "has no replication 3 of variant rtt_10ms; traced replications: 0");
}

static void
connections_count_segments_retransmissions_and_drops(void)
{
  g_autoptr(ExpTrace) t = load_fixture("lost_syn");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(GArray) c = exp_trace_connections(t, 0);
  CU_ASSERT_EQUAL_FATAL(c->len, 3);
  const ExpTraceConn *listener = &g_array_index(c, ExpTraceConn, 0);
  const ExpTraceConn *client = &g_array_index(c, ExpTraceConn, 1);
  const ExpTraceConn *server = &g_array_index(c, ExpTraceConn, 2);
  CU_ASSERT_EQUAL(listener->conn, 1);
  CU_ASSERT_EQUAL(listener->opener, EXP_OPENER_LISTENER);
  ASSERT_STR(listener->states, "CL>LI");
  CU_ASSERT_EQUAL(client->conn, 2);
  CU_ASSERT_EQUAL(client->opener, EXP_OPENER_ACTIVE);
  CU_ASSERT_EQUAL(client->local, 0x0b000001u);
  CU_ASSERT_EQUAL(client->lport, 32768);
  CU_ASSERT_EQUAL(client->remote, 0x0a000001u);
  CU_ASSERT_EQUAL(client->rport, 80);
  CU_ASSERT_EQUAL(client->first, 0);
  CU_ASSERT_EQUAL(client->last, 1030 * SIM_MS);
  CU_ASSERT_EQUAL(client->sent, 6);
  CU_ASSERT_EQUAL(client->rtx, 1);     /* the SYN again; the two ACKs of seq 101 are not */
  CU_ASSERT_EQUAL(client->drops, 1);
  ASSERT_STR(client->states, "CL>SS>ES>CW>LA>CL");
  CU_ASSERT_EQUAL(server->opener, EXP_OPENER_PASSIVE);
  CU_ASSERT_EQUAL(server->sent, 4);
  CU_ASSERT_EQUAL(server->rtx, 0);
  ASSERT_STR(server->states, "LI>SR>ES>F1>F2>TW");
}

static void
list_is_golden(void)
{
  g_autoptr(ExpTrace) t = load_fixture("lost_syn");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(GString) out = g_string_new(NULL);
  exp_trace_format_list(t, 0, out);
  g_autofree char *path = test_data_path("trace/lost_syn.list");
  g_autofree char *want = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &want, NULL, NULL));
  if (strcmp(out->str, want) != 0)
    fprintf(stderr, "\n  %s differs; got:\n%s", path, out->str);
  CU_ASSERT_STRING_EQUAL(out->str, want);
}

/* ---- one connection ----------------------------------------------------------------- */

static void
default_connection_is_the_first_that_is_not_a_listener(void)
{
  g_autoptr(ExpTrace) t = load_fixture("lost_syn");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(ExpLadder) l = ladder_of(t, NULL, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  CU_ASSERT_EQUAL(l->conn, 2);
  g_autoptr(ExpLadder) r1 = ladder_of(t, "lossy", 1, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r1);
  CU_ASSERT_EQUAL(r1->replication, 1);
  CU_ASSERT_EQUAL(r1->rows->len, 7);
}

static void
unknown_connection_lists_the_connections(void)
{
  g_autoptr(ExpTrace) t = load_fixture("reuse");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(GError) err = NULL;
  CU_ASSERT_PTR_NULL(exp_ladder_new(t, 0, 7, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID,
                    "variant reuse, replication 0 has no connection 7; its connections: "
                    "1, 2, 3, 4");
}

static void
two_incarnations_on_one_tuple_are_told_apart(void)
{
  g_autoptr(ExpTrace) t = load_fixture("reuse");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  /* the first: nothing of the second incarnation (which starts 100 ms after its end) */
  g_autoptr(ExpLadder) first = ladder_of(t, NULL, 0, 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(first);
  CU_ASSERT_EQUAL(first->start, 0);
  CU_ASSERT_EQUAL(row(first, first->rows->len - 1)->time, 30 * SIM_MS);
  CU_ASSERT_EQUAL(first->incarnations[0]->len, 1);
  CU_ASSERT_EQUAL(g_array_index(first->incarnations[1], guint64, 0), 2);
  CU_ASSERT_EQUAL(first->incarnations[1]->len, 1);
  /* the second: its span only, the peer's old incarnation (2, in TIME-WAIT, closed by
   * the new SYN) and its new one (4) on the right */
  g_autoptr(ExpLadder) second = ladder_of(t, NULL, 0, 3);
  CU_ASSERT_PTR_NOT_NULL_FATAL(second);
  CU_ASSERT_EQUAL(second->start, 130 * SIM_MS);
  CU_ASSERT_EQUAL(second->incarnations[0]->len, 1);
  CU_ASSERT_EQUAL(g_array_index(second->incarnations[0], guint64, 0), 3);
  CU_ASSERT_EQUAL_FATAL(second->incarnations[1]->len, 2);
  CU_ASSERT_EQUAL(g_array_index(second->incarnations[1], guint64, 0), 2);
  CU_ASSERT_EQUAL(g_array_index(second->incarnations[1], guint64, 1), 4);
  ASSERT_STR(second->initial[1], "TIME-WAIT");
  const ExpLadderRow *syn = row(second, 1);
  ASSERT_STR(syn->label, "SYN seq=0");
  CU_ASSERT_EQUAL(syn->conn, 3);
  const ExpLadderRow *closed = row(second, 2);
  CU_ASSERT_EQUAL(closed->kind, EXP_ROW_STATE);
  CU_ASSERT_EQUAL(closed->conn, 2);
  ASSERT_STR(closed->label, "CLOSED");
  /* the server's TIME-WAIT incarnation ends where the new SYN arrives: its ladder shows
   * that SYN (relative to incarnation 3's ISN), its own end, and what else happens at
   * that instant on the tuple (incarnation 4 answers) */
  g_autoptr(ExpLadder) tw = ladder_of(t, NULL, 0, 2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(tw);
  CU_ASSERT_EQUAL(row(tw, 0)->conn, 1);
  CU_ASSERT_EQUAL(row(tw, 0)->kind, EXP_ROW_SEGMENT);
  guint n = tw->rows->len;
  const ExpLadderRow *syn3 = row(tw, n - 4);
  ASSERT_STR(syn3->label, "SYN seq=0");
  CU_ASSERT_EQUAL(syn3->conn, 3);
  CU_ASSERT_EQUAL(syn3->time, 130 * SIM_MS);
  const ExpLadderRow *end = row(tw, n - 3);
  ASSERT_STR(end->label, "CLOSED");
  CU_ASSERT_EQUAL(end->conn, 2);
  CU_ASSERT_EQUAL(end->time, 135 * SIM_MS);
  CU_ASSERT_EQUAL(row(tw, n - 1)->conn, 4);
  CU_ASSERT_EQUAL(row(tw, n - 1)->time, 135 * SIM_MS);
}

static void
seq_and_ack_are_relative_to_each_isn(void)
{
  g_autoptr(ExpTrace) t = load_fixture("handshake");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(ExpLadder) l = ladder_of(t, NULL, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  /* client ISN 1000, server ISN 4294967000: the server's numbers wrap past 2^32 */
  static const char *const labels[] = {
    "SYN seq=0", "SYN,ACK seq=0 ack=1", "ACK seq=1 ack=1", "PSH,ACK seq=1 ack=1 len=100",
    "ACK seq=1 ack=101", "PSH,ACK seq=1 ack=101 len=1000", "ACK seq=101 ack=1001",
    "FIN,ACK seq=101 ack=1001", "ACK seq=1001 ack=102", "FIN,ACK seq=1001 ack=102",
    "ACK seq=102 ack=1002",
  };
  guint k = 0;
  for (guint i = 0; i < l->rows->len; i++) {
    const ExpLadderRow *r = row(l, i);
    if (r->kind != EXP_ROW_SEGMENT)
      continue;
    CU_ASSERT_FATAL(k < G_N_ELEMENTS(labels));
    ASSERT_STR(r->label, labels[k]);
    CU_ASSERT_TRUE(r->rel_seq);
    CU_ASSERT_EQUAL(r->rel_ack, (r->flags & TCP_ACK) != 0);
    k++;
  }
  CU_ASSERT_EQUAL(k, G_N_ELEMENTS(labels));
}

/* No SYN on the tuple: numbers stay absolute and the connection's own end is left. */
static void
without_a_syn_numbers_are_absolute_and_the_own_end_is_left(void)
{
  const char *text = HEADER
    "v,0,0,1.000000000,10.0.0.1,state,5,10.0.0.1,80,11.0.0.1,40000,,,,,,ESTABLISHED->FIN-WAIT-1\n"
    "v,0,0,1.000000000,10.0.0.1,send,5,10.0.0.1,80,11.0.0.1,40000,F.,777,888,0,100,\n"
    "v,0,0,1.010000000,11.0.0.1,recv,5,10.0.0.1,80,11.0.0.1,40000,F.,777,888,0,100,\n"
    "v,0,0,1.010000000,11.0.0.1,send,6,11.0.0.1,40000,10.0.0.1,80,R,888,0,0,0,\n"
    "v,0,0,1.020000000,10.0.0.1,recv,6,11.0.0.1,40000,10.0.0.1,80,R,888,0,0,0,\n"
    "v,0,0,1.020000000,10.0.0.1,state,5,10.0.0.1,80,11.0.0.1,40000,,,,,,FIN-WAIT-1->CLOSED\n";
  g_autoptr(GError) err = NULL;
  g_autoptr(ExpTrace) t = exp_trace_parse(text, -1, "mem.csv", 0, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(ExpLadder) l = exp_ladder_new(t, 0, 5, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  CU_ASSERT_EQUAL(l->addr[0], 0x0a000001u);
  CU_ASSERT_EQUAL(l->port[0], 80);
  CU_ASSERT_EQUAL(l->port[1], 40000);
  const ExpLadderRow *fin = find_label(l, "FIN,ACK");
  CU_ASSERT_PTR_NOT_NULL_FATAL(fin);
  CU_ASSERT_FALSE(fin->rel_seq);
  ASSERT_STR(fin->label, "FIN,ACK seq=777 ack=888");
  CU_ASSERT_EQUAL(fin->side, 0);
  const ExpLadderRow *rst = find_label(l, "RST");
  CU_ASSERT_PTR_NOT_NULL_FATAL(rst);
  ASSERT_STR(rst->label, "RST seq=888");
  CU_ASSERT_EQUAL(rst->side, 1);
  CU_ASSERT_EQUAL(rst->arrival, 1020 * SIM_MS);
}

static void
the_active_opener_is_on_the_left(void)
{
  g_autoptr(ExpTrace) t = load_fixture("lost_syn");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  /* the passive end's ladder still has the client (who sent the SYN) on the left */
  g_autoptr(ExpLadder) l = ladder_of(t, NULL, 0, 3);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  CU_ASSERT_EQUAL(l->addr[0], 0x0b000001u);
  CU_ASSERT_EQUAL(l->port[0], 32768);
  CU_ASSERT_EQUAL(l->addr[1], 0x0a000001u);
  CU_ASSERT_EQUAL(l->opener[0], EXP_OPENER_ACTIVE);
  CU_ASSERT_EQUAL(l->opener[1], EXP_OPENER_PASSIVE);
  /* its span starts when the retransmitted SYN arrives; that SYN, sent 5 ms earlier, is
   * its first row, the lost one is not shown */
  const ExpLadderRow *syn = row(l, 0);
  ASSERT_STR(syn->label, "SYN seq=0 (rtx)");
  CU_ASSERT_EQUAL(syn->time, 1000 * SIM_MS);
  CU_ASSERT_EQUAL(syn->side, 0);
  CU_ASSERT_EQUAL(l->start, 1000 * SIM_MS);
}

static void
fates_lost_duplicated_held_and_queue_drops(void)
{
  g_autoptr(ExpTrace) t = load_fixture("lost_syn");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(ExpLadder) l = ladder_of(t, NULL, 0, 2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  const ExpLadderRow *lost = row(l, 1);
  ASSERT_STR(lost->label, "SYN seq=0");
  CU_ASSERT_EQUAL(lost->fate, EXP_FATE_LOST);
  const ExpLadderRow *timer = row(l, 2);
  CU_ASSERT_EQUAL(timer->kind, EXP_ROW_TIMER);
  ASSERT_STR(timer->label, "[rtx timer]");
  const ExpLadderRow *again = row(l, 3);
  CU_ASSERT_TRUE(again->rtx);
  CU_ASSERT_EQUAL(again->fate, EXP_FATE_ARRIVED);
  CU_ASSERT_EQUAL(again->arrival, 1005 * SIM_MS);

  g_autoptr(ExpTrace) t2 = load_fixture("dup_held");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
  g_autoptr(ExpLadder) d = ladder_of(t2, NULL, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  const ExpLadderRow *orig = find_label(d, "PSH,ACK seq=1 ack=1 len=100");
  CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
  CU_ASSERT_FALSE(orig->dup);
  CU_ASSERT_EQUAL(orig->arrival, 15 * SIM_MS);
  const ExpLadderRow *copy = find_label(d, "PSH,ACK seq=1 ack=1 len=100 (dup)");
  CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
  CU_ASSERT_TRUE(copy->dup);
  CU_ASSERT_EQUAL(copy->arrival, 16 * SIM_MS);
  /* the held reply arrives after its retransmission */
  const ExpLadderRow *held = find_label(d, "PSH,ACK seq=1 ack=101 len=1000 (held 0.3 s)");
  CU_ASSERT_PTR_NOT_NULL_FATAL(held);
  CU_ASSERT_EQUAL(held->held, 300 * SIM_MS);
  CU_ASSERT_EQUAL(held->arrival, 320 * SIM_MS);
  const ExpLadderRow *rtx = find_label(d, "PSH,ACK seq=1 ack=101 len=1000 (rtx)");
  CU_ASSERT_PTR_NOT_NULL_FATAL(rtx);
  CU_ASSERT_EQUAL(rtx->time, 215 * SIM_MS);
  CU_ASSERT_EQUAL(rtx->arrival, 220 * SIM_MS);
  const ExpLadderRow *last = row(d, d->rows->len - 1);
  CU_ASSERT_EQUAL(last->fate, EXP_FATE_QUEUE);
  ASSERT_STR(last->label, "ACK seq=102 ack=1002");
}

/* ---- golden text ------------------------------------------------------------------- */

static void
assert_golden(const char *fixture, const char *variant, guint64 conn, const char *golden)
{
  g_autoptr(ExpTrace) t = load_fixture(fixture);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(ExpLadder) l = ladder_of(t, variant, 0, conn);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  g_autoptr(GString) out = g_string_new(NULL);
  exp_ladder_render_text(l, out);
  g_autofree char *rel = g_build_filename("trace", golden, NULL);
  g_autofree char *path = test_data_path(rel);
  g_autofree char *want = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &want, NULL, NULL));
  if (strcmp(out->str, want) != 0)
    fprintf(stderr, "\n  %s differs; got:\n%s", path, out->str);
  CU_ASSERT_STRING_EQUAL(out->str, want);
}

static void
golden_handshake(void)
{
  assert_golden("handshake", NULL, 0, "handshake.ladder");
  assert_golden("handshake", "rtt_100ms", 0, "handshake-rtt_100ms.ladder");
}

static void
golden_lost_syn(void)
{
  assert_golden("lost_syn", NULL, 0, "lost_syn.ladder");
}

static void
golden_dup_held(void)
{
  assert_golden("dup_held", NULL, 0, "dup_held.ladder");
}

static void
golden_reuse(void)
{
  assert_golden("reuse", NULL, 3, "reuse-c3.ladder");
}

static void
text_rows_fit_in_103_columns(void)
{
  g_autoptr(ExpTrace) t = load_fixture("dup_held");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(ExpLadder) l = ladder_of(t, NULL, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  g_autoptr(GString) out = g_string_new(NULL);
  exp_ladder_render_text(l, out);
  g_auto(GStrv) lines = g_strsplit(out->str, "\n", -1);
  for (char **s = lines; *s; s++)
    if (strlen(*s) > 103) {
      fprintf(stderr, "\n  %zu columns: %s\n", strlen(*s), *s);
      CU_FAIL("line too long");
    }
}

/* ---- the figure --------------------------------------------------------------------- */

static void
figure_is_drawn_by_gnuplot(void)
{
  g_autoptr(ExpTrace) t = load_fixture("lost_syn");
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  g_autoptr(ExpLadder) l = ladder_of(t, NULL, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  g_autofree char *base = exp_ladder_basename(l);
  ASSERT_STR(base, "ladder-lossy-r0-c2");
  g_autoptr(GError) err = NULL;
  g_autofree char *tmp = g_dir_make_tmp("synack-ladder-XXXXXX", &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
  g_autofree char *dir = g_build_filename(tmp, "figures", NULL);
  CU_ASSERT_TRUE_FATAL(exp_ladder_write_gnuplot(l, dir, base, EXP_LADDER_BOTH, &err));
  g_autofree char *gp = g_build_filename(dir, "ladder-lossy-r0-c2.gp", NULL);
  g_autofree char *dat = g_build_filename(dir, "ladder-lossy-r0-c2.dat", NULL);
  g_autofree char *png = g_build_filename(dir, "ladder-lossy-r0-c2.png", NULL);
  g_autofree char *svg = g_build_filename(dir, "ladder-lossy-r0-c2.svg", NULL);
  g_autofree char *script = NULL, *data = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(gp, &script, NULL, NULL));
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(dat, &data, NULL, NULL));
  CU_ASSERT_PTR_NOT_NULL(strstr(script, "data = 'ladder-lossy-r0-c2.dat'"));
  CU_ASSERT_PTR_NOT_NULL(strstr(data, "\"SYN seq=0 X lost\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(data, "\"[rtx timer]\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(data, "\"SYN,ACK seq=0 ack=1\""));

  /* without gnuplot: told apart from a failing one */
  CU_ASSERT_PTR_NULL(exp_gnuplot_find("/nonexistent/gnuplot", &err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  CU_ASSERT_TRUE(g_error_matches(err, EXP_GNUPLOT_ERROR, EXP_GNUPLOT_ERROR_MISSING));
  CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "'/nonexistent/gnuplot' is not a program"));
  g_clear_error(&err);
  const char *args[] = { "ladder-lossy-r0-c2.gp", NULL };
  g_autofree char *fails = exp_gnuplot_find("false", &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(fails);
  CU_ASSERT_FALSE(exp_gnuplot_run(fails, dir, args, &err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  CU_ASSERT_TRUE(g_error_matches(err, EXP_GNUPLOT_ERROR, EXP_GNUPLOT_ERROR_FAILED));
  CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "ladder-lossy-r0-c2.gp (exit status 1)"));
  g_clear_error(&err);

  g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
  if (gnuplot == NULL)
    fprintf(stderr, "\n  gnuplot not installed: the images are not checked\n");
  else {
    gboolean ok = exp_gnuplot_run(gnuplot, dir, args, &err);
    if (!ok)
      fprintf(stderr, "\n  %s\n", err->message);
    CU_ASSERT_TRUE_FATAL(ok);
    g_autofree char *p = NULL, *s = NULL;
    gsize plen = 0;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(png, &p, &plen, NULL));
    CU_ASSERT_TRUE(plen > 8000);
    CU_ASSERT_EQUAL(memcmp(p, "\x89PNG\r\n\x1a\n", 8), 0);
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(svg, &s, NULL, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<svg"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "SYN,ACK seq=0 ack=1"));
  }
  const char *files[] = { gp, dat, png, svg };
  for (guint i = 0; i < G_N_ELEMENTS(files); i++)
    g_remove(files[i]);
  g_rmdir(dir);
  g_rmdir(tmp);
}

void test_ladder_register(void);

void
test_ladder_register(void)
{
  static const CU_TestInfo tests[] = {
    { "parse_reads_every_kind_of_row", parse_reads_every_kind_of_row },
    { "parse_header_only_is_an_empty_trace", parse_header_only_is_an_empty_trace },
    { "parse_error_names_file_line_and_expectation",
      parse_error_names_file_line_and_expectation },
    { "parse_rejects_a_wrong_header_or_an_empty_file",
      parse_rejects_a_wrong_header_or_an_empty_file },
    { "load_missing_file_is_an_io_error", load_missing_file_is_an_io_error },
    { "find_run_defaults_to_the_first_variant_and_lists_what_exists",
      find_run_defaults_to_the_first_variant_and_lists_what_exists },
    { "connections_count_segments_retransmissions_and_drops",
      connections_count_segments_retransmissions_and_drops },
    { "list_is_golden", list_is_golden },
    { "default_connection_is_the_first_that_is_not_a_listener",
      default_connection_is_the_first_that_is_not_a_listener },
    { "unknown_connection_lists_the_connections", unknown_connection_lists_the_connections },
    { "two_incarnations_on_one_tuple_are_told_apart",
      two_incarnations_on_one_tuple_are_told_apart },
    { "seq_and_ack_are_relative_to_each_isn", seq_and_ack_are_relative_to_each_isn },
    { "without_a_syn_numbers_are_absolute_and_the_own_end_is_left",
      without_a_syn_numbers_are_absolute_and_the_own_end_is_left },
    { "the_active_opener_is_on_the_left", the_active_opener_is_on_the_left },
    { "fates_lost_duplicated_held_and_queue_drops", fates_lost_duplicated_held_and_queue_drops },
    { "golden_handshake", golden_handshake },
    { "golden_lost_syn", golden_lost_syn },
    { "golden_dup_held", golden_dup_held },
    { "golden_reuse", golden_reuse },
    { "text_rows_fit_in_103_columns", text_rows_fit_in_103_columns },
    { "figure_is_drawn_by_gnuplot", figure_is_drawn_by_gnuplot },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("ladder", tests);
}
