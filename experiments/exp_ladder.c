/* exp_ladder: trace.csv read back (docs/OUTPUTS.md) and one connection drawn as a ladder
 * diagram, in text and as a gnuplot script. A segment's copies are matched to their
 * fates in the order the network made them: a send opens a copy, a `dup` row another,
 * and each arrival or drop closes the earliest open copy of the same segment that can
 * take it (a held copy arrives only once its hold is over). */
#include "exp_ladder.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "segment.h"
#include "sim_error.h"

#define NFIELDS 17

static const char trace_header[] =
  "variant,point,replication,time,host,event,conn,src,sport,dst,dport,flags,seq,ack,len,wnd,"
  "detail";
static const char *const field_names[NFIELDS] = {
  "variant", "point", "replication", "time", "host", "event", "conn", "src", "sport",
  "dst", "dport", "flags", "seq", "ack", "len", "wnd", "detail",
};
enum {
  F_VARIANT, F_POINT, F_REPLICATION, F_TIME, F_HOST, F_EVENT, F_CONN, F_SRC, F_SPORT,
  F_DST, F_DPORT, F_FLAGS, F_SEQ, F_ACK, F_LEN, F_WND, F_DETAIL,
};

static const char *const event_names[] = {
  "send", "recv", "drop", "dup", "held", "state", "timer", "truncated",
};
static const char *const state_names[] = {
  "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
  "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
};
static const char *const state_short[] = {
  "CL", "LI", "SS", "SR", "ES", "F1", "F2", "CW", "CG", "LA", "TW",
};
static const char *const timer_names[] = { "rtx", "probe", "time-wait", "fin-wait-2" };
static const char *const drop_names[] = { "lost", "queue", "expired" };

const char *
exp_ladder_state_name(int state)
{
  return state >= 0 && state < (int)G_N_ELEMENTS(state_names) ? state_names[state] : NULL;
}

static int
name_index(const char *const *names, guint n, const char *s)
{
  for (guint i = 0; i < n; i++)
    if (strcmp(names[i], s) == 0)
      return (int)i;
  return -1;
}

/* ---- parsing ------------------------------------------------------------------------ */

static gboolean G_GNUC_PRINTF(4, 5)
line_error(GError **error, const char *name, guint line, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *what = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "%s:%u: %s", name, line, what);
  return FALSE;
}

static gboolean
parse_uint(const char *s, guint64 max, guint64 *out)
{
  if (*s == '\0')
    return FALSE;
  guint64 v = 0;
  for (; *s; s++) {
    if (!g_ascii_isdigit(*s))
      return FALSE;
    guint d = (guint)(*s - '0');
    if (v > (max - d) / 10)
      return FALSE;
    v = v * 10 + d;
  }
  *out = v;
  return TRUE;
}

/* Seconds with up to nine decimals, exactly. */
static gboolean
parse_time(const char *s, SimTime *out)
{
  const char *dot = strchr(s, '.');
  g_autofree char *whole = dot ? g_strndup(s, (gsize)(dot - s)) : g_strdup(s);
  guint64 sec, frac = 0;
  if (!parse_uint(whole, (guint64)(G_MAXINT64 / SIM_S) - 1, &sec))
    return FALSE;
  if (dot != NULL) {
    gsize n = strlen(dot + 1);
    if (n < 1 || n > 9 || !parse_uint(dot + 1, G_MAXUINT64, &frac))
      return FALSE;
    for (gsize i = n; i < 9; i++)
      frac *= 10;
  }
  *out = (SimTime)sec * SIM_S + (SimTime)frac;
  return TRUE;
}

static gboolean
parse_addr(const char *s, guint32 *out)
{
  guint32 a = 0;
  for (int part = 0; part < 4; part++) {
    int digits = 0;
    guint v = 0;
    while (g_ascii_isdigit(*s) && digits < 4) {
      v = v * 10 + (guint)(*s++ - '0');
      digits++;
    }
    if (digits == 0 || digits > 3 || v > 255)
      return FALSE;
    a = a << 8 | v;
    if (part < 3 && *s++ != '.')
      return FALSE;
  }
  if (*s != '\0')
    return FALSE;
  *out = a;
  return TRUE;
}

/* tcpdump's letters as seg_flags_str() writes them: S F R P and '.' for ACK, each at
 * most once; "-" for none. */
static gboolean
parse_flags(const char *s, guint8 *out)
{
  if (strcmp(s, "-") == 0) {
    *out = 0;
    return TRUE;
  }
  guint8 f = 0;
  if (*s == '\0')
    return FALSE;
  for (; *s; s++) {
    guint8 bit = *s == 'S' ? TCP_SYN : *s == 'F' ? TCP_FIN : *s == 'R' ? TCP_RST
               : *s == 'P' ? TCP_PSH : *s == '.' ? TCP_ACK : 0;
    if (bit == 0 || (f & bit))
      return FALSE;
    f |= bit;
  }
  *out = f;
  return TRUE;
}

typedef struct {
  const char *name;
  guint line;
  char **f;
  GError **error;
} Row;

static gboolean
expect_empty(Row *r, int field, const char *kind)
{
  if (r->f[field][0] == '\0')
    return TRUE;
  return line_error(r->error, r->name, r->line, "%s: expected nothing for a %s row, got '%s'",
                    field_names[field], kind, r->f[field]);
}

static gboolean
field_uint(Row *r, int field, guint64 max, guint64 *out)
{
  if (parse_uint(r->f[field], max, out))
    return TRUE;
  return line_error(r->error, r->name, r->line,
                    "%s: expected a number from 0 to %" G_GUINT64_FORMAT ", got '%s'",
                    field_names[field], max, r->f[field]);
}

static gboolean
field_addr(Row *r, int field, guint32 *out)
{
  if (parse_addr(r->f[field], out))
    return TRUE;
  return line_error(r->error, r->name, r->line,
                    "%s: expected an address (dotted quad), got '%s'", field_names[field],
                    r->f[field]);
}

