/* exp_record: traces, state samples and per-connection times of one run (exp_record.h). */
#include "exp_record.h"

#include <string.h>

#include "exp_config.h"
#include "exp_pcap.h"
#include "sim_error.h"
#include "tcp.h"
#include "topology.h"

typedef enum {
  EV_SEND,
  EV_RECV,
  EV_DROP,
  EV_DUP,
  EV_HELD,
  EV_STATE,
  EV_TIMER,
  EV_TRUNCATED,
} EventKind;

static const char *const event_names[] = {
  "send", "recv", "drop", "dup", "held", "state", "timer", "truncated",
};

/* One traced event: a segment's header fields, or a connection's tuple and what
 * happened to it. */
typedef struct {
  SimTime time;
  uint64_t conn;          /* incarnation: the sender's (segments) or the connection's */
  int64_t held;           /* EV_HELD: for how long */
  NetAddr host, src, dst;
  uint32_t seq, ack, len, wnd;
  uint16_t sport, dport, mss;
  uint8_t kind;           /* EventKind */
  uint8_t flags, wscale, dup;
  uint8_t a, b;           /* EV_STATE: from, to; EV_TIMER: TcpTimerKind; EV_DROP: reason */
} Event;

typedef struct {
  NetAddr lo, hi;         /* inclusive */
} AddrRange;

typedef struct {
  SimTime time;
  uint64_t n[NET_TCP_NSTATES];
} StateRow;

struct ExpRecord {
  /* trace */
  gboolean tracing, truncated;
  GArray *ranges;         /* AddrRange: the traced hosts */
  SimTime start, end;     /* end: SIM_TIME_MAX when not set */
  guint max_events;
  GArray *events;         /* Event */
  SimLog log;
  /* states */
  SimTime every;
  SimTime next_sample;    /* the next grid time not yet written */
  GArray *states;         /* StateRow */
  Net *net;
  /* samples */
  AppTimeSamples samples;
};

/* ---- [trace] hosts ------------------------------------------------------------------ */

typedef struct {
  const char *role, *plural;
  NetAddr base;
  int64_t count;
} Role;

/* Parses @text into address ranges; FALSE with @why on the first bad item. */
static gboolean
hosts_parse(const char *text, const Role roles[3], GArray *ranges, char **why)
{
  g_auto(GStrv) items = g_strsplit(text, ",", -1);
  for (char **it = items; *it; it++) {
    char *item = g_strstrip(*it);
    gboolean found = FALSE;
    for (int r = 0; r < 3 && !found; r++) {
      const Role *ro = &roles[r];
      if (strcmp(item, "all") == 0 || strcmp(item, ro->plural) == 0) {
        if (ro->count > 0) {
          AddrRange range = { ro->base, ro->base + (NetAddr)ro->count - 1 };
          g_array_append_val(ranges, range);
        }
        found = strcmp(item, "all") != 0;
        continue;
      }
      size_t n = strlen(ro->role);
      if (strncmp(item, ro->role, n) != 0 || !g_ascii_isdigit(item[n]))
        continue;
      char *end;
      guint64 lo = g_ascii_strtoull(item + n, &end, 10), hi = lo;
      if (*end == '-' && g_ascii_isdigit(end[1]))
        hi = g_ascii_strtoull(end + 1, &end, 10);
      if (*end != '\0' || hi < lo) {
        *why = g_strdup_printf("'%s' is not a host or a range of hosts (e.g. %s0 or %s0-9)",
                               item, ro->role, ro->role);
        return FALSE;
      }
      if (hi >= (guint64)ro->count) {
        *why = g_strdup_printf("no %s%" G_GUINT64_FORMAT ": the topology has %" G_GINT64_FORMAT
                               " %s (the first is %s0)", ro->role, hi, ro->count, ro->plural,
                               ro->role);
        return FALSE;
      }
      AddrRange range = { ro->base + (NetAddr)lo, ro->base + (NetAddr)hi };
      g_array_append_val(ranges, range);
      found = TRUE;
    }
    if (!found && strcmp(item, "all") != 0) {
      *why = g_strdup_printf("'%s' is not a host: expected clientN, serverN, attackerN "
                             "(or N-M ranges), clients, servers, attackers or all", item);
      return FALSE;
    }
  }
  return TRUE;
}

