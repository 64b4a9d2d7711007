/* exp_config: the experiment schema and its mapping onto the models' settings, declared
 * in exp_config.h. Each TCP knob is listed once (TCP_KEYS) and that list makes both the
 * schema entries and the code that reads them into a TcpConfig. */
#include "exp_config.h"

#include <string.h>
#include "exp_record.h"
#include "sim_error.h"

/* ---- the schema ------------------------------------------------------------------- */

#define MAX_HOSTS ((double)TOPO_MAX_HOSTS)
#define R SIM_KEY_HAS_RANGE

static const SimKeySpec experiment_keys[] = {
  { "experiment", "name", SIM_KEY_STRING, "", "name of the experiment in outputs (default: "
    "the file's name without .ini)", NULL, 0, 0, 0 },
  { "experiment", "description", SIM_KEY_STRING, "", "one line on what the experiment does",
    NULL, 0, 0, 0 },
  { "experiment", "hypothesis", SIM_KEY_STRING, "", "what the experiment expects to see, "
    "in words ([verdict] expect says it as a rule)", NULL, 0, 0, 0 },
  { "experiment", "duration", SIM_KEY_DURATION, "0s", "simulated time each run lasts; 0s: "
    "until nothing is left to happen (every connection closed, every timer expired)",
    NULL, 0, 0, 0 },
  { "experiment", "seed", SIM_KEY_INT, "1", "master seed: the same seed gives the same "
    "results", NULL, R, 0, 9007199254740992.0 },
  { "experiment", "replications", SIM_KEY_INT, "1", "independent runs of each variant "
    "(replication r of every variant draws the same random streams)", NULL, R, 1, 100000 },

  { "topology", "kind", SIM_KEY_ENUM, "pair", "pair: one client and one server; star: "
    "clients each with its own links to one server; dumbbell: clients and servers joined "
    "by one shared bottleneck", "pair|star|dumbbell", 0, 0, 0 },
  { "topology", "clients", SIM_KEY_INT, "1", "client hosts (a pair has 1)", NULL, R, 1,
    MAX_HOSTS },
  { "topology", "servers", SIM_KEY_INT, "1", "server hosts (more than 1 in a dumbbell "
    "only; client i talks to server i mod servers)", NULL, R, 1, MAX_HOSTS },
  { "topology", "attackers", SIM_KEY_INT, "0", "hosts running the [flooder] (wired as "
    "clients are)", NULL, R, 0, MAX_HOSTS },

  { "client", "conns", SIM_KEY_INT, "1", "connections each client opens", NULL, R, 1,
    4294967295.0 },
  { "client", "start", SIM_KEY_DURATION, "0s", "when the first client opens its first "
    "connection", NULL, 0, 0, 0 },
  { "client", "stagger", SIM_KEY_DURATION, "0s", "client i starts at start + i * stagger",
    NULL, 0, 0, 0 },
  { "client", "interarrival", SIM_KEY_DIST_DURATION, NULL, "time between a client's "
    "opens, e.g. exp(100ms); not set: each connection opens when the previous one is done",
    NULL, 0, 0, 0 },
  { "client", "request", SIM_KEY_SIZE, "100B", "bytes sent on each connection once it is "
    "open", NULL, R, 0, 4294967295.0 },
  { "client", "close", SIM_KEY_ENUM, "first", "first: the client closes after sending "
    "(it is the active closer, TIME-WAIT on its side); second: it closes after the "
    "server's FIN", "first|second", 0, 0, 0 },

  { "server", "port", SIM_KEY_INT, "80", "port the server listens on", NULL, R, 1, 65535 },
  { "server", "backlog", SIM_KEY_INT, "128", "accept queue length", NULL, R, 1, 1000000 },
  { "server", "request", SIM_KEY_SIZE, "0B", "bytes to read before replying (0B: reply "
    "at the client's FIN)", NULL, R, 0, 4294967295.0 },
  { "server", "response", SIM_KEY_SIZE, "0B", "bytes of the reply", NULL, R, 0,
    4294967295.0 },
  { "server", "service_time", SIM_KEY_DURATION, "0s", "work between the request and the "
    "reply (and the server's close)", NULL, 0, 0, 0 },
  { "server", "close", SIM_KEY_ENUM, "second", "first: the server closes once its reply "
    "is written; second: once the client's FIN has arrived too", "first|second", 0, 0, 0 },

  { "flooder", "target", SIM_KEY_INT, NULL, "server the attackers send to (0 is the "
    "first); needed when [topology] attackers > 0", NULL, R, 0, MAX_HOSTS },
  { "flooder", "port", SIM_KEY_INT, NULL, "port the SYNs go to; not set: [server] port",
    NULL, R, 1, 65535 },
  { "flooder", "count", SIM_KEY_INT, "1000", "SYNs each attacker sends", NULL, R, 1,
    4294967295.0 },
  { "flooder", "start", SIM_KEY_DURATION, "0s", "first SYN", NULL, 0, 0, 0 },
  { "flooder", "interval", SIM_KEY_DURATION, "1ms", "time between an attacker's SYNs",
    NULL, R, 1, 9.2e18 },
  { "flooder", "syn_payload", SIM_KEY_SIZE, "0B", "bytes of data on each SYN (C8)", NULL,
    R, 0, 65535 },
  { "flooder", "spoof_count", SIM_KEY_INT, "1000", "spoofed source addresses, used in "
    "turn", NULL, R, 1, 16777216 },

  { "metrics", "report", SIM_KEY_STRING, "all", "metrics written to runs.csv and "
    "summary.csv, comma-separated (synack keys metrics lists them), or all", NULL, 0, 0,
    0 },
  { "metrics", "states_every", SIM_KEY_DURATION, "0s", "sample the connections in each "
    "state this often into states.csv (0s: off)", NULL, 0, 0, 0 },
  { "metrics", "samples", SIM_KEY_INT, "0", "per-connection times kept per run and kind "
    "in samples.csv, for CDFs (0: none)", NULL, R, 0, 1e7 },

  { "trace", "enabled", SIM_KEY_BOOL, "false", "record per-connection events into "
    "trace.csv (synack run --trace; synack trace DIR draws them)", NULL, 0, 0, 0 },
  { "trace", "hosts", SIM_KEY_STRING, "client0", "hosts whose connections are traced, "
    "comma-separated: clientN, clientN-M, serverN, attackerN (ranges too), clients, "
    "servers, attackers, all", NULL, 0, 0, 0 },
  { "trace", "start", SIM_KEY_DURATION, "0s", "trace from this time on", NULL, 0, 0, 0 },
  { "trace", "end", SIM_KEY_DURATION, NULL, "trace until this time; not set: to the end",
    NULL, 0, 0, 0 },
  { "trace", "replications", SIM_KEY_INT, "1", "replications traced per variant (the "
    "first ones)", NULL, R, 1, 1e9 },
  { "trace", "max_events", SIM_KEY_INT, "100000", "events recorded per run at most; a "
    "'truncated' row marks the cut", NULL, R, 1, 1e9 },
  { "trace", "pcap", SIM_KEY_BOOL, "false", "also write the traced hosts' traffic as pcap "
    "files (synack run --pcap FILE)", NULL, 0, 0, 0 },

  { "verdict", "expect", SIM_KEY_STRING, NULL, "the hypothesis as a rule over mean "
    "metrics, e.g. two_way.wasted_connections > 0 and three_way.wasted_connections == 0",
    NULL, 0, 0, 0 },

  { "variant.*", SIM_KEY_ANY, SIM_KEY_STRING, NULL, "section.key = value: an override "
    "that makes this variant (tcp.handshake = 2)", NULL, 0, 0, 0 },

  { "sweep", SIM_KEY_ANY, SIM_KEY_STRING, NULL, "section.key = values: a setting swept "
    "over a list (0s, 30s, 60s), a range start:stop:step (0s:60s:15s, stop included) or "
    "log(from, to, count); the grid crosses the swept keys in file order, the first "
    "varying slowest, and every variant runs at every point (synack run --sweep adds or "
    "replaces one)", NULL, 0, 0, 0 },
  { "sweep", "zip", SIM_KEY_STRING, NULL, "swept keys that vary together (value i of each "
    "at once), comma-separated, groups separated by ';': tcp.time_wait, link.msl", NULL, 0,
    0, 0 },
  { "sweep", "where", SIM_KEY_STRING, NULL, "the points run are those where this holds, a "
    "rule as in [verdict] over section.key values (durations in s, sizes in bytes, rates "
    "in bit/s, booleans 0 or 1): tcp.time_wait <= 2 * link.msl", NULL, 0, 0, 0 },
};

