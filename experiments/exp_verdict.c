/* exp_verdict: the [verdict] expect expression. A recursive-descent parser, one function
 * per grammar rule of exp_verdict.h, emits a postfix program; evaluation runs it over
 * doubles with an explicit stack, so a long chain like "a + b + ... + z" costs no C stack. */
#include "exp_verdict.h"
#include "sim_error.h"

#include <math.h>
#include <string.h>

/* Parentheses, unary minus and "not" are the only rules that recurse; counting them
 * bounds the parser's stack whatever the text. 64 is far beyond any hand-written
 * hypothesis. */
#define VERDICT_MAX_DEPTH 64

typedef enum {
  OP_NUMBER, OP_REF, OP_NEG, OP_NOT,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV,
  OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
  OP_AND, OP_OR,
} VerdictOp;

typedef struct {
  VerdictOp op;
  guint ref;        /* OP_REF: index into refs */
  double number;    /* OP_NUMBER */
} VerdictInstr;

typedef struct {
  char *text;       /* as written, "variant.metric" or "metric": the dedup key */
  char *variant;    /* NULL for a bare metric */
  char *metric;
} VerdictRef;

struct ExpVerdict {
  GArray *program;  /* VerdictInstr in postfix order */
  GArray *refs;     /* VerdictRef, in order of first appearance */
  guint max_stack;  /* values the program holds at once, counted while emitting */
};

/* ---- tokens -------------------------------------------------------------------------- */

typedef enum {
  TOK_END, TOK_NUMBER, TOK_REF, TOK_LPAREN, TOK_RPAREN,
  TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH,
  TOK_LT, TOK_LE, TOK_GT, TOK_GE, TOK_EQ, TOK_NE,
  TOK_AND, TOK_OR, TOK_NOT,
} TokKind;

typedef struct {
  TokKind kind;
  const char *start;
  int len;
  double number;    /* TOK_NUMBER */
  int dot;          /* TOK_REF: offset of the '.', or -1 for a bare metric */
} Token;

typedef struct {
  const char *text;
  const char *pos;  /* where the next token is scanned from */
  Token tok;        /* the lookahead */
  Token prev;       /* the last token consumed, for "after '...'" */
  gboolean has_prev;
  guint depth;
  guint stack;      /* values on the stack after the code emitted so far */
  gboolean dotted;  /* a reference may have more than one '.' */
  ExpVerdict *v;
  GError **error;
} Parser;

/* Columns count bytes from 1. They are also characters: any byte outside ASCII is an
 * error where it stands, so everything before a reported column is ASCII. */
G_GNUC_PRINTF(4, 5) static gboolean
fail_at(Parser *p, int code, const char *at, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(p->error, SIM_ERROR, code, "column %ld: %s", (long)(at - p->text) + 1, msg);
  return FALSE;
}

static gboolean
is_name_start(char c)
{
  return g_ascii_isalpha(c) || c == '_';
}

static gboolean
is_name_char(char c)
{
  return g_ascii_isalnum(c) || c == '_';
}

static const char *
scan_name(const char *s)
{
  while (is_name_char(*s))
    s++;
  return s;
}

/* "and", "or", "not": operators, never names. */
static TokKind
keyword(const char *s, int len)
{
  if (len == 3 && strncmp(s, "and", 3) == 0)
    return TOK_AND;
  if (len == 2 && strncmp(s, "or", 2) == 0)
    return TOK_OR;
  if (len == 3 && strncmp(s, "not", 3) == 0)
    return TOK_NOT;
  return TOK_END;
}

/* NUMBER: digits, then optionally '.' digits, then optionally [eE][+-]digits. A letter,
 * digit or '.' right after is refused here, so that "2e" or "1.5.2" is named as a bad
 * number rather than left to puzzle the grammar. */
static gboolean
scan_number(Parser *p, const char *s)
{
  const char *q = s;
  while (g_ascii_isdigit(*q))
    q++;
  if (*q == '.') {
    q++;
    if (!g_ascii_isdigit(*q))
      return fail_at(p, SIM_ERROR_SYNTAX, q, "expected a digit after '%.*s'", (int)(q - s), s);
    while (g_ascii_isdigit(*q))
      q++;
  }
  if (*q == 'e' || *q == 'E') {
    q++;
    if (*q == '+' || *q == '-')
      q++;
    if (!g_ascii_isdigit(*q))
      return fail_at(p, SIM_ERROR_SYNTAX, q, "expected a digit after '%.*s'", (int)(q - s), s);
    while (g_ascii_isdigit(*q))
      q++;
  }
  if (is_name_char(*q) || *q == '.')
    return fail_at(p, SIM_ERROR_SYNTAX, q, "unexpected '%c' after the number '%.*s'", *q,
                   (int)(q - s), s);
  char *end = NULL;
  double x = g_ascii_strtod(s, &end);
  g_assert(end == q);   /* the scan above accepts a subset of strtod's decimal form */
  if (isinf(x))
    return fail_at(p, SIM_ERROR_RANGE, s, "the number '%.*s' is too large", (int)(q - s), s);
  p->tok = (Token){ TOK_NUMBER, s, (int)(q - s), x, -1 };
  return TRUE;
}

