/* Tests for experiments/exp_record.c and experiments/exp_pcap.c: what a run records
 * beyond its metrics. The trace keeps the traced hosts' events only, within its window
 * and its limit, with every kind of row a bad network makes, each state change of both
 * ends in lifecycle order; the pcap capture holds exactly the segments the trace says a
 * capture beside the traced host sees, with valid headers and checksums; state samples
 * agree with the state changes the trace shows; per-connection times agree with the
 * run's means; and recording changes no metric. Runs use
 * tests/data/experiments/traced.ini with overrides. */
#include "test_util.h"
#include "exp_pcap.h"
#include "exp_record.h"
#include "exp_run.h"
#include "experiment.h"

#include <math.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>

/* ---- helpers ---------------------------------------------------------------------- */

static Experiment *
load_traced(const char *const *overrides)
{
  g_autofree char *path = test_data_path("experiments/traced.ini");
  GError *err = NULL;
  Experiment *e = experiment_load(path, overrides, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  traced.ini: unexpected error:\n%s\n", err->message);
    g_error_free(err);
  }
  return e;
}

typedef struct {
  double *values;
  ExpRecord *record;
} Recorded;

/* Runs replication 0 of the first variant of traced.ini with @overrides. */
static Recorded
run_traced(const char *const *overrides)
{
  Recorded out = { g_new0(double, exp_metric_count()), NULL };
  g_autoptr(Experiment) e = load_traced(overrides);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  const ExpVariant *v = g_ptr_array_index(e->variants, 0);
  out.record = exp_record_new(v->cfg, 0);
  GError *err = NULL;
  CU_ASSERT_TRUE(exp_run_watched(v->cfg, 0, out.values, NULL, NULL, out.record, &err));
  if (err != NULL) {
    fprintf(stderr, "\n  run failed: %s\n", err->message);
    g_error_free(err);
  }
  return out;
}

static void
recorded_clear(Recorded *r)
{
  g_free(r->values);
  exp_record_free(r->record);
}

/* The trace's rows, each split into its 17 fields (the variant first). */
static GPtrArray *
trace_rows(const ExpRecord *r)
{
  g_autoptr(GString) csv = g_string_new(NULL);
  exp_record_trace_csv(r, "v", 0, 0, csv);
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  g_auto(GStrv) lines = g_strsplit(csv->str, "\n", -1);
  for (char **l = lines; *l; l++) {
    if (**l == '\0')
      continue;
    char **f = g_strsplit(*l, ",", -1);
    CU_ASSERT_EQUAL(g_strv_length(f), 17);
    if (g_strv_length(f) != 17) {
      fprintf(stderr, "\n  bad trace row: %s\n", *l);
      g_strfreev(f);
      continue;
    }
    g_ptr_array_add(rows, f);
  }
  return rows;
}

enum { F_VARIANT, F_POINT, F_REP, F_TIME, F_HOST, F_EVENT, F_CONN, F_SRC, F_SPORT, F_DST, F_DPORT,
       F_FLAGS, F_SEQ, F_ACK, F_LEN, F_WND, F_DETAIL };

static const char *
field(const GPtrArray *rows, guint i, int f)
{
  return ((char **)rows->pdata[i])[f];
}

static guint
count_event(const GPtrArray *rows, const char *event, const char *detail)
{
  guint n = 0;
  for (guint i = 0; i < rows->len; i++)
    n += strcmp(field(rows, i, F_EVENT), event) == 0 &&
         (detail == NULL || strstr(field(rows, i, F_DETAIL), detail) != NULL);
  return n;
}

static SimTime
row_time(const GPtrArray *rows, guint i)
{
  /* "S.NNNNNNNNN": exact nanoseconds */
  const char *t = field(rows, i, F_TIME);
  char *dot;
  SimTime s = (SimTime)g_ascii_strtoll(t, &dot, 10);
  return s * SIM_S + (SimTime)g_ascii_strtoll(dot + 1, NULL, 10);
}