/* Link keys, for [link] (with defaults) and the role sections (without: they fall back). */
#define LINK_KEYS(X)                                                                        \
  X(delay, SIM_KEY_DURATION, "5ms", "one-way propagation delay", NULL, 0, 0, 0)              \
  X(jitter, SIM_KEY_DIST_DURATION, NULL, "extra delay per segment, e.g. uniform(0ms,2ms); "  \
    "not set: none", NULL, 0, 0, 0)                                                          \
  X(reorder, SIM_KEY_BOOL, "false", "let jitter reorder segments", NULL, 0, 0, 0)           \
  X(loss_model, SIM_KEY_ENUM, "bernoulli", "bernoulli: each segment lost with probability "  \
    "loss; gilbert: two-state bursts (p_gb, p_bg, loss_good, loss_bad)",                     \
    "bernoulli|gilbert", 0, 0, 0)                                                            \
  X(loss, SIM_KEY_PROB, "0", "loss probability (bernoulli)", NULL, 0, 0, 0)                  \
  X(p_gb, SIM_KEY_PROB, "0", "gilbert: probability of going from good to bad per segment",  \
    NULL, 0, 0, 0)                                                                           \
  X(p_bg, SIM_KEY_PROB, "0", "gilbert: probability of going from bad to good per segment",  \
    NULL, 0, 0, 0)                                                                           \
  X(loss_good, SIM_KEY_PROB, "0", "gilbert: loss probability in the good state", NULL, 0,   \
    0, 0)                                                                                    \
  X(loss_bad, SIM_KEY_PROB, "1", "gilbert: loss probability in the bad state", NULL, 0, 0,  \
    0)                                                                                       \
  X(dup, SIM_KEY_PROB, "0", "probability that a segment arrives twice", NULL, 0, 0, 0)      \
  X(hold, SIM_KEY_PROB, "0", "probability that a segment is held back in the network (an " \
    "old duplicate, C6 and C16)", NULL, 0, 0, 0)                                             \
  X(hold_time, SIM_KEY_DIST_DURATION, NULL, "how long a held segment is held, e.g. "        \
    "uniform(1s,30s); needed when hold > 0", NULL, 0, 0, 0)                                  \
  X(rate, SIM_KEY_RATE, "10Mbps", "bandwidth; 0bps: no serialization delay", NULL, 0, 0, 0) \
  X(queue_bytes, SIM_KEY_SIZE, "0B", "drop-tail queue limit in bytes; 0B: unlimited", NULL, \
    0, 0, 0)                                                                                 \
  X(queue_packets, SIM_KEY_INT, "0", "drop-tail queue limit in segments; 0: unlimited",     \
    NULL, R, 0, 1e9)                                                                         \
  X(msl, SIM_KEY_DURATION, "0s", "network lifetime: a segment older than this is dropped "  \
    "on arrival; 0s: no limit", NULL, 0, 0, 0)

