/* pd_run: a packetdrill script against one simulated host (see pd_run.h). The runner
 * steps the scheduler one event at a time so that a blocking call completes at the
 * instant the model makes it possible, and reads outbound segments from the host's
 * default route, which leads to a queue here. */
#include "pd_run.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "host.h"
#include "net.h"
#include "segment.h"
#include "sim_error.h"
#include "sim_sched.h"
#include "tcp.h"

#define LOCAL_ADDR 0xc0a80001u   /* 192.168.0.1: the tested host */
#define PEER_ADDR 0xc0000201u    /* 192.0.2.1: the script's peer */
#define LOCAL_PORT 8080          /* packetdrill's bind() port */
#define PEER_PORT 40123
/* The peer's ISN sits 1000 below the wrap, so that relative arithmetic that forgets
 * modulo 2^32 fails at once. */
#define PEER_ISN 0xfffffc18u
#define FIRST_FD 3
#define MAX_FDS 64
#define DEFAULT_TOLERANCE (4 * SIM_MS)
#define DEFAULT_PEER_MSS 536      /* RFC 9293 §3.7.1: no MSS option */

typedef enum {
  SOCK_FREE,
  SOCK_NEW,        /* socket() done, nothing else */
  SOCK_LISTENER,
  SOCK_CONN,
} SockKind;

typedef struct {
  SockKind kind;
  TcpConn *conn;
  gboolean nonblock;
  uint16_t port;               /* bound port */
  SimTime user_timeout;        /* set before the connection exists */
} Sock;

typedef struct {
  Segment *seg;
  SimTime at;
} Captured;

/* A system call that blocked: it completes when the model lets it. */
typedef struct {
  gboolean active;
  guint event;
  SimTime end;                 /* when the script says it returns */
} Pending;

typedef struct {
  const PdScript *script;
  SimSched *sched;
  Net *net;
  TcpConfig cfg;
  Host *host;
  GQueue out;
  Sock socks[MAX_FDS];
  int flow_fd;                 /* the socket whose connection the packets are for */
  uint16_t flow_lport, flow_rport;   /* the ports of the script's packets, seen from
                                      * the host */
  uint32_t local_isn;
  gboolean local_wscale_sent;
  int peer_wscale;
  uint32_t peer_mss;
  SimTime tolerance;
  SimTime prev_time;
  Pending pending;
  char *deferred;              /* a blocking call's mismatch, told at the next call */
  char *failure;
  guint fail_event;
  GError *error;
} Runner;

/* ---- reporting ------------------------------------------------------------------- */

static gboolean G_GNUC_PRINTF(3, 4)
fail(Runner *r, guint i, const char *fmt, ...)
{
  if (r->failure || r->error)
    return FALSE;
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  r->failure = g_strdup_printf("%s:%d: %s", r->script->path, r->script->events[i].line, msg);
  r->fail_event = i;
  return FALSE;
}

static gboolean G_GNUC_PRINTF(4, 5)
invalid(Runner *r, int line, SimErrorCode code, const char *fmt, ...)
{
  if (r->error)
    return FALSE;
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(&r->error, SIM_ERROR, code, "%s:%d: %s", r->script->path, line, msg);
  return FALSE;
}

static char *
secs(SimTime t, char buf[32])
{
  g_snprintf(buf, 32, "%.6f", (double)t / SIM_S);
  return buf;
}

/* ---- configuration: profile, sysctls, options --------------------------------------- */