/* NAME or NAME "." NAME; a bare keyword becomes its operator. */
static gboolean
scan_ref(Parser *p, const char *s)
{
  const char *q = scan_name(s);
  if (*q != '.') {
    TokKind kw = keyword(s, (int)(q - s));
    p->tok = (Token){ kw != TOK_END ? kw : TOK_REF, s, (int)(q - s), 0, -1 };
    return TRUE;
  }
  if (keyword(s, (int)(q - s)) != TOK_END)
    return fail_at(p, SIM_ERROR_SYNTAX, s, "'%.*s' is a keyword, not a name", (int)(q - s), s);
  int dot = (int)(q - s);
  const char *metric = q + 1;
  if (!is_name_start(*metric))
    return fail_at(p, SIM_ERROR_SYNTAX, metric, "expected a name after '%.*s'",
                   (int)(metric - s), s);
  q = scan_name(metric);
  if (keyword(metric, (int)(q - metric)) != TOK_END)
    return fail_at(p, SIM_ERROR_SYNTAX, metric, "'%.*s' is a keyword, not a name",
                   (int)(q - metric), metric);
  /* dotted: NAME ("." NAME)*, split at the last '.' */
  while (p->dotted && *q == '.') {
    dot = (int)(q - s);
    metric = q + 1;
    if (!is_name_start(*metric))
      return fail_at(p, SIM_ERROR_SYNTAX, metric, "expected a name after '%.*s'",
                     (int)(metric - s), s);
    q = scan_name(metric);
    if (keyword(metric, (int)(q - metric)) != TOK_END)
      return fail_at(p, SIM_ERROR_SYNTAX, metric, "'%.*s' is a keyword, not a name",
                     (int)(q - metric), metric);
  }
  if (*q == '.')
    return fail_at(p, SIM_ERROR_SYNTAX, q,
                   "unexpected '.' after '%.*s'; a reference is VARIANT.METRIC or METRIC",
                   (int)(q - s), s);
  p->tok = (Token){ TOK_REF, s, (int)(q - s), 0, dot };
  return TRUE;
}

/* A character that starts no token. '=', '&' and '|' are most likely a half-typed
 * operator, so the message offers the whole one. */
static gboolean
fail_stray_char(Parser *p, const char *s)
{
  const char *hint = NULL;
  if (s[0] == '=')
    hint = s[1] == '<' ? "<=" : s[1] == '>' ? ">=" : "==";
  else if (s[0] == '&')
    hint = "&&";
  else if (s[0] == '|')
    hint = "||";
  if (hint != NULL)
    return fail_at(p, SIM_ERROR_SYNTAX, s, "unexpected '%c'; did you mean '%s'?", s[0], hint);
  gunichar c = g_utf8_get_char_validated(s, -1);
  if (c == (gunichar)-1 || c == (gunichar)-2)
    return fail_at(p, SIM_ERROR_SYNTAX, s, "unexpected byte 0x%02x (not UTF-8)",
                   (unsigned char)s[0]);
  if (!g_unichar_isprint(c))
    return fail_at(p, SIM_ERROR_SYNTAX, s, "unexpected character U+%04X", c);
  return fail_at(p, SIM_ERROR_SYNTAX, s, "unexpected '%.*s'",
                 (int)(g_utf8_next_char(s) - s), s);
}