/* ---- the trace -------------------------------------------------------------------- */

/* Every kind of row a lossy, duplicating, holding network makes, each a segment the
 * trace saw sent first. */
static void
trace_has_every_kind_of_row(void)
{
  const char *set[] = { "trace.enabled=true", NULL };
  Recorded r = run_traced(set);
  g_autoptr(GPtrArray) rows = trace_rows(r.record);
  CU_ASSERT(count_event(rows, "send", NULL) > 50);
  CU_ASSERT(count_event(rows, "recv", NULL) > 50);
  CU_ASSERT(count_event(rows, "drop", "lost") > 0);
  CU_ASSERT(count_event(rows, "dup", NULL) > 0);
  CU_ASSERT(count_event(rows, "recv", "dup") > 0);
  CU_ASSERT(count_event(rows, "held", NULL) > 0);
  CU_ASSERT(count_event(rows, "timer", "rtx") > 0);
  CU_ASSERT(count_event(rows, "timer", "time-wait") > 0);
  CU_ASSERT_EQUAL(count_event(rows, "truncated", NULL), 0);
  CU_ASSERT_EQUAL(exp_record_trace_len(r.record), rows->len);
  /* the network only loses, copies and holds what was sent: a send row with the same
   * segment at the same time comes before each */
  for (guint i = 0; i < rows->len; i++) {
    const char *ev = field(rows, i, F_EVENT);
    if (strcmp(ev, "drop") != 0 && strcmp(ev, "dup") != 0 && strcmp(ev, "held") != 0)
      continue;
    CU_ASSERT_STRING_EQUAL(field(rows, i, F_HOST), "");
    gboolean sent = FALSE;
    for (guint j = 0; j < i && !sent; j++)
      sent = strcmp(field(rows, j, F_EVENT), "send") == 0 &&
             strcmp(field(rows, j, F_SEQ), field(rows, i, F_SEQ)) == 0 &&
             strcmp(field(rows, j, F_FLAGS), field(rows, i, F_FLAGS)) == 0 &&
             strcmp(field(rows, j, F_SRC), field(rows, i, F_SRC)) == 0 &&
             row_time(rows, j) <= row_time(rows, i);
    CU_ASSERT_TRUE(sent);
  }
  recorded_clear(&r);
}

/* The client's state rows follow the active opener's and closer's lifecycle, the
 * server's the passive one's, and TIME-WAIT ends by its timer 2 s after it began. */
