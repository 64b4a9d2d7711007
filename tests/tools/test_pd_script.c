/* Tests for tools/packetdrill/pd_script.c: every time form, flag spelling, packet field,
 * option, system call argument and block parses to exact values; every error names the
 * line and column where the text went wrong; and the 22 public scripts all parse. */
#include "test_util.h"
#include "pd_script.h"
#include "segment.h"

#include <glib/gstdio.h>

/* The public scripts, read in place from the shared tree (the data dir is
 * main/tests/data). */
#define PD_SCRIPTS_DIR SYNACK_TEST_DATA_DIR "/../../../shared/packetdrill/gtests/net"

static const char *const public_scripts[] = {
  "packetdrill/tests/packet-timeout.pkt",
  "tcp/blocking/blocking-accept.pkt",
  "tcp/blocking/blocking-connect.pkt",
  "tcp/blocking/blocking-read.pkt",
  "tcp/close/close-local-close-then-remote-fin.pkt",
  "tcp/close/close-on-syn-sent.pkt",
  "tcp/close/close-remote-fin-then-close.pkt",
  "tcp/fastopen/server/basic-non-tfo-listener.pkt",
  "tcp/fastopen/server/reset-non-tfo-socket.pkt",
  "tcp/fastopen/server/opt34/basic-non-tfo-listener.pkt",
  "tcp/fastopen/server/opt34/reset-non-tfo-socket.pkt",
  "tcp/ioctl/ioctl-siocinq-fin.pkt",
  "tcp/shutdown/shutdown-rd-close.pkt",
  "tcp/shutdown/shutdown-rd-wr-close.pkt",
  "tcp/shutdown/shutdown-rdwr-close.pkt",
  "tcp/shutdown/shutdown-rdwr-write-queue-close.pkt",
  "tcp/shutdown/shutdown-wr-close.pkt",
  "tcp/ts_recent/fin_tsval.pkt",
  "tcp/ts_recent/invalid_ack.pkt",
  "tcp/ts_recent/reset_tsval.pkt",
  "tcp/user_timeout/user_timeout.pkt",
  "tcp/validate/validate-established-no-flags.pkt",
};

/* Parses @text as "t.pkt"; prints the error if there is one (the caller asserts). */
static PdScript *
parse_ok(const char *text)
{
  GError *err = NULL;
  PdScript *s = pd_script_parse("t.pkt", text, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  unexpected error: %s\n", err->message);
    g_error_free(err);
  }
  return s;
}

/* Expects a syntax error whose message contains @needle ("t.pkt:LINE:COL: what"). */
static void
assert_syntax(const char *text, const char *needle)
{
  GError *err = NULL;
  PdScript *s = pd_script_parse("t.pkt", text, &err);
  if (s != NULL)
    fprintf(stderr, "\n  accepted: \"%s\"\n", text);
  CU_ASSERT_PTR_NULL(s);
  pd_script_free(s);
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, needle);
}

static PdScript *
load_public(const char *rel)
{
  g_autofree char *path = g_build_filename(PD_SCRIPTS_DIR, rel, NULL);
  GError *err = NULL;
  PdScript *s = pd_script_load(path, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  %s\n", err->message);
    g_error_free(err);
  }
  return s;
}

/* ---- times ----------------------------------------------------------------------- */