/* Scans the token at p->pos into p->tok. */
static gboolean
lex(Parser *p)
{
  const char *s = p->pos;
  while (g_ascii_isspace(*s))
    s++;
  TokKind kind;
  int len = 1;
  switch (s[0]) {
  case '\0': kind = TOK_END; len = 0; break;
  case '(': kind = TOK_LPAREN; break;
  case ')': kind = TOK_RPAREN; break;
  case '+': kind = TOK_PLUS; break;
  case '-': kind = TOK_MINUS; break;
  case '*': kind = TOK_STAR; break;
  case '/': kind = TOK_SLASH; break;
  case '<': kind = s[1] == '=' ? TOK_LE : TOK_LT; break;
  case '>': kind = s[1] == '=' ? TOK_GE : TOK_GT; break;
  case '!': kind = s[1] == '=' ? TOK_NE : TOK_NOT; break;
  case '=':
    if (s[1] != '=')
      return fail_stray_char(p, s);
    kind = TOK_EQ;
    break;
  case '&':
    if (s[1] != '&')
      return fail_stray_char(p, s);
    kind = TOK_AND;
    break;
  case '|':
    if (s[1] != '|')
      return fail_stray_char(p, s);
    kind = TOK_OR;
    break;
  default: {
    gboolean ok = g_ascii_isdigit(s[0]) ? scan_number(p, s)
                  : is_name_start(s[0]) ? scan_ref(p, s)
                                        : fail_stray_char(p, s);
    if (ok)
      p->pos = p->tok.start + p->tok.len;
    return ok;
  }
  }
  if (kind == TOK_LE || kind == TOK_GE || kind == TOK_NE || kind == TOK_EQ || kind == TOK_AND
      || kind == TOK_OR)
    len = 2;
  p->tok = (Token){ kind, s, len, 0, -1 };
  p->pos = s + len;
  return TRUE;
}

static gboolean
advance(Parser *p)
{
  p->prev = p->tok;
  p->has_prev = TRUE;
  return lex(p);
}

/* ---- parsing ------------------------------------------------------------------------- */

static void
emit(Parser *p, VerdictOp op, guint ref, double number)
{
  VerdictInstr in = { op, ref, number };
  g_array_append_val(p->v->program, in);
  if (op == OP_NUMBER || op == OP_REF)
    p->stack++;
  else if (op != OP_NEG && op != OP_NOT)
    p->stack--;   /* a binary operator takes two values and leaves one */
  p->v->max_stack = MAX(p->v->max_stack, p->stack);
}

/* Index of the reference @t, adding it on first sight. A linear search, O(refs) per
 * reference: an expression names a handful. */
static guint
ref_index(ExpVerdict *v, const Token *t)
{
  for (guint i = 0; i < v->refs->len; i++) {
    const char *text = g_array_index(v->refs, VerdictRef, i).text;
    if (strncmp(text, t->start, t->len) == 0 && text[t->len] == '\0')
      return i;
  }
  VerdictRef r = { g_strndup(t->start, t->len), NULL, NULL };
  if (t->dot >= 0) {
    r.variant = g_strndup(t->start, t->dot);
    r.metric = g_strndup(t->start + t->dot + 1, t->len - t->dot - 1);
  } else {
    r.metric = g_strdup(r.text);
  }
  g_array_append_val(v->refs, r);
  return v->refs->len - 1;
}

/* Either "expected X after 'prev'" or, at the very first token, what was found. */
static gboolean
fail_expected(Parser *p, const char *what)
{
  if (p->has_prev)
    return fail_at(p, SIM_ERROR_SYNTAX, p->tok.start, "expected %s after '%.*s'", what,
                   p->prev.len, p->prev.start);
  return fail_at(p, SIM_ERROR_SYNTAX, p->tok.start, "unexpected '%.*s'; expected %s", p->tok.len,
                 p->tok.start, what);
}

static gboolean
enter(Parser *p)
{
  if (++p->depth > VERDICT_MAX_DEPTH)
    return fail_at(p, SIM_ERROR_SYNTAX, p->tok.start, "expression nested deeper than %d levels",
                   VERDICT_MAX_DEPTH);
  return TRUE;
}

static gboolean parse_or(Parser *p);
static gboolean parse_not(Parser *p);
static gboolean parse_unary(Parser *p);

/* atom := NUMBER | REF | "(" expr ")" */
static gboolean
parse_atom(Parser *p)
{
  switch (p->tok.kind) {
  case TOK_NUMBER:
    emit(p, OP_NUMBER, 0, p->tok.number);
    return advance(p);
  case TOK_REF:
    emit(p, OP_REF, ref_index(p->v, &p->tok), 0);
    return advance(p);
  case TOK_LPAREN: {
    const char *open = p->tok.start;
    if (!enter(p) || !advance(p) || !parse_or(p))
      return FALSE;
    if (p->tok.kind != TOK_RPAREN)
      return fail_at(p, SIM_ERROR_SYNTAX, p->tok.start,
                     "expected ')' after '%.*s' to close the '(' at column %ld", p->prev.len,
                     p->prev.start, (long)(open - p->text) + 1);
    p->depth--;
    return advance(p);
  }
  default:
    return fail_expected(p, "a number, a name or '('");
  }
}