static void
trace_states_follow_the_lifecycle(void)
{
  const char *set[] = { "trace.enabled=true", "link.loss=0", "link.dup=0", "link.hold=0",
                        "client.conns=1", NULL };
  Recorded r = run_traced(set);
  g_autoptr(GPtrArray) rows = trace_rows(r.record);
  static const char *const client[] = {
    "CLOSED->SYN-SENT", "SYN-SENT->ESTABLISHED", "ESTABLISHED->FIN-WAIT-1",
    "FIN-WAIT-1->FIN-WAIT-2", "FIN-WAIT-2->TIME-WAIT", "TIME-WAIT->CLOSED",
  };
  static const char *const server[] = {
    "LISTEN->SYN-RECEIVED", "SYN-RECEIVED->ESTABLISHED", "ESTABLISHED->CLOSE-WAIT",
    "CLOSE-WAIT->LAST-ACK", "LAST-ACK->CLOSED",
  };
  guint nc = 0, ns = 0;
  SimTime tw_start = -1, tw_end = -1, tw_timer = -1;
  for (guint i = 0; i < rows->len; i++) {
    const char *host = field(rows, i, F_HOST), *ev = field(rows, i, F_EVENT);
    if (strcmp(ev, "timer") == 0) {
      CU_ASSERT_STRING_EQUAL(host, "11.0.0.1");
      CU_ASSERT_STRING_EQUAL(field(rows, i, F_DETAIL), "time-wait");
      tw_timer = row_time(rows, i);
      continue;
    }
    if (strcmp(ev, "state") != 0)
      continue;
    const char *d = field(rows, i, F_DETAIL);
    CU_ASSERT_STRING_EQUAL(field(rows, i, F_FLAGS), "");
    if (strcmp(host, "11.0.0.1") == 0) {
      CU_ASSERT_FATAL(nc < G_N_ELEMENTS(client));
      CU_ASSERT_STRING_EQUAL(d, client[nc]);
      CU_ASSERT_STRING_EQUAL(field(rows, i, F_DST), "10.0.0.1");
      CU_ASSERT_STRING_EQUAL(field(rows, i, F_DPORT), "80");
      if (strcmp(d, "FIN-WAIT-2->TIME-WAIT") == 0)
        tw_start = row_time(rows, i);
      if (strcmp(d, "TIME-WAIT->CLOSED") == 0)
        tw_end = row_time(rows, i);
      nc++;
    } else {
      CU_ASSERT_STRING_EQUAL(host, "10.0.0.1");
      CU_ASSERT_FATAL(ns < G_N_ELEMENTS(server));
      CU_ASSERT_STRING_EQUAL(d, server[ns]);
      CU_ASSERT_STRING_EQUAL(field(rows, i, F_SRC), "10.0.0.1");
      CU_ASSERT_STRING_EQUAL(field(rows, i, F_SPORT), "80");
      ns++;
    }
  }
  CU_ASSERT_EQUAL(nc, G_N_ELEMENTS(client));
  CU_ASSERT_EQUAL(ns, G_N_ELEMENTS(server));
  CU_ASSERT(tw_start > 0);
  CU_ASSERT_EQUAL(tw_end - tw_start, 2 * SIM_S);
  CU_ASSERT_EQUAL(tw_timer, tw_end);
  /* the SYN carries its options; the client's first segment is it */
  CU_ASSERT_STRING_EQUAL(field(rows, 1, F_EVENT), "send");
  CU_ASSERT_STRING_EQUAL(field(rows, 1, F_FLAGS), "S");
  CU_ASSERT_STRING_EQUAL(field(rows, 1, F_DETAIL), "mss=1460 ws=0");
  recorded_clear(&r);
}

/* Only the traced hosts' segments and connections, only inside the window. */
static void
trace_keeps_the_traced_hosts_within_the_window(void)
{
  const char *set[] = { "trace.enabled=true", "topology.kind=star", "topology.clients=4",
                        "trace.hosts=client1-2", "trace.start=50ms", "trace.end=400ms",
                        NULL };
  Recorded r = run_traced(set);
  g_autoptr(GPtrArray) rows = trace_rows(r.record);
  CU_ASSERT(rows->len > 20);
  gboolean seen[2] = { FALSE, FALSE };
  for (guint i = 0; i < rows->len; i++) {
    const char *src = field(rows, i, F_SRC), *dst = field(rows, i, F_DST);
    gboolean one = strcmp(src, "11.0.0.2") == 0 || strcmp(dst, "11.0.0.2") == 0;
    gboolean two = strcmp(src, "11.0.0.3") == 0 || strcmp(dst, "11.0.0.3") == 0;
    CU_ASSERT_TRUE(one || two);
    seen[0] |= one;
    seen[1] |= two;
    CU_ASSERT(row_time(rows, i) >= 50 * SIM_MS && row_time(rows, i) <= 400 * SIM_MS);
  }
  CU_ASSERT_TRUE(seen[0] && seen[1]);
  recorded_clear(&r);
}