static gboolean
parse_row(Row *r, ExpTraceEvent *ev)
{
  const char *ename = r->f[F_EVENT];
  int kind = name_index(event_names, G_N_ELEMENTS(event_names), ename);
  if (kind < 0)
    return line_error(r->error, r->name, r->line,
                      "event: expected send, recv, drop, dup, held, state, timer or "
                      "truncated, got '%s'", ename);
  ev->kind = (ExpTraceKind)kind;
  if (r->f[F_VARIANT][0] == '\0')
    return line_error(r->error, r->name, r->line, "variant: expected a name, got nothing");
  guint64 v;
  if (!field_uint(r, F_POINT, G_MAXUINT32, &v) ||
      !field_uint(r, F_REPLICATION, G_MAXUINT32, &v))
    return FALSE;
  if (!parse_time(r->f[F_TIME], &ev->time))
    return line_error(r->error, r->name, r->line,
                      "time: expected seconds with up to nine decimals, got '%s'",
                      r->f[F_TIME]);
  gboolean network = kind == EXP_TRACE_DROP || kind == EXP_TRACE_DUP ||
                     kind == EXP_TRACE_HELD || kind == EXP_TRACE_TRUNCATED;
  if (network) {
    if (!expect_empty(r, F_HOST, ename))
      return FALSE;
  } else if (!field_addr(r, F_HOST, &ev->host))
    return FALSE;
  if (!field_uint(r, F_CONN, G_MAXUINT64, &ev->conn))
    return FALSE;
  if (kind == EXP_TRACE_TRUNCATED) {
    for (int i = F_SRC; i < F_DETAIL; i++)
      if (!expect_empty(r, i, ename))
        return FALSE;
    return TRUE;
  }
  if (!field_addr(r, F_SRC, &ev->src) || !field_addr(r, F_DST, &ev->dst))
    return FALSE;
  if (!field_uint(r, F_SPORT, 65535, &v))
    return FALSE;
  ev->sport = (guint16)v;
  if (!field_uint(r, F_DPORT, 65535, &v))
    return FALSE;
  ev->dport = (guint16)v;
  const char *detail = r->f[F_DETAIL];
  if (kind == EXP_TRACE_STATE || kind == EXP_TRACE_TIMER) {
    for (int i = F_FLAGS; i < F_DETAIL; i++)
      if (!expect_empty(r, i, ename))
        return FALSE;
    if (kind == EXP_TRACE_TIMER) {
      ev->timer = (gint8)name_index(timer_names, G_N_ELEMENTS(timer_names), detail);
      if (ev->timer < 0)
        return line_error(r->error, r->name, r->line,
                          "detail: expected rtx, probe, time-wait or fin-wait-2, got '%s'",
                          detail);
      return TRUE;
    }
    const char *arrow = strstr(detail, "->");
    g_autofree char *from = arrow ? g_strndup(detail, (gsize)(arrow - detail)) : NULL;
    ev->from = (gint8)(arrow ? name_index(state_names, G_N_ELEMENTS(state_names), from) : -1);
    ev->to = (gint8)(arrow ? name_index(state_names, G_N_ELEMENTS(state_names), arrow + 2) : -1);
    if (ev->from < 0 || ev->to < 0)
      return line_error(r->error, r->name, r->line,
                        "detail: expected FROM->TO with RFC 9293 state names "
                        "(SYN-SENT->ESTABLISHED), got '%s'", detail);
    return TRUE;
  }
  if (!parse_flags(r->f[F_FLAGS], &ev->flags))
    return line_error(r->error, r->name, r->line,
                      "flags: expected tcpdump flags (S, S., ., P., F., R, R.), got '%s'",
                      r->f[F_FLAGS]);
  guint64 n[4];
  for (int i = 0; i < 4; i++)
    if (!field_uint(r, F_SEQ + i, G_MAXUINT32, &n[i]))
      return FALSE;
  ev->seq = (guint32)n[0];
  ev->ack = (guint32)n[1];
  ev->len = (guint32)n[2];
  ev->wnd = (guint32)n[3];
  switch (kind) {
  case EXP_TRACE_DROP:
    ev->drop = (gint8)name_index(drop_names, G_N_ELEMENTS(drop_names), detail);
    if (ev->drop < 0)
      return line_error(r->error, r->name, r->line,
                        "detail: expected lost, queue or expired, got '%s'", detail);
    break;
  case EXP_TRACE_HELD:
    if (!parse_time(detail, &ev->held))
      return line_error(r->error, r->name, r->line,
                        "detail: expected the seconds it is held, got '%s'", detail);
    break;
  case EXP_TRACE_RECV: {
    g_auto(GStrv) words = g_strsplit(detail, " ", -1);
    for (char **w = words; *w; w++)
      ev->dup |= strcmp(*w, "dup") == 0;
    break;
  }
  default:
    break;
  }
  return TRUE;
}

void
exp_trace_free(ExpTrace *t)
{
  if (t == NULL)
    return;
  for (guint i = 0; t->runs && i < t->runs->len; i++)
    g_free(g_array_index(t->runs, ExpTraceRun, i).variant);
  if (t->runs)
    g_array_unref(t->runs);
  if (t->events)
    g_array_unref(t->events);
  g_free(t->path);
  g_free(t);
}

ExpTrace *
exp_trace_parse(const char *text, gssize len, const char *name, guint point, GError **error)
{
  g_return_val_if_fail(text != NULL && name != NULL, NULL);
  gsize n = len < 0 ? strlen(text) : (gsize)len;
  g_autoptr(ExpTrace) t = g_new0(ExpTrace, 1);
  t->path = g_strdup(name);
  t->point = point;
  t->events = g_array_new(FALSE, TRUE, sizeof(ExpTraceEvent));
  t->runs = g_array_new(FALSE, TRUE, sizeof(ExpTraceRun));
  g_autoptr(GHashTable) runs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  const char *p = text, *end = text + n;
  guint line = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (gsize)(end - p));
    const char *stop = nl ? nl : end;
    g_autofree char *s = g_strndup(p, (gsize)(stop - p));
    p = nl ? nl + 1 : end;
    line++;
    gsize sl = strlen(s);
    if (sl > 0 && s[sl - 1] == '\r')
      s[--sl] = '\0';
    if (line == 1) {
      if (strcmp(s, trace_header) != 0) {
        line_error(error, name, 1, "expected the header '%s', got '%s'", trace_header, s);
        return NULL;
      }
      continue;
    }
    g_auto(GStrv) f = g_strsplit(s, ",", -1);
    guint nf = g_strv_length(f);
    if (nf != NFIELDS) {
      line_error(error, name, line, "expected %d comma-separated fields (%s), got %u",
                 NFIELDS, trace_header, s[0] == '\0' ? 0 : nf);
      return NULL;
    }
    Row r = { name, line, f, error };
    ExpTraceEvent ev = { .line = line, .from = -1, .to = -1, .timer = -1, .drop = -1 };
    if (!parse_row(&r, &ev))
      return NULL;
    guint64 pt = 0, rep = 0;
    parse_uint(f[F_POINT], G_MAXUINT32, &pt);
    if (pt != point)
      continue;                /* another point of the sweep */
    parse_uint(f[F_REPLICATION], G_MAXUINT32, &rep);
    g_autofree char *key = g_strdup_printf("%s\n%" G_GUINT64_FORMAT, f[F_VARIANT], rep);
    gpointer idx;
    if (!g_hash_table_lookup_extended(runs, key, NULL, &idx)) {
      ExpTraceRun run = { g_strdup(f[F_VARIANT]), (guint)rep, 0 };
      idx = GUINT_TO_POINTER(t->runs->len);
      g_array_append_val(t->runs, run);
      g_hash_table_insert(runs, g_steal_pointer(&key), idx);
    }
    ev.run = GPOINTER_TO_UINT(idx);
    g_array_index(t->runs, ExpTraceRun, ev.run).events++;
    g_array_append_val(t->events, ev);
  }
  if (line == 0) {
    line_error(error, name, 1, "expected the header '%s', got an empty file", trace_header);
    return NULL;
  }
  return g_steal_pointer(&t);
}

ExpTrace *
exp_trace_load(const char *path, guint point, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &text, &len, &err)) {
    const char *why = err->domain != G_FILE_ERROR ? err->message
                    : err->code == G_FILE_ERROR_NOENT ? "no such file"
                    : err->code == G_FILE_ERROR_ACCES ? "permission denied"
                    : err->code == G_FILE_ERROR_ISDIR ? "it is a folder"
                    : err->message;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot read '%s': %s", path, why);
    return NULL;
  }
  return exp_trace_parse(text, (gssize)len, path, point, error);
}

/* ---- runs and connections ------------------------------------------------------------ */

static void
list_replications(const ExpTrace *t, const char *variant, GString *out)
{
  const char *sep = "";
  for (guint i = 0; i < t->runs->len; i++) {
    const ExpTraceRun *r = &g_array_index(t->runs, ExpTraceRun, i);
    if (strcmp(r->variant, variant) == 0) {
      g_string_append_printf(out, "%s%u", sep, r->replication);
      sep = ", ";
    }
  }
}

gboolean
exp_trace_find_run(const ExpTrace *t, const char *variant, guint replication, guint *run,
                   GError **error)
{
  g_return_val_if_fail(t != NULL && run != NULL, FALSE);
  if (t->runs->len == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s holds no event", t->path);
    return FALSE;
  }
  if (variant == NULL)
    variant = g_array_index(t->runs, ExpTraceRun, 0).variant;
  gboolean known = FALSE;
  for (guint i = 0; i < t->runs->len; i++) {
    const ExpTraceRun *r = &g_array_index(t->runs, ExpTraceRun, i);
    if (strcmp(r->variant, variant) != 0)
      continue;
    known = TRUE;
    if (r->replication == replication) {
      *run = i;
      return TRUE;
    }
  }
  g_autoptr(GString) msg = g_string_new(NULL);
  if (known) {
    g_string_printf(msg, "%s has no replication %u of variant %s; traced replications: ",
                    t->path, replication, variant);
    list_replications(t, variant, msg);
  } else {
    g_string_printf(msg, "%s has no variant '%s'; traced variants: ", t->path, variant);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    const char *sep = "";
    for (guint i = 0; i < t->runs->len; i++) {
      const char *v = g_array_index(t->runs, ExpTraceRun, i).variant;
      if (g_hash_table_add(seen, (gpointer)v)) {
        g_string_append_printf(msg, "%s%s", sep, v);
        sep = ", ";
      }
    }
  }
  g_set_error_literal(error, SIM_ERROR, SIM_ERROR_INVALID, msg->str);
  return FALSE;
}