static void
roles_of(const SimConfig *cfg, Role roles[3])
{
  roles[0] = (Role){ "client", "clients", TOPO_CLIENT_BASE,
                     sim_config_get_int(cfg, "topology", "clients") };
  roles[1] = (Role){ "server", "servers", TOPO_SERVER_BASE,
                     sim_config_get_int(cfg, "topology", "servers") };
  roles[2] = (Role){ "attacker", "attackers", TOPO_ATTACKER_BASE,
                     sim_config_get_int(cfg, "topology", "attackers") };
}

void
exp_record_check(const SimConfig *cfg, GString *problems)
{
  g_return_if_fail(cfg != NULL && problems != NULL);
  Role roles[3];
  roles_of(cfg, roles);
  g_autoptr(GArray) ranges = g_array_new(FALSE, FALSE, sizeof(AddrRange));
  g_autofree char *why = NULL;
  if (!hosts_parse(sim_config_get_string(cfg, "trace", "hosts"), roles, ranges, &why))
    g_string_append_printf(problems, "%s: [trace] hosts: %s\n",
                           sim_config_origin(cfg, "trace", "hosts"), why);
  if (sim_config_has(cfg, "trace", "end") &&
      sim_config_get_duration(cfg, "trace", "end") <= sim_config_get_duration(cfg, "trace", "start"))
    g_string_append_printf(problems, "%s: [trace] end: must come after [trace] start\n",
                           sim_config_origin(cfg, "trace", "end"));
}

static gboolean
traced(const ExpRecord *r, NetAddr a)
{
  for (guint i = 0; i < r->ranges->len; i++) {
    const AddrRange *x = &g_array_index(r->ranges, AddrRange, i);
    if (a >= x->lo && a <= x->hi)
      return TRUE;
  }
  return FALSE;
}

/* ---- the trace sink ----------------------------------------------------------------- */

static Event *
push(ExpRecord *r, SimTime t, EventKind kind)
{
  if (r->events->len >= r->max_events) {
    if (!r->truncated) {
      Event ev = { .time = t, .kind = EV_TRUNCATED };
      g_array_append_val(r->events, ev);
      r->truncated = TRUE;
    }
    return NULL;
  }
  g_array_set_size(r->events, r->events->len + 1);
  Event *ev = &g_array_index(r->events, Event, r->events->len - 1);
  memset(ev, 0, sizeof *ev);
  ev->time = t;
  ev->kind = (uint8_t)kind;
  return ev;
}

static void
push_segment(ExpRecord *r, SimTime t, EventKind kind, NetAddr host, const Segment *s)
{
  Event *ev = push(r, t, kind);
  if (ev == NULL)
    return;
  ev->conn = s->incarnation;
  ev->host = host;
  ev->src = s->src;
  ev->dst = s->dst;
  ev->sport = s->sport;
  ev->dport = s->dport;
  ev->seq = s->seq;
  ev->ack = s->ack;
  ev->len = s->len;
  ev->wnd = s->wnd;
  ev->mss = s->mss;
  ev->flags = s->flags;
  ev->wscale = s->wscale;
  ev->dup = s->dup;
}