/* At max_events the trace stops, marked by one truncated row. */
static void
trace_stops_at_max_events(void)
{
  const char *set[] = { "trace.enabled=true", "trace.max_events=25", NULL };
  Recorded r = run_traced(set);
  g_autoptr(GPtrArray) rows = trace_rows(r.record);
  CU_ASSERT_EQUAL_FATAL(rows->len, 26);
  CU_ASSERT_EQUAL(exp_record_trace_len(r.record), 25);
  CU_ASSERT_STRING_EQUAL(field(rows, 25, F_EVENT), "truncated");
  CU_ASSERT_EQUAL(count_event(rows, "truncated", NULL), 1);
  recorded_clear(&r);
}

/* Recording (a trace of every host, states, samples) changes no metric. */
static void
recording_changes_no_metric(void)
{
  const char *set[] = { "trace.enabled=true", "trace.hosts=all", "metrics.states_every=1ms",
                        "metrics.samples=100", NULL };
  Recorded plain = run_traced(NULL), rec = run_traced(set);
  CU_ASSERT_PTR_NULL(plain.record);
  CU_ASSERT_PTR_NOT_NULL(rec.record);
  for (guint m = 0; m < exp_metric_count(); m++)
    if (!(plain.values[m] == rec.values[m] || (isnan(plain.values[m]) && isnan(rec.values[m])))) {
      fprintf(stderr, "\n  %s: %g without recording, %g with\n", exp_metric(m)->name,
              plain.values[m], rec.values[m]);
      CU_FAIL("recording changed a metric");
    }
  recorded_clear(&plain);
  recorded_clear(&rec);
}

/* ---- states and samples ----------------------------------------------------------- */

static const char *const synced_states[] = {
  "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
  "CLOSING", "LAST-ACK", "TIME-WAIT",
};

static int
synced_index(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(synced_states); i++)
    if (strcmp(synced_states[i], name) == 0)
      return (int)i;
  return -1;
}

/* Each sample of states.csv equals the counts the trace's state rows add up to by then
 * (every host traced; LISTEN and CLOSED left out: listeners and their new children
 * appear in LISTEN without a state change). */
static void
states_agree_with_the_trace(void)
{
  const char *set[] = { "trace.enabled=true", "trace.hosts=all", "metrics.states_every=7ms",
                        NULL };
  Recorded r = run_traced(set);
  g_autoptr(GPtrArray) rows = trace_rows(r.record);
  g_autoptr(GString) csv = g_string_new(NULL);
  exp_record_states_csv(r.record, "v", 0, 0, csv);
  g_auto(GStrv) lines = g_strsplit(csv->str, "\n", -1);
  CU_ASSERT(g_strv_length(lines) > 100);
  int64_t count[G_N_ELEMENTS(synced_states)] = { 0 };
  guint row = 0, checked = 0, busy = 0;
  for (char **l = lines; *l && **l; l++) {
    g_auto(GStrv) f = g_strsplit(*l, ",", -1);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(f), 15);
    SimTime t = (SimTime)llround(g_ascii_strtod(f[3], NULL) * 1e9);
    CU_ASSERT_EQUAL(t, (SimTime)checked * 7 * SIM_MS);
    for (; row < rows->len && row_time(rows, row) <= t; row++) {
      if (strcmp(field(rows, row, F_EVENT), "state") != 0)
        continue;
      g_auto(GStrv) ft = g_strsplit(field(rows, row, F_DETAIL), "->", 2);
      int from = synced_index(ft[0]), to = synced_index(ft[1]);
      if (from >= 0)
        count[from]--;
      if (to >= 0)
        count[to]++;
    }
    for (guint s = 0; s < G_N_ELEMENTS(synced_states); s++) {
      CU_ASSERT_EQUAL(g_ascii_strtoll(f[6 + s], NULL, 10), count[s]);
      busy += count[s] > 0;
    }
    checked++;
  }
  CU_ASSERT(busy > 20);    /* the comparison saw connections, not only zeros */
  recorded_clear(&r);
}