/* unary := "-" unary | atom */
static gboolean
parse_unary(Parser *p)
{
  if (p->tok.kind != TOK_MINUS)
    return parse_atom(p);
  if (!enter(p) || !advance(p) || !parse_unary(p))
    return FALSE;
  emit(p, OP_NEG, 0, 0);
  p->depth--;
  return TRUE;
}

/* term := unary ( ("*" | "/") unary )* */
static gboolean
parse_term(Parser *p)
{
  if (!parse_unary(p))
    return FALSE;
  while (p->tok.kind == TOK_STAR || p->tok.kind == TOK_SLASH) {
    VerdictOp op = p->tok.kind == TOK_STAR ? OP_MUL : OP_DIV;
    if (!advance(p) || !parse_unary(p))
      return FALSE;
    emit(p, op, 0, 0);
  }
  return TRUE;
}

/* sum := term ( ("+" | "-") term )* */
static gboolean
parse_sum(Parser *p)
{
  if (!parse_term(p))
    return FALSE;
  while (p->tok.kind == TOK_PLUS || p->tok.kind == TOK_MINUS) {
    VerdictOp op = p->tok.kind == TOK_PLUS ? OP_ADD : OP_SUB;
    if (!advance(p) || !parse_term(p))
      return FALSE;
    emit(p, op, 0, 0);
  }
  return TRUE;
}

static gboolean
is_comparison(TokKind k)
{
  return k >= TOK_LT && k <= TOK_NE;
}

/* cmp := sum ( ("<" | "<=" | ">" | ">=" | "==" | "!=") sum )?
 * At most one comparison: "a < b < c" would compare a 0 or 1 with c, which is never
 * what a hypothesis means, so a second one is an error that says so. */
static gboolean
parse_cmp(Parser *p)
{
  if (!parse_sum(p))
    return FALSE;
  if (!is_comparison(p->tok.kind))
    return TRUE;
  /* the six comparisons are listed in the same order in both enums */
  G_STATIC_ASSERT(TOK_NE - TOK_LT == OP_NE - OP_LT && TOK_GE - TOK_LT == OP_GE - OP_LT);
  VerdictOp op = OP_LT + (p->tok.kind - TOK_LT);
  if (!advance(p) || !parse_sum(p))
    return FALSE;
  emit(p, op, 0, 0);
  if (is_comparison(p->tok.kind))
    return fail_at(p, SIM_ERROR_SYNTAX, p->tok.start,
                   "unexpected '%.*s' after a comparison; comparisons do not chain, join "
                   "them with 'and'", p->tok.len, p->tok.start);
  return TRUE;
}

/* not := ("not" | "!") not | cmp */
static gboolean
parse_not(Parser *p)
{
  if (p->tok.kind != TOK_NOT)
    return parse_cmp(p);
  if (!enter(p) || !advance(p) || !parse_not(p))
    return FALSE;
  emit(p, OP_NOT, 0, 0);
  p->depth--;
  return TRUE;
}

/* and := not ( ("and" | "&&") not )* */
static gboolean
parse_and(Parser *p)
{
  if (!parse_not(p))
    return FALSE;
  while (p->tok.kind == TOK_AND) {
    if (!advance(p) || !parse_not(p))
      return FALSE;
    emit(p, OP_AND, 0, 0);
  }
  return TRUE;
}

/* or := and ( ("or" | "||") and )* */
static gboolean
parse_or(Parser *p)
{
  if (!parse_and(p))
    return FALSE;
  while (p->tok.kind == TOK_OR) {
    if (!advance(p) || !parse_and(p))
      return FALSE;
    emit(p, OP_OR, 0, 0);
  }
  return TRUE;
}

static void
verdict_ref_clear(gpointer data)
{
  VerdictRef *r = data;
  g_free(r->text);
  g_free(r->variant);
  g_free(r->metric);
}