static void
on_trace(void *ctx, const SimTraceRecord *rec)
{
  ExpRecord *r = ctx;
  if (rec->time < r->start || rec->time > r->end || r->truncated)
    return;
  const Segment *s = rec->subject;
  switch (rec->kind) {
  case NET_TRACE_HOST_OUT:
    /* a flood SYN's source is spoofed: the sending host decides, not the address */
    if (traced(r, rec->component) || traced(r, s->dst))
      push_segment(r, rec->time, EV_SEND, rec->component, s);
    return;
  case NET_TRACE_HOST_IN:
    if (traced(r, rec->component) || traced(r, s->src))
      push_segment(r, rec->time, EV_RECV, rec->component, s);
    return;
  case NET_TRACE_LINK_DROP:
  case NET_TRACE_LINK_DUP:
  case NET_TRACE_LINK_HELD: {
    if (!traced(r, s->src) && !traced(r, s->dst))
      return;
    EventKind k = rec->kind == NET_TRACE_LINK_DROP ? EV_DROP
                  : rec->kind == NET_TRACE_LINK_DUP ? EV_DUP : EV_HELD;
    push_segment(r, rec->time, k, 0, s);
    Event *ev = &g_array_index(r->events, Event, r->events->len - 1);
    if (!r->truncated) {
      ev->a = (uint8_t)rec->arg[0];
      ev->held = rec->kind == NET_TRACE_LINK_HELD ? rec->arg[0] : 0;
    }
    return;
  }
  case TCP_TRACE_STATE:
  case TCP_TRACE_TIMER: {
    const TcpConn *c = rec->subject;
    NetAddr remote = tcp_remote_addr(c);
    if (!traced(r, rec->component) && !traced(r, remote))
      return;
    Event *ev = push(r, rec->time, rec->kind == TCP_TRACE_STATE ? EV_STATE : EV_TIMER);
    if (ev == NULL)
      return;
    ev->conn = (uint64_t)rec->arg[0];
    ev->host = ev->src = rec->component;
    ev->sport = tcp_local_port(c);
    ev->dst = remote;
    ev->dport = tcp_remote_port(c);
    ev->a = (uint8_t)rec->arg[1];
    ev->b = (uint8_t)rec->arg[2];
    return;
  }
  default:
    return;
  }
}

/* ---- the state sampler -------------------------------------------------------------- */

/* The sample at grid time g is the counts once everything at times <= g has happened.
 * The counts only change through the census hook, so before a change at time t every
 * grid time before t gets the counts as they are: no events of its own, and the run's
 * clock and metrics are the same with sampling as without. */
static void
samples_until(ExpRecord *r, const Net *net, SimTime t, gboolean inclusive)
{
  while (r->next_sample < t || (inclusive && r->next_sample == t)) {
    StateRow row = { .time = r->next_sample };
    memcpy(row.n, net->tcp.in_state, sizeof row.n);
    g_array_append_val(r->states, row);
    r->next_sample += r->every;
  }
}

static void
census(void *ctx, const Net *net)
{
  samples_until(ctx, net, net_now(net), FALSE);
}

/* ---- the record --------------------------------------------------------------------- */

ExpRecord *
exp_record_new(const SimConfig *cfg, uint64_t replication)
{
  g_return_val_if_fail(cfg != NULL, NULL);
  gboolean tracing = sim_config_get_bool(cfg, "trace", "enabled") &&
                     replication < (uint64_t)sim_config_get_int(cfg, "trace", "replications");
  SimTime every = sim_config_get_duration(cfg, "metrics", "states_every");
  int64_t samples = sim_config_get_int(cfg, "metrics", "samples");
  if (!tracing && every <= 0 && samples <= 0)
    return NULL;
  ExpRecord *r = g_new0(ExpRecord, 1);
  sim_log_init(&r->log);
  if (tracing) {
    r->tracing = TRUE;
    r->ranges = g_array_new(FALSE, FALSE, sizeof(AddrRange));
    Role roles[3];
    roles_of(cfg, roles);
    g_autofree char *why = NULL;
    /* checked when the experiment loaded (exp_record_check) */
    if (!hosts_parse(sim_config_get_string(cfg, "trace", "hosts"), roles, r->ranges, &why))
      g_warn_if_reached();
    r->start = sim_config_get_duration(cfg, "trace", "start");
    r->end = sim_config_has(cfg, "trace", "end") ? sim_config_get_duration(cfg, "trace", "end")
                                                 : SIM_TIME_MAX;
    r->max_events = (guint)sim_config_get_int(cfg, "trace", "max_events");
    r->events = g_array_new(FALSE, FALSE, sizeof(Event));
    sim_log_set_trace(&r->log, on_trace, r);
  }
  if (every > 0) {
    r->every = every;
    r->states = g_array_new(FALSE, FALSE, sizeof(StateRow));
  }
  if (samples > 0) {
    r->samples.max = (guint)samples;
    r->samples.connect = g_array_new(FALSE, FALSE, sizeof(double));
    r->samples.completion = g_array_new(FALSE, FALSE, sizeof(double));
  }
  return r;
}