#define LINK_SPEC(sec, key, type, def, doc, choices, flags, lo, hi)                        \
  { sec, #key, type, def, doc, choices, flags, lo, hi },
#define LINK_BASE(key, type, def, doc, choices, flags, lo, hi)                             \
  LINK_SPEC("link", key, type, def, doc, choices, flags, lo, hi)
#define LINK_ROLE(key, type, def, doc, choices, flags, lo, hi)                             \
  LINK_SPEC("link.*", key, type, NULL, doc " (not set: the wider [link] section's)",       \
            choices, flags, lo, hi)
static const SimKeySpec link_keys[] = { LINK_KEYS(LINK_BASE) LINK_KEYS(LINK_ROLE) };

/* TCP knobs: key, schema type, how the TcpConfig field is stored, range, doc. */
#define TCP_KEYS(X)                                                                          \
  X(mss, SIM_KEY_INT, U32, 1, 65495, "payload bytes per segment")                           \
  X(rcv_wnd, SIM_KEY_SIZE, SIZE32, 1, 1073725440, "receive window advertised")                  \
  X(snd_buf, SIM_KEY_SIZE, SIZE32, 1, 4294967295.0, "most bytes a writer may queue")           \
  X(rto_initial, SIM_KEY_DURATION, DUR, 0, 0, "RTO before any RTT sample (RFC 6298: 1s)")   \
  X(rto_min, SIM_KEY_DURATION, DUR, 0, 0, "floor of the RTO (linux 200ms, rfc 1s)")         \
  X(rto_max, SIM_KEY_DURATION, DUR, 0, 0, "ceiling of the RTO with backoff")                \
  X(syn_retries, SIM_KEY_INT, INT, 0, 255, "SYN retransmissions before connect fails")      \
  X(syn_linear_timeouts, SIM_KEY_INT, INT, 0, 255, "SYN retransmissions after the first "   \
    "that keep the initial RTO")                                                             \
  X(synack_retries, SIM_KEY_INT, INT, 0, 255, "SYN,ACK retransmissions before a half-open " \
    "connection is dropped")                                                                 \
  X(data_retries, SIM_KEY_INT, INT, 0, 255, "data retransmissions before the connection is " \
    "aborted")                                                                               \
  X(fin_retries, SIM_KEY_INT, INT, 0, 255, "FIN retransmissions of a closed connection")    \
  X(connect_timeout, SIM_KEY_DURATION, DUR, 0, 0, "connect deadline; 0s: the SYN retries "  \
    "only")                                                                                  \
  X(time_wait, SIM_KEY_DURATION, DUR, 0, 0, "TIME-WAIT length (linux 60s, rfc 2 MSL); 0s: " \
    "none (C15-C17)")                                                                        \
  X(msl, SIM_KEY_DURATION, DUR, 0, 0, "maximum segment lifetime the model assumes")         \
  X(fin_wait_2_timeout, SIM_KEY_DURATION, DUR, 0, 0, "an orphaned FIN-WAIT-2 closes after " \
    "this; 0s: never")                                                                       \
  X(tw_reuse, SIM_KEY_BOOL, BOOL, 0, 0, "a connect may take a port whose connection is in " \
    "TIME-WAIT")                                                                             \
  X(tw_reuse_delay, SIM_KEY_DURATION, DUR, 0, 0, "... once it has been there this long")    \
  X(isn, SIM_KEY_ENUM, ISN, 0, 0, "initial sequence numbers: random, clock (RFC 793), "     \
    "rfc6528 or zero")                                                                       \
  X(port_lo, SIM_KEY_INT, U16, 1, 65535, "lowest ephemeral port")                           \
  X(port_hi, SIM_KEY_INT, U16, 1, 65535, "highest ephemeral port")                          \
  X(syn_backlog, SIM_KEY_INT, INT, 1, 1e9, "half-open connections per listener")            \
  X(window_scaling, SIM_KEY_BOOL, BOOL, 0, 0, "RFC 7323 window scale option")               \
  X(tlp, SIM_KEY_BOOL, BOOL, 0, 0, "tail loss probe (RFC 8985)")                             \
  X(ack_unsent_drop, SIM_KEY_BOOL, BOOL, 0, 0, "drop an ACK of unsent data silently "       \
    "(linux) instead of answering it")                                                       \
  X(handshake, SIM_KEY_INT, INT, 2, 4, "segments to open: 3; 2: the server is ESTABLISHED " \
    "on the SYN (C6); 4: ACK and SYN apart (C7)")                                            \
  X(close, SIM_KEY_INT, INT, 3, 4, "segments to close: 4; 3: the passive closer sends its " \
    "ACK with its FIN (C18, C19)")                                                           \
  X(syn_data, SIM_KEY_ENUM, SYNDATA, 0, 0, "data on a SYN: drop, buffer or accept (C8)")    \
  X(rst_in_time_wait, SIM_KEY_BOOL, BOOL, 0, 0, "a RST ends TIME-WAIT; false: ignored "     \
    "(RFC 1337)")                                                                            \
  X(tw_compact, SIM_KEY_BOOL, BOOL, 0, 0, "keep TIME-WAIT in a compact record (memory "     \
    "only)")

#define CHOICES_INT NULL
#define CHOICES_U32 NULL
#define CHOICES_SIZE32 NULL
#define CHOICES_U16 NULL
#define CHOICES_DUR NULL
#define CHOICES_BOOL NULL
#define CHOICES_ISN "random|clock|rfc6528|zero"
#define CHOICES_SYNDATA "drop|buffer|accept"
#define TCP_SPEC(sec, key, type, kind, lo, hi, doc)                                         \
  { sec, #key, type, NULL, doc " (not set: the preset's)", CHOICES_##kind,                   \
    (lo) < (hi) ? R : 0, lo, hi },
#define TCP_BASE(key, type, kind, lo, hi, doc) TCP_SPEC("tcp", key, type, kind, lo, hi, doc)
#define TCP_ROLE(key, type, kind, lo, hi, doc) TCP_SPEC("tcp.*", key, type, kind, lo, hi, doc)
static const SimKeySpec tcp_keys[] = {
  { "tcp", "preset", SIM_KEY_ENUM, "linux", "where the TCP settings start: linux (Linux "
    "defaults) or rfc (RFC values: RTO min 1s, TIME-WAIT 2 MSL)", "linux|rfc", 0, 0, 0 },
  TCP_KEYS(TCP_BASE) TCP_KEYS(TCP_ROLE)
};

/* Figures: [plot.NAME] makes figures/NAME.png and NAME.svg from the output folder
 * (exp_plot.h; what spans keys, such as a metric's name, is checked by exp_plot_check). */
static const SimKeySpec plot_keys[] = {
  { "plot.*", "kind", SIM_KEY_ENUM, NULL, "the figure: bars (mean and 95 % CI of metric y "
    "per variant), lines (y against the setting x, one line per value of group), cdf "
    "(distribution of y over runs, or over connections for a sample), states (connections "
    "per TCP state over time)", "bars|lines|cdf|states", SIM_KEY_REQUIRED, 0, 0 },
  { "plot.*", "y", SIM_KEY_STRING, NULL, "bars, lines, cdf: the metric drawn (synack keys "
    "metrics); cdf also a sample of samples.csv: connect_time or completion_time; states: "
    "the states drawn, comma-separated as in RFC 9293 (ESTABLISHED,TIME-WAIT; not set: "
    "every state ever occupied)", NULL, 0, 0, 0 },
  { "plot.*", "x", SIM_KEY_STRING, NULL, "lines: the numeric setting, as section.key, whose "
    "value in each variant and sweep point is its x coordinate (tcp.time_wait, "
    "link.access.up.hold); bars: the variants (and points), always", NULL, 0, 0, 0 },
  { "plot.*", "group", SIM_KEY_STRING, NULL, "lines: a setting, as section.key, whose value "
    "splits the variants and points into lines (tcp.handshake), or variant: one line per "
    "variant; not set: one line", NULL, 0, 0, 0 },
  { "plot.*", "variants", SIM_KEY_STRING, NULL, "the variants drawn, comma-separated, in "
    "that order; not set: all", NULL, 0, 0, 0 },
  { "plot.*", "title", SIM_KEY_STRING, NULL, "title; not set: the experiment, y and what "
    "is drawn", NULL, 0, 0, 0 },
  { "plot.*", "xlabel", SIM_KEY_STRING, NULL, "x axis label; not set: what x is and its "
    "unit (tcp.time_wait (s))", NULL, 0, 0, 0 },
  { "plot.*", "ylabel", SIM_KEY_STRING, NULL, "y axis label; not set: the metric and its "
    "unit (wasted_connections (count))", NULL, 0, 0, 0 },
  { "plot.*", "logx", SIM_KEY_BOOL, "false", "logarithmic x axis", NULL, 0, 0, 0 },
  { "plot.*", "logy", SIM_KEY_BOOL, "false", "logarithmic y axis", NULL, 0, 0, 0 },
  { "plot.*", "format", SIM_KEY_ENUM, "both", "images made: png, svg or both (synack plot "
    "--format overrides it)", "png|svg|both", 0, 0, 0 },
};

SimSchema *
exp_schema_new(void)
{
  SimSchema *schema = sim_schema_new();
  sim_schema_add(schema, experiment_keys, G_N_ELEMENTS(experiment_keys));
  sim_schema_add(schema, link_keys, G_N_ELEMENTS(link_keys));
  sim_schema_add(schema, tcp_keys, G_N_ELEMENTS(tcp_keys));
  sim_schema_add(schema, plot_keys, G_N_ELEMENTS(plot_keys));
  return schema;
}

/* ---- checks across keys --------------------------------------------------------- */

static const char *const link_sections[] = {
  "link.access", "link.bottleneck", "link.access.up", "link.access.down",
  "link.bottleneck.up", "link.bottleneck.down",
};
static const char *const tcp_sections[] = { "tcp.client", "tcp.server" };

static gboolean
name_in(const char *name, const char *const *names, guint n)
{
  for (guint i = 0; i < n; i++)
    if (strcmp(name, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Family members must be one of @names: "[link.acess]: unknown section; did you mean...". */
static void
check_family(const SimConfig *cfg, const char *prefix, const char *const *names, guint n,
             GString *problems)
{
  g_auto(GStrv) present = sim_config_sections(cfg, prefix);
  for (char **s = present; *s; s++) {
    if (name_in(*s, names, n))
      continue;
    const char *close = sim_suggest(*s, (const char *const *)names, n);
    g_string_append_printf(problems, "%s: [%s]: unknown section (expected one of", 
                           sim_config_section_origin(cfg, *s), *s);
    for (guint i = 0; i < n; i++)
      g_string_append_printf(problems, " [%s]", names[i]);
    g_string_append(problems, ")");
    if (close != NULL)
      g_string_append_printf(problems, "; did you mean [%s]?", close);
    g_string_append_c(problems, '\n');
  }
}

static void G_GNUC_PRINTF(5, 6)
problem(GString *problems, const SimConfig *cfg, const char *section, const char *key,
        const char *fmt, ...)
{
  const char *origin = sim_config_origin(cfg, section, key);
  g_string_append_printf(problems, "%s: [%s] %s: ",
                         strcmp(origin, "default") == 0 ? "(default)" : origin, section, key);
  va_list ap;
  va_start(ap, fmt);
  g_string_append_vprintf(problems, fmt, ap);
  va_end(ap);
  g_string_append_c(problems, '\n');
}

void
exp_config_check_sections(const SimConfig *cfg, GString *problems)
{
  g_return_if_fail(cfg != NULL && problems != NULL);
  check_family(cfg, "link.", link_sections, G_N_ELEMENTS(link_sections), problems);
  check_family(cfg, "tcp.", tcp_sections, G_N_ELEMENTS(tcp_sections), problems);
}

gboolean
exp_config_check(const SimConfig *cfg, GError **error)
{
  g_return_val_if_fail(cfg != NULL, FALSE);
  g_autoptr(GString) problems = g_string_new(NULL);

  const char *kind = sim_config_get_enum(cfg, "topology", "kind");
  int64_t clients = sim_config_get_int(cfg, "topology", "clients");
  int64_t servers = sim_config_get_int(cfg, "topology", "servers");
  int64_t attackers = sim_config_get_int(cfg, "topology", "attackers");
  if (strcmp(kind, "pair") == 0 && clients != 1)
    problem(problems, cfg, "topology", "clients", "a pair has 1 client, not %" G_GINT64_FORMAT
            " (use kind = star or dumbbell)", clients);
  if (strcmp(kind, "dumbbell") != 0 && servers != 1)
    problem(problems, cfg, "topology", "servers", "a %s has 1 server, not %" G_GINT64_FORMAT
            " (use kind = dumbbell)", kind, servers);
  if (strcmp(kind, "dumbbell") != 0) {
    g_auto(GStrv) bn = sim_config_sections(cfg, "link.bottleneck");
    if (bn[0] != NULL)
      g_string_append_printf(problems, "%s: [%s]: a %s has no bottleneck link (use kind = "
                             "dumbbell)\n", sim_config_section_origin(cfg, bn[0]), bn[0],
                             kind);
  }

  /* the attackers are the flooder's hosts: with none, [flooder] is not used */
  if (attackers > 0 && !sim_config_has(cfg, "flooder", "target"))
    g_string_append_printf(problems, "%s: [flooder] target: a flooder needs a target: the "
                           "server its SYNs go to (0 is the first)\n",
                           sim_config_origin(cfg, "topology", "attackers"));
  else if (attackers > 0 && sim_config_get_int(cfg, "flooder", "target") >= servers)
    problem(problems, cfg, "flooder", "target", "no server %" G_GINT64_FORMAT " to target "
            "(the topology has %" G_GINT64_FORMAT "; the first is 0)",
            sim_config_get_int(cfg, "flooder", "target"), servers);

  /* what the TCP model refuses (port_lo above port_hi, rto_min above rto_max ...), once
   * per section that causes it */
  gboolean tcp_reported = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(tcp_sections); i++) {
    TcpConfig t;
    exp_tcp_config(cfg, tcp_sections[i] + strlen("tcp."), &t);   /* the role */
    g_autoptr(GError) terr = NULL;
    if (tcp_config_validate(&t, &terr))
      continue;
    const char *sec = sim_config_section_origin(cfg, tcp_sections[i]) ? tcp_sections[i] : "tcp";
    if (strcmp(sec, "tcp") == 0 && tcp_reported)
      continue;
    tcp_reported |= strcmp(sec, "tcp") == 0;
    const char *origin = sim_config_section_origin(cfg, sec);
    g_string_append_printf(problems, "%s: [%s]: %s\n", origin ? origin : "(preset)", sec,
                           terr->message);
  }

  /* the links the topology has (a bottleneck only in a dumbbell), each problem once
   * however many links share the section that causes it */
  const char *roles[] = { "access", "bottleneck" }, *dirs[] = { "up", "down" };
  g_autoptr(GHashTable) told = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint r = 0; r < (strcmp(kind, "dumbbell") == 0 ? 2u : 1u); r++)
    for (guint d = 0; d < 2; d++) {
      g_autoptr(GPtrArray) dists = g_ptr_array_new_with_free_func((GDestroyNotify)sim_dist_free);
      LinkParams lp;
      g_autoptr(GError) lerr = NULL;
      if (!exp_link_params(cfg, roles[r], dirs[d], &lp, dists, &lerr) &&
          g_hash_table_add(told, g_strdup(lerr->message)))
        g_string_append_printf(problems, "%s\n", lerr->message);
    }

  exp_record_check(cfg, problems);

  if (problems->len == 0)
    return TRUE;
  g_string_truncate(problems, problems->len - 1);
  g_set_error_literal(error, SIM_ERROR, SIM_ERROR_INVALID, problems->str);
  return FALSE;
}

/* ---- TCP ------------------------------------------------------------------------- */

typedef enum { F_INT, F_U32, F_SIZE32, F_U16, F_DUR, F_BOOL, F_ISN, F_SYNDATA } FieldKind;
typedef struct {
  const char *key;
  FieldKind kind;
  size_t offset;
} TcpField;

#define KIND_INT F_INT
#define KIND_U32 F_U32
#define KIND_SIZE32 F_SIZE32
#define KIND_U16 F_U16
#define KIND_DUR F_DUR
#define KIND_BOOL F_BOOL
#define KIND_ISN F_ISN
#define KIND_SYNDATA F_SYNDATA
#define TCP_FIELD(key, type, kind, lo, hi, doc) { #key, KIND_##kind, offsetof(TcpConfig, key) },
static const TcpField tcp_fields[] = { TCP_KEYS(TCP_FIELD) };

static const char *const isn_names[] = { "random", "clock", "rfc6528", "zero" };
static const char *const syn_data_names[] = { "drop", "buffer", "accept" };

static int
index_of(const char *name, const char *const *names, int n)
{
  for (int i = 0; i < n; i++)
    if (strcmp(name, names[i]) == 0)
      return i;
  return 0;
}

/* Reads [@section] @key into its field when given there. */
static void
field_apply(const SimConfig *cfg, const char *section, const TcpField *f, TcpConfig *out)
{
  if (!sim_config_has(cfg, section, f->key))
    return;
  char *p = (char *)out + f->offset;
  switch (f->kind) {
  case F_INT:
    *(int *)p = (int)sim_config_get_int(cfg, section, f->key);
    break;
  case F_U32:
    *(uint32_t *)p = (uint32_t)sim_config_get_int(cfg, section, f->key);
    break;
  case F_SIZE32:
    *(uint32_t *)p = (uint32_t)sim_config_get_size(cfg, section, f->key);
    break;
  case F_U16:
    *(uint16_t *)p = (uint16_t)sim_config_get_int(cfg, section, f->key);
    break;
  case F_DUR:
    *(SimTime *)p = sim_config_get_duration(cfg, section, f->key);
    break;
  case F_BOOL:
    *(gboolean *)p = sim_config_get_bool(cfg, section, f->key);
    break;
  case F_ISN:
    *(TcpIsnPolicy *)p = (TcpIsnPolicy)index_of(sim_config_get_enum(cfg, section, f->key),
                                                isn_names, G_N_ELEMENTS(isn_names));
    break;
  case F_SYNDATA:
    *(TcpSynData *)p = (TcpSynData)index_of(sim_config_get_enum(cfg, section, f->key),
                                            syn_data_names, G_N_ELEMENTS(syn_data_names));
    break;
  }
}

static void
tcp_from_preset(const SimConfig *cfg, TcpConfig *out)
{
  const char *preset = sim_config_get_enum(cfg, "tcp", "preset");
  tcp_config_preset(out, strcmp(preset, "rfc") == 0 ? TCP_PRESET_RFC : TCP_PRESET_LINUX);
  for (guint i = 0; i < G_N_ELEMENTS(tcp_fields); i++)
    field_apply(cfg, "tcp", &tcp_fields[i], out);
}

void
exp_tcp_config(const SimConfig *cfg, const char *role, TcpConfig *out)
{
  g_return_if_fail(cfg != NULL && role != NULL && out != NULL);
  tcp_from_preset(cfg, out);
  g_autofree char *section = g_strconcat("tcp.", role, NULL);
  for (guint i = 0; i < G_N_ELEMENTS(tcp_fields); i++)
    field_apply(cfg, section, &tcp_fields[i], out);
}

static char *
field_format(const TcpField *f, const TcpConfig *c)
{
  const char *p = (const char *)c + f->offset;
  char buf[SIM_TIME_FMT_LEN];
  switch (f->kind) {
  case F_INT:
    return g_strdup_printf("%d", *(const int *)p);
  case F_U32:
    return g_strdup_printf("%u", *(const uint32_t *)p);
  case F_SIZE32:
    return g_strdup_printf("%uB", *(const uint32_t *)p);
  case F_U16:
    return g_strdup_printf("%u", (unsigned)*(const uint16_t *)p);
  case F_DUR:
    return g_strdup(sim_time_format(*(const SimTime *)p, buf, sizeof buf));
  case F_BOOL:
    return g_strdup(*(const gboolean *)p ? "true" : "false");
  case F_ISN:
    return g_strdup(isn_names[*(const TcpIsnPolicy *)p]);
  case F_SYNDATA:
    return g_strdup(syn_data_names[*(const TcpSynData *)p]);
  }
  return g_strdup("");
}

GPtrArray *
exp_tcp_effective(const SimConfig *cfg)
{
  g_return_val_if_fail(cfg != NULL, NULL);
  TcpConfig t;
  tcp_from_preset(cfg, &t);
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < G_N_ELEMENTS(tcp_fields); i++) {
    g_ptr_array_add(out, g_strdup(tcp_fields[i].key));
    g_ptr_array_add(out, field_format(&tcp_fields[i], &t));
  }
  return out;
}

void
exp_tcp_materialize(SimConfig *cfg)
{
  g_return_if_fail(cfg != NULL);
  g_autoptr(GPtrArray) kv = exp_tcp_effective(cfg);
  g_autofree char *origin = g_strconcat("preset ", sim_config_get_enum(cfg, "tcp", "preset"),
                                        NULL);
  for (guint i = 0; i + 1 < kv->len; i += 2)
    if (!sim_config_has(cfg, "tcp", kv->pdata[i]))
      sim_config_set(cfg, "tcp", kv->pdata[i], kv->pdata[i + 1], origin, NULL);
}

/* ---- links ----------------------------------------------------------------------- */

/* The most specific of [link.ROLE.DIR], [link.ROLE], [link] that gives @key. */
static const char *
link_section_for(const SimConfig *cfg, const char *const chain[3], const char *key)
{
  for (int i = 0; i < 2; i++)
    if (sim_config_has(cfg, chain[i], key))
      return chain[i];
  return chain[2];
}

gboolean
exp_link_params(const SimConfig *cfg, const char *role, const char *dir, LinkParams *out,
                GPtrArray *dists, GError **error)
{
  g_return_val_if_fail(cfg != NULL && role != NULL && dir != NULL && out != NULL, FALSE);
  g_autofree char *role_sec = g_strconcat("link.", role, NULL);
  g_autofree char *dir_sec = g_strconcat("link.", role, ".", dir, NULL);
  const char *const chain[3] = { dir_sec, role_sec, "link" };
#define SEC(key) link_section_for(cfg, chain, key)
  link_params_init(out);
  out->delay = sim_config_get_duration(cfg, SEC("delay"), "delay");
  out->reorder = sim_config_get_bool(cfg, SEC("reorder"), "reorder");
  out->gilbert = strcmp(sim_config_get_enum(cfg, SEC("loss_model"), "loss_model"),
                        "gilbert") == 0;
  out->loss = sim_config_get_prob(cfg, SEC("loss"), "loss");
  out->p_gb = sim_config_get_prob(cfg, SEC("p_gb"), "p_gb");
  out->p_bg = sim_config_get_prob(cfg, SEC("p_bg"), "p_bg");
  out->loss_good = sim_config_get_prob(cfg, SEC("loss_good"), "loss_good");
  out->loss_bad = sim_config_get_prob(cfg, SEC("loss_bad"), "loss_bad");
  out->dup = sim_config_get_prob(cfg, SEC("dup"), "dup");
  out->hold = sim_config_get_prob(cfg, SEC("hold"), "hold");
  out->rate_bps = sim_config_get_rate(cfg, SEC("rate"), "rate");
  out->queue_bytes = sim_config_get_size(cfg, SEC("queue_bytes"), "queue_bytes");
  out->queue_packets = sim_config_get_int(cfg, SEC("queue_packets"), "queue_packets");
  out->msl = sim_config_get_duration(cfg, SEC("msl"), "msl");
  const char *dist_keys[2] = { "jitter", "hold_time" };
  SimDist **dist_fields[2] = { &out->jitter, &out->hold_time };
  for (int i = 0; i < 2; i++) {
    const char *sec = SEC(dist_keys[i]);
    if (!sim_config_has(cfg, sec, dist_keys[i]))
      continue;
    SimDist *d = sim_config_get_dist(cfg, sec, dist_keys[i], error);
    if (d == NULL)
      return FALSE;
    g_ptr_array_add(dists, d);
    *dist_fields[i] = d;
  }
  g_autoptr(GError) lerr = NULL;
  if (!link_params_validate(out, &lerr)) {
    /* the only cross-key rule: hold needs hold_time */
    const char *sec = SEC("hold");
    const char *origin = sim_config_origin(cfg, sec, "hold");
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: [%s] %s", origin, sec,
                lerr->message);
    return FALSE;
  }
#undef SEC
  return TRUE;
}