static guint
seq_space(const ExpTraceEvent *e)
{
  return e->len + ((e->flags & TCP_SYN) != 0) + ((e->flags & TCP_FIN) != 0);
}

/* A key for "the same segment sent again": seq, flags and length. */
static char *
rtx_key(const ExpTraceEvent *e)
{
  return g_strdup_printf("%" G_GUINT64_FORMAT " %u %u %u", e->conn, e->seq, e->flags, e->len);
}

static void
conn_clear(gpointer p)
{
  g_free(((ExpTraceConn *)p)->states);
}

static gint
conn_cmp(gconstpointer a, gconstpointer b)
{
  guint64 x = ((const ExpTraceConn *)a)->conn, y = ((const ExpTraceConn *)b)->conn;
  return x < y ? -1 : x > y;
}

/* The index in @conns of incarnation @conn, or -1. O(log n). */
static int
conn_find(GArray *conns, guint64 conn)
{
  int lo = 0, hi = (int)conns->len - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    guint64 c = g_array_index(conns, ExpTraceConn, mid).conn;
    if (c == conn)
      return mid;
    if (c < conn)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
  return -1;
}

GArray *
exp_trace_connections(const ExpTrace *t, guint run)
{
  g_return_val_if_fail(t != NULL && run < t->runs->len, NULL);
  GArray *conns = g_array_new(FALSE, TRUE, sizeof(ExpTraceConn));
  g_array_set_clear_func(conns, conn_clear);
  const ExpTraceEvent *ev = (const ExpTraceEvent *)(void *)t->events->data;
  /* the incarnations with a state row, sorted; then their rows in file order */
  g_autoptr(GHashTable) seen = g_hash_table_new(g_int64_hash, g_int64_equal);
  for (guint i = 0; i < t->events->len; i++)
    if (ev[i].run == run && ev[i].kind == EXP_TRACE_STATE && ev[i].conn != 0 &&
        g_hash_table_add(seen, (gpointer)&ev[i].conn)) {
      ExpTraceConn c = {
        .conn = ev[i].conn, .local = ev[i].src, .lport = ev[i].sport, .remote = ev[i].dst,
        .rport = ev[i].dport, .first = G_MAXINT64, .last = G_MININT64,
        .states = g_strdup(state_short[ev[i].from]),
      };
      g_array_append_val(conns, c);
    }
  g_array_sort(conns, conn_cmp);
  g_autoptr(GHashTable) sent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < t->events->len; i++) {
    if (ev[i].run != run || ev[i].conn == 0)
      continue;
    int pos = conn_find(conns, ev[i].conn);
    if (pos < 0)
      continue;
    ExpTraceConn *c = &g_array_index(conns, ExpTraceConn, pos);
    c->first = MIN(c->first, ev[i].time);
    c->last = MAX(c->last, ev[i].time);
    switch (ev[i].kind) {
    case EXP_TRACE_STATE: {
      /* a listener's row has no remote; a later row of the same incarnation may */
      if (c->remote == 0 && c->rport == 0) {
        c->remote = ev[i].dst;
        c->rport = ev[i].dport;
      }
      char *path = g_strconcat(c->states, ">", state_short[ev[i].to], NULL);
      g_free(c->states);
      c->states = path;
      if (ev[i].from == 1 && ev[i].to != 0 && c->opener == EXP_OPENER_UNKNOWN)
        c->opener = EXP_OPENER_PASSIVE;
      break;
    }
    case EXP_TRACE_DROP:
      c->drops++;
      break;
    case EXP_TRACE_SEND:
      c->sent++;
      if ((ev[i].flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
        c->opener = EXP_OPENER_ACTIVE;
      else if ((ev[i].flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) &&
               c->opener == EXP_OPENER_UNKNOWN)
        c->opener = EXP_OPENER_PASSIVE;
      if (seq_space(&ev[i]) > 0 && !g_hash_table_add(sent, rtx_key(&ev[i])))
        c->rtx++;
      break;
    default:
      break;
    }
  }
  for (guint i = 0; i < conns->len; i++) {
    ExpTraceConn *c = &g_array_index(conns, ExpTraceConn, i);
    if (c->remote == 0 && c->rport == 0)
      c->opener = EXP_OPENER_LISTENER;
  }
  return conns;
}

static const char *
opener_name(ExpOpener o)
{
  static const char *const names[] = { "-", "active", "passive", "listener" };
  return names[o];
}

static void
append_endpoint(GString *out, guint32 a, guint16 port)
{
  g_string_append_printf(out, "%u.%u.%u.%u:%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
                         a & 0xff, port);
}

static void
append_seconds(GString *out, SimTime t)
{
  g_string_append_printf(out, "%" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT, t / SIM_S, t % SIM_S);
}

/* Appends @s padded with spaces to @width (left-aligned; @right: right-aligned). */
static void
append_padded(GString *out, const char *s, guint width, gboolean right)
{
  guint n = (guint)strlen(s);
  if (right)
    for (guint i = n; i < width; i++)
      g_string_append_c(out, ' ');
  g_string_append(out, s);
  if (!right)
    for (guint i = n; i < width; i++)
      g_string_append_c(out, ' ');
}

void
exp_trace_format_list(const ExpTrace *t, guint run, GString *out)
{
  g_return_if_fail(t != NULL && run < t->runs->len && out != NULL);
  const ExpTraceRun *r = &g_array_index(t->runs, ExpTraceRun, run);
  g_autoptr(GArray) conns = exp_trace_connections(t, run);
  g_string_append_printf(out, "variant %s, replication %u: %u connection%s\n", r->variant,
                         r->replication, conns->len, conns->len == 1 ? "" : "s");
  if (conns->len == 0)
    return;
  g_string_append(out, "conn  local                  remote                 opened    "
                       "first (s)      last (s)         sent  rtx drops  states\n");
  g_autoptr(GString) cell = g_string_new(NULL);
  for (guint i = 0; i < conns->len; i++) {
    const ExpTraceConn *c = &g_array_index(conns, ExpTraceConn, i);
    g_string_append_printf(out, "%4" G_GUINT64_FORMAT "  ", c->conn);
    g_string_truncate(cell, 0);
    append_endpoint(cell, c->local, c->lport);
    append_padded(out, cell->str, 23, FALSE);
    g_string_truncate(cell, 0);
    append_endpoint(cell, c->remote, c->rport);
    append_padded(out, cell->str, 23, FALSE);
    append_padded(out, opener_name(c->opener), 10, FALSE);
    g_string_truncate(cell, 0);
    append_seconds(cell, c->first);
    append_padded(out, cell->str, 15, FALSE);
    g_string_truncate(cell, 0);
    append_seconds(cell, c->last);
    append_padded(out, cell->str, 15, FALSE);
    g_string_append_printf(out, "%6u %4u %5u  %s\n", c->sent, c->rtx, c->drops, c->states);
  }
  g_string_append(out, "states:");
  for (guint i = 0; i < G_N_ELEMENTS(state_names); i++)
    g_string_append_printf(out, " %s %s%s", state_short[i], state_names[i],
                           i + 1 < G_N_ELEMENTS(state_names) ? "," : "\n");
}

/* ---- the ladder of one connection ---------------------------------------------------- */

/* One copy of a segment in the network, from its send (or the dup row that made it) to
 * its fate. */
typedef struct {
  const ExpTraceEvent *ev;     /* the send, dup, or (send not traced) the fate's row */
  SimTime time;
  gboolean dup, sent_unseen, open;
  SimTime held;
  ExpFate fate;
  SimTime fate_time;
} Copy;

static gboolean
same_segment(const ExpTraceEvent *a, const ExpTraceEvent *b)
{
  return a->conn == b->conn && a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
         a->dport == b->dport && a->flags == b->flags && a->seq == b->seq && a->ack == b->ack &&
         a->len == b->len;
}

static gboolean
on_tuple(const ExpTraceEvent *e, guint32 a, guint16 ap, guint32 b, guint16 bp)
{
  return (e->src == a && e->sport == ap && e->dst == b && e->dport == bp) ||
         (e->src == b && e->sport == bp && e->dst == a && e->dport == ap);
}

static gint
event_order(gconstpointer pa, gconstpointer pb)
{
  const ExpTraceEvent *a = *(const ExpTraceEvent *const *)pa;
  const ExpTraceEvent *b = *(const ExpTraceEvent *const *)pb;
  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  return a->line < b->line ? -1 : a->line > b->line;
}

/* The earliest open copy of @ev's segment that @pick accepts (NULL: any open copy). */
typedef gboolean (*CopyPick)(const Copy *c, const ExpTraceEvent *ev);

static Copy *
find_copy(GArray *copies, const ExpTraceEvent *ev, CopyPick pick)
{
  for (guint i = 0; i < copies->len; i++) {
    Copy *c = &g_array_index(copies, Copy, i);
    if (c->open && same_segment(c->ev, ev) && (pick == NULL || pick(c, ev)))
      return c;
  }
  return NULL;
}

static gboolean
pick_not_held(const Copy *c, const ExpTraceEvent *ev)
{
  (void)ev;
  return !c->dup && c->held == 0;
}

static gboolean
pick_held(const Copy *c, const ExpTraceEvent *ev)
{
  (void)ev;
  return c->held > 0;
}

/* a copy can arrive (or be dropped on the way) once any hold is over */
static gboolean
pick_ready(const Copy *c, const ExpTraceEvent *ev)
{
  return c->time + c->held <= ev->time;
}

static gboolean
pick_ready_dup(const Copy *c, const ExpTraceEvent *ev)
{
  return c->dup && pick_ready(c, ev);
}

static gboolean
pick_ready_original(const Copy *c, const ExpTraceEvent *ev)
{
  return !c->dup && pick_ready(c, ev);
}

static Copy *
new_copy(GArray *copies, const ExpTraceEvent *ev, SimTime time)
{
  Copy c = { .ev = ev, .time = time, .open = TRUE, .fate = EXP_FATE_UNKNOWN };
  g_array_append_val(copies, c);
  return &g_array_index(copies, Copy, copies->len - 1);
}

static void
close_copy(GArray *copies, const ExpTraceEvent *ev, ExpFate fate)
{
  Copy *c = NULL;
  if (fate == EXP_FATE_ARRIVED)
    c = find_copy(copies, ev, ev->dup ? pick_ready_dup : pick_ready_original);
  else if (fate == EXP_FATE_EXPIRED)
    c = find_copy(copies, ev, pick_held);
  if (c == NULL)
    c = find_copy(copies, ev, pick_ready);
  if (c == NULL)
    c = find_copy(copies, ev, NULL);
  if (c == NULL) {
    c = new_copy(copies, ev, ev->time);
    c->sent_unseen = TRUE;
    c->dup = ev->kind == EXP_TRACE_RECV && ev->dup;
  }
  c->open = FALSE;
  c->fate = fate;
  c->fate_time = ev->time;
}

/* Matches every segment row of @evs (one 4-tuple, in time order) into copies. */
static GArray *
match_copies(GPtrArray *evs)
{
  GArray *copies = g_array_new(FALSE, TRUE, sizeof(Copy));
  for (guint i = 0; i < evs->len; i++) {
    const ExpTraceEvent *ev = evs->pdata[i];
    Copy *c;
    switch (ev->kind) {
    case EXP_TRACE_SEND:
      new_copy(copies, ev, ev->time);
      break;
    case EXP_TRACE_HELD:
      c = find_copy(copies, ev, pick_not_held);
      if (c == NULL) {
        c = new_copy(copies, ev, ev->time);
        c->sent_unseen = TRUE;
      }
      c->held = ev->held;
      break;
    case EXP_TRACE_DUP:
      /* the copy: the same segment from this row on */
      c = new_copy(copies, ev, ev->time);
      c->dup = TRUE;
      break;
    case EXP_TRACE_DROP:
      close_copy(copies, ev, ev->drop == 0 ? EXP_FATE_LOST
                           : ev->drop == 1 ? EXP_FATE_QUEUE : EXP_FATE_EXPIRED);
      break;
    case EXP_TRACE_RECV:
      close_copy(copies, ev, EXP_FATE_ARRIVED);
      break;
    default:
      break;
    }
  }
  return copies;
}

static void
row_clear(gpointer p)
{
  g_free(((ExpLadderRow *)p)->label);
}

void
exp_ladder_free(ExpLadder *l)
{
  if (l == NULL)
    return;
  g_free(l->variant);
  for (int s = 0; s < 2; s++) {
    if (l->incarnations[s])
      g_array_unref(l->incarnations[s]);
    g_free(l->initial[s]);
  }
  if (l->rows)
    g_array_unref(l->rows);
  g_free(l);
}

static gint
row_order(gconstpointer pa, gconstpointer pb)
{
  const ExpLadderRow *a = pa, *b = pb;
  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  return a->line < b->line ? -1 : a->line > b->line;
}

static void
append_flag_names(GString *out, guint8 flags)
{
  static const struct { guint8 bit; const char *name; } names[] = {
    { TCP_SYN, "SYN" }, { TCP_FIN, "FIN" }, { TCP_RST, "RST" }, { TCP_PSH, "PSH" },
    { TCP_ACK, "ACK" },
  };
  const char *sep = "";
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (flags & names[i].bit) {
      g_string_append_printf(out, "%s%s", sep, names[i].name);
      sep = ",";
    }
  if (*sep == '\0')
    g_string_append(out, "none");
}

/* Seconds as short as they go: "30", "0.25". */
static void
append_duration(GString *out, SimTime t)
{
  g_string_append_printf(out, "%" G_GINT64_FORMAT, t / SIM_S);
  SimTime frac = t % SIM_S;
  if (frac != 0) {
    char digits[16];
    g_snprintf(digits, sizeof digits, "%09" G_GINT64_FORMAT, frac);
    for (int i = 8; i > 0 && digits[i] == '0'; i--)
      digits[i] = '\0';
    g_string_append_printf(out, ".%s", digits);
  }
  g_string_append(out, " s");
}

static char *
segment_label(ExpLadderRow *r)
{
  GString *s = g_string_new(NULL);
  append_flag_names(s, r->flags);
  g_string_append_printf(s, " seq=%u", r->seq);
  if (r->flags & TCP_ACK)
    g_string_append_printf(s, " ack=%u", r->ack);
  if (r->len > 0)
    g_string_append_printf(s, " len=%u", r->len);
  r->marks = (guint)s->len;
  if (r->rtx)
    g_string_append(s, " (rtx)");
  if (r->dup)
    g_string_append(s, " (dup)");
  if (r->held > 0) {
    g_string_append(s, " (held ");
    append_duration(s, r->held);
    g_string_append_c(s, ')');
  }
  if (r->sent_unseen)
    g_string_append(s, " (send not traced)");
  return g_string_free(s, FALSE);
}

static void
add_incarnation(GArray *a, guint64 conn)
{
  if (conn == 0)
    return;
  for (guint i = 0; i < a->len; i++)
    if (g_array_index(a, guint64, i) == conn)
      return;
  guint i = 0;
  while (i < a->len && g_array_index(a, guint64, i) < conn)
    i++;
  g_array_insert_val(a, i, conn);
}

ExpLadder *
exp_ladder_new(const ExpTrace *t, guint run, guint64 conn, GError **error)
{
  g_return_val_if_fail(t != NULL && run < t->runs->len, NULL);
  const ExpTraceRun *tr = &g_array_index(t->runs, ExpTraceRun, run);
  g_autoptr(GArray) conns = exp_trace_connections(t, run);
  if (conns->len == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: variant %s, replication %u has no connection (no state row)", t->path,
                tr->variant, tr->replication);
    return NULL;
  }
  int pos = -1;
  if (conn == 0) {
    for (guint i = 0; i < conns->len && pos < 0; i++)
      if (g_array_index(conns, ExpTraceConn, i).opener != EXP_OPENER_LISTENER)
        pos = (int)i;
    if (pos < 0)
      pos = 0;
  } else
    pos = conn_find(conns, conn);
  if (pos < 0) {
    g_autoptr(GString) msg = g_string_new(NULL);
    g_string_printf(msg, "%s: variant %s, replication %u has no connection %" G_GUINT64_FORMAT
                    "; its connections: ", t->path, tr->variant, tr->replication, conn);
    for (guint i = 0; i < conns->len; i++)
      g_string_append_printf(msg, "%s%" G_GUINT64_FORMAT, i ? ", " : "",
                             g_array_index(conns, ExpTraceConn, i).conn);
    g_set_error_literal(error, SIM_ERROR, SIM_ERROR_INVALID, msg->str);
    return NULL;
  }
  const ExpTraceConn *c = &g_array_index(conns, ExpTraceConn, pos);

  /* every row of the run on the 4-tuple, in time order */
  g_autoptr(GPtrArray) evs = g_ptr_array_new();
  const ExpTraceEvent *truncated = NULL;
  const ExpTraceEvent *ev = (const ExpTraceEvent *)(void *)t->events->data;
  for (guint i = 0; i < t->events->len; i++) {
    if (ev[i].run != run)
      continue;
    if (ev[i].kind == EXP_TRACE_TRUNCATED)
      truncated = &ev[i];
    else if (on_tuple(&ev[i], c->local, c->lport, c->remote, c->rport))
      g_ptr_array_add(evs, (gpointer)&ev[i]);
  }
  g_ptr_array_sort(evs, event_order);
  g_autoptr(GArray) copies = match_copies(evs);

  g_autoptr(ExpLadder) l = g_new0(ExpLadder, 1);
  l->variant = g_strdup(tr->variant);
  l->point = t->point;
  l->replication = tr->replication;
  l->conn = c->conn;
  l->rows = g_array_new(FALSE, TRUE, sizeof(ExpLadderRow));
  g_array_set_clear_func(l->rows, row_clear);
  for (int s = 0; s < 2; s++)
    l->incarnations[s] = g_array_new(FALSE, FALSE, sizeof(guint64));
  SimTime first = c->first, last = c->last;
#define IN_SPAN(x) ((x) >= first && (x) <= last)

  /* the left side: the end that sent the first SYN without ACK, else the connection's */
  l->addr[0] = c->local;
  l->port[0] = c->lport;
  l->addr[1] = c->remote;
  l->port[1] = c->rport;
  for (guint i = 0; i < copies->len; i++) {
    const Copy *k = &g_array_index(copies, Copy, i);
    if ((k->ev->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
        (IN_SPAN(k->time) || (k->fate != EXP_FATE_UNKNOWN && IN_SPAN(k->fate_time)))) {
      if (k->ev->src != l->addr[0] || k->ev->sport != l->port[0]) {
        l->addr[1] = l->addr[0];
        l->port[1] = l->port[0];
        l->addr[0] = k->ev->src;
        l->port[0] = k->ev->sport;
      }
      break;
    }
  }
#define SIDE_OF(a, p) ((a) == l->addr[0] && (p) == l->port[0] ? 0 : 1)

  /* initial sequence numbers: the seq of each incarnation's first SYN; the SYNs of each
   * side in time order, for acknowledgments */
  g_autoptr(GHashTable) isn = g_hash_table_new(g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) syns = g_ptr_array_new();
  g_autoptr(GHashTable) sent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) rtx = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (guint i = 0; i < evs->len; i++) {
    const ExpTraceEvent *e = evs->pdata[i];
    if (e->kind != EXP_TRACE_SEND)
      continue;
    if (e->flags & TCP_SYN) {
      if (e->conn != 0 && !g_hash_table_contains(isn, &e->conn))
        g_hash_table_insert(isn, (gpointer)&e->conn, (gpointer)e);
      g_ptr_array_add(syns, (gpointer)e);
    }
    if (seq_space(e) > 0 && !g_hash_table_add(sent, rtx_key(e)))
      g_hash_table_add(rtx, (gpointer)e);
  }

  for (guint i = 0; i < copies->len; i++) {
    const Copy *k = &g_array_index(copies, Copy, i);
    gboolean fated = k->fate != EXP_FATE_UNKNOWN;
    if (!IN_SPAN(k->time) && !(fated && IN_SPAN(k->fate_time)))
      continue;
    const ExpTraceEvent *e = k->ev;
    ExpLadderRow r = {
      .kind = EXP_ROW_SEGMENT, .side = SIDE_OF(e->src, e->sport), .time = k->time,
      .line = e->line, .conn = e->conn, .fate = k->fate, .arrival = k->fate_time,
      .sent_unseen = k->sent_unseen, .dup = k->dup, .held = k->held, .flags = e->flags,
      .seq = e->seq, .ack = e->ack, .len = e->len,
      .rtx = !k->dup && g_hash_table_contains(rtx, e),
    };
    const ExpTraceEvent *own = g_hash_table_lookup(isn, &e->conn);
    if (own != NULL) {
      r.seq = e->seq - own->seq;
      r.rel_seq = TRUE;
    }
    const ExpTraceEvent *peer = NULL;
    for (guint j = 0; j < syns->len; j++) {
      const ExpTraceEvent *syn = syns->pdata[j];
      if (syn->time > k->time || (syn->time == k->time && syn->line > e->line))
        break;
      if (SIDE_OF(syn->src, syn->sport) != r.side)
        peer = syn;
    }
    if (peer != NULL && (e->flags & TCP_ACK)) {
      r.ack = e->ack - peer->seq;
      r.rel_ack = TRUE;
    }
    r.label = segment_label(&r);
    g_array_append_val(l->rows, r);
    add_incarnation(l->incarnations[r.side], e->conn);
  }
  for (guint i = 0; i < evs->len; i++) {
    const ExpTraceEvent *e = evs->pdata[i];
    if ((e->kind != EXP_TRACE_STATE && e->kind != EXP_TRACE_TIMER) || !IN_SPAN(e->time))
      continue;
    ExpLadderRow r = {
      .kind = e->kind == EXP_TRACE_STATE ? EXP_ROW_STATE : EXP_ROW_TIMER,
      .side = SIDE_OF(e->src, e->sport), .time = e->time, .line = e->line, .conn = e->conn,
    };
    if (e->kind == EXP_TRACE_STATE) {
      r.label = g_strdup(state_names[e->to]);
      if (l->initial[r.side] == NULL)
        l->initial[r.side] = g_strdup(state_names[e->from]);
    } else
      r.label = g_strdup_printf("[%s timer]", timer_names[e->timer]);
    g_array_append_val(l->rows, r);
    add_incarnation(l->incarnations[r.side], e->conn);
  }
  if (truncated != NULL && truncated->time >= first) {
    ExpLadderRow r = {
      .kind = EXP_ROW_TRUNCATED, .time = truncated->time, .line = truncated->line,
      .label = g_strdup("trace truncated ([trace] max_events): nothing after this"),
    };
    g_array_append_val(l->rows, r);
  }
  g_array_sort(l->rows, row_order);
  l->start = l->rows->len ? g_array_index(l->rows, ExpLadderRow, 0).time : first;
  /* each side's part in the opening: that of its first incarnation in the ladder */
  for (int s = 0; s < 2; s++)
    for (guint i = 0; i < l->incarnations[s]->len && l->opener[s] == EXP_OPENER_UNKNOWN; i++) {
      int k = conn_find(conns, g_array_index(l->incarnations[s], guint64, i));
      if (k >= 0)
        l->opener[s] = g_array_index(conns, ExpTraceConn, k).opener;
    }
#undef IN_SPAN
#undef SIDE_OF
  return g_steal_pointer(&l);
}