static ExpVerdict *
verdict_parse(const char *text, gboolean dotted, GError **error)
{
  g_return_val_if_fail(text != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  g_autoptr(ExpVerdict) v = g_new0(ExpVerdict, 1);
  v->program = g_array_new(FALSE, FALSE, sizeof(VerdictInstr));
  v->refs = g_array_new(FALSE, FALSE, sizeof(VerdictRef));
  g_array_set_clear_func(v->refs, verdict_ref_clear);

  Parser p = { .text = text, .pos = text, .dotted = dotted, .v = v, .error = error };
  if (!lex(&p))
    return NULL;
  if (p.tok.kind == TOK_END) {
    g_set_error_literal(error, SIM_ERROR, SIM_ERROR_SYNTAX, "empty expression");
    return NULL;
  }
  if (!parse_or(&p))
    return NULL;
  if (p.tok.kind != TOK_END) {
    fail_at(&p, SIM_ERROR_SYNTAX, p.tok.start, "unexpected '%.*s' after a complete expression",
            p.tok.len, p.tok.start);
    return NULL;
  }
  g_assert(p.stack == 1 && p.depth == 0);
  return g_steal_pointer(&v);
}

ExpVerdict *
exp_verdict_parse(const char *text, GError **error)
{
  return verdict_parse(text, FALSE, error);
}

ExpVerdict *
exp_verdict_parse_dotted(const char *text, GError **error)
{
  return verdict_parse(text, TRUE, error);
}

void
exp_verdict_free(ExpVerdict *v)
{
  if (v == NULL)
    return;
  g_array_unref(v->program);
  g_array_unref(v->refs);
  g_free(v);
}

guint
exp_verdict_n_refs(const ExpVerdict *v)
{
  g_return_val_if_fail(v != NULL, 0);
  return v->refs->len;
}

const char *
exp_verdict_ref_variant(const ExpVerdict *v, guint i)
{
  g_return_val_if_fail(v != NULL && i < v->refs->len, NULL);
  return g_array_index(v->refs, VerdictRef, i).variant;
}

const char *
exp_verdict_ref_metric(const ExpVerdict *v, guint i)
{
  g_return_val_if_fail(v != NULL && i < v->refs->len, NULL);
  return g_array_index(v->refs, VerdictRef, i).metric;
}

/* ---- evaluation ---------------------------------------------------------------------- */

static gboolean
truth(double x)
{
  return x != 0 && !isnan(x);   /* a missing figure supports nothing */
}

/* %.6g without the locale's decimal comma; NaN as "nan" whatever its sign bit (0.0 / 0.0
 * has it set on x86), and -0 as "0", since neither sign says anything about a run. */
static void
append_value(GString *s, double x)
{
  if (isnan(x)) {
    g_string_append(s, "nan");
    return;
  }
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.6g", x == 0 ? 0.0 : x));
}

gboolean
exp_verdict_eval(const ExpVerdict *v, ExpVerdictLookup lookup, void *user, gboolean *holds,
                 GString *figures, GError **error)
{
  g_return_val_if_fail(v != NULL && lookup != NULL && holds != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

  /* Every reference is looked up once, before evaluating: the figures list all of them,
   * and without side effects "and" and "or" need not short-circuit. */
  guint n = v->refs->len;
  g_autofree double *values = g_new(double, MAX(n, 1));
  for (guint i = 0; i < n; i++) {
    const VerdictRef *r = &g_array_index(v->refs, VerdictRef, i);
    values[i] = NAN;
    if (!lookup(r->variant, r->metric, &values[i], user)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "no value for '%s'", r->text);
      return FALSE;
    }
  }

  /* IEEE arithmetic (C11 Annex F): x / 0 is inf or NaN, not undefined behaviour. */
  g_autofree double *stack = g_new(double, v->max_stack);
  guint sp = 0;
  for (guint k = 0; k < v->program->len; k++) {
    const VerdictInstr *in = &g_array_index(v->program, VerdictInstr, k);
    if (in->op == OP_NUMBER || in->op == OP_REF) {
      g_assert(sp < v->max_stack);
      stack[sp++] = in->op == OP_NUMBER ? in->number : values[in->ref];
      continue;
    }
    if (in->op == OP_NEG || in->op == OP_NOT) {
      g_assert(sp >= 1);
      double *x = &stack[sp - 1];
      *x = in->op == OP_NEG ? -*x : !truth(*x);
      continue;
    }
    g_assert(sp >= 2);
    double a = stack[sp - 2], b = stack[sp - 1], r;
    switch (in->op) {
    case OP_ADD: r = a + b; break;
    case OP_SUB: r = a - b; break;
    case OP_MUL: r = a * b; break;
    case OP_DIV: r = a / b; break;
    case OP_LT: r = a < b; break;
    case OP_LE: r = a <= b; break;
    case OP_GT: r = a > b; break;
    case OP_GE: r = a >= b; break;
    case OP_EQ: r = a == b; break;
    case OP_NE: r = a != b; break;
    case OP_AND: r = truth(a) && truth(b); break;
    case OP_OR: r = truth(a) || truth(b); break;
    default: g_assert_not_reached();
    }
    stack[--sp - 1] = r;
  }
  g_assert(sp == 1);
  *holds = truth(stack[0]);

  if (figures != NULL)
    for (guint i = 0; i < n; i++) {
      if (i > 0)
        g_string_append(figures, "; ");
      g_string_append_printf(figures, "%s = ", g_array_index(v->refs, VerdictRef, i).text);
      append_value(figures, values[i]);
    }
  return TRUE;
}