/* ---- topology and apps ----------------------------------------------------------- */

void
exp_topo_spec(const SimConfig *cfg, TopoSpec *out)
{
  g_return_if_fail(cfg != NULL && out != NULL);
  const char *kind = sim_config_get_enum(cfg, "topology", "kind");
  *out = (TopoSpec){
    .kind = strcmp(kind, "star") == 0 ? TOPO_STAR
            : strcmp(kind, "dumbbell") == 0 ? TOPO_DUMBBELL : TOPO_PAIR,
    .clients = (uint32_t)sim_config_get_int(cfg, "topology", "clients"),
    .servers = (uint32_t)sim_config_get_int(cfg, "topology", "servers"),
    .attackers = (uint32_t)sim_config_get_int(cfg, "topology", "attackers"),
  };
}

void
exp_client_config(const SimConfig *cfg, NetAddr server, AppClientConfig *out)
{
  g_return_if_fail(cfg != NULL && out != NULL);
  *out = (AppClientConfig){
    .server = server,
    .port = (uint16_t)sim_config_get_int(cfg, "server", "port"),
    .conns = (uint32_t)sim_config_get_int(cfg, "client", "conns"),
    .start = sim_config_get_duration(cfg, "client", "start"),
    .interarrival = NULL,
    .request_bytes = (uint32_t)sim_config_get_size(cfg, "client", "request"),
    .close = strcmp(sim_config_get_enum(cfg, "client", "close"), "second") == 0
               ? APP_CLOSE_SECOND : APP_CLOSE_FIRST,
    .record = FALSE,
  };
}