static gboolean
parse_uint(const char *text, uint64_t max, uint64_t *out)
{
  char *end;
  if (!g_ascii_isdigit(text[0]))
    return FALSE;
  guint64 v = g_ascii_strtoull(text, &end, 0);
  if (*end != '\0' || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

typedef enum { SYS_INT, SYS_BOOL, SYS_SECS, SYS_MS, SYS_US, SYS_IGNORED } SysKind;

/* The sysctls a script may set, and the TcpConfig knob each one is. The ignored ones
 * govern TCP options the model does not send (their fields are masked when checked) or
 * Fast Open, which the runner refuses at the setsockopt that would enable it. */
static const struct {
  const char *name;
  SysKind kind;
  size_t offset;
  int64_t min, max;
} sysctls[] = {
  { "tcp_syn_retries", SYS_INT, offsetof(TcpConfig, syn_retries), 1, 127 },
  { "tcp_synack_retries", SYS_INT, offsetof(TcpConfig, synack_retries), 0, 255 },
  { "tcp_retries2", SYS_INT, offsetof(TcpConfig, data_retries), 0, 255 },
  { "tcp_orphan_retries", SYS_INT, offsetof(TcpConfig, fin_retries), 0, 255 },
  { "tcp_syn_linear_timeouts", SYS_INT, offsetof(TcpConfig, syn_linear_timeouts), 0, 255 },
  { "tcp_fin_timeout", SYS_SECS, offsetof(TcpConfig, fin_wait_2_timeout), 0, 1000000 },
  { "tcp_rto_max_ms", SYS_MS, offsetof(TcpConfig, rto_max), 1000, 120000 },
  { "tcp_rto_min_us", SYS_US, offsetof(TcpConfig, rto_min), 1, 2000000000 },
  { "tcp_tw_reuse", SYS_BOOL, offsetof(TcpConfig, tw_reuse), 0, 2 },
  { "tcp_window_scaling", SYS_BOOL, offsetof(TcpConfig, window_scaling), 0, 1 },
  { "tcp_early_retrans", SYS_INT, offsetof(TcpConfig, tlp), 0, 4 },
  { "tcp_timestamps", SYS_IGNORED, 0, 0, 2 },
  { "tcp_sack", SYS_IGNORED, 0, 0, 1 },
  { "tcp_dsack", SYS_IGNORED, 0, 0, 1 },
  { "tcp_fastopen", SYS_IGNORED, 0, 0, 0xfffff },
};

static gboolean
apply_sysctl(Runner *r, int line, const char *assignment)
{
  g_auto(GStrv) kv = g_strsplit(assignment, "=", 2);
  if (kv[0] == NULL || kv[1] == NULL)
    return invalid(r, line, SIM_ERROR_SYNTAX, "expected NAME=VALUE in sysctl '%s'", assignment);
  const char *name = strrchr(kv[0], '/') ? strrchr(kv[0], '/') + 1 : kv[0];
  if (strrchr(name, '.'))
    name = strrchr(name, '.') + 1;
  for (size_t i = 0; i < G_N_ELEMENTS(sysctls); i++) {
    if (strcmp(sysctls[i].name, name) != 0)
      continue;
    uint64_t v;
    if (!parse_uint(kv[1], (uint64_t)sysctls[i].max, &v) || (int64_t)v < sysctls[i].min)
      return invalid(r, line, SIM_ERROR_RANGE, "sysctl %s: expected an integer in [%" G_GINT64_FORMAT
                     ", %" G_GINT64_FORMAT "], found '%s'", name, sysctls[i].min,
                     sysctls[i].max, kv[1]);
    void *field = (char *)&r->cfg + sysctls[i].offset;
    switch (sysctls[i].kind) {
    case SYS_INT:
      if (strcmp(name, "tcp_early_retrans") == 0)
        r->cfg.tlp = v >= 3;               /* Linux: 3 and 4 enable the loss probe */
      else if (strcmp(name, "tcp_orphan_retries") == 0)
        r->cfg.fin_retries = v == 0 ? 8 : (int)v;   /* Linux: 0 means 8 */
      else
        *(int *)field = (int)v;
      break;
    case SYS_BOOL:
      *(gboolean *)field = v != 0;
      break;
    case SYS_SECS:
      *(SimTime *)field = (SimTime)v * SIM_S;
      break;
    case SYS_MS:
      *(SimTime *)field = (SimTime)v * SIM_MS;
      break;
    case SYS_US:
      *(SimTime *)field = (SimTime)v * SIM_US;
      break;
    case SYS_IGNORED:
      break;
    }
    return TRUE;
  }
  return invalid(r, line, SIM_ERROR_UNKNOWN_KEY, "sysctl %s is not modelled", name);
}

static gboolean
ends_with_word(const char *s, const char *suffix)
{
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && strcmp(s + ls - lx, suffix) == 0 && (ls == lx || s[ls - lx - 1] == '/');
}

/* One command of a backtick block. Only the profile script, sysctl settings and the
 * restore script that undoes them are understood. */
static gboolean
apply_shell_command(Runner *r, int line, const char *command, gboolean before_events)
{
  g_auto(GStrv) argv = g_strsplit_set(command, " \t", -1);
  GPtrArray *words = g_ptr_array_new();
  for (char **w = argv; *w; w++)
    if (**w)
      g_ptr_array_add(words, *w);
  gboolean ok = TRUE;
  const char *prog = words->len ? words->pdata[0] : "";
  if (g_str_has_prefix(prog, "/tmp/sysctl_restore_") && words->len == 1) {
    /* undoes the script's sysctls on a real machine; nothing to undo here */
  } else if (!before_events) {
    ok = invalid(r, line, SIM_ERROR_INVALID,
                 "shell command '%s' after the first event: configuration must come first",
                 command);
  } else if (ends_with_word(prog, "defaults.sh") && words->len == 1) {
    /* the Linux profile the public scripts assume (gtests/net/common/defaults.sh) */
    tcp_config_preset(&r->cfg, TCP_PRESET_LINUX);
    r->cfg.isn = TCP_ISN_RANDOM;
    r->cfg.syn_retries = 5;
    r->cfg.synack_retries = 5;
  } else if (ends_with_word(prog, "set_sysctls.py") && words->len >= 2) {
    for (guint i = 1; ok && i < words->len; i++)
      ok = apply_sysctl(r, line, words->pdata[i]);
  } else if (strcmp(prog, "sysctl") == 0 && words->len >= 2) {
    for (guint i = 1; ok && i < words->len; i++)
      if (((char *)words->pdata[i])[0] != '-')
        ok = apply_sysctl(r, line, words->pdata[i]);
  } else {
    ok = invalid(r, line, SIM_ERROR_UNKNOWN_KEY, "shell command '%s' is not understood "
                 "(only defaults.sh, set_sysctls.py, sysctl and the restore script are)",
                 command);
  }
  g_ptr_array_free(words, TRUE);
  return ok;
}

static gboolean
configure(Runner *r)
{
  const PdScript *s = r->script;
  tcp_config_preset(&r->cfg, TCP_PRESET_LINUX);
  r->cfg.isn = TCP_ISN_RANDOM;
  r->tolerance = DEFAULT_TOLERANCE;
  r->peer_mss = DEFAULT_PEER_MSS;
  for (guint i = 0; i < s->noptions; i++) {
    const PdOption *o = &s->options[i];
    uint64_t v;
    if (strcmp(o->name, "tolerance_usecs") == 0) {
      if (!parse_uint(o->value, 1000000000, &v))
        return invalid(r, o->line, SIM_ERROR_RANGE,
                       "--tolerance_usecs: expected microseconds, found '%s'", o->value);
      r->tolerance = (SimTime)v * SIM_US;
    } else if (strcmp(o->name, "mss") == 0) {
      if (!parse_uint(o->value, 65535, &v) || v == 0)
        return invalid(r, o->line, SIM_ERROR_RANGE, "--mss: expected 1 to 65535, found '%s'",
                       o->value);
      r->peer_mss = (uint32_t)v;
    } else if (strcmp(o->name, "tcp_ts_tick_usecs") != 0 && strcmp(o->name, "local_ip") != 0 &&
               strcmp(o->name, "remote_ip") != 0) {
      /* the timestamp clock is not modelled (TS values are masked); addresses are the
       * runner's own */
      return invalid(r, o->line, SIM_ERROR_UNKNOWN_KEY, "option --%s is not supported", o->name);
    }
  }
  for (guint i = 0; i < s->nshells; i++)
    for (char **c = s->shells[i].commands; *c; c++)
      if (!apply_shell_command(r, s->shells[i].line, *c, s->shells[i].before_event == 0))
        return FALSE;
  GError *err = NULL;
  if (!tcp_config_validate(&r->cfg, &err)) {
    invalid(r, 1, SIM_ERROR_RANGE, "%s", err->message);
    g_error_free(err);
    return FALSE;
  }
  return TRUE;
}

/* ---- the simulated host ------------------------------------------------------------ */

static void
capture(void *ctx, Segment *seg)
{
  Runner *r = ctx;
  if (seg->flags & TCP_SYN) {
    r->local_isn = seg->seq;            /* as packetdrill: learnt from our SYN */
    r->local_wscale_sent = seg_wscale(seg) >= 0;
  }
  Captured *c = g_new(Captured, 1);
  c->seg = seg;
  c->at = sim_sched_now(r->sched);
  g_queue_push_tail(&r->out, c);
}

static void
drop_captured(Runner *r)
{
  Captured *c;
  while ((c = g_queue_pop_head(&r->out))) {
    seg_free(&r->net->segs, c->seg);
    g_free(c);
  }
}

static void
world_new(Runner *r, SimLog *log)
{
  r->sched = sim_sched_new();
  SimRngStreamId id = { 1, 0, 0, 0 };
  r->net = net_new(r->sched, log, &id);
  r->host = host_new(r->net, LOCAL_ADDR, &r->cfg, 1);
  host_set_default_route(r->host, (NetRx){ capture, r });
  g_queue_init(&r->out);
  r->flow_fd = -1;
  r->flow_lport = LOCAL_PORT;
  r->flow_rport = PEER_PORT;
  r->peer_wscale = -1;
}

static void
world_free(Runner *r)
{
  if (r->host) {
    /* let go of what the script still holds, then of everything */
    for (int fd = 0; fd < MAX_FDS; fd++)
      if (r->socks[fd].conn)
        tcp_abort(r->socks[fd].conn);
    host_free(r->host);
  }
  drop_captured(r);
  net_free(r->net);
  sim_sched_free(r->sched);
}

/* ---- system calls ------------------------------------------------------------------ */

typedef struct {
  int64_t ret;
  const char *err;     /* errno name, NULL on success */
  gboolean blocked;    /* the call waits (blocking socket) */
} CallOut;

static Sock *
sock_of(Runner *r, int64_t fd)
{
  if (fd < 0 || fd >= MAX_FDS || r->socks[fd].kind == SOCK_FREE)
    return NULL;
  return &r->socks[fd];
}

static int
sock_alloc(Runner *r)
{
  for (int fd = FIRST_FD; fd < MAX_FDS; fd++)
    if (r->socks[fd].kind == SOCK_FREE) {
      memset(&r->socks[fd], 0, sizeof r->socks[fd]);
      r->socks[fd].kind = SOCK_NEW;
      return fd;
    }
  return -1;
}

static gboolean
arg_is(const PdArg *a, PdArgKind kind)
{
  return a->kind == kind;
}

static gboolean
arg_has_name(const PdArg *a, const char *name)
{
  if (a->kind != PD_ARG_NAMES)
    return FALSE;
  for (char **n = a->names; *n; n++)
    if (strcmp(*n, name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
want_args(Runner *r, const PdEvent *ev, guint lo, guint hi)
{
  if (ev->call.nargs < lo || ev->call.nargs > hi)
    return invalid(r, ev->line, SIM_ERROR_SYNTAX, "%s() takes %u to %u arguments, found %u",
                   ev->call.name, lo, hi, ev->call.nargs);
  return TRUE;
}

/* The file descriptor argument: an integer, else the script is not understood. */
static gboolean
fd_arg(Runner *r, const PdEvent *ev, int64_t *fd)
{
  if (ev->call.nargs == 0 || !arg_is(&ev->call.args[0], PD_ARG_INT))
    return invalid(r, ev->line, SIM_ERROR_SYNTAX, "%s(): expected a file descriptor first",
                   ev->call.name);
  *fd = ev->call.args[0].value;
  return TRUE;
}

static void
set_flow(Runner *r, int fd)
{
  r->flow_fd = fd;
  r->flow_lport = tcp_local_port(r->socks[fd].conn);
  r->flow_rport = tcp_remote_port(r->socks[fd].conn);
}

/* Tries @ev's blocking part again (accept, connect, read): the outcome, or blocked. */
static void
retry_call(Runner *r, const PdEvent *ev, Sock *s, CallOut *o)
{
  const char *name = ev->call.name;
  TcpErr e = TCP_OK;
  o->blocked = FALSE;
  o->err = NULL;
  if (strcmp(name, "accept") == 0) {
    TcpConn *c = s->kind == SOCK_LISTENER ? tcp_accept(s->conn, &e) : NULL;
    if (s->kind != SOCK_LISTENER) {
      o->ret = -1, o->err = "EINVAL";
    } else if (c == NULL) {
      o->blocked = !s->nonblock;
      o->ret = -1, o->err = "EAGAIN";
    } else {
      int fd = sock_alloc(r);
      if (fd < 0) {
        tcp_abort(c);
        o->ret = -1, o->err = "EMFILE";
        return;
      }
      r->socks[fd].kind = SOCK_CONN;
      r->socks[fd].conn = c;
      tcp_set_app(c, NULL, NULL);
      set_flow(r, fd);
      o->ret = fd;
    }
  } else if (strcmp(name, "connect") == 0) {
    TcpState st = tcp_state(s->conn);
    if (st == TCP_SYN_SENT || st == TCP_SYN_RECEIVED) {
      o->blocked = TRUE;
    } else if (st == TCP_CLOSED && tcp_error(s->conn) != TCP_OK) {
      o->ret = -1, o->err = tcp_err_name(tcp_error(s->conn));
    } else {
      o->ret = 0;
    }
  } else {   /* read, recv */
    uint32_t len = ev->call.args[2].kind == PD_ARG_INT ? (uint32_t)ev->call.args[2].value : 0;
    int64_t n = tcp_read(s->conn, len, &e);
    if (n < 0 && e == TCP_ERR_AGAIN && !s->nonblock) {
      o->blocked = TRUE;
    } else {
      o->ret = n;
      o->err = n < 0 ? tcp_err_name(e) : NULL;
    }
  }
}

static gboolean
do_setsockopt(Runner *r, const PdEvent *ev, Sock *s, CallOut *o)
{
  if (!want_args(r, ev, 5, 5))
    return FALSE;
  const PdArg *level = &ev->call.args[1], *opt = &ev->call.args[2], *val = &ev->call.args[3];
  if (arg_has_name(level, "SOL_SOCKET") && arg_has_name(opt, "SO_REUSEADDR")) {
    o->ret = 0;                                  /* ports are never held by old sockets */
  } else if ((arg_has_name(level, "SOL_TCP") || arg_has_name(level, "IPPROTO_TCP")) &&
             arg_has_name(opt, "TCP_NODELAY")) {
    o->ret = 0;                                  /* the model never delays a segment */
  } else if ((arg_has_name(level, "SOL_TCP") || arg_has_name(level, "IPPROTO_TCP")) &&
             arg_has_name(opt, "TCP_USER_TIMEOUT") && arg_is(val, PD_ARG_ARRAY)) {
    if (val->value < 0) {
      o->ret = -1, o->err = "EINVAL";
      return TRUE;
    }
    s->user_timeout = (SimTime)val->value * SIM_MS;
    if (s->conn && s->kind == SOCK_CONN)
      tcp_set_user_timeout(s->conn, s->user_timeout);
    o->ret = 0;
  } else {
    return invalid(r, ev->line, SIM_ERROR_UNKNOWN_KEY,
                   "setsockopt(): only SO_REUSEADDR, TCP_NODELAY and TCP_USER_TIMEOUT are "
                   "modelled");
  }
  return TRUE;
}

/* Runs @ev's system call at the current time. FALSE only when the script is not
 * understood (r->error set). */
static gboolean
start_call(Runner *r, const PdEvent *ev, CallOut *o)
{
  const PdSyscall *call = &ev->call;
  const char *name = call->name;
  int64_t fd = -1;
  Sock *s = NULL;
  TcpErr e = TCP_OK;
  memset(o, 0, sizeof *o);
  if (strcmp(name, "socket") == 0) {
    if (!want_args(r, ev, 3, 3))
      return FALSE;
    if (!arg_has_name(&call->args[1], "SOCK_STREAM"))
      return invalid(r, ev->line, SIM_ERROR_INVALID, "socket(): only SOCK_STREAM is modelled");
    int nfd = sock_alloc(r);
    if (nfd < 0) {
      o->ret = -1, o->err = "EMFILE";
      return TRUE;
    }
    r->socks[nfd].nonblock = arg_has_name(&call->args[1], "SOCK_NONBLOCK");
    o->ret = nfd;
    return TRUE;
  }
  if (!fd_arg(r, ev, &fd))
    return FALSE;
  s = sock_of(r, fd);
  if (s == NULL) {
    o->ret = -1, o->err = "EBADF";
    return TRUE;
  }
  if (strcmp(name, "setsockopt") == 0)
    return do_setsockopt(r, ev, s, o);
  if (strcmp(name, "bind") == 0) {
    if (!want_args(r, ev, 3, 3))
      return FALSE;
    s->port = LOCAL_PORT;
    o->ret = 0;
  } else if (strcmp(name, "listen") == 0) {
    if (!want_args(r, ev, 2, 2))
      return FALSE;
    if (s->kind != SOCK_NEW) {
      o->ret = -1, o->err = "EINVAL";
      return TRUE;
    }
    int backlog = arg_is(&call->args[1], PD_ARG_INT) ? (int)call->args[1].value : 1;
    uint16_t port = s->port ? s->port : LOCAL_PORT;
    s->conn = tcp_listen(r->host, port, backlog, NULL, NULL, &e);
    if (s->conn == NULL) {
      o->ret = -1, o->err = tcp_err_name(e);
      return TRUE;
    }
    s->kind = SOCK_LISTENER;
    r->flow_lport = port;
    r->flow_rport = PEER_PORT;
    o->ret = 0;
  } else if (strcmp(name, "accept") == 0) {
    if (!want_args(r, ev, 3, 3))
      return FALSE;
    retry_call(r, ev, s, o);
  } else if (strcmp(name, "connect") == 0) {
    if (!want_args(r, ev, 3, 3))
      return FALSE;
    if (s->kind != SOCK_NEW) {
      o->ret = -1, o->err = s->kind == SOCK_CONN ? "EISCONN" : "EINVAL";
      return TRUE;
    }
    s->conn = tcp_connect(r->host, PEER_ADDR, LOCAL_PORT, s->port, NULL, NULL, &e);
    if (s->conn == NULL) {
      o->ret = -1, o->err = tcp_err_name(e);
      return TRUE;
    }
    s->kind = SOCK_CONN;
    if (s->user_timeout > 0)
      tcp_set_user_timeout(s->conn, s->user_timeout);
    set_flow(r, (int)fd);
    if (s->nonblock) {
      o->ret = -1, o->err = "EINPROGRESS";
      return TRUE;
    }
    retry_call(r, ev, s, o);
  } else if (strcmp(name, "fcntl") == 0) {
    if (!want_args(r, ev, 2, 3))
      return FALSE;
    if (!arg_has_name(&call->args[1], "F_SETFL") || call->nargs != 3)
      return invalid(r, ev->line, SIM_ERROR_INVALID, "fcntl(): only F_SETFL is modelled");
    s->nonblock = arg_has_name(&call->args[2], "O_NONBLOCK");
    o->ret = 0;
  } else if (strcmp(name, "write") == 0 || strcmp(name, "send") == 0) {
    if (!want_args(r, ev, 3, 4))
      return FALSE;
    if (!arg_is(&call->args[2], PD_ARG_INT) || call->args[2].value < 0 ||
        call->args[2].value > UINT32_MAX)
      return invalid(r, ev->line, SIM_ERROR_SYNTAX, "%s(): expected a byte count third", name);
    if (s->kind != SOCK_CONN) {
      o->ret = -1, o->err = s->kind == SOCK_LISTENER ? "ENOTCONN" : "EPIPE";
      return TRUE;
    }
    int64_t n = tcp_write(s->conn, (uint32_t)call->args[2].value, &e);
    o->ret = n;
    o->err = n < 0 ? tcp_err_name(e) : NULL;
  } else if (strcmp(name, "read") == 0 || strcmp(name, "recv") == 0) {
    if (!want_args(r, ev, 3, 4))
      return FALSE;
    if (!arg_is(&call->args[2], PD_ARG_INT) || call->args[2].value < 0 ||
        call->args[2].value > UINT32_MAX)
      return invalid(r, ev->line, SIM_ERROR_SYNTAX, "%s(): expected a byte count third", name);
    if (s->kind != SOCK_CONN) {
      o->ret = -1, o->err = "ENOTCONN";
      return TRUE;
    }
    retry_call(r, ev, s, o);
  } else if (strcmp(name, "shutdown") == 0) {
    if (!want_args(r, ev, 2, 2))
      return FALSE;
    gboolean rd = arg_has_name(&call->args[1], "SHUT_RD") ||
                  arg_has_name(&call->args[1], "SHUT_RDWR");
    gboolean wr = arg_has_name(&call->args[1], "SHUT_WR") ||
                  arg_has_name(&call->args[1], "SHUT_RDWR");
    if (!rd && !wr)
      return invalid(r, ev->line, SIM_ERROR_SYNTAX,
                     "shutdown(): expected SHUT_RD, SHUT_WR or SHUT_RDWR");
    if (s->kind != SOCK_CONN) {
      o->ret = -1, o->err = "ENOTCONN";
      return TRUE;
    }
    if (rd)
      tcp_shutdown_read(s->conn);
    if (wr)
      tcp_shutdown_write(s->conn);
    o->ret = 0;
  } else if (strcmp(name, "close") == 0) {
    if (!want_args(r, ev, 1, 1))
      return FALSE;
    if (s->conn)
      tcp_close(s->conn);
    memset(s, 0, sizeof *s);
    if (r->flow_fd == fd)
      r->flow_fd = -1;
    o->ret = 0;
  } else if (strcmp(name, "ioctl") == 0) {
    if (!want_args(r, ev, 3, 3))
      return FALSE;
    if (!(arg_has_name(&call->args[1], "SIOCINQ") || arg_has_name(&call->args[1], "FIONREAD")) ||
        !arg_is(&call->args[2], PD_ARG_ARRAY))
      return invalid(r, ev->line, SIM_ERROR_INVALID,
                     "ioctl(): only SIOCINQ / FIONREAD with [bytes] are modelled");
    if (s->kind != SOCK_CONN) {
      o->ret = -1, o->err = "EINVAL";
      return TRUE;
    }
    uint32_t inq = tcp_readable(s->conn);
    if (inq != call->args[2].value) {
      /* the bracketed value is what the call must write back */
      o->ret = -2 - (int64_t)inq;
      return TRUE;
    }
    o->ret = 0;
  } else {
    return invalid(r, ev->line, SIM_ERROR_UNKNOWN_KEY, "system call %s() is not modelled", name);
  }
  return TRUE;
}

/* The mismatch between what @ev expects and what came at @at, or NULL. */
static char *
judge_call(Runner *r, const PdEvent *ev, const CallOut *o, SimTime at, SimTime end)
{
  const PdSyscall *call = &ev->call;
  char a[32], b[32], c[32];
  if (o->ret <= -2 && strcmp(call->name, "ioctl") == 0)
    return g_strdup_printf("%s(): expected %" G_GINT64_FORMAT " bytes queued, found %" G_GINT64_FORMAT,
                           call->name, call->args[2].value, -2 - o->ret);
  if (o->ret != call->ret) {
    if (o->err)
      return g_strdup_printf("%s(): expected result %" G_GINT64_FORMAT " but got %" G_GINT64_FORMAT
                             " with errno %s", call->name, call->ret, o->ret, o->err);
    return g_strdup_printf("%s(): expected result %" G_GINT64_FORMAT " but got %" G_GINT64_FORMAT,
                           call->name, call->ret, o->ret);
  }
  if (call->err && (o->err == NULL || strcmp(call->err, o->err) != 0))
    return g_strdup_printf("%s(): expected errno %s but got %s", call->name, call->err,
                           o->err ? o->err : "none");
  if (at < end - r->tolerance || at > end + r->tolerance)
    return g_strdup_printf("timing error: expected system call return at %s sec but happened "
                           "at %s sec; tolerance %s sec", secs(end, a), secs(at, b),
                           secs(r->tolerance, c));
  return NULL;
}

/* A blocked call whose time has come completes; its verdict waits for the next call or
 * the end of the script, as packetdrill checks a blocking thread's result. */
static void
poll_pending(Runner *r)
{
  if (!r->pending.active)
    return;
  const PdEvent *ev = &r->script->events[r->pending.event];
  int64_t fd = ev->call.args[0].value;
  Sock *s = sock_of(r, fd);
  CallOut o = { 0 };
  retry_call(r, ev, s, &o);
  if (o.blocked)
    return;
  r->pending.active = FALSE;
  char *why = judge_call(r, ev, &o, sim_sched_now(r->sched), r->pending.end);
  if (why && r->deferred == NULL) {
    r->deferred = g_strdup_printf("%s:%d: %s", r->script->path, ev->line, why);
    r->fail_event = r->pending.event;
  }
  g_free(why);
}

static gboolean
take_deferred(Runner *r)
{
  if (r->deferred == NULL)
    return TRUE;
  if (r->failure == NULL) {
    r->failure = r->deferred;
    r->deferred = NULL;
  }
  return FALSE;
}

/* ---- time --------------------------------------------------------------------------- */

/* Runs the simulation through @t (SIM_TIME_NEVER: until nothing is left), one event at
 * a time, stopping as soon as @done (NULL: never) says what is awaited has happened;
 * returns whether it has. */
static gboolean
advance_until(Runner *r, SimTime t, gboolean (*done)(const Runner *r))
{
  for (;;) {
    poll_pending(r);
    if (done && done(r))
      return TRUE;
    SimTime next = sim_sched_next_time(r->sched);
    if (next == SIM_TIME_NEVER || next > t)
      break;
    sim_sched_step(r->sched);
  }
  if (t != SIM_TIME_NEVER && t > sim_sched_now(r->sched))
    sim_sched_run(r->sched, t);
  poll_pending(r);
  return done == NULL || done(r);
}

static void
advance_to(Runner *r, SimTime t)
{
  advance_until(r, t, NULL);
}

static gboolean
segment_sent(const Runner *r)
{
  return r->out.length > 0;
}

static gboolean
call_returned(const Runner *r)
{
  return !r->pending.active;
}

/* Lets the blocking call in progress, if any, return; it fails when it has not by the
 * end of its window. */
static gboolean
await_pending(Runner *r)
{
  if (!r->pending.active)
    return TRUE;
  SimTime by = r->pending.end + r->tolerance;
  if (advance_until(r, by, call_returned))
    return TRUE;
  char a[32];
  r->pending.active = FALSE;
  return fail(r, r->pending.event, "%s(): blocking call did not return by %s sec",
              r->script->events[r->pending.event].call.name, secs(by, a));
}

static void
event_window(const Runner *r, const PdEvent *ev, SimTime *start, SimTime *end)
{
  SimTime base = ev->time.kind == PD_TIME_RELATIVE ? r->prev_time : 0;
  if (ev->time.kind == PD_TIME_ANY) {
    *start = r->prev_time;
    *end = SIM_TIME_NEVER;
    return;
  }
  *start = base + ev->time.start;
  *end = (ev->time.blocking || ev->time.range) ? base + ev->time.end : *start;
}

/* ---- packets ------------------------------------------------------------------------ */

static void
inject(Runner *r, const PdPacket *p)
{
  Segment *s = seg_new(&r->net->segs);
  s->src = PEER_ADDR;
  s->dst = LOCAL_ADDR;
  s->sport = r->flow_rport;
  s->dport = r->flow_lport;
  s->flags = p->flags;
  s->seq = PEER_ISN + p->start;
  s->ack = p->has_ack ? r->local_isn + p->ack : 0;
  s->len = p->len;
  uint32_t win = p->has_win ? p->win : 65535;
  if (p->flags & TCP_SYN) {
    r->peer_wscale = p->opts.wscale;
    s->mss = (uint16_t)(p->opts.mss > 0 ? (uint32_t)p->opts.mss : r->peer_mss);
    seg_set_wscale(s, p->opts.wscale);
  } else if (r->peer_wscale >= 0 && r->local_wscale_sent) {
    win <<= MIN(r->peer_wscale, 14);         /* RFC 7323 §2.3 */
  }
  s->wnd = win;
  s->birth = sim_sched_now(r->sched);
  host_receive(r->host, s);
}

static void
describe(const Segment *s, uint32_t local_isn, char *buf, size_t n)
{
  char f[8];
  g_snprintf(buf, n, "%s %u:%u(%u) ack %u", seg_flags_str(s->flags, f), s->seq - local_isn,
             s->seq - local_isn + s->len, s->len, s->ack - PEER_ISN);
}

/* Waits for the next outbound segment (merging a burst sent at one instant when the
 * line expects more bytes) and checks it against @ev. */
static gboolean
expect_outbound(Runner *r, guint i, SimTime start, SimTime end, SimTime *came)
{
  const PdEvent *ev = &r->script->events[i];
  const PdPacket *p = &ev->packet;
  gboolean any = ev->time.kind == PD_TIME_ANY;
  SimTime lo = any ? 0 : start - r->tolerance;
  SimTime hi = any ? SIM_TIME_NEVER : end + r->tolerance;
  if (!advance_until(r, hi, segment_sent))
    return fail(r, i, "error handling packet: Timed out waiting for packet");
  Captured *c = g_queue_pop_head(&r->out);
  Segment *s = c->seg;
  SimTime at = c->at;
  g_free(c);
  while (s->len > 0 && s->len < p->len && !(s->flags & TCP_FIN) && !g_queue_is_empty(&r->out)) {
    Captured *n = g_queue_peek_head(&r->out);
    if (n->at != at || n->seg->seq != s->seq + s->len || n->seg->len == 0 ||
        (n->seg->flags & (TCP_SYN | TCP_RST)) || s->len + n->seg->len > p->len)
      break;
    g_queue_pop_head(&r->out);
    s->len += n->seg->len;
    s->flags |= n->seg->flags;
    s->ack = n->seg->ack;
    seg_free(&r->net->segs, n->seg);
    g_free(n);
  }
  char want[8], got[96], a[32], b[32], t[32];
  uint32_t seq = s->seq - r->local_isn, ack = s->ack - PEER_ISN;
  gboolean ok = FALSE;
  describe(s, r->local_isn, got, sizeof got);
  if (s->flags != p->flags)
    fail(r, i, "error handling packet: live packet flags: expected %s but got %s",
         seg_flags_str(p->flags, want), got);
  else if (seq != p->start)
    fail(r, i, "error handling packet: live packet field tcp_seq: expected: %u vs actual: %u (%s)",
         p->start, seq, got);
  else if (s->len != p->len)
    fail(r, i, "error handling packet: live packet payload: expected %u bytes vs actual %u bytes (%s)",
         p->len, s->len, got);
  else if (p->has_ack && ack != p->ack)
    fail(r, i, "error handling packet: live packet field tcp_ack_seq: expected: %u vs actual: %u (%s)",
         p->ack, ack, got);
  else if (at < lo || at > hi)
    fail(r, i, "error handling packet: timing error: expected outbound packet at %s sec but "
         "happened at %s sec; tolerance %s sec", secs(start, a), secs(at, b),
         secs(r->tolerance, t));
  else
    ok = TRUE;
  seg_free(&r->net->segs, s);
  *came = at;
  return ok;
}

/* ---- %{ }% : assertions on tcp_info --------------------------------------------------- */

/* Linux's TCP_* state numbers (include/net/tcp_states.h), as tcpi_state reports them. */
static int
linux_state(TcpState s)
{
  static const int map[TCP_NSTATES] = {
    [TCP_ESTABLISHED] = 1, [TCP_SYN_SENT] = 2, [TCP_SYN_RECEIVED] = 3, [TCP_FIN_WAIT_1] = 4,
    [TCP_FIN_WAIT_2] = 5, [TCP_TIME_WAIT] = 6, [TCP_CLOSED] = 7, [TCP_CLOSE_WAIT] = 8,
    [TCP_LAST_ACK] = 9, [TCP_LISTEN] = 10, [TCP_CLOSING] = 11,
  };
  return map[s];
}

static const struct {
  const char *name;
  int64_t value;
} py_names[] = {
  { "TCP_ESTABLISHED", 1 }, { "TCP_SYN_SENT", 2 }, { "TCP_SYN_RECV", 3 },
  { "TCP_FIN_WAIT1", 4 }, { "TCP_FIN_WAIT2", 5 }, { "TCP_TIME_WAIT", 6 },
  { "TCP_CLOSE", 7 }, { "TCP_CLOSE_WAIT", 8 }, { "TCP_LAST_ACK", 9 },
  { "TCP_LISTEN", 10 }, { "TCP_CLOSING", 11 },
  { "TCPI_OPT_TIMESTAMPS", 1 }, { "TCPI_OPT_SACK", 2 }, { "TCPI_OPT_WSCALE", 4 },
  { "TCPI_OPT_ECN", 8 }, { "TCPI_OPT_ECN_SEEN", 16 }, { "TCPI_OPT_SYN_DATA", 32 },
};

typedef struct {
  Runner *r;
  const char *p;
  int line;
  TcpConn *conn;
  gboolean bad;
} Py;

static void
py_space(Py *py)
{
  while (*py->p == ' ' || *py->p == '\t')
    py->p++;
}

static gboolean
py_bad(Py *py, const char *what)
{
  if (!py->bad)
    invalid(py->r, py->line, SIM_ERROR_SYNTAX, "%%{ }%%: %s at '%.20s'", what, py->p);
  py->bad = TRUE;
  return FALSE;
}

static int64_t py_expr(Py *py);

static int64_t
py_atom(Py *py)
{
  py_space(py);
  if (*py->p == '(') {
    py->p++;
    int64_t v = py_expr(py);
    py_space(py);
    if (*py->p != ')')
      return py_bad(py, "expected ')'");
    py->p++;
    return v;
  }
  if (g_ascii_isdigit(*py->p)) {
    char *end;
    int64_t v = g_ascii_strtoll(py->p, &end, 0);
    py->p = end;
    return v;
  }
  const char *s = py->p;
  while (g_ascii_isalnum(*py->p) || *py->p == '_')
    py->p++;
  size_t n = (size_t)(py->p - s);
  if (n == 0)
    return py_bad(py, "expected a name or a number");
  if (n == 10 && strncmp(s, "tcpi_state", n) == 0)
    return py->conn ? linux_state(tcp_state(py->conn)) : 0;
  if (n == 12 && strncmp(s, "tcpi_options", n) == 0)    /* no TS, SACK, ECN; no SYN data */
    return py->conn && tcp_wscale_ok(py->conn) ? 4 : 0;
  for (size_t i = 0; i < G_N_ELEMENTS(py_names); i++)
    if (strlen(py_names[i].name) == n && strncmp(py_names[i].name, s, n) == 0)
      return py_names[i].value;
  py->p = s;
  return py_bad(py, "unknown name");
}

/* atom (('&' | '|') atom)* (('==' | '!=') atom (('&' | '|') atom)*)? */
static int64_t
py_bits(Py *py)
{
  int64_t v = py_atom(py);
  for (;;) {
    py_space(py);
    if (*py->p == '&') {
      py->p++;
      v &= py_atom(py);
    } else if (*py->p == '|') {
      py->p++;
      v |= py_atom(py);
    } else {
      return v;
    }
  }
}

static int64_t
py_expr(Py *py)
{
  int64_t v = py_bits(py);
  py_space(py);
  if (strncmp(py->p, "==", 2) == 0) {
    py->p += 2;
    return v == py_bits(py);
  }
  if (strncmp(py->p, "!=", 2) == 0) {
    py->p += 2;
    return v != py_bits(py);
  }
  return v;
}

/* `assert EXPR[, message]` lines, evaluated on @conn, the flow's connection; with
 * @conn NULL only checked for form. */
static gboolean
eval_command(Runner *r, guint i, TcpConn *conn)
{
  const PdEvent *ev = &r->script->events[i];
  g_auto(GStrv) lines = g_strsplit(ev->command, "\n", -1);
  for (char **l = lines; *l; l++) {
    Py py = { r, g_strstrip(*l), ev->line, conn, FALSE };
    if (*py.p == '\0')
      continue;
    if (strncmp(py.p, "assert", 6) != 0 || !(py.p[6] == ' ' || py.p[6] == '('))
      return invalid(r, ev->line, SIM_ERROR_SYNTAX,
                     "%%{ }%%: only 'assert' on tcpi_state / tcpi_options is modelled");
    const char *text = py.p;
    py.p += 6;
    int64_t v = py_expr(&py);
    py_space(&py);
    if (!py.bad && *py.p != '\0' && *py.p != ',')
      py_bad(&py, "unexpected text");
    if (py.bad)
      return FALSE;
    if (conn && !v)
      return fail(r, i, "%%{ }%%: assertion failed: %s (tcpi_state %d, tcpi_options %d)", text,
                  linux_state(tcp_state(conn)), tcp_wscale_ok(conn) ? 4 : 0);
  }
  return TRUE;
}

static gboolean
run_command(Runner *r, guint i)
{
  Sock *s = r->flow_fd >= 0 ? sock_of(r, r->flow_fd) : NULL;
  if (s == NULL || s->conn == NULL)
    return fail(r, i, "%%{ }%%: no socket to read tcp_info from");
  return eval_command(r, i, s->conn);
}

/* Everything the script asks for must be understood before anything runs, so that a
 * mismatch early on cannot hide a line the runner would not know what to do with. */
static gboolean
check_understood(Runner *r)
{
  static const char *const calls[] = {
    "socket", "setsockopt", "bind", "listen", "accept", "connect", "fcntl", "write",
    "send", "read", "recv", "shutdown", "close", "ioctl",
  };
  const PdScript *s = r->script;
  for (guint i = 0; i < s->nevents; i++) {
    const PdEvent *ev = &s->events[i];
    if (ev->kind == PD_EVENT_COMMAND && !eval_command(r, i, NULL))
      return FALSE;
    if (ev->kind != PD_EVENT_SYSCALL)
      continue;
    size_t k = 0;
    while (k < G_N_ELEMENTS(calls) && strcmp(calls[k], ev->call.name) != 0)
      k++;
    if (k == G_N_ELEMENTS(calls))
      return invalid(r, ev->line, SIM_ERROR_UNKNOWN_KEY, "system call %s() is not modelled",
                     ev->call.name);
  }
  return TRUE;
}

/* ---- the script --------------------------------------------------------------------- */

static gboolean
run_call(Runner *r, guint i, SimTime end)
{
  const PdEvent *ev = &r->script->events[i];
  /* as packetdrill, a call waits for the blocking one before it to return */
  if (!await_pending(r) || !take_deferred(r))
    return FALSE;
  CallOut o;
  if (!start_call(r, ev, &o))
    return FALSE;
  if (o.blocked) {
    r->pending = (Pending){ TRUE, i, end };
    return TRUE;
  }
  g_autofree char *why = judge_call(r, ev, &o, sim_sched_now(r->sched), end);
  if (why)
    return fail(r, i, "%s", why);
  return TRUE;
}

static gboolean
run_events(Runner *r)
{
  const PdScript *s = r->script;
  for (guint i = 0; i < s->nevents; i++) {
    const PdEvent *ev = &s->events[i];
    SimTime start, end, came = 0;
    event_window(r, ev, &start, &end);
    gboolean ok;
    switch (ev->kind) {
    case PD_EVENT_PACKET:
      if (ev->packet.inbound) {
        advance_to(r, start);
        inject(r, &ev->packet);
        poll_pending(r);
        ok = TRUE;
      } else {
        ok = expect_outbound(r, i, start, end, &came);
        if (ok && (ev->time.kind == PD_TIME_ANY || ev->time.range))
          start = came;                 /* later relative times count from here */
      }
      break;
    case PD_EVENT_SYSCALL:
      advance_to(r, start);
      ok = run_call(r, i, end);
      break;
    case PD_EVENT_COMMAND:
    default:
      advance_to(r, start);
      ok = take_deferred(r) && run_command(r, i);
      break;
    }
    if (!ok)
      return FALSE;
    r->prev_time = start;
  }
  return await_pending(r) && take_deferred(r);
}

gboolean
pd_run(const PdScript *script, SimLog *log, PdResult *result, GError **error)
{
  g_return_val_if_fail(script != NULL && result != NULL, FALSE);
  memset(result, 0, sizeof *result);
  Runner *r = g_new0(Runner, 1);
  r->script = script;
  gboolean understood = configure(r) && check_understood(r);
  if (understood) {
    world_new(r, log);
    run_events(r);
    result->sim_end = sim_sched_now(r->sched);
    world_free(r);
    understood = r->error == NULL;
  }
  if (understood) {
    result->negative = script->expect_fail != NULL;
    if (result->negative) {
      result->passed = r->failure != NULL && r->fail_event == script->expect_fail_event &&
                       strstr(r->failure, script->expect_fail) != NULL;
      if (r->failure == NULL)
        result->failure = g_strdup_printf("%s: negative test ran to its end; expected to fail "
                                          "at line %d with \"%s\"", script->path,
                                          script->events[script->expect_fail_event].line,
                                          script->expect_fail);
      else if (!result->passed)
        result->failure = g_strdup_printf("%s (expected to fail at line %d with \"%s\")",
                                          r->failure,
                                          script->events[script->expect_fail_event].line,
                                          script->expect_fail);
      else
        result->failure = g_strdup(r->failure);
    } else {
      result->passed = r->failure == NULL;
      result->failure = g_strdup(r->failure);
    }
  } else {
    g_propagate_error(error, r->error);
    r->error = NULL;
  }
  g_free(r->failure);
  g_free(r->deferred);
  g_free(r);
  return understood;
}

void
pd_result_clear(PdResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer(&result->failure, g_free);
}