/* ---- text ---------------------------------------------------------------------------- */

/* Columns: time (ms), the left side's states, the left line, the arrows, the right line,
 * the right side's states: 103 columns unless a label is longer than its column. */
#define TIME_W 10
#define LABEL_W 18
#define MID_W 52

/* @t - @start in ms, to the microsecond (rounded). */
static void
append_ms(GString *out, SimTime t, SimTime start)
{
  SimTime us = (t - start + SIM_US / 2) / SIM_US;
  g_string_append_printf(out, "%" G_GINT64_FORMAT ".%03" G_GINT64_FORMAT, us / 1000, us % 1000);
}

static void
append_dashes(GString *out, gint n)
{
  for (gint i = 0; i < n; i++)
    g_string_append_c(out, '-');
}

static const char *
fate_word(ExpFate f)
{
  switch (f) {
  case EXP_FATE_LOST: return "lost";
  case EXP_FATE_QUEUE: return "queue drop";
  case EXP_FATE_EXPIRED: return "expired";
  default: return "";
  }
}

static gboolean
dropped(ExpFate f)
{
  return f == EXP_FATE_LOST || f == EXP_FATE_QUEUE || f == EXP_FATE_EXPIRED;
}

static void append_arrow_text(GString *mid, const ExpLadder *l, const ExpLadderRow *r,
                              const char *text);