SimDist *
exp_client_interarrival(const SimConfig *cfg, GError **error)
{
  if (!sim_config_has(cfg, "client", "interarrival"))
    return NULL;
  return sim_config_get_dist(cfg, "client", "interarrival", error);
}

SimTime
exp_client_stagger(const SimConfig *cfg)
{
  return sim_config_get_duration(cfg, "client", "stagger");
}

void
exp_server_config(const SimConfig *cfg, AppServerConfig *out)
{
  g_return_if_fail(cfg != NULL && out != NULL);
  *out = (AppServerConfig){
    .port = (uint16_t)sim_config_get_int(cfg, "server", "port"),
    .backlog = (int)sim_config_get_int(cfg, "server", "backlog"),
    .request_bytes = (uint32_t)sim_config_get_size(cfg, "server", "request"),
    .response_bytes = (uint32_t)sim_config_get_size(cfg, "server", "response"),
    .service_time = sim_config_get_duration(cfg, "server", "service_time"),
    .close_first = strcmp(sim_config_get_enum(cfg, "server", "close"), "first") == 0,
    .record = FALSE,
  };
}

gboolean
exp_flooder_config(const SimConfig *cfg, NetAddr target, AppFlooderConfig *out)
{
  g_return_val_if_fail(cfg != NULL && out != NULL, FALSE);
  if (sim_config_get_int(cfg, "topology", "attackers") == 0)
    return FALSE;
  *out = (AppFlooderConfig){
    .target = target,
    .port = (uint16_t)(sim_config_has(cfg, "flooder", "port")
                         ? sim_config_get_int(cfg, "flooder", "port")
                         : sim_config_get_int(cfg, "server", "port")),
    .count = (uint32_t)sim_config_get_int(cfg, "flooder", "count"),
    .start = sim_config_get_duration(cfg, "flooder", "start"),
    .interval = sim_config_get_duration(cfg, "flooder", "interval"),
    .syn_payload = (uint32_t)sim_config_get_size(cfg, "flooder", "syn_payload"),
    .spoof_base = (NetAddr)0x0d000001u,
    .spoof_count = (uint32_t)sim_config_get_int(cfg, "flooder", "spoof_count"),
  };
  return TRUE;
}