void
exp_record_free(ExpRecord *r)
{
  if (r == NULL)
    return;
  if (r->ranges)
    g_array_free(r->ranges, TRUE);
  if (r->events)
    g_array_free(r->events, TRUE);
  if (r->states)
    g_array_free(r->states, TRUE);
  if (r->samples.connect)
    g_array_free(r->samples.connect, TRUE);
  if (r->samples.completion)
    g_array_free(r->samples.completion, TRUE);
  g_free(r);
}

SimLog *
exp_record_log(ExpRecord *r)
{
  return r != NULL && r->tracing ? &r->log : NULL;
}

AppTimeSamples *
exp_record_samples(ExpRecord *r)
{
  return r != NULL && r->samples.max > 0 ? &r->samples : NULL;
}

void
exp_record_start(ExpRecord *r, Net *net)
{
  if (r == NULL || r->every <= 0)
    return;
  r->net = net;
  r->next_sample = net_now(net);
  net->census = census;
  net->census_ctx = r;
}

void
exp_record_finish(ExpRecord *r)
{
  if (r == NULL || r->net == NULL)
    return;
  samples_until(r, r->net, net_now(r->net), TRUE);
  r->net->census = NULL;
  r->net = NULL;
}

gboolean exp_record_has_trace(const ExpRecord *r) { return r != NULL && r->tracing; }
gboolean exp_record_has_states(const ExpRecord *r) { return r != NULL && r->states != NULL; }
gboolean exp_record_has_samples(const ExpRecord *r) { return r != NULL && r->samples.max > 0; }

guint
exp_record_trace_len(const ExpRecord *r)
{
  return exp_record_has_trace(r) ? r->events->len - (r->truncated ? 1u : 0u) : 0;
}

/* ---- output ------------------------------------------------------------------------- */

const char exp_record_trace_header[] =
  "variant,point,replication,time,host,event,conn,src,sport,dst,dport,flags,seq,ack,len,wnd,"
  "detail\n";
const char exp_record_states_header[] =
  "variant,point,replication,time,CLOSED,LISTEN,SYN-SENT,SYN-RECEIVED,ESTABLISHED,FIN-WAIT-1,"
  "FIN-WAIT-2,CLOSE-WAIT,CLOSING,LAST-ACK,TIME-WAIT\n";
const char exp_record_samples_header[] = "variant,point,replication,sample,value\n";

static void
append_addr(GString *out, NetAddr a)
{
  g_string_append_printf(out, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
                         a & 0xff);
}

static void
append_time(GString *out, SimTime t)
{
  g_string_append_printf(out, "%" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT, t / SIM_S, t % SIM_S);
}