/* With one connection, its sampled times are the run's means. */
static void
samples_are_the_connections_times(void)
{
  const char *set[] = { "client.conns=1", "metrics.samples=5", NULL };
  Recorded r = run_traced(set);
  g_autoptr(GString) csv = g_string_new(NULL);
  exp_record_samples_csv(r.record, "v", 0, 0, csv);
  g_auto(GStrv) lines = g_strsplit(csv->str, "\n", -1);
  CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), 3);   /* two rows and the empty tail */
  g_auto(GStrv) a = g_strsplit(lines[0], ",", -1), b = g_strsplit(lines[1], ",", -1);
  CU_ASSERT_STRING_EQUAL(a[3], "connect_time");
  CU_ASSERT_STRING_EQUAL(b[3], "completion_time");
  CU_ASSERT_DOUBLE_EQUAL(g_ascii_strtod(a[4], NULL),
                         r.values[exp_metric_find("connect_time_mean")], 1e-9);
  CU_ASSERT_DOUBLE_EQUAL(g_ascii_strtod(b[4], NULL),
                         r.values[exp_metric_find("completion_time_mean")], 1e-9);
  recorded_clear(&r);
}

/* The first N of each kind, no more. */
static void
samples_stop_at_their_limit(void)
{
  const char *set[] = { "metrics.samples=4", NULL };
  Recorded r = run_traced(set);
  g_autoptr(GString) csv = g_string_new(NULL);
  exp_record_samples_csv(r.record, "v", 0, 0, csv);
  g_auto(GStrv) lines = g_strsplit(csv->str, "\n", -1);
  guint kinds[2] = { 0, 0 };
  for (char **l = lines; *l && **l; l++) {
    kinds[0] += strstr(*l, ",connect_time,") != NULL;
    kinds[1] += strstr(*l, ",completion_time,") != NULL;
  }
  CU_ASSERT_EQUAL(kinds[0], 4);
  CU_ASSERT_EQUAL(kinds[1], 4);
  recorded_clear(&r);
}

/* ---- pcap ------------------------------------------------------------------------- */

static uint16_t
get16(const uint8_t *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
  return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* RFC 1071: a header with its checksum in place sums to 0xffff. */
static uint16_t
ones_sum(uint32_t sum, const uint8_t *p, size_t n)
{
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)p[i] << 8 | p[i + 1];
  if (n & 1)
    sum += (uint32_t)p[n - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)sum;
}

static gboolean
checksums_hold(const uint8_t *f, size_t n)
{
  size_t ihl = (size_t)(f[0] & 0x0f) * 4;
  uint32_t pseudo = ones_sum(0, f + 12, 8) + 6u + (uint32_t)(n - ihl);
  return ones_sum(0, f, ihl) == 0xffff && ones_sum(pseudo, f + ihl, n - ihl) == 0xffff;
}

/* A SYN with both options: every header byte where RFC 791, 9293 and 7323 put it. */
static void
pcap_frame_is_a_valid_syn(void)
{
  Segment s = { .src = 0x0b000001, .dst = 0x0a000001, .sport = 32768, .dport = 80,
                .seq = 0x01020304, .ack = 0, .wnd = 65535, .len = 0, .mss = 1460,
                .flags = TCP_SYN };
  seg_set_wscale(&s, 7);
  CU_ASSERT_EQUAL_FATAL(exp_pcap_frame_len(&s), 48);
  uint8_t f[48];
  CU_ASSERT_EQUAL(exp_pcap_frame(&s, 65535, 9, f), 48);
  CU_ASSERT_EQUAL(f[0], 0x45);
  CU_ASSERT_EQUAL(get16(f + 2), 48);
  CU_ASSERT_EQUAL(get16(f + 4), 9);
  CU_ASSERT_EQUAL(f[8], 64);
  CU_ASSERT_EQUAL(f[9], 6);
  CU_ASSERT_EQUAL(get32(f + 12), 0x0b000001);
  CU_ASSERT_EQUAL(get32(f + 16), 0x0a000001);
  const uint8_t *t = f + 20;
  CU_ASSERT_EQUAL(get16(t), 32768);
  CU_ASSERT_EQUAL(get16(t + 2), 80);
  CU_ASSERT_EQUAL(get32(t + 4), 0x01020304);
  CU_ASSERT_EQUAL(get32(t + 8), 0);
  CU_ASSERT_EQUAL(t[12] >> 4, 7);             /* 28 bytes: 20 + MSS + NOP,WS */
  CU_ASSERT_EQUAL(t[13], TCP_SYN);
  CU_ASSERT_EQUAL(get16(t + 14), 65535);
  const uint8_t opts[8] = { 2, 4, 1460 >> 8, 1460 & 0xff, 1, 3, 3, 7 };
  CU_ASSERT_EQUAL(memcmp(t + 20, opts, 8), 0);
  CU_ASSERT_TRUE(checksums_hold(f, 48));
  f[30] ^= 1;                                 /* the check can fail */
  CU_ASSERT_FALSE(checksums_hold(f, 48));
}