/* The arrow between the lines: from the sender's line toward the other, with the label
 * at the sender's end and the arrival time (or the drop, ending in an X midway) at the
 * other. When it does not fit, the marks after the label ("(rtx)", "(held 0.3 s)") are
 * left to @more, for a line of their own. */
static void
append_arrow(GString *mid, GString *more, const ExpLadder *l, const ExpLadderRow *r)
{
  g_string_truncate(more, 0);
  append_arrow_text(mid, l, r, r->label);
  if (mid->len <= MID_W || r->label[r->marks] == '\0')
    return;
  g_autofree char *base = g_strndup(r->label, r->marks);
  g_string_truncate(mid, 0);
  append_arrow_text(mid, l, r, base);
  const char *marks = r->label + r->marks + 1;
  if (r->side == 0)
    g_string_append_printf(more, "   %s", marks);
  else {
    for (gint i = (gint)strlen(marks) + 3; i < MID_W; i++)
      g_string_append_c(more, ' ');
    g_string_append_printf(more, "%s   ", marks);
  }
}

static void
append_arrow_text(GString *mid, const ExpLadder *l, const ExpLadderRow *r, const char *text)
{
  g_autoptr(GString) far = g_string_new(NULL);   /* what the far end says */
  if (r->fate == EXP_FATE_ARRIVED) {
    g_string_append(far, "at ");
    append_ms(far, r->arrival, l->start);
  } else if (r->fate == EXP_FATE_UNKNOWN)
    g_string_append(far, "no arrival traced");
  else {
    g_string_append(far, fate_word(r->fate));
    if (r->fate == EXP_FATE_EXPIRED) {
      g_string_append(far, " at ");
      append_ms(far, r->arrival, l->start);
    }
  }
  gint label = (gint)strlen(text);
  if (!dropped(r->fate)) {
    /* "-- LABEL ------ at 5.038 ->" or "<- at 5.038 ------ LABEL --" */
    gint fill = MAX(2, MID_W - (label + 4) - ((gint)far->len + 4));
    if (r->side == 0) {
      g_string_append_printf(mid, "-- %s ", text);
      append_dashes(mid, fill);
      g_string_append_printf(mid, " %s ->", far->str);
    } else {
      g_string_append_printf(mid, "<- %s ", far->str);
      append_dashes(mid, fill);
      g_string_append_printf(mid, " %s --", text);
    }
    return;
  }
  /* dropped: the arrow stops midway, "-- LABEL -----X lost" */
  gint x = MAX(label + 6, MID_W / 2 + 4);
  gint rest = MAX(0, MID_W - x - 1);
  if (r->side == 0) {
    g_string_append_printf(mid, "-- %s ", text);
    append_dashes(mid, x - (label + 4));
    g_string_append_printf(mid, "X %s", far->str);
    for (gint i = (gint)far->len + 1; i < rest; i++)
      g_string_append_c(mid, ' ');
  } else {
    for (gint i = (gint)far->len + 1; i < rest; i++)
      g_string_append_c(mid, ' ');
    g_string_append_printf(mid, "%s X", far->str);
    append_dashes(mid, x - (label + 4));
    g_string_append_printf(mid, " %s --", text);
  }
}

