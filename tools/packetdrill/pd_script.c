/* pd_script: a hand-written scanner for the packetdrill subset described in pd_script.h.
 * One pass over the whole text with a cursor, so that blocks spanning lines (`...`,
 * %{ }%) need no special case and every message can name the line and column (in bytes,
 * 1-based) where the text stopped making sense. Times are read as decimal digits into
 * integer nanoseconds: no floating point, so `.1` is exactly 100000000. */
#include "pd_script.h"
#include "segment.h"
#include "sim_error.h"

#include <stdarg.h>
#include <string.h>

typedef struct {
  const char *path;
  const char *text;
  const char *p;            /* next character to read */
  int line;                 /* line of p (1-based) */
  const char *line_start;   /* first character of that line */
  GArray *events;           /* PdEvent */
  GArray *shells;           /* PdShell */
  GArray *options;          /* PdOption */
  char *expect_fail;
  guint expect_fail_event;
  const char *expect_fail_at;   /* where the "// Failure:" comment is */
  SimTime last_nominal;     /* nominal time of the previous event (0 before the first) */
  GError **error;
} Parser;

/* ---- freeing --------------------------------------------------------------------- */

static void
arg_clear(gpointer p)
{
  PdArg *a = p;
  g_strfreev(a->names);
}

static void
event_clear(gpointer p)
{
  PdEvent *e = p;
  g_free(e->call.name);
  for (guint i = 0; i < e->call.nargs; i++)
    arg_clear(&e->call.args[i]);
  g_free(e->call.args);
  g_free(e->call.err);
  g_free(e->call.err_text);
  g_free(e->command);
}

static void
shell_clear(gpointer p)
{
  PdShell *sh = p;
  g_strfreev(sh->commands);
}

static void
option_clear(gpointer p)
{
  PdOption *o = p;
  g_free(o->name);
  g_free(o->value);
}

void
pd_script_free(PdScript *s)
{
  if (s == NULL)
    return;
  for (guint i = 0; i < s->nevents; i++)
    event_clear(&s->events[i]);
  g_free(s->events);
  for (guint i = 0; i < s->nshells; i++)
    shell_clear(&s->shells[i]);
  g_free(s->shells);
  for (guint i = 0; i < s->noptions; i++)
    option_clear(&s->options[i]);
  g_free(s->options);
  g_free(s->expect_fail);
  g_free(s->path);
  g_free(s);
}

/* ---- positions and errors -------------------------------------------------------- */

static void
locate(const Parser *ps, const char *at, int *line, int *col)
{
  if (at >= ps->line_start) {
    *line = ps->line;
    *col = (int)(at - ps->line_start) + 1;
    return;
  }
  /* an earlier line (the opening of an unterminated block): count from the top */
  int l = 1;
  const char *start = ps->text;
  for (const char *q = ps->text; q < at; q++)
    if (*q == '\n') {
      l++;
      start = q + 1;
    }
  *line = l;
  *col = (int)(at - start) + 1;
}

static gboolean
is_word_char(char c)
{
  return g_ascii_isalnum(c) || c == '_';
}

static gboolean
is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

static gboolean
is_line_end(char c)
{
  return c == '\n' || c == '\0';
}

/* What is at @p, for "found ..." and "unexpected ...": a whole word when @p starts one,
 * with @run everything up to the next blank, else one character. */
static char *
describe(const char *p, gboolean run)
{
  if (*p == '\0')
    return g_strdup("end of file");
  if (*p == '\n' || (*p == '\r' && p[1] == '\n'))
    return g_strdup("end of line");
  if (!g_ascii_isprint(*p))
    return g_strdup_printf("byte 0x%02x", (unsigned char)*p);
  size_t n = 0;
  if (run)
    while (g_ascii_isgraph(p[n]))
      n++;
  else if (is_word_char(*p))
    while (is_word_char(p[n]))
      n++;
  else
    n = 1;
  if (n > 24)
    return g_strdup_printf("'%.24s...'", p);
  return g_strdup_printf("'%.*s'", (int)n, p);
}