static void
append_event(GString *out, const Event *ev)
{
  append_time(out, ev->time);
  g_string_append_c(out, ',');
  if (ev->host != 0)
    append_addr(out, ev->host);
  g_string_append_printf(out, ",%s,%" G_GUINT64_FORMAT ",", event_names[ev->kind], ev->conn);
  if (ev->kind == EV_TRUNCATED) {
    g_string_append(out, ",,,,,,,,,\n");
    return;
  }
  append_addr(out, ev->src);
  g_string_append_printf(out, ",%u,", ev->sport);
  append_addr(out, ev->dst);
  g_string_append_printf(out, ",%u,", ev->dport);
  if (ev->kind == EV_STATE) {
    g_string_append_printf(out, ",,,,,%s->%s\n", tcp_state_name(ev->a), tcp_state_name(ev->b));
    return;
  }
  if (ev->kind == EV_TIMER) {
    g_string_append_printf(out, ",,,,,%s\n", tcp_timer_name(ev->a));
    return;
  }
  char fl[8];
  g_string_append_printf(out, "%s,%u,%u,%u,%u,", seg_flags_str(ev->flags, fl), ev->seq, ev->ack,
                         ev->len, ev->wnd);
  switch (ev->kind) {
  case EV_DROP: {
    static const char *const reasons[] = { "lost", "queue", "expired" };
    g_string_append(out, ev->a < G_N_ELEMENTS(reasons) ? reasons[ev->a] : "?");
    break;
  }
  case EV_HELD:
    append_time(out, ev->held);
    break;
  case EV_SEND:
  case EV_RECV: {
    const char *sep = "";
    if (ev->mss) {
      g_string_append_printf(out, "mss=%u", ev->mss);
      sep = " ";
    }
    if (ev->wscale) {
      g_string_append_printf(out, "%sws=%d", sep, (int)ev->wscale - 1);
      sep = " ";
    }
    if (ev->kind == EV_RECV && ev->dup)
      g_string_append_printf(out, "%sdup", sep);
    break;
  }
  default:
    break;
  }
  g_string_append_c(out, '\n');
}

static void
append_run(GString *out, const char *variant, uint64_t point, uint64_t replication)
{
  g_string_append_printf(out, "%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",", variant, point,
                         replication);
}

void
exp_record_trace_csv(const ExpRecord *r, const char *variant, uint64_t point,
                     uint64_t replication,
                     GString *out)
{
  if (!exp_record_has_trace(r))
    return;
  for (guint i = 0; i < r->events->len; i++) {
    append_run(out, variant, point, replication);
    append_event(out, &g_array_index(r->events, Event, i));
  }
}

void
exp_record_states_csv(const ExpRecord *r, const char *variant, uint64_t point,
                     uint64_t replication,
                      GString *out)
{
  if (!exp_record_has_states(r))
    return;
  for (guint i = 0; i < r->states->len; i++) {
    const StateRow *row = &g_array_index(r->states, StateRow, i);
    append_run(out, variant, point, replication);
    append_time(out, row->time);
    for (int s = 0; s < NET_TCP_NSTATES; s++)
      g_string_append_printf(out, ",%" G_GUINT64_FORMAT, row->n[s]);
    g_string_append_c(out, '\n');
  }
}

void
exp_record_samples_csv(const ExpRecord *r, const char *variant, uint64_t point,
                     uint64_t replication,
                       GString *out)
{
  if (!exp_record_has_samples(r))
    return;
  const GArray *kinds[2] = { r->samples.connect, r->samples.completion };
  const char *names[2] = { "connect_time", "completion_time" };
  for (int k = 0; k < 2; k++)
    for (guint i = 0; i < kinds[k]->len; i++) {
      append_run(out, variant, point, replication);
      g_string_append_printf(out, "%s,%.9f\n", names[k], g_array_index(kinds[k], double, i));
    }
}

gboolean
exp_record_pcap(const ExpRecord *r, const char *path, GError **error)
{
  g_return_val_if_fail(exp_record_has_trace(r), FALSE);
  ExpPcap *p = exp_pcap_open(path, error);
  if (p == NULL)
    return FALSE;
  for (guint i = 0; i < r->events->len; i++) {
    const Event *ev = &g_array_index(r->events, Event, i);
    gboolean seen = (ev->kind == EV_SEND && traced(r, ev->host)) ||
                    (ev->kind == EV_RECV && traced(r, ev->host) && !traced(r, ev->src));
    if (!seen)
      continue;
    Segment s = {
      .src = ev->src, .dst = ev->dst, .sport = ev->sport, .dport = ev->dport,
      .seq = ev->seq, .ack = ev->ack, .wnd = ev->wnd, .len = ev->len, .mss = ev->mss,
      .flags = ev->flags, .wscale = ev->wscale,
    };
    exp_pcap_add(p, ev->time, &s);
  }
  return exp_pcap_close(p, error);
}