static void
absolute_and_relative_times_are_exact_nanoseconds(void)
{
  g_autoptr(PdScript) s = parse_ok("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                                   "  +.1 close(3) = 0\n"
                                   "1.5 close(3) = 0\n"
                                   "+0.200 close(3) = 0\n"
                                   "30 close(3) = 0\n"
                                   "+1 close(3) = 0\n"
                                   "+.000000001 close(3) = 0\n"
                                   "31.000000001 close(3) = 0\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 8);
  static const struct {
    PdTimeKind kind;
    SimTime start, nominal;
  } want[] = {
    { PD_TIME_ABSOLUTE, 0, 0 },
    { PD_TIME_RELATIVE, 100 * SIM_MS, 100 * SIM_MS },
    { PD_TIME_ABSOLUTE, 1500 * SIM_MS, 1500 * SIM_MS },
    { PD_TIME_RELATIVE, 200 * SIM_MS, 1700 * SIM_MS },
    { PD_TIME_ABSOLUTE, 30 * SIM_S, 30 * SIM_S },
    { PD_TIME_RELATIVE, SIM_S, 31 * SIM_S },
    { PD_TIME_RELATIVE, 1, 31 * SIM_S + 1 },
    { PD_TIME_ABSOLUTE, 31 * SIM_S + 1, 31 * SIM_S + 1 },   /* equal is not backwards */
  };
  for (guint i = 0; i < s->nevents; i++) {
    const PdEvent *e = &s->events[i];
    CU_ASSERT_EQUAL(e->kind, PD_EVENT_SYSCALL);
    CU_ASSERT_EQUAL(e->time.kind, want[i].kind);
    CU_ASSERT_EQUAL(e->time.start, want[i].start);
    CU_ASSERT_EQUAL(e->nominal, want[i].nominal);
    CU_ASSERT_FALSE(e->time.blocking);
    CU_ASSERT_FALSE(e->time.range);
    CU_ASSERT_EQUAL(e->line, (int)i + 1);
  }
  CU_ASSERT_EQUAL(s->events[0].column, 1);
  CU_ASSERT_EQUAL(s->events[1].column, 3);
}

static void
any_time_takes_the_previous_nominal(void)
{
  g_autoptr(PdScript) s = parse_ok("0.5 < S 0:0(0) win 100\n"
                                   "* > S. 0:0(0) ack 1\n"
                                   "+.1 < . 1:1(0) ack 1 win 100\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 3);
  CU_ASSERT_EQUAL(s->events[1].time.kind, PD_TIME_ANY);
  CU_ASSERT_EQUAL(s->events[1].time.start, 0);
  CU_ASSERT_EQUAL(s->events[1].nominal, 500 * SIM_MS);
  CU_ASSERT_EQUAL(s->events[2].nominal, 600 * SIM_MS);
}

static void
blocking_window_ends_in_the_base_of_its_start(void)
{
  g_autoptr(PdScript) s = parse_ok("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                                   "+.1...0.200 read(4, ..., 2000) = 2000\n"
                                   "+.1 < P. 1:2001(2000) ack 1 win 257\n"
                                   "1...2.5 accept(3, ..., ...) = 4\n"
                                   "+0...0 close(4) = 0\n"
                                   "+0...30 connect(3, ..., ...) = 0\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 6);
  const PdTime *t = &s->events[1].time;
  CU_ASSERT_EQUAL(t->kind, PD_TIME_RELATIVE);
  CU_ASSERT_TRUE(t->blocking);
  CU_ASSERT_FALSE(t->range);
  CU_ASSERT_EQUAL(t->start, 100 * SIM_MS);
  CU_ASSERT_EQUAL(t->end, 200 * SIM_MS);
  CU_ASSERT_EQUAL(s->events[1].nominal, 100 * SIM_MS);
  /* the next event counts from the call's start, not its end */
  CU_ASSERT_EQUAL(s->events[2].nominal, 200 * SIM_MS);
  t = &s->events[3].time;
  CU_ASSERT_EQUAL(t->kind, PD_TIME_ABSOLUTE);
  CU_ASSERT_TRUE(t->blocking);
  CU_ASSERT_EQUAL(t->start, SIM_S);
  CU_ASSERT_EQUAL(t->end, 2500 * SIM_MS);
  CU_ASSERT_EQUAL(s->events[3].nominal, SIM_S);
  CU_ASSERT_TRUE(s->events[4].time.blocking);
  CU_ASSERT_EQUAL(s->events[4].time.end, 0);
  CU_ASSERT_EQUAL(s->events[5].time.end, 30 * SIM_S);
}

static void
range_on_outbound_packets(void)
{
  g_autoptr(PdScript) s = parse_ok("0 close(4) = 0\n"
                                   "+.3~+.400 > F. 1:1(0) ack 1\n"
                                   "+.01~+.015 > F. 1:1(0) ack 1\n"
                                   "1~2 > R 1:1(0)\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 4);
  const PdTime *t = &s->events[1].time;
  CU_ASSERT_EQUAL(t->kind, PD_TIME_RELATIVE);
  CU_ASSERT_TRUE(t->range);
  CU_ASSERT_FALSE(t->blocking);
  CU_ASSERT_EQUAL(t->start, 300 * SIM_MS);
  CU_ASSERT_EQUAL(t->end, 400 * SIM_MS);
  CU_ASSERT_EQUAL(s->events[1].nominal, 300 * SIM_MS);
  t = &s->events[2].time;
  CU_ASSERT_EQUAL(t->start, 10 * SIM_MS);
  CU_ASSERT_EQUAL(t->end, 15 * SIM_MS);
  CU_ASSERT_EQUAL(s->events[2].nominal, 310 * SIM_MS);
  t = &s->events[3].time;
  CU_ASSERT_EQUAL(t->kind, PD_TIME_ABSOLUTE);
  CU_ASSERT_TRUE(t->range);
  CU_ASSERT_EQUAL(t->start, SIM_S);
  CU_ASSERT_EQUAL(t->end, 2 * SIM_S);
  CU_ASSERT_EQUAL(s->events[3].nominal, SIM_S);
}

/* ---- packets --------------------------------------------------------------------- */

static void
every_flag_spelling(void)
{
  static const struct {
    const char *text;
    uint8_t flags;
  } cases[] = {
    { "S", TCP_SYN },
    { "S.", TCP_SYN | TCP_ACK },
    { ".", TCP_ACK },
    { "P.", TCP_PSH | TCP_ACK },
    { "F.", TCP_FIN | TCP_ACK },
    { "FP.", TCP_FIN | TCP_PSH | TCP_ACK },
    { "R", TCP_RST },
    { "R.", TCP_RST | TCP_ACK },
    { "-", 0 },
    { ".SRPF", TCP_FIN | TCP_SYN | TCP_RST | TCP_PSH | TCP_ACK },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strdup_printf("0 < %s 0:0(0)\n", cases[i].text);
    g_autoptr(PdScript) s = parse_ok(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->events[0].kind, PD_EVENT_PACKET);
    if (s->events[0].packet.flags != cases[i].flags) {
      fprintf(stderr, "\n  '%s' gave flags 0x%02x\n", cases[i].text,
              s->events[0].packet.flags);
      CU_FAIL("wrong flags");
    }
  }
}

static void
sequence_length_ack_and_window(void)
{
  g_autoptr(PdScript) s = parse_ok(
    "0 < P. 1:2001(2000) ack 1 win 257\n"
    "+0 >  S 0:0(0)\n"
    "+0 < . 4294967295:4294967295(0) ack 4294967295 win 65535\n"
    "+0 < S 0:10(10) win 32792\n"
    "+0 > . 1:1 ( 0 )ack 7\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 5);
  const PdPacket *p = &s->events[0].packet;
  CU_ASSERT_TRUE(p->inbound);
  CU_ASSERT_EQUAL(p->start, 1);
  CU_ASSERT_EQUAL(p->end, 2001);
  CU_ASSERT_EQUAL(p->len, 2000);
  CU_ASSERT_TRUE(p->has_ack);
  CU_ASSERT_EQUAL(p->ack, 1);
  CU_ASSERT_TRUE(p->has_win);
  CU_ASSERT_EQUAL(p->win, 257);
  CU_ASSERT_FALSE(p->opts.present);
  p = &s->events[1].packet;
  CU_ASSERT_FALSE(p->inbound);
  CU_ASSERT_EQUAL(p->flags, TCP_SYN);
  CU_ASSERT_FALSE(p->has_ack);
  CU_ASSERT_FALSE(p->has_win);
  CU_ASSERT_EQUAL(p->len, 0);
  p = &s->events[2].packet;
  CU_ASSERT_EQUAL(p->start, UINT32_MAX);
  CU_ASSERT_EQUAL(p->ack, UINT32_MAX);
  CU_ASSERT_EQUAL(p->win, 65535);
  p = &s->events[3].packet;
  CU_ASSERT_EQUAL(p->len, 10);
  CU_ASSERT_FALSE(p->has_ack);
  CU_ASSERT_EQUAL(p->win, 32792);
  p = &s->events[4].packet;
  CU_ASSERT_EQUAL(p->ack, 7);
}

static void
tcp_options(void)
{
  g_autoptr(PdScript) s = parse_ok(
    "0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n"
    "+0 > S. 0:0(0) ack 1 < ... >\n"
    "+0 > S 0:0(0) <mss 1460, sackOK, TS val 100 ecr 0, nop,wscale 8>\n"
    "+0 < . 1:1(0) ack 1 win 20000 <nop,nop,TS val 4294967295 ecr 200>\n"
    "+0 < S 0:10(10) win 32792 <mss 1460,sackOK,nop,nop,FOEXP 0123456789abcdef>\n"
    "+0 > S. 0:0(0) ack 1 <FO TFO_COOKIE,nop,nop>\n"
    "+0 > S. 0:0(0) ack 1 <FO>\n"
    "+0 > S. 0:0(0) ack 1 <FOEXP , eol>\n"
    "+0 < . 1:1(0) ack 1 win 257 <nop, nop, sack 1:2 3:4>\n"
    "+0 < . 1:1(0) ack 1 win 257\n"
    "+0 < S 0:0(0) win 1 < mss 0 , wscale 14 >\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 11);
  const PdOptions *o = &s->events[0].packet.opts;
  CU_ASSERT_TRUE(o->present);
  CU_ASSERT_FALSE(o->any);
  CU_ASSERT_EQUAL(o->mss, 1000);
  CU_ASSERT_EQUAL(o->wscale, 7);
  CU_ASSERT_TRUE(o->sack_ok);
  CU_ASSERT_FALSE(o->timestamp);
  CU_ASSERT_FALSE(o->fast_open);
  o = &s->events[1].packet.opts;
  CU_ASSERT_TRUE(o->present);
  CU_ASSERT_TRUE(o->any);
  CU_ASSERT_EQUAL(o->mss, -1);
  CU_ASSERT_EQUAL(o->wscale, -1);
  o = &s->events[2].packet.opts;
  CU_ASSERT_EQUAL(o->mss, 1460);
  CU_ASSERT_EQUAL(o->wscale, 8);
  CU_ASSERT_TRUE(o->timestamp);
  CU_ASSERT_EQUAL(o->ts_val, 100);
  CU_ASSERT_EQUAL(o->ts_ecr, 0);
  o = &s->events[3].packet.opts;
  CU_ASSERT_TRUE(o->timestamp);
  CU_ASSERT_EQUAL(o->ts_val, UINT32_MAX);
  CU_ASSERT_EQUAL(o->ts_ecr, 200);
  CU_ASSERT_EQUAL(o->mss, -1);
  CU_ASSERT_FALSE(o->sack_ok);
  for (guint i = 4; i <= 7; i++)
    CU_ASSERT_TRUE(s->events[i].packet.opts.fast_open);
  CU_ASSERT_EQUAL(s->events[4].packet.opts.mss, 1460);
  o = &s->events[8].packet.opts;
  CU_ASSERT_TRUE(o->present);
  CU_ASSERT_FALSE(o->sack_ok);
  CU_ASSERT_EQUAL(o->mss, -1);
  o = &s->events[9].packet.opts;
  CU_ASSERT_FALSE(o->present);
  CU_ASSERT_EQUAL(o->mss, -1);
  CU_ASSERT_EQUAL(o->wscale, -1);
  o = &s->events[10].packet.opts;
  CU_ASSERT_EQUAL(o->mss, 0);
  CU_ASSERT_EQUAL(o->wscale, 14);
}

/* ---- system calls, commands, blocks, options ------------------------------------- */

static void
syscall_arguments_return_and_errno(void)
{
  g_autoptr(PdScript) s = parse_ok(
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
    "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
    "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
    "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n"
    "+0 write(4, ..., 100) = -1 ECONNRESET(Connection reset by peer)\n"
    "+0 ioctl(4, SIOCINQ, [ -7 ]) = 0\n"
    "+0 shutdown(4, SHUT_RD | SHUT_WR) = 0\n"
    "+0 getpid() = 9223372036854775807\n"
    "+0 lseek(4, -9223372036854775808, 0) = -1 EINVAL\n"
    "+0 accept(3, ..., ...) = -1 EAGAIN ( Resource (temporarily) unavailable )  \n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 10);

  const PdSyscall *c = &s->events[0].call;
  CU_ASSERT_STRING_EQUAL(c->name, "socket");
  CU_ASSERT_EQUAL_FATAL(c->nargs, 3);
  CU_ASSERT_EQUAL(c->args[0].kind, PD_ARG_ELLIPSIS);
  CU_ASSERT_EQUAL(c->args[1].kind, PD_ARG_NAMES);
  CU_ASSERT_STRING_EQUAL(c->args[1].names[0], "SOCK_STREAM");
  CU_ASSERT_PTR_NULL(c->args[1].names[1]);
  CU_ASSERT_EQUAL(c->ret, 3);
  CU_ASSERT_PTR_NULL(c->err);
  CU_ASSERT_PTR_NULL(c->err_text);

  c = &s->events[1].call;
  CU_ASSERT_EQUAL_FATAL(c->nargs, 5);
  CU_ASSERT_EQUAL(c->args[0].kind, PD_ARG_INT);
  CU_ASSERT_EQUAL(c->args[0].value, 3);
  CU_ASSERT_EQUAL(c->args[3].kind, PD_ARG_ARRAY);
  CU_ASSERT_EQUAL(c->args[3].value, 1);
  CU_ASSERT_EQUAL(c->args[4].value, 4);

  c = &s->events[2].call;
  CU_ASSERT_EQUAL_FATAL(c->nargs, 3);
  CU_ASSERT_EQUAL(c->args[2].kind, PD_ARG_NAMES);
  CU_ASSERT_STRING_EQUAL(c->args[2].names[0], "O_RDWR");
  CU_ASSERT_STRING_EQUAL(c->args[2].names[1], "O_NONBLOCK");
  CU_ASSERT_PTR_NULL(c->args[2].names[2]);

  c = &s->events[3].call;
  CU_ASSERT_EQUAL(c->ret, -1);
  CU_ASSERT_STRING_EQUAL(c->err, "EINPROGRESS");
  CU_ASSERT_STRING_EQUAL(c->err_text, "Operation now in progress");

  c = &s->events[4].call;
  CU_ASSERT_STRING_EQUAL(c->err, "ECONNRESET");
  CU_ASSERT_STRING_EQUAL(c->err_text, "Connection reset by peer");

  c = &s->events[5].call;
  CU_ASSERT_EQUAL(c->args[2].kind, PD_ARG_ARRAY);
  CU_ASSERT_EQUAL(c->args[2].value, -7);

  c = &s->events[6].call;
  CU_ASSERT_STRING_EQUAL(c->args[1].names[0], "SHUT_RD");
  CU_ASSERT_STRING_EQUAL(c->args[1].names[1], "SHUT_WR");

  c = &s->events[7].call;
  CU_ASSERT_STRING_EQUAL(c->name, "getpid");
  CU_ASSERT_EQUAL(c->nargs, 0);
  CU_ASSERT_EQUAL(c->ret, INT64_MAX);

  c = &s->events[8].call;
  CU_ASSERT_EQUAL(c->args[1].kind, PD_ARG_INT);
  CU_ASSERT_EQUAL(c->args[1].value, INT64_MIN);
  CU_ASSERT_STRING_EQUAL(c->err, "EINVAL");
  CU_ASSERT_PTR_NULL(c->err_text);

  c = &s->events[9].call;
  CU_ASSERT_STRING_EQUAL(c->err, "EAGAIN");
  CU_ASSERT_STRING_EQUAL(c->err_text, "Resource (temporarily) unavailable");
}

static void
commands_may_span_lines(void)
{
  g_autoptr(PdScript) s = parse_ok("0 %{ assert tcpi_state == TCP_CLOSE, tcpi_state }%\n"
                                   "+.005 %{\n"
                                   "  x = 1\n"
                                   "  assert x == 1\n"
                                   "}%   // trailing comment\n"
                                   "+0 close(4) = 0\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 3);
  CU_ASSERT_EQUAL(s->events[0].kind, PD_EVENT_COMMAND);
  CU_ASSERT_STRING_EQUAL(s->events[0].command,
                         "assert tcpi_state == TCP_CLOSE, tcpi_state");
  CU_ASSERT_EQUAL(s->events[1].kind, PD_EVENT_COMMAND);
  CU_ASSERT_STRING_EQUAL(s->events[1].command, "x = 1\n  assert x == 1");
  CU_ASSERT_EQUAL(s->events[1].nominal, 5 * SIM_MS);
  CU_ASSERT_EQUAL(s->events[2].line, 6);
}

static void
shell_blocks_split_into_commands(void)
{
  g_autoptr(PdScript) s = parse_ok(
    "`../common/defaults.sh`\n"
    "`../../common/defaults.sh\n"
    " ../../tcp/common/set_sysctls.py  /proc/sys/net/ipv4/tcp_syn_retries=1`\n"
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
    "  `\n"
    "\n"
    "  sysctl -q x=1  \n"
    "`  // done\n"
    "+0 close(3) = 0\n"
    "`/tmp/sysctl_restore_${PPID}.sh`");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nshells, 4);
  CU_ASSERT_EQUAL(s->nevents, 2);
  CU_ASSERT_EQUAL(s->shells[0].line, 1);
  CU_ASSERT_EQUAL(s->shells[0].before_event, 0);
  CU_ASSERT_STRING_EQUAL(s->shells[0].commands[0], "../common/defaults.sh");
  CU_ASSERT_PTR_NULL(s->shells[0].commands[1]);
  CU_ASSERT_EQUAL(s->shells[1].line, 2);
  CU_ASSERT_EQUAL(s->shells[1].before_event, 0);
  CU_ASSERT_EQUAL_FATAL(g_strv_length(s->shells[1].commands), 2);
  CU_ASSERT_STRING_EQUAL(s->shells[1].commands[0], "../../common/defaults.sh");
  CU_ASSERT_STRING_EQUAL(s->shells[1].commands[1],
                         "../../tcp/common/set_sysctls.py  "
                         "/proc/sys/net/ipv4/tcp_syn_retries=1");
  CU_ASSERT_EQUAL(s->events[0].line, 4);
  CU_ASSERT_EQUAL(s->shells[2].line, 5);
  CU_ASSERT_EQUAL(s->shells[2].before_event, 1);
  CU_ASSERT_EQUAL_FATAL(g_strv_length(s->shells[2].commands), 1);
  CU_ASSERT_STRING_EQUAL(s->shells[2].commands[0], "sysctl -q x=1");
  CU_ASSERT_EQUAL(s->events[1].line, 9);
  CU_ASSERT_EQUAL(s->shells[3].line, 10);
  CU_ASSERT_EQUAL(s->shells[3].before_event, 2);
  CU_ASSERT_STRING_EQUAL(s->shells[3].commands[0], "/tmp/sysctl_restore_${PPID}.sh");
}

static void
option_lines_and_lookup(void)
{
  g_autoptr(PdScript) s = parse_ok("--tolerance_usecs=10000\n"
                                   "--tcp_ts_tick_usecs=1000  // ignored\n"
                                   "  --verbose\n"
                                   "--tolerance_usecs=7000\n"
                                   "--empty=\n"
                                   "0 close(3) = 0\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->noptions, 5);
  CU_ASSERT_EQUAL(s->options[0].line, 1);
  CU_ASSERT_STRING_EQUAL(s->options[0].name, "tolerance_usecs");
  CU_ASSERT_STRING_EQUAL(s->options[0].value, "10000");
  CU_ASSERT_STRING_EQUAL(s->options[1].value, "1000");
  CU_ASSERT_STRING_EQUAL(s->options[2].name, "verbose");
  CU_ASSERT_STRING_EQUAL(s->options[2].value, "");
  CU_ASSERT_EQUAL(s->options[2].line, 3);
  const PdOption *o = pd_script_option(s, "tolerance_usecs");
  CU_ASSERT_PTR_NOT_NULL_FATAL(o);
  CU_ASSERT_STRING_EQUAL(o->value, "7000");   /* the last one wins */
  CU_ASSERT_EQUAL(o->line, 4);
  o = pd_script_option(s, "empty");
  CU_ASSERT_PTR_NOT_NULL_FATAL(o);
  CU_ASSERT_STRING_EQUAL(o->value, "");
  CU_ASSERT_PTR_NULL(pd_script_option(s, "mss"));
}

static void
failure_comment_marks_the_next_event(void)
{
  g_autoptr(PdScript) s = parse_ok(
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
    "+0 > S 0:0(0)\n"
    "   //   Failure: error handling packet: Timed out waiting for packet   \n"
    "// an ordinary comment\n"
    "+1 > S 0:0(0)\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s->expect_fail);
  CU_ASSERT_STRING_EQUAL(s->expect_fail,
                         "error handling packet: Timed out waiting for packet");
  CU_ASSERT_EQUAL(s->expect_fail_event, 2);

  g_autoptr(PdScript) plain = parse_ok("0 close(3) = 0\n// Failures happen\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
  CU_ASSERT_PTR_NULL(plain->expect_fail);
}

static void
comments_blank_lines_and_crlf(void)
{
  g_autoptr(PdScript) s = parse_ok(
    "// header\r\n"
    "\r\n"
    "   \t\r\n"
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3 // trailing\r\n"
    "+0 < S 0:0(0) win 1 <...>// c\r\n"
    "+0 bind(3, ..., ...) = 0 \t\n"
    "\t+0 close(3) = 0");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 4);
  CU_ASSERT_EQUAL(s->events[0].line, 4);
  CU_ASSERT_EQUAL(s->events[0].call.ret, 3);
  CU_ASSERT_TRUE(s->events[1].packet.opts.any);
  CU_ASSERT_EQUAL(s->events[3].line, 7);
  CU_ASSERT_EQUAL(s->events[3].column, 2);
}

/* ---- errors ---------------------------------------------------------------------- */

static void
time_going_backwards_is_an_error(void)
{
  assert_syntax("0 close(3) = 0\n+1 close(3) = 0\n  0.5 close(3) = 0\n",
                "t.pkt:3:3: time goes backwards: 500ms is before the previous event's 1s");
  /* `*` keeps the previous nominal, so an absolute time after it still compares */
  assert_syntax("2 close(3) = 0\n* > S 0:0(0)\n1 close(3) = 0\n",
                "t.pkt:3:1: time goes backwards");
}

static void
window_end_before_start_is_an_error(void)
{
  assert_syntax("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                "+.2...0.100 read(4, ..., 1) = 1\n",
                "t.pkt:2:7: the end of a '...' window is before its start");
  assert_syntax("0 close(3) = 0\n+.2~+.1 > S 0:0(0)\n",
                "t.pkt:2:5: the end of a '~' range is before its start");
}

static void
range_and_any_only_on_outbound_packets(void)
{
  assert_syntax("0 close(3) = 0\n +0~+.1 < S 0:0(0)\n",
                "t.pkt:2:2: a '~' range is allowed only on outbound packets");
  assert_syntax("0 close(3) = 0\n+0~+.1 close(3) = 0\n",
                "t.pkt:2:1: a '~' range is allowed only on outbound packets");
  assert_syntax("* close(3) = 0\n",
                "t.pkt:1:1: '*' (any time) is allowed only on outbound");
  assert_syntax("0 close(3) = 0\n  * < S 0:0(0)\n",
                "t.pkt:2:3: '*' (any time) is allowed only on outbound");
  assert_syntax("0 close(3) = 0\n+0~.1 > S 0:0(0)\n",
                "t.pkt:2:4: the end of a '~' range must start with '+'");
  assert_syntax("1~+2 > S 0:0(0)\n",
                "t.pkt:1:3: the end of a '~' range must not start with '+'");
}

static void
window_only_on_system_calls(void)
{
  assert_syntax("0 close(3) = 0\n+0...1 > S 0:0(0)\n",
                "t.pkt:2:1: a '...' window is allowed only on system calls");
  assert_syntax("0 close(3) = 0\n +0...1 %{ x }%\n",
                "t.pkt:2:2: a '...' window is allowed only on system calls");
  assert_syntax("0 close(3) = 0\n+0...+1 read(4, ..., 1) = 1\n",
                "t.pkt:2:6: the end of a '...' window is written without '+'");
}

static void
bad_flags_are_errors(void)
{
  assert_syntax("0 < SX 0:0(0)\n",
                "t.pkt:1:6: expected TCP flags (F S R P ., or '-' for none), found 'X'");
  assert_syntax("0 < S.E 0:0(0)\n", "t.pkt:1:7: unsupported TCP flag 'E'");
  assert_syntax("0 > U 0:0(0)\n", "t.pkt:1:5: unsupported TCP flag 'U'");
  assert_syntax("0 > SW 0:0(0)\n", "t.pkt:1:6: unsupported TCP flag 'W'");
  assert_syntax("0 < SS 0:0(0)\n", "t.pkt:1:6: TCP flag 'S' written twice");
  assert_syntax("0 < -. 0:0(0)\n", "t.pkt:1:6: expected a blank after '-'");
  assert_syntax("0 < 0:0(0)\n", "t.pkt:1:5: expected TCP flags");
}

static void
packet_numbers_must_agree(void)
{
  assert_syntax("0 < P. 1:2001(2001) ack 1\n",
                "t.pkt:1:15: length 2001 does not match 1:2001 (2000 bytes)");
  assert_syntax("0 < . 5:4(0)\n", "t.pkt:1:9: sequence end 4 is before start 5");
  assert_syntax("0 < S 0x0(0)\n",
                "t.pkt:1:8: expected ':' after sequence start, found 'x0'");
  assert_syntax("0 < S 0:0 0\n", "t.pkt:1:11: expected '(' and the length");
  assert_syntax("0 < S 0:0(0 ack 1\n", "t.pkt:1:13: expected ')' after the length");
  assert_syntax("0 < S 0:0(0) ack x\n", "t.pkt:1:18: expected the ack number, found 'x'");
}

static void
number_overflow_is_an_error(void)
{
  assert_syntax("0 < S 4294967296:4294967296(0)\n",
                "t.pkt:1:7: 4294967296 is too large for the sequence start "
                "(at most 4294967295)");
  assert_syntax("0 < S 0:0(0) ack 99999999999999999999999\n",
                "t.pkt:1:18: 99999999999999999999999 is too large for the ack number");
  assert_syntax("0 < S 0:0(0) win 65536\n",
                "t.pkt:1:18: 65536 is too large for the window");
  assert_syntax("0 < S 0:0(0) <mss 65536>\n",
                "t.pkt:1:19: 65536 is too large for the mss value");
  assert_syntax("0 close(3) = 9223372036854775808\n",
                "t.pkt:1:14: 9223372036854775808 does not fit in 64 bits");
  assert_syntax("0 lseek(3, -9223372036854775809) = 0\n",
                "t.pkt:1:12: -9223372036854775809 does not fit in 64 bits");
  assert_syntax("9223372037 close(3) = 0\n", "t.pkt:1:1: 9223372037 seconds is too large");
  assert_syntax("+9223372036.854775808 close(3) = 0\n",
                "t.pkt:1:2: 9223372036.854775808 seconds");
  /* the largest time there is still parses */
  g_autoptr(PdScript) s = parse_ok("9223372036.854775807 close(3) = 0\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL(s->events[0].time.start, INT64_MAX);
  assert_syntax("9223372036.854775807 close(3) = 0\n+.000000001 close(3) = 0\n",
                "t.pkt:2:1: the time overflows");
}

static void
too_many_decimals_is_an_error(void)
{
  assert_syntax("0.0000000001 close(3) = 0\n",
                "t.pkt:1:1: 0.0000000001 has more than 9 decimals");
  assert_syntax("0 close(3) = 0\n +.1234567891 close(3) = 0\n",
                "t.pkt:2:3: .1234567891 has more than 9 decimals");
  assert_syntax("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                "+0...0.0000000001 read(4, ..., 1) = 1\n",
                "t.pkt:2:6: 0.0000000001 has more than 9 decimals");
}

static void
unknown_or_malformed_option_is_an_error(void)
{
  assert_syntax("0 < S 0:0(0) win 1 <mss 1000, bogus 3>\n",
                "t.pkt:1:31: unknown TCP option 'bogus'");
  assert_syntax("0 < S 0:0(0) <mss 1000\n",
                "t.pkt:1:23: expected ',' or '>' in the TCP option list, "
                "found end of line");
  assert_syntax("0 < S 0:0(0) <TS val 1 ecx 2>\n",
                "t.pkt:1:24: expected 'ecr' after the TS val");
  assert_syntax("0 < S 0:0(0) <>\n", "t.pkt:1:15: expected a TCP option, found '>'");
  assert_syntax("0 < S 0:0(0) <... , nop>\n", "t.pkt:1:19: expected '>' after '<...'");
  assert_syntax("0 < S 0:0(0) <sack 1-2>\n", "t.pkt:1:21: expected ':' in a SACK block");
}

static void
unterminated_blocks_are_errors(void)
{
  assert_syntax("// c\n  `../common/defaults.sh\n0 close(3) = 0\n",
                "t.pkt:2:3: unterminated `...` block");
  assert_syntax("0 close(3) = 0\n+0  %{ assert x\n  }\n",
                "t.pkt:2:5: unterminated %{ ... }% block");
  assert_syntax("0 connect(3, ..., ...\n+0 close(3) = 0\n",
                "t.pkt:1:22: expected ',' or ')' in the arguments of connect(), "
                "found end of line");
  assert_syntax("0 write(4, ..., 1) = -1 EPIPE (Broken (pipe)\n",
                "t.pkt:1:31: unterminated '(' after EPIPE");
  assert_syntax("0 setsockopt(3, [1, 4) = 0\n",
                "t.pkt:1:19: expected ']' after the integer");
}

static void
malformed_system_calls_are_errors(void)
{
  assert_syntax("0 close(3) 0\n",
                "t.pkt:1:12: expected '= RET' after close(...), found '0'");
  assert_syntax("0 close(3)\n",
                "t.pkt:1:11: expected '= RET' after close(...), found end of line");
  assert_syntax("0 close(3) =\n",
                "t.pkt:1:13: expected the return value after '=', found end of line");
  assert_syntax("0 close 3) = 0\n", "t.pkt:1:9: expected '(' after 'close', found '3'");
  assert_syntax("0 close(3,) = 0\n", "t.pkt:1:11: expected an argument");
  assert_syntax("0 fcntl(3, O_RDWR|) = 0\n", "t.pkt:1:19: expected a name after '|'");
  assert_syntax("0 close(3) = 0 Enope\n",
                "t.pkt:1:16: unexpected 'Enope' after system call");
  assert_syntax("0 close(3) = -1 EBADF text\n",
                "t.pkt:1:23: unexpected 'text' after system call");
}

static void
garbage_and_misplaced_lines_are_errors(void)
{
  assert_syntax("0 close(3) = 0\nfoo bar\n",
                "t.pkt:2:1: expected a time, option, `shell` block or comment, "
                "found 'foo'");
  assert_syntax("  ...\n",
                "t.pkt:1:3: expected a time, option, `shell` block or comment, found '.'");
  assert_syntax("0 close(3) = 0\n  --tolerance_usecs=1\n",
                "t.pkt:2:3: option '--tolerance_usecs' after the first event");
  assert_syntax("--=1\n0 close(3) = 0\n", "t.pkt:1:3: expected an option name after '--'");
  assert_syntax("--a b\n0 close(3) = 0\n", "t.pkt:1:5: unexpected 'b' after option");
  assert_syntax("0 ! x\n",
                "t.pkt:1:3: expected '<', '>', a system call or '%{' after the time");
  assert_syntax("0 < S 0:0(0) win 1 [ect0]\n",
                "t.pkt:1:20: unexpected '[ect0]' after packet");
  assert_syntax("0 < . 1:1(0) win 1 ack 1\n", "t.pkt:1:20: unexpected 'ack' after packet");
  assert_syntax("`a` b\n0 close(3) = 0\n", "t.pkt:1:5: unexpected 'b' after `...` block");
  assert_syntax("0 %{ x }% y\n", "t.pkt:1:11: unexpected 'y' after '}%'");
}

static void
failure_comment_misuse_is_an_error(void)
{
  assert_syntax("0 close(3) = 0\n// Failure: a\n+0 close(3) = 0\n"
                " // Failure: b\n+0 close(3) = 0\n",
                "t.pkt:4:2: a second '// Failure:' comment (the first is on line 2)");
  assert_syntax("0 close(3) = 0\n// Failure: a\n",
                "t.pkt:2:1: no event after the '// Failure:'");
  assert_syntax("// Failure:   \n0 close(3) = 0\n",
                "t.pkt:1:1: '// Failure:' without the text");
}

static void
truncated_input_is_an_error_at_its_end(void)
{
  assert_syntax("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(",
                "t.pkt:2:12: expected the length, found end of file");
  assert_syntax("0 close(3) = 0\n+0 <", "t.pkt:2:5: expected TCP flags");
  assert_syntax("0 close(3) = 0\n+",
                "t.pkt:2:2: expected a time in seconds, found end of file");
  assert_syntax("0 close(3) = 0\n+0",
                "t.pkt:2:3: expected '<', '>', a system call or '%{' after "
                "the time, found end of file");
  assert_syntax("0 close(3) = ",
                "t.pkt:1:14: expected the return value after '=', found end of file");
  assert_syntax("0 < S 0:0(0) <mss",
                "t.pkt:1:18: expected the mss value, found end of file");

  /* every prefix of a script using each construct parses or fails cleanly, never crashes
   * or reads past the end (ASan watches) */
  static const char full[] =
    "--tolerance_usecs=10000\n"
    "`../common/defaults.sh\n x`\n"
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
    "+.1...0.200 setsockopt(3, SOL_SOCKET, SO_REUSEADDR|X, [1], 4) = 0\n"
    "+0 < S 0:10(10) win 32792 <mss 1460,sackOK,TS val 1 ecr 0,FO ab,sack 1:2 3:4,nop>\n"
    "+.3~+.400 > S. 0:0(0) ack 11 <...>\n"
    "// Failure: boom\n"
    "* > F. 1:1(0) ack 11\n"
    "+.005 %{ assert tcpi_state == TCP_CLOSE }%\n"
    "+0 write(4, ..., 100) = -1 ECONNRESET(Connection reset by peer)\n";
  g_autoptr(PdScript) whole = parse_ok(full);
  CU_ASSERT_PTR_NOT_NULL_FATAL(whole);
  CU_ASSERT_EQUAL(whole->nevents, 7);
  for (size_t n = 0; n < sizeof full - 1; n++) {
    /* a heap copy of exactly n bytes, so that ASan catches any read past the NUL */
    char *prefix = g_strndup(full, n);
    GError *err = NULL;
    PdScript *s = pd_script_parse("t.pkt", prefix, &err);
    if (s == NULL) {
      CU_ASSERT_PTR_NOT_NULL_FATAL(err);
      CU_ASSERT_EQUAL(err->code, SIM_ERROR_SYNTAX);
      CU_ASSERT_TRUE(g_str_has_prefix(err->message, "t.pkt:"));
      g_clear_error(&err);
    } else {
      CU_ASSERT_PTR_NULL(err);
    }
    pd_script_free(s);
    g_free(prefix);
  }
}

static void
script_without_events_is_an_error(void)
{
  assert_syntax("", "t.pkt:1:1: no events");
  assert_syntax("// only a comment\n--x=1\n`a`\n", "t.pkt:4:1: no events");
}

static void
unreadable_file_is_an_io_error(void)
{
  GError *err = NULL;
  PdScript *s = pd_script_load(SYNACK_TEST_DATA_DIR "/no-such-script.pkt", &err);
  CU_ASSERT_PTR_NULL(s);
  TEST_ASSERT_ERROR(err, SIM_ERROR_IO, SYNACK_TEST_DATA_DIR "/no-such-script.pkt: ");
}

static void
nul_byte_in_a_file_is_an_error(void)
{
  GError *err = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp("pd_script_XXXXXX.pkt", &path, &err);
  CU_ASSERT_FATAL(fd >= 0);
  g_close(fd, NULL);
  static const char text[] = "0 close(3) = 0\n+0\0 close(3) = 0\n";
  CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text, sizeof text - 1, &err));
  PdScript *s = pd_script_load(path, &err);
  CU_ASSERT_PTR_NULL(s);
  g_autofree char *needle = g_strdup_printf("%s:2:3: unexpected NUL byte", path);
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, needle);
  g_remove(path);
  g_free(path);
}

/* ---- the public scripts ---------------------------------------------------------- */

static void
count_scripts(const char *dir, guint *n)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  if (d == NULL)
    return;
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
      count_scripts(path, n);
    else if (g_str_has_suffix(name, ".pkt"))
      (*n)++;
  }
  g_dir_close(d);
}

static void
all_public_scripts_parse(void)
{
  /* missing scripts must fail here, not skip */
  CU_ASSERT_TRUE_FATAL(g_file_test(PD_SCRIPTS_DIR, G_FILE_TEST_IS_DIR));
  guint found = 0;
  count_scripts(PD_SCRIPTS_DIR, &found);
  CU_ASSERT_EQUAL(found, G_N_ELEMENTS(public_scripts));
  for (size_t i = 0; i < G_N_ELEMENTS(public_scripts); i++) {
    g_autoptr(PdScript) s = load_public(public_scripts[i]);
    if (s == NULL) {
      fprintf(stderr, "\n  %s did not parse\n", public_scripts[i]);
      CU_FAIL("a public script did not parse");
      continue;
    }
    CU_ASSERT(s->nevents >= 5);
    CU_ASSERT(s->nshells >= 1);
    CU_ASSERT_EQUAL(s->events[0].nominal, 0);
    CU_ASSERT(g_str_has_suffix(s->path, public_scripts[i]));
  }
}

static void
packet_timeout_expects_failure_at_third_syn(void)
{
  g_autoptr(PdScript) s = load_public("packetdrill/tests/packet-timeout.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 5);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s->expect_fail);
  CU_ASSERT_PTR_NOT_NULL(strstr(s->expect_fail, "Timed out waiting for packet"));
  CU_ASSERT_EQUAL(s->expect_fail_event, 4);
  const PdEvent *e = &s->events[4];
  CU_ASSERT_EQUAL(e->kind, PD_EVENT_PACKET);
  CU_ASSERT_FALSE(e->packet.inbound);
  CU_ASSERT_EQUAL(e->packet.flags, TCP_SYN);
  CU_ASSERT_EQUAL(e->packet.opts.ts_val, 3100);
  CU_ASSERT_EQUAL(e->nominal, 3 * SIM_S);
  CU_ASSERT_EQUAL(e->line, 13);
  /* +0...30 connect */
  CU_ASSERT_TRUE(s->events[1].time.blocking);
  CU_ASSERT_EQUAL(s->events[1].time.end, 30 * SIM_S);
  CU_ASSERT_STRING_EQUAL(s->events[1].call.err, "ETIMEDOUT");
  CU_ASSERT_STRING_EQUAL(s->events[1].call.err_text, "Connection Timed Out");
  CU_ASSERT_EQUAL_FATAL(s->nshells, 2);
  CU_ASSERT_EQUAL(g_strv_length(s->shells[0].commands), 2);
  CU_ASSERT_EQUAL(s->shells[0].before_event, 0);
  CU_ASSERT_EQUAL(s->shells[1].before_event, 5);
  CU_ASSERT_STRING_EQUAL(s->shells[1].commands[0], "/tmp/sysctl_restore_${PPID}.sh");
}

static void
user_timeout_has_three_ranges(void)
{
  g_autoptr(PdScript) s = load_public("tcp/user_timeout/user_timeout.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 16);
  static const struct {
    SimTime start, end, nominal;
  } want[] = {
    { 300 * SIM_MS, 400 * SIM_MS, 2400 * SIM_MS },
    { 300 * SIM_MS, 400 * SIM_MS, 2700 * SIM_MS },
    { 600 * SIM_MS, 800 * SIM_MS, 3300 * SIM_MS },
  };
  for (guint i = 0; i < 3; i++) {
    const PdEvent *e = &s->events[11 + i];
    CU_ASSERT_TRUE(e->time.range);
    CU_ASSERT_EQUAL(e->time.kind, PD_TIME_RELATIVE);
    CU_ASSERT_EQUAL(e->time.start, want[i].start);
    CU_ASSERT_EQUAL(e->time.end, want[i].end);
    CU_ASSERT_EQUAL(e->nominal, want[i].nominal);
    CU_ASSERT_EQUAL(e->packet.flags, TCP_FIN | TCP_ACK);
  }
  const PdSyscall *c = &s->events[8].call;
  CU_ASSERT_STRING_EQUAL(c->name, "setsockopt");
  CU_ASSERT_EQUAL_FATAL(c->nargs, 5);
  CU_ASSERT_STRING_EQUAL(c->args[2].names[0], "TCP_USER_TIMEOUT");
  CU_ASSERT_EQUAL(c->args[3].kind, PD_ARG_ARRAY);
  CU_ASSERT_EQUAL(c->args[3].value, 3000);
  CU_ASSERT_EQUAL(s->events[15].packet.flags, TCP_RST);
}

static void
blocking_read_has_its_window_and_tolerance(void)
{
  g_autoptr(PdScript) s = load_public("tcp/blocking/blocking-read.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  const PdOption *o = pd_script_option(s, "tolerance_usecs");
  CU_ASSERT_PTR_NOT_NULL_FATAL(o);
  CU_ASSERT_STRING_EQUAL(o->value, "10000");
  CU_ASSERT_EQUAL_FATAL(s->nevents, 18);
  const PdEvent *e = &s->events[11];
  CU_ASSERT_STRING_EQUAL(e->call.name, "read");
  CU_ASSERT_TRUE(e->time.blocking);
  CU_ASSERT_EQUAL(e->time.start, 100 * SIM_MS);
  CU_ASSERT_EQUAL(e->time.end, 200 * SIM_MS);
  CU_ASSERT_EQUAL(e->nominal, 400 * SIM_MS);
  CU_ASSERT_EQUAL(e->line, 21);
  CU_ASSERT_EQUAL(e->column, 3);
  CU_ASSERT_TRUE(s->events[17].time.blocking);
  CU_ASSERT_EQUAL(s->events[17].time.end, 0);
}

static void
reset_non_tfo_socket_has_errno_and_commands(void)
{
  g_autoptr(PdScript) s = load_public("tcp/fastopen/server/reset-non-tfo-socket.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(s->nevents, 15);
  const PdSyscall *c = &s->events[12].call;
  CU_ASSERT_STRING_EQUAL(c->name, "write");
  CU_ASSERT_EQUAL(c->ret, -1);
  CU_ASSERT_STRING_EQUAL(c->err, "ECONNRESET");
  CU_ASSERT_STRING_EQUAL(c->err_text, "Connection reset by peer");
  CU_ASSERT_EQUAL(s->events[11].kind, PD_EVENT_COMMAND);
  CU_ASSERT_STRING_EQUAL(s->events[11].command,
                         "assert tcpi_state == TCP_CLOSE, tcpi_state");
  CU_ASSERT_TRUE(s->events[4].packet.opts.fast_open);
  CU_ASSERT_TRUE(s->events[5].packet.opts.fast_open);   /* FOEXP TFO_COOKIE */
  CU_ASSERT_EQUAL(s->events[8].packet.flags, TCP_RST | TCP_ACK);
  CU_ASSERT_FALSE(s->events[8].packet.has_ack);

  g_autoptr(PdScript) opt34 =
    load_public("tcp/fastopen/server/opt34/reset-non-tfo-socket.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(opt34);
  const PdOption *o = pd_script_option(opt34, "remote_ip");
  CU_ASSERT_PTR_NOT_NULL_FATAL(o);
  CU_ASSERT_STRING_EQUAL(o->value, "192.0.2.1");
  CU_ASSERT_EQUAL(opt34->noptions, 2);
}

static void
other_public_scripts_details(void)
{
  g_autoptr(PdScript) fin = load_public("tcp/ts_recent/fin_tsval.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(fin);
  const PdEvent *last = &fin->events[fin->nevents - 1];
  CU_ASSERT_EQUAL(last->packet.flags, TCP_FIN | TCP_ACK);
  CU_ASSERT_EQUAL(last->packet.opts.ts_val, 1200);
  CU_ASSERT_EQUAL(last->packet.opts.ts_ecr, 200);
  CU_ASSERT_EQUAL(last->nominal, 1100 * SIM_MS);

  g_autoptr(PdScript) noflags =
    load_public("tcp/validate/validate-established-no-flags.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(noflags);
  const PdPacket *p = &noflags->events[8].packet;
  CU_ASSERT_EQUAL(p->flags, 0);
  CU_ASSERT_FALSE(p->has_ack);
  CU_ASSERT_EQUAL(p->len, 1000);

  g_autoptr(PdScript) siocinq = load_public("tcp/ioctl/ioctl-siocinq-fin.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(siocinq);
  CU_ASSERT_EQUAL(siocinq->events[13].packet.flags, TCP_FIN | TCP_PSH | TCP_ACK);
  CU_ASSERT_EQUAL(siocinq->events[10].call.args[2].value, 1000);

  g_autoptr(PdScript) close_local =
    load_public("tcp/close/close-local-close-then-remote-fin.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(close_local);
  CU_ASSERT_EQUAL(close_local->events[1].time.start, 10 * SIM_MS);
  CU_ASSERT_EQUAL(close_local->events[1].time.end, 11 * SIM_MS);
  CU_ASSERT_TRUE(close_local->events[2].packet.opts.any);

  g_autoptr(PdScript) queue =
    load_public("tcp/shutdown/shutdown-rdwr-write-queue-close.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(queue);
  const PdEvent *tlp = &queue->events[15];
  CU_ASSERT_TRUE(tlp->time.range);
  CU_ASSERT_EQUAL(tlp->time.start, 10 * SIM_MS);
  CU_ASSERT_EQUAL(tlp->time.end, 15 * SIM_MS);

  g_autoptr(PdScript) invalid = load_public("tcp/ts_recent/invalid_ack.pkt");
  CU_ASSERT_PTR_NOT_NULL_FATAL(invalid);
  CU_ASSERT_EQUAL(g_strv_length(invalid->shells[0].commands), 1);
  CU_ASSERT_EQUAL(invalid->events[0].line, 7);
}

void test_pd_script_register(void);
void
test_pd_script_register(void)
{
  static const CU_TestInfo tests[] = {
    { "absolute_and_relative_times_are_exact_nanoseconds",
      absolute_and_relative_times_are_exact_nanoseconds },
    { "any_time_takes_the_previous_nominal", any_time_takes_the_previous_nominal },
    { "blocking_window_ends_in_the_base_of_its_start",
      blocking_window_ends_in_the_base_of_its_start },
    { "range_on_outbound_packets", range_on_outbound_packets },
    { "every_flag_spelling", every_flag_spelling },
    { "sequence_length_ack_and_window", sequence_length_ack_and_window },
    { "tcp_options", tcp_options },
    { "syscall_arguments_return_and_errno", syscall_arguments_return_and_errno },
    { "commands_may_span_lines", commands_may_span_lines },
    { "shell_blocks_split_into_commands", shell_blocks_split_into_commands },
    { "option_lines_and_lookup", option_lines_and_lookup },
    { "failure_comment_marks_the_next_event", failure_comment_marks_the_next_event },
    { "comments_blank_lines_and_crlf", comments_blank_lines_and_crlf },
    { "time_going_backwards_is_an_error", time_going_backwards_is_an_error },
    { "window_end_before_start_is_an_error", window_end_before_start_is_an_error },
    { "range_and_any_only_on_outbound_packets", range_and_any_only_on_outbound_packets },
    { "window_only_on_system_calls", window_only_on_system_calls },
    { "bad_flags_are_errors", bad_flags_are_errors },
    { "packet_numbers_must_agree", packet_numbers_must_agree },
    { "number_overflow_is_an_error", number_overflow_is_an_error },
    { "too_many_decimals_is_an_error", too_many_decimals_is_an_error },
    { "unknown_or_malformed_option_is_an_error", unknown_or_malformed_option_is_an_error },
    { "unterminated_blocks_are_errors", unterminated_blocks_are_errors },
    { "malformed_system_calls_are_errors", malformed_system_calls_are_errors },
    { "garbage_and_misplaced_lines_are_errors", garbage_and_misplaced_lines_are_errors },
    { "failure_comment_misuse_is_an_error", failure_comment_misuse_is_an_error },
    { "truncated_input_is_an_error_at_its_end", truncated_input_is_an_error_at_its_end },
    { "script_without_events_is_an_error", script_without_events_is_an_error },
    { "unreadable_file_is_an_io_error", unreadable_file_is_an_io_error },
    { "nul_byte_in_a_file_is_an_error", nul_byte_in_a_file_is_an_error },
    { "all_public_scripts_parse", all_public_scripts_parse },
    { "packet_timeout_expects_failure_at_third_syn",
      packet_timeout_expects_failure_at_third_syn },
    { "user_timeout_has_three_ranges", user_timeout_has_three_ranges },
    { "blocking_read_has_its_window_and_tolerance",
      blocking_read_has_its_window_and_tolerance },
    { "reset_non_tfo_socket_has_errno_and_commands",
      reset_non_tfo_socket_has_errno_and_commands },
    { "other_public_scripts_details", other_public_scripts_details },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("pd_script", tests);
}
