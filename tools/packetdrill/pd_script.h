/* pd_script: the packetdrill script language, the subset the public TCP lifecycle
 * scripts use, parsed into a list of events. Parsing knows nothing of TCP models: it
 * checks form only (numbers, flags, where ranges are legal, times that go backwards) and
 * reports each error as "FILE:LINE:COL: what was expected" (SIM_ERROR_SYNTAX). What the
 * events mean is pd_run's business.
 *
 * A script is a sequence of lines:
 *   // comment                            (a "// Failure: TEXT" comment marks the script as
 *                                           a negative test failing at the next event)
 *   --name=value                          per-script option (before the first event)
 *   `shell ...`                           backtick block, possibly over several lines
 *   TIME < FLAGS START:END(LEN) [ack N] [win N] [<options>]     inbound packet
 *   TIME > FLAGS START:END(LEN) [ack N] [win N] [<options>]     outbound packet
 *   TIME name(arg, arg, ...) = RET [ERRNO [(free text)]]        system call
 *   TIME %{ python text }%                                      command (may span lines)
 * TIME is `N` (absolute seconds), `+N` (offset from the previous event), `*` (any time,
 * outbound packets only), `T1...T2` (a blocking call's window, system calls only; T2 has
 * no `+` and is in the same base as T1) or `T1~T2` (outbound packets only; T2 carries a
 * `+` exactly when T1 does). Numbers of seconds may be written `.1`, `0.200`, `1`, `30`. */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "sim_time.h"

G_BEGIN_DECLS

typedef enum {
  PD_TIME_ABSOLUTE,   /* `0.1`: seconds since the script started */
  PD_TIME_RELATIVE,   /* `+0.1`: seconds after the previous event's time */
  PD_TIME_ANY,        /* `*`: whenever it comes (outbound packets only) */
} PdTimeKind;

typedef struct {
  PdTimeKind kind;
  SimTime start;        /* the value written (offset or absolute); 0 for ANY */
  gboolean blocking;    /* `...`: a system call allowed to block until `end` */
  gboolean range;       /* `~`: an outbound packet allowed anywhere in [start, end] */
  SimTime end;          /* if blocking or range: the end value, same base as start */
} PdTime;

/* TCP option list of a packet line. Options are parsed, and kept for the runner to
 * honour or ignore (pd_run uses mss and wscale of inbound packets). */
typedef struct {
  gboolean present;     /* a `<...>` list was written */
  gboolean any;         /* `<...>`: matches any options */
  int mss;              /* `mss N`; -1 if absent */
  int wscale;           /* `wscale N`; -1 if absent */
  gboolean sack_ok;     /* `sackOK` */
  gboolean timestamp;   /* `TS val N ecr N` */
  uint32_t ts_val, ts_ecr;
  gboolean fast_open;   /* `FO cookie` or `FOEXP cookie` (cookie text not kept) */
} PdOptions;

typedef struct {
  gboolean inbound;     /* `<`: from the script's peer to the tested host; `>`: outbound */
  uint8_t flags;        /* TCP_SYN | TCP_ACK ... from segment.h; `-` is 0 */
  uint32_t start, end;  /* `start:end`, relative to the sender's ISN */
  uint32_t len;         /* `(len)`; equals end - start */
  gboolean has_ack;
  uint32_t ack;         /* `ack N`: relative to the receiver's ISN */
  gboolean has_win;
  uint32_t win;         /* `win N`: the 16-bit window field as written */
  PdOptions opts;
} PdPacket;

typedef enum {
  PD_ARG_ELLIPSIS,      /* `...` */
  PD_ARG_INT,           /* `3`, `1000`, `-1` */
  PD_ARG_NAMES,         /* `SOCK_STREAM`, `O_RDWR|O_NONBLOCK`: one or more names or-ed */
  PD_ARG_ARRAY,         /* `[1]`, `[3000]`: one integer in brackets */
} PdArgKind;

typedef struct {
  PdArgKind kind;
  int64_t value;        /* INT and ARRAY */
  char **names;         /* NAMES: NULL-terminated, in the order written */
} PdArg;

typedef struct {
  char *name;           /* "socket", "connect", ... (any identifier; pd_run checks) */
  PdArg *args;
  guint nargs;
  int64_t ret;          /* `= N` */
  char *err;            /* `EINPROGRESS` after `= -1`, or NULL */
  char *err_text;       /* the free text in parentheses after the errno, or NULL */
} PdSyscall;

typedef enum {
  PD_EVENT_PACKET,
  PD_EVENT_SYSCALL,
  PD_EVENT_COMMAND,     /* `%{ ... }%` */
} PdEventKind;

typedef struct {
  PdEventKind kind;
  int line, column;     /* where the event starts (1-based) */
  PdTime time;
  SimTime nominal;      /* absolute start time assuming every event happens on time */
  PdPacket packet;      /* PACKET */
  PdSyscall call;       /* SYSCALL */
  char *command;        /* COMMAND: the text between `%{` and `}%`, trimmed */
} PdEvent;

/* One backtick block, split into commands (one per non-blank line inside the block,
 * whitespace-trimmed). Which commands mean something is pd_run's business. */
typedef struct {
  int line;             /* line of the opening backtick */
  char **commands;      /* NULL-terminated */
  guint before_event;   /* index of the first event after the block (nevents if none) */
} PdShell;

typedef struct {
  int line;
  char *name;           /* `--tolerance_usecs=10000`: "tolerance_usecs" */
  char *value;          /* "10000"; "" when written without `=` */
} PdOption;

typedef struct {
  char *path;           /* as given to the parser, used in every message */
  PdEvent *events;
  guint nevents;
  PdShell *shells;
  guint nshells;
  PdOption *options;
  guint noptions;
  /* "// Failure: TEXT": the script is expected to fail at event `expect_fail_event`
   * (the first event after the comment) with a message containing TEXT. */
  char *expect_fail;    /* TEXT, or NULL */
  guint expect_fail_event;
} PdScript;

/* Parses @text (NUL-terminated), naming it @path in messages. Returns NULL and sets
 * @error (SIM_ERROR_SYNTAX: "PATH:LINE:COL: problem") on the first error. */
PdScript *pd_script_parse(const char *path, const char *text, GError **error);
/* Reads and parses the file at @path (SIM_ERROR_IO when it cannot be read). */
PdScript *pd_script_load(const char *path, GError **error);
void pd_script_free(PdScript *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdScript, pd_script_free)

/* The option named @name (last one wins), or NULL. */
const PdOption *pd_script_option(const PdScript *s, const char *name);

G_END_DECLS