static void
append_side_label(const ExpLadder *l, const ExpLadderRow *r, GString *tmp)
{
  g_string_truncate(tmp, 0);
  if (l->incarnations[r->side]->len > 1)
    g_string_append_printf(tmp, "#%" G_GUINT64_FORMAT " ", r->conn);
  g_string_append(tmp, r->label);
}

static void
append_line(GString *out, const char *time, const char *left, const char *mid,
            const char *right)
{
  gsize start = out->len;
  append_padded(out, time, TIME_W, TRUE);
  g_string_append_c(out, ' ');
  append_padded(out, left, LABEL_W, TRUE);
  g_string_append(out, " |");
  append_padded(out, mid, MID_W, FALSE);
  g_string_append(out, "| ");
  g_string_append(out, right);
  while (out->len > start && out->str[out->len - 1] == ' ')
    g_string_truncate(out, out->len - 1);
  g_string_append_c(out, '\n');
}

static void
append_side_header(GString *out, const ExpLadder *l, int s)
{
  g_autoptr(GString) ep = g_string_new(NULL);
  append_endpoint(ep, l->addr[s], l->port[s]);
  g_string_append_printf(out, "  %-5s  %-21s  ", s == 0 ? "left" : "right", ep->str);
  ExpOpener o = l->opener[s];
  g_string_append(out, o == EXP_OPENER_ACTIVE ? "active opener"
                     : o == EXP_OPENER_PASSIVE ? "passive opener"
                     : o == EXP_OPENER_LISTENER ? "listener" : "opener unknown");
  GArray *inc = l->incarnations[s];
  if (inc->len > 0)
    g_string_append_printf(out, ", incarnation%s", inc->len > 1 ? "s" : "");
  for (guint i = 0; i < inc->len; i++)
    g_string_append_printf(out, "%s %" G_GUINT64_FORMAT, i ? "," : "",
                           g_array_index(inc, guint64, i));
  g_string_append_c(out, '\n');
}

void
exp_ladder_render_text(const ExpLadder *l, GString *out)
{
  g_return_if_fail(l != NULL && out != NULL);
  g_string_append_printf(out, "variant %s, ", l->variant);
  if (l->point > 0)
    g_string_append_printf(out, "point %u, ", l->point);
  g_string_append_printf(out, "replication %u, connection %" G_GUINT64_FORMAT "\n",
                         l->replication, l->conn);
  append_side_header(out, l, 0);
  append_side_header(out, l, 1);
  g_string_append(out, "  time 0 = ");
  append_seconds(out, l->start);
  g_string_append(out, " s; times in ms; seq and ack relative to each side's initial "
                       "sequence number\n\n");
  g_autoptr(GString) ep = g_string_new(NULL);
  append_padded(out, "time ms", TIME_W, TRUE);
  g_string_append_c(out, ' ');
  append_endpoint(ep, l->addr[0], l->port[0]);
  append_padded(out, ep->str, LABEL_W + 2, TRUE);
  for (int i = 0; i < MID_W; i++)
    g_string_append_c(out, ' ');
  g_string_truncate(ep, 0);
  append_endpoint(ep, l->addr[1], l->port[1]);
  g_string_append_printf(out, "%s\n", ep->str);
  append_line(out, "", l->initial[0] ? l->initial[0] : "", "",
              l->initial[1] ? l->initial[1] : "");
  g_autoptr(GString) time = g_string_new(NULL), mid = g_string_new(NULL);
  g_autoptr(GString) side = g_string_new(NULL), more = g_string_new(NULL);
  const ExpLadderRow *pending = NULL;   /* a state or timer drawn on the next arrow's line */
  for (guint i = 0; i < l->rows->len; i++) {
    const ExpLadderRow *r = &g_array_index(l->rows, ExpLadderRow, i);
    const ExpLadderRow *next = i + 1 < l->rows->len
                             ? &g_array_index(l->rows, ExpLadderRow, i + 1) : NULL;
    g_string_truncate(time, 0);
    append_ms(time, r->time, l->start);
    g_string_truncate(mid, 0);
    switch (r->kind) {
    case EXP_ROW_SEGMENT:
      append_arrow(mid, more, l, r);
      g_string_truncate(side, 0);
      if (pending != NULL)
        append_side_label(l, pending, side);
      append_line(out, time->str, r->side == 0 ? side->str : "", mid->str,
                  r->side == 1 ? side->str : "");
      if (more->len > 0)
        append_line(out, "", "", more->str, "");
      pending = NULL;
      break;
    case EXP_ROW_STATE:
    case EXP_ROW_TIMER:
      /* a state entered (or a timer fired) just as that side sends: one line, as the
       * textbooks draw SYN-SENT beside the SYN */
      if (next != NULL && next->kind == EXP_ROW_SEGMENT && next->time == r->time &&
          next->side == r->side) {
        pending = r;
        break;
      }
      append_side_label(l, r, side);
      append_line(out, time->str, r->side == 0 ? side->str : "", "",
                  r->side == 1 ? side->str : "");
      break;
    case EXP_ROW_TRUNCATED:
      append_padded(out, time->str, TIME_W, TRUE);
      g_string_append_printf(out, "  ---- %s ----\n", r->label);
      break;
    }
  }
}