static gboolean fail(Parser *ps, const char *at, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean fail_expected(Parser *ps, const char *at, const char *fmt, ...)
  G_GNUC_PRINTF(3, 4);

/* Sets the error "PATH:LINE:COL: message" for position @at; returns FALSE. */
static gboolean
fail(Parser *ps, const char *at, const char *fmt, ...)
{
  int line, col;
  locate(ps, at, &line, &col);
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(ps->error, SIM_ERROR, SIM_ERROR_SYNTAX, "%s:%d:%d: %s", ps->path, line, col,
              msg);
  return FALSE;
}

/* "expected WHAT, found X" where X is what is at @at. */
static gboolean
fail_expected(Parser *ps, const char *at, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *what = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_autofree char *found = describe(at, FALSE);
  return fail(ps, at, "expected %s, found %s", what, found);
}

/* ---- the cursor ------------------------------------------------------------------ */

static void
skip_blanks(Parser *ps)
{
  while (is_blank(*ps->p))
    ps->p++;
}

/* Moves the cursor forward to @to, keeping the line count. */
static void
advance_to(Parser *ps, const char *to)
{
  for (; ps->p < to; ps->p++)
    if (*ps->p == '\n') {
      ps->line++;
      ps->line_start = ps->p + 1;
    }
}

static gboolean
looking_at(const Parser *ps, const char *s)
{
  return strncmp(ps->p, s, strlen(s)) == 0;
}

/* @w as a whole word at the cursor. */
static gboolean
word_is(const Parser *ps, const char *w)
{
  size_t n = strlen(w);
  return strncmp(ps->p, w, n) == 0 && !is_word_char(ps->p[n]);
}

static size_t
word_len(const char *p)
{
  size_t n = 0;
  while (is_word_char(p[n]))
    n++;
  return n;
}

static gboolean
is_ident_start(char c)
{
  return g_ascii_isalpha(c) || c == '_';
}

/* ---- numbers --------------------------------------------------------------------- */

/* An unsigned decimal number at most @max, naming @what in messages. */
static gboolean
parse_uint(Parser *ps, const char *what, uint64_t max, uint64_t *out)
{
  const char *start = ps->p;
  if (!g_ascii_isdigit(*start))
    return fail_expected(ps, start, "%s", what);
  uint64_t v = 0;
  gboolean too_big = FALSE;
  for (; g_ascii_isdigit(*ps->p); ps->p++) {
    unsigned d = (unsigned)(*ps->p - '0');
    if (v > (max - d) / 10)
      too_big = TRUE;
    else
      v = v * 10 + d;
  }
  if (too_big)
    return fail(ps, start, "%.*s is too large for %s (at most %" G_GUINT64_FORMAT ")",
                (int)(ps->p - start), start, what, max);
  *out = v;
  return TRUE;
}

static gboolean
parse_u32(Parser *ps, const char *what, uint32_t *out)
{
  uint64_t v;
  if (!parse_uint(ps, what, UINT32_MAX, &v))
    return FALSE;
  *out = (uint32_t)v;
  return TRUE;
}

/* A signed decimal integer (system call arguments and return values). */
static gboolean
parse_i64(Parser *ps, const char *what, int64_t *out)
{
  const char *start = ps->p;
  gboolean negative = *ps->p == '-';
  if (negative)
    ps->p++;
  if (!g_ascii_isdigit(*ps->p))
    return fail_expected(ps, start, "%s", what);
  /* the magnitude of INT64_MIN is one more than INT64_MAX */
  uint64_t limit = (uint64_t)INT64_MAX + (negative ? 1 : 0);
  uint64_t v = 0;
  gboolean too_big = FALSE;
  for (; g_ascii_isdigit(*ps->p); ps->p++) {
    unsigned d = (unsigned)(*ps->p - '0');
    if (v > (limit - d) / 10)
      too_big = TRUE;
    else
      v = v * 10 + d;
  }
  if (too_big)
    return fail(ps, start, "%.*s does not fit in 64 bits", (int)(ps->p - start), start);
  *out = negative ? (v == 0 ? 0 : -(int64_t)(v - 1) - 1) : (int64_t)v;
  return TRUE;
}

/* Seconds written `30`, `1.5`, `.1`, `0.200`, into exact nanoseconds. A point is a
 * decimal point only when a digit follows, so that `0...0.2` reads as 0, `...`, 0.2. */
static gboolean
parse_seconds(Parser *ps, SimTime *out)
{
  const char *start = ps->p, *end = ps->p;
  while (g_ascii_isdigit(*end))
    end++;
  const char *int_end = end;
  if (*end == '.' && g_ascii_isdigit(end[1])) {
    end++;
    while (g_ascii_isdigit(*end))
      end++;
  }
  if (end == start)
    return fail_expected(ps, start, "a time in seconds");
  int len = (int)(end - start);
  int ndec = int_end < end ? (int)(end - int_end) - 1 : 0;
  if (ndec > 9)
    return fail(ps, start,
                "%.*s has more than 9 decimals (a nanosecond is the finest time)", len,
                start);
  uint64_t whole = 0;
  for (const char *q = start; q < int_end; q++) {
    whole = whole * 10 + (uint64_t)(*q - '0');
    if (whole > (uint64_t)(INT64_MAX / SIM_S))
      return fail(ps, start, "%.*s seconds is too large a time", len, start);
  }
  uint64_t frac = 0;
  for (int i = 0; i < 9; i++)
    frac = frac * 10 + (uint64_t)(i < ndec ? int_end[1 + i] - '0' : 0);
  uint64_t total = whole * (uint64_t)SIM_S + frac;
  if (total > (uint64_t)INT64_MAX)
    return fail(ps, start, "%.*s seconds is too large a time", len, start);
  ps->p = end;
  *out = (SimTime)total;
  return TRUE;
}

/* ---- times ----------------------------------------------------------------------- */

static gboolean
parse_time(Parser *ps, PdTime *t)
{
  if (*ps->p == '*') {
    ps->p++;
    t->kind = PD_TIME_ANY;
    return TRUE;
  }
  gboolean plus = *ps->p == '+';
  if (plus)
    ps->p++;
  t->kind = plus ? PD_TIME_RELATIVE : PD_TIME_ABSOLUTE;
  if (!parse_seconds(ps, &t->start))
    return FALSE;

  gboolean blocking = looking_at(ps, "...");
  if (!blocking && *ps->p != '~')
    return TRUE;
  ps->p += blocking ? 3 : 1;
  const char *end_at = ps->p;
  gboolean end_plus = *ps->p == '+';
  if (blocking && end_plus)
    return fail(ps, end_at, "the end of a '...' window is written without '+' "
                "(it is in the same base as the start)");
  if (!blocking && end_plus != plus)
    return fail(ps, end_at, "%s",
                plus ? "the end of a '~' range must start with '+' like its start"
                     : "the end of a '~' range must not start with '+' when its start "
                       "does not");
  if (end_plus)
    ps->p++;
  if (!parse_seconds(ps, &t->end))
    return FALSE;
  if (t->end < t->start)
    return fail(ps, end_at, "the end of a '%s' %s is before its start",
                blocking ? "..." : "~", blocking ? "window" : "range");
  t->blocking = blocking;
  t->range = !blocking;
  return TRUE;
}

/* ---- comments and line ends ------------------------------------------------------ */

/* A comment from "//" to the end of the line; "// Failure: TEXT" marks the next event
 * as the one where the script is expected to fail. */
static gboolean
parse_comment(Parser *ps)
{
  const char *at = ps->p;
  const char *eol = strchr(at, '\n');
  if (eol == NULL)
    eol = at + strlen(at);
  g_autofree char *body = g_strstrip(g_strndup(at + 2, (size_t)(eol - at - 2)));
  if (g_str_has_prefix(body, "Failure:")) {
    if (ps->expect_fail != NULL) {
      int first_line, first_col;
      locate(ps, ps->expect_fail_at, &first_line, &first_col);
      return fail(ps, at, "a second '// Failure:' comment (the first is on line %d)",
                  first_line);
    }
    g_autofree char *text = g_strstrip(g_strdup(body + strlen("Failure:")));
    if (*text == '\0')
      return fail(ps, at, "'// Failure:' without the text of the expected failure");
    ps->expect_fail = g_steal_pointer(&text);
    ps->expect_fail_event = ps->events->len;
    ps->expect_fail_at = at;
  }
  advance_to(ps, *eol == '\n' ? eol + 1 : eol);
  return TRUE;
}

/* Blanks, then an optional comment, then the end of the line (consumed). */
static gboolean
end_of_line(Parser *ps, const char *after)
{
  skip_blanks(ps);
  if (looking_at(ps, "//"))
    return parse_comment(ps);
  if (*ps->p == '\n') {
    advance_to(ps, ps->p + 1);
    return TRUE;
  }
  if (*ps->p == '\0')
    return TRUE;
  g_autofree char *found = describe(ps->p, TRUE);
  return fail(ps, ps->p, "unexpected %s after %s", found, after);
}

/* ---- packets --------------------------------------------------------------------- */

static gboolean
parse_flags(Parser *ps, uint8_t *flags)
{
  const char *start = ps->p;
  if (*start == '-') {
    ps->p++;
    if (!is_blank(*ps->p) && !is_line_end(*ps->p))
      return fail_expected(ps, ps->p, "a blank after '-' (no flags)");
    *flags = 0;
    return TRUE;
  }
  uint8_t f = 0;
  for (; !is_blank(*ps->p) && !is_line_end(*ps->p); ps->p++) {
    uint8_t bit;
    switch (*ps->p) {
    case 'F': bit = TCP_FIN; break;
    case 'S': bit = TCP_SYN; break;
    case 'R': bit = TCP_RST; break;
    case 'P': bit = TCP_PSH; break;
    case '.': bit = TCP_ACK; break;
    case 'U': case 'E': case 'W':
      /* segment.h has no URG, ECE or CWR bits: a script using them cannot be played */
      return fail(ps, ps->p,
                  "unsupported TCP flag '%c' (URG, ECE and CWR are not modelled)", *ps->p);
    default:
      return fail_expected(ps, ps->p, "TCP flags (F S R P ., or '-' for none)");
    }
    if (f & bit)
      return fail(ps, ps->p, "TCP flag '%c' written twice", *ps->p);
    f |= bit;
  }
  if (ps->p == start)
    return fail_expected(ps, start, "TCP flags (F S R P ., or '-' for none)");
  *flags = f;
  return TRUE;
}

/* A cookie after FO/FOEXP: hex digits or a name such as TFO_COOKIE; not kept. */
static void
skip_cookie(Parser *ps)
{
  skip_blanks(ps);
  ps->p += word_len(ps->p);
}

static gboolean
parse_option(Parser *ps, PdOptions *o)
{
  const char *at = ps->p;
  uint64_t v;
  if (word_is(ps, "nop") || word_is(ps, "eol")) {
    ps->p += 3;
  } else if (word_is(ps, "mss")) {
    ps->p += 3;
    skip_blanks(ps);
    if (!parse_uint(ps, "the mss value", 65535, &v))
      return FALSE;
    o->mss = (int)v;
  } else if (word_is(ps, "wscale")) {
    ps->p += 6;
    skip_blanks(ps);
    if (!parse_uint(ps, "the wscale value", 255, &v))
      return FALSE;
    o->wscale = (int)v;
  } else if (word_is(ps, "sackOK")) {
    ps->p += 6;
    o->sack_ok = TRUE;
  } else if (word_is(ps, "TS")) {
    ps->p += 2;
    skip_blanks(ps);
    if (!word_is(ps, "val"))
      return fail_expected(ps, ps->p, "'val' after 'TS'");
    ps->p += 3;
    skip_blanks(ps);
    if (!parse_u32(ps, "the TS val", &o->ts_val))
      return FALSE;
    skip_blanks(ps);
    if (!word_is(ps, "ecr"))
      return fail_expected(ps, ps->p, "'ecr' after the TS val");
    ps->p += 3;
    skip_blanks(ps);
    if (!parse_u32(ps, "the TS ecr", &o->ts_ecr))
      return FALSE;
    o->timestamp = TRUE;
  } else if (word_is(ps, "FO") || word_is(ps, "FOEXP")) {
    ps->p += word_len(ps->p);
    skip_cookie(ps);
    o->fast_open = TRUE;
  } else if (word_is(ps, "sack")) {
    /* SACK blocks: parsed for form only */
    ps->p += 4;
    skip_blanks(ps);
    do {
      uint32_t left, right;
      if (!parse_u32(ps, "a SACK block start", &left))
        return FALSE;
      if (*ps->p != ':')
        return fail_expected(ps, ps->p, "':' in a SACK block");
      ps->p++;
      if (!parse_u32(ps, "a SACK block end", &right))
        return FALSE;
      skip_blanks(ps);
    } while (g_ascii_isdigit(*ps->p));
  } else if (is_ident_start(*at)) {
    return fail(ps, at, "unknown TCP option '%.*s'", (int)word_len(at), at);
  } else {
    return fail_expected(ps, at, "a TCP option");
  }
  return TRUE;
}

/* `<...>` or `<opt, opt, ...>`, the cursor on the '<'. */
static gboolean
parse_options(Parser *ps, PdOptions *o)
{
  ps->p++;
  o->present = TRUE;
  skip_blanks(ps);
  if (looking_at(ps, "...")) {
    ps->p += 3;
    skip_blanks(ps);
    if (*ps->p != '>')
      return fail_expected(ps, ps->p, "'>' after '<...'");
    ps->p++;
    o->any = TRUE;
    return TRUE;
  }
  for (;;) {
    skip_blanks(ps);
    if (!parse_option(ps, o))
      return FALSE;
    skip_blanks(ps);
    if (*ps->p == '>') {
      ps->p++;
      return TRUE;
    }
    if (*ps->p != ',')
      return fail_expected(ps, ps->p, "',' or '>' in the TCP option list");
    ps->p++;
  }
}

/* `< FLAGS START:END(LEN) [ack N] [win N] [<options>]`, the cursor on '<' or '>'. */
static gboolean
parse_packet(Parser *ps, PdPacket *pkt)
{
  pkt->inbound = *ps->p == '<';
  pkt->opts.mss = -1;
  pkt->opts.wscale = -1;
  ps->p++;
  skip_blanks(ps);
  if (!parse_flags(ps, &pkt->flags))
    return FALSE;
  skip_blanks(ps);
  if (!parse_u32(ps, "the sequence start", &pkt->start))
    return FALSE;
  skip_blanks(ps);
  if (*ps->p != ':')
    return fail_expected(ps, ps->p, "':' after sequence start");
  ps->p++;
  skip_blanks(ps);
  const char *end_at = ps->p;
  if (!parse_u32(ps, "the sequence end", &pkt->end))
    return FALSE;
  if (pkt->end < pkt->start)
    return fail(ps, end_at, "sequence end %" G_GUINT32_FORMAT " is before start %"
                G_GUINT32_FORMAT, pkt->end, pkt->start);
  skip_blanks(ps);
  if (*ps->p != '(')
    return fail_expected(ps, ps->p, "'(' and the length after sequence end");
  ps->p++;
  skip_blanks(ps);
  const char *len_at = ps->p;
  if (!parse_u32(ps, "the length", &pkt->len))
    return FALSE;
  if (pkt->len != pkt->end - pkt->start)
    return fail(ps, len_at,
                "length %" G_GUINT32_FORMAT " does not match %" G_GUINT32_FORMAT ":%"
                G_GUINT32_FORMAT " (%" G_GUINT32_FORMAT " bytes)",
                pkt->len, pkt->start, pkt->end, pkt->end - pkt->start);
  skip_blanks(ps);
  if (*ps->p != ')')
    return fail_expected(ps, ps->p, "')' after the length");
  ps->p++;

  skip_blanks(ps);
  if (word_is(ps, "ack")) {
    ps->p += 3;
    skip_blanks(ps);
    if (!parse_u32(ps, "the ack number", &pkt->ack))
      return FALSE;
    pkt->has_ack = TRUE;
    skip_blanks(ps);
  }
  if (word_is(ps, "win")) {
    ps->p += 3;
    skip_blanks(ps);
    uint64_t w;
    if (!parse_uint(ps, "the window", 65535, &w))
      return FALSE;
    pkt->win = (uint32_t)w;
    pkt->has_win = TRUE;
    skip_blanks(ps);
  }
  if (*ps->p == '<' && !parse_options(ps, &pkt->opts))
    return FALSE;
  return end_of_line(ps, "packet");
}

/* ---- system calls ---------------------------------------------------------------- */

static gboolean
parse_arg(Parser *ps, PdArg *a)
{
  if (looking_at(ps, "...")) {
    ps->p += 3;
    a->kind = PD_ARG_ELLIPSIS;
  } else if (g_ascii_isdigit(*ps->p) || (*ps->p == '-' && g_ascii_isdigit(ps->p[1]))) {
    a->kind = PD_ARG_INT;
    return parse_i64(ps, "an integer", &a->value);
  } else if (*ps->p == '[') {
    ps->p++;
    skip_blanks(ps);
    if (!parse_i64(ps, "an integer in '[...]'", &a->value))
      return FALSE;
    skip_blanks(ps);
    if (*ps->p != ']')
      return fail_expected(ps, ps->p, "']' after the integer");
    ps->p++;
    a->kind = PD_ARG_ARRAY;
  } else if (is_ident_start(*ps->p)) {
    a->kind = PD_ARG_NAMES;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    for (;;) {
      size_t n = word_len(ps->p);
      g_ptr_array_add(names, g_strndup(ps->p, n));
      ps->p += n;
      skip_blanks(ps);
      if (*ps->p != '|')
        break;
      ps->p++;
      skip_blanks(ps);
      if (!is_ident_start(*ps->p))
        return fail_expected(ps, ps->p, "a name after '|'");
    }
    g_ptr_array_add(names, NULL);
    a->names = (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
  } else {
    return fail_expected(ps, ps->p, "an argument ('...', an integer, a name or [N])");
  }
  return TRUE;
}

/* `name(args) = RET [ERRNO [(text)]]`, the cursor on the name. */
static gboolean
parse_syscall(Parser *ps, PdSyscall *call)
{
  size_t n = word_len(ps->p);
  call->name = g_strndup(ps->p, n);
  ps->p += n;
  skip_blanks(ps);
  if (*ps->p != '(')
    return fail_expected(ps, ps->p, "'(' after '%s'", call->name);
  ps->p++;

  g_autoptr(GArray) args = g_array_new(FALSE, TRUE, sizeof(PdArg));
  g_array_set_clear_func(args, arg_clear);
  skip_blanks(ps);
  if (*ps->p == ')') {
    ps->p++;
  } else {
    for (;;) {
      PdArg blank = { 0 };
      g_array_append_val(args, blank);
      if (!parse_arg(ps, &g_array_index(args, PdArg, args->len - 1)))
        return FALSE;
      skip_blanks(ps);
      if (*ps->p == ')') {
        ps->p++;
        break;
      }
      if (*ps->p != ',')
        return fail_expected(ps, ps->p, "',' or ')' in the arguments of %s()", call->name);
      ps->p++;
      skip_blanks(ps);
    }
  }
  call->nargs = args->len;
  call->args = (PdArg *)g_array_free(g_steal_pointer(&args), FALSE);

  skip_blanks(ps);
  if (*ps->p != '=')
    return fail_expected(ps, ps->p, "'= RET' after %s(...)", call->name);
  ps->p++;
  skip_blanks(ps);
  if (!parse_i64(ps, "the return value after '='", &call->ret))
    return FALSE;
  skip_blanks(ps);
  /* an errno name is E followed by capitals and digits: EINPROGRESS, EPIPE, E2BIG */
  n = word_len(ps->p);
  gboolean is_errno = n >= 2 && ps->p[0] == 'E';
  for (size_t i = 1; i < n && is_errno; i++)
    is_errno = g_ascii_isupper(ps->p[i]) || g_ascii_isdigit(ps->p[i]);
  if (!is_errno)
    return end_of_line(ps, "system call");
  call->err = g_strndup(ps->p, n);
  ps->p += n;
  skip_blanks(ps);
  if (*ps->p == '(') {
    /* free text, e.g. "(Connection reset by peer)"; nested parentheses allowed */
    const char *opening = ps->p;
    int depth = 0;
    const char *q = opening;
    for (; !is_line_end(*q); q++) {
      depth += *q == '(';
      depth -= *q == ')';
      if (depth == 0)
        break;
    }
    if (depth != 0)
      return fail(ps, opening,
                  "unterminated '(' after %s: expected ')' before the end of the line",
                  call->err);
    call->err_text = g_strstrip(g_strndup(opening + 1, (size_t)(q - opening - 1)));
    ps->p = q + 1;
  }
  return end_of_line(ps, "system call");
}

/* ---- commands, events, blocks, options ------------------------------------------- */

/* `%{ text }%`, possibly over several lines, the cursor on the '%'. */
static gboolean
parse_command(Parser *ps, PdEvent *ev)
{
  const char *opening = ps->p;
  const char *closing = strstr(opening + 2, "}%");
  if (closing == NULL)
    return fail(ps, opening, "unterminated %%{ ... }%% block: no closing '}%%'");
  ev->command = g_strstrip(g_strndup(opening + 2, (size_t)(closing - opening - 2)));
  advance_to(ps, closing + 2);
  return end_of_line(ps, "'}%'");
}

static gboolean
parse_event(Parser *ps)
{
  const char *at = ps->p;
  PdEvent blank = { 0 };
  g_array_append_val(ps->events, blank);
  /* filled in place: the array owns it from now on, so an error frees it too */
  PdEvent *ev = &g_array_index(ps->events, PdEvent, ps->events->len - 1);
  locate(ps, at, &ev->line, &ev->column);
  if (!parse_time(ps, &ev->time))
    return FALSE;

  skip_blanks(ps);
  gboolean outbound_packet = *ps->p == '>';
  if (*ps->p == '<' || *ps->p == '>')
    ev->kind = PD_EVENT_PACKET;
  else if (looking_at(ps, "%{"))
    ev->kind = PD_EVENT_COMMAND;
  else if (is_ident_start(*ps->p))
    ev->kind = PD_EVENT_SYSCALL;
  else
    return fail_expected(ps, ps->p, "'<', '>', a system call or '%%{' after the time");

  /* packetdrill's own rules: only the stack's packets may come whenever or within a
   * range; only a call can block */
  if (ev->time.kind == PD_TIME_ANY && !outbound_packet)
    return fail(ps, at, "'*' (any time) is allowed only on outbound packets");
  if (ev->time.range && !outbound_packet)
    return fail(ps, at, "a '~' range is allowed only on outbound packets");
  if (ev->time.blocking && ev->kind != PD_EVENT_SYSCALL)
    return fail(ps, at, "a '...' window is allowed only on system calls");

  switch (ev->time.kind) {
  case PD_TIME_ABSOLUTE:
    if (ev->time.start < ps->last_nominal) {
      char now[SIM_TIME_FMT_LEN], before[SIM_TIME_FMT_LEN];
      return fail(ps, at, "time goes backwards: %s is before the previous event's %s",
                  sim_time_format(ev->time.start, now, sizeof now),
                  sim_time_format(ps->last_nominal, before, sizeof before));
    }
    ev->nominal = ev->time.start;
    break;
  case PD_TIME_RELATIVE:
    if (ev->time.start > SIM_TIME_MAX - ps->last_nominal)
      return fail(ps, at, "the time overflows 64-bit nanoseconds");
    ev->nominal = ps->last_nominal + ev->time.start;
    break;
  case PD_TIME_ANY:
    ev->nominal = ps->last_nominal;
    break;
  }
  ps->last_nominal = ev->nominal;

  switch (ev->kind) {
  case PD_EVENT_PACKET:  return parse_packet(ps, &ev->packet);
  case PD_EVENT_SYSCALL: return parse_syscall(ps, &ev->call);
  case PD_EVENT_COMMAND: return parse_command(ps, ev);
  }
  g_assert_not_reached();
  return FALSE;
}

/* A `...` block: each non-blank line inside is one command. */
static gboolean
parse_shell(Parser *ps)
{
  const char *opening = ps->p;
  const char *closing = strchr(opening + 1, '`');
  if (closing == NULL)
    return fail(ps, opening, "unterminated `...` block: no closing '`'");
  PdShell sh = { 0 };
  sh.line = ps->line;
  sh.before_event = ps->events->len;
  g_autofree char *body = g_strndup(opening + 1, (size_t)(closing - opening - 1));
  g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
  GPtrArray *commands = g_ptr_array_new();
  for (char **l = lines; *l; l++)
    if (*g_strstrip(*l) != '\0')
      g_ptr_array_add(commands, g_strdup(*l));
  g_ptr_array_add(commands, NULL);
  sh.commands = (char **)g_ptr_array_free(commands, FALSE);
  g_array_append_val(ps->shells, sh);
  advance_to(ps, closing + 1);
  return end_of_line(ps, "`...` block");
}

/* `--name=value` or `--name`. */
static gboolean
parse_option_line(Parser *ps)
{
  const char *at = ps->p;
  ps->p += 2;
  const char *name = ps->p;
  while (is_word_char(*ps->p) || *ps->p == '-')
    ps->p++;
  if (ps->p == name)
    return fail_expected(ps, ps->p, "an option name after '--'");
  size_t name_len = (size_t)(ps->p - name);
  if (ps->events->len > 0)
    return fail(ps, at, "option '--%.*s' after the first event: options must come before "
                "every event", (int)name_len, name);
  const char *value = ps->p;
  if (*ps->p == '=') {
    value = ++ps->p;
    while (!is_blank(*ps->p) && !is_line_end(*ps->p))
      ps->p++;
  } else if (!is_blank(*ps->p) && !is_line_end(*ps->p)) {
    return fail_expected(ps, ps->p, "'=' or the end of the line after '--%.*s'",
                         (int)name_len, name);
  }
  PdOption o = { 0 };
  int col;
  locate(ps, at, &o.line, &col);
  o.name = g_strndup(name, name_len);
  o.value = g_strndup(value, (size_t)(ps->p - value));
  g_array_append_val(ps->options, o);
  return end_of_line(ps, "option");
}

static gboolean
parse_lines(Parser *ps)
{
  for (;;) {
    skip_blanks(ps);
    char c = *ps->p;
    gboolean ok;
    if (c == '\0')
      break;
    if (c == '\n')
      ok = end_of_line(ps, "blank line");
    else if (looking_at(ps, "//"))
      ok = parse_comment(ps);
    else if (looking_at(ps, "--"))
      ok = parse_option_line(ps);
    else if (c == '`')
      ok = parse_shell(ps);
    else if (g_ascii_isdigit(c) || c == '+' || c == '*'
             || (c == '.' && g_ascii_isdigit(ps->p[1])))
      ok = parse_event(ps);
    else
      ok = fail_expected(ps, ps->p, "a time, option, `shell` block or comment");
    if (!ok)
      return FALSE;
  }
  if (ps->events->len == 0)
    return fail(ps, ps->p, "no events: expected at least one packet, system call or "
                "command line");
  if (ps->expect_fail != NULL && ps->expect_fail_event == ps->events->len)
    return fail(ps, ps->expect_fail_at, "no event after the '// Failure:' comment");
  return TRUE;
}

PdScript *
pd_script_parse(const char *path, const char *text, GError **error)
{
  g_return_val_if_fail(path != NULL && text != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  Parser ps = {
    .path = path, .text = text, .p = text, .line = 1, .line_start = text,
    .events = g_array_new(FALSE, TRUE, sizeof(PdEvent)),
    .shells = g_array_new(FALSE, TRUE, sizeof(PdShell)),
    .options = g_array_new(FALSE, TRUE, sizeof(PdOption)),
    .error = error,
  };
  g_array_set_clear_func(ps.events, event_clear);
  g_array_set_clear_func(ps.shells, shell_clear);
  g_array_set_clear_func(ps.options, option_clear);
  if (!parse_lines(&ps)) {
    g_array_unref(ps.events);
    g_array_unref(ps.shells);
    g_array_unref(ps.options);
    g_free(ps.expect_fail);
    return NULL;
  }
  PdScript *s = g_new0(PdScript, 1);
  s->path = g_strdup(path);
  s->nevents = ps.events->len;
  s->events = (PdEvent *)g_array_free(ps.events, FALSE);
  s->nshells = ps.shells->len;
  s->shells = (PdShell *)g_array_free(ps.shells, FALSE);
  s->noptions = ps.options->len;
  s->options = (PdOption *)g_array_free(ps.options, FALSE);
  s->expect_fail = ps.expect_fail;
  s->expect_fail_event = ps.expect_fail_event;
  return s;
}

PdScript *
pd_script_load(const char *path, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr(GError) ferr = NULL;
  if (!g_file_get_contents(path, &text, &len, &ferr)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: %s", path, ferr->message);
    return NULL;
  }
  /* the parser stops at the first NUL: a file holding one would be cut short silently */
  const char *nul = memchr(text, '\0', len);
  if (nul != NULL) {
    int line = 1;
    const char *start = text;
    for (const char *q = text; q < nul; q++)
      if (*q == '\n') {
        line++;
        start = q + 1;
      }
    g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX, "%s:%d:%d: unexpected NUL byte", path,
                line, (int)(nul - start) + 1);
    return NULL;
  }
  return pd_script_parse(path, text, error);
}

const PdOption *
pd_script_option(const PdScript *s, const char *name)
{
  g_return_val_if_fail(s != NULL && name != NULL, NULL);
  for (guint i = s->noptions; i > 0; i--)
    if (strcmp(s->options[i - 1].name, name) == 0)
      return &s->options[i - 1];
  return NULL;
}