/* Payload is zeros and counted in both lengths and the checksum (odd length too). */
static void
pcap_frame_carries_zeroed_payload(void)
{
  Segment s = { .src = 0x0a000001, .dst = 0x0b000001, .sport = 80, .dport = 40000,
                .seq = 7, .ack = 9, .wnd = 1000, .len = 333, .flags = TCP_ACK | TCP_PSH };
  size_t n = exp_pcap_frame_len(&s);
  CU_ASSERT_EQUAL_FATAL(n, 373);
  g_autofree uint8_t *f = g_malloc(n);
  memset(f, 0xaa, n);
  exp_pcap_frame(&s, 1000, 1, f);
  CU_ASSERT_EQUAL(get16(f + 2), 373);
  CU_ASSERT_EQUAL(f[32] >> 4, 5);
  gboolean zero = TRUE;
  for (size_t i = 40; i < n; i++)
    zero &= f[i] == 0;
  CU_ASSERT_TRUE(zero);
  CU_ASSERT_TRUE(checksums_hold(f, n));
}

typedef struct {
  SimTime time;
  uint8_t frame[128];
  size_t len;
} Packet;

/* Reads @path back with libpcap: nanosecond raw-IPv4 capture, its packets. */
static GArray *
read_capture(const char *path)
{
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(pcap_datalink(p), DLT_RAW);
  CU_ASSERT_EQUAL(pcap_get_tstamp_precision(p), PCAP_TSTAMP_PRECISION_NANO);
  GArray *out = g_array_new(FALSE, TRUE, sizeof(Packet));
  struct pcap_pkthdr *h;
  const u_char *data;
  while (pcap_next_ex(p, &h, &data) == 1) {
    Packet pk = { .time = (SimTime)h->ts.tv_sec * SIM_S + h->ts.tv_usec, .len = h->caplen };
    CU_ASSERT_EQUAL(h->caplen, h->len);
    memcpy(pk.frame, data, MIN(h->caplen, 60u));   /* the headers */
    CU_ASSERT_TRUE(checksums_hold(data, h->caplen));
    g_array_append_val(out, pk);
  }
  pcap_close(p);
  return out;
}

static uint32_t
parse_addr(const char *s)
{
  unsigned a, b, c, d;
  CU_ASSERT_EQUAL(sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d), 4);
  return a << 24 | b << 16 | c << 8 | d;
}

/* The capture holds what the client sent (when sent) and what it received (when it
 * arrived), lost segments included and duplicates twice, in trace order, with the
 * trace's fields. */