char *
exp_ladder_basename(const ExpLadder *l)
{
  g_return_val_if_fail(l != NULL, NULL);
  g_autofree char *v = g_strdup(l->variant);
  for (char *p = v; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '.' && *p != '_' && *p != '-')
      *p = '_';
  g_autofree char *pt = l->point > 0 ? g_strdup_printf("-p%u", l->point) : g_strdup("");
  return g_strdup_printf("ladder-%s%s-r%u-c%" G_GUINT64_FORMAT, v, pt, l->replication, l->conn);
}

/* ---- gnuplot ------------------------------------------------------------------------- */

/* The figure's time axis runs down in event order: each row gets its own place (so
 * labels of one instant do not overlap), gaps between rows are drawn to scale up to
 * four typical one-way times, longer ones are cut short and marked with their length on
 * dotted lines, and the tics carry the real times in ms. */
typedef struct {
  SimTime time;
  int row;              /* index in l->rows, -1: an arrival with no row at its time */
  double y;
} Point;

static gint
point_order(gconstpointer pa, gconstpointer pb)
{
  const Point *a = pa, *b = pb;
  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  return a->row < b->row ? -1 : a->row > b->row;
}

static gint
double_cmp(gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double
ms_between(SimTime a, SimTime b)
{
  return (double)(b - a) / (double)SIM_MS;
}

/* The display y of @t: the first point at or after @t (points sorted). */
static double
display_y(const GArray *pts, SimTime t)
{
  guint lo = 0, hi = pts->len;
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (g_array_index(pts, Point, mid).time < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < pts->len ? g_array_index(pts, Point, lo).y : 0;
}

/* A data block: its comment line, then its rows; empty blocks are not written. */
typedef struct {
  const char *comment;
  GString *rows;
  int index;            /* in the .dat file, -1 when empty */
} Block;

enum { B_ARROWS, B_DROPS, B_MARKS, B_LABELS, B_LEFT, B_RIGHT, B_N };

static void
append_ms_text(GString *out, double ms)
{
  if (ms >= 1000)
    g_string_append_printf(out, "%.3f s", ms / 1000);
  else
    g_string_append_printf(out, "%.3f ms", ms);
}

gboolean
exp_ladder_write_gnuplot(const ExpLadder *l, const char *dir, const char *base,
                         ExpLadderFormat format, GError **error)
{
  g_return_val_if_fail(l != NULL && dir != NULL && base != NULL, FALSE);
  g_return_val_if_fail(format >= EXP_LADDER_PNG && format <= EXP_LADDER_BOTH, FALSE);

  /* the scale: a typical one-way time (the median over delivered segments) */
  g_autoptr(GArray) delays = g_array_new(FALSE, FALSE, sizeof(double));
  g_autoptr(GArray) pts = g_array_new(FALSE, FALSE, sizeof(Point));
  g_autoptr(GHashTable) row_times = g_hash_table_new(g_int64_hash, g_int64_equal);
  for (guint i = 0; i < l->rows->len; i++) {
    const ExpLadderRow *r = &g_array_index(l->rows, ExpLadderRow, i);
    Point p = { r->time, (int)i, 0 };
    g_array_append_val(pts, p);
    g_hash_table_add(row_times, (gpointer)&r->time);
    if (r->kind == EXP_ROW_SEGMENT && r->fate == EXP_FATE_ARRIVED) {
      double d = ms_between(r->time, r->arrival);
      g_array_append_val(delays, d);
    }
  }
  for (guint i = 0; i < l->rows->len; i++) {
    const ExpLadderRow *r = &g_array_index(l->rows, ExpLadderRow, i);
    if (r->kind == EXP_ROW_SEGMENT && r->fate != EXP_FATE_UNKNOWN &&
        !g_hash_table_contains(row_times, &r->arrival)) {
      Point p = { r->arrival, -1, 0 };
      g_array_append_val(pts, p);
      g_hash_table_add(row_times, (gpointer)&r->arrival);
    }
  }
  g_array_sort(pts, point_order);
  g_array_sort(delays, double_cmp);
  double delay = delays->len ? g_array_index(delays, double, delays->len / 2) : 0;
  if (delay <= 0) {
    SimTime span = pts->len ? g_array_index(pts, Point, pts->len - 1).time - l->start : 0;
    delay = MAX((double)span / (double)SIM_MS / 20, 1.0);
  }
  double cap = 4 * delay, step = cap / 12;
  g_autoptr(GString) extra = g_string_new(NULL);   /* set commands: tics, lines, breaks */
  double y = 0, last_tic = -G_MAXDOUBLE, line_from = 0;
  for (guint i = 0; i < pts->len; i++) {
    Point *p = &g_array_index(pts, Point, i);
    if (i > 0) {
      const Point *q = &g_array_index(pts, Point, i - 1);
      double dt = ms_between(q->time, p->time);
      if (dt > cap) {
        /* a long wait, cut short: solid lines up to here, dotted across the gap */
        double gap = 2 * step;
        for (int x = 0; x < 2; x++)
          g_string_append_printf(extra,
            "set arrow from %d,%.6f to %d,%.6f nohead lw 2 lc rgb '#333333' back\n"
            "set arrow from %d,%.6f to %d,%.6f nohead lw 2 dt 3 lc rgb '#333333' back\n",
            x, line_from, x, y, x, y, x, y + gap);
        g_string_append(extra, "set label \"(");
        append_ms_text(extra, dt);
        g_string_append_printf(extra, " later)\" at 0.5,%.6f center tc rgb '#777777'\n",
                               y + gap / 2);
        y += gap;
        line_from = y;
      } else if (p->row >= 0 || q->time != p->time)
        y += MAX(dt, step);
    }
    p->y = y;
    if (i == 0 || g_array_index(pts, Point, i - 1).time != p->time) {
      if (y - last_tic >= 1.5 * step) {
        g_string_append_printf(extra, "set ytics add (\"%.3f\" %.6f)\n",
                               ms_between(l->start, p->time), y);
        last_tic = y;
      }
    }
  }
  double pad = 2 * step;
  for (int x = 0; x < 2; x++)
    g_string_append_printf(extra,
      "set arrow from %d,%.6f to %d,%.6f nohead lw 2 lc rgb '#333333' back\n",
      x, line_from, x, y + pad);
  /* the top of the lines */
  for (int x = 0; x < 2; x++)
    g_string_append_printf(extra,
      "set arrow from %d,%.6f to %d,0 nohead lw 2 lc rgb '#333333' back\n", x, -pad, x);

  Block b[B_N] = {
    { "delivered segments: x y dx dy t_send t_arrival", NULL, -1 },
    { "dropped segments (or with no arrival), to midway: x y dx dy t_send", NULL, -1 },
    { "where the dropped ones end: x y", NULL, -1 },
    { "segment labels, at the middle of their arrows: x y \"text\"", NULL, -1 },
    { "the left side's states and timers: x y \"text\" t", NULL, -1 },
    { "the right side's states and timers: x y \"text\" t", NULL, -1 },
  };
  for (int i = 0; i < B_N; i++)
    b[i].rows = g_string_new(NULL);
  double typical = 0;   /* a typical arrow's height on the display */
  g_autoptr(GArray) heights = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint i = 0; i < pts->len; i++) {
    const Point *p = &g_array_index(pts, Point, i);
    if (p->row < 0)
      continue;
    const ExpLadderRow *r = &g_array_index(l->rows, ExpLadderRow, p->row);
    if (r->kind == EXP_ROW_SEGMENT && r->fate == EXP_FATE_ARRIVED) {
      double h = display_y(pts, r->arrival) - p->y;
      g_array_append_val(heights, h);
    }
  }
  g_array_sort(heights, double_cmp);
  typical = heights->len ? g_array_index(heights, double, heights->len / 2) : cap / 2;

  for (guint i = 0; i < pts->len; i++) {
    const Point *p = &g_array_index(pts, Point, i);
    if (p->row < 0)
      continue;
    const ExpLadderRow *r = &g_array_index(l->rows, ExpLadderRow, p->row);
    double x = r->side == 0 ? 0.0 : 1.0, dir_x = r->side == 0 ? 1.0 : -1.0;
    double t = ms_between(l->start, r->time);
    switch (r->kind) {
    case EXP_ROW_SEGMENT: {
      double dx, dy;
      if (r->fate == EXP_FATE_ARRIVED) {
        dx = dir_x;
        dy = display_y(pts, r->arrival) - p->y;
        g_string_append_printf(b[B_ARROWS].rows, "%g %.6f %g %.6f %.6f %.6f\n", x, p->y, dx,
                               dy, t, ms_between(l->start, r->arrival));
      } else {
        dx = dir_x * 0.5;
        dy = typical / 2;
        g_string_append_printf(b[B_DROPS].rows, "%g %.6f %g %.6f %.6f\n", x, p->y, dx, dy, t);
        if (dropped(r->fate))
          g_string_append_printf(b[B_MARKS].rows, "%g %.6f\n", x + dx, p->y + dy);
      }
      GString *lb = b[B_LABELS].rows;
      g_string_append_printf(lb, "%g %.6f \"%s", x + dx / 2, p->y + dy / 2, r->label);
      if (dropped(r->fate))
        g_string_append_printf(lb, " X %s", fate_word(r->fate));
      g_string_append(lb, "\"\n");
      break;
    }
    case EXP_ROW_STATE:
    case EXP_ROW_TIMER: {
      GString *sb = b[r->side == 0 ? B_LEFT : B_RIGHT].rows;
      g_string_append_printf(sb, "%g %.6f \"", x, p->y);
      if (l->incarnations[r->side]->len > 1)
        g_string_append_printf(sb, "#%" G_GUINT64_FORMAT " ", r->conn);
      g_string_append_printf(sb, "%s\" %.6f\n", r->label, t);
      break;
    }
    case EXP_ROW_TRUNCATED:
      g_string_append_printf(extra,
                             "set arrow from -0.2,%.6f to 1.2,%.6f nohead dt 3 lc rgb '#777777'\n"
                             "set label \"trace truncated\" at 0.5,%.6f center offset 0,0.7\n",
                             p->y, p->y, p->y);
      break;
    }
  }

  g_autoptr(GString) dat = g_string_new(NULL);
  g_string_append_printf(dat,
    "# %s.dat: the ladder of connection %" G_GUINT64_FORMAT " (variant %s, replication %u),\n"
    "# drawn by %s.gp. x: 0 the left end, 1 the right; y: the place on the figure's time\n"
    "# axis (event order, long waits cut short); t: the time in ms from the first row.\n",
    base, l->conn, l->variant, l->replication, base);
  int next = 0;
  for (int i = 0; i < B_N; i++) {
    if (b[i].rows->len == 0)
      continue;
    b[i].index = next++;
    g_string_append_printf(dat, "%s# %s\n%s", b[i].index ? "\n\n" : "", b[i].comment,
                           b[i].rows->str);
  }

  g_autoptr(GString) left = g_string_new(NULL), right = g_string_new(NULL);
  append_endpoint(left, l->addr[0], l->port[0]);
  append_endpoint(right, l->addr[1], l->port[1]);
  g_autoptr(GString) start = g_string_new(NULL);
  append_seconds(start, l->start);
  guint height = (guint)CLAMP((y + 2 * pad) / step * 18 + 160, 500, 4000);

  g_autoptr(GString) gp = g_string_new(NULL);
  g_string_append_printf(gp,
    "# Ladder diagram of connection %" G_GUINT64_FORMAT " (variant %s, replication %u),\n"
    "# written by synack trace. Remake the images from this folder: gnuplot %s.gp\n"
    "# Left %s, right %s. Time runs down in event order: gaps are to scale\n"
    "# up to %.3f ms, longer ones are cut short (dotted, with their length); the tics give\n"
    "# the real times in ms from %s s.\n"
    "data = '%s.dat'\n"
    "unset key\n"
    "set title \"variant %s, replication %u, connection %" G_GUINT64_FORMAT "\"\n"
    "set border 0\n"
    "set xrange [-0.6:1.6]\n"
    "set x2range [-0.6:1.6]\n"
    "unset xtics\n"
    "set x2tics (\"%s\" 0, \"%s\" 1) scale 0\n"
    "set yrange [%.6f:%.6f]\n"
    "set ytics nomirror out scale 0.5 (\"\" 0)\n"
    "set ylabel \"ms from %s s\"\n"
    "set style arrow 1 head filled size char 1,15 lw 1.3 lc rgb '#1f4e99'\n"
    "set style arrow 2 nohead lw 1.3 dt 2 lc rgb '#c0392b'\n"
    "%s",
    l->conn, l->variant, l->replication, base, left->str, right->str, cap, start->str, base,
    l->variant, l->replication, l->conn, left->str, right->str, y + pad, -pad, start->str,
    extra->str);
  g_autoptr(GString) plot = g_string_new("plot ");
  static const char *const how[B_N] = {
    "using 1:2:3:4 with vectors arrowstyle 1",
    "using 1:2:3:4 with vectors arrowstyle 2",
    "using 1:2 with points pt 2 ps 2.5 lw 2.5 lc rgb '#c0392b'",
    "using 1:2:3 with labels center offset 0,0.6 font ',9' tc rgb '#1f2f4f'",
    "using 1:2:3 with labels right offset -1,0 font ',9' tc rgb '#117733'",
    "using 1:2:3 with labels left offset 1,0 font ',9' tc rgb '#117733'",
  };
  const char *sep = "";
  for (int i = 0; i < B_N; i++)
    if (b[i].index >= 0) {
      g_string_append_printf(plot, "%sdata index %d %s", sep, b[i].index, how[i]);
      sep = ", \\\n     ";
    }
  if (*sep == '\0')   /* nothing drawn but the two lines */
    g_string_append(plot, "NaN notitle");
  g_string_append_c(plot, '\n');
  gboolean plotted = FALSE;
  if (format & EXP_LADDER_PNG) {
    g_string_append_printf(gp, "set terminal pngcairo noenhanced size 900,%u font ',10'\n"
                           "set output '%s.png'\n%s", height, base, plot->str);
    plotted = TRUE;
  }
  if (format & EXP_LADDER_SVG)
    g_string_append_printf(gp, "set terminal svg noenhanced size 900,%u font 'sans,10'\n"
                           "set output '%s.svg'\n%s", height, base,
                           plotted ? "replot\n" : plot->str);
  g_string_append(gp, "unset output\n");
  for (int i = 0; i < B_N; i++)
    g_string_free(b[i].rows, TRUE);

  if (g_mkdir_with_parents(dir, 0777) != 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot make folder '%s': %s", dir,
                g_strerror(errno));
    return FALSE;
  }
  const char *ext[2] = { "dat", "gp" };
  GString *text[2] = { dat, gp };
  for (int i = 0; i < 2; i++) {
    g_autofree char *name = g_strdup_printf("%s.%s", base, ext[i]);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) err = NULL;
    if (!g_file_set_contents(path, text[i]->str, (gssize)text[i]->len, &err)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot write '%s': %s", path, err->message);
      return FALSE;
    }
  }
  return TRUE;
}