static void
pcap_holds_the_traced_hosts_segments(void)
{
  const char *set[] = { "trace.enabled=true", NULL };
  Recorded r = run_traced(set);
  g_autoptr(GPtrArray) rows = trace_rows(r.record);
  g_autofree char *dir = g_dir_make_tmp("synack-pcap-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "t.pcap", NULL);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(exp_record_pcap(r.record, path, &err));
  g_autoptr(GArray) pk = read_capture(path);
  guint k = 0, lost = 0, dups = 0;
  for (guint i = 0; i < rows->len; i++) {
    const char *ev = field(rows, i, F_EVENT), *host = field(rows, i, F_HOST);
    gboolean seen = strcmp(host, "11.0.0.1") == 0 &&
                    (strcmp(ev, "send") == 0 || strcmp(ev, "recv") == 0);
    if (strcmp(ev, "drop") == 0 && strcmp(field(rows, i, F_SRC), "11.0.0.1") == 0)
      lost++;
    if (!seen)
      continue;
    dups += strcmp(ev, "recv") == 0 && strstr(field(rows, i, F_DETAIL), "dup") != NULL;
    CU_ASSERT_FATAL(k < pk->len);
    const Packet *p = &g_array_index(pk, Packet, k++);
    CU_ASSERT_EQUAL(p->time, row_time(rows, i));
    CU_ASSERT_EQUAL(get32(p->frame + 12), parse_addr(field(rows, i, F_SRC)));
    CU_ASSERT_EQUAL(get32(p->frame + 16), parse_addr(field(rows, i, F_DST)));
    CU_ASSERT_EQUAL(get16(p->frame + 20), g_ascii_strtoull(field(rows, i, F_SPORT), NULL, 10));
    CU_ASSERT_EQUAL(get32(p->frame + 24), g_ascii_strtoull(field(rows, i, F_SEQ), NULL, 10));
    CU_ASSERT_EQUAL(get32(p->frame + 28), g_ascii_strtoull(field(rows, i, F_ACK), NULL, 10));
    size_t thl = (size_t)(p->frame[32] >> 4) * 4;
    CU_ASSERT_EQUAL(p->len - 20 - thl, g_ascii_strtoull(field(rows, i, F_LEN), NULL, 10));
    char fl[8];
    CU_ASSERT_STRING_EQUAL(seg_flags_str(p->frame[33], fl), field(rows, i, F_FLAGS));
  }
  CU_ASSERT_EQUAL(k, pk->len);
  CU_ASSERT(k > 50);
  CU_ASSERT(lost > 0);    /* the capture saw segments the network then lost ... */
  CU_ASSERT(dups > 0);    /* ... and copies it made */
  g_unlink(path);
  g_rmdir(dir);
  recorded_clear(&r);
}

/* Windows above 64 KiB are divided by the sender's shift once both SYNs announced one. */
static void
pcap_window_is_scaled_after_both_syns(void)
{
  g_autofree char *dir = g_dir_make_tmp("synack-pcap-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "w.pcap", NULL);
  GError *err = NULL;
  ExpPcap *p = exp_pcap_open(path, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS));   /* not before it is whole */
  Segment a = { .src = 1, .dst = 2, .sport = 10, .dport = 20, .wnd = 65535, .flags = TCP_SYN };
  Segment b = { .src = 2, .dst = 1, .sport = 20, .dport = 10, .wnd = 65535,
                .flags = TCP_SYN | TCP_ACK };
  Segment early = { .src = 1, .dst = 2, .sport = 10, .dport = 20, .wnd = 262144,
                    .flags = TCP_ACK };
  Segment late = early;
  seg_set_wscale(&a, 3);
  seg_set_wscale(&b, 5);
  exp_pcap_add(p, 0, &a);
  exp_pcap_add(p, 1, &early);    /* only one side has announced: not scaled, capped */
  exp_pcap_add(p, 2, &b);
  exp_pcap_add(p, 3, &late);     /* 262144 >> 3 */
  CU_ASSERT_TRUE_FATAL(exp_pcap_close(p, &err));
  g_autoptr(GArray) pk = read_capture(path);
  CU_ASSERT_EQUAL_FATAL(pk->len, 4);
  CU_ASSERT_EQUAL(get16(g_array_index(pk, Packet, 1).frame + 34), 65535);
  CU_ASSERT_EQUAL(get16(g_array_index(pk, Packet, 3).frame + 34), 32768);
  CU_ASSERT_EQUAL(g_array_index(pk, Packet, 3).time, 3);
  g_unlink(path);
  g_rmdir(dir);
}

/* A capture that cannot be written says where; a discarded one leaves nothing. */
static void
pcap_failures_leave_nothing(void)
{
  GError *err = NULL;
  CU_ASSERT_PTR_NULL(exp_pcap_open("/nonexistent-synack-dir/x.pcap", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_IO, "cannot write '/nonexistent-synack-dir/x.pcap'");
  g_autofree char *dir = g_dir_make_tmp("synack-pcap-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "d.pcap", NULL);
  ExpPcap *p = exp_pcap_open(path, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  Segment s = { .src = 1, .dst = 2, .sport = 1, .dport = 2, .flags = TCP_SYN };
  exp_pcap_add(p, 5, &s);
  exp_pcap_discard(p);
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  CU_ASSERT_PTR_NULL(g_dir_read_name(d));    /* not even the temporary file */
  g_rmdir(dir);
}

/* ---- [trace] hosts ---------------------------------------------------------------- */

static void
trace_hosts_are_checked_against_the_topology(void)
{
  g_autofree char *path = test_data_path("experiments/traced.ini");
  const struct {
    const char *set, *message;
  } cases[] = {
    { "trace.hosts=client1", "--set trace.hosts=client1: [trace] hosts: no client1: the "
      "topology has 1 clients (the first is client0)" },
    { "trace.hosts=client0,router2", "[trace] hosts: 'router2' is not a host: expected "
      "clientN, serverN, attackerN (or N-M ranges), clients, servers, attackers or all" },
    { "trace.hosts=client3-1", "[trace] hosts: 'client3-1' is not a host or a range of "
      "hosts (e.g. client0 or client0-9)" },
    { "trace.end=0s", "[trace] end: must come after [trace] start" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const char *set[] = { cases[i].set, NULL };
    GError *err = NULL;
    Experiment *e = experiment_load(path, set, &err);
    CU_ASSERT_PTR_NULL(e);
    experiment_free(e);
    TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, cases[i].message);
  }
  const char *ok[] = { "trace.hosts=clients, server0,attackers,all", NULL };
  GError *err = NULL;
  g_autoptr(Experiment) e = experiment_load(path, ok, &err);
  CU_ASSERT_PTR_NOT_NULL(e);
  g_clear_error(&err);
}

void test_record_register(void);
void
test_record_register(void)
{
  static const CU_TestInfo tests[] = {
    { "trace_has_every_kind_of_row", trace_has_every_kind_of_row },
    { "trace_states_follow_the_lifecycle", trace_states_follow_the_lifecycle },
    { "trace_keeps_the_traced_hosts_within_the_window",
      trace_keeps_the_traced_hosts_within_the_window },
    { "trace_stops_at_max_events", trace_stops_at_max_events },
    { "recording_changes_no_metric", recording_changes_no_metric },
    { "states_agree_with_the_trace", states_agree_with_the_trace },
    { "samples_are_the_connections_times", samples_are_the_connections_times },
    { "samples_stop_at_their_limit", samples_stop_at_their_limit },
    { "pcap_frame_is_a_valid_syn", pcap_frame_is_a_valid_syn },
    { "pcap_frame_carries_zeroed_payload", pcap_frame_carries_zeroed_payload },
    { "pcap_holds_the_traced_hosts_segments", pcap_holds_the_traced_hosts_segments },
    { "pcap_window_is_scaled_after_both_syns", pcap_window_is_scaled_after_both_syns },
    { "pcap_failures_leave_nothing", pcap_failures_leave_nothing },
    { "trace_hosts_are_checked_against_the_topology",
      trace_hosts_are_checked_against_the_topology },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("record", tests);
}
